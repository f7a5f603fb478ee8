"""The files managers ask for, opened again by their libraries: the 演练台账 and a training record cell by
cell, the Word report and quarterly review heading by heading, table by table, with the chart image
and fonts that print; and the review's Markdown and HTML saying the same things."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from engine.runtime import read
from scoring import report
from scoring.ledger import Ledger, compliance, proposals, raise_from, rates, rolls
from scoring.ledger import document as rendered
from scoring.ledger.excel import ledger_workbook, person_workbook
from scoring.ledger.periods import quarter
from scoring.ledger.review import build
from scoring.ledger.word import chart_png, document_docx, report_docx
from scoring.report.blocks import footer
from tests.scoring.ledger.conftest import CS, ENG, SEC, SITE, Seeded

AS_OF = date(2026, 7, 10)


def day_of(value: object) -> date:
    """The day a date cell holds (openpyxl reads it back as a datetime)."""
    assert isinstance(value, datetime)
    return value.date()


def cairo() -> bool:
    """Whether CairoSVG can load the system's libcairo here."""
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture
def ledger_xlsx(seeded: Seeded) -> bytes:
    """The 演练台账 of the seeded drills, with the programme, one corrective action raised."""
    with Ledger(seeded.url) as ledger:
        raise_from(ledger, seeded.paths["lift_fail"], "张伟", due="2026-04-30", areas=["A1"])
        drills = ledger.drills()
        items = ledger.actions()
        found = rolls(seeded.programme, drills)
        return ledger_workbook(
            drills,
            "zh",
            actions=items,
            proposed=proposals(ledger, items),
            as_of=AS_OF,
            programme=seeded.programme,
            dues=compliance(seeded.programme, drills, AS_OF),
            rolls=found,
            rates=rates(seeded.programme, found),
            titles={"elevator-entrapment": "电梯困人"},
        )


def test_the_drill_ledger_has_one_row_per_drill_with_roll_call_score_and_verdict(
    seeded: Seeded, ledger_xlsx: bytes
) -> None:
    """Sheet 演练台账: a title, a header, then every drill oldest first, dates as dates and scores as numbers."""
    book = load_workbook(io.BytesIO(ledger_xlsx))
    assert book.sheetnames == ["演练台账", "计划执行", "出勤", "整改措施"]
    ws = book["演练台账"]
    assert ws["A1"].value == "应急演练台账"
    header = [c.value for c in ws[2]]
    assert header[:8] == ["序号", "日期", "演练名称", "记录编号", "性质", "项目（小区）", "班组", "应到"]
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$2:$2"
    rows = {r[3]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == len(seeded.keys)
    lift = rows[seeded.keys["lift_fail"]]
    column = dict(zip(header, lift, strict=True))
    assert day_of(column["日期"]) == date(2026, 3, 5)
    assert (column["演练名称"], column["性质"], column["班组"]) == ("电梯困人", "考核", SEC)
    assert (column["应到"], column["实到"], column["缺席人员"]) == (4, 3, "王磊")
    assert column["结论"] == "不合格" and isinstance(column["得分"], int | float)
    assert column["整改项（未关闭/总数）"] == "1/1"
    makeup = dict(zip(header, rows[seeded.keys["lift_makeup"]], strict=True))
    assert makeup["补训对象"] == f"2026-03-05 {seeded.keys['lift_fail']}"
    assert makeup["应到"] is None  # a make-up is not a roll call of its own


def test_the_programme_and_attendance_sheets_flag_what_needs_attention(seeded: Seeded, ledger_xlsx: bytes) -> None:
    """计划执行 lists every team's periods with the drills that satisfied them; overdue and low rows are shaded."""
    book = load_workbook(io.BytesIO(ledger_xlsx))
    ws = book["计划执行"]
    assert [c.value for c in ws[2]] == [
        "班组",
        "计划要求",
        "周期",
        "截止日期",
        "应完成",
        "已完成",
        "状态",
        "完成的演练",
    ]
    rows = list(ws.iter_rows(min_row=3))
    overdue = [(r[0].value, r[2].value) for r in rows if r[6].value == "逾期未完成"]
    assert overdue == [(SEC, "2026Q2"), (CS, "2026Q2"), (CS, "2026-06"), (ENG, "2026Q1")]
    assert all(r[0].fill.fgColor.rgb.endswith("FDECEA") for r in rows if r[6].value == "逾期未完成")
    fire = next(r for r in rows if r[0].value == SEC and r[2].value == "2026Q1")
    assert fire[7].value == f"2026-02-10 fire-evacuation {seeded.keys['fire_sec']}"
    ws = book["出勤"]
    table = {(r[0], r[1]): (r[3], r[4], r[5], r[6]) for r in ws.iter_rows(min_row=3, values_only=True)}
    assert table[CS, "2026Q2"] == (4, 3, 75.0, "是")
    assert table[SEC, "2026Q1"] == (8, 7, 87.5, "是")
    ws = book["整改措施"]
    [action] = list(ws.iter_rows(min_row=3, values_only=True))
    assert action[3:7] == ("张伟", action[4], "待整改", "是")
    assert day_of(action[4]) == date(2026, 4, 30)
    assert action[9] == seeded.keys["lift_pass"]  # proposed verification


def test_a_person_s_training_record_lists_their_drills_and_weak_tasks(seeded: Seeded) -> None:
    """张伟's record: the fire drill, the failed lift drill (its tasks below P listed) and the passed one."""
    with Ledger(seeded.url) as ledger:
        drills = ledger.drills(person="张伟")
        data = person_workbook("张伟", drills, ledger.weak_tasks_of([d.id for d in drills]), "zh")
    ws = load_workbook(io.BytesIO(data))["个人培训档案"]
    assert ws["A1"].value == "个人培训档案：张伟 — 共参加 3 场，考核 3 场，合格 2 场"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[3] for r in rows] == ["考核", "考核", "考核"]
    assert [r[9] for r in rows] == ["合格", "不合格", "合格"]
    assert rows[0][10] is None and rows[1][10]  # the failed drill lists its tasks below P
    assert isinstance(rows[1][10], str) and "voice_contact (U)" in rows[1][10]


