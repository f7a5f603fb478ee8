"""The situation folded from events: what the console shows, live and at any moment of a replay."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

import pytest

from engine.format import AnyEvent, Finding, NoteMade
from engine.runtime import STAGES, CompiledScenario, Drill, Index, Situation, Submission, play_random, prepare

MakeDrill = Callable[..., Drill]


def fold(scenarios: Sequence[CompiledScenario], events: Sequence[AnyEvent]) -> Situation:
    """A situation folded from scratch over ``events``."""
    situation = Situation(scenarios)
    for event in events:
        situation.apply(event)
    return situation


def caught_up(situation: Situation, drill: Drill) -> Situation:
    """Fold the drill's events the situation has not seen yet."""
    for event in drill.events[situation.count :]:
        situation.apply(event)
    return situation


def elevator_events(seed: int) -> tuple[list[CompiledScenario], list[AnyEvent], Drill]:
    """The shipped elevator scenario played to the end by a random trainee in observe mode."""
    setup = prepare("elevator-entrapment")
    drill = setup.drill(seed=seed, mode="observe")
    drill.start()
    play_random(drill, seed)
    return setup.scenarios(), drill.events, drill


# Folding a whole drill ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6, 7])
def test_folding_a_played_drill_gives_the_drills_own_incident_at_the_end(seed: int) -> None:
    """State, values, completed stages, hazards, injects and ending all come out as the engine has them."""
    scenarios, events, drill = elevator_events(seed)
    situation = fold(scenarios, events)
    view, inc = situation.incidents[0], drill.incidents[0]
    assert view.state == inc.state
    assert view.values == inc.values
    assert view.stages == inc.stages_done
    assert view.stage == next(
        (s for s in reversed(STAGES) if set(STAGES[: STAGES.index(s) + 1]) <= inc.stages_done), None
    )
    assert view.hazards == inc.hazards_on
    assert view.delivered == inc.delivered
    assert (view.ended, view.ending) == (inc.ended, inc.ending)
    assert (situation.finished, situation.outcome) == (True, drill.outcome)
    assert situation.count == len(events) and situation.t == events[-1].t
    assert situation.findings == [e for e in events if isinstance(e, Finding)]
    assert situation.work == {}  # nothing goes on once the incident has ended


@pytest.mark.parametrize("seed", [1, 3, 4])
def test_deadlines_come_out_as_the_drills_timers_and_running_ones_stop_with_the_incident(seed: int) -> None:
    """Met and missed match the engine; a deadline still running when the incident ends shows as stopped."""
    scenarios, events, drill = elevator_events(seed)
    deadlines = fold(scenarios, events).deadlines
    engine = {
        timer: ("stopped" if status == "running" else status) for timer, status in drill.incidents[0].timers.items()
    }
    assert {timer: d.status for (_, timer), d in deadlines.items()} == engine


@pytest.mark.parametrize(
    ("stages", "stage"),
    [
        (set(), None),
        ({"report"}, "report"),
        ({"handle"}, None),
        ({"report", "feedback"}, "report"),
        ({"report", "handle"}, "handle"),
        ({"report", "handle", "feedback"}, "feedback"),
    ],
)
def test_the_loop_stage_is_the_furthest_reached_in_order(
    mini: CompiledScenario, stages: set[str], stage: str | None
) -> None:
    """Report, then handle, then feedback: a stage done out of order does not count as reached."""
    view = Situation([mini]).incidents[0]
    view.stages = stages
    assert view.stage == stage


# Work under way and waiting ------------------------------------------------------------------------


def test_work_appears_when_it_begins_with_its_end_and_goes_when_it_is_done(
    make_drill: MakeDrill, mini: CompiledScenario
) -> None:
    """A begin puts the action under way until now + duration; its done takes it off."""
    drill = make_drill()
    situation = Situation([mini])
    drill.submit(Submission("control", "log"))
    drill.advance_to(0.1)  # the action's process runs
    work = caught_up(situation, drill).busy()
    assert [(w.action, w.role, w.since, w.until, w.pool) for w in work] == [("log", "control", 0.0, 0.5, None)]
    drill.advance_to(0.6)
    assert caught_up(situation, drill).busy() == []
    assert "report" in situation.incidents[0].stages


