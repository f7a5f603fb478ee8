"""The debrief: ending a drill, its score and rating, the exported report, the history."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, OptionList, Static

from engine.format import DrillHalted
from engine.runtime import read
from scoring.evaluation import evaluate
from scoring.history import History
from tests.tui.harness import Console, Home, Steps, Wall, events_of, new_session, recorded, run
from tui.app import DrillsimApp
from tui.dialogs.choice import ChoiceDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen


def debrief_test(path: Path, steps: Steps) -> None:
    """Run the console in English with the debrief of ``path`` open, then ``steps``."""

    async def go(console: Console) -> None:
        await console.open(DebriefScreen(path))
        await steps(console)

    run(DrillsimApp(lang="en"), go)


def test_e_asks_first_n_goes_on_and_y_ends_the_drill_on_the_debrief_with_its_score(wall: Wall) -> None:
    """'e' asks; 'n' keeps the drill running; 'e' 'y' halts it, and the debrief scores the record it wrote."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(session))
        await console.choose("control_room", "log_alarm")
        await console.press("e")
        await console.reach(ConfirmDialog)
        await console.press("n")
        assert (await console.reach(LiveScreen)).session is session
        assert not session.finished and not events_of(session.path, DrillHalted)
        await console.press("e", "y")
        debrief = await console.reach(DebriefScreen)
        assert debrief.path == session.path
        assert session.finished and events_of(session.path, DrillHalted)
        expected = evaluate(read(session.path).events, session.scenarios)
        assert debrief.evaluation is not None
        assert (debrief.evaluation.score, debrief.evaluation.rating) == (expected.score, expected.rating)
        summary = str(debrief.query_one("#summary", Static).content)
        assert f"Score {expected.score:.0f} / 100 · rating {expected.rating}" in summary

    run(DrillsimApp(lang="en"), steps)


def test_x_then_html_writes_the_report_beside_the_record() -> None:
    """'x' offers HTML, Markdown and JSON; choosing HTML writes <record>.report.<lang>.html next to the record."""
    path = recorded()
    report = path.with_name(f"{path.stem}.report.en.html")

    async def steps(console: Console) -> None:
        await console.press("x")
        dialog = await console.reach(ChoiceDialog)
        choices = dialog.query_one("#choices", OptionList)
        assert [o.id for o in choices.options] == ["html", "md", "json"]
        assert not report.exists()
        await console.press("enter")
        await console.reach(DebriefScreen)
        assert report.is_file()
        text = report.read_text(encoding="utf-8")
        assert "<html" in text.lower()
        assert "Elevator entrapment: car stopped between floors" in text

    debrief_test(path, steps)


def test_h_saves_the_drill_to_history_once(home: Home) -> None:
    """'h' stores the drill in the history database; a second 'h' says it is already there."""
    path = recorded()

    async def steps(console: Console) -> None:
        await console.press("h")
        with History(home.history_url) as history:
            assert [row["drill"] for row in history.results()] == [history.key_of(path)]
        assert "Saved to history" in console.notified()
        await console.press("h")
        assert "This drill is already in history" in console.notified()
        with History(home.history_url) as history:
            assert len(history.results()) == 1

    debrief_test(path, steps)


