"""The what-if section in reports (md, html, json) and the `drillsim whatif` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from engine.runtime import read
from scoring.report import build, render
from scoring.whatif import whatif
from tests.engine.test_whatif import elevator_mistakes, late_lift
from tui.cli import main


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stuck lift, where the team called the crew at minute 9 instead of 4."""
    return late_lift(tmp_path_factory.mktemp("whatif"), seed=3)


@pytest.fixture(scope="module")
def result(late: Path) -> dict[str, object]:
    """Its what-if, 10 drills per alternative."""
    return whatif(late, seeds=10)


@pytest.mark.parametrize(
    ("lang", "style", "heading"),
    [("zh", "cn", "七、关键决策影响分析"), ("en", "hseep", "4 What would have changed the outcome")],
)
def test_the_section_comes_before_the_appendices_with_the_proposed_change_first(
    late: Path, result: dict[str, object], lang: str, style: str, heading: str
) -> None:
    """Its heading in the style's numbering, placed before the first appendix; the on-time call ranks first."""
    content = build(read(late), lang, style, whatif=result)
    headings = [s["heading"] for s in content["sections"]]
    at = headings.index(heading)
    assert not content["sections"][at]["appendix"] and content["sections"][at + 1]["appendix"]
    table = next(b for b in content["sections"][at]["blocks"] if b["type"] == "table")
    assert table["rows"][0][0] == "1"
    assert "#" in table["rows"][0][1]  # names the team's decision by its event, as the timeline does
    assert ("04:00" in table["rows"][0][2]) and ("-5" in table["rows"][0][-1])  # the key measures, last


def test_markdown_html_and_json_all_carry_it(late: Path, result: dict[str, object]) -> None:
    """The three renderings say the same; the JSON also keeps the whole result."""
    content = build(read(late), "zh", "cn", whatif=result)
    assert "## 七、关键决策影响分析" in render(content, "md")
    page = render(content, "html")
    assert '<section id="whatif">' in page and "关键决策影响分析" in page
    data = json.loads(render(content, "json"))
    assert data["whatif"]["format"] == "drillsim-whatif/1"


def test_a_report_without_a_what_if_has_no_such_section(late: Path) -> None:
    """The section is there only when asked for."""
    content = build(read(late), "en", "hseep")
    assert all(s["id"] != "whatif" for s in content["sections"]) and "whatif" not in content


