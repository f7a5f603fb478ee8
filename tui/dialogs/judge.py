"""The coach judges a free reply with one key: what did the trainee's own words do?

Dismisses with the move id (``empathise``, ``blame``...), or None.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from engine.display import cells
from tui.wrapping import Wrapped

KEYS = {
    "l": "listen",
    "e": "empathise",
    "a": "apologise",
    "r": "restate",
    "q": "ask",
    "s": "safety",
    "p": "act",
    "f": "follow_up",
    "i": "interrupt",
    "g": "argue",
    "b": "blame",
    "d": "deflect",
    "x": "forbidden",
    "o": "overpromise",
    "w": "stall",
}
"""One key per move (the move's initial where it is free)."""


class JudgeDialog(ModalScreen[str | None]):
    """Shows the trainee's words and the moves with their keys; one key press judges."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, prompt: str, said: str, labels: dict[str, str]) -> None:
        super().__init__()
        self.prompt = prompt
        self.said = said
        self.labels = labels
        """Move id -> its name in the console's language."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.prompt)
            yield Static(Wrapped(f"“{self.said}”"), classes="said")
            lines = [f"{key}  {self.labels[move]}" for key, move in KEYS.items()]
            half = (len(lines) + 1) // 2
            rows = [a + " " * max(1, 34 - cells(a)) + b for a, b in zip(lines[:half], [*lines[half:], ""], strict=True)]
            yield Static(Text("\n".join(rows)))

    def on_key(self, event: Key) -> None:
        move = KEYS.get(event.key)
        if move is not None:
            event.stop()
            self.dismiss(move)

    def action_cancel(self) -> None:
        """Not judged: the reply is not recorded."""
        self.dismiss(None)
