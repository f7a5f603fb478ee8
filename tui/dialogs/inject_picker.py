"""Choose an inject to deliver now: one of the scenario's not yet sent, or a spoken one typed in.

Dismisses with ``("scenario", incident, inject_id)``, ``("spoken", text)`` or None.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.wrapping import Wrapped

Choice = tuple[str, int, str] | tuple[str, str]


class InjectDialog(ModalScreen[Choice | None]):
    """The facilitator's surprise: pick with arrows and Enter, or type and Enter."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, free_label: str, none_label: str, choices: list[tuple[int, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.free_label = free_label
        self.none_label = none_label
        self.choices = choices
        """(incident, inject id, what it says)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text)
            options = [Option(Wrapped(text), id=f"{i}:{iid}") for i, iid, text in self.choices]
            if not options:
                options = [Option(self.none_label, disabled=True)]
            yield OptionList(*options, id="injects")
            yield Label(self.free_label)
            yield Input(id="spoken")

    def on_mount(self) -> None:
        target = self.query_one("#injects", OptionList) if self.choices else self.query_one("#spoken", Input)
        target.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        incident, _, inject = str(event.option.id).partition(":")
        self.dismiss(("scenario", int(incident), inject))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self.dismiss(("spoken", text) if text else None)

    def action_cancel(self) -> None:
        """Close without an inject."""
        self.dismiss(None)
