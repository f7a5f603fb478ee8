"""The debrief's what-if tab: worked out when opened, ranked, each row a way into the replay.

The drill is the stuck lift of the engine's what-if tests: the team called the crew at minute 9, the
good trainee calls at minute 4, so the top row must be that call made on time, five minutes less
trapped. A few drills per alternative keep the tests quick; the figures do not need many.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, ProgressBar, Static, TabbedContent

from engine.format import DecisionMade
from engine.runtime import read
from tests.engine.test_whatif import elevator_mistakes, late_lift
from tests.tui.harness import SIZE, Console, recorded, run
from tui.app import DrillsimApp
from tui.screens.debrief import DebriefScreen
from tui.screens.replay import ReplayScreen, opening_position
from tui.screens.start import StartScreen
from tui.widgets.whatif_view import WhatIfView

FEW = (6, 3)
"""Drills per alternative in these tests: the default, then what ``s`` switches to."""


def late_record(tmp_path: Path) -> Path:
    """A record of the stuck lift where the team called the crew at minute 9 instead of 4."""
    return late_lift(tmp_path / "content", seed=3)


@pytest.fixture
def late(tmp_path: Path) -> Path:
    """The stuck lift, the crew called late (:func:`late_record`)."""
    return late_record(tmp_path)


async def open_tab(console: Console, path: Path, seeds: tuple[int, ...] = FEW) -> WhatIfView:
    """Open the debrief of ``path`` and move to its what-if tab with the keys, as a facilitator would."""
    await console.open(DebriefScreen(path, whatif_seeds=seeds))
    debrief = console.on(DebriefScreen)
    view = debrief.query_one(WhatIfView)
    assert view.run == 0 and view.result is None, "the analysis waits until its tab is opened"
    tabs = debrief.query_one(TabbedContent)
    while tabs.active != "tab-whatif":
        await console.pilot.press("right")  # the tab bar has the focus when the debrief opens
    await console.until(lambda: view.run == 1, "the analysis to start as its tab opens")
    return view


def table_row(view: WhatIfView, row: int) -> list[str]:
    """The texts of one row of the what-if table."""
    return [str(c) for c in view.query_one(DataTable).get_row_at(row)]


@pytest.mark.parametrize("size", [SIZE, (140, 40)], ids=["80x24", "140x40"])
def test_the_late_call_made_on_time_ranks_first_and_enter_opens_the_replay_on_that_decision(
    late: Path, size: tuple[int, int]
) -> None:
    """Top row: the team's call at 09:00 against the call at 04:00, proposed; Enter: replay on event #13."""

    async def steps(console: Console) -> None:
        view = await open_tab(console, late)
        await console.settle()
        assert view.result is not None and view.result["seeds"] == FEW[0]
        top = view.result["alternatives"][0]
        assert (top["kind"], top["action"], top["t"], top["at"]) == ("on-time", "call_crew", 9.0, 4.0)
        rank, verdict, team, alternative, *_rest, measures = table_row(view, 0)
        assert (rank, verdict) == ("1", "proposed")
        assert team == f"#{top['seq']} at 09:00: Call the crew"
        assert alternative == "Call the crew, at 04:00"
        assert measures == "Time trapped -5.0 min"
        detail = str(view.query_one("#whatif-detail", Static).content)
        assert "Call the crew, at 04:00" in detail and "+30.0" in detail
        await console.press("enter")
        replay = await console.reach(ReplayScreen)
        event = replay.current_event()
        assert isinstance(event, DecisionMade)
        assert (event.seq, event.action, float(event.t)) == (top["seq"], "call_crew", 9.0)
        await console.press("escape")
        await console.reach(DebriefScreen)
        assert view.run == 1, "coming back shows the result already worked out"

    run(DrillsimApp(lang="en"), steps, size=size)


