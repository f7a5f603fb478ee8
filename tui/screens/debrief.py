"""The debrief: result, score breakdown, critical tasks, findings and timeline of a finished drill.

Everything is derived from the record on disk (the same one replay and reports read), so what the
room sees here is what the report will say. From here the facilitator exports the report, saves the
drill to history, raises corrective actions (整改措施) from its areas for improvement into the ledger
(the same history database), or replays it. The last tab works out what would have changed the
outcome (:mod:`tui.widgets.whatif_view`), only once it is opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import DataTable, Header, RichLog, Static, TabbedContent, TabPane

from engine.display import cells, sim_time
from engine.format import Finding, base_id
from engine.runtime import Timeline
from tui import keys
from tui.cells import cell
from tui.dialogs.choice import ChoiceDialog
from tui.dialogs.raise_actions import RaiseActionsDialog, RaiseRequest
from tui.i18n import colon, pick, tr
from tui.lines import styled
from tui.messages import GoHome, OpenReplay
from tui.screens.base import ConsoleScreen
from tui.widgets.footer import ConsoleFooter
from tui.widgets.whatif_view import SEEDS, WhatIfView
from tui.wrapping import Wrapped

if TYPE_CHECKING:
    from engine.runtime import CompiledScenario, Record
    from scoring.evaluation import Evaluation, RaterView
    from scoring.ledger import Area

DUE_DAYS = 30
"""A corrective action is offered as due this many days after the drill."""

RATER_NOTE = 24
"""Characters of a rater's latest observation shown in the tasks table (the report has it whole)."""


