"""The debrief raises corrective actions (整改措施) into the ledger: which areas, what, who, by when."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label, OptionList

import scoring.history
from engine.format import load_script
from engine.runtime import play_script, read
from scoring.ledger import Area, Ledger, areas_of
from tests.conftest import ROOT
from tests.tui.harness import Console, Home, Steps, Wall, new_session, recorded, run
from tui.app import DrillsimApp
from tui.dialogs.raise_actions import RaiseActionsDialog
from tui.screens.debrief import DUE_DAYS, DebriefScreen, drill_day
from tui.screens.help import HelpScreen


def debrief_test(path: Path, steps: Steps, lang: str = "en") -> None:
    """Run the console with the debrief of ``path`` open, then ``steps``."""

    async def go(console: Console) -> None:
        await console.open(DebriefScreen(path))
        await steps(console)

    run(DrillsimApp(lang=lang), go)


def two_areas(path: Path) -> list[Area]:
    """Two of the drill's areas, each tied to a critical task (what a later drill will verify)."""
    tied = [a for a in areas_of(path, "en") if a.task is not None]
    assert len(tied) >= 2, "the short lift drill leaves several critical tasks undone"
    return tied[:2]


async def tick(console: Console, *ids: str) -> None:
    """Tick areas in the open dialog by moving to each and pressing Space, as a facilitator does."""
    areas = console.on(RaiseActionsDialog).query_one("#raise-areas", OptionList)
    areas.focus()
    await console.pilot.pause()
    order = [o.id for o in areas.options]
    for aid in ids:
        steps = order.index(aid) - (areas.highlighted or 0)
        await console.pilot.press(*(["down"] * steps if steps > 0 else ["up"] * -steps), "space")
        assert areas.highlighted_option is not None and areas.highlighted_option.id == aid


def problem(console: Console) -> str:
    """The one line the dialog says is wrong."""
    return str(console.on(RaiseActionsDialog).query_one("#raise-problem", Label).content)


def test_a_raises_two_corrective_actions_that_the_ledger_then_holds_open(home: Home) -> None:
    """Two areas ticked, action, owner and due day typed: two open actions tied to the drill and its tasks."""
    path = recorded()
    chosen = two_areas(path)
    due = drill_day(read(path)) + timedelta(days=45)

    async def steps(console: Console) -> None:
        await console.press("a")
        dialog = await console.reach(RaiseActionsDialog)
        offered = dialog.query_one("#raise-due", Input).value
        assert offered == (drill_day(read(path)) + timedelta(days=DUE_DAYS)).isoformat()
        await tick(console, *(a.id for a in chosen))
        await console.type_into("#raise-action", "Intercom drill for every control room operator")
        await console.type_into("#raise-owner", "Zhang Wei")
        await console.type_into("#raise-due", due.isoformat())
        await console.press("enter")
        await console.reach(DebriefScreen)
        with Ledger(home.history_url) as ledger:
            items = ledger.actions()
            key = ledger.key_of(path)
        assert [(i.area, i.task, i.scenario) for i in items] == [(a.id, a.task, a.scenario) for a in chosen]
        for item, area in zip(items, chosen, strict=True):
            assert (item.status, item.owner, item.due, item.drill) == ("open", "Zhang Wei", due, key)
            assert item.action == "Intercom drill for every control room operator"
            assert item.issue == area.observation
        said = console.notified()[-1]
        assert f"#{items[0].id}, #{items[1].id}" in said and "drillsim actions list" in said
        assert "saved to history first" in said  # the drill was not in history: filed as 'h' does

    debrief_test(path, steps)


@pytest.mark.parametrize(
    ("ticked", "due", "said"),
    [
        (True, "2027-02-30", "Due “2027-02-30” is not a date: write YYYY-MM-DD"),
        (True, "next month", "Due “next month” is not a date: write YYYY-MM-DD"),
        (True, "2001-01-01", "The due date cannot be before the drill"),
        (False, "2099-12-31", "Tick at least one area for improvement"),
    ],
)
def test_what_cannot_be_raised_is_refused_in_one_line_and_nothing_typed_is_lost(
    home: Home, ticked: bool, due: str, said: str
) -> None:
    """The dialog stays open with the reason; the ticks and the texts are still there; nothing is stored."""
    path = recorded()
    chosen = two_areas(path)[:1] if ticked else []

    async def steps(console: Console) -> None:
        await console.press("a")
        dialog = await console.reach(RaiseActionsDialog)
        await tick(console, *(a.id for a in chosen))
        await console.type_into("#raise-action", "Cordon drill")
        await console.type_into("#raise-owner", "李强")
        await console.type_into("#raise-due", due)
        await console.press("enter")
        assert console.on(RaiseActionsDialog) is dialog
        assert problem(console).startswith(said)
        assert dialog.ticked == {a.id for a in chosen}
        assert dialog.query_one("#raise-action", Input).value == "Cordon drill"
        assert dialog.query_one("#raise-owner", Input).value == "李强"
        with Ledger(home.history_url) as ledger:
            assert ledger.actions() == []

    debrief_test(path, steps)


