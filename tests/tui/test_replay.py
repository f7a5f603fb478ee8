"""Replay: open a finished drill, move through it, jump to findings, and fork a what-if."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from engine.format import DecisionMade, Finding
from engine.runtime import read
from tests.engine.hostile import edited, lines_of, write_lines
from tests.tui.harness import Console, Steps, events_of, recorded, run
from tui.app import DrillsimApp
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen
from tui.screens.replay import ReplayScreen


def replay_test(path: Path, steps: Steps) -> None:
    """Run the console in English on ``path`` in replay, then ``steps``."""

    async def go(console: Console) -> None:
        replay = await console.reach(ReplayScreen)
        assert replay.path == path and replay.index is not None
        await steps(console)

    run(DrillsimApp(lang="en", open_record=path), go)


def test_r_in_the_debrief_replays_the_same_record_from_its_end() -> None:
    """From the debrief, 'r' opens replay on the same record, positioned after its last event."""
    path = recorded()

    async def steps(console: Console) -> None:
        await console.open(DebriefScreen(path))
        await console.press("r")
        replay = await console.reach(ReplayScreen)
        assert replay.path == path
        assert replay.position == len(read(path).events)

    run(DrillsimApp(lang="en"), steps)


def test_home_end_the_arrows_and_f_move_through_the_record() -> None:
    """Home goes before the first event, End after the last, → and ← one shown event; 'f' from one finding to the next."""
    path = recorded()
    events = read(path).events
    findings = [e.seq for e in events if isinstance(e, Finding)]
    assert len(findings) == 2

    async def steps(console: Console) -> None:
        replay = console.on(ReplayScreen)
        table = replay.query_one("#replay-events", DataTable)

        def shown() -> tuple[int, bool]:
            """The row under the cursor, and whether the situation is the one just after its event."""
            return table.cursor_row, replay.current_event() == events[replay.rows[table.cursor_row]]

        assert replay.position == len(events)
        await console.press("home")
        assert replay.position == 0 and replay.current_event() is None
        assert table.cursor_row == 0
        await console.press("right")
        assert shown() == (1, True)
        await console.press("right", "right")
        assert shown() == (3, True)
        await console.press("left")
        assert shown() == (2, True)

        visited = []
        for _ in findings:
            await console.press("f")
            event = replay.current_event()
            assert event is not None and isinstance(event, Finding)
            assert shown()[1]
            visited.append(event.seq)
        assert visited == findings
        where = replay.position
        await console.press("f")
        assert replay.position == where
        assert "No more of those" in console.notified()

        await console.press("end")
        assert replay.position == len(events)
        assert shown() == (len(replay.rows) - 1, True)

    replay_test(path, steps)


def test_k_on_a_decision_forks_a_live_drill_that_can_take_another_choice() -> None:
    """'k' on the mistaken decision starts a live drill at its minute, in a new record naming its origin."""
    path = recorded()
    mistake = events_of(path, DecisionMade, action="fill_fault_log")[0]

    async def steps(console: Console) -> None:
        replay = console.on(ReplayScreen)
        await console.press("home", "d", "d")
        assert replay.current_event() == mistake
        await console.press("k")
        live = await console.reach(LiveScreen)
        session = live.session
        assert session.origin is not None
        assert (session.origin.path, session.origin.seq) == (str(path), mistake.seq)
        assert session.now == mistake.t
        assert session.path != path
        fork = read(session.path).header.fork
        assert fork is not None and fork.seq == mistake.seq
        assert "log_alarm" in session.situation.incidents[0].decided
        assert "fill_fault_log" not in session.situation.incidents[0].decided
        await console.choose("control_room", "talk_to_passengers")
        other = events_of(session.path, DecisionMade, action="talk_to_passengers", status="accepted")
        assert [e.t for e in other] == [mistake.t]
        assert not events_of(session.path, DecisionMade, action="fill_fault_log")

    replay_test(path, steps)


def test_switching_language_in_replay_keeps_the_position() -> None:
    """F2 redraws the events in the other language without moving the replay off its event."""
    path = recorded()

    async def steps(console: Console) -> None:
        replay = console.on(ReplayScreen)
        await console.press("left", "left")
        where = replay.position
        assert where < len(read(path).events)
        await console.press("f2")
        await console.settle()
        assert console.app.lang == "zh"
        assert replay.position == where

    replay_test(path, steps)


def _altered() -> Path:
    path = recorded()
    lines = lines_of(path)
    lines[5] = edited(lines[5])
    write_lines(path, lines)
    return path


def test_an_altered_record_is_refused_in_one_line_and_replay_does_not_open() -> None:
    """The console's replay verifies first: an edited record is refused, naming the line, and nothing is shown."""
    path = _altered()

    async def steps(console: Console) -> None:
        await console.until(lambda: any("altered" in m for m in console.notified("error")), "the refusal")
        refusal = next(m for m in console.notified("error") if "altered" in m)
        assert "(line 6)" in refusal and "\n" not in refusal
        await console.until(lambda: not isinstance(console.app.screen, ReplayScreen), "the way back")

    run(DrillsimApp(lang="en", open_record=path), steps)


def test_an_altered_record_opened_unverified_shows_a_warning_that_stays() -> None:
    """With --unverified the record is shown, under a banner saying it is not verified and why."""
    path = _altered()

    async def steps(console: Console) -> None:
        replay = await console.reach(ReplayScreen)
        await console.until(lambda: replay.index is not None, "the record")
        banner = replay.query_one("#replay-warning", Static)
        assert "NOT VERIFIED: altered" in str(banner.render())
        assert replay.warning is not None and "(line 6)" in replay.warning

    run(DrillsimApp(lang="en", open_record=path, unverified=True), steps)