def test_work_waiting_for_staff_has_no_end_until_someone_is_free(make_drill: MakeDrill, mini: CompiledScenario) -> None:
    """With the one desk operator busy, the next desk action waits for the pool, then runs."""
    drill = make_drill()
    situation = Situation([mini])
    drill.submit(Submission("control", "log"))
    drill.submit(Submission("control", "talk"))
    drill.advance_to(0.1)
    caught_up(situation, drill)
    assert [(w.action, w.until) for w in situation.busy()] == [("log", 0.5)]
    assert [(w.action, w.pool, w.until) for w in situation.waiting()] == [("talk", "desk", None)]
    drill.advance_to(0.6)
    caught_up(situation, drill)
    assert [(w.action, w.since, w.until) for w in situation.busy()] == [("talk", 0.5, 1.5)]
    assert situation.waiting() == []


def test_an_instant_action_never_shows_as_under_way(make_drill: MakeDrill, mini: CompiledScenario) -> None:
    """An action with no duration begins and is done at once: nothing lingers in the work list."""
    drill = make_drill()
    situation = Situation([mini])
    drill.submit(Submission("control", "log"))
    drill.advance_to(0.6)
    drill.submit(Submission("guard", "open_door"))  # instant, and it ends the incident
    drill.run_to_end()
    assert caught_up(situation, drill).work == {}


# Deadlines ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decisions", "until", "status"),
    [
        ([], 1.0, "running"),
        ([(0.5, "control", "talk")], 1.0, "met"),
        ([(2.9, "control", "talk")], 3.5, "met"),
        ([], 3.01, "missed"),
        ([(3.5, "control", "talk")], 4.0, "missed"),
        ([(0.0, "control", "log"), (1.0, "guard", "open_door")], 2.0, "stopped"),
    ],
)
def test_a_deadline_is_running_then_met_or_missed(
    make_drill: MakeDrill, mini: CompiledScenario, decisions: list[tuple[float, str, str]], until: float, status: str
) -> None:
    """The 3-minute contact deadline starts with the incident and ends met, missed, or stopped by an ending."""
    drill = make_drill()
    for t, role, action in decisions:
        drill.advance_to(t)
        drill.submit(Submission(role, action))
    drill.advance_to(until)
    situation = caught_up(Situation([mini]), drill)
    assert [(d.timer, d.due, d.status) for d in situation.deadlines.values()] == [("contact", 3.0, status)]
    assert [d.timer for d in situation.running_deadlines()] == (["contact"] if status == "running" else [])


# Decisions, ratings, notes -----------------------------------------------------------------------


def test_refusals_notes_ratings_and_bookmarks_are_kept_apart(make_drill: MakeDrill, mini: CompiledScenario) -> None:
    """Refused decisions, facilitator notes, bookmarks and the latest rating per target each have their place."""
    drill = make_drill("strict")
    drill.submit(Submission("guard", "patrol"))  # handling before the report: refused
    drill.submit(Submission("control", "log"))
    drill.note("first", kind="note")
    drill.note("", kind="bookmark")
    drill.evaluate("inject:alarm", rating="S")
    drill.evaluate("inject:alarm", rating="P", note="quick")
    situation = caught_up(Situation([mini]), drill)
    assert [r.action for r in situation.refusals] == ["patrol"]
    assert situation.incidents[0].decided == {"log"}
    assert situation.ratings == {(0, "inject:alarm"): "P"}
    assert [n.kind if isinstance(n, NoteMade) else n.type for n in situation.notes] == [
        "note",
        "bookmark",
        "evaluation",
    ]
    assert situation.bookmarks() == [e for e in drill.events if isinstance(e, NoteMade) and e.kind == "bookmark"]


# Index: any moment of a record ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_record() -> tuple[list[CompiledScenario], list[AnyEvent]]:
    """A played elevator drill with enough events for several checkpoints at every=7."""
    scenarios, events, _ = elevator_events(3)
    assert len(events) > 50
    return scenarios, events


def test_the_situation_at_any_moment_is_the_fold_of_the_events_before_it(
    long_record: tuple[list[CompiledScenario], list[AnyEvent]],
) -> None:
    """Index.at(n) equals a fold from scratch of the first n events, at checkpoints, beside them and at the ends."""
    scenarios, events = long_record
    index = Index(events, scenarios, every=7)
    assert len(index) == len(events)
    moments = {0, 1, len(events) - 1, len(events)}
    for mark in range(0, len(events) + 1, 7):
        moments |= {mark - 1, mark, mark + 1}
    for n in sorted(m for m in moments if 0 <= m <= len(events)):
        assert index.at(n) == fold(scenarios, events[:n]), n


