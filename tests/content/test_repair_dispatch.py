"""The repair-dispatch drill (报事派单): the work order's loop, the busy technician, the classic mistakes.

The training plan asks for an owner's report to be dispatched within 10 minutes; the house
standard puts an urgent power repair on site within 15. One technician is on duty and the drain
job ties him up, so the urgent order waits in his pool's queue unless the dispatcher escalates.
Each classic mistake of the brief (late dispatch, a verbal dispatch, no ETA, closing without the
owner, no follow-up call, blaming the owner) must cost points through its own finding or task.
"""

from __future__ import annotations

import pytest

from engine.format import (
    ActionDone,
    AnyEvent,
    Decision,
    DecisionMade,
    Finding,
    InjectDelivered,
    StaffAwaited,
    load_script,
)
from engine.runtime import play_script, prepare
from scoring.evaluation import Evaluation, evaluate
from tests.conftest import ROOT

SCENARIO = ROOT / "scenarios" / "repair-dispatch.yaml"
CORRECT = ROOT / "scenarios" / "scripts" / "repair-dispatch.correct.yaml"
SETUP = prepare(str(SCENARIO))


def _d(role: str, action: str, t: float = 0, **wait: object) -> Decision:
    return Decision.model_validate({"t": t, "role": role, "action": action, **wait})


# Up to the urgent order: the app report goes to Zhang, the call is logged, safety advice given.
INTAKE = [
    _d("service", "dispatch_app_report"),
    _d("engineering", "duty_drain_job", after={"done": "dispatch_app_report"}),
    _d("service", "log_call", after={"inject": "the_call"}),
    _d("service", "advise_safety", after={"done": "log_call"}),
]
DISPATCH = [_d("service", "dispatch_urgent", after={"done": "advise_safety"})]
REASSIGN = [
    _d("service", "escalate_to_lead", after={"inject": "technician_busy"}),
    _d("eng_lead", "lead_goes", after={"done": "escalate_to_lead"}),
]
ETA = [_d("service", "tell_eta", when="started(lead_goes)")]
WAIT_FOR_ZHANG = [
    _d("engineering", "duty_goes", after={"done": "dispatch_urgent"}),
    _d("service", "tell_eta", when="started(duty_goes)"),
]
REPAIR = [_d("eng_lead", "lead_repairs", when="in_state(on_site)")]
CONFIRM = [_d("service", "tell_fix_and_confirm", when="in_state(fixed)")]


def _play(decisions: list[Decision], mode: str = "observe", seed: int = 1) -> tuple[list[AnyEvent], Evaluation]:
    drill = SETUP.drill(seed=seed, mode=mode)
    drill.start()
    play_script(drill, decisions)
    return drill.events, evaluate(drill.events, SETUP.scenarios(seed))


def _findings(events: list[AnyEvent]) -> set[tuple[str, str, str | None]]:
    return {(e.rule, e.kind, e.action or e.timer) for e in events if isinstance(e, Finding)}


def _lost(result: Evaluation, what: str) -> bool:
    """Whether the breakdown shows points lost for ``what`` (a finding key, or a task short of its share)."""
    items = [i for i in result.incidents[0].breakdown if i.what == what]
    return any(i.points < 0 or (i.max is not None and i.points < i.max) for i in items)


def test_the_correct_sequence_passes_with_the_loop_closed_on_fifty_seeds() -> None:
    """Played on seeds 1-50, the good trainee scores 80 or more, and all three loop stages are done in order."""
    decisions = load_script(CORRECT).model.decisions
    stages = {name: spec.stage for name, spec in SETUP.scenarios(1)[0].model.actions.items()}
    for seed in range(1, 51):
        events, result = _play(decisions, mode="strict", seed=seed)
        done = [stages[e.action] for e in events if isinstance(e, ActionDone) and e.action in stages]
        assert result.passed and result.score >= 80, seed
        assert done.index("report") < done.index("handle") < done.index("feedback"), seed
        assert not [e for e in events if isinstance(e, Finding)], seed


def test_the_urgent_order_waits_in_the_busy_technicians_queue() -> None:
    """Left with Zhang, the urgent order waits for the engineering pool until the drain is cleared."""
    events, _ = _play([*INTAKE, *DISPATCH, *WAIT_FOR_ZHANG])
    waits = [e for e in events if isinstance(e, StaffAwaited) and e.action == "duty_goes"]
    assert [w.pool for w in waits] == ["engineering"]
    done = {e.action: e.t for e in events if isinstance(e, ActionDone)}
    assert done["duty_goes"] > done["duty_drain_job"]


