"""Text is text: scenario, record and user words reach the console as they are, never as markup.

A scenario whose every text ends in markup (a closing tag, ``[bold]``, an emoji code, a link and a
click action) and whose rubric has a task called ``fire`` is played through every screen of the
console, in both languages: start, set-up, live (controller and projector view), the inject, note
and rating dialogs, the debrief's four tabs and its corrective actions dialog, replay, help, a
role-play with a judged free reply, and its result. Nothing crashes, the literal text shows, no emoji
appears and no click runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from textual.widgets import OptionList, TabbedContent

from engine.runtime import Session, header_for, prepare
from tests.conftest import ROOT
from tests.tui.harness import Console, Wall, run
from tui.app import DrillsimApp
from tui.dialogs.inject_picker import InjectDialog
from tui.dialogs.judge import JudgeDialog
from tui.dialogs.raise_actions import RaiseActionsDialog
from tui.dialogs.text_entry import TextDialog
from tui.screens.debrief import DebriefScreen
from tui.screens.help import HelpScreen
from tui.screens.live import LiveScreen
from tui.screens.replay import ReplayScreen
from tui.screens.roleplay import RolePlayScreen, begin_roleplay
from tui.screens.roleplay_result import RolePlayResultScreen
from tui.screens.setup import SetupScreen
from tui.screens.start import StartScreen

MARK = "[/] [bold]B[/bold] :fire: [link=https://x.example]L[/link] [@click=app.quit]Q[/]"
"""Appended to every text of the scenarios below."""

SHORT = "[bold]B[/bold] :fire:"
"""The part of :data:`MARK` short enough to survive any clipping on screen."""


def _marked(node: Any) -> Any:
    if isinstance(node, dict):
        if node and set(node) <= {"zh", "en"} and all(isinstance(v, str) for v in node.values()):
            return {lang: f"{SHORT} {text} {MARK}" for lang, text in node.items()}
        return {key: _marked(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_marked(value) for value in node]
    return node


def marked_scenario(name: str, folder: Path) -> Path:
    """A copy of a shipped scenario with markup in every text and a rubric task called ``fire``."""
    data = yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))
    data.pop("tests", None)
    data = _marked(data)
    for objective in (data.get("rubric") or {}).get("objectives", {}).values():
        if "log_alarm" in objective["tasks"]:
            objective["tasks"]["fire"] = objective["tasks"].pop("log_alarm")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def screen_text(console: Console) -> str:
    """What the terminal shows now, as plain text."""
    strips = console.app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def shows_text(console: Console, where: str) -> None:
    """The markup shows literally; no emoji, no link, no click."""
    text = screen_text(console)
    assert SHORT in text, f"{where}: the literal markup is not on screen:\n{text}"
    assert "🔥" not in text, f"{where}: an emoji code became an emoji"
    assert console.app.is_running, f"{where}: a click action in the text ran"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markup_in_a_scenario_shows_as_text_on_every_screen_of_a_drill(tmp_path: Path, lang: str) -> None:
    """Titles, roles, actions, injects, findings, notes and task ids with markup show as they are, everywhere."""
    path = marked_scenario("elevator-entrapment", tmp_path / "content")

    async def steps(console: Console) -> None:
        app = console.app
        start = await console.reach(StartScreen)
        await console.until(
            lambda: start.catalog is not None and any(e.path == path for e in start.catalog.entries),
            "the marked scenario in the catalog",
        )
        assert start.catalog is not None
        row = next(i for i, e in enumerate(start.catalog.entries) if e.path == path)
        start.query_one("#drills").move_cursor(row=row)  # type: ignore[attr-defined]
        await console.settle()
        shows_text(console, "start")
        await console.press("enter")
        await console.reach(SetupScreen)
        await console.until(lambda: bool(app.screen.query("#mode")), "the set-up form")
        shows_text(console, "set-up")
        await console.press("escape")
        await console.reach(StartScreen)

        setup = prepare(str(path))
        session = Session.begin(setup, header_for(setup, seed=1, mode="observe", source="console"), now=Wall().now)
        await console.open(LiveScreen(session))
        live = console.live
        session.drill.advance_to(0.5)
        session.submit("control_room", "fill_fault_log")  # paperwork first: a finding
        session.note(f"{SHORT} note {MARK}")
        session.drill.advance_to(12.0)
        await console.pilot.pause(0.3)
        await console.settle()
        shows_text(console, "live")
        await console.press("i")
        await console.reach(InjectDialog)
        shows_text(console, "inject dialog")
        await console.press("escape")
        await console.reach(LiveScreen)
        await console.press("m")
        await console.reach(TextDialog)
        await console.pilot.press(*"[b]x[/b] :fire:", "enter")
        await console.reach(LiveScreen)
        tasks = live.query_one("#tasks", OptionList)
        tasks.highlighted = next(i for i, (_inc, tid) in enumerate(live._tasks) if tid == "fire")
        await console.press("1")
        assert any(SHORT in n for n in console.notified()), console.notified()
        shows_text(console, "live after rating")
        await console.press("v")
        shows_text(console, "projector view")
        await console.press("v")
        await console.press("f1")
        await console.reach(HelpScreen)
        await console.press("escape")
        await console.reach(LiveScreen)
        await console.press("e", "y")
        debrief = await console.reach(DebriefScreen)
        await console.until(lambda: debrief.evaluation is not None, "the debrief")
        await console.settle()
        shows_text(console, "debrief")
        tabs = debrief.query_one(TabbedContent)
        for pane in ("tab-breakdown", "tab-tasks", "tab-findings", "tab-timeline"):
            tabs.active = pane
            await console.settle()
            text = screen_text(console)
            assert "🔥" not in text and ("[" in text), f"debrief {pane}:\n{text}"
        tabs.active = "tab-tasks"
        await console.settle()
        assert SHORT in screen_text(console)
        await console.press("a")
        await console.reach(RaiseActionsDialog)
        shows_text(console, "corrective actions dialog")
        await console.press("escape")
        await console.reach(DebriefScreen)
        await console.press("r")
        replay = await console.reach(ReplayScreen)
        await console.until(lambda: replay.index is not None, "the replay")
        await console.press("home", "right", "right", "right")
        shows_text(console, "replay")
        assert app.is_running

    run(DrillsimApp(lang=lang, folders=[tmp_path / "content"]), steps)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markup_in_a_role_play_and_in_the_trainee_s_words_shows_as_text(tmp_path: Path, lang: str) -> None:
    """Persona, owner's words, replies, the typed reply in the coach's dialog and the result: all text."""
    path = marked_scenario("leak-complaint", tmp_path / "content")

    async def steps(console: Console) -> None:
        session = begin_roleplay(str(path), persona=None, mode="observe", trainee="[red]T[/red]", seed=3)
        await console.open(RolePlayScreen(session, "[red]T[/red]"))
        screen = console.on(RolePlayScreen)
        session.clock.pause()
        shows_text(console, "role-play")
        await console.press("t")
        await console.reach(TextDialog)
        await console.pilot.press(*"[/] [b]mine[/b] :fire:", "enter")
        await console.reach(JudgeDialog)
        assert "[b]mine[/b] :fire:" in screen_text(console)
        await console.press("e")
        await console.reach(RolePlayScreen)
        assert "[b]mine[/b] :fire:" in screen_text(console)
        replies = screen.query_one("#rp-replies", OptionList)
        for _ in range(3):
            if session.finished or not replies.option_count:
                break
            replies.focus()
            await console.press("enter")
        await console.press("e", "y")
        result = await console.reach(RolePlayResultScreen)
        await console.until(lambda: result.result is not None, "the result")
        await console.settle()
        shows_text(console, "role-play result")

    run(DrillsimApp(lang=lang), steps)