@pytest.mark.parametrize(("lang", "facilitator", "colon"), [("en", "Facilitator", ": "), ("zh", "导调", "：")])
def test_the_tasks_table_shows_each_evaluators_rating_beside_the_automatic_one(
    lang: str, facilitator: str, colon: str
) -> None:
    """Two evaluators in the room and the facilitator rate one task: one line each, named, the latest rating."""
    session = new_session(mode="observe", wall=Wall())
    session.drill.advance_to(0.5)
    session.rate("task:voice_contact", "M", note="先报了物业经理", by="评估员甲", device="a1b2c3d4")
    session.rate("task:voice_contact", "S", note="calm and clear", by="Evaluator B", device="e5f6a7b8")
    session.rate("task:voice_contact", "P", by="评估员甲", device="a1b2c3d4")
    session.rate("task:voice_contact", "U")
    session.halt()
    session.close()

    async def steps(console: Console) -> None:
        debrief = await console.reach(DebriefScreen)
        await console.until(lambda: debrief.evaluation is not None, "the debrief")
        table = debrief.query_one("#tasks-table", DataTable)
        rows = [table.get_row_at(r) for r in range(table.row_count)]
        rated = [str(row[4]) for row in rows if str(row[4])]
        assert rated == [
            f"{facilitator}{colon}U\n评估员甲{colon}P — 先报了物业经理\nEvaluator B{colon}S — calm and clear"
        ]

    app = DrillsimApp(lang=lang)
    app.router.begin = lambda **_kw: app.push_screen(DebriefScreen(session.path))  # type: ignore[method-assign,assignment]
    run(app, steps)


def test_an_incident_that_never_began_is_named_as_not_scored(tmp_path: Path) -> None:
    """The cascade played well with the outside supply held: the lift entrapment never began; the debrief says so, and scores 100."""
    from engine.runtime import RecordWriter, header_for, prepare
    from engine.runtime.trainee import good_trainee, play_good
    from tests.conftest import ROOT

    # The plan's own locale fails the outside supply at minute 75; the county locale keeps it.
    setup = prepare(str(ROOT / "drills" / "rainstorm-cascade.yaml"), locale="county")
    path = tmp_path / "cascade.jsonl"
    writer = RecordWriter(path, header_for(setup, seed=1, mode="observe", source="rainstorm-cascade"), setup)
    drill = setup.drill(seed=1, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    play_good(drill, good_trainee(setup))
    writer.close()

    async def steps(console: Console) -> None:
        debrief = console.app.screen
        assert isinstance(debrief, DebriefScreen)
        await console.until(lambda: debrief.evaluation is not None, "the debrief")
        text = str(debrief.query_one("#summary", Static).render())
        assert "100" in text and "did not happen (its trigger never came); not scored" in text

    debrief_test(path, steps)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_reason_too_long_for_the_breakdown_ends_in_an_ellipsis_and_is_in_full_under_the_table(lang: str) -> None:
    """At 80 columns the breakdown fits its width (no sideways scrolling); a long reason ends in "…" and the
    highlighted row's reason is spelled out in full below the table, following the cursor."""
    from engine.display import cells
    from tests.tui.test_footer import screen_lines

    path = recorded()

    async def steps(console: Console) -> None:
        await console.open(DebriefScreen(path))
        debrief = console.on(DebriefScreen)
        table = debrief.query_one("#breakdown", DataTable)
        detail = debrief.query_one("#breakdown-detail", Static)
        reason_width = table.ordered_columns[2].width
        long_rows = [row for row, reason in enumerate(debrief.reasons) if cells(reason) > reason_width]
        assert long_rows, "the lift entrapment has reasons longer than 80 columns allow"
        assert table.max_scroll_x == 0  # it all fits: nothing hides off to the right
        table.focus()
        for row in (long_rows[0], long_rows[-1]):
            table.move_cursor(row=row)
            await console.settle()
            reason = debrief.reasons[row]
            assert detail.display and str(detail.content) == reason

            def cut_in_view(reason: str = reason) -> bool:
                return any("…" in line for line in screen_lines(console) if reason[:8] in line)

            await console.until(cut_in_view, "the row in view, cut with an ellipsis")
            under = "".join(line.strip() for line in screen_lines(console)[-6:-1])
            assert reason.replace(" ", "") in under.replace(" ", "")  # wrapped in full below the table
        short = next((row for row, reason in enumerate(debrief.reasons) if cells(reason) <= reason_width), None)
        if short is not None:  # (in English every reason of this drill may be long)
            table.move_cursor(row=short)
            await console.settle()
            assert not detail.display  # nothing was cut: nothing to spell out

    run(DrillsimApp(lang=lang), steps)
