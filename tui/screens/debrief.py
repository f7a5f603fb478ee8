"""The debrief: result, score breakdown, critical tasks, findings and timeline of a finished drill.

Everything is derived from the record on disk (the same one replay and reports read), so what the
room sees here is what the report will say. From here the facilitator exports the report, saves the
drill to history, or replays it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Header, RichLog, Static, TabbedContent, TabPane

from engine.display import sim_time
from engine.format import Finding
from engine.runtime import Timeline
from tui import keys
from tui.cells import cell
from tui.dialogs.choice import ChoiceDialog
from tui.i18n import colon, pick, tr
from tui.lines import styled
from tui.messages import GoHome, OpenReplay
from tui.screens.base import ConsoleScreen

if TYPE_CHECKING:
    from engine.runtime import CompiledScenario, Record
    from scoring.evaluation import Evaluation


class DebriefScreen(ConsoleScreen):
    """Show how a drill went, and file it."""

    BINDINGS = keys.bindings("debrief", "en")

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.record: Record | None = None
        self.scenarios: list[CompiledScenario] = []
        self.evaluation: Evaluation | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="summary")
        with TabbedContent(id="debrief-body"):
            with TabPane(tr("debrief.breakdown", self.lang), id="tab-breakdown"):
                yield DataTable(id="breakdown", cursor_type="row")
            with TabPane(tr("debrief.tasks", self.lang), id="tab-tasks"):
                yield DataTable(id="tasks-table", cursor_type="row")
            with TabPane(tr("debrief.findings", self.lang), id="tab-findings"):
                yield RichLog(id="findings-log", wrap=True, markup=False, min_width=20)
            with TabPane(tr("debrief.timeline", self.lang), id="tab-timeline"):
                yield RichLog(id="timeline-log", wrap=True, markup=False, min_width=20)
        yield Footer()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        self.query_one("#summary", Static).update(tr("replay.loading", self.lang))
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        """Read the record and score it (in a thread)."""
        from engine.errors import DrillError
        from engine.runtime import read, setup_from
        from scoring.evaluation import evaluate

        try:
            record = read(self.path)
            scenarios = setup_from(record).scenarios()
            evaluation = evaluate(record.events, scenarios)
        except DrillError as exc:
            self.app.call_from_thread(self.notify, str(exc).splitlines()[0], severity="error", markup=False)
            return
        self.app.call_from_thread(self._loaded, record, scenarios, evaluation)

    def _loaded(self, record: Record, scenarios: list[CompiledScenario], evaluation: Evaluation) -> None:
        self.record, self.scenarios, self.evaluation = record, scenarios, evaluation
        self.relabel()

    def relabel(self) -> None:
        """Redraw every text in the current language."""
        if self.evaluation is None or self.record is None:
            return
        lang = self.lang
        ev = self.evaluation
        tabs = self.query_one(TabbedContent)
        for pane, key in (
            ("tab-breakdown", "debrief.breakdown"),
            ("tab-tasks", "debrief.tasks"),
            ("tab-findings", "debrief.findings"),
            ("tab-timeline", "debrief.timeline"),
        ):
            tabs.get_tab(pane).label = tr(key, lang)
        verdict = tr("debrief.pass" if ev.passed else "debrief.fail", lang)
        title = " + ".join(pick(sc.model.title, lang) for sc in self.scenarios)
        summary = Text()
        summary.append(f"{tr('debrief.title', lang)} · {title}\n", style="bold")
        summary.append(
            tr("debrief.score", lang, score=f"{ev.score:.0f}", rating=ev.rating, verdict=verdict),
            style="bold green" if ev.passed else "bold red",
        )
        for inc in ev.incidents:
            for cap in inc.caps:
                why = cap.get(lang) or next(iter(cap.values()), "")
                summary.append(f"\n{tr('debrief.caps', lang)}{colon(lang)}{why}", style="yellow")
        self.query_one("#summary", Static).update(summary)
        self._fill_breakdown()
        self._fill_tasks()
        self._fill_logs()

    def _fill_breakdown(self) -> None:
        assert self.evaluation is not None
        lang = self.lang
        table = self.query_one("#breakdown", DataTable)
        table.clear(columns=True)
        table.add_columns(tr("debrief.col.points", lang), tr("debrief.col.when", lang), tr("debrief.breakdown", lang))
        words = Timeline([], lang)
        for inc in self.evaluation.incidents:
            for item in inc.breakdown:
                when = sim_time(item.t) if item.t is not None else ""
                reason = item.reason.get(lang) or next(iter(item.reason.values()), "")
                if "/" in item.what:  # a finding's rule/kind: the rule's name, never the internal id
                    reason = f"[{words.word(item.what.partition('/')[0])}] {reason}"
                style = "green" if item.points > 0 else "red" if item.points < 0 else ""
                table.add_row(Text(f"{item.points:+.1f}", style=style), when, cell(reason))

    def _fill_tasks(self) -> None:
        assert self.evaluation is not None
        lang = self.lang
        table = self.query_one("#tasks-table", DataTable)
        table.clear(columns=True)
        table.add_columns(
            tr("debrief.tasks", lang),
            tr("debrief.col.when", lang),
            tr("debrief.col.status", lang),
            tr("debrief.col.auto", lang),
            tr("debrief.col.rated", lang),
        )
        for inc in self.evaluation.incidents:
            for task in inc.tasks:
                when = sim_time(task.t) if task.t is not None else "—"
                status = tr(f"status.{task.status}", lang)
                table.add_row(
                    cell(pick(task.label, lang)), when, cell(status), task.auto_rating, task.evaluator_rating or ""
                )

    def _fill_logs(self) -> None:
        assert self.record is not None
        timeline = Timeline(self.scenarios, self.lang, clock=True)
        findings = self.query_one("#findings-log", RichLog)
        log = self.query_one("#timeline-log", RichLog)
        findings.clear()
        log.clear()
        for event in self.record.events:
            line = timeline.line(event)
            if line is None:
                continue
            log.write(styled(event, line))
            if isinstance(event, Finding):
                findings.write(styled(event, line))

    # Actions -----------------------------------------------------------------------------------

    def action_export(self) -> None:
        """Write the report (HTML, Markdown or JSON) beside the record."""

        def done(fmt: str | None) -> None:
            if fmt:
                self.export(fmt)

        choices = [("html", "HTML"), ("md", "Markdown"), ("json", "JSON")]
        self.app.push_screen(ChoiceDialog(tr("debrief.export", self.lang), choices), done)

    def export(self, fmt: str) -> Path | None:
        """Write the report in ``fmt`` in the console's language; returns where."""
        if self.record is None:
            return None
        from engine.errors import DrillError
        from scoring.report import build, render

        lang = self.lang
        style = "cn" if lang == "zh" else "hseep"
        target = self.path.with_name(f"{self.path.stem}.report.{lang}.{fmt}")
        try:
            target.write_text(render(build(self.record, lang, style), fmt), encoding="utf-8")
        except (OSError, DrillError) as exc:
            self.notify(str(exc).splitlines()[0], severity="error", markup=False)
            return None
        self.notify(tr("debrief.exported", lang, path=target), timeout=8, markup=False)
        return target

    def action_save(self) -> None:
        """Store the drill in history (practice and assessment kept apart by the record's kind)."""
        from engine.errors import DrillError
        from scoring.history import History

        try:
            with History() as history:
                added = history.add(self.path)
        except DrillError as exc:
            self.notify(str(exc).splitlines()[0], severity="error", markup=False)
            return
        self.notify(tr("debrief.saved" if added else "debrief.already", self.lang))

    def action_replay(self) -> None:
        """Replay this drill."""
        self.post_message(OpenReplay(self.path))

    def action_new(self) -> None:
        """Back to the start screen."""
        self.post_message(GoHome())
