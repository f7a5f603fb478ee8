"""Printing to a terminal that cannot show every character (a C locale, an old code page).

drillsim prints Chinese, and in English a few typographic marks (a prime after minutes, dots, arrows). Where
standard output's encoding cannot represent them (``LANG=C`` with Python's UTF-8 mode off), the first
``print`` raised ``UnicodeEncodeError`` and a command died with "internal error", even with
``--lang en``. :func:`guard` installs an error handler instead: each mark becomes its ASCII
look-alike, so an English timeline reads as it should, and anything else (Chinese) becomes a
``\\uXXXX`` escape; :func:`note` then says once what to set to see it all.

The handler only ever runs for characters the stream cannot encode: on a UTF-8 terminal nothing
changes.
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

ERRORS = "drillsim-ascii"
"""Name of the codec error handler :func:`guard` registers."""

LOOKALIKES = {
    "′": "'",
    "″": '"',
    "·": ".",
    "•": "*",
    "●": "*",
    "→": "->",
    "←": "<-",
    "—": "-",
    "–": "-",
    "…": "...",
    "⚠": "!",
    "✓": "v",
    "✗": "x",
    "×": "x",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "（": "(",
    "）": ")",
    "，": ", ",
    "：": ": ",
    "≥": ">=",
    "≤": "<=",
}
"""Marks drillsim prints, and what stands for them where they cannot be shown."""

PROBE = "′·→⚠中"
"""Characters a stream must be able to encode for :func:`guard` to leave it alone."""


class _Seen:
    """Whether a character had to be escaped (not merely replaced by its look-alike)."""

    escaped = False


def _fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    parts = []
    for ch in exc.object[exc.start : exc.end]:
        alike = LOOKALIKES.get(ch)
        if alike is None:
            _Seen.escaped = True
            alike = ch.encode("ascii", "backslashreplace").decode("ascii")
        parts.append(alike)
    return "".join(parts), exc.end


def _shows_everything(stream: TextIO) -> bool:
    try:
        PROBE.encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def guard(*streams: TextIO) -> None:
    """Make ``streams`` (default: standard output and error) write what their encoding cannot show.

    Streams that can show everything, and streams that cannot be reconfigured, are left alone.
    """
    codecs.register_error(ERRORS, _fallback)
    for stream in streams or (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not _shows_everything(stream):
            reconfigure(errors=ERRORS)


def note() -> str | None:
    """One line saying what to set, when some characters could only be written as escapes."""
    if not _Seen.escaped:
        return None
    _Seen.escaped = False
    encoding = getattr(sys.stdout, "encoding", None) or "?"
    return (
        f"drillsim: note: this terminal's encoding ({encoding}) cannot show Chinese and some symbols; they were"
        " written as \\u escapes (set LANG=C.UTF-8 or PYTHONUTF8=1 to see them)"
    )
