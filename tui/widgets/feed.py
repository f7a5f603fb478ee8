"""The live feed: the latest events, newest at the bottom, in the space the screen gives it.

A scrolling log (Textual's ``RichLog``) changes its virtual size with every line, and that costs a
relayout of the whole screen: at 30x speed, on every tick. The live feed is for the room, which
reads the latest events; the whole timeline is in the debrief and in replay. So this widget keeps
the last lines and draws as many of the newest as fit, with a repaint and no relayout.
"""

from __future__ import annotations

from collections import deque

from rich.text import Text
from textual.widgets import Static

from engine.display import break_points
from tui.wrapping import Wrapped

KEPT = 300
"""Lines kept (more than any terminal shows)."""


class Feed(Static):
    """The newest lines that fit, wrapped CJK-aware, bottom-aligned."""

    DEFAULT_CSS = """
    Feed { height: 1fr; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lines: deque[Text] = deque(maxlen=KEPT)

    def add(self, line: Text) -> None:
        """Append a line (call :meth:`show` once after a batch)."""
        self.lines.append(line)

    def clear(self) -> None:
        """Forget every line."""
        self.lines.clear()
        self.show()

    def show(self) -> None:
        """Draw the newest lines that fit."""
        width = max(1, self.content_region.width or self.size.width or 40)
        height = max(1, self.content_region.height or self.size.height or 10)
        chosen: list[Text] = []
        rows = 0
        for line in reversed(self.lines):
            need = len(break_points(line.plain, width)) + 1
            if rows + need > height and chosen:
                break
            chosen.append(line)
            rows += need
        text = Text("\n" * max(0, height - rows)) + Text("\n").join(reversed(chosen))
        self.update(Wrapped(text), layout=False)

    def on_resize(self) -> None:
        self.show()
