"""Resuming a drill whose console stopped: from the command line, and from the start screen."""

from __future__ import annotations

import math

from textual.widgets import DataTable

from engine.format import DecisionMade, NoteMade
from engine.runtime import read, verify
from tests.tui.harness import Console, events_of, recorded, run
from tui.app import DrillsimApp
from tui.screens.live import LiveScreen
from tui.screens.start import StartScreen
from tui.widgets.feed import Feed


def test_a_drill_cut_short_resumes_with_its_past_and_goes_on_in_the_same_record() -> None:
    """DrillsimApp(resume=path) reopens the live drill as it was; new decisions extend the same, intact record."""
    path = recorded(until=2.0, end=False)
    before = len(read(path).events)
    last = read(path).events[-1].t
    assert not read(path).complete

    async def steps(console: Console) -> None:
        live = await console.reach(LiveScreen)
        session = live.session
        assert session.path == path
        assert session.clock.paused and session.now == math.nextafter(last, math.inf)
        incident = session.situation.incidents[0]
        assert {"log_alarm", "fill_fault_log", "talk_to_passengers", "go_to_site"} <= incident.decided
        assert len(session.situation.findings) == 1
        assert len(live.query_one("#feed", Feed).lines) > 0
        await console.choose("control_room", "notify_maintenance")

    run(DrillsimApp(lang="en", resume=path), steps)
    check = verify(path)
    assert check.ok, check.message
    record = read(path)
    assert len(record.events) > before
    assert len(events_of(record, NoteMade, kind="resumed")) == 1
    assert events_of(record, DecisionMade, action="notify_maintenance", status="accepted", source="ui")


def test_the_start_screen_lists_a_cut_short_record_and_c_resumes_it() -> None:
    """A record cut short is listed as resumable; 'c' goes on with it on the live screen."""
    finished = recorded()
    cut = recorded(until=2.0, end=False)

    async def steps(console: Console) -> None:
        start = console.on(StartScreen)
        table = start.query_one("#records", DataTable)
        listed = {info.path: info.status for info in start.records}
        assert listed == {finished: "done", cut: "cut"}
        assert "cut short, can resume" in {str(cell) for cell in table.get_row(str(cut))}
        assert "finished" in {str(cell) for cell in table.get_row(str(finished))}
        await console.press("tab")
        assert console.app.focused is table
        for _ in start.records:
            if (chosen := start.selected_record()) is not None and chosen.path == cut:
                break
            await console.press("down")
        await console.press("c")
        assert (await console.reach(LiveScreen)).session.path == cut
        assert events_of(cut, NoteMade, kind="resumed")

    run(DrillsimApp(lang="en"), steps)
