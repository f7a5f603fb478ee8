"""Role-play in the console: the trainee talks to an owner, the meters move, the result explains.

Each role-play (the sample and every shipped one) is played through the real app twice: the good
path of its script, to a calm and resolved owner with a high score, and the worst reply at every
turn, to an escalation with a low one. The clock is paused at the start, so the owner's patience
moves only with the replies (their speaking time) and the run is the same every time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList, RichLog, Sparkline

from engine.format import load_script
from engine.format.dialogue import CALL_BACK, ESCALATED, LEFT, RESOLVED
from engine.runtime import prepare
from scoring.history import History
from tests.engine.test_dialogue import ROLEPLAYS, SAMPLE
from tests.tui.harness import Console, Home, run
from tui.app import DrillsimApp
from tui.dialogs.judge import JudgeDialog
from tui.dialogs.roleplay_setup import RolePlayDialog
from tui.screens.roleplay import RolePlayScreen, begin_roleplay
from tui.screens.roleplay_result import RolePlayResultScreen
from tui.screens.start import StartScreen

ROOT = Path(__file__).resolve().parents[2]


def good_path(path: Path) -> list[str]:
    """The scripted good trainee's replies for a role-play."""
    if path == SAMPLE:
        return ["opening__listen", "feelings__empathise", "plan__plan_and_time", CALL_BACK]
    model_id = path.stem
    script = load_script(ROOT / "scenarios" / "scripts" / f"{model_id}.roleplay.yaml").model
    return [d.action for d in sorted(script.decisions, key=lambda d: d.t)]


def personas(path: Path) -> list[str]:
    setup = prepare(str(path), roleplay=True)
    dialogue = setup.sources[0].model.dialogue
    assert dialogue is not None
    return sorted(dialogue.personas)


CASES = [(path, persona) for path in ROLEPLAYS for persona in personas(path)]


async def say(console: Console, action: str) -> None:
    """Pick ``action`` among the replies offered now, with the arrows and Enter."""
    screen = console.on(RolePlayScreen)
    widget = screen.query_one("#rp-replies", OptionList)
    await console.until(lambda: any(o.id == action for o in widget.options), f"the reply {action} to be offered")
    ids = [o.id for o in widget.options]
    widget.focus()
    while widget.highlighted != ids.index(action):
        await console.pilot.press("down" if (widget.highlighted or 0) < ids.index(action) else "up")
    await console.press("enter")


async def start(console: Console, path: Path, persona: str) -> RolePlayScreen:
    session = begin_roleplay(str(path), persona=persona, mode="observe", trainee="王敏", seed=11)
    await console.open(RolePlayScreen(session, "王敏"))
    await console.press("space")  # pause: patience moves only with what is said
    screen = console.on(RolePlayScreen)
    assert screen.session.clock.paused
    return screen


@pytest.mark.parametrize(("path", "persona"), CASES, ids=[f"{p.stem}-{q}" for p, q in CASES])
def test_the_good_path_calms_the_owner_and_ticks_all_five_steps(path: Path, persona: str, home: Home) -> None:
    """Played with keys: resolved, at least 90, every step done in order, anger lower at the end."""

    async def steps(console: Console) -> None:
        screen = await start(console, path, persona)
        for action in good_path(path):
            await say(console, action)
        await console.until(lambda: isinstance(console.app.screen, RolePlayResultScreen), "the result screen")
        result_screen = console.on(RolePlayResultScreen)
        await console.until(lambda: result_screen.result is not None, "the result")
        result = result_screen.result
        assert result is not None
        assert result.ending == RESOLVED
        assert result.evaluation.score >= 90 and result.evaluation.passed
        assert [s.status for s in result.steps] == ["done"] * 5
        times = [s.t for s in result.steps]
        assert all(t is not None for t in times) and times == sorted(times)  # type: ignore[type-var]
        assert result.curve[-1][1] < result.curve[0][1]
        assert result.hurts == () or max(h.rise for h in result.hurts) < 15
        assert len(result_screen.query_one("#rp-curve", Sparkline).data or []) > 2
        assert screen.session.drill.incidents[0].loop_closed
        with History(home.history_url) as history:  # filed as practice, under the trainee's name
            rows = history.results(person="王敏", kind="practice")
        assert [r["score"] for r in rows] == [result.evaluation.score]

    run(DrillsimApp(lang="zh"), steps)


