"""How wide bilingual text is on a terminal, and how a console wraps it.

A Chinese character takes two columns (East Asian Wide and Fullwidth), a combining mark none, and
everything else one. The linter measures scenario text with this, the command line lines up its
tables with it, and the console will wrap with the same rules, so that what lint accepts is what
the console shows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

CONSOLE_WIDTH = 76
"""Display cells of a console line (an 80-column panel less its border and padding)."""


def cells(text: str) -> int:
    """Display width of ``text``: East Asian Wide and Fullwidth characters take two cells."""
    return sum(_cell(ch) for ch in text)


def _cell(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def wrap(text: str, width: int = CONSOLE_WIDTH) -> list[str]:
    """Lines of ``text`` wrapped to ``width`` cells, as the console wraps it.

    Latin words break at spaces (a word wider than a line is cut where it must be); CJK text
    breaks between any two wide characters; an explicit line break starts a new line.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0
        for token, spaced in _tokens(paragraph):
            size = cells(token)
            gap = 1 if spaced and line else 0
            if line and used + gap + size > width:
                lines.append("".join(line))
                line, used, gap = [], 0, 0
            if size <= width:
                line += [" " * gap, token]
                used += gap + size
                continue
            for ch in token:  # character by character, so a huge word costs linear time
                if line and used + _cell(ch) > width:
                    lines.append("".join(line))
                    line, used = [], 0
                line.append(ch)
                used += _cell(ch)
        lines.append("".join(line))
    return lines


def break_points(line: str, width: int) -> list[int]:
    """Indices at which ``line`` (one paragraph, no line breaks) is cut to fit ``width`` cells.

    The same rule as :func:`wrap`, for callers that keep their own styled text (the console's
    panels): latin words move whole to the next line, CJK text breaks between any two characters,
    a word wider than the line is cut where it must be. Spaces at a break stay at the end of the
    line before it.
    """
    points: list[int] = []
    used = 0
    position = 0
    line_start = 0
    for token, _spaced in _tokens(line):
        start = line.index(token, position)
        gap = start - position  # the spaces before the token, one cell each
        size = cells(token)
        if start > line_start and used + gap + size > width:
            points.append(start)
            line_start, used, gap = start, 0, 0
        used += gap
        if used + size <= width:
            used += size
        else:
            for offset, ch in enumerate(token):
                if start + offset > line_start and used + _cell(ch) > width:
                    points.append(start + offset)
                    line_start, used = start + offset, 0
                used += _cell(ch)
        position = start + len(token)
    return points


def _tokens(paragraph: str) -> Iterator[tuple[str, bool]]:
    """(token, preceded by a space): latin words whole, wide characters one by one."""
    word: list[str] = []
    spaced = False
    for ch in paragraph:
        if not ch.isspace() and _cell(ch) != 2:
            word.append(ch)
            continue
        if word:
            yield "".join(word), spaced
            word, spaced = [], False
        if ch.isspace():
            spaced = True
        else:
            yield ch, spaced
            spaced = False
    if word:
        yield "".join(word), spaced
