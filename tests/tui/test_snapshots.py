"""What the console looks like at 80x24, in Chinese and English, as plain text snapshots.

Each snapshot is the screen's characters (no colours), so a diff shows exactly what moved. Wide
characters take two cells: every line must fit the 80 columns exactly, or a column has been torn.
Set ``DRILLSIM_UPDATE_SNAPSHOTS=1`` to write the files (a new snapshot, or after an intended change),
then read the diff. Without it a missing snapshot fails, like a changed one: a run that wrote the
file it compares with would pass whatever the screen shows.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot

from engine.display import cells
from engine.runtime import Clock, Session, header_for, prepare
from tui.app import DrillsimApp
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen
from tui.screens.replay import ReplayScreen

HERE = Path(__file__).parent / "snapshots"
SIZE = (80, 24)

UPDATE = "DRILLSIM_UPDATE_SNAPSHOTS"
"""Set to 1 to write the snapshots (missing or changed) instead of comparing with them."""


def updating() -> bool:
    """Whether this run writes the snapshots."""
    return os.environ.get(UPDATE, "") not in ("", "0")


def screen_text(app: DrillsimApp) -> str:
    """The screen as the terminal shows it, characters only."""
    console = Console(width=SIZE[0], height=SIZE[1], record=True, file=io.StringIO(), color_system=None)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text()


def check(name: str, text: str, folder: Path = HERE) -> None:
    """Compare with the stored snapshot (or store it when updating); a missing snapshot fails."""
    lines = text.rstrip("\n").split("\n")
    assert len(lines) == SIZE[1], f"{name}: {len(lines)} lines"
    for number, line in enumerate(lines, start=1):
        assert cells(line) <= SIZE[0], f"{name}: line {number} is {cells(line)} cells wide: {line!r}"
    path = folder / f"{name}.txt"
    if updating():
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(
            f"snapshot {path} is missing; create it with {UPDATE}=1 python -m pytest tests/tui/test_snapshots.py,"
            " then read it and commit it"
        )
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see {path} ({UPDATE}=1 to accept)"


def drill_session(tmp_path: Path) -> Session:
    """The evening lift entrapment, strict mode, seed 1, paused after three decisions."""
    setup = prepare("elevator-entrapment")
    header = header_for(setup, seed=1, mode="strict", source="console")
    session = Session.begin(setup, header, path=tmp_path / "drill.jsonl", speed=30)
    session.drill.advance_to(0.5)
    session.submit("control_room", "log_alarm")
    session.drill.advance_to(1.0)
    session.submit("control_room", "talk_to_passengers")
    session.submit("control_room", "fill_fault_log")  # refused: life first
    session.drill.advance_to(2.0)
    return session


def shoot(lang: str, steps: Callable[[DrillsimApp, Pilot[None]], Awaitable[None]]) -> str:
    async def go() -> str:
        app = DrillsimApp(lang=lang)
        app.animation_level = "none"  # a tab underline caught mid-slide would make the snapshot flaky
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await steps(app, pilot)
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.clear_notifications()
            await pilot.pause()
            return screen_text(app)

    return asyncio.run(go())


@pytest.fixture(autouse=True)
def _quiet_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = tmp_path / "records"
    records.mkdir()
    monkeypatch.setenv("DRILLSIM_RECORDS", str(records))
    monkeypatch.setenv("DRILLSIM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("DRILLSIM_KEYMAP", str(tmp_path / "no-keymap.toml"))


LANGS = ["zh", "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_start_screen(lang: str) -> None:
    """The start screen lists plans and scenarios with the highlighted one's details."""

    async def steps(app: DrillsimApp, pilot: Pilot[None]) -> None:
        return None

    check(f"start-{lang}", shoot(lang, steps))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", ["controller", "projector"])
def test_live_screen(lang: str, view: str, tmp_path: Path) -> None:
    """The live drill, paused: clock, deadlines, situation, feed and the actions open now."""

    async def steps(app: DrillsimApp, pilot: Pilot[None]) -> None:
        await app.push_screen(LiveScreen(drill_session(tmp_path)))
        await pilot.pause()
        if view == "projector":
            await pilot.press("v")

    check(f"live-{view}-{lang}", shoot(lang, steps))


@pytest.mark.parametrize("lang", LANGS)
def test_debrief_screen(lang: str, tmp_path: Path) -> None:
    """The debrief of a drill the facilitator ended: score, rating, caps and the breakdown."""

    async def steps(app: DrillsimApp, pilot: Pilot[None]) -> None:
        session = drill_session(tmp_path)
        session.halt()
        session.close()
        await app.push_screen(DebriefScreen(session.path))

    check(f"debrief-{lang}", shoot(lang, steps))


def test_debrief_whatif_tab_zh(tmp_path: Path) -> None:
    """The what-if tab of the stuck lift called late: the on-time call first, spelled out below the table."""
    from textual.widgets import TabbedContent

    from tests.tui.test_whatif_tab import late_record

    async def steps(app: DrillsimApp, pilot: Pilot[None]) -> None:
        await app.push_screen(DebriefScreen(late_record(tmp_path), whatif_seeds=(6,)))
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one(TabbedContent).active = "tab-whatif"
        await pilot.pause()  # the tab's opening starts the analysis, which shoot() then waits for

    check("debrief-whatif-zh", shoot("zh", steps))


@pytest.mark.parametrize("lang", LANGS)
def test_replay_screen(lang: str, tmp_path: Path) -> None:
    """Replay at the first finding: the events so far and the situation at that moment."""

    async def steps(app: DrillsimApp, pilot: Pilot[None]) -> None:
        session = drill_session(tmp_path)
        session.halt()
        session.close()
        await app.push_screen(ReplayScreen(session.path))
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("home", "f")

    check(f"replay-{lang}", shoot(lang, steps))


@pytest.mark.parametrize("lang", LANGS)
def test_roleplay_screen(lang: str, tmp_path: Path) -> None:
    """A role-play, paused after two replies: the owner's meters, the conversation, the replies, the coach's panel."""
    from tui.screens.roleplay import RolePlayScreen, begin_roleplay

    async def steps(app: DrillsimApp, pilot: Pilot[None]) -> None:
        session = begin_roleplay(
            "noise-complaint", persona="elderly", mode="strict", trainee="Lin", seed=7, record=tmp_path / "talk.jsonl"
        )
        session.clock = Clock(session.clock.speed, paused=True, now=lambda: 0.0)  # the wall clock stands still
        screen = RolePlayScreen(session, "Lin")
        await app.push_screen(screen)
        await pilot.pause()
        await pilot.press("space")  # pause the clock: the snapshot must not depend on the wall clock
        script = ["opening__hear_out", "details__name_feeling"]
        for action in script:
            screen.say(action)
            await pilot.pause()

    check(f"roleplay-{lang}", shoot(lang, steps))


def test_a_missing_snapshot_fails_and_says_how_to_create_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the update switch nothing is written: the test fails and names the switch."""
    monkeypatch.delenv(UPDATE, raising=False)
    screen = "\n".join(["x" * SIZE[0]] * SIZE[1])
    with pytest.raises(pytest.fail.Exception, match=f"snapshot .*new-screen.txt is missing; create it with {UPDATE}=1"):
        check("new-screen", screen, tmp_path)
    assert not (tmp_path / "new-screen.txt").exists()
    monkeypatch.setenv(UPDATE, "1")
    check("new-screen", screen, tmp_path)
    monkeypatch.delenv(UPDATE)
    check("new-screen", screen, tmp_path)
    with pytest.raises(AssertionError, match="new-screen changed"):
        check("new-screen", screen.replace("x", "y", 1), tmp_path)