def styles_fonts(document: docx.document.Document, name: str) -> tuple[str | None, str | None]:
    """A style's Latin and East Asian fonts, as the .docx names them."""
    fonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:ascii")), fonts.get(qn("w:eastAsia"))


@pytest.mark.parametrize("style", ["cn", "hseep"])
def test_the_word_report_has_the_report_s_headings_real_tables_and_fonts_that_print(seeded: Seeded, style: str) -> None:
    """Every section heading of the report, in order; every table block a Word table with its header; 宋体/黑体."""
    content = report.build(read(seeded.paths["lift_fail"]), "zh", style)
    document = docx.Document(io.BytesIO(report_docx(content)))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings == [s["heading"] for s in content["sections"]]
    assert document.paragraphs[0].text == content["title"]
    tables = [b for s in content["sections"] for b in s["blocks"] if b["type"] == "table"]
    verdicts = [b for s in content["sections"] for b in s["blocks"] if b["type"] == "verdict"]
    assert len(document.tables) == len(tables) + len(verdicts)
    word_tables = [t for t in document.tables if len(t.rows) != 2 or t.cell(0, 0).text != "得分"]
    for block, table in zip(tables, word_tables, strict=True):
        assert [c.text for c in table.rows[0].cells] == block["columns"]
        assert len(table.rows) == 1 + len(block["rows"])
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert styles_fonts(document, "Normal") == ("Times New Roman", "SimSun")
    assert styles_fonts(document, "Heading 1") == ("Arial", "SimHei")
    assert document.core_properties.language == "zh-CN"
    assert document.sections[0].footer.paragraphs[0].text == footer(content)
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert any("lift_fail.jsonl" in text for text in cells)  # the record file, in the technical appendix