def test_f2_rewords_the_tab_and_s_works_it_out_again_with_fewer_drills(late: Path) -> None:
    """F2 switches headings and cells to Chinese at once; 's' runs the other number of drills per alternative."""

    async def steps(console: Console) -> None:
        view = await open_tab(console, late)
        await console.settle()
        assert str(view.query_one(DataTable).ordered_columns[0].label) == "Rank"
        await console.press("f2")
        assert str(view.query_one(DataTable).ordered_columns[0].label) == "排名"
        assert table_row(view, 0)[1:4] == ["建议", "#13（09:00）叫救援", "提前到 04:00 做：叫救援"]
        tabs = console.on(DebriefScreen).query_one(TabbedContent)
        assert str(tabs.get_tab("tab-whatif").label) == "关键决策影响分析"
        await console.press("s")
        await console.settle()
        assert view.run == 2 and view.result is not None and view.result["seeds"] == FEW[1]
        status = str(view.query_one("#whatif-status", Static).content)
        assert f"每个方案模拟 {FEW[1]} 次" in status

    run(DrillsimApp(lang="en"), steps)


def test_the_keys_of_the_tab_do_nothing_on_the_other_tabs(late: Path) -> None:
    """'s' on the breakdown tab neither starts an analysis nor shows in the footer."""

    async def steps(console: Console) -> None:
        await console.open(DebriefScreen(late, whatif_seeds=FEW))
        debrief = console.on(DebriefScreen)
        await console.press("s")
        assert debrief.query_one(WhatIfView).run == 0
        assert debrief.check_action("whatif_seeds", ()) is False

    run(DrillsimApp(lang="en"), steps)


def test_a_record_that_does_not_verify_is_said_in_one_calm_line() -> None:
    """A drill cut short cannot be analysed: the tab says so in a line; no table, no error toast, no traceback."""
    path = recorded(end=False)

    async def steps(console: Console) -> None:
        view = await open_tab(console, path)
        await console.settle()
        assert view.result is None and view.problem is not None
        status = str(view.query_one("#whatif-status", Static).content).strip()
        assert status.startswith("This drill cannot be analysed: ")
        assert "\n" not in view.problem[1] and "Traceback" not in status
        assert not view.query_one(DataTable).display and not view.query_one(ProgressBar).display
        assert not console.notified("error")

    run(DrillsimApp(lang="en"), steps)


@pytest.mark.parametrize("leave", ["escape", "ctrl+q"])
def test_leaving_while_it_runs_stops_the_analysis_without_hanging(late: Path, leave: str) -> None:
    """Going home or quitting mid-run cancels the worker; it stops at its next report and leaves no process behind."""
    left: list[float] = []

    async def steps(console: Console) -> None:
        view = await open_tab(console, late, seeds=(6000,))  # a minute or more of work on two processes
        bar = view.query_one(ProgressBar)
        await console.until(lambda: (bar.progress or 0) > 0, "the first progress report", timeout=60)
        assert view.result is None and (bar.progress or 0) < (bar.total or 0)
        (worker,) = [w for w in console.app.workers if w.group == "whatif"]
        left.append(time.monotonic())
        await console.pilot.press(leave)
        if leave == "escape":
            await console.reach(StartScreen)
            assert worker.is_cancelled
            # A cancelled thread worker is marked finished at once; its processes show the work itself stop.
            await console.until(lambda: not multiprocessing.active_children(), "the analysis to stop", timeout=20)
            assert view.result is None

    run(DrillsimApp(lang="en"), steps)
    assert time.monotonic() - left[0] < 20, "the analysis ran on after the console left it"
    assert not multiprocessing.active_children()


def test_the_replay_opens_on_the_event_asked_for_else_by_time_else_at_the_end(late: Path) -> None:
    """An event by seq; a task never done by the time it was due (the last event by then); else the end."""
    events = read(late).events
    call = next(e for e in events if isinstance(e, DecisionMade) and e.action == "call_crew")
    assert events[opening_position(events, call.seq, None) - 1] is call
    at_four = opening_position(events, None, 4.0)
    assert float(events[at_four - 1].t) <= 4.0 < float(events[at_four].t)
    assert opening_position(events, 10_000, None) == opening_position(events, None, None) == len(events)


