"""A report's content as text: Markdown, HTML or JSON.

The JSON is the content itself, facts and sections alike (``drillsim-report/1``), for a tool that
files reports away; the Markdown and the HTML render the sections (:mod:`.markdown`, :mod:`.html`).
"""

from __future__ import annotations

import json

from scoring.report.blocks import Content
from scoring.report.content import ReportError
from scoring.report.html import page
from scoring.report.markdown import markdown

FORMATS = ("md", "html", "json")
"""What :func:`render` can produce."""


def render(content: Content, fmt: str) -> str:
    """The report as text.

    Args:
        content: What :func:`scoring.report.build` returned.
        fmt: ``md`` (GitHub Markdown), ``html`` (one self-contained, printable file) or ``json``.

    Raises:
        ReportError: Unknown format.
    """
    if fmt == "json":
        return json.dumps(content, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return markdown(content)
    if fmt == "html":
        return page(content)
    raise ReportError(f"unknown report format {fmt!r}; use {', '.join(FORMATS)}")
