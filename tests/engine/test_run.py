"""The drill runtime: rules, time, staff, injects, dynamics, timers, endings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from engine.errors import EngineError
from engine.format import (
    ActionBegun,
    DecisionMade,
    Finding,
    InjectDelivered,
    StaffAwaited,
    TimerChanged,
    load_scenario,
)
from engine.runtime import CompiledScenario, Drill, Submission, compiled
from tests.conftest import CORRECT, of_type, play

MakeDrill = Callable[..., Drill]


def findings(drill: Drill) -> list[tuple[str, str]]:
    return [(e.rule, e.kind) for e in of_type(drill, Finding)]


def test_the_correct_sequence_closes_the_case_with_no_findings_in_strict_mode(make_drill: MakeDrill) -> None:
    """Playing the right actions in the right order ends in success with nothing to report."""
    drill = make_drill("strict")
    play(drill, CORRECT)
    assert drill.outcome == "success"
    assert findings(drill) == []
    assert [e.status for e in of_type(drill, DecisionMade)] == ["accepted"] * len(CORRECT)


def test_opening_the_landing_door_between_floors_is_refused_in_strict_mode(make_drill: MakeDrill) -> None:
    """A forbidden action is refused with its reason, and nothing happens."""
    drill = make_drill("strict")
    play(drill, [(0.0, "control", "log"), (1.0, "guard", "open_door")])
    refused = [e for e in of_type(drill, DecisionMade) if e.status == "refused"]
    assert len(refused) == 1
    assert refused[0].reasons is not None
    assert refused[0].reasons[0].rule == "life-first"
    assert refused[0].reasons[0].detail["en"] == "The car is between floors"
    assert "open_door" not in drill.incidents[0].started


def test_opening_the_landing_door_between_floors_is_a_finding_in_observe_mode(make_drill: MakeDrill) -> None:
    """Observe mode lets the forbidden action happen, records the finding, and plays its consequence."""
    drill = make_drill("observe")
    play(drill, [(0.0, "control", "log"), (1.0, "guard", "open_door")])
    assert ("life-first", "forbidden") in findings(drill)
    assert drill.incidents[0].ending == "fell"
    assert drill.outcome == "failure"


def test_paperwork_while_people_are_trapped_and_nobody_has_talked_to_them_breaks_life_first(
    make_drill: MakeDrill,
) -> None:
    """An admin action before the hazard's required life-safety action is refused in strict mode."""
    drill = make_drill("strict")
    drill.submit(Submission("control", "log"))
    verdict = drill.submit(Submission("control", "paperwork"))
    assert verdict.status == "refused"
    assert [(b.rule, b.kind) for b in verdict.breaches] == [("life-first", "order")]


def test_paperwork_is_acceptable_once_the_life_safety_action_has_started(make_drill: MakeDrill) -> None:
    """The hazard's requirement is met as soon as the life-safety action starts."""
    drill = make_drill("strict")
    drill.submit(Submission("control", "log"))
    drill.submit(Submission("control", "talk"))
    assert drill.submit(Submission("control", "paperwork")).accepted


def test_handling_before_reporting_is_refused_but_life_safety_is_never_held_back(make_drill: MakeDrill) -> None:
    """The loop rule holds back a support action before the report, never a life-safety one."""
    drill = make_drill("strict")
    patrol = drill.submit(Submission("guard", "patrol"))
    talk = drill.submit(Submission("control", "talk"))
    assert patrol.status == "refused"
    assert [(b.rule, b.kind) for b in patrol.breaches] == [("report-handle-feedback", "order")]
    assert talk.accepted


def test_closing_the_case_before_feedback_is_refused_in_strict_mode(make_drill: MakeDrill) -> None:
    """Going to a success ending needs report, handling and feedback all done."""
    drill = make_drill("strict")
    play(drill, [*CORRECT[:4], (16.0, "control", "close_quietly")])
    refused = [e for e in of_type(drill, DecisionMade) if e.status == "refused"]
    assert [r.reasons[0].kind for r in refused if r.reasons] == ["premature-close"]


def test_a_closing_action_that_is_itself_feedback_closes_the_loop(make_drill: MakeDrill) -> None:
    """Telling the people affected while closing the case is the feedback: it may close the case."""
    drill = make_drill("strict")
    play(drill, [*CORRECT[:4], (16.0, "control", "close")])
    assert drill.outcome == "success"
    assert findings(drill) == []


def test_an_incident_that_ends_with_its_loop_open_gets_a_finding(make_drill: MakeDrill) -> None:
    """Reaching any ending without report, handling and feedback done is recorded."""
    drill = make_drill("observe")
    play(drill, [(0.0, "control", "log"), (1.0, "guard", "open_door")])
    open_loops = [e for e in of_type(drill, Finding) if e.kind == "open"]
    assert len(open_loops) == 1
    assert "feedback" in open_loops[0].detail["en"]


