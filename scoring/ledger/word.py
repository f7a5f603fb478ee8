"""Word files (.docx) of a drill report (either style) and of a ledger document (the quarterly review).

Made with python-docx, walking the same sections and blocks the Markdown and HTML renderers walk
(:mod:`scoring.report.blocks`), so the three always say the same thing:

- **real tables**: Word tables with a header row repeated on every page, column widths from the
  block (a form's blank rows keep the height to write in by hand), field tables' first column shaded;
- **fonts that print**: every style names a Latin font and an East Asian one (``w:eastAsia``: 宋体 for
  text, 黑体 for headings, the fonts every Chinese office printer and WPS have, named SimSun and SimHei;
  LibreOffice maps them to Noto Serif and Sans CJK where they are missing), and the text is marked
  zh-CN, so Word breaks lines the Chinese way;
- **the timeline chart as an image**: the report's own SVG chart (:func:`scoring.report.timeline_svg`)
  rendered to PNG by CairoSVG. Why that and not matplotlib: the chart is drawn once, for the HTML
  report, and the Word file shows the very same picture; CairoSVG is a small, well-kept renderer of
  SVG, where matplotlib would mean drawing the chart a second time. It needs the system's libcairo
  (present wherever a desktop or LibreOffice is); where it is missing, the chart's place says where
  the chart is, as the Markdown does, and the timeline table still lists every entry. (CairoSVG
  ignores ``paint-order``, so the chart's white-haloed labels are redrawn as halo and label first.)

A4, 20 mm margins, A4 at 170 mm of text width; the document's title and language are set in its
properties. Nothing here reads a clock: the same content gives the same document text.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table

from scoring.report import Content, timeline_svg
from scoring.report.blocks import footer

TEXT_WIDTH_MM = 170.0
"""Width of the text on an A4 page with 20 mm margins."""

EAST_ASIAN = {"text": "SimSun", "heading": "SimHei"}
"""East Asian fonts: SimSun (宋体) for text, SimHei (黑体) for headings. Word and WPS know both by these names;
LibreOffice maps them to a serif and a sans CJK font (Noto Serif/Sans CJK) where they are missing."""

LATIN = {"zh": {"text": "Times New Roman", "heading": "Arial"}, "en": {"text": "Calibri", "heading": "Arial"}}
"""Latin fonts per report language."""

_NAVY = RGBColor(0x1F, 0x3A, 0x5F)
_HEAD_FILL = "E8EEF5"
_FIELD_FILL = "F5F7FA"


def chart_png(content: Content, width: int = 2400) -> bytes | None:
    """The report's timeline chart as a PNG ``width`` pixels wide, or None where libcairo is missing."""
    try:
        import cairosvg  # loads libcairo when imported; a system without it raises OSError
    except (ImportError, OSError):
        return None
    svg = _halos(timeline_svg(content, content["lang"]))
    png: bytes = cairosvg.svg2png(bytestring=svg.encode("utf-8"), output_width=width, background_color="white")
    return png


_HALO = re.compile(
    r'<text([^>]*?) (stroke="#fff" stroke-width="[\d.]+" stroke-linejoin="round") paint-order="stroke">(.*?)</text>'
)
_FILL = re.compile(r'fill="[^"]*"')


def _halos(svg: str) -> str:
    """The chart's haloed labels drawn as two texts, halo under label: CairoSVG ignores ``paint-order``
    and would paint the white halo over the letters."""

    def split(m: re.Match[str]) -> str:
        halo = _FILL.sub('fill="#fff"', m[1])
        return f"<text{halo} {m[2]}>{m[3]}</text><text{m[1]}>{m[3]}</text>"

    return _HALO.sub(split, svg)


def report_docx(content: Content) -> bytes:
    """A debrief report (:func:`scoring.report.build`, either style) as a .docx file's bytes."""
    doc = {
        "lang": content["lang"],
        "title": content["title"],
        "subtitle": content["overview"]["name"],
        "sections": content["sections"],
        "footer": footer(content),
    }
    needs_chart = any(b["type"] == "chart" for s in content["sections"] for b in s["blocks"])
    return document_docx(doc, chart_png(content) if needs_chart else None)


def document_docx(doc: Mapping[str, Any], chart: bytes | None = None) -> bytes:
    """A document (``title``, ``subtitle``, ``lang``, ``sections``, ``footer``) as a .docx file's bytes.

    Args:
        doc: The document; a report's content laid out by :func:`report_docx`, or a review.
        chart: The PNG for a ``chart`` block; without it, the block's note is printed instead.
    """
    lang = doc["lang"]
    word = docx.Document()
    _page(word)
    _styles(word, lang)
    props = word.core_properties
    props.title = f"{doc['title']} — {doc['subtitle']}"
    props.language = "zh-CN" if lang == "zh" else "en-GB"
    props.author = "drillsim"
    word.add_paragraph(doc["title"], style="Title")
    word.add_paragraph(doc["subtitle"], style="Subtitle")
    for section in doc["sections"]:
        heading = word.add_heading(section["heading"], level=1)
        if section.get("appendix"):
            heading.paragraph_format.page_break_before = True
        for block in section["blocks"]:
            _block(word, block, chart)
    para = word.sections[0].footer.paragraphs[0]
    para.text = doc["footer"]
    para.style = word.styles["Footer"]
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _page(word: DocxDocument) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(20))


