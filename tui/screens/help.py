"""The help screen: every key of the screen it was opened from and of the app, from the registry."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label

from tui import keys
from tui.cells import cell
from tui.i18n import tr
from tui.screens.base import console_of


class HelpScreen(ModalScreen[None]):
    """Keys of one screen: what they do, the key now bound (after the user's key map), the id to remap."""

    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", show=False)]

    def __init__(self, of: Screen[object]) -> None:
        super().__init__()
        self.of = of

    def compose(self) -> ComposeResult:
        lang = console_of(self.app).lang
        yield Label(
            f"[b]{tr('help.title', lang)}[/b]  " + escape(tr("help.intro", lang, path=keys.keymap_path())),
            classes="dialog wide",
        )
        yield DataTable(id="help-table", cursor_type="row", classes="dialog wide")

    def on_mount(self) -> None:
        app = self.app
        lang = console_of(app).lang
        table = self.query_one("#help-table", DataTable)
        table.add_columns(tr("help.col.key", lang), tr("help.col.what", lang), tr("help.col.id", lang))
        shown: dict[str, list[str]] = {}
        for node in (self.of, app):
            for _key, bindings in node._bindings.key_to_bindings.items():
                for binding in bindings:
                    if binding.id in keys.BY_ID:
                        shown.setdefault(binding.id, []).append(app.get_key_display(binding))
        for binding_id, names in shown.items():
            table.add_row(
                cell(" / ".join(dict.fromkeys(names))), cell(tr(keys.BY_ID[binding_id].words, lang)), cell(binding_id)
            )
        table.focus()

    async def action_dismiss(self, result: None = None) -> None:
        """Close help."""
        self.dismiss(None)
