"""Pick one of a few labelled choices; dismisses with the chosen id, or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.wrapping import Wrapped


class ChoiceDialog(ModalScreen[str | None]):
    """Arrows and Enter to choose, Escape to cancel."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, prompt: str, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.prompt = prompt
        self.choices = choices
        """(id, label) pairs."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt)
            yield OptionList(*(Option(Wrapped(label), id=cid) for cid, label in self.choices), id="choices")

    def on_mount(self) -> None:
        self.query_one("#choices", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
