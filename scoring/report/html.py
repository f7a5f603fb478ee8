"""The HTML rendering of a report: one self-contained file, laid out for A4 and printable.

No script, no external font, stylesheet or image: the CSS and the timeline chart (:mod:`.chart`,
inline SVG) are in the file, so it opens the same on a laptop with no network and prints as the
paper form a debrief hands round (blank form cells keep their height; appendices start a page).
It walks the document's sections and blocks (:mod:`.blocks`) and nothing else; every string is
escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from scoring.report.blocks import Content, footer
from scoring.report.chart import fonts, timeline_svg

_CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
* { box-sizing: border-box; }
html { font-family: FONTS; font-size: 10pt; line-height: 1.5; color: #1b1b1b; }
body { margin: 0; background: #e9ecef; }
main { width: 210mm; max-width: 100%; margin: 0 auto; padding: 14mm; background: #fff; }
h1 { font-size: 18pt; margin: 0 0 2mm; color: #1f3a5f; }
.subtitle { font-size: 12pt; margin: 0 0 6mm; color: #444; }
h2 { font-size: 13.5pt; color: #1f3a5f; border-bottom: 1.5pt solid #1f3a5f; padding-bottom: 1mm; margin: 8mm 0 3mm;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
ul { margin: 1mm 0 2mm; padding-left: 6mm; }
li { margin: 0.5mm 0; break-inside: avoid; }
table { width: 100%; border-collapse: collapse; margin: 2mm 0 4mm; font-size: 8.5pt; }
th, td { border: 0.6pt solid #9aa5b1; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left;
         overflow-wrap: anywhere; word-break: break-word; }
th { background: #e8eef5; font-weight: 600; }
td.nw { white-space: nowrap; }
table.sized { table-layout: fixed; }
th { overflow-wrap: break-word; word-break: normal; hyphens: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.fields th:first-child, table.fields td:first-child { width: 28%; }
table.fields td:first-child { background: #f5f7fa; font-weight: 600; }
table.form td { height: 11mm; }
table.form th { font-size: 7.5pt; }
table.matrix td:nth-child(n+3), table.matrix th:nth-child(n+3) { width: 9%; text-align: center; }
table.matrix td:nth-child(2), table.matrix th:nth-child(2) { width: 10%; text-align: right; }
.verdict { display: flex; flex-wrap: wrap; gap: 3mm; margin: 2mm 0 4mm; break-inside: avoid; }
.verdict div { border: 0.8pt solid #9aa5b1; border-radius: 2mm; padding: 2mm 4mm; min-width: 30mm; }
.verdict span { display: block; font-size: 8pt; color: #555; }
.verdict strong { font-size: 13pt; }
.verdict.passed .conclusion { border-color: #2e7d32; color: #2e7d32; }
.verdict.failed .conclusion { border-color: #c62828; color: #c62828; }
figure { margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: #555; margin-top: 1mm; }
section.appendix { break-before: page; page-break-before: always; }
footer { margin-top: 8mm; font-size: 8pt; color: #666; border-top: 0.5pt solid #ccc; padding-top: 2mm; }
@media print {
  body { background: none; }
  main { width: auto; padding: 0; margin: 0; }
}
"""


def page(c: Content) -> str:
    """The report as one HTML page."""
    lang = "zh-CN" if c["lang"] == "zh" else "en"
    css = _CSS.replace("FONTS", fonts(c["lang"]))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(c['title'])} — {_e(c['overview']['name'])}</title>",
        f"<style>{css}</style></head>",
        "<body><main>",
        f"<h1>{_e(c['title'])}</h1>",
        f'<p class="subtitle">{_e(c["overview"]["name"])}</p>',
    ]
    for section in c["sections"]:
        cls = ' class="appendix"' if section["appendix"] else ""
        parts.append(f'<section id="{_e(section["id"])}"{cls}><h2>{_e(section["heading"])}</h2>')
        parts += [_html_block(c, block) for block in section["blocks"]]
        parts.append("</section>")
    parts += [f"<footer>{_e(footer(c))}</footer>", "</main></body></html>", ""]
    return "\n".join(parts)


def _html_block(c: Content, block: Mapping[str, Any]) -> str:
    """One block as HTML."""
    kind = block["type"]
    if kind == "subheading":
        return f"<h3>{_e(block['text'])}</h3>"
    if kind == "paragraph":
        return f"<p>{_html_text(block['text'])}</p>"
    if kind == "list":
        return "<ul>" + "".join(f"<li>{_html_text(item)}</li>" for item in block["items"]) + "</ul>"
    if kind == "chart":
        svg = timeline_svg(c, c["lang"])
        return f"<figure>{svg}<figcaption>{_e(block['caption'])}</figcaption></figure>"
    if kind == "verdict":
        cells = "".join(
            f'<div class="{"conclusion" if i == 2 else "figure"}"><span>{_e(k)}</span><strong>{_e(v)}</strong></div>'
            for i, (k, v) in enumerate(block["rows"])
        )
        return f'<div class="verdict {"passed" if block["passed"] else "failed"}">{cells}</div>'
    widths = block.get("widths") or []
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    opening = f'<table class="{_e(block["variant"])} sized"><colgroup>{cols}</colgroup>' if widths else ""
    opening = opening or f'<table class="{_e(block["variant"])}">'
    head = "".join(f"<th>{_e(h)}</th>" for h in block["columns"])
    body = "".join("<tr>" + "".join(_td(cell) for cell in row) + "</tr>" for row in block["rows"])
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _td(cell: str) -> str:
    """A table cell; ids and sim times stay on one line (a narrow column would break "A15" in two).

    Only short Latin cells: a short Chinese one (超时且顺序不对) must wrap, or it runs into the next column.
    """
    if cell and len(cell) <= 8 and " " not in cell and cell.isascii():
        return f'<td class="nw">{_e(cell)}</td>'
    return f"<td>{_html_text(cell)}</td>"


def _e(text: Any) -> str:
    """Escaped for HTML text and attributes."""
    return html.escape(str(text), quote=True)


def _html_text(text: str) -> str:
    """Escaped, line breaks as ``<br>``."""
    return "<br>".join(_e(line) for line in str(text).split("\n"))
