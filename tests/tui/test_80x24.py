"""At 80x24, the smallest size the console is designed for: every deadline shows, and long replay lines end in "…"."""

from __future__ import annotations

from textual.widgets import DataTable

from tests.tui.harness import Console, Wall, new_session, recorded, run
from tui.app import DrillsimApp
from tui.screens.live import LiveScreen
from tui.screens.replay import ReplayScreen
from tui.widgets.clock_bar import ClockBar


def screen_text(console: Console) -> str:
    """What the terminal shows now, as plain text."""
    strips = console.app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def test_the_clock_bar_shows_all_three_running_deadlines_at_80_columns(wall: Wall) -> None:
    """The lift entrapment starts three deadlines at once; each shows with its time left, clipped to fit."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(session))
        session.drill.advance_to(0.1)
        await console.pilot.pause(0.3)
        assert len(session.situation.running_deadlines()) == 3
        bar = str(console.live.query_one("#clock", ClockBar).content).splitlines()[1]
        assert [bar.count(t) for t in ("02:54", "04:54")] == [2, 1], bar  # two 3-minute clocks, one 5-minute
        assert "+" not in bar

    run(DrillsimApp(lang="zh"), steps)


def test_replay_lines_wider_than_the_table_end_in_an_ellipsis() -> None:
    """A finding's sentence too long for the replay's column is cut with "…", not mid-word without a sign."""
    path = recorded()

    async def steps(console: Console) -> None:
        replay = await console.reach(ReplayScreen)
        await console.until(lambda: replay.index is not None, "the replay")
        await console.press("home")
        await console.settle()
        table = replay.query_one("#replay-events", DataTable)
        widths = [len(str(table.get_row_at(r)[0])) for r in range(table.row_count)]
        assert max(widths) > table.size.width  # some lines are too long for it
        assert "…" in screen_text(console)

    app = DrillsimApp(lang="en", open_record=path)
    run(app, steps)
