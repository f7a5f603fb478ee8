"""The what-if section in reports (md, html, json) and the `drillsim whatif` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.runtime import RecordWriter, header_for, play_script, prepare, read
from scoring.report import build, render
from scoring.whatif import whatif
from tests.engine.test_whatif import GOOD, STUCK, TEAM_LATE
from tui.cli import main


@pytest.fixture(scope="module")
def late(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The stuck lift, where the team called the crew at minute 9 instead of 4."""
    folder = tmp_path_factory.mktemp("whatif")
    (folder / "scripts").mkdir()
    scenario = folder / "stuck-lift.yaml"
    scenario.write_text(STUCK, encoding="utf-8")
    (folder / "scripts" / "stuck-lift.correct.yaml").write_text(GOOD, encoding="utf-8")
    setup = prepare(str(scenario))
    path = folder / "late.jsonl"
    writer = RecordWriter(path, header_for(setup, seed=3, mode="observe", source=str(scenario)), setup)
    drill = setup.drill(seed=3, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    play_script(drill, TEAM_LATE)
    writer.close()
    return path


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
    assert ("04:00" in table["rows"][0][2]) and ("-5" in table["rows"][0][5])


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
