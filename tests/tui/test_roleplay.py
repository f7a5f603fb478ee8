"""Role-play in the console: the trainee talks to an owner, the meters move, the result explains.

What every role-play and persona leads to (the good path calms and passes, the worst reply every
time escalates and fails) is checked without the console in ``tests/scoring/test_roleplay.py``,
which plays the replies as this screen does. Here the real app is driven through the keys once
down each path: the conversation shows what is said, the meters follow the owner's anger and
patience, and the result screen shows the outcome and files it. The clock is paused at the start,
so the owner's patience moves only with the replies (their speaking time) and the run is the same
every time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList, RichLog, Sparkline, Static

from engine.format import DecisionMade
from engine.format.dialogue import ESCALATED, LEFT, RESOLVED
from scoring.history import History
from tests.conftest import ROOT
from tests.engine.test_dialogue import SAMPLE
from tests.scoring.test_roleplay import good_path, worst
from tests.tui.harness import Console, Home, run
from tui.app import DrillsimApp
from tui.dialogs.judge import JudgeDialog
from tui.dialogs.roleplay_setup import RolePlayDialog
from tui.i18n import pick, tr
from tui.screens.roleplay import RolePlayScreen, begin_roleplay
from tui.screens.roleplay_result import RolePlayResultScreen
from tui.screens.start import StartScreen

SHIPPED = ROOT / "scenarios" / "lost-parcel-complaint.yaml"
"""A shipped role-play, with a persona the sample does not have."""

LEAK = ROOT / "scenarios" / "leak-complaint.yaml"
"""The leak complaint's phone call, whose replies include a red line."""


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
    """Open a practice conversation with ``persona`` (seed 11, observe mode) and pause its clock."""
    session = begin_roleplay(str(path), persona=persona, mode="observe", trainee="王敏", seed=11)
    await console.open(RolePlayScreen(session, "王敏"))
    await console.press("space")  # pause: patience moves only with what is said
    screen = console.on(RolePlayScreen)
    assert screen.session.clock.paused
    return screen


def shown(screen: RolePlayScreen | RolePlayResultScreen, selector: str) -> str:
    """The text a Static shows."""
    return str(screen.query_one(selector, Static).content)


def talk(screen: RolePlayScreen) -> str:
    """The conversation so far, as its lines read (joined, so a wrapped sentence reads whole)."""
    return "".join(seg.text for line in screen.query_one("#rp-talk", RichLog).lines for seg in line).replace(" ", "")


def meters_follow(screen: RolePlayScreen) -> bool:
    """The top line shows the owner's anger and patience as they are now."""
    values = screen.session.situation.incidents[0].values
    top = shown(screen, "#rp-top")
    lang = screen.lang
    return (
        f"{tr('rp.anger', lang)} " in top
        and f" {float(values['mood']):.0f} " in top
        and f"{tr('rp.patience', lang)} " in top
        and f" {float(values['patience']):.0f} " in top
    )


def test_the_good_path_with_the_keys_shows_the_talk_the_meters_and_a_pass_filed_as_practice(home: Home) -> None:
    """Replies picked with the arrows and Enter are said and the meters follow; the result shows a pass and is filed."""

    async def steps(console: Console) -> None:
        screen = await start(console, SAMPLE, "elderly")
        model = screen.sc.model
        assert pick(model.states["opening"].narration, "zh").replace(" ", "")[:8] in talk(screen)
        assert meters_follow(screen)
        anger = [float(screen.session.situation.incidents[0].values["mood"])]
        for action in good_path(SAMPLE):
            await say(console, action)
            if not screen.session.finished:
                assert pick(model.actions[action].label, "zh").replace(" ", "")[:8] in talk(screen)
                assert meters_follow(screen)
                anger.append(float(screen.session.situation.incidents[0].values["mood"]))
        assert anger == sorted(anger, reverse=True) and anger[-1] < anger[0]
        result_screen = await console.reach(RolePlayResultScreen)
        await console.until(lambda: result_screen.result is not None, "the result")
        result = result_screen.result
        assert result is not None
        assert result.ending == RESOLVED and result.evaluation.passed
        assert f"{result.evaluation.score:.0f}" in shown(result_screen, "#rp-summary")
        assert shown(result_screen, "#rp-steps").count("✓") == 5
        assert len(result_screen.query_one("#rp-curve", Sparkline).data or []) > 2
        assert result.hurts == () and tr("rp.no_hurts", "zh") in shown(result_screen, "#rp-hurts")
        with History(home.history_url) as history:  # filed as practice, under the trainee's name
            rows = history.results(person="王敏", kind="practice")
        assert [r["score"] for r in rows] == [result.evaluation.score]

    run(DrillsimApp(lang="zh"), steps)