@pytest.mark.parametrize(
    ("trainee", "alternatives", "line"),
    [
        (
            ["none"],
            [],
            "This scenario has neither a correct-procedure script nor a rubric: no alternative can be played.",
        ),
        (["rubric"], [], "This drill has no decision that another choice could be compared with."),
    ],
    ids=["no good trainee", "no alternatives"],
)
def test_nothing_to_compare_is_said_in_one_calm_line(
    late: Path, monkeypatch: pytest.MonkeyPatch, trainee: list[str], alternatives: list[object], line: str
) -> None:
    """An analysis with no good trainee to play on, or no alternative to play, says so instead of an empty table."""
    import scoring.whatif

    def nothing(path: Path, **_kw: object) -> dict[str, object]:
        return {"trainee": trainee, "alternatives": alternatives, "seeds": 6, "confidence": 0.95}

    monkeypatch.setattr(scoring.whatif, "whatif", nothing)

    async def steps(console: Console) -> None:
        view = await open_tab(console, late)
        await console.settle()
        assert view.result is None
        assert str(view.query_one("#whatif-status", Static).content) == line
        assert not view.query_one(DataTable).display

    run(DrillsimApp(lang="en"), steps)


def test_a_fault_inside_the_analysis_is_one_line_and_the_console_goes_on(
    late: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error nobody foresaw stops the analysis, not the console: one line in the tab, and 's' tries again."""
    import scoring.whatif

    def broken(path: Path, **_kw: object) -> dict[str, object]:
        raise RuntimeError("disk on fire\nsecond line never shown")

    monkeypatch.setattr(scoring.whatif, "whatif", broken)

    async def steps(console: Console) -> None:
        view = await open_tab(console, late)
        await console.settle()
        await console.until(lambda: view.problem is not None, "the fault to be reported")
        assert str(view.query_one("#whatif-status", Static).content) == "The analysis stopped on an error: disk on fire"
        await console.press("s")
        await console.until(lambda: view.problem is not None and view.run == 2, "the second try to be reported")
        assert console.app.is_running and isinstance(console.app.screen, DebriefScreen)

    run(DrillsimApp(lang="en"), steps)


def mistakes_record(tmp_path: Path) -> Path:
    """The classic mistakes in the lift entrapment: five rating caps above the debrief's tabs."""
    return elevator_mistakes(tmp_path / "mistakes.jsonl")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_at_80x24_the_tab_shows_six_rows_under_five_caps_and_its_label_in_full(lang: str, tmp_path: Path) -> None:
    """With five rating caps, the what-if tab still shows at least six rows of its table and the row's detail;
    the caps share one line there (in full again on the other tabs), and the tab bar's labels are whole."""
    from tests.tui.test_footer import screen_lines
    from tui.i18n import tr

    path = mistakes_record(tmp_path)

    async def steps(console: Console) -> None:
        debrief_screen = DebriefScreen(path, whatif_seeds=(2,))
        await console.open(debrief_screen)
        evaluation = debrief_screen.evaluation
        assert evaluation is not None and sum(len(i.caps) for i in evaluation.incidents) == 5
        caps_label = tr("debrief.caps", lang)
        assert sum(caps_label in line for line in screen_lines(console)) == 5  # one line each on the breakdown
        tabs = debrief_screen.query_one(TabbedContent)
        while tabs.active != "tab-whatif":
            await console.pilot.press("right")
        view = debrief_screen.query_one(WhatIfView)
        await console.until(lambda: view.result is not None, "the analysis", timeout=60)
        table = view.query_one(DataTable)
        assert table.row_count >= 6
        lines = screen_lines(console)
        assert tr("debrief.caps.n", lang, n=5) in "\n".join(lines)
        assert sum(caps_label in line for line in lines) <= 1
        shown = [r for r in range(table.row_count) if any(line.lstrip().startswith(f"{r + 1} ") for line in lines)]
        assert len(shown) >= 6, "\n".join(lines)
        tab_bar = next(line for line in lines if tr("debrief.breakdown", lang) in line)
        for key in ("debrief.breakdown", "debrief.tasks", "debrief.findings", "debrief.timeline", "debrief.whatif.tab"):
            assert tr(key, lang) in tab_bar, tab_bar
        assert str(view.query_one("#whatif-detail", Static).content)  # the highlighted row, spelled out
        hints = (tr("whatif.open", lang), tr("whatif.open.moment", lang))
        table.focus()
        for row in range(table.row_count):  # however long a row's detail, the way to the replay shows
            table.move_cursor(row=row)
            await console.settle()
            assert any(hint in line for line in screen_lines(console) for hint in hints), "\n".join(
                screen_lines(console)
            )
        tabs.active = "tab-breakdown"
        await console.settle()
        assert sum(caps_label in line for line in screen_lines(console)) == 5  # and in full again

    run(DrillsimApp(lang=lang), steps)
