"""The start screen: drill plans and scenarios to set up, and recent records to open or resume.

The lists come from the catalog cache at once (no YAML is parsed before the first paint); a worker
then rescans the files and refreshes the lists if anything changed. The records are read by a
worker too, each time the screen shows: a record's header is read as the engine's typed header,
and the engine's format takes a moment to import. Choosing something posts an intent
(:mod:`tui.messages`); the router opens the screen that follows.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Header, Static

from tui import keys
from tui.catalog import Catalog, Entry, RecordInfo, cached, recent_records, scan
from tui.cells import cell
from tui.dialogs.roleplay_setup import RolePlayChoice, RolePlayDialog
from tui.i18n import pick, tr
from tui.messages import OpenReplay, OpenSetup, ResumeDrill, StartRolePlay
from tui.screens.base import ConsoleScreen
from tui.widgets.footer import ConsoleFooter
from tui.wrapping import Wrapped


class StartScreen(ConsoleScreen):
    """Pick a drill to set up, or a record to replay or resume."""

    BINDINGS = keys.bindings("start", "en")

    def __init__(self) -> None:
        super().__init__()
        self.catalog: Catalog | None = None
        self.records: list[RecordInfo] = []
        self.records_read = False
        """Whether :attr:`records` has been read yet (until then the list is not said to be empty)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="start-body"):
            yield Static(id="drills-title", classes="section-title")
            yield DataTable(id="drills", cursor_type="row", zebra_stripes=True)
            yield Static(id="details")
            yield Static(id="records-title", classes="section-title")
            yield DataTable(id="records", cursor_type="row", zebra_stripes=True)
        yield ConsoleFooter()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        self.catalog = cached(self.dsapp.folders)
        self.relabel()
        if self.catalog is None:  # a cache that matches every file's size and time is the truth
            self.rescan()

    def on_screen_resume(self) -> None:
        self.read_records()

    @work(thread=True, exclusive=True, group="records")
    def read_records(self) -> None:
        """Read the records folder again (in a thread: reading a header brings in the engine's format)."""
        records = recent_records()
        self.app.call_from_thread(self._records_read, records)

    def _records_read(self, records: list[RecordInfo]) -> None:
        self.records, self.records_read = records, True
        self.fill_records()

    @work(thread=True, exclusive=True, group="catalog")
    def rescan(self) -> None:
        """Load every content file (in a thread: it takes a moment) and refresh if anything changed."""
        fresh = scan(self.dsapp.folders)
        self.app.call_from_thread(self._scanned, fresh)

    def _scanned(self, fresh: Catalog) -> None:
        if self.catalog is None or fresh.entries != self.catalog.entries or fresh.problems != self.catalog.problems:
            self.catalog = fresh
            self.fill_drills()
        if fresh.problems:
            self.notify(
                tr("start.problems", self.lang, n=len(fresh.problems), first=fresh.problems[0]),
                severity="warning",
                markup=False,
            )

    # Drawing -----------------------------------------------------------------------------------

    def relabel(self) -> None:
        """Redraw every text in the current language."""
        lang = self.lang
        self.query_one("#drills-title", Static).update(tr("start.drills", lang) + "  " + tr("start.hint", lang))
        self.fill_drills()
        self.fill_records()

    def fill_drills(self) -> None:
        table = self.query_one("#drills", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        lang = self.lang
        table.add_columns(tr("start.col.kind", lang), tr("start.col.min", lang), tr("start.col.title", lang))
        for entry in self.catalog.entries if self.catalog else []:
            kind = tr(f"start.kind.{entry.kind}", lang)
            if entry.kind == "roleplay":
                length = tr("start.talk", lang)
            else:
                length = tr("start.minutes", lang, n=f"{entry.minutes:g}")
            table.add_row(kind, length, cell(pick(entry.title, lang)), key=entry.id + "|" + entry.kind)
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self.show_details()

    def fill_records(self) -> None:
        table = self.query_one("#records", DataTable)
        table.clear(columns=True)
        lang = self.lang
        table.add_columns(tr("start.col.when", lang), tr("start.col.drill", lang), tr("start.col.status", lang))
        titles = self.titles()
        for info in self.records:
            status = tr(
                {"done": "start.status.done", "cut": "start.status.cut"}.get(info.status, "start.status.bad"), lang
            )
            name = pick(titles[info.drill], lang) if info.drill in titles else info.drill
            drill = cell(name + (" ⑂" if info.forked else ""))
            table.add_row(cell(info.when), drill, status, key=str(info.path))
        self.query_one("#records-title", Static).update(
            tr("start.records", lang)
            + ("" if self.records or not self.records_read else self._aside(tr("start.none", lang)))
        )

    def _aside(self, text: str) -> str:
        """``text`` in parentheses after a heading, in the console's language's parentheses."""
        return f"（{text}）" if self.lang == "zh" else f"  ({text})"

    def titles(self) -> dict[str, dict[str, str]]:
        """The title of each plan, scenario and role-play listed, by the id its records are filed under.

        A record of something no longer listed keeps its id: there is no other name for it.
        """
        if not self.catalog:
            return {}
        from engine.format.dialogue import roleplay_id  # the records' worker has imported the format already

        found: dict[str, dict[str, str]] = {}
        for entry in self.catalog.entries:
            found.setdefault(roleplay_id(entry.id) if entry.kind == "roleplay" else entry.id, entry.title)
        return found

    def selected_entry(self) -> Entry | None:
        table = self.query_one("#drills", DataTable)
        if not self.catalog or not self.catalog.entries or table.cursor_row >= len(self.catalog.entries):
            return None
        return self.catalog.entries[table.cursor_row]

    def selected_record(self) -> RecordInfo | None:
        table = self.query_one("#records", DataTable)
        if not self.records or table.cursor_row >= len(self.records):
            return None
        return self.records[table.cursor_row]

    def show_details(self) -> None:
        entry = self.selected_entry()
        details = self.query_one("#details", Static)
        if entry is None:
            details.update("")
            return
        lang = self.lang
        sep, colon = ("、", "：") if lang == "zh" else (", ", ": ")
        lines = [pick(entry.summary, lang)]
        lines.append(tr("start.incidents", lang) + colon + sep.join(pick(t, lang) for t in entry.incidents))
        lines.append(tr("start.roles", lang) + colon + sep.join(pick(r, lang) for r in entry.roles))
        if entry.personas:
            names = sep.join(pick(label, lang) for _pid, label in entry.personas)
            lines.append(tr("start.personas", lang) + colon + names)
        if entry.objectives:
            lines.append(tr("start.objectives", lang) + colon)
            lines.extend(f" • {pick(o, lang)}" for o in entry.objectives)
        details.update(Wrapped("\n".join(lines)))

    # Events and actions ------------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "drills":
            self.show_details()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "drills":
            self.action_choose()
        else:
            self.open_record()

    def action_choose(self) -> None:
        """Set up the highlighted drill, or open the highlighted record."""
        if self.focused is not None and self.focused.id == "records":
            self.open_record()
            return
        entry = self.selected_entry()
        if entry is not None and entry.kind == "roleplay":
            self.choose_roleplay(entry)
        elif entry is not None:
            self.post_message(OpenSetup(entry))

    def choose_roleplay(self, entry: Entry) -> None:
        """Ask who practises and which owner they meet, then start the conversation."""
        lang = self.lang
        words = {
            "title": tr("rp.setup.title", lang, title=pick(entry.title, lang)),
            "name": tr("rp.setup.name", lang),
            "persona": tr("rp.setup.persona", lang),
            "random": tr("rp.setup.random", lang),
            "strict": tr("rp.setup.strict", lang),
            "observe": tr("rp.setup.observe", lang),
            "start": tr("rp.setup.start", lang),
        }
        personas = [(pid, pick(label, lang)) for pid, label in entry.personas]

        def chosen(choice: RolePlayChoice | None) -> None:
            if choice is not None:
                self.post_message(StartRolePlay(str(entry.path), choice.persona, choice.mode, choice.trainee))

        self.app.push_screen(RolePlayDialog(words, personas, self.dsapp.trainee), chosen)

    def action_switch(self) -> None:
        """Move between the drills list and the records list."""
        target = "#records" if self.focused is not None and self.focused.id == "drills" else "#drills"
        self.query_one(target, DataTable).focus()

    def open_record(self) -> None:
        info = self.selected_record()
        if info is None or info.status == "bad":
            return
        self.post_message(OpenReplay(info.path))

    def action_resume(self) -> None:
        """Go on with the highlighted record's drill, if it was cut short."""
        info = self.selected_record()
        if info is None or info.status != "cut":
            return
        self.post_message(ResumeDrill(info.path))