class DebriefScreen(ConsoleScreen):
    """Show how a drill went, and file it."""

    BINDINGS = keys.bindings("debrief", "en")

    def __init__(self, path: Path, *, whatif_seeds: Sequence[int] = SEEDS) -> None:
        super().__init__()
        self.path = Path(path)
        self.whatif_seeds = whatif_seeds
        """Drills per alternative the what-if tab offers (the first is the default)."""
        self.record: Record | None = None
        self.scenarios: list[CompiledScenario] = []
        self.evaluation: Evaluation | None = None
        self.areas: dict[str, list[Area]] | None = None
        """The drill's areas for improvement in each language, once asked for (they take a report to find)."""
        self.reasons: list[str] = []
        """The breakdown's reasons in full, by row (the table cuts a long one at its edge)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="summary")
        with TabbedContent(id="debrief-body"):
            with TabPane(tr("debrief.breakdown", self.lang), id="tab-breakdown"):
                yield DataTable(id="breakdown", cursor_type="row")
                yield Static(id="breakdown-detail")
            with TabPane(tr("debrief.tasks", self.lang), id="tab-tasks"):
                yield DataTable(id="tasks-table", cursor_type="row")
            with TabPane(tr("debrief.findings", self.lang), id="tab-findings"):
                yield RichLog(id="findings-log", wrap=True, markup=False, min_width=20)
            with TabPane(tr("debrief.timeline", self.lang), id="tab-timeline"):
                yield RichLog(id="timeline-log", wrap=True, markup=False, min_width=20)
            with TabPane(tr("debrief.whatif.tab", self.lang), id="tab-whatif"):
                unverified = bool(getattr(self.app, "unverified", False))
                yield WhatIfView(self.path, lang=self.lang, seeds=self.whatif_seeds, unverified=unverified, id="whatif")
        yield ConsoleFooter()

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
        self.query_one(WhatIfView).relabel(self.lang)
        if self.evaluation is None or self.record is None:
            return
        lang = self.lang
        tabs = self.query_one(TabbedContent)
        for pane, key in (
            ("tab-breakdown", "debrief.breakdown"),
            ("tab-tasks", "debrief.tasks"),
            ("tab-findings", "debrief.findings"),
            ("tab-timeline", "debrief.timeline"),
            ("tab-whatif", "debrief.whatif.tab"),
        ):
            tabs.get_tab(pane).label = tr(key, lang)
        self._summary()
        self._fill_breakdown()
        self._fill_tasks()
        self._fill_logs()

    def _summary(self) -> None:
        """Score, rating and the caps that limited it; in the what-if tab, one line each, so its table has the rows.

        Elsewhere each cap has its line; the what-if tab, at 80x24, needs those lines for its table and
        detail, so there the caps share one line (cut with "…"; the other tabs have them in full).
        """
        if self.evaluation is None:
            return
        lang = self.lang
        ev = self.evaluation
        tabs = self.query(TabbedContent)
        compact = bool(tabs) and tabs.first().active == "tab-whatif"
        verdict = tr("debrief.pass" if ev.passed else "debrief.fail", lang)
        title = " + ".join(pick(sc.model.title, lang) for sc in self.scenarios)
        summary = Text()
        summary.append(f"{tr('debrief.title', lang)} · {title}\n", style="bold")
        summary.append(
            tr("debrief.score", lang, score=f"{ev.score:.0f}", rating=ev.rating, verdict=verdict),
            style="bold green" if ev.passed else "bold red",
        )
        caps = [cap.get(lang) or next(iter(cap.values()), "") for inc in ev.incidents for cap in inc.caps]
        if compact and len(caps) > 1:
            joint = "；" if lang == "zh" else "; "
            line = f"{tr('debrief.caps.n', lang, n=len(caps))}{colon(lang)}{joint.join(caps)}"
            summary.append(f"\n{line}", style="yellow")
        else:
            for why in caps:
                summary.append(f"\n{tr('debrief.caps', lang)}{colon(lang)}{why}", style="yellow")
        for index in ev.not_started:  # its trigger never came: no part of the score
            name = pick(self.scenarios[index].model.title, lang)
            summary.append(f"\n{tr('debrief.not_started', lang, name=name)}", style="dim")
        widget = self.query_one("#summary", Static)
        widget.set_class(compact, "compact")  # one line each, cut with "…"
        widget.update(summary)

    def _fill_breakdown(self) -> None:
        """One row per point gained or lost; a reason too long for the table ends in "…", and is in full below it."""
        assert self.evaluation is not None
        lang = self.lang
        table = self.query_one("#breakdown", DataTable)
        keep = table.cursor_row if table.row_count else 0
        words = Timeline([], lang)
        rows: list[tuple[Text, str, str]] = []
        for inc in self.evaluation.incidents:
            for item in inc.breakdown:
                when = sim_time(item.t) if item.t is not None else ""
                reason = item.reason.get(lang) or next(iter(item.reason.values()), "")
                if "/" in item.what:  # a finding's rule/kind: the rule's name, never the internal id
                    reason = f"[{words.word(item.what.partition('/')[0])}] {reason}"
                style = "green" if item.points > 0 else "red" if item.points < 0 else ""
                rows.append((Text(f"{item.points:+.1f}", style=style), when, reason.replace("\n", " ")))
        self.reasons = [reason for _points, _when, reason in rows]
        headings = [tr("debrief.col.points", lang), tr("debrief.col.when", lang), tr("debrief.breakdown", lang)]
        points_width = max([cells(headings[0])] + [cells(points.plain) for points, _, _ in rows])
        when_width = max([cells(headings[1])] + [cells(when) for _, when, _ in rows])
        room = table.scrollable_content_region.width or self.size.width
        padding = 2 * table.cell_padding * len(headings)
        # The reason takes the rest of the table's width (2 spare for a scrollbar that comes and goes).
        reason_width = max(10, room - points_width - when_width - padding - 2)
        with table.prevent(DataTable.RowHighlighted):
            table.clear(columns=True)
            table.add_column(Text(headings[0]), width=points_width)
            table.add_column(Text(headings[1]), width=when_width)
            table.add_column(Text(headings[2]), width=reason_width)
            for points, when, reason in rows:
                table.add_row(points, cell(when), Text(reason, no_wrap=True, overflow="ellipsis", end=""))
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        self._breakdown_detail()

    def _breakdown_detail(self) -> None:
        """The highlighted row's reason in full under the table, when the table had to cut it."""
        table = self.query_one("#breakdown", DataTable)
        detail = self.query_one("#breakdown-detail", Static)
        row = table.cursor_row if table.row_count else -1
        reason = self.reasons[row] if 0 <= row < len(self.reasons) else ""
        columns = table.ordered_columns
        cut = bool(reason) and len(columns) == 3 and cells(reason) > columns[2].width
        detail.display = cut
        detail.update(Wrapped(reason) if cut else "")
        if row >= 0:
            # The table shrinks or grows with the detail: once both are laid out again (the detail's
            # refresh, then the table's), scroll the highlighted row back into view.
            self.call_after_refresh(table.call_after_refresh, lambda: table.move_cursor(row=table.cursor_row))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "breakdown":
            self._breakdown_detail()

    def on_resize(self) -> None:
        if self.evaluation is not None:
            self.call_after_refresh(self._fill_breakdown)  # the reasons' column follows the table's width

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
                rated = self._raters(task.raters)
                table.add_row(
                    cell(pick(task.label, lang)),
                    when,
                    cell(status),
                    task.auto_rating,
                    rated,
                    height=max(1, len(task.raters)),
                )

    def _raters(self, raters: tuple[RaterView, ...]) -> Text:
        """Each rater's latest rating and observation, one line each (the facilitator's named as such)."""
        lang = self.lang
        text = Text(no_wrap=True, end="")
        for i, view in enumerate(raters):
            who = view.by if view.by is not None else tr("debrief.facilitator", lang)
            said = view.rating or tr("debrief.observed", lang)
            note = view.notes[-1] if view.notes else ""
            if len(note) > RATER_NOTE:
                note = note[: RATER_NOTE - 1] + "…"
            sep = "：" if lang == "zh" else ": "
            text.append(("\n" if i else "") + f"{who}{sep}{said}" + (f" — {note}" if note else ""))
        return text

    def _fill_logs(self) -> None:
        assert self.record is not None
        timeline = Timeline(self.scenarios, self.lang)
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

    # The what-if tab: analysed when first opened; its keys work there only ---------------------

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-whatif":
            self.query_one(WhatIfView).open()
        self._summary()  # the caps take one line in the what-if tab, one each elsewhere
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("whatif_seeds", "whatif_replay"):
            tabs = self.query(TabbedContent)
            return bool(tabs) and tabs.first().active == "tab-whatif"
        return True

    def action_whatif_seeds(self) -> None:
        """Analyse again with the other number of drills per alternative (a quick look, or the full figure)."""
        self.query_one(WhatIfView).next_seeds()

    def action_whatif_replay(self) -> None:
        """Open the replay at the decision of the highlighted what-if row."""
        self.query_one(WhatIfView).open_replay()

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

    def action_raise_actions(self) -> None:
        """Raise corrective actions from the drill's areas for improvement (asks which, what, who, by when)."""
        if self.record is None:
            return
        if self.areas is None:
            self.find_areas(self.record)
        else:
            self.ask_actions()

    @work(thread=True, exclusive=True, group="areas")
    def find_areas(self, record: Record) -> None:
        """Find the areas for improvement, as the report words them in each language (in a thread)."""
        from engine.errors import DrillError
        from scoring.ledger import areas_of

        try:
            found = {lang: areas_of(record, lang) for lang in ("zh", "en")}
        except DrillError as exc:
            self.app.call_from_thread(self.notify, str(exc).splitlines()[0], severity="error", markup=False)
            return
        self.app.call_from_thread(self._found_areas, found)

    def _found_areas(self, found: dict[str, list[Area]]) -> None:
        self.areas = found
        self.ask_actions()

    def ask_actions(self, draft: RaiseRequest | None = None, failed: str | None = None) -> None:
        """Open the dialog (again, with what was typed and why it failed, when ``draft`` is given)."""
        if self.areas is None or self.record is None:
            return
        if not self.areas[self.lang]:
            self.notify(tr("raise.none", self.lang))
            return
        choices = {lang: [(a.id, self._area_text(a, lang)) for a in found] for lang, found in self.areas.items()}
        day = drill_day(self.record)
        dialog = RaiseActionsDialog(choices, drill_day=day, due=day + timedelta(days=DUE_DAYS), draft=draft)
        if failed is not None:
            dialog.problem = lambda lang: tr("raise.failed", lang, why=failed)

        def done(request: RaiseRequest | None) -> None:
            if request is not None:
                self.raise_actions(request, self.lang)

        self.app.push_screen(dialog, done)

    def _area_text(self, area: Area, lang: str) -> Text:
        """An area as the dialog lists it: its number, what went wrong, and the critical task it concerns."""
        text = Text()
        text.append(area.id, style="bold")
        text.append(f"  {area.observation}")
        label = self._task_label(area, lang)
        if label and not area.observation.startswith(label):
            text.append(f" · {tr('raise.task', lang)}: {label}", style="dim")
        return text

    def _task_label(self, area: Area, lang: str) -> str:
        """The name of the critical task an area is tied to ("" if none)."""
        for scenario in self.scenarios:
            rubric = scenario.model.rubric
            if base_id(scenario.model.id) != area.scenario or rubric is None or area.task is None:
                continue
            for objective in rubric.objectives.values():
                if area.task in objective.tasks:
                    return pick(objective.tasks[area.task].label, lang)
        return ""

    @work(thread=True, group="ledger")
    def raise_actions(self, request: RaiseRequest, lang: str) -> None:
        """File the drill in history if it is not yet there (as 'h' does), then raise the actions (in a thread)."""
        from engine.errors import DrillError
        from scoring.ledger import Ledger, raise_from

        try:
            with Ledger() as ledger:
                filed = ledger.add(self.path)
                numbers = raise_from(
                    ledger,
                    self.path,
                    request.owner,
                    due=request.due,
                    areas=request.areas,
                    action=request.action,
                    lang=lang,
                )
        except DrillError as exc:
            self.app.call_from_thread(self.ask_actions, request, str(exc).splitlines()[0])
            return
        self.app.call_from_thread(self._raised, request, numbers, filed)

    def _raised(self, request: RaiseRequest, numbers: list[int], filed: bool) -> None:
        lang = self.lang
        said = ("、" if lang == "zh" else ", ").join(f"#{n}" for n in numbers)
        message = tr("raise.raised", lang, numbers=said, owner=request.owner, due=request.due.isoformat())
        if filed:
            message = tr("raise.filed", lang) + message
        self.notify(message, timeout=20, markup=False)

    def action_replay(self) -> None:
        """Replay this drill."""
        self.post_message(OpenReplay(self.path))

    def action_new(self) -> None:
        """Back to the start screen."""
        self.post_message(GoHome())


def drill_day(record: Record) -> date:
    """The day a drill was held, on this machine's calendar (today, if its start is not a time)."""
    try:
        return datetime.fromisoformat(record.header.wall_start).astimezone().date()
    except ValueError:
        return date.today()
