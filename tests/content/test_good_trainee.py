"""Good-trainee scripts pass whatever the seed; a script can wait for what it depends on.

The shipped scenarios draw outside parties' times at random (the lift contractor's arrival, the
brigade, the micro station), so a script that only works for the seed it was written with teaches
nothing. Every good-trainee script is played with seeds 1 to 50, in both modes, and must pass on
each: success, no finding, a passing score.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ContentError
from engine.format import (
    ActionDone,
    AnyEvent,
    Decision,
    DecisionMade,
    Finding,
    InjectDelivered,
    StateChanged,
    load_scenario,
    load_script,
    script_problems,
)
from engine.runtime import play_script, prepare
from scoring.evaluation import evaluate
from tests.conftest import ROOT

SCRIPTS = sorted((ROOT / "scenarios" / "scripts").glob("*.yaml"))
CORRECT = [p for p in SCRIPTS if p.name.endswith(".correct.yaml")]
ROLEPLAY = [p for p in SCRIPTS if p.name.endswith(".roleplay.yaml")]
SEEDS = range(1, 51)


def _scenario_of(script: Path) -> Path:
    return ROOT / "scenarios" / (script.name.split(".")[0] + ".yaml")


def test_every_shipped_scenario_has_a_good_trainee_script() -> None:
    """Each scenario in the library ships its good trainee: a correct sequence, or a role-play's good path."""
    shipped = {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    covered = {_scenario_of(p).stem for p in CORRECT} | {_scenario_of(p).stem for p in ROLEPLAY}
    assert shipped - covered == set()
    assert {"repair-dispatch", "gate-tailgating"} <= {_scenario_of(p).stem for p in CORRECT}


@pytest.mark.parametrize("mode", ["strict", "observe"])
@pytest.mark.parametrize("script", CORRECT, ids=lambda p: p.name)
def test_every_correct_script_passes_on_fifty_seeds(script: Path, mode: str) -> None:
    """The correct sequence succeeds, with no finding and a passing score, for seeds 1 to 50."""
    setup = prepare(str(_scenario_of(script)))
    decisions = load_script(script).model.decisions
    failed = []
    for seed in SEEDS:
        drill = setup.drill(seed=seed, mode=mode)
        drill.start()
        play_script(drill, decisions)
        findings = [f"{e.rule}/{e.kind}" for e in drill.events if isinstance(e, Finding)]
        refused = [e.action for e in drill.events if isinstance(e, DecisionMade) and e.status == "refused"]
        result = evaluate(drill.events, setup.scenarios(seed))
        if drill.outcome != "success" or findings or refused or not result.passed:
            failed.append((seed, drill.outcome, findings, refused, result.score))
    assert failed == []


@pytest.mark.parametrize("script", ROLEPLAY, ids=lambda p: p.name)
def test_every_role_play_script_passes_on_fifty_seeds(script: Path) -> None:
    """The role-play's good path resolves every owner, whatever the seed (reply order is shuffled by it)."""
    scenario = _scenario_of(script)
    dialogue = load_scenario(scenario).model.dialogue
    assert dialogue is not None
    decisions = load_script(script).model.decisions
    failed = []
    for persona in dialogue.personas:
        setup = prepare(str(scenario), persona=persona)
        for seed in SEEDS:
            drill = setup.drill(seed=seed, mode="strict")
            drill.start()
            play_script(drill, decisions)
            findings = [e for e in drill.events if isinstance(e, Finding)]
            if drill.outcome != "success" or findings or not evaluate(drill.events, setup.scenarios(seed)).passed:
                failed.append((persona, seed, drill.outcome))
    assert failed == []


# A waiting decision ---------------------------------------------------------------------------------

ELEVATOR = ROOT / "scenarios" / "elevator-entrapment.yaml"


def _play(decisions: list[Decision], seed: int = 1) -> list[AnyEvent]:
    setup = prepare(str(ELEVATOR))
    drill = setup.drill(seed=seed, mode="strict")
    drill.start()
    play_script(drill, decisions)
    return drill.events


def test_a_decision_waiting_for_a_condition_is_made_a_moment_after_it_holds() -> None:
    """`when` waits from `t` on, and the decision comes 0.01 min after the event that made it true."""
    decisions = [
        Decision(t=0, role="control_room", action="log_alarm"),
        Decision(t=0.5, role="control_room", action="talk_to_passengers"),
        Decision(t=0.5, role="security", action="go_to_site"),
        Decision(t=1.5, role="control_room", action="notify_maintenance"),
        Decision(t=2, role="security", action="check_passengers", when="in_state(released)"),
    ]
    events = _play(decisions)
    released = next(e.t for e in events if isinstance(e, StateChanged) and e.to == "released")
    made = next(e for e in events if isinstance(e, DecisionMade) and e.action == "check_passengers")
    assert (made.status, round(made.t - released, 6)) == ("accepted", 0.01)


def test_a_decision_waiting_for_an_inject_or_a_finished_action() -> None:
    """`after: {inject}` waits for the delivery, `after: {done}` for the action's end."""
    decisions = [
        Decision(t=0, role="control_room", action="log_alarm"),
        Decision(t=0.5, role="control_room", action="talk_to_passengers"),
        Decision.model_validate(
            {"t": 0, "role": "control_room", "action": "call_120", "after": {"inject": "passenger_unwell_call"}}
        ),
        Decision.model_validate(
            {"t": 0, "role": "control_room", "action": "notify_maintenance", "after": {"done": "talk_to_passengers"}}
        ),
    ]
    events = _play(decisions)
    unwell = next(e.t for e in events if isinstance(e, InjectDelivered) and e.inject == "passenger_unwell_call")
    talked = next(e.t for e in events if isinstance(e, ActionDone) and e.action == "talk_to_passengers")
    made = {e.action: e.t for e in events if isinstance(e, DecisionMade) and e.status == "accepted"}
    assert round(made["call_120"] - unwell, 6) == 0.01
    assert round(made["notify_maintenance"] - talked, 6) == 0.01


def test_a_waiting_decision_whose_moment_never_comes_is_never_made() -> None:
    """Nothing is forced: a decision waiting for something that does not happen is left out."""
    decisions = [
        Decision(t=0, role="control_room", action="log_alarm"),
        Decision(t=0, role="control_room", action="call_backup_contractor", when="maintenance_overdue"),
    ]
    events = _play(decisions)
    assert not [e for e in events if isinstance(e, DecisionMade) and e.action == "call_backup_contractor"]


def test_a_scripts_when_and_after_are_checked_against_its_scenario_with_their_lines(tmp_path: Path) -> None:
    """A misspelt variable, inject or action in `when`/`after` is reported at its line, with a did-you-mean."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        "schema: script/1\n"
        "scenario: elevator-entrapment\n"
        "decisions:\n"
        '  - {t: 0, role: control_room, action: log_alarm, when: "passenger_unwel"}\n'
        "  - {t: 0, role: control_room, action: call_120, after: {inject: passenger_unwel_call}}\n"
        "  - {t: 0, role: control_room, action: call_119, after: {done: call_12}}\n",
        encoding="utf-8",
    )
    problems = script_problems(load_script(path), [load_scenario(ELEVATOR).model])
    assert [(p.line, p.field) for p in problems] == [
        (4, "decisions.0.when"),
        (5, "decisions.1.after.inject"),
        (6, "decisions.2.after.done"),
    ]
    assert "did you mean 'passenger_unwell'" in problems[0].message


def test_an_after_names_one_thing(tmp_path: Path) -> None:
    """`after` takes an inject or an action, not both; the loader says so at the line."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        "schema: script/1\ndecisions:\n  - {t: 0, role: a, action: b, after: {inject: x, done: y}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as caught:
        load_script(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (3, "decisions.0.after")
