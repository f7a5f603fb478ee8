"""How wide bilingual text is on a terminal, and how a console wraps it.

A Chinese character takes two columns (East Asian Wide and Fullwidth), a combining mark none, and
everything else one. The linter measures scenario text with this, the command line lines up its
tables with it, and the console will wrap with the same rules, so that what lint accepts is what
the console shows.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator

NO_LINE_START = frozenset("，。、；：？！）」』”’》〉…—·,.;:?!)")
"""Closing punctuation that Chinese typesetting does not put at the start of a line."""

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
    """Lines of ``text`` wrapped to ``width`` cells, as the console wraps it (see :func:`break_points`).

    Latin words break at spaces (a word wider than a line is cut where it must be); CJK text
    breaks between any two wide characters, keeping closing punctuation off a line's start; an
    explicit line break starts a new line. Spaces at the ends of lines are dropped.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        points = break_points(paragraph, width)
        lines += [paragraph[a:b].strip() for a, b in zip([0, *points], [*points, len(paragraph)], strict=True)]
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

    def cut(at: int) -> int:
        # Chinese typesetting keeps closing punctuation off the start of a line: take the
        # character before it along, when the line has one to spare.
        if at - 1 > line_start and line[at] in NO_LINE_START:
            at -= 1
        points.append(at)
        return at

    for token, _spaced in _tokens(line):
        start = line.index(token, position)
        gap = start - position  # the spaces before the token, one cell each
        size = cells(token)
        if start > line_start and used + gap + size > width:
            at = cut(start)
            line_start, used, gap = at, cells(line[at:start]), 0
        used += gap
        if used + size <= width:
            used += size
        else:
            for offset, ch in enumerate(token):
                if start + offset > line_start and used + _cell(ch) > width:
                    at = cut(start + offset)
                    line_start, used = at, cells(line[at : start + offset])
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


def sim_time(minutes: float) -> str:
    """Sim minutes as the console's clock shows them: ``mm:ss``, or ``h:mm:ss`` past an hour."""
    seconds = round(max(0.0, minutes) * 60)
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins:02d}:{secs:02d}"


def default_lang() -> str:
    """``zh`` or ``en``: DRILLSIM_LANG, else the system locale, else Chinese."""
    explicit = os.environ.get("DRILLSIM_LANG", "")
    if explicit in ("zh", "en"):
        return explicit
    system = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "en" if system.startswith("en") else "zh"
