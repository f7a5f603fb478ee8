"""The Markdown rendering of a report: GitHub Markdown, readable as plain text.

It walks the document's sections and blocks (:mod:`.blocks`) and nothing else. Every string is
escaped so that a name or a note from a record can neither break a table nor smuggle in markup or
raw HTML; line breaks inside a cell become ``<br>``. The chart has no Markdown form: its place says
the HTML report has it, and the timeline table lists every entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scoring.report.blocks import Content, footer


def markdown(c: Content) -> str:
    """The report as GitHub Markdown."""
    out = [f"# {_md_text(c['title'])}", "", f"**{_md_text(c['overview']['name'])}**", ""]
    for section in c["sections"]:
        out += [f"## {_md_text(section['heading'])}", ""]
        for block in section["blocks"]:
            out += _md_block(block)
    out += ["---", "", f"_{_md_text(footer(c))}_", ""]
    return "\n".join(out)


def _md_block(block: Mapping[str, Any]) -> list[str]:
    """One block as Markdown lines."""
    kind = block["type"]
    if kind == "subheading":
        return [f"### {_md_text(block['text'])}", ""]
    if kind == "paragraph":
        return [_md_text(block["text"]), ""]
    if kind == "list":
        return [*(f"- {_md_text(item)}" for item in block["items"]), ""]
    if kind == "chart":
        return [f"_{_md_text(block['note'])}_", ""]
    if kind == "verdict":
        return [" · ".join(f"**{_md_text(k)}**: {_md_text(v)}" for k, v in block["rows"]), ""]
    columns, rows = block["columns"], block["rows"]
    lines = ["| " + " | ".join(_md_text(h) for h in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md_text(cell) or " " for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _md_text(text: str) -> str:
    """Text safe inside Markdown (and its tables): no stray markup, no raw HTML, breaks as <br>."""
    out = text.replace("\\", "\\\\")
    for ch in "|*`":
        out = out.replace(ch, "\\" + ch)
    out = out.replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(line.strip() for line in out.splitlines()) if "\n" in out else out
