"""The gate-tailgating drill (门岗尾随进入): the polite path, the police's part, and the seven prohibitions.

《保安服务管理条例》第三十条 forbids guards to restrict anyone's freedom, search them, insult or
beat them, seize their documents or leak their privacy. Each of those acts is in the drill as a
red line: refused in strict mode, and in observe mode a finding that costs points and, once the
police are there, turns the case against the guards. The correct path (enquire, sign in, check
with the owner, see him out; 110, cameras and two guards at a distance) hands him to the police.
"""

from __future__ import annotations

import pytest

from engine.format import ActionDone, AnyEvent, Decision, DecisionMade, Finding, StateChanged, load_script
from engine.runtime import play_script, prepare
from scoring.evaluation import Evaluation, evaluate
from tests.conftest import ROOT

SCENARIO = ROOT / "scenarios" / "gate-tailgating.yaml"
CORRECT = ROOT / "scenarios" / "scripts" / "gate-tailgating.correct.yaml"
SETUP = prepare(str(SCENARIO))


def _d(role: str, action: str, **wait: object) -> Decision:
    return Decision.model_validate({"t": 0, "role": role, "action": action, **wait})


GATE = [
    _d("gate_guard", "radio_tailgate"),
    _d("gate_guard", "stop_and_enquire"),
    _d("gate_guard", "register_visitor", after={"done": "stop_and_enquire"}),
    _d("gate_guard", "verify_with_owner", after={"done": "register_visitor"}),
    _d("gate_guard", "refuse_and_escort", when="owner_denies"),
]
SHED = [
    _d("control_room", "call_110", after={"inject": "over_the_fence"}),
    _d("patrol", "two_guards_watch", after={"inject": "over_the_fence"}),
]


def _play(decisions: list[Decision], mode: str = "observe", seed: int = 1) -> tuple[list[AnyEvent], Evaluation]:
    drill = SETUP.drill(seed=seed, mode=mode)
    drill.start()
    play_script(drill, decisions)
    return drill.events, evaluate(drill.events, SETUP.scenarios(seed))


def _states(events: list[AnyEvent]) -> list[str]:
    return [e.to for e in events if isinstance(e, StateChanged)]


def test_the_correct_sequence_hands_him_to_the_police_with_the_loop_closed_on_fifty_seeds() -> None:
    """Seeds 1-50: the good trainee scores 80 or more, with no finding, and ends handed over and closed."""
    decisions = load_script(CORRECT).model.decisions
    for seed in range(1, 51):
        events, result = _play(decisions, mode="strict", seed=seed)
        assert result.passed and result.score >= 80, seed
        assert not [e for e in events if isinstance(e, Finding)], seed
        assert _states(events)[-2:] == ["handed_over", "resolved"], seed


def test_a_polite_refusal_sees_him_out_and_he_comes_back_over_the_fence() -> None:
    """Seen out, he is gone from the gate; the theft starts only when he returns, at the minute the drill sets."""
    events, _ = _play(GATE)
    assert _states(events)[:2] == ["left", "intruder"]
    came_back = next(e.t for e in events if isinstance(e, StateChanged) and e.to == "intruder")
    assert came_back == pytest.approx(25, abs=0.11)


def test_unchallenged_he_reaches_the_bikes_long_before_he_would_have_returned() -> None:
    """Nobody speaks to him: he walks off after a minute and is at the bike shed within minutes, not 25."""
    events, _ = _play([_d("gate_guard", "radio_tailgate")])
    assert _states(events)[:2] == ["slipped_in", "intruder"]
    at_bikes = next(e.t for e in events if isinstance(e, StateChanged) and e.to == "intruder")
    assert at_bikes < 12


def test_the_police_take_him_only_if_someone_kept_eyes_on_him() -> None:
    """Called but unwatched (no cameras, no guards near), the police find nobody; watched, they take him."""
    unwatched, _ = _play([*GATE, SHED[0]])
    assert "got_away" in _states(unwatched) and "handed_over" not in _states(unwatched)
    watched, _ = _play([*GATE, *SHED])
    assert "handed_over" in _states(watched)


SEVEN_PROHIBITIONS = {
    "search (a bag)": ([*GATE[:2], _d("gate_guard", "search_bag", after={"done": "stop_and_enquire"})], "search_bag"),
    "seize a document": ([*GATE[:2], _d("gate_guard", "hold_id", after={"done": "stop_and_enquire"})], "hold_id"),
    "restrict freedom": ([*GATE, *SHED, _d("patrol", "lock_in_guardroom", when="guards_near")], "lock_in_guardroom"),
    "insult or beat": ([*GATE, *SHED, _d("patrol", "rough_up", when="guards_near")], "rough_up"),
    "leak privacy": (
        [*GATE, *SHED, _d("control_room", "post_id_in_group", when="in_state(handed_over)")],
        "post_id_in_group",
    ),
}


@pytest.mark.parametrize(("decisions", "action"), SEVEN_PROHIBITIONS.values(), ids=SEVEN_PROHIBITIONS.keys())
def test_each_of_the_seven_prohibitions_is_a_red_line(decisions: list[Decision], action: str) -> None:
    """Observe: a red-line finding citing art. 30 that costs points and the pass; strict: refused, nothing recorded."""
    observed, result = _play(decisions)
    found = [e for e in observed if isinstance(e, Finding) and e.action == action]
    assert [(f.rule, f.kind, f.source) for f in found] == [("red-line", "forbidden", "baoan_30")]
    assert any(i.what == "red-line/forbidden" and i.points < 0 for i in result.incidents[0].breakdown)
    assert not result.passed
    strict, _ = _play(decisions, mode="strict")
    assert {e.status for e in strict if isinstance(e, DecisionMade) and e.action == action} == {"refused"}
    assert not [e for e in strict if isinstance(e, Finding) and e.action == action]


@pytest.mark.parametrize("action", ["search_bag", "lock_in_guardroom", "rough_up"])
def test_overstepping_turns_the_case_against_the_guards_once_the_police_arrive(action: str) -> None:
    """A search, a detention or blows end the drill as the guards investigated, the moment the police come."""
    decisions = {a: d for d, a in SEVEN_PROHIBITIONS.values()}[action]
    if action == "search_bag":
        decisions = [
            *decisions,
            _d("gate_guard", "verify_with_owner", after={"done": "search_bag"}),
            GATE[-1],
            *SHED,
        ]
    events, result = _play(decisions)
    police = next(e.t for e in events if isinstance(e, ActionDone) and e.action == "police_travel")
    ended = next(e for e in events if isinstance(e, StateChanged) and e.to == "guard_investigated")
    assert ended.t == police
    assert result.rating == "U"


def test_going_at_him_alone_is_a_life_first_breach_and_a_guard_gets_hurt() -> None:
    """One guard rushing a man with bolt cutters: life-first finding, the guard injured, the drill failed."""
    decisions = [*GATE, SHED[0], _d("patrol", "lone_confront", after={"done": "call_110"})]
    events, result = _play(decisions)
    assert ("life-first", "forbidden") in {(e.rule, e.kind) for e in events if isinstance(e, Finding)}
    assert _states(events)[-1] == "guard_injured"
    assert result.rating == "U"
