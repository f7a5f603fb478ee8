"""Every screen's footer fits 80 columns, in Chinese and in English, with the keys that matter in it.

A facilitator at an 80-column terminal or projector reads the footer to know what to press: a key
drawn past the right edge (or under the palette's key) is a key they never learn. Each screen is
opened as a user would reach it, at 80x24; every key and group label the footer draws must lie
inside the 80 cells, none over another, its text on the bottom line as drawn (wide characters take
two cells, so a Chinese label is measured as the terminal shows it).
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, TabbedContent
from textual.widgets._footer import FooterKey, FooterLabel

from engine.display import cells
from engine.runtime import Clock, Session
from tests.tui.harness import SIZE, Console, Wall, new_session, recorded, run
from tests.tui.test_whatif_tab import late_record
from tui.app import DrillsimApp
from tui.dialogs.room import RoomDialog
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen
from tui.screens.replay import ReplayScreen
from tui.screens.roleplay import RolePlayScreen, begin_roleplay
from tui.screens.roleplay_result import RolePlayResultScreen
from tui.screens.setup import SetupScreen
from tui.screens.start import StartScreen

EVERYWHERE = {"quit", "help", "toggle_language"}
"""Keys every screen's footer shows: leave, find every other key, read the screen in the other language."""

MAIN: dict[str, set[str]] = {
    "start": {"resume"},
    "setup": {"start", "back"},
    "live": {"toggle_pause", "inject", "toggle_view", "end", "room"},
    "projector": {"toggle_pause", "inject", "toggle_view", "end", "room"},
    "room": {"accept", "reject", "remove", "close"},
    "debrief": {"export", "save", "replay", "new", "raise_actions"},
    "whatif": {"export", "save", "replay", "new", "raise_actions"},
    "replay": {"step(-1)", "step(1)", "jump('finding', 1)", "jump('decision', 1)", "fork", "back"},
    "roleplay": {"type_reply", "toggle_pause", "toggle_coach", "end"},
    "result": {"again", "new_owner", "replay", "back"},
}
"""Each screen's main actions, which its footer must show."""

Opening = Callable[[Console, Path], Awaitable[Screen[Any]]]


def screen_lines(console: Console) -> list[str]:
    """What the terminal shows now, line by line."""
    strips = console.app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def joined(lines: list[str]) -> str:
    """The screen's text with each line's padding gone, so that a sentence wrapped over two lines reads whole."""
    return "".join(line.strip() for line in lines)


def roleplay_session(tmp_path: Path) -> Session:
    """The noise complaint's role-play, its clock standing still."""
    session = begin_roleplay(
        "noise-complaint", persona="elderly", mode="strict", trainee="Lin", seed=7, record=tmp_path / "talk.jsonl"
    )
    session.clock = Clock(session.clock.speed, paused=True, now=lambda: 0.0)
    return session


async def start(console: Console, tmp_path: Path) -> Screen[Any]:
    return await console.reach(StartScreen)


async def setup(console: Console, tmp_path: Path) -> Screen[Any]:
    await console.reach(StartScreen)
    await console.press("enter")
    return await console.reach(SetupScreen)


async def live(console: Console, tmp_path: Path) -> Screen[Any]:
    await console.open(LiveScreen(new_session(wall=Wall())))
    return console.live


async def projector(console: Console, tmp_path: Path) -> Screen[Any]:
    screen = await live(console, tmp_path)
    await console.press("v")
    return screen


async def room(console: Console, tmp_path: Path) -> Screen[Any]:
    await live(console, tmp_path)
    await console.press("r")
    return await console.reach(RoomDialog)


async def debrief(console: Console, tmp_path: Path) -> Screen[Any]:
    await console.open(DebriefScreen(recorded()))
    return console.on(DebriefScreen)


async def whatif(console: Console, tmp_path: Path) -> Screen[Any]:
    await console.open(DebriefScreen(late_record(tmp_path), whatif_seeds=(3, 2)))
    screen = console.on(DebriefScreen)
    screen.query_one(TabbedContent).active = "tab-whatif"
    await console.until(lambda: screen.query_one("#whatif-table").display, "the what-if table")
    return screen


async def replay(console: Console, tmp_path: Path) -> Screen[Any]:
    await console.open(ReplayScreen(recorded()))
    return console.on(ReplayScreen)


async def roleplay(console: Console, tmp_path: Path) -> Screen[Any]:
    await console.open(RolePlayScreen(roleplay_session(tmp_path), "Lin"))
    await console.press("space")
    return console.on(RolePlayScreen)


async def result(console: Console, tmp_path: Path) -> Screen[Any]:
    session = roleplay_session(tmp_path)
    session.halt()
    session.close()
    await console.open(RolePlayResultScreen(session.path, "Lin"))
    return console.on(RolePlayResultScreen)


SCREENS: dict[str, Opening] = {
    "start": start,
    "setup": setup,
    "live": live,
    "projector": projector,
    "room": room,
    "debrief": debrief,
    "whatif": whatif,
    "replay": replay,
    "roleplay": roleplay,
    "result": result,
}


