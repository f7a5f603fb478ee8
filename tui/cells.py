"""Table cells from content and records: the text as it is, never read as markup.

Textual's ``DataTable`` parses a string cell as Rich markup, so a scenario title, a role's name or a
record's id with a ``[`` in it would be restyled, garbled or refused. :func:`cell` builds the very
``Text`` the table would have built from a string without markup, without parsing anything.
"""

from __future__ import annotations

from rich.text import Text


def cell(text: str, style: str = "") -> Text:
    """``text`` as a one-line table cell (the console's tables have rows one line high)."""
    return Text(text, style=style, no_wrap=True, end="")