def test_the_third_task_waits_when_two_guards_are_busy(make_drill: MakeDrill) -> None:
    """Staff pools are SimPy resources: capacity 2 means the third patrol starts when one frees up."""
    drill = make_drill("observe")
    drill.submit(Submission("control", "log"))
    drill.advance_to(1.0)
    for _ in range(3):
        drill.submit(Submission("guard", "patrol"))
    drill.advance_to(12.0)
    begins = [e.t for e in of_type(drill, ActionBegun) if e.action == "patrol"]
    assert begins == [1.0, 1.0, 6.0]
    assert [e.pool for e in of_type(drill, StaffAwaited)] == ["guards"]


def test_a_plan_with_nobody_on_a_shift_makes_every_task_of_that_pool_wait(mini: object) -> None:
    """A pool of capacity 0 accepts requests that never start."""
    drill = Drill([(mini, 0.0)], seed=1, staffing={"guards": 0})  # type: ignore[list-item]
    drill.start()
    drill.submit(Submission("control", "log"))
    drill.advance_to(1.0)
    drill.submit(Submission("guard", "patrol"))
    drill.advance_to(30.0)
    assert [e.action for e in of_type(drill, StaffAwaited)] == ["patrol"]
    assert not [e for e in of_type(drill, ActionBegun) if e.action == "patrol"]


def test_unknown_staffing_pool_is_refused(mini: object) -> None:
    """A plan cannot staff a pool no scenario uses."""
    with pytest.raises(EngineError, match="cleaners"):
        Drill([(mini, 0.0)], seed=1, staffing={"cleaners": 3})  # type: ignore[list-item]


def test_distress_rises_while_nobody_talks_and_stops_once_someone_does(make_drill: MakeDrill) -> None:
    """A dynamic changes its variable each step only while its condition holds."""
    drill = make_drill("observe")
    drill.advance_to(4.5)
    assert drill.incidents[0].values["distress"] == 10 + 4 * 5
    drill.submit(Submission("control", "talk"))
    drill.advance_to(10.5)
    assert drill.incidents[0].values["distress"] == 10 + 5 * 5  # one more step before the talk completed


def test_a_conditional_inject_arrives_once_when_its_condition_first_holds(make_drill: MakeDrill) -> None:
    """The faint inject is delivered the moment distress reaches 50, and only once."""
    drill = make_drill("observe")
    drill.advance_to(15.0)
    faint = [e for e in of_type(drill, InjectDelivered) if e.inject == "faint"]
    assert [e.t for e in faint] == [8]


def test_an_automatic_transition_fires_when_its_condition_holds(make_drill: MakeDrill) -> None:
    """Left alone, distress reaches 100 at minute 18 and the passengers force the door."""
    drill = make_drill("observe")
    drill.run_to_end()
    assert drill.incidents[0].ending == "panic"
    assert drill.now == 18


@pytest.mark.parametrize(("talk_at", "status"), [(2.0, "met"), (3.0, "met"), (3.01, "missed")])
def test_a_deadline_met_exactly_at_its_limit_is_on_time(make_drill: MakeDrill, talk_at: float, status: str) -> None:
    """Timers check after everything else due at the same instant; a decision at the deadline counts."""
    drill = make_drill("observe")
    drill.submit(Submission("control", "log"))
    drill.advance_to(talk_at)
    drill.submit(Submission("control", "talk"))
    drill.advance_to(5.0)
    statuses = [e.status for e in of_type(drill, TimerChanged) if e.status != "started"]
    assert statuses == [status]
    assert (("deadline", "missed") in findings(drill)) is (status == "missed")


def test_the_time_limit_ends_the_drill_as_a_timeout(mini_path: object, make_drill: MakeDrill) -> None:
    """With the passengers calmed and nobody rescuing them, the drill stops at its limit."""
    drill = make_drill("observe")
    play(drill, [(0.0, "control", "log"), (0.5, "control", "talk")])
    assert drill.outcome == "timeout"
    assert drill.now == 60


def test_unavailable_decisions_are_recorded_with_the_reason(make_drill: MakeDrill) -> None:
    """A decision that is not offered now is recorded and explained, not raised."""
    drill = make_drill("observe")
    cases = [
        (Submission("control", "nope"), "unknown-action"),
        (Submission("guard", "log"), "wrong-role"),
        (Submission("control", "tell"), "wrong-state"),
        (Submission("tech", "release"), "condition"),
    ]
    for submission, why in cases:
        assert drill.submit(submission).why == why
    drill.submit(Submission("control", "log"))
    assert drill.submit(Submission("control", "log")).why == "already-started"


def test_options_list_what_is_offered_now(make_drill: MakeDrill) -> None:
    """Options follow states, guards and whether an action has been started."""
    drill = make_drill("observe")
    before = {o.action for o in drill.options()}
    assert before == {"log", "talk", "patrol", "paperwork", "open_door", "level"}  # nothing of 'released' yet
    drill.submit(Submission("control", "log"))
    assert "log" not in {o.action for o in drill.options()}