@pytest.mark.parametrize(("path", "persona"), CASES, ids=[f"{p.stem}-{q}" for p, q in CASES])
def test_the_worst_reply_every_time_escalates_and_scores_low(path: Path, persona: str) -> None:
    """Always the reply that angers most: the owner escalates or hangs up, the steps are missed."""

    async def steps(console: Console) -> None:
        screen = await start(console, path, persona)
        actions = screen.sc.model.actions
        for _ in range(12):
            if screen.session.finished:
                break
            widget = screen.query_one("#rp-replies", OptionList)
            await console.until(_replies_or_end(screen, widget), "replies or the end")
            if screen.session.finished:
                break
            worst = max(
                (str(o.id) for o in widget.options),
                key=lambda a: _anger(actions[a].effects.get("mood", "")),
            )
            await say(console, worst)
        await console.until(lambda: isinstance(console.app.screen, RolePlayResultScreen), "the result screen")
        result_screen = console.on(RolePlayResultScreen)
        await console.until(lambda: result_screen.result is not None, "the result")
        result = result_screen.result
        assert result is not None
        assert result.ending in (ESCALATED, LEFT)
        assert result.evaluation.score < 50 and not result.evaluation.passed
        assert result.curve[-1][1] > result.curve[0][1]
        assert result.hurts and result.hurts[0].rise > 0
        assert any(f["rule"] == "red-line" for f in result.findings)

    run(DrillsimApp(lang="en"), steps)


def _replies_or_end(screen: RolePlayScreen, widget: OptionList) -> Callable[[], bool]:
    return lambda: bool(widget.options) or screen.session.finished


def _anger(effect: object) -> float:
    """How much an expanded reply raises anger (its effect reads ``mood + N`` or ``mood - N``)."""
    text = str(effect).replace(" ", "")
    if text.startswith("mood+"):
        return float(text[5:])
    if text.startswith("mood-"):
        return -float(text[5:])
    return 0.0


def test_own_words_are_judged_by_the_coach_with_one_key() -> None:
    """t, type, Enter, then one key: the words are recorded as that move, with the owner's reaction."""

    async def steps(console: Console) -> None:
        screen = await start(console, SAMPLE, "elderly")
        await console.press("t")
        await console.pilot.press(*"阿姨您别急我在听")
        await console.press("enter")
        assert isinstance(console.app.screen, JudgeDialog)
        await console.press("e")  # empathise
        decision = [e for e in screen.session.drill.events if e["type"] == "decision"][-1]
        assert (decision["action"], decision["note"]) == ("free_empathise", "阿姨您别急我在听")
        talk = screen.query_one("#rp-talk", RichLog)
        assert any("教练判定" in "".join(seg.text for seg in line) for line in talk.lines)

    run(DrillsimApp(lang="zh"), steps)


def test_a_role_play_starts_from_the_start_screen_with_a_name_and_an_owner() -> None:
    """The start screen lists role-plays; Enter asks for the trainee's name and the owner."""

    async def steps(console: Console) -> None:
        start_screen = console.on(StartScreen)
        assert start_screen.catalog is not None
        entries = start_screen.catalog.entries
        row = next(i for i, e in enumerate(entries) if e.kind == "roleplay")
        table = start_screen.query_one("#drills")
        table.focus()
        for _ in range(row):
            await console.pilot.press("down")
        await console.press("enter")
        assert isinstance(console.app.screen, RolePlayDialog)
        await console.pilot.press(*"Li")
        await console.press("enter")  # to the owner list
        await console.press("down", "enter")  # the first named persona
        screen = console.on(RolePlayScreen)
        assert screen.trainee == "Li"
        header = screen.session.header
        assert header["kind"] == "practice" and header["participants"][0]["name"] == "Li"
        assert header["incidents"][0]["persona"] == entries[row].personas[0][0]

    run(DrillsimApp(lang="en"), steps)


def test_try_again_meets_the_same_owner_or_another() -> None:
    """a: the same persona again; n: a different one."""

    async def steps(console: Console) -> None:
        screen = await start(console, SAMPLE, "busy")
        await say(console, "opening__rules")
        await console.until(lambda: isinstance(console.app.screen, RolePlayResultScreen), "the result screen")
        await console.settle()
        await console.press("a")
        again = console.on(RolePlayScreen)
        assert again.persona_id == "busy" and again.session.path != screen.session.path
        await console.press("e", "y")
        await console.until(lambda: isinstance(console.app.screen, RolePlayResultScreen), "the result screen")
        await console.settle()
        await console.press("n")
        assert console.on(RolePlayScreen).persona_id != "busy"

    run(DrillsimApp(lang="zh"), steps)
