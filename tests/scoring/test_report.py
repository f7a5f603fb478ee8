"""Debrief reports: built from a drill record, rendered as Markdown, HTML and JSON, in two styles and two languages."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import docx
import pytest

from engine.format import DecisionMade, Finding, InjectDelivered, TimerChanged, load_script
from engine.runtime import Record, RecordWriter, header_for, play_script, prepare, read
from scoring.ledger.word import report_docx
from scoring.ratings import LABELS, label
from scoring.report import FORMATS, LANGS, RULE_COLOURS, STYLES, ReportError, build, render, timeline_svg
from tests.conftest import ROOT

SCRIPTS = ROOT / "scenarios" / "scripts"
"""The shipped decision scripts."""

HEADINGS = {
    ("cn", "zh"): [
        "演练概况",
        "评估（得分与结论）",
        "演练点评",
        "参演人员自评",
        "存在问题",
        "整改措施",
        "附录一 演练时间线",
        "附录二 技术信息",
    ],
    ("cn", "en"): [
        "Exercise overview",
        "Evaluation (score and conclusion)",
        "Facilitator's critique",
        "Participants' self-assessment",
        "Problems found",
        "Corrective actions",
        "Appendix 1: Exercise timeline",
        "Appendix 2: Technical details",
    ],
    ("hseep", "zh"): [
        "1 演练概述",
        "2 能力分析",
        "3 各目标的优势与待改进之处",
        "附录A 改进计划",
        "附录B 参演人员",
        "附录C 演练时间线",
        "附录D 技术信息",
    ],
    ("hseep", "en"): [
        "1 Exercise Overview",
        "2 Analysis of Capabilities",
        "3 Strengths and Areas for Improvement by Objective",
        "Appendix A: Improvement Plan",
        "Appendix B: Exercise Participants",
        "Appendix C: Exercise Timeline",
        "Appendix D: Technical Details",
    ],
}
"""Style and language -> the section headings its report must have, in order."""

Recorder = Callable[..., Record]


@pytest.fixture(scope="module")
def record_of(tmp_path_factory: pytest.TempPathFactory) -> Recorder:
    """Play a shipped script headless, write its record, and read it back (with header fields replaced)."""

    def make(
        script: str,
        *,
        name: str = "elevator-entrapment",
        mode: str = "observe",
        header: dict[str, Any] | None = None,
        evaluations: list[dict[str, Any]] | None = None,
    ) -> Record:
        setup = prepare(name)
        path = tmp_path_factory.mktemp("records") / "drill.jsonl"
        writer = RecordWriter(path, replace(header_for(setup, seed=1, mode=mode, source=name), **(header or {})), setup)
        drill = setup.drill(seed=1, mode=mode)
        drill.subscribe(writer.write)
        drill.start()
        try:
            play_script(drill, load_script(SCRIPTS / script).model.decisions)
            for evaluation in evaluations or []:
                drill.evaluate(**evaluation)
        finally:
            writer.close()
        return read(path)

    return make


@pytest.fixture(scope="module")
def mistakes(record_of: Recorder) -> Record:
    """The elevator entrapment's classic mistakes, played in observe mode."""
    return record_of("elevator-entrapment.mistakes.yaml")


@pytest.fixture(scope="module")
def correct(record_of: Recorder) -> Record:
    """The elevator entrapment's correct sequence."""
    return record_of("elevator-entrapment.correct.yaml")


