"""Too small a terminal: a full-screen notice says so and what size is needed, and the console goes on when it grows."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Static

from tests.tui.harness import Console, Wall, new_session, run
from tui.app import DrillsimApp
from tui.screens.live import LiveScreen
from tui.screens.start import StartScreen
from tui.screens.too_small import MIN_SIZE, TooSmallScreen

NOTICE = {
    "zh": ("终端窗口太小（40×12）", "至少 80×16"),
    "en": ("The terminal is too small (40×12)", "at least 80×16"),
}


def notice(console: Console) -> str:
    return str(console.on(TooSmallScreen).query_one("#too-small", Static).content)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_40x12_the_console_says_it_needs_a_bigger_terminal_and_goes_on_at_80x24(lang: str) -> None:
    """At 40x12 a notice in the console's language names the size needed; back at 80x24 the start screen returns."""

    async def steps(console: Console) -> None:
        await console.reach(StartScreen)
        await console.pilot.resize_terminal(40, 12)
        await console.reach(TooSmallScreen)
        for words in NOTICE[lang]:
            assert words in notice(console)
        await console.pilot.resize_terminal(*MIN_SIZE)
        await console.reach(StartScreen)
        await console.pilot.resize_terminal(MIN_SIZE[0] - 1, MIN_SIZE[1])
        await console.reach(TooSmallScreen)
        await console.pilot.resize_terminal(80, 24)
        await console.reach(StartScreen)
        assert len([s for s in console.app.screen_stack if isinstance(s, TooSmallScreen)]) == 0

    run(DrillsimApp(lang=lang), steps)


def test_a_running_drill_is_held_while_the_terminal_is_too_small_and_goes_on_after(wall: Wall) -> None:
    """The live clock stops under the notice and runs again when the terminal grows; a paused one stays paused."""

    async def steps(console: Console) -> None:
        session = new_session(wall=wall)
        await console.open(LiveScreen(session))
        session.clock.resume()
        await console.pilot.resize_terminal(40, 12)
        await console.reach(TooSmallScreen)
        assert session.clock.paused
        await console.pilot.resize_terminal(80, 24)
        await console.reach(LiveScreen)
        assert not session.clock.paused
        session.clock.pause()
        await console.pilot.resize_terminal(40, 12)
        await console.reach(TooSmallScreen)
        await console.pilot.resize_terminal(80, 24)
        await console.reach(LiveScreen)
        assert session.clock.paused

    run(DrillsimApp(lang="zh"), steps)


def test_a_console_started_in_a_small_terminal_shows_the_notice_first() -> None:
    """Started at 40x12 the console opens on the notice, and on the start screen once the terminal grows."""

    async def steps(console: Console) -> None:
        await console.reach(TooSmallScreen)
        await console.pilot.resize_terminal(80, 24)
        await console.reach(StartScreen)

    async def main() -> None:
        app = DrillsimApp(lang="en")
        async with app.run_test(size=(40, 12)) as pilot:
            console = Console(app, pilot)
            await console.settle()
            await steps(console)

    asyncio.run(main())
