"""How wide bilingual text is on a terminal, how a console wraps it, where it shows it, and how
sim time is written.

A Chinese character takes two columns (East Asian Wide and Fullwidth), a combining mark none, and
everything else one. The linter measures scenario text with this, the command line lines up its
tables with it, and the console wraps with the same rules, so that what lint accepts is what
the console shows. The panels (:data:`PANELS`) say how wide each of the console's text areas is at
its smallest size, 80x24, and how many lines a text may take there: the linter checks each text
against the panel that shows it. :func:`sim_time` is the one way a sim minute is written, on the
console's clock, in its feed and in the reports; :func:`with_unit` the one way a figure's unit is.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

NO_LINE_START = frozenset("，。、；：？！）」』”’》〉…—·,.;:?!)")
"""Closing punctuation that Chinese typesetting does not put at the start of a line."""

CONSOLE_WIDTH = 76
"""Display cells of a full-width console line (an 80-column panel less its border and padding)."""


@dataclass(frozen=True)
class Panel:
    """A text area of the console at 80x24, and how much of a text it shows well.

    ``width`` is the cells of one line; ``before`` and ``after`` are what the console writes around
    the text (an indent, a warning sign, a rating), which share its lines; ``lines`` is the most
    lines one text may take there.
    """

    name: str
    """What the panel is, as a lint message names it."""
    width: int
    lines: int
    before: str = ""
    after: str = ""

    def measure(self, text: str) -> int:
        """Lines ``text`` takes in the panel, with what the console writes around it."""
        return len(wrap(self.before + text + self.after, self.width))


ACTIONS = Panel("the action list", 38, 2, before="  ", after="  ⚠")
"""The live screen's action list: 80 columns less the 38-cell side panel, the list's padding and its
scrollbar leave 38; each label is indented two cells and may end in "  ⚠" (a rule it would break).
Two lines each, so that a role's choices stay in view together in the list's eight rows."""

REPLIES = Panel("the role-play reply list", 44, 10)
"""The role-play's reply list: 80 columns less the 30-cell coach panel, padding, scrollbar and each
reply's bullet (its wrapped lines hang under the text) leave 44. Of the 20 rows the conversation and
the replies share at 80x24 (less the list's title), the list keeps at least ten, the most one reply
may fill, so that any reply can be read whole."""

TALK = Panel("the role-play conversation", 48, 9)
"""The role-play's conversation, where the owner's words are shown: up to nine rows at 80x24, the rest
of the screen's middle after the replies' ten (the owner's latest words always show whole)."""

SIDE = Panel("the side panel", 35, 2)
"""The live screen's side panel (the situation: state, hazards, figures, staff; the role headings):
38 cells less its border and padding."""

TASKS = Panel("the rubric task list", 29, 3, before="✓ ", after=" [P]")
"""The controller's task list in the side panel: a mark before each task, its rating after it."""

FEED = Panel("the event feed", 40, 11, before="00:00 ")
"""The live screen's event feed, where narrations, inject messages and refusal reasons appear after
the sim time; its eleven rows at 80x24."""

WIDE = Panel("a console line", CONSOLE_WIDTH, 1)
"""A full-width line: titles, and labels shown across the screen or in a wide dialog."""

TEXT = Panel("the console", CONSOLE_WIDTH, 6)
"""A longer text shown full width (a summary, an explanation, a test's description)."""

PANELS = (ACTIONS, REPLIES, TALK, SIDE, TASKS, FEED, WIDE, TEXT)
"""Every panel the linter measures against."""


def sim_time(minutes: float | None, lang: str = "zh") -> str:
    """A sim minute as the console's clock writes it: ``mm:ss``, or ``h:mm:ss`` past an hour.

    The same in both languages (``lang`` is taken so that every text helper is called alike);
    ``""`` for no time. Seconds are rounded, so 4.08 minutes reads ``04:05`` and 9.2 ``09:12``.
    """
    del lang  # one clock format for both languages
    if minutes is None:
        return ""
    seconds = round(max(0.0, float(minutes)) * 60)
    hours, rest = divmod(seconds, 3600)
    mins, secs = divmod(rest, 60)
    return f"{hours}:{mins:02d}:{secs:02d}" if hours else f"{mins:02d}:{secs:02d}"


UNITS: dict[str, tuple[str, str]] = {
    "min": ("分钟", "min"),
    "h": ("小时", "h"),
    "m": ("米", "m"),
    "cm": ("厘米", "cm"),
    "mm": ("毫米", "mm"),
    "mm/h": ("毫米/小时", "mm/h"),
    "percent": ("%", "%"),
    "%": ("%", "%"),
    "count": ("", ""),
    "人": ("人", "people"),
    "户": ("户", "households"),
    "台": ("台", ""),
    "辆": ("辆", ""),
}
"""How each unit a scenario may name is written in Chinese and English. ``count`` is a bare number,
and so are the Chinese measure words that English does without (台, 辆); a unit not listed here is
shown as the author wrote it."""


def with_unit(number: str, unit: str | None, lang: str = "zh") -> str:
    """``number`` (already written) followed by its ``unit`` in ``lang``: ``10 分钟``, ``35%``, ``3 人``."""
    if not unit:
        return number
    zh, en = UNITS.get(unit, (unit, unit))
    word = zh if lang == "zh" else en
    if not word:
        return number
    return f"{number}{word}" if word == "%" else f"{number} {word}"


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


def default_lang() -> str:
    """``zh`` or ``en``: DRILLSIM_LANG, else the system locale, else Chinese."""
    explicit = os.environ.get("DRILLSIM_LANG", "")
    if explicit in ("zh", "en"):
        return explicit
    system = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    return "en" if system.startswith("en") else "zh"