def check_footer(console: Console, name: str) -> None:
    """The footer's keys lie within the terminal, apart, each drawn in full on the bottom line."""
    screen = console.app.screen
    footer = screen.query_one(Footer)
    width = SIZE[0]
    parts: list[tuple[Region, str]] = []
    for widget in footer.query("*"):
        if isinstance(widget, FooterKey):
            parts.append((widget.region, f"{widget.key_display} {widget.description}".strip()))
        elif isinstance(widget, FooterLabel):
            parts.append((widget.region, str(widget.content)))
    assert parts, f"{name}: an empty footer"
    bottom = screen_lines(console)[-1]
    for region, text in parts:
        assert region.x >= 0 and region.right <= width, f"{name}: {text!r} is drawn at cells {region.x}-{region.right}"
        assert text in bottom, f"{name}: {text!r} is not on the bottom line {bottom!r}"
    spans = sorted((region.x, region.right) for region, _ in parts)
    for (_, right), (left, _) in itertools.pairwise(spans):
        assert right <= left, f"{name}: two keys overlap in the footer: {bottom!r}"
    assert cells(bottom.rstrip()) <= width
    actions = {w.action for w in footer.query(FooterKey) if isinstance(w, Widget)}
    missing = (EVERYWHERE | MAIN[name]) - actions
    assert not missing, f"{name}: the footer lacks {sorted(missing)}: {bottom!r}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(SCREENS))
def test_each_screens_footer_fits_80_columns_with_its_main_keys(name: str, lang: str, tmp_path: Path) -> None:
    """At 80x24, in each language, the footer shows the screen's main keys and quit, help and F2, all inside."""

    async def steps(console: Console) -> None:
        await SCREENS[name](console, tmp_path)
        await console.settle()
        check_footer(console, name)

    run(DrillsimApp(lang=lang, room_host="127.0.0.1", room_port=0), steps)


@pytest.mark.parametrize("name", ["live", "debrief", "replay", "roleplay"])
def test_f2_relabels_the_footer_and_it_still_fits(name: str, tmp_path: Path) -> None:
    """Switching language on the screen rewrites the footer's labels, which still fit (Chinese to English and back)."""

    async def steps(console: Console) -> None:
        await SCREENS[name](console, tmp_path)
        await console.settle()
        first = screen_lines(console)[-1]
        for _ in range(2):
            await console.press("f2")
            await console.settle()
            check_footer(console, name)
        assert screen_lines(console)[-1] == first  # and back in Chinese, as it was
        assert "English" in first

    run(DrillsimApp(lang="zh", room_host="127.0.0.1", room_port=0), steps)


def test_the_palette_key_shows_where_it_fits_and_ctrl_p_opens_the_palette_where_it_does_not(tmp_path: Path) -> None:
    """On the start screen there is room for "^p"; on the live screen there is not, and Ctrl+P still works."""
    from textual.command import CommandPalette

    async def steps(console: Console) -> None:
        await console.reach(StartScreen)
        await console.settle()
        assert "^p" in screen_lines(console)[-1]
        await live(console, tmp_path)
        await console.settle()
        assert "^p" not in screen_lines(console)[-1]
        await console.press("ctrl+p")
        await console.reach(CommandPalette)

    run(DrillsimApp(lang="en"), steps)


@pytest.mark.parametrize(("lang", "hint"), [("zh", "s：改为模拟 2 次"), ("en", "s: 2 drills instead")])
def test_the_what_if_tab_names_its_own_key_that_the_footer_leaves_out(lang: str, hint: str, tmp_path: Path) -> None:
    """The footer has no room for the tab's 's'; the line under the table says it, and pressing it does it."""

    async def steps(console: Console) -> None:
        screen = await whatif(console, tmp_path)
        await console.settle()
        assert hint in joined(screen_lines(console))
        await console.press("s")
        view = screen.query_one("#whatif")
        await console.until(
            lambda: getattr(view, "seeds", None) == 2 and screen.query_one("#whatif-table").display, "2"
        )
        assert hint.replace("2", "3") in joined(screen_lines(console))

    run(DrillsimApp(lang=lang), steps)


@pytest.mark.parametrize(("lang", "resume", "pause"), [("zh", "继续", "暂停"), ("en", "Resume", "Pause")])
def test_the_pause_key_is_named_for_what_it_would_do(lang: str, resume: str, pause: str, tmp_path: Path) -> None:
    """A drill opens paused: its footer offers to resume; once running, to pause; F2 keeps the right word."""

    async def steps(console: Console) -> None:
        await live(console, tmp_path)
        await console.settle()
        footer = screen_lines(console)[-1]
        assert f"space {resume}" in footer and f"space {pause}" not in footer
        await console.press("space")
        await console.until(lambda: f"space {pause}" in screen_lines(console)[-1], "the pause label")
        await console.press("f2")
        other = "Pause" if lang == "zh" else "暂停"
        await console.until(
            lambda: f"space {other}" in screen_lines(console)[-1], "the pause label in the other language"
        )
        await console.press("space")
        again = "Resume" if lang == "zh" else "继续"
        await console.until(lambda: f"space {again}" in screen_lines(console)[-1], "the resume label")

    run(DrillsimApp(lang=lang), steps)
