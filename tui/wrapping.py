"""Line wrapping that suits Chinese: a Rich renderable that breaks CJK text between any two characters.

Rich wraps at spaces only, so a Chinese sentence (which has none) after a short prefix is pushed
whole onto the next line, leaving the prefix alone on its own. :class:`Wrapped` breaks lines with
the engine's rule (:func:`engine.display.break_points`, the same one the linter measures scenario
text with) and keeps the text's styles.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from engine.display import break_points, cells


class Wrapped:
    """``text`` wrapped to the width it is given, CJK-aware.

    With ``hang``, every line after a paragraph's first starts with it (a hanging indent: a list
    item's bullet stands out on its own, its wrapped lines beneath the text).
    """

    def __init__(self, text: Text | str, *, hang: str = "") -> None:
        self.text = text if isinstance(text, Text) else Text(text)
        self.hang = hang

    def __str__(self) -> str:
        return self.text.plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(1, options.max_width)
        indent = cells(self.hang)
        for paragraph in self.text.split("\n", allow_blank=True):
            first = break_points(paragraph.plain, width)[:1]
            if first and indent:
                rest = break_points(paragraph.plain[first[0] :], max(1, width - indent))
                points = [*first, *(first[0] + p for p in rest)]
            else:
                points = break_points(paragraph.plain, width)
            for number, line in enumerate(paragraph.divide(points)):
                line.rstrip()
                if number and indent:
                    line = Text(self.hang, end="") + line
                line.no_wrap = True
                line.end = "\n"
                yield line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)
