"""The debrief's what-if tab: what would have changed the outcome, ranked, each row a way into the replay.

The analysis (:func:`scoring.whatif.whatif`) forks the record at each decision and plays every
alternative on with a good trainee, a few hundred drills each: seconds of work. So it runs only when
the tab is first opened (or when the facilitator asks for another number of drills), in a thread
worker, reporting through messages: a thread never touches a widget, and a message to a view that
has gone is simply dropped, so leaving the screen mid-run cannot hang on a dead loop. Leaving cancels
the worker; the analysis notices at its next progress report and stops (its process pool with it).

The table's headings and cells are the reports' own (:mod:`scoring.report.whatif`), so the console
and the written report say the same thing in the same words. At 80 columns the first columns fit
and the rest scroll sideways; the highlighted row is spelled out in full below the table, wrapped the
way Chinese wraps. Enter posts :class:`tui.messages.OpenReplay` at the team's decision (or, for a
task the team never did, at the moment the good trainee would have done it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from engine.display import cells
from tui import keys
from tui.i18n import tr
from tui.messages import OpenReplay
from tui.wrapping import Wrapped

SEEDS = (200, 50)
"""Drills per alternative the facilitator can choose between: the full figure first, then a quick look."""

VERDICT_STYLES = {"proposed": "bold green", "broke": "red", "worse": "", "unclear": "dim"}
"""How each verdict is shown (a rule-breaking alternative in red: never a proposal)."""


def jobs() -> int:
    """Worker processes for the analysis: two at most, so the console stays responsive."""
    return min(2, os.cpu_count() or 1)


class _Stopped(Exception):
    """Raised from the progress callback to stop an analysis nobody is waiting for any more."""


def _verdict(row: Mapping[str, Any]) -> str:
    if row["breaks_rule"]:
        return "broke"
    if row["good"]:
        return "proposed"
    return "worse" if row["verdict"] == "worse" else "unclear"


def _one_line(text: str) -> str:
    return text.replace("\n", " · ")


class WhatIfView(Vertical):
    """The ranked alternatives of one record, with a progress bar while they are worked out.

    Args:
        path: The record.
        lang: The console's language (the screen hands down a new one through :meth:`relabel`).
        seeds: Drills per alternative to choose between (:data:`SEEDS`; a test passes a few).
        unverified: Analyse a record that does not verify, under a warning (``--unverified``).
    """

    class Progress(Message, bubble=False):
        """Drills done so far in run ``run``."""

        def __init__(self, run: int, done: int, total: int) -> None:
            super().__init__()
            self.run, self.done, self.total = run, done, total

    class Finished(Message, bubble=False):
        """Run ``run`` is done: its result (``drillsim-whatif/1``)."""

        def __init__(self, run: int, result: dict[str, Any]) -> None:
            super().__init__()
            self.run, self.result = run, result

    class Failed(Message, bubble=False):
        """Run ``run`` could not be done: why, in one line (an i18n key and its text)."""

        def __init__(self, run: int, words: str, why: str) -> None:
            super().__init__()
            self.run, self.words, self.why = run, words, why

    def __init__(
        self,
        path: Path,
        *,
        lang: str,
        seeds: Sequence[int] = SEEDS,
        unverified: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.path = Path(path)
        self.lang = lang
        """The language it is drawn in."""
        self.choices = tuple(seeds)
        self.seeds = self.choices[0]
        """Drills per alternative of the run under way or shown."""
        self.unverified = unverified
        self.run = 0
        """Number of the latest run started (0: none yet); messages of older runs are ignored."""
        self.result: dict[str, Any] | None = None
        """The result shown, once there is one."""
        self.problem: tuple[str, str] | None = None
        """Why there is no result (an i18n key and the reason), if that is so."""
        self.shown: list[dict[str, Any]] = []
        """The alternatives in the table's order (its rank order)."""

    def compose(self) -> ComposeResult:
        yield Static(id="whatif-status")
        yield ProgressBar(id="whatif-progress", show_eta=False)
        yield DataTable(id="whatif-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="whatif-detail")

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one(DataTable).display = False

    # Running -------------------------------------------------------------------------------------

    def open(self) -> None:
        """The tab was opened: analyse the record, the first time only."""
        if self.run == 0:
            self.start()

    def next_seeds(self) -> None:
        """Analyse again with the next number of drills per alternative (the one under way stops)."""
        self.seeds = self.choices[(self.choices.index(self.seeds) + 1) % len(self.choices)]
        self.start()

    def start(self) -> None:
        """Start an analysis with :attr:`seeds` drills per alternative (one already running is cancelled)."""
        self.run += 1
        self.result, self.problem, self.shown = None, None, []
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.display = False
        self.query_one("#whatif-detail", Static).update("")
        self.relabel()
        self.analyse(self.run, self.seeds)

    @work(thread=True, exclusive=True, group="whatif", exit_on_error=False)
    def analyse(self, run: int, seeds: int) -> None:
        """Work out the alternatives (in a thread); report by messages only."""
        from engine.errors import DrillError
        from scoring.whatif import whatif

        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Stopped
            self.post_message(self.Progress(run, done, total))

        try:
            result = whatif(self.path, seeds=seeds, jobs=jobs(), progress=progress, unverified=self.unverified)
        except _Stopped:
            return
        except (DrillError, OSError) as exc:
            self.post_message(self.Failed(run, "whatif.failed", str(exc).splitlines()[0]))
            return
        if not worker.is_cancelled:
            self.post_message(self.Finished(run, result))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A fault the analysis did not foresee: one line in the tab, never a traceback."""
        if event.worker.group == "whatif" and event.state == WorkerState.ERROR:
            error = event.worker.error
            why = (str(error).splitlines() or [type(error).__name__])[0] if error else ""
            self.post_message(self.Failed(self.run, "whatif.error", why))

    def on_what_if_view_progress(self, message: Progress) -> None:
        if message.run == self.run:
            self.query_one(ProgressBar).update(total=message.total, progress=message.done)

    def on_what_if_view_finished(self, message: Finished) -> None:
        if message.run != self.run:
            return
        result = message.result
        self.query_one(ProgressBar).display = False
        trainee = result.get("trainee") or []
        if trainee and all(origin == "none" for origin in trainee):
            self.problem = ("whatif.no_trainee", "")
        elif not result["alternatives"]:
            self.problem = ("whatif.none", "")
        else:
            self.result = result
        self.relabel()
        if self.result is not None and self._on_screen():
            self.query_one(DataTable).focus()

    def on_what_if_view_failed(self, message: Failed) -> None:
        if message.run == self.run:
            self.query_one(ProgressBar).display = False
            self.problem = (message.words, message.why)
            self.relabel()

    def _on_screen(self) -> bool:
        """Whether this tab is the one showing (the facilitator may have moved on meanwhile)."""
        return all(node.display for node in self.ancestors_with_self if isinstance(node, Widget))

    # Drawing -------------------------------------------------------------------------------------

    def relabel(self, lang: str | None = None) -> None:
        """Draw everything again, in ``lang`` if given (F2 redraws it live)."""
        self.lang = lang = lang or self.lang
        status = self.query_one("#whatif-status", Static)
        if self.problem is not None:
            words, why = self.problem
            status.update(Wrapped(Text(tr(words, lang, why=why), style="yellow")))
            return
        if self.result is None:
            running = Text(tr("whatif.running", lang, n=self.seeds))
            running.append(self._seeds_hint())
            status.update(Wrapped(running) if self.run else "")
            return
        from scoring.report.whatif import actual_text

        result = self.result
        text = Text()
        if result.get("warning"):
            text.append(f"⚠ {result['warning']}\n", style="bold red")
        text.append(actual_text(result, lang) + " ")
        confidence = round(result["confidence"] * 100)
        text.append(tr("whatif.ready", lang, n=result["seeds"], c=confidence), style="dim")
        text.append(self._seeds_hint())
        if "rubric" in result.get("trainee", []):
            text.append(" " + tr("whatif.rubric_only", lang), style="yellow")
        status.update(Wrapped(text))
        self._fill(result)

    def _seeds_hint(self) -> Text:
        """The key for the other number of drills per alternative, and that number (the footer leaves it to the tab)."""
        if len(self.choices) < 2:
            return Text()
        other = self.choices[(self.choices.index(self.seeds) + 1) % len(self.choices)]
        key = keys.shown_key(self.screen, "debrief.whatif_seeds")
        return Text(" " + tr("whatif.seeds.hint", self.lang, k=key, n=other), style="dim italic")

    def _fill(self, result: dict[str, Any]) -> None:
        """The table: the reports' columns, with the verdict after the rank; the cursor stays on its row."""
        from scoring.report.whatif import columns, rows, verdict_text

        lang = self.lang
        table = self.query_one(DataTable)
        keep = table.cursor_row if table.row_count else 0
        headings = columns(lang)
        headings.insert(1, tr("whatif.col.verdict", lang))
        cut = max(24, (self.size.width - 18) // 3)
        self.shown = list(result["alternatives"])
        body = []
        for row, texts in zip(self.shown, rows(result, lang), strict=True):
            texts = [_one_line(t) for t in texts]
            texts.insert(1, verdict_text(row, lang))
            body.append(texts)
        with table.prevent(DataTable.RowHighlighted):
            table.clear(columns=True)
            for number, heading in enumerate(headings):
                widest = max([cells(heading)] + [cells(line[number]) for line in body])
                table.add_column(Text(heading), width=min(widest, cut) if number in (2, 3, 4) else widest)
            for row, line in zip(self.shown, body, strict=True):
                cells_ = [Text(t, no_wrap=True, overflow="ellipsis", end="") for t in line]
                cells_[1].stylize(VERDICT_STYLES[_verdict(row)])
                table.add_row(*cells_)
        table.display = True
        table.move_cursor(row=min(keep, len(body) - 1))
        self._detail()

    def _detail(self) -> None:
        """The highlighted row in full, below the table."""
        from scoring.report.whatif import (
            alternative_text,
            basis_text,
            columns,
            measures_text,
            outcome_text,
            score_text,
            team_text,
            verdict_text,
        )

        detail = self.query_one("#whatif-detail", Static)
        row = self.highlighted()
        detail.display = row is not None and self.result is not None
        if row is None or self.result is None:
            detail.update("")
            return
        lang = self.lang
        sep = "：" if lang == "zh" else ": "
        _rank, team, _alt, why, outcome, score, measures = columns(lang)
        text = Text()
        text.append(alternative_text(row, lang), style="bold")
        text.append(f"  [{verdict_text(row, lang)}]", style=VERDICT_STYLES[_verdict(row)])
        # How to see it comes first (the detail has a few lines, and the longest rows fill them): at
        # the end of the first line if it fits there whole, else on a line of its own.
        hint = tr("whatif.open" if row["seq"] is not None else "whatif.open.moment", lang)
        room = detail.content_region.width
        fits = text.cell_len + 2 + cell_len(hint) <= room
        text.append(f"  {hint}\n" if fits else f"\n{hint}\n", style="dim italic")
        joint = "；" if lang == "zh" else "; "
        lines = [  # what the rank rests on first; the team's decision short where the line above names it
            [(why, basis_text(self.result, row, lang))],
            [(team, team_text(row, lang, short=True))],
            [(outcome, outcome_text(row, lang)), (score, score_text(row))],  # short ones share a line
            [(measures, measures_text(self.result, row, lang))],
        ]
        for line in lines:
            parts = [(heading, value.replace("\n", joint)) for heading, value in line if value]
            for number, (heading, value) in enumerate(parts):
                text.append(("  " if number else "") + f"{heading}{sep}", style="dim")
                text.append(value)
            if parts:
                text.append("\n")
        text.rstrip()
        detail.update(Wrapped(text))
        # Rows are spelled out in more or fewer lines: once the detail and then the table are laid out
        # again, scroll the highlighted row back into view.
        table = self.query_one(DataTable)
        self.call_after_refresh(table.call_after_refresh, lambda: table.move_cursor(row=table.cursor_row))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_replay()

    # Going to the replay ---------------------------------------------------------------------------

    def highlighted(self) -> dict[str, Any] | None:
        """The alternative under the table's cursor, if the table shows any."""
        table = self.query_one(DataTable)
        if not self.shown or not table.row_count:
            return None
        return self.shown[max(0, min(table.cursor_row, len(self.shown) - 1))]

    def open_replay(self) -> None:
        """Open the replay at the highlighted row's decision (a task never done: the moment it was due)."""
        row = self.highlighted()
        if row is None:
            return
        if row["seq"] is not None:
            self.post_message(OpenReplay(self.path, seq=row["seq"]))
        else:
            self.post_message(OpenReplay(self.path, t=row["at"] if row["at"] is not None else row["fork"]["t"]))
