"""The ledger's commands as a training officer types them: history views and spreadsheets, actions from
raised to closed, the quarterly review, the Word report, the programme's schema and validation."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from tests.scoring.ledger.conftest import CS, PROGRAMME, SEC, Seeded
from tui.cli import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``drillsim ARGS``: exit code, standard output, standard error."""
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_the_compliance_view_lists_done_due_and_overdue_with_the_satisfying_drills(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    """``history --view compliance --programme FILE --as-of DATE --format json``."""
    code, out, _ = run(
        [
            *("history", "--db", seeded.url, "--view", "compliance"),
            *("--programme", str(PROGRAMME), "--as-of", "2026-07-10", "--format", "json"),
        ],
        capsys,
    )
    assert code == 0
    rows = json.loads(out)
    overdue = [(r["team"], r["requirement"], r["period"]) for r in rows if r["status"] == "overdue"]
    assert overdue == [
        (SEC, "fire", "2026Q2"),
        (CS, "fire", "2026Q2"),
        (CS, "roleplay", "2026-06"),
        ("工程部", "fire", "2026Q1"),
    ]
    done = next(r for r in rows if r["team"] == SEC and r["period"] == "2026Q1")
    assert done["drills"] == f"{seeded.keys['fire_sec']} (2026-02-10, 100)"


def test_the_attendance_view_flags_quarters_below_the_target(
    seeded: Seeded, capsys: pytest.CaptureFixture[str]
) -> None:
    """``history --view attendance`` as a table, one line per team and quarter, headed in the language asked."""
    view = ["history", "--db", seeded.url, "--view", "attendance", "--programme", str(PROGRAMME), "--team", CS]
    code, out, _ = run([*view, "--lang", "zh"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "项目",
        "班组",
        "季度",
        "演练",
        "应到",
        "实到",
        "出勤率（%）",
        "低于目标",
        "已补训",
        "待补训",
    ]
    assert "2026Q2" in lines[3] and " 75 " in lines[3] and " 是 " in lines[3] and "刘洋" in lines[3]
    code, out, _ = run([*view, "--lang", "en"], capsys)
    assert out.splitlines()[0].startswith("Site  ") and " yes " in out.splitlines()[3]


@pytest.mark.parametrize("view", ["compliance", "attendance", "absentees"])
def test_a_view_of_the_programme_without_one_is_a_usage_error(
    seeded: Seeded, capsys: pytest.CaptureFixture[str], view: str
) -> None:
    """One line, exit 2, naming the missing option."""
    code, _, err = run(["history", "--db", seeded.url, "--view", view], capsys)
    assert (code, err.strip()) == (2, f"drillsim history: --view {view} needs --programme FILE")


def test_history_as_a_spreadsheet_writes_the_drill_ledger_and_a_training_record(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--format xlsx -o FILE``: the 演练台账 (with the programme's sheets), or a person's record with --person."""
    ledger = tmp_path / "台账.xlsx"
    code, _, err = run(
        ["history", "--db", seeded.url, "--format", "xlsx", "-o", str(ledger), "--programme", str(PROGRAMME)], capsys
    )
    assert (code, err.strip()) == (0, f"wrote {ledger}")
    book = load_workbook(ledger)
    assert book.sheetnames == ["演练台账", "计划执行", "出勤", "整改措施"]
    assert book["演练台账"].max_row == 2 + len(seeded.keys)
    record = tmp_path / "王磊.xlsx"
    assert (
        run(
            ["history", "--db", seeded.url, "--person", "王磊", "--format", "xlsx", "-o", str(record), "--lang", "en"],
            capsys,
        )[0]
        == 0
    )
    ws = load_workbook(record)["Training record"]
    assert ws["A1"].value == "Training record: 王磊 — 3 drills, 2 assessments, 2 passed"
    code, _, err = run(["history", "--db", seeded.url, "--format", "xlsx"], capsys)
    assert (code, err.strip()) == (2, "drillsim history: --format xlsx needs -o FILE")


def test_history_add_links_a_make_up_drill(seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``history add RECORD --makes-up DRILL`` stores the link the attendance view reads."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert run(["history", "add", str(seeded.paths["lift_fail"]), "--db", url], capsys)[0] == 0
    code, out, _ = run(
        ["history", "add", str(seeded.paths["lift_makeup"]), "--db", url, "--makes-up", seeded.keys["lift_fail"]],
        capsys,
    )
    assert code == 0 and f"a make-up drill for {seeded.keys['lift_fail']}" in out
    code, out, _ = run(
        ["history", "--db", url, "--view", "absentees", "--programme", str(PROGRAMME), "--format", "json"], capsys
    )
    [roll] = json.loads(out)
    assert (roll["absent"], roll["made_up"]) == ("王磊", f"王磊 ({seeded.keys['lift_makeup']})")


def test_actions_from_raised_to_closed_on_the_command_line(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    """areas, add, list (overdue and the proposed verification), update, close, and the log."""
    lift = str(seeded.paths["lift_fail"])
    code, out, _ = run(["actions", "areas", lift, "--lang", "zh"], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("A1")
    area = next(line.split()[0] for line in lines if "[elevator-entrapment:voice_contact]" in line)
    code, out, _ = run(
        ["actions", "add", lift, "--db", seeded.url, "--area", area, "--owner", "张伟", "--due", "2026-04-30"], capsys
    )
    assert (code, out.strip()) == (0, "raised corrective action #1")
    code, out, _ = run(
        ["actions", "add", "--db", seeded.url, "--issue", "灭火器过期两具", "--owner", "周杰", "--team", "工程部"],
        capsys,
    )
    assert (code, out.strip()) == (0, "raised corrective action #2")
    code, out, _ = run(["actions", "list", "--db", seeded.url, "--as-of", "2026-05-01", "--format", "json"], capsys)
    rows = json.loads(out)
    assert [(r["no"], r["status"], r["overdue"], r["proposed"]) for r in rows] == [
        (1, "open", True, seeded.keys["lift_pass"]),
        (2, "open", False, None),
    ]
    assert (
        run(["actions", "update", "1", "--db", seeded.url, "--status", "in-progress", "--note", "话术培训"], capsys)[0]
        == 0
    )
    code, out, _ = run(["actions", "close", "1", "--db", seeded.url], capsys)
    assert (code, out.strip()) == (0, f"#1: verified by drill {seeded.keys['lift_pass']}")
    code, _, err = run(["actions", "close", "2", "--db", seeded.url], capsys)
    assert code == 2 and "no later drill shows #2's task done on time" in err
    assert run(["actions", "close", "2", "--db", seeded.url, "--note", "已现场更换"], capsys)[0] == 0
    code, out, _ = run(["actions", "list", "--db", seeded.url, "--open"], capsys)
    assert out.strip() in ("（无）", "(no corrective actions)")
    code, out, _ = run(["actions", "list", "--db", seeded.url, "--log"], capsys)
    assert "话术培训" in out and "已现场更换" in out
    code, _, err = run(["actions", "update", "9", "--db", seeded.url, "--status", "done"], capsys)
    assert (code, err.strip()) == (2, "drillsim: no corrective action 9; see drillsim actions list")


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_the_quarterly_review_command_writes_each_format(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    """``review --quarter 2026Q2 --site S --format md|html|docx -o FILE``."""
    out = tmp_path / f"review.{fmt}"
    args = ["review", "--db", seeded.url, "--quarter", "2026Q2", "--site", "华苑小区", "--programme", str(PROGRAMME)]
    code, _, err = run([*args, "--as-of", "2026-07-10", "--format", fmt, "-o", str(out), "--lang", "zh"], capsys)
    assert (code, err.strip()) == (0, f"wrote {out}")
    if fmt == "docx":
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs)
    else:
        text = out.read_text(encoding="utf-8")
    assert "季度演练复盘报告" in text and "九、下季度工作计划" in text


def test_a_quarter_that_is_not_one_is_refused(seeded: Seeded, capsys: pytest.CaptureFixture[str]) -> None:
    """One line, exit 2."""
    code, _, err = run(["review", "--db", seeded.url, "--quarter", "2026-13"], capsys)
    assert (code, err.strip()) == (2, "drillsim: --quarter: '2026-13' is not a quarter; write it as 2026Q4")


def test_the_word_report_command(seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``report RECORD --format docx --style hseep --lang en -o FILE``; without -o it is a usage error."""
    out = tmp_path / "aar.docx"
    code, _, _ = run(
        [
            "report",
            str(seeded.paths["lift_fail"]),
            "--format",
            "docx",
            "--style",
            "hseep",
            "--lang",
            "en",
            "-o",
            str(out),
        ],
        capsys,
    )
    assert code == 0
    document = docx.Document(io.BytesIO(out.read_bytes()))
    assert document.paragraphs[0].text == "After-Action Report / Improvement Plan"
    code, _, err = run(["report", str(seeded.paths["lift_fail"]), "--format", "docx"], capsys)
    assert (code, err.strip()) == (2, "drillsim report: --format docx needs -o FILE")


def test_the_programme_has_a_json_schema_and_validates(capsys: pytest.CaptureFixture[str]) -> None:
    """``schema programme`` and ``validate`` on the sample."""
    code, out, _ = run(["schema", "programme"], capsys)
    schema = json.loads(out)
    assert code == 0 and schema["properties"]["schema"]["const"] == "programme/1"
    assert set(schema["required"]) >= {"schema", "id", "version", "title", "starts", "ends", "sites", "requirements"}
    code, out, _ = run(["validate", str(PROGRAMME)], capsys)
    assert (code, out.splitlines()[0]) == (0, f"ok  {PROGRAMME}  (programme)")


@pytest.mark.parametrize(
    ("lang", "title", "header"), [("zh", "合格率", "合格率（%）"), ("en", "Pass rates", "Pass rate (%)")]
)
def test_a_view_as_a_spreadsheet_is_headed_in_the_language_asked(
    seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, title: str, header: str
) -> None:
    """``--view pass-rates --format xlsx``: the sheet is named by the view, its headers are words, not keys."""
    out = tmp_path / f"{lang}.xlsx"
    args = ["history", "--db", seeded.url, "--view", "pass-rates", "--format", "xlsx", "-o", str(out), "--lang", lang]
    assert run(args, capsys)[0] == 0
    book = load_workbook(out)
    assert book.sheetnames == [title]
    headers = [c.value for c in book[title][2]]
    assert header in headers and "pass_rate" not in headers and "scenario" not in headers