@pytest.mark.skipif(not cairo(), reason="CairoSVG needs the system's libcairo (apt-get install libcairo2)")
def test_the_word_report_carries_the_timeline_chart_as_an_image(seeded: Seeded) -> None:
    """The chart block becomes a PNG of the report's own SVG chart, as wide as the text."""
    content = report.build(read(seeded.paths["lift_fail"]), "en", "hseep")
    png = chart_png(content)
    assert png is not None and png.startswith(b"\x89PNG")
    document = docx.Document(io.BytesIO(report_docx(content)))
    [shape] = document.inline_shapes
    assert abs(shape.width.mm - 170) < 1
    assert styles_fonts(document, "Normal") == ("Calibri", "SimSun")


def test_without_a_chart_the_word_file_says_where_the_chart_is(seeded: Seeded) -> None:
    """Where libcairo is missing the chart's place carries the note the Markdown report has."""
    content = report.build(read(seeded.paths["lift_fail"]), "zh", "cn")
    document = docx.Document(
        io.BytesIO(
            document_docx(
                {
                    "lang": "zh",
                    "title": content["title"],
                    "subtitle": "x",
                    "sections": content["sections"],
                    "footer": "f",
                },
                None,
            )
        )
    )
    assert not document.inline_shapes
    assert any(p.text == "时间线图见网页版报告；附录的演练时间线列出全部条目。" for p in document.paragraphs)


def test_the_quarterly_review_in_word_markdown_and_html_says_the_same(seeded: Seeded) -> None:
    """The review of 2026Q2: the same nine headings in all three, the overdue drills, the flagged
    attendance and the next quarter's plan."""
    with Ledger(seeded.url) as ledger:
        raise_from(ledger, seeded.paths["lift_fail"], "张伟", due="2026-04-30", areas=["A1"])
        doc = build(ledger, quarter("2026Q2"), as_of=AS_OF, site=SITE, programme=seeded.programme, lang="zh")
    headings = [s["heading"] for s in doc["sections"]]
    assert headings[0] == "一、本季概况" and headings[-1] == "九、下季度工作计划" and len(headings) == 9
    document = docx.Document(io.BytesIO(document_docx(doc)))
    assert [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"] == headings
    overview = document.tables[0]
    assert [overview.cell(i, 0).text for i in range(3)] == ["项目", "项目（小区）", "季度"]
    assert overview.cell(4, 1).text == "5 场（考核 5 场，练习 0 场）"
    attendance = next(t for t in document.tables if t.cell(0, 3).text == "出勤率")
    cs = next(r for r in attendance.rows if r.cells[0].text == CS)
    assert [c.text for c in cs.cells][1:5] == ["4", "3", "75%", "是"]
    plan = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert any(t.startswith("补做逾期未完成的演练：秩序维护部 · 消防疏散演练") for t in plan)
    assert any("为缺席人员安排补训：刘洋" in t for t in plan)
    md, page = rendered.markdown(doc), rendered.page(doc)
    for heading in headings:
        assert f"## {heading}" in md and f"<h2>{heading}</h2>" in page
    assert "| 客服中心 | 4 | 3 | 75% | 是 |" in md


def test_a_review_without_a_programme_says_so_and_still_reports_results(seeded: Seeded) -> None:
    """No programme: the programme and attendance sections say what is missing; the rest stands."""
    with Ledger(seeded.url) as ledger:
        doc = build(ledger, quarter("2026Q1"), as_of=date(2026, 3, 31), lang="en")
    by_id = {s["id"]: s for s in doc["sections"]}
    assert by_id["review.programme"]["blocks"][0]["text"].startswith("No training programme given")
    satisfaction = by_id["review.satisfaction"]["blocks"][0]
    fire = next(r for r in satisfaction["rows"] if r[0].startswith("Night fire"))
    assert fire[1:] == ["2", "71", "yes"]  # 70 and 72: under 80, the course is reworked


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_word_report_to_pdf(seeded: Seeded, tmp_path: Path) -> None:
    """The .docx opens in another office suite: LibreOffice turns it into a PDF of several pages."""
    content = report.build(read(seeded.paths["lift_fail"]), "zh", "cn")
    source = tmp_path / "report.docx"
    source.write_bytes(report_docx(content))
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = (tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) > 2