def test_escalating_gets_the_supervisor_there_within_the_house_standard_on_every_seed() -> None:
    """With the escalation, someone is at 3-1102 within 15 minutes of the call on seeds 1-50; without it, never."""
    for seed in range(1, 51):
        events, _ = _play([*INTAKE, *DISPATCH, *REASSIGN], seed=seed)
        call = next(e.t for e in events if isinstance(e, InjectDelivered) and e.inject == "the_call")
        arrived = next(e.t for e in events if isinstance(e, ActionDone) and e.action == "lead_goes")
        assert arrived - call <= 15, seed
        waited, _ = _play([*INTAKE, *DISPATCH, *WAIT_FOR_ZHANG], seed=seed)
        assert ("deadline", "missed", "urgent_on_site") in _findings(waited), seed


def test_the_technician_is_free_and_nobody_is_told_he_is_busy_without_the_drain_order() -> None:
    """The busy notice comes from the pool's real state: no drain job, no notice, and Zhang goes at once."""
    decisions = [
        _d("service", "log_call", after={"inject": "the_call"}),
        _d("service", "dispatch_urgent", after={"done": "log_call"}),
        _d("engineering", "duty_goes", after={"done": "dispatch_urgent"}),
    ]
    events, _ = _play(decisions)
    assert not [e for e in events if isinstance(e, InjectDelivered) and e.inject == "technician_busy"]
    assert not [e for e in events if isinstance(e, StaffAwaited)]
    assert ("deadline", "missed", "urgent_on_site") not in _findings(events)


MISTAKES = {
    "late dispatch": (
        [*INTAKE, _d("service", "dispatch_urgent", t=15), *REASSIGN, *ETA],
        ("deadline", "missed", "urgent_dispatched_in_time"),
        "task:dispatch",
    ),
    "verbal only": (
        [*INTAKE, _d("service", "verbal_dispatch", after={"done": "advise_safety"})],
        ("red-line", "forbidden", "verbal_dispatch"),
        "red-line/forbidden",
    ),
    "no ETA": (
        [*INTAKE, *DISPATCH, *REASSIGN, *REPAIR],
        ("deadline", "missed", "eta_in_time"),
        "task:eta",
    ),
    "closed without the owner": (
        [*INTAKE, *DISPATCH, *REASSIGN, *ETA, *REPAIR, _d("service", "close_unconfirmed", when="in_state(fixed)")],
        ("red-line", "forbidden", "close_unconfirmed"),
        "red-line/forbidden",
    ),
    "no follow-up call": (
        [
            *INTAKE,
            *DISPATCH,
            *REASSIGN,
            *ETA,
            *REPAIR,
            *CONFIRM,
            _d("service", "close_without_callback", when="in_state(confirmed)"),
        ],
        ("red-line", "forbidden", "close_without_callback"),
        "task:followup",
    ),
    "blaming the owner": (
        [*INTAKE, *DISPATCH, *REASSIGN, _d("service", "blame_owner", after={"done": "dispatch_urgent"})],
        ("red-line", "forbidden", "blame_owner"),
        "red-line/forbidden",
    ),
}


@pytest.mark.parametrize(("decisions", "finding", "cost"), MISTAKES.values(), ids=MISTAKES.keys())
def test_each_classic_mistake_is_a_finding_that_costs_points_and_the_pass(
    decisions: list[Decision], finding: tuple[str, str, str], cost: str
) -> None:
    """In observe mode the mistake happens, is recorded as its finding, costs points and fails the drill."""
    events, result = _play(decisions)
    assert finding in _findings(events)
    assert _lost(result, cost)
    assert not result.passed


@pytest.mark.parametrize(
    "action", ["verbal_dispatch", "close_unconfirmed", "close_without_callback", "blame_owner", "tell_owner_reset"]
)
def test_strict_mode_refuses_each_red_line_and_the_unsafe_reset(action: str) -> None:
    """Strict mode refuses the act where its scenario test puts it, and records no finding for it."""
    test = next(t for t in SETUP.sources[0].model.tests.values() if t.mode == "strict" and action in t.expect.refused)
    events, _ = _play(test.decisions, mode="strict")
    refused = [e for e in events if isinstance(e, DecisionMade) and e.action == action]
    assert refused and {e.status for e in refused} == {"refused"}
    assert not [f for f in _findings(events) if f[2] == action]