def test_the_command_lists_the_ranked_alternatives_or_prints_json(
    late: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """drillsim whatif: a ranked listing, or --json; the same for any --jobs."""
    assert main(["whatif", str(late), "--seeds", "6", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What would have changed the outcome\n")
    assert "  1. Call the crew, at 04:00  [proposed]" in out
    assert main(["whatif", str(late), "--seeds", "6", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert main(["whatif", str(late), "--seeds", "6", "--json", "--jobs", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == one


def test_report_whatif_adds_the_section(late: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """drillsim report --whatif runs the analysis and adds its section."""
    out = tmp_path / "report.md"
    assert main(["report", str(late), "--lang", "en", "--whatif", "--seeds", "4", "-o", str(out)]) == 0
    assert "## 4 What would have changed the outcome" in out.read_text(encoding="utf-8")


def test_a_missing_record_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One line and exit code 2."""
    assert main(["whatif", str(tmp_path / "none.jsonl")]) == 2
    assert capsys.readouterr().err.endswith("no such file\n")


def test_the_word_report_carries_the_section_as_a_real_table(late: Path, tmp_path: Path) -> None:
    """drillsim report --format docx --whatif: the heading, then a table whose first row is the proposed change."""
    import docx

    out = tmp_path / "report.docx"
    assert (
        main(["report", str(late), "--lang", "zh", "--format", "docx", "--whatif", "--seeds", "4", "-o", str(out)]) == 0
    )
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    assert "七、关键决策影响分析" in headings
    tables = [t for t in document.tables if "替代方案" in [c.text for c in t.rows[0].cells]]
    assert tables, "no what-if table in the document"
    first = [c.text for c in tables[0].rows[1].cells]
    assert first[0] == "1" and "04:00" in first[2]


def test_a_record_that_does_not_verify_is_refused_unless_unverified(
    late: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An altered record: one line and exit 1; with --unverified it is analysed, with a warning."""
    lines = late.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(n for n, line in enumerate(lines) if '"type":"decision"' in line)
    lines[at] = (
        lines[at].replace('"t":9', '"t":8', 1) if '"t":9' in lines[at] else lines[at].replace('"t":', '"t":1', 1)
    )
    altered = tmp_path / "altered.jsonl"
    altered.write_text("".join(lines), encoding="utf-8")
    assert main(["whatif", str(altered), "--seeds", "2"]) == 1
    err = capsys.readouterr().err
    assert "altered" in err and err.count("\n") == 1
    assert main(["whatif", str(altered), "--seeds", "2", "--unverified", "--json"]) == 0
    captured = capsys.readouterr()
    assert "WARNING" in captured.err
    assert json.loads(captured.out)["warning"].startswith("NOT VERIFIED")


def test_the_listing_names_the_drill_and_writes_units_in_the_language_asked(
    result: dict[str, object],
) -> None:
    """The heading names the drill by its title, not its id; measures carry their unit in words of the language."""
    from scoring.report.whatif import lines

    zh, en = lines(result, "zh"), lines(result, "en")
    assert "stuck-lift" not in zh[1] and "stuck-lift" not in en[1]
    assert any("分钟" in line for line in zh) and not any(" min" in line for line in zh)
    assert any(" min" in line for line in en)


def test_tasks_that_could_not_be_tried_are_named_by_task_and_quoted() -> None:
    """The closing line names each untried task by its rubric name, quoted, one full stop at the end."""
    from scoring.report.whatif import unplaced_text

    result = {
        "not_placed": [
            {"label": {"zh": "回访被困乘客。", "en": "Follow-up call."}},
            {"label": {"zh": "共情", "en": "Empathy"}},
        ]
    }
    assert unplaced_text(result, "zh") == "「回访被困乘客」、「共情」。"
    assert unplaced_text(result, "en") == "“Follow-up call”; “Empathy”."


class Analysed(NamedTuple):
    """A record and its what-if."""

    path: Path
    result: dict[str, Any]


@pytest.fixture(scope="module")
def mistakes(tmp_path_factory: pytest.TempPathFactory) -> Analysed:
    """The what-if of the lift entrapment's classic mistakes, 6 drills per alternative."""
    path = elevator_mistakes(tmp_path_factory.mktemp("mistakes") / "mistakes.jsonl")
    return Analysed(path, whatif(path, seeds=6, jobs=2))


def test_each_rows_basis_is_the_criterion_its_ranking_key_decided_on(mistakes: Analysed) -> None:
    """What "why it ranks" names is the first criterion the analysis's ranking key sees surely changed."""
    from engine.tools.whatif import _criteria

    result = mistakes.result
    names = ["failure", "bad", "score", "measures"]
    seen = set()
    for row in result["alternatives"]:
        decided = next((name for name, value in zip(names, _criteria(row["difference"]), strict=True) if value), None)
        assert row["basis"]["by"] == decided, (row["rank"], row["basis"], decided)
        assert (decided is None) == (row["verdict"] == "unclear")
        seen.add(decided)
    assert {"failure", "score", "measures"} <= seen  # the classic mistakes show each kind of reason


def test_the_basis_is_additive_the_analysis_own_figures_and_ranking_are_unchanged(
    mistakes: Analysed,
) -> None:
    """Take the ``basis`` fields away and the result is the engine's analysis, figure for figure, rank for rank."""
    from engine.tools.whatif import analyse
    from scoring.scorecard import score_only

    result = mistakes.result
    plain = analyse(mistakes.path, seeds=6, jobs=2, scorer=score_only)
    stripped = json.loads(json.dumps(result))
    for row in stripped["alternatives"]:
        assert set(row.pop("basis")) == {"by", "measures"}
    assert stripped == json.loads(json.dumps(plain))


@pytest.mark.parametrize(
    ("lang", "unchanged", "why"),
    [("zh", "得分无明显变化", "影响依据"), ("en", "no clear change in score", "Why it ranks")],
)
def test_a_row_with_no_clear_change_in_score_says_what_ranks_it(
    mistakes: Analysed, lang: str, unchanged: str, why: str
) -> None:
    """A row proposed for its key measures alone says so, with those measures, in the reports, the listing and
    the console's rows alike; the method paragraph says how rows are ranked."""
    from scoring.report.whatif import basis_text, columns, lines, rows

    result = mistakes.result
    by_measures = [r for r in result["alternatives"] if r["basis"]["by"] == "measures" and r["good"]]
    assert by_measures, "the classic mistakes have an alternative proposed for its measures alone"
    row = by_measures[0]
    assert row["difference"]["score"]["sure"] is False
    text = basis_text(result, row, lang)
    assert text.startswith(unchanged)
    label = next(m["label"][lang] for m in result["measures"] if m["key"] == row["basis"]["measures"][0])
    assert label in text
    assert why in columns(lang)
    table = rows(result, lang)
    assert table[row["rank"] - 1][columns(lang).index(why)] == text
    listing = "\n".join(lines(result, lang))
    assert f"{why}{'：' if lang == 'zh' else ': '}{text}" in listing
    content = build(read(mistakes.path), lang, "cn" if lang == "zh" else "hseep", whatif=result)
    section = next(s for s in content["sections"] if s["id"] == "whatif")
    method = section["blocks"][0]["text"]
    assert ("排序" in method and "失败占比" in method) if lang == "zh" else ("Ranking:" in method and "share" in method)
    page = render(content, "md")
    assert why in page and text in page


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", "只去掉这一步、其余照样正确处置"), ("en", "leaving out just that one and playing the rest well")],
)
def test_the_second_table_says_what_it_compares_with(mistakes: Analysed, lang: str, words: str) -> None:
    """Decisions that paid off are compared with leaving just that one out, the rest played well, not the team's path."""
    result = mistakes.result
    content = build(read(mistakes.path), lang, "cn" if lang == "zh" else "hseep", whatif=result)
    section = next(s for s in content["sections"] if s["id"] == "whatif")
    headings = [b["text"] for b in section["blocks"] if b["type"] == "subheading"]
    assert len(headings) == 2 and words in headings[1]
    tables = [b for b in section["blocks"] if b["type"] == "table"]
    assert all(len(t["widths"]) == len(t["columns"]) for t in tables)
