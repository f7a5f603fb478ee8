"""Before a role-play: who practises, which owner they meet, and whether red-line replies are stopped.

Dismisses with a :class:`RolePlayChoice`, or None when cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from tui.widgets.marked_radio import MarkedRadioButton
from tui.wrapping import Wrapped


@dataclass(frozen=True)
class RolePlayChoice:
    """What the trainee chose."""

    trainee: str
    persona: str | None
    """None: an owner picked at random (practice must not become memory)."""
    mode: str


class RolePlayDialog(ModalScreen[RolePlayChoice | None]):
    """Name, owner, mode; Enter in the list or the button starts."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, words: dict[str, str], personas: list[tuple[str, str]], trainee: str = "") -> None:
        super().__init__()
        self.words = words
        """Labels in the console's language: title, name, random, strict, observe, start."""
        self.personas = personas
        self.trainee = trainee

    def compose(self) -> ComposeResult:
        w = self.words
        with Vertical(classes="dialog wide"):
            yield Label(Text(w["title"], style="bold"))  # it names the scenario: text, not markup
            yield Label(w["name"])
            yield Input(value=self.trainee, id="trainee", compact=True)
            yield Label(w["persona"])
            options = [Option(Wrapped(w["random"]), id="*")]
            options += [Option(Wrapped(label), id=pid) for pid, label in self.personas]
            yield OptionList(*options, id="personas")
            yield RadioSet(
                MarkedRadioButton(w["strict"], value=True, id="rp-strict"),
                MarkedRadioButton(w["observe"], id="rp-observe"),
                id="rp-mode",
            )
            yield Button(w["start"], id="rp-start", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#personas", OptionList).highlighted = 0
        self.query_one("#trainee" if not self.trainee else "#personas").focus()

    def _choice(self) -> RolePlayChoice:
        options = self.query_one("#personas", OptionList)
        chosen = options.highlighted_option.id if options.highlighted_option is not None else "*"
        mode = "strict" if self.query_one("#rp-strict", RadioButton).value else "observe"
        name = self.query_one("#trainee", Input).value.strip()
        return RolePlayChoice(name, None if chosen in (None, "*") else str(chosen), mode)

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        self.query_one("#personas", OptionList).focus()

    def on_option_list_option_selected(self, _event: OptionList.OptionSelected) -> None:
        self.dismiss(self._choice())

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(self._choice())

    def action_cancel(self) -> None:
        """Back without starting."""
        self.dismiss(None)