@pytest.mark.parametrize(("asked", "meaning"), [(-5, 0), (10**6, None)])
def test_a_moment_out_of_range_is_clamped_to_the_record(
    long_record: tuple[list[CompiledScenario], list[AnyEvent]], asked: int, meaning: int | None
) -> None:
    """Before the start is the start; past the end is the end."""
    scenarios, events = long_record
    n = len(events) if meaning is None else meaning
    assert Index(events, scenarios, every=7).at(asked) == fold(scenarios, events[:n])


def test_changing_a_situation_from_the_index_leaves_the_index_alone(
    long_record: tuple[list[CompiledScenario], list[AnyEvent]],
) -> None:
    """at() hands out a copy: folding more into it does not change what the index gives next time."""
    scenarios, events = long_record
    index = Index(events, scenarios, every=7)
    first = index.at(14)
    for event in events[14:]:
        first.apply(event)
    assert index.at(14) == fold(scenarios, events[:14])
    assert index.at(14).count == 14


def test_count_at_counts_the_events_up_to_and_including_a_minute(
    long_record: tuple[list[CompiledScenario], list[AnyEvent]],
) -> None:
    """count_at(t) is how many events have t at or before the minute asked."""
    scenarios, events = long_record
    index = Index(events, scenarios, every=7)
    times = sorted({float(e.t) for e in events})
    probes = [-1.0, *times, *[(a + b) / 2 for a, b in pairwise(times)], times[-1] + 1]
    for t in probes:
        assert index.count_at(t) == sum(1 for e in events if e.t <= t), t
    assert index.count_at(-1.0) == 0 and index.count_at(times[-1]) == len(events)


@pytest.fixture
def marked(make_drill: MakeDrill, mini: CompiledScenario) -> tuple[Index, list[AnyEvent]]:
    """A mini drill with findings, bookmarks and plain notes spread over it."""
    drill = make_drill("observe")
    drill.submit(Submission("guard", "patrol"))  # before the report: a finding
    drill.note("", kind="bookmark")
    drill.advance_to(2.0)
    drill.note("not a bookmark")
    drill.submit(Submission("control", "log"))
    drill.advance_to(5.0)  # the contact deadline is missed at 3: a finding
    drill.note("here", kind="bookmark")
    drill.submit(Submission("guard", "open_door"))  # between floors: a finding, and the loop left open
    drill.run_to_end()
    return Index(drill.events, [mini], every=7), drill.events


@pytest.mark.parametrize(
    "kinds",
    [{"finding"}, {"note:bookmark"}, {"finding", "note:bookmark"}, {"note"}, {"drill_end"}],
)
def test_next_of_steps_through_findings_and_bookmarks_forwards_and_backwards(
    marked: tuple[Index, list[AnyEvent]], kinds: set[str]
) -> None:
    """Forwards from the start and backwards from the last, it visits exactly the positions just after each match."""
    index, events = marked

    def matches(event: AnyEvent) -> bool:
        return event.type in kinds or (isinstance(event, NoteMade) and f"note:{event.kind}" in kinds)

    def walk(start: int, backwards: bool) -> list[int]:
        seen: list[int] = []
        position = start
        while (found := index.next_of(position, kinds, backwards=backwards)) is not None:
            seen.append(position := found)
            assert len(seen) <= len(events), "next_of keeps returning where it stands"
        return seen

    expected = [i + 1 for i, e in enumerate(events) if matches(e)]
    assert expected, "the fixture has something of every kind"
    assert walk(0, backwards=False) == expected
    assert walk(expected[-1], backwards=True) == expected[-2::-1]


def test_next_of_finds_nothing_past_the_ends(marked: tuple[Index, list[AnyEvent]]) -> None:
    """Nothing before the start, nothing after the end."""
    index, events = marked
    assert index.next_of(0, {"finding"}, backwards=True) is None
    assert index.next_of(len(events), {"finding"}) is None
    assert index.next_of(0, {"no-such-type"}) is None
