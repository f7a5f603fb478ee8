"""A radio button whose choice shows by its shape, not only its colour: ``●`` chosen, ``○`` not.

Textual draws every radio button with the same dot and tells the chosen one by colour alone, which a
projector, a light theme or a colour-blind facilitator loses: strict and observe looked the same.
"""

from __future__ import annotations

from textual.widgets import RadioButton


class MarkedRadioButton(RadioButton):
    """A :class:`RadioButton` drawn ``●`` when chosen and ``○`` when not."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._mark()

    def _mark(self) -> None:
        self.BUTTON_INNER = "●" if self.value else "○"

    def watch_value(self) -> None:
        self._mark()
        super().watch_value()
