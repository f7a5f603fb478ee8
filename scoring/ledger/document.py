"""Markdown and HTML of a ledger document (the quarterly review): the report's blocks, rendered alike.

A ledger document has the shape of a report's document (``title``, ``subtitle``, ``sections`` of
headed blocks from :mod:`scoring.report.blocks`) without a report's facts, so the report's renderers,
which also print the drill's overview and record in the footer, are not used as they are. These two
walk the same block types the same way: every string escaped (a name from a record can break
neither a table nor the page), line breaks inside a cell kept, and the HTML one self-contained file
laid out for A4 with the report's fonts.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from scoring.report import fonts

_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html { font-family: FONTS; font-size: 10pt; line-height: 1.5; color: #1b1b1b; }
body { margin: 0; background: #e9ecef; }
main { width: 210mm; max-width: 100%; margin: 0 auto; padding: 14mm; background: #fff; box-sizing: border-box; }
h1 { font-size: 18pt; margin: 0 0 2mm; color: #1f3a5f; }
.subtitle { font-size: 12pt; margin: 0 0 6mm; color: #444; }
h2 { font-size: 13.5pt; color: #1f3a5f; border-bottom: 1.5pt solid #1f3a5f; padding-bottom: 1mm; margin: 8mm 0 3mm;
     break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm; font-size: 8.5pt; }
th, td { border: 0.6pt solid #9aa5b1; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; }
th { background: #e8eef5; font-weight: 600; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.fields td:first-child { width: 28%; background: #f5f7fa; font-weight: 600; }
footer { margin-top: 8mm; font-size: 8pt; color: #666; border-top: 0.5pt solid #ccc; padding-top: 2mm; }
@media print { body { background: none; } main { width: auto; padding: 0; } }
"""


def markdown(doc: Mapping[str, Any]) -> str:
    """The document as GitHub Markdown."""
    out = [f"# {_md(doc['title'])}", "", f"**{_md(doc['subtitle'])}**", ""]
    for section in doc["sections"]:
        out += [f"## {_md(section['heading'])}", ""]
        for block in section["blocks"]:
            out += _md_block(block)
    out += ["---", "", f"_{_md(doc['footer'])}_", ""]
    return "\n".join(out)


def _md_block(block: Mapping[str, Any]) -> list[str]:
    kind = block["type"]
    if kind == "subheading":
        return [f"### {_md(block['text'])}", ""]
    if kind == "paragraph":
        return [_md(block["text"]), ""]
    if kind == "list":
        return [*(f"- {_md(item)}" for item in block["items"]), ""]
    if kind != "table":
        return []
    lines = ["| " + " | ".join(_md(h) for h in block["columns"]) + " |", "|" + "---|" * len(block["columns"])]
    lines += ["| " + " | ".join(_md(cell) or " " for cell in row) + " |" for row in block["rows"]]
    return [*lines, ""]


def _md(text: str) -> str:
    out = str(text).replace("\\", "\\\\")
    for ch in "|*`_":
        out = out.replace(ch, "\\" + ch)
    out = out.replace("<", "&lt;").replace(">", "&gt;")
    return "<br>".join(line.strip() for line in out.splitlines()) if "\n" in out else out


def page(doc: Mapping[str, Any]) -> str:
    """The document as one self-contained HTML page."""
    lang = "zh-CN" if doc["lang"] == "zh" else "en"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(doc['title'])} — {_e(doc['subtitle'])}</title>",
        f"<style>{_CSS.replace('FONTS', fonts(doc['lang']))}</style></head>",
        "<body><main>",
        f"<h1>{_e(doc['title'])}</h1>",
        f'<p class="subtitle">{_e(doc["subtitle"])}</p>',
    ]
    for section in doc["sections"]:
        parts.append(f'<section id="{_e(section["id"])}"><h2>{_e(section["heading"])}</h2>')
        parts += [_html_block(block) for block in section["blocks"]]
        parts.append("</section>")
    parts += [f"<footer>{_e(doc['footer'])}</footer>", "</main></body></html>", ""]
    return "\n".join(parts)


def _html_block(block: Mapping[str, Any]) -> str:
    kind = block["type"]
    if kind == "subheading":
        return f"<h3>{_e(block['text'])}</h3>"
    if kind == "paragraph":
        return f"<p>{_br(block['text'])}</p>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{_br(item)}</li>" for item in block["items"]) + "</ul>"
    if kind != "table":
        return ""
    head = "".join(f"<th>{_e(h)}</th>" for h in block["columns"])
    body = "".join("<tr>" + "".join(f"<td>{_br(c)}</td>" for c in row) + "</tr>" for row in block["rows"])
    return f'<table class="{_e(block["variant"])}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _br(text: Any) -> str:
    return "<br>".join(_e(line) for line in str(text).split("\n"))
