"""Replay: step or scrub through a record, see the situation as it was, and fork a what-if.

The record is read and indexed in a worker (:class:`engine.runtime.situation.Index`), so any moment of a
long record is shown at once. The cursor sits on an event; the side panel shows the situation just
after it. On a decision, "fork here" starts a new live drill from just before that decision, with
every earlier input re-executed, so the team can try the other choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Header, Static

from engine.display import sim_time
from tui import keys
from tui.i18n import tr
from tui.lines import style_of
from tui.messages import ForkFrom, GoBack, OpenDebrief
from tui.screens.base import ConsoleScreen
from tui.widgets.footer import ConsoleFooter
from tui.widgets.situation_view import SituationView

if TYPE_CHECKING:
    from engine.format import AnyEvent
    from engine.runtime import CompiledScenario, Index, Record, Timeline

JUMPS = {"finding": {"finding"}, "bookmark": {"note:bookmark"}, "decision": {"decision"}}


class ReplayScreen(ConsoleScreen):
    """Look back at a drill, one event at a time."""

    BINDINGS = keys.bindings("replay", "en")

    def __init__(self, path: Path, *, seq: int | None = None, t: float | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.opening = (seq, t)
        """Where to open: on the event with this ``seq``, else the last at or before sim time ``t``, else the end."""
        self.record: Record | None = None
        self.scenarios: list[CompiledScenario] = []
        self.index: Index | None = None
        self.position = 0
        """Events applied: the situation shown is the one after the first ``position`` events."""
        self.rows: list[int] = []
        """Event index of each table row (events without a timeline line have no row)."""
        self.row_of: list[int] = []
        """Table row to show for each event position."""
        self.warning: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(tr("replay.loading", "zh"), id="replay-position")
        with Horizontal(id="replay-body"):
            yield DataTable(id="replay-events", cursor_type="row", show_header=False)
            with VerticalScroll(id="replay-side"):
                yield Static(id="replay-slot")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        self.query_one("#replay-position", Static).update(tr("replay.loading", self.lang))
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        """Read, verify and index the record (in a thread: a long record takes a moment).

        An altered or cut-short record is refused in one line, unless the console was started with
        ``--unverified``: then it is shown under a warning that stays on the screen.
        """
        from engine.errors import DrillError
        from engine.runtime import Index, Timeline, open_verified

        try:
            opened = open_verified(self.path, unverified=bool(getattr(self.app, "unverified", False)))
            record, broken = opened.record, opened.warning
            scenarios = opened.setup.scenarios()
            index = Index(record.events, scenarios)
            lines = timeline_rows(record.events, Timeline(scenarios, self.lang))
        except DrillError as exc:
            self.app.call_from_thread(self._failed, str(exc).splitlines()[0])
            return
        self.app.call_from_thread(self._loaded, record, scenarios, index, broken, lines)

    def _failed(self, message: str) -> None:
        self.notify(message, severity="error", timeout=8, markup=False)
        self.post_message(GoBack())

    def _loaded(
        self,
        record: Record,
        scenarios: list[CompiledScenario],
        index: Index,
        broken: str | None,
        lines: list[tuple[int, Text]],
    ) -> None:
        self.record, self.scenarios, self.index = record, scenarios, index
        if broken:
            self.warning = broken
            self.notify(broken, severity="warning", timeout=10, markup=False)
            banner = Static(Text(f"⚠ {broken}"), id="replay-warning", classes="record-warning")
            self.mount(banner, before=self.query_one("#replay-position", Static))
        slot = self.query_one("#replay-slot", Static)
        view = SituationView(scenarios, id="replay-situation")
        slot.remove()
        self.query_one("#replay-side", VerticalScroll).mount(view)
        self.position = opening_position(record.events, *self.opening)
        self._fill(lines)
        self.query_one("#replay-events", DataTable).focus()

    def relabel(self) -> None:
        """Redraw in the current language."""
        if self.record is None:
            return
        from engine.runtime import Timeline

        lines = timeline_rows(self.record.events, Timeline(self.scenarios, self.lang))
        self._fill(lines)

    def _fill(self, lines: list[tuple[int, Text]]) -> None:
        """Put the timeline in the table (one bulk add: a long record has thousands of rows)."""
        table = self.query_one("#replay-events", DataTable)
        assert self.record is not None
        with table.prevent(DataTable.RowHighlighted):  # refilling the table is not a move to row 0
            table.clear(columns=True)
            # One column as wide as the table, so a long line ends in an ellipsis instead of running off.
            table.add_column("event", key="event", width=max(10, table.scrollable_content_region.width - 2))
            table.add_rows([text] for _number, text in lines)
        self.rows = [number for number, _text in lines]
        self.row_of = [0]
        row = 0
        for number in range(len(self.record.events)):
            while row + 1 < len(self.rows) and self.rows[row + 1] <= number:
                row += 1
            self.row_of.append(row if self.rows and self.rows[0] <= number else 0)
        self.seek(self.position)

    # Moving ------------------------------------------------------------------------------------

    def seek(self, position: int) -> None:
        """Show the situation after the first ``position`` events."""
        if self.index is None:
            return
        position = max(0, min(position, len(self.index)))
        self.position = position
        situation = self.index.at(position)
        view = self.query_one("#replay-situation", SituationView)
        view.situation = situation
        view.lang = self.lang
        view.redraw()
        table = self.query_one("#replay-events", DataTable)
        if self.rows and table.cursor_row != self.row_of[position]:
            with table.prevent(DataTable.RowHighlighted):  # our own move is not a new seek
                table.move_cursor(row=self.row_of[position])
        self.query_one("#replay-position", Static).update(
            tr("replay.position", self.lang, n=position, total=len(self.index), t=sim_time(situation.t))
            + ("" if self.record is None or self.record.complete else "  ✂"),
            layout=False,  # one line, always
        )

    def on_resize(self) -> None:
        if self.record is not None:
            self.call_after_refresh(self.relabel)  # the column follows the table's new width

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = event.cursor_row
        if 0 <= row < len(self.rows) and row != self.row_of[self.position]:
            self.seek(self.rows[row] + 1)

    def action_step(self, step: int) -> None:
        """Move ``step`` shown events (negative: back)."""
        if not self.rows:
            return
        row = self.row_of[self.position] + step
        row = max(0, min(row, len(self.rows) - 1))
        self.seek(self.rows[row] + 1)

    def action_seek_start(self) -> None:
        """Go to the start."""
        self.seek(0)

    def action_seek_end(self) -> None:
        """Go to the end."""
        if self.index is not None:
            self.seek(len(self.index))

    def action_jump(self, what: str, direction: int) -> None:
        """Go to the next (or previous) finding, bookmark or decision."""
        if self.index is None:
            return
        found = self.index.next_of(self.position, JUMPS[what], backwards=direction < 0)
        if found is None:
            self.notify(tr("replay.nothing", self.lang))
            return
        self.seek(found)

    # Forking -----------------------------------------------------------------------------------

    def current_event(self) -> AnyEvent | None:
        """The event the cursor is on (the last one applied)."""
        if self.record is None or self.position == 0:
            return None
        return self.record.events[self.position - 1]

    def action_fork(self) -> None:
        """Start a live drill from just before the decision under the cursor."""
        from engine.format import DecisionMade

        event = self.current_event()
        if not isinstance(event, DecisionMade):
            self.notify(tr("replay.fork_need", self.lang), severity="warning")
            return
        self.post_message(ForkFrom(self.path, event.seq))

    def action_debrief(self) -> None:
        """Open the debrief of this drill."""
        self.post_message(OpenDebrief(self.path))

    def action_back(self) -> None:
        """Back to where replay was opened from."""
        self.post_message(GoBack())


def timeline_rows(events: Sequence[AnyEvent], timeline: Timeline) -> list[tuple[int, Text]]:
    """(event index, styled line) for every event that has a timeline line."""
    rows = []
    for number, event in enumerate(events):
        line = timeline.line(event)
        if line is not None:
            rows.append((number, Text(line, style=style_of(event), no_wrap=True, overflow="ellipsis", end="")))
    return rows


def opening_position(events: Sequence[AnyEvent], seq: int | None, t: float | None) -> int:
    """The position that puts the cursor on event ``seq``, else on the last event by sim time ``t``, else at the end.

    An event the record does not hold (another record's, or one cut off) opens at the end, as usual.
    """
    if seq is not None:
        return next((number + 1 for number, event in enumerate(events) if event.seq == seq), len(events))
    if t is not None:
        return sum(1 for event in events if float(event.t) <= t) or len(events)
    return len(events)
