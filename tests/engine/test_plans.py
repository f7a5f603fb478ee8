"""Drill plans: several incidents over shared staff, and incidents that start when another's condition holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ContentError
from engine.format import IncidentEnded, IncidentStarted
from engine.runtime import RecordWriter, Submission, header_for, prepare, verify

PLAN = """\
schema: plan/1
id: mini-cascade
version: "1"
title: {zh: 连锁, en: Cascade}
incidents:
  - scenario: mini-lift.yaml
    name: first
  - scenario: mini-lift.yaml
    name: second
    after: {incident: first, when: "distress >= 30"}
staffing: {guards: 2}
"""


def write_plan(tmp: Path, text: str = PLAN) -> Path:
    path = tmp / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_triggered_incident_starts_the_moment_its_condition_holds(mini_path: Path) -> None:
    """The second incident begins when the first one's distress reaches 30 (minute 4), on its own clock."""
    drill = prepare(str(write_plan(mini_path.parent))).drill(seed=1, mode="observe")
    drill.start()
    assert drill.submit(Submission("control", "log", 1)).why == "not-started"
    drill.advance_to(4.5)
    starts = [(e.incident, e.t) for e in drill.events if isinstance(e, IncidentStarted)]
    assert starts == [(0, 0), (1, 4)]
    assert drill.incidents[1].now == pytest.approx(0.5)
    assert drill.submit(Submission("control", "log", 1)).accepted


def test_an_incident_whose_trigger_never_comes_ends_as_not_started(mini_path: Path) -> None:
    """If the first incident ends before the condition holds, the second never begins and the drill still ends."""
    plan = PLAN.replace('when: "distress >= 30"', 'when: "distress >= 99 and talking"')
    drill = prepare(str(write_plan(mini_path.parent, plan))).drill(seed=1, mode="observe")
    drill.start()
    drill.submit(Submission("guard", "open_door", 0))
    drill.run_to_end()
    assert drill.finished
    ends = [(e.incident, e.outcome) for e in drill.events if isinstance(e, IncidentEnded)]
    assert ends == [(0, "failure"), (1, "not-started")]
    assert drill.outcome == "failure"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("incident: first,", "incident: frist,"), "unknown incident 'frist' (did you mean 'first'?)"),
        (("distress >= 30", "distres >= 30"), "unknown variable 'distres' (did you mean 'distress'?)"),
        (("    name: second\n", "    name: first\n"), "two incidents are named 'first'"),
    ],
)
def test_bad_triggers_are_refused_with_the_reason(mini_path: Path, edit: tuple[str, str], message: str) -> None:
    """Unknown incidents, bad conditions and duplicate names are content errors naming the plan."""
    path = write_plan(mini_path.parent, PLAN.replace(*edit))
    with pytest.raises(ContentError) as caught:
        prepare(str(path))
    assert any(message in str(p) for p in caught.value.problems)


def test_incidents_waiting_for_each_other_in_a_circle_are_refused(mini_path: Path) -> None:
    """A cycle of triggers could never start: refused."""
    plan = PLAN.replace("    name: first\n", "    name: first\n    after: {incident: second, when: talking}\n")
    with pytest.raises(ContentError, match="circle"):
        prepare(str(write_plan(mini_path.parent, plan)))


def test_a_record_of_a_cascade_verifies(mini_path: Path, tmp_path: Path) -> None:
    """The trigger is part of the record's header, so a replay starts the second incident the same way."""
    plan_path = write_plan(mini_path.parent)
    setup = prepare(str(plan_path))
    record = tmp_path / "cascade.jsonl"
    drill = setup.drill(seed=3, mode="observe")
    writer = RecordWriter(record, header_for(setup, seed=3, mode="observe", source=str(plan_path)), setup)
    drill.subscribe(writer.write)
    drill.start()
    drill.advance_to(5.0)
    drill.submit(Submission("control", "log", 1))
    drill.run_to_end()
    writer.close()
    result = verify(record)
    assert result.ok, result.message
