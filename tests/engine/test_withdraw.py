"""Withdrawing a mis-keyed decision: the action stops, its staff go free, the record stays honest and replays."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.errors import EngineError
from engine.format import ActionDone, ActionDropped, DecisionWithdrawn, Finding, StaffAwaited
from engine.runtime import Drill, RecordWriter, Submission, header_for, prepare, verify
from scoring.evaluation import evaluate
from tests.conftest import of_type


def decide(drill: Drill, role: str, action: str) -> int:
    verdict = drill.submit(Submission(role, action, source="ui"))
    assert verdict.accepted, verdict
    return verdict.seq


def test_an_action_under_way_withdrawn_never_takes_effect_and_frees_its_staff(make_drill: Callable[..., Drill]) -> None:
    """Talk withdrawn half-way: no effect, a dropped event, the desk free at once, and talk can be decided again."""
    drill = make_drill()
    talk = decide(drill, "control", "talk")
    drill.advance_to(0.5)
    drill.withdraw(talk)
    drill.advance_to(0.6)
    assert [e.decision for e in of_type(drill, DecisionWithdrawn)] == [talk]
    assert [e.action for e in of_type(drill, ActionDropped)] == ["talk"]
    assert not any(e.action == "talk" for e in of_type(drill, ActionDone))
    assert drill.incidents[0].values["talking"] is False
    decide(drill, "control", "log")  # the desk (one person) is free: log does not wait
    assert of_type(drill, StaffAwaited) == []
    decide(drill, "control", "talk")  # and talk is on offer again
    drill.advance_to(3.0)
    assert drill.incidents[0].values["talking"] is True


def test_an_action_waiting_for_staff_withdrawn_gives_up_its_place(make_drill: Callable[..., Drill]) -> None:
    """Talk waiting for the desk behind log, withdrawn: log finishes, talk never begins."""
    drill = make_drill()
    decide(drill, "control", "log")
    drill.advance_to(0.1)
    talk = decide(drill, "control", "talk")
    drill.advance_to(0.2)
    assert [e.action for e in of_type(drill, StaffAwaited)] == ["talk"]
    drill.withdraw(talk)
    drill.advance_to(3.0)
    assert [e.action for e in of_type(drill, ActionDone)] == ["log"]
    assert drill.incidents[0].pending == []


def test_a_finished_action_cannot_be_withdrawn(make_drill: Callable[..., Drill]) -> None:
    """What is done is done: withdrawing a finished action's decision is refused, and nothing is recorded."""
    drill = make_drill()
    log = decide(drill, "control", "log")
    drill.advance_to(1.0)
    with pytest.raises(EngineError, match="its action has finished"):
        drill.withdraw(log)
    assert of_type(drill, DecisionWithdrawn) == []


def test_findings_of_a_withdrawn_decision_stay_in_the_record_but_do_not_count(
    make_drill: Callable[..., Drill],
) -> None:
    """Paperwork before talking breaks a rule in observe mode; withdrawn at once, its finding costs nothing."""
    kept, withdrawn = make_drill(), make_drill()
    for drill in (kept, withdrawn):
        drill.advance_to(0.1)
        seq = decide(drill, "control", "paperwork")
        if drill is withdrawn:
            drill.withdraw(seq)
        drill.advance_to(0.2)
        drill.halt()
    caused = [f for f in of_type(withdrawn, Finding) if f.cause is not None]
    assert caused, "paperwork first is expected to make a finding in observe mode"
    scenarios = [withdrawn.incidents[0].sc]
    assert evaluate(withdrawn.events, scenarios).score > evaluate(kept.events, scenarios).score


def test_a_record_with_a_withdrawal_replays_and_verifies(mini_path: Path, tmp_path: Path) -> None:
    """The withdrawal is an input: replaying the record makes the same events, to the last one."""
    setup = prepare(str(mini_path))
    path = tmp_path / "withdrawn.jsonl"
    writer = RecordWriter(path, header_for(setup, seed=4, mode="observe", source="test"), setup)
    drill = setup.drill(seed=4, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    talk = decide(drill, "control", "talk")
    drill.advance_to(0.4)
    drill.withdraw(talk, wall="2026-12-04T15:57:21+00:00")
    drill.advance_to(0.5)
    decide(drill, "control", "talk")
    drill.advance_to(2.0)
    drill.halt()
    writer.close()
    result = verify(path)
    assert result.ok, result.message