def test_the_worst_reply_with_the_keys_ends_on_an_escalation_with_the_lines_that_hurt() -> None:
    """Always the reply that angers most: the result screen shows the ending, a fail and the worst line first."""

    async def steps(console: Console) -> None:
        screen = await start(console, SHIPPED, "suspicious")
        choose = worst(screen.session)
        widget = screen.query_one("#rp-replies", OptionList)
        for _ in range(12):
            await console.until(_replies_or_end(screen, widget), "replies or the end")
            if screen.session.finished:
                break
            await say(console, choose([str(o.id) for o in widget.options]))
            assert screen.session.finished or meters_follow(screen)
        result_screen = await console.reach(RolePlayResultScreen)
        await console.until(lambda: result_screen.result is not None, "the result")
        result = result_screen.result
        assert result is not None
        assert result.ending in (ESCALATED, LEFT) and not result.evaluation.passed
        summary = shown(result_screen, "#rp-summary")
        assert tr("debrief.fail", "en") in summary
        assert pick(result_screen.endings[result.ending], "en") in summary
        assert shown(result_screen, "#rp-steps").count("✗") == 5
        hurts = shown(result_screen, "#rp-hurts")
        assert f"+{result.hurts[0].rise:.0f}" in hurts and pick(result.hurts[0].label, "en")[:20] in hurts

    run(DrillsimApp(lang="en"), steps)


def _replies_or_end(screen: RolePlayScreen, widget: OptionList) -> Callable[[], bool]:
    return lambda: bool(widget.options) or screen.session.finished


def test_own_words_are_judged_by_the_coach_with_one_key() -> None:
    """t, type, Enter, then one key: the words are recorded as that move, with the owner's reaction."""

    async def steps(console: Console) -> None:
        screen = await start(console, SAMPLE, "elderly")
        await console.press("t")
        await console.pilot.press(*"阿姨您别急我在听")
        await console.press("enter")
        assert isinstance(console.app.screen, JudgeDialog)
        await console.press("e")  # empathise
        decision = [e for e in screen.session.drill.events if isinstance(e, DecisionMade)][-1]
        assert (decision.action, decision.note) == ("free_empathise", "阿姨您别急我在听")
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
        assert header.kind == "practice" and header.participants[0]["name"] == "Li"
        assert header.incidents[0].persona == entries[row].personas[0][0]

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


def test_a_red_line_stopped_by_strict_mode_is_still_shown_on_the_result() -> None:
    """A red-line reply strict mode refused was never said, but the result lists it instead of 'none: well done'."""

    async def steps(console: Console) -> None:
        session = begin_roleplay(str(LEAK), persona="elderly", mode="strict", trainee="王敏", seed=11)
        await console.open(RolePlayScreen(session, "王敏"))
        await console.press("space")
        await say(console, "opening__not_ours")  # 不归我们物业管: buck-passing, a red line
        refused = [e for e in session.drill.events if isinstance(e, DecisionMade) and e.status == "refused"]
        assert [e.action for e in refused] == ["opening__not_ours"]
        session.halt()
        result_screen = await console.reach(RolePlayResultScreen)
        await console.until(lambda: result_screen.result is not None, "the result")
        result = result_screen.result
        assert result is not None and [r.action for r in result.red_lines] == ["opening__not_ours"]
        hurts = shown(result_screen, "#rp-hurts")
        assert tr("rp.red_line_tried", "zh") in hurts and tr("rp.no_hurts", "zh") not in hurts

    run(DrillsimApp(lang="zh"), steps)


def visible(widget: OptionList | RichLog) -> str:
    """What a scrolling widget shows in its rows now, joined and without spaces (a wrapped line reads whole)."""
    rows = (widget.render_line(y) for y in range(widget.size.height))
    return "".join(seg.text for strip in rows for seg in strip).replace(" ", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_80x24_every_reply_can_be_read_whole_while_the_owners_words_stay_in_view(lang: str) -> None:
    """On each turn of the leak complaint (the longest replies), the arrows bring every reply fully into the
    list's view, one at a time, and the owner's latest words stay whole in the conversation above it."""

    async def steps(console: Console) -> None:
        screen = await start(console, LEAK, "elderly")
        model = screen.sc.model
        replies = screen.query_one("#rp-replies", OptionList)
        talk = screen.query_one("#rp-talk", RichLog)
        turns = 0
        for action in good_path(LEAK)[:4]:
            await console.until(lambda: replies.option_count > 0, "the replies")
            state = screen.session.situation.incidents[0].state
            owner = pick(model.states[state].narration, lang).replace(" ", "")
            assert owner in visible(talk), f"the owner's words in {state} are not all in view"
            replies.focus()
            replies.highlighted = 0
            await console.pilot.pause()
            for index in range(replies.option_count):
                option = replies.get_option_at_index(index)
                label = pick(model.actions[str(option.id)].label, lang).replace(" ", "")
                assert label in visible(replies), f"reply {index + 1} of {replies.option_count} is not whole in view"
                await console.press("down")
            await say(console, action)
            turns += 1
        assert turns == 4

    run(DrillsimApp(lang=lang), steps)


def test_after_a_refused_reply_the_owners_words_it_answered_are_still_in_view() -> None:
    """Strict mode stops a red line twice: the refusals and the owner's opening words all stay on screen."""

    async def steps(console: Console) -> None:
        session = begin_roleplay(str(LEAK), persona="elderly", mode="strict", trainee="王敏", seed=11)
        screen = RolePlayScreen(session, "王敏")
        await console.open(screen)
        await console.press("space")
        opening = pick(screen.sc.model.states["opening"].narration, "zh").replace(" ", "")
        talk = screen.query_one("#rp-talk", RichLog)
        for _ in range(2):
            await say(console, "opening__not_ours")
            await console.pilot.pause()
            assert opening in visible(talk)

    run(DrillsimApp(lang="zh"), steps)