def test_advancing_in_many_small_steps_gives_the_same_events_as_one_big_step(make_drill: MakeDrill) -> None:
    """Pausing and ticking never change what happens: advance_to is pause-safe."""
    one, many = make_drill("observe", seed=7), make_drill("observe", seed=7)
    one.advance_to(30.0)
    t = 0.0
    while t < 30.0:
        t = round(t + 0.37, 6)
        many.advance_to(min(t, 30.0))
        many.advance_to(min(t, 30.0))  # a paused console keeps calling with the same time
    assert one.events == many.events


def test_the_drill_refuses_to_run_before_start_or_after_its_end(mini: object) -> None:
    """The driving API reports misuse as EngineError."""
    drill = Drill([(mini, 0.0)], seed=1)  # type: ignore[list-item]
    with pytest.raises(EngineError):
        drill.advance_to(1.0)
    drill.start()
    drill.run_to_end()
    with pytest.raises(EngineError):
        drill.submit(Submission("control", "log"))


def test_two_incidents_share_the_same_staff_pools(mini: object) -> None:
    """A cascade: incidents of one drill compete for the same guards."""
    drill = Drill([(mini, 0.0), (mini, 0.0)], seed=1)  # type: ignore[list-item]
    drill.start()
    for incident in (0, 1):
        drill.submit(Submission("control", "log", incident))
    drill.advance_to(1.0)
    for incident in (0, 1, 1):
        drill.submit(Submission("guard", "patrol", incident))
    drill.advance_to(2.0)
    waits = of_type(drill, StaffAwaited)
    assert [(e.incident, e.pool) for e in waits if e.action == "patrol"] == [(1, "guards")]


def test_a_slow_rate_still_moves_a_whole_number_variable(mini_path: Path) -> None:
    """A dynamic of 0.3 per minute on an int variable keeps the fraction and moves every few steps."""
    path = mini_path.with_name("slow.yaml")
    path.write_text(mini_path.read_text(encoding="utf-8").replace("rate: 5,", "rate: 0.3,"), encoding="utf-8")
    loaded = load_scenario(path)
    drill = Drill([(compiled(loaded.model, loaded.digest), 0.0)], seed=1)
    drill.start()
    drill.advance_to(10.5)
    assert drill.incidents[0].values["distress"] == 13


def test_conditions_on_the_clock_fire_on_time_even_when_nothing_else_happens(mini_path: Path) -> None:
    """A transition on 'now >= 5' fires at minute 5, not at the next unrelated event."""
    path = mini_path.with_name("clock.yaml")
    text = mini_path.read_text(encoding="utf-8").replace('when: "distress >= 100"', 'when: "now >= 5"')
    text = text.replace("rate: 5,", "rate: 0,")
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    drill = Drill([(compiled(loaded.model, loaded.digest), 0.0)], seed=1)
    drill.start()
    drill.run_to_end()
    assert drill.incidents[0].ending == "panic"
    assert drill.now == 5.0


def test_a_later_incident_reads_its_own_clock(mini: CompiledScenario) -> None:
    """In a plan, 'now' and timed injects count from the incident's own start."""
    drill = Drill([(mini, 0.0), (mini, 20.0)], seed=1)
    drill.start()
    verdict = drill.submit(Submission("control", "log", 1))
    assert verdict.why == "not-started"
    drill.advance_to(21.0)
    assert drill.incidents[1].now == pytest.approx(1.0)
    alarms = [e.t for e in of_type(drill, InjectDelivered) if e.inject == "alarm"]
    assert alarms == [0, 20.0]


def test_a_decision_exactly_at_a_later_incidents_start_finds_it_open(mini: CompiledScenario) -> None:
    """An incident opens before anything else due at its start minute."""
    drill = Drill([(mini, 0.0), (mini, 20.0)], seed=1)
    drill.start()
    drill.advance_to(20.0)
    assert drill.submit(Submission("control", "log", 1)).accepted


def test_a_decision_after_uneven_ticks_lands_at_its_exact_minute(make_drill: MakeDrill) -> None:
    """A paced console stops at arbitrary minutes; the next stop and decision still fall exactly on t.

    (0.388896 + (1.7 - 0.388896) is 1.6999999999999997 in floating point: a drill that stopped there must
    not record a decision at 1.7 as anything but 1.7, or its record would not replay.)
    """
    direct, paced = make_drill("observe", seed=3), make_drill("observe", seed=3)
    for t in (0.1, 0.388896):
        paced.advance_to(t)
    for drill in (direct, paced):
        drill.advance_to(1.7)
        assert drill.now == 1.7
        drill.submit(Submission("control", "log"))
        drill.run_to_end()
    assert direct.events == paced.events