def test_a_ledger_that_refuses_opens_the_dialog_again_with_the_reason_and_everything_typed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A history that cannot be written to: nothing raised, the same request back in the dialog, and why."""
    path = recorded()
    [area, _] = two_areas(path)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the database's folder should be", encoding="utf-8")
    monkeypatch.setattr(scoring.history, "default_url", lambda: f"sqlite:///{blocked.as_posix()}/history.sqlite3")

    async def steps(console: Console) -> None:
        await console.press("a")
        await console.reach(RaiseActionsDialog)
        await tick(console, area.id)
        await console.type_into("#raise-action", "Cordon drill")
        await console.type_into("#raise-owner", "Li Qiang")
        await console.press("enter", "enter")  # on to the due day (as offered), then raise
        await console.settle()
        dialog = await console.reach(RaiseActionsDialog)
        assert problem(console).startswith("Not raised: ")
        assert dialog.ticked == {area.id}
        assert dialog.query_one("#raise-action", Input).value == "Cordon drill"
        assert dialog.query_one("#raise-owner", Input).value == "Li Qiang"

    debrief_test(path, steps)


def test_f2_rewords_the_open_dialog_and_keeps_the_ticks_and_the_typing() -> None:
    """The areas, labels and the reason shown switch language; nothing chosen or typed changes."""
    path = recorded()
    [area, _] = two_areas(path)
    zh = {a.id: a.observation for a in areas_of(path, "zh")}

    async def steps(console: Console) -> None:
        await console.press("a")
        dialog = await console.reach(RaiseActionsDialog)
        await tick(console, area.id)
        await console.type_into("#raise-owner", "张伟")
        await console.press("enter", "enter")  # on to the due day, then raise: no action text yet
        assert problem(console) == "请填写整改措施"
        await console.press("f2")
        assert console.app.lang == "en" and console.on(RaiseActionsDialog) is dialog
        assert problem(console) == "Type the corrective action"
        listed = dialog.query_one("#raise-areas", OptionList).get_option(area.id)
        assert str(listed.prompt).startswith(f"[x] {area.id}  {area.observation}")
        assert str(dialog.query_one("#raise-owner-label", Label).content) == "Owner"
        assert dialog.ticked == {area.id} and dialog.query_one("#raise-owner", Input).value == "张伟"
        await console.press("f2")
        assert str(dialog.query_one("#raise-areas", OptionList).get_option(area.id).prompt).endswith(zh[area.id])

    debrief_test(path, steps, lang="zh")


def test_the_dialog_fits_a_terminal_of_80_by_24() -> None:
    """Every part of the dialog (list, three fields, the reason, the buttons) is on screen at 80x24."""
    path = recorded()

    async def steps(console: Console) -> None:
        assert console.app.size == (80, 24)
        await console.press("a")
        dialog = await console.reach(RaiseActionsDialog)
        await console.press("enter")  # nothing ticked: the reason line is filled
        await console.pilot.pause()
        box = dialog.query_one("#raise-dialog").region
        assert box.x >= 0 and box.y >= 0 and box.right <= 80 and box.bottom <= 24
        for part in ("#raise-title", "#raise-areas", "#raise-action", "#raise-owner", "#raise-due"):
            shown = dialog.query_one(part).region
            assert shown.height >= 1 and box.contains_region(shown), part
        for part in ("#raise-problem", "#raise-ok", "#raise-cancel"):
            shown = dialog.query_one(part).region
            assert shown.height >= 1 and box.contains_region(shown), part

    debrief_test(path, steps, lang="zh")


def test_a_drill_with_no_areas_for_improvement_says_so_and_opens_nothing() -> None:
    """The lift entrapment played correctly leaves nothing to correct: 'a' says so."""
    session = new_session(mode="observe", wall=Wall())
    play_script(session.drill, load_script(ROOT / "scenarios/scripts/elevator-entrapment.correct.yaml").model.decisions)
    session.close()
    assert areas_of(session.path) == []

    async def steps(console: Console) -> None:
        await console.press("a")
        await console.settle()
        assert isinstance(console.app.screen, DebriefScreen)
        assert "This drill has no areas for improvement: nothing to raise" in console.notified()

    debrief_test(session.path, steps)


def test_the_key_is_listed_in_the_help_and_in_the_guide() -> None:
    """F1 on the debrief lists debrief.actions with its key; docs/console.md documents it by id."""
    path = recorded()

    async def steps(console: Console) -> None:
        await console.press("f1")
        table = (await console.reach(HelpScreen)).query_one("#help-table", DataTable)
        rows = {str(table.get_row_at(r)[2]): str(table.get_row_at(r)[0]) for r in range(table.row_count)}
        assert rows["debrief.actions"] == "a"

    debrief_test(path, steps)
    guide = (ROOT / "docs" / "console.md").read_text(encoding="utf-8")
    assert "`debrief.actions`" in guide and "drillsim actions list" in guide