def headings(markdown: str) -> list[str]:
    """The section headings (``## ...``) of a Markdown report."""
    return [line[3:].strip() for line in markdown.splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_in_both_styles_and_languages(mistakes: Record, fmt: str, lang: str, style: str) -> None:
    """md, html and json come out of every style in every language, with the report's title in them."""
    content = build(mistakes, lang, style)
    text = render(content, fmt)
    assert content["title"] in text
    assert content["overview"]["name"] in text


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("lang", LANGS)
def test_the_json_is_the_content_itself(mistakes: Record, lang: str, style: str) -> None:
    """The JSON output parses back to exactly what build() returned, Chinese kept as is."""
    content = build(mistakes, lang, style)
    text = render(content, "json")
    assert json.loads(text) == content
    if lang == "zh":
        assert "演练" in text


def test_a_report_is_a_pure_function_of_the_record(mistakes: Record) -> None:
    """Building twice from the same record gives the same content."""
    assert build(mistakes, "zh", "cn") == build(mistakes, "zh", "cn")


@pytest.mark.parametrize(("style", "lang"), sorted(HEADINGS))
def test_the_markdown_has_the_sections_of_its_style_in_its_language(mistakes: Record, style: str, lang: str) -> None:
    """Each style lays out its own sections (评估报告 or AAR/IP), headed in the report's language."""
    found = headings(render(build(mistakes, lang, style), "md"))
    positions = [[i for i, h in enumerate(found) if want in h][:1] for want in HEADINGS[(style, lang)]]
    assert all(positions), dict(zip(HEADINGS[(style, lang)], positions, strict=True))
    assert positions == sorted(positions)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("lang", LANGS)
def test_the_html_is_one_self_contained_printable_file(mistakes: Record, lang: str, style: str) -> None:
    """No external resource, no script; an inline SVG chart and an A4 page rule."""
    page = render(build(mistakes, lang, style), "html")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower() and "@import" not in page and "url(" not in page
    assert "<svg" in page
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", page)
    assert "Noto Sans CJK SC" in page and "Microsoft YaHei" in page


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_every_finding_appears_with_its_event_ids(mistakes: Record, fmt: str) -> None:
    """Each finding is an area for improvement citing the decision that caused it and the finding itself."""
    text = render(build(mistakes, "zh", "cn"), fmt)
    findings = [e for e in mistakes.events if isinstance(e, Finding)]
    assert len(findings) >= 10
    for finding in findings:
        ids = ", ".join(f"#{s}" for s in (finding.cause, finding.seq) if s is not None)
        assert ids in text, finding


def test_areas_for_improvement_cover_findings_and_tasks_not_performed_well(mistakes: Record) -> None:
    """One area per finding and per task rated below P, each with a blank row in the improvement plan."""
    content = build(mistakes, "en", "hseep")
    findings = [e for e in mistakes.events if isinstance(e, Finding)]
    weak = [t for inc in content["evaluation"]["incidents"] for t in inc["tasks"] if t["rating"]["code"] != "P"]
    assert len(content["areas"]) == len(findings) + len(weak)
    assert [r["area"] for r in content["improvement_plan"]] == [a["id"] for a in content["areas"]]
    blanks = ("corrective_action", "capability_element", "owner", "organisation", "start_date", "due_date")
    assert all(row[key] == "" for row in content["improvement_plan"] for key in blanks)
    assert any(
        a["rule"] == "life-first" and a["breach"] == "forbidden" and "life first · forbidden act" in a["reference"]
        for a in content["areas"]
    )


def test_the_mistakes_fail_with_a_u_and_show_why(mistakes: Record) -> None:
    """A drill ending with a passenger in the shaft fails, is rated U and its caps say so."""
    content = build(mistakes, "en", "cn")
    evaluation = content["evaluation"]
    assert evaluation["passed"] is False
    assert evaluation["rating"] == {"code": "U", "label": "U Unable to be Performed"}
    assert any("life-first" in cap for cap in evaluation["incidents"][0]["caps"])
    losses = [b for b in content["breakdown"] if b["points"] < 0]
    assert losses and all(b["events"] and b["reason"] for b in losses)


def test_the_correct_sequence_passes_and_the_report_says_so(correct: Record) -> None:
    """The correct script scores at or above the pass mark, and both renderings show score and verdict."""
    content = build(correct, "zh", "cn")
    evaluation = content["evaluation"]
    assert evaluation["passed"] is True
    assert evaluation["score"] >= evaluation["pass_mark"]
    score = f"{round(evaluation['score'], 1):g}"
    markdown = render(content, "md")
    assert f"**得分**: {score}" in markdown and "**结论**: 合格" in markdown
    page = render(content, "html")
    assert 'class="verdict passed"' in page and f"<strong>{score}</strong>" in page
    assert content["strengths"] and not [a for a in content["areas"] if a["kind"] == "finding"]


def test_ratings_use_the_exact_hseep_labels(correct: Record) -> None:
    """The capability table's legend gives the four doctrine labels word for word, never Satisfactory/Marginal."""
    markdown = render(build(correct, "en", "hseep"), "md")
    for code, text in LABELS.items():
        assert f"{code} {text.en}" in markdown
    assert "Satisfactory" not in markdown and "Marginal" not in markdown
    assert label("P", "zh") in render(build(correct, "zh", "hseep"), "md")


def test_an_evaluator_rating_is_shown_beside_the_automatic_one(record_of: Recorder) -> None:
    """A facilitator's rating replaces the automatic one for the task, both stay visible, and notes are listed."""
    rubric = prepare("elevator-entrapment").scenarios()[0].model.rubric
    assert rubric is not None
    task = next(iter(next(iter(rubric.objectives.values())).tasks))
    record = record_of(
        "elevator-entrapment.correct.yaml",
        evaluations=[
            {"target": f"task:{task}", "rating": "S", "note": "Spoke too fast & too softly <on the intercom>"},
            {"target": "drill", "note": "Good hand-over to the contractor"},
        ],
    )
    content = build(record, "en", "hseep")
    result = next(t for t in content["evaluation"]["incidents"][0]["tasks"] if t["id"] == task)
    assert result["auto_rating"]["code"] == "P" and result["evaluator_rating"]["code"] == "S"
    assert result["rating"]["code"] == "S"
    assert [n["note"] for n in content["evaluator_notes"]][-2:] == [
        "Spoke too fast & too softly <on the intercom>",
        "Good hand-over to the contractor",
    ]
    page = render(content, "html")
    assert "Spoke too fast &amp; too softly &lt;on the intercom&gt;" in page
    assert "<on the intercom>" not in page


@pytest.mark.parametrize("lang", LANGS)
def test_each_evaluators_rating_of_a_task_is_shown_by_name_beside_the_automatic_one(
    record_of: Recorder, lang: str
) -> None:
    """Two evaluators and the facilitator rate one task: md, html and json show each rating and observation by who gave it."""
    rubric = prepare("elevator-entrapment").scenarios()[0].model.rubric
    assert rubric is not None
    task = next(iter(next(iter(rubric.objectives.values())).tasks))
    target = f"task:{task}"
    record = record_of(
        "elevator-entrapment.correct.yaml",
        evaluations=[
            {"target": target, "rating": "M", "note": "先报了物业经理", "by": "评估员甲", "device": "a1b2c3d4"},
            {"target": target, "rating": "S", "note": "安抚到位 | 但晚了", "by": "Evaluator <B>", "device": "e5f6a7b8"},
            {"target": target, "rating": "P", "by": "评估员甲", "device": "a1b2c3d4"},
            {"target": target, "rating": "S"},
            {"target": "drill", "rating": "S", "note": "整体有序", "by": "评估员甲"},
        ],
    )
    content = build(record, lang, "cn")
    result = next(t for t in content["evaluation"]["incidents"][0]["tasks"] if t["id"] == task)
    facilitator = "导调" if lang == "zh" else "Facilitator"
    got = [(r["who"], r["rating"]["code"], r["notes"], r["device"]) for r in result["raters"]]
    assert got == [
        (facilitator, "S", [], None),
        ("评估员甲", "P", ["先报了物业经理"], "a1b2c3d4"),
        ("Evaluator <B>", "S", ["安抚到位 | 但晚了"], "e5f6a7b8"),
    ]
    assert result["auto_rating"]["code"] == "P" and result["rating"]["code"] == "S"  # the latest rating counts
    assert json.loads(render(content, "json"))["evaluation"]["incidents"][0]["tasks"] == json.loads(
        json.dumps(content["evaluation"]["incidents"][0]["tasks"])
    )
    colon = "：" if lang == "zh" else ": "
    markdown = render(content, "md")
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {result['label']} |"))
    assert (
        f"{facilitator}{colon}S<br>评估员甲{colon}P — 先报了物业经理<br>Evaluator &lt;B&gt;{colon}S — 安抚到位 \\| 但晚了"
        in row
    )
    page = render(content, "html")
    assert (
        f"{facilitator}{colon}S<br>评估员甲{colon}P — 先报了物业经理<br>Evaluator &lt;B&gt;{colon}S — 安抚到位 | 但晚了"
        in page
    )
    assert "<B>" not in page
    drill = content["evaluation"]["incidents"][0]["raters"]
    assert [(r["who"], r["rating"]["code"], r["notes"]) for r in drill] == [("评估员甲", "S", ["整体有序"])]
    assert f"评估员甲{colon}S — 整体有序" in markdown
    notes = [(n["who"], n["note"]) for n in content["evaluator_notes"]]
    assert notes == [("评估员甲", "先报了物业经理"), ("Evaluator <B>", "安抚到位 | 但晚了"), ("评估员甲", "整体有序")]
    word = docx.Document(io.BytesIO(report_docx(content)))
    cells = {cell.text for table in word.tables for row in table.rows for cell in row.cells}
    assert (
        f"{facilitator}{colon}S\n评估员甲{colon}P — 先报了物业经理\nEvaluator <B>{colon}S — 安抚到位 | 但晚了" in cells
    )


def test_people_site_and_feedback_from_the_header_fill_the_report(record_of: Recorder) -> None:
    """Participants, team and site show in the overview; hot-wash feedback fills 参演人员自评, all escaped."""
    record = record_of(
        "elevator-entrapment.correct.yaml",
        header={
            "participants": [{"name": "王<b>芳</b>", "role": "control_room"}, {"name": "李强", "role": "security"}],
            "team": "3号楼 & 4号楼",
            "site": "阳光花园",
            "kind": "assessment",
            "feedback": [{"name": "李强", "satisfaction": 85, "helped": "守住层门的要点", "improve": "对讲话术"}],
        },
    )
    content = build(record, "zh", "cn")
    assert content["overview"]["site"] == "阳光花园"
    assert content["feedback"] == [
        {
            "name": "李强",
            "role": "秩序维护员（保安）",
            "satisfaction": 85,
            "helped": "守住层门的要点",
            "improve": "对讲话术",
        }
    ]
    markdown = render(content, "md")
    section = markdown.split("参演人员自评")[1].split("## ")[0]
    assert "对讲话术" in section and "85" in section
    page = render(content, "html")
    assert "王&lt;b&gt;芳&lt;/b&gt;" in page and "<b>芳" not in page
    assert "3号楼 &amp; 4号楼" in page and "考核" in page


def test_without_feedback_the_self_assessment_is_a_blank_form(mistakes: Record) -> None:
    """No feedback in the record: 参演人员自评 says it is to be filled in and leaves empty rows."""
    content = build(mistakes, "zh", "cn")
    section = next(s for s in content["sections"] if s["id"] == "cn.self")
    table = next(b for b in section["blocks"] if b["type"] == "table")
    assert table["variant"] == "form" and all(cell == "" for row in table["rows"] for cell in row[2:])


def test_the_plans_objectives_and_title_are_used_when_the_drill_ran_a_plan(record_of: Recorder) -> None:
    """A drill run from a plan is named after it and lists the plan's objectives."""
    record = record_of("elevator-entrapment.correct.yaml", name="elevator-entrapment-evening")
    content = build(record, "zh", "hseep")
    assert content["overview"]["name"] == "桌面推演：晚高峰电梯困人"
    assert content["overview"]["objectives_from"] == "plan"
    assert "接警后3分钟内与被困乘客建立通话并给出安全提示" in render(content, "md")


def test_a_record_cut_short_still_gives_a_report_that_says_so(mistakes: Record, tmp_path: Path) -> None:
    """A drill interrupted half way is reported up to where its record ends, marked incomplete."""
    lines = Path(mistakes.path).read_text(encoding="utf-8").splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    content = build(read(cut), "en", "cn")
    assert content["overview"]["complete"] is False and content["overview"]["outcome"] is None
    assert "incomplete: the drill was interrupted" in render(content, "md")


def test_the_timeline_lists_decisions_injects_findings_and_deadlines(mistakes: Record) -> None:
    """Every decision, inject, finding and SLA event is a timeline entry with its sim minute and lane."""
    entries = build(mistakes, "en", "hseep")["timeline"]
    wanted = (DecisionMade, InjectDelivered, Finding, TimerChanged)
    recorded = {e.seq for e in mistakes.events if isinstance(e, wanted)}
    assert recorded <= {e["seq"] for e in entries}
    assert all(e["lane"] and e["text"] and isinstance(e["t"], float) for e in entries)
    clocks = [e for e in entries if e["kind"] == "timer"]
    assert {"started", "missed"} <= {e["status"] for e in clocks}
    assert all("due" in e for e in clocks if e["status"] == "started")


def test_the_chart_draws_role_lanes_deadlines_and_coloured_findings(mistakes: Record) -> None:
    """The SVG has an A4-friendly viewBox, a lane per role, deadline markers and the life-first colour."""
    content = build(mistakes, "en", "hseep")
    svg = timeline_svg(content, "en")
    assert svg.startswith("<svg") and 'viewBox="0 0 1000 ' in svg
    roles = {e["lane_label"] for e in content["timeline"] if e["kind"] == "decision"}
    assert all(role[:8] in svg for role in roles)
    assert RULE_COLOURS["life-first"] in svg and "Deadlines (SLA)" in svg and "deadline missed" in svg


def test_the_chart_accepts_bare_entries_and_escapes_their_text() -> None:
    """timeline_svg works from a list of entries; labels and tooltips are escaped."""
    entries = [
        {
            "t": 0.0,
            "seq": 1,
            "kind": "inject",
            "lane": "injects",
            "lane_label": "Injects",
            "label": "<b>&",
            "text": "x",
        },
        {
            "t": 2.0,
            "seq": 2,
            "kind": "finding",
            "lane": "findings",
            "lane_label": "F",
            "rule": "red-line",
            "text": "<i>",
        },
    ]
    svg = timeline_svg(entries, "en", width=800)
    assert 'viewBox="0 0 800 ' in svg
    assert "&lt;b&gt;&amp;" in svg and "&lt;i&gt;" in svg and "<b>" not in svg and "<i>" not in svg
    assert RULE_COLOURS["red-line"] in svg


@pytest.mark.parametrize(
    ("lang", "style", "fmt"), [("fr", "cn", "md"), ("zh", "fema", "md"), ("zh", "cn", "pdf")], ids=str
)
def test_an_unknown_language_style_or_format_is_refused(mistakes: Record, lang: str, style: str, fmt: str) -> None:
    """Asking for what does not exist raises a ReportError naming it."""
    with pytest.raises(ReportError, match="unknown report"):
        render(build(mistakes, lang, style), fmt)


def _chromium() -> str | None:
    return shutil.which("chromium") or (str(Path("/usr/bin/chromium")) if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed, so the HTML cannot be rendered headless")
def test_a_headless_browser_renders_the_html_to_a_page_image(mistakes: Record, tmp_path: Path) -> None:
    """Chromium draws the report (chart included) at A4 size to a non-trivial PNG."""
    page = tmp_path / "report.html"
    page.write_text(render(build(mistakes, "zh", "cn"), "html"), encoding="utf-8")
    png = tmp_path / "report.png"
    command = [
        str(_chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={png}",
        "--window-size=1240,1754",
        page.as_uri(),
    ]
    subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert png.is_file(), "chromium wrote no screenshot"
    assert png.stat().st_size > 10_000