def _fonts(style: Any, latin: str, east_asian: str, lang: str) -> None:
    """Name both fonts of a style, dropping the theme fonts that would override them."""
    style.font.name = latin
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    language.set(qn("w:eastAsia"), "zh-CN")


def _styles(word: DocxDocument, lang: str) -> None:
    latin = LATIN[lang]
    # The template's defaults say the East Asian text is en-US; say zh-CN, so that a renderer picks
    # the Chinese (not the Japanese) face of a CJK font and breaks lines the Chinese way.
    defaults = word.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}") if defaults is not None else None
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")
    normal = word.styles["Normal"]
    _fonts(normal, latin["text"], EAST_ASIAN["text"], lang)
    normal.font.size = Pt(10.5)  # 五号, the size of Chinese office documents
    normal.paragraph_format.space_after = Pt(3)
    for name, size in (("Title", 20), ("Subtitle", 13), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
        style = word.styles[name]
        _fonts(style, latin["heading"], EAST_ASIAN["heading"], lang)
        style.font.size = Pt(size)
        style.font.color.rgb = _NAVY
        style.font.italic = False
    for name in ("List Bullet", "Footer"):
        _fonts(word.styles[name], latin["text"], EAST_ASIAN["text"], lang)
    word.styles["Footer"].font.size = Pt(8)


def _block(word: DocxDocument, block: Mapping[str, Any], chart: bytes | None) -> None:
    kind = block["type"]
    if kind == "subheading":
        word.add_heading(block["text"], level=2)
    elif kind == "paragraph":
        _lines(word.add_paragraph(), block["text"])
    elif kind == "list":
        for item in block["items"]:
            _lines(word.add_paragraph(style="List Bullet"), item)
    elif kind == "chart":
        if chart is not None:
            word.add_picture(io.BytesIO(chart), width=Mm(TEXT_WIDTH_MM))
            caption = word.add_paragraph(block["caption"])
            caption.runs[0].font.size = Pt(9)
        else:
            word.add_paragraph(block["note"]).runs[0].italic = True
    elif kind == "verdict":
        rows = block["rows"]
        table = word.add_table(rows=2, cols=len(rows))
        table.style = word.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for i, (label, value) in enumerate(rows):
            _cell(table, 0, i, label, fill=_HEAD_FILL, size=8)
            _cell(table, 1, i, value, bold=True, size=13)
        word.add_paragraph()
    elif kind == "table":
        _table(word, block)


def _lines(paragraph: Any, text: str) -> None:
    """Text with its line breaks kept as breaks within the paragraph."""
    lines = str(text).split("\n")
    run = paragraph.add_run(lines[0])
    for line in lines[1:]:
        run.add_break(WD_BREAK.LINE)
        run = paragraph.add_run(line)


def _table(word: DocxDocument, block: Mapping[str, Any]) -> None:
    columns: Sequence[str] = block["columns"]
    rows: Sequence[Sequence[str]] = block["rows"]
    variant = block.get("variant", "data")
    table = word.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = word.styles["Table Grid"]
    table.autofit = False
    widths = list(block.get("widths") or [])
    if len(widths) != len(columns):
        widths = [28, 72] if variant == "fields" and len(columns) == 2 else [100 / len(columns)] * len(columns)
    total = sum(widths)
    for i, width in enumerate(widths):
        table.columns[i].width = Mm(TEXT_WIDTH_MM * width / total)  # the grid, which LibreOffice and WPS follow
        for cell in table.columns[i].cells:
            cell.width = Mm(TEXT_WIDTH_MM * width / total)  # and each cell, which Word follows
    for i, heading in enumerate(columns):
        _cell(table, 0, i, heading, bold=True, fill=_HEAD_FILL, size=9)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            first = variant == "fields" and c == 0
            _cell(table, r, c, value, bold=first, fill=_FIELD_FILL if first else None, size=9)
        if variant == "form":
            table.rows[r].height = Mm(10)
    word.add_paragraph()


def _cell(
    table: Table, row: int, col: int, text: str, *, bold: bool = False, fill: str | None = None, size: float = 9
) -> None:
    cell = table.cell(row, col)
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    for i, line in enumerate(str(text).split("\n")):
        if i:
            paragraph = cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.bold = bold
        run.font.size = Pt(size)
    if fill is not None:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shading)
