"""The inject list (MSEL) through a spreadsheet and back: only the injects change, the scenario's tests
still pass, and every bad cell is reported as FILE.xlsx:SHEET!CELL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engine.format import find, load_scenario
from engine.tools.cli import main
from engine.tools.msel import SHEET, MselError, export, import_sheet
from tui.cli import main as drillsim

SCENARIOS = (
    "elevator-entrapment",
    "fire-evacuation",
    "burst-pipe-repair",
    "rainstorm-flooding",
    "gas-leak",
    "repair-dispatch",
    "gate-tailgating",
)
"""Shipped scenarios with injects of every kind (at a minute, on a condition, with effects and goto)."""


@pytest.fixture
def lift(tmp_path: Path) -> Path:
    """A copy of the lift scenario (its test scripts beside it), to edit."""
    source = find("elevator-entrapment")
    target = tmp_path / "scenarios" / source.name
    shutil.copytree(source.parent / "scripts", tmp_path / "scenarios" / "scripts")
    shutil.copy(source, target)
    return target


def sheet_of(scenario: Path, folder: Path) -> Path:
    """The scenario's MSEL, exported to a file."""
    path = folder / "msel.xlsx"
    path.write_bytes(export(load_scenario(scenario).model))
    return path


def column(ws: object, key: str) -> int:
    """The column of ``key`` on an exported sheet (headings end with the key)."""
    from openpyxl.worksheet.worksheet import Worksheet

    assert isinstance(ws, Worksheet)
    return next(int(c.column or 0) for c in ws[1] if str(c.value).split()[-1] == key)


@pytest.mark.parametrize("name", SCENARIOS)
def test_an_unedited_sheet_gives_the_scenario_back_byte_for_byte(tmp_path: Path, name: str) -> None:
    """Export then import without an edit: the same file, comments, quotes and order included."""
    source = find(name)
    sheet = tmp_path / "msel.xlsx"
    sheet.write_bytes(export(load_scenario(source).model))
    out = import_sheet(sheet, source, tmp_path / "out.yaml")
    assert out.read_bytes() == source.read_bytes()


def test_the_exported_sheet_has_one_row_per_inject_in_the_scenario_s_order(tmp_path: Path) -> None:
    """Time or condition, from, to, channel, both messages and the expected actions, cell by cell."""
    scenario = load_scenario(find("elevator-entrapment")).model
    ws = load_workbook(sheet_of(find("elevator-entrapment"), tmp_path))[SHEET]
    assert [c.value for c in ws[1]][:9] == [
        "编号 id",
        "时间（分钟） time",
        "触发条件 condition",
        "发出方 from",
        "接收方 to",
        "方式 channel",
        "信息（中文） message_zh",
        "信息（英文） message_en",
        "预期行动 expect",
    ]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == list(scenario.injects)
    alarm = rows[0]
    assert alarm[1:6] == (0, None, "passenger", "control_room", "alarm-panel")
    assert alarm[6] == scenario.injects["alarm"].message.zh
    assert alarm[8] == "log_alarm, talk_to_passengers, notify_maintenance"
    callback = rows[list(scenario.injects).index("callback_96333")]
    assert callback[1] is None and callback[2] == "done(call_96333_no_code) and not maintenance_notified"


def test_an_edited_sheet_changes_only_the_injects_and_the_scenario_s_tests_still_pass(
    lift: Path, tmp_path: Path
) -> None:
    """A message reworded, a time moved, an inject added: the rest of the file is untouched, its tests pass."""
    sheet = sheet_of(lift, tmp_path)
    book = load_workbook(sheet)
    ws = book[SHEET]
    ws.cell(row=3, column=column(ws, "message_zh"), value="一位业主拿着撬棍过来：「我来帮你撬门！」")
    ws.cell(row=3, column=column(ws, "time"), value=6)
    new = ws.max_row + 1
    row: dict[str, str | int] = {
        "id": "press_call",
        "time": 25,
        "from": "resident",
        "to": "control_room",
        "channel": "phone",
        "message_zh": "记者来电询问困人情况。",
        "message_en": "A reporter calls about the entrapment.",
        "expect": "",
    }
    for key, value in row.items():
        ws.cell(row=new, column=column(ws, key), value=value)
    book.save(sheet)
    before = lift.read_text(encoding="utf-8")
    assert main(["msel", "import", str(sheet), str(lift)]) == 0
    after = lift.read_text(encoding="utf-8")
    head, tail = before.split("\ninjects:\n")[0], before.split("\ndynamics:\n")[1]
    assert after.startswith(head + "\ninjects:\n") and after.endswith("\ndynamics:\n" + tail)
    model = load_scenario(lift).model
    assert model.injects["resident_offers_help"].at == 6
    assert model.injects["resident_offers_help"].message.zh == "一位业主拿着撬棍过来：「我来帮你撬门！」"
    assert list(model.injects)[-1] == "press_call" and model.injects["press_call"].expect == []
    assert "  press_call:\n    at: 25\n    from: resident\n" in after
    assert drillsim(["test", str(lift)]) == 0  # the scenario's own tests, scored, as drillsim test runs them


@pytest.mark.parametrize(
    ("key", "value", "cell", "message"),
    [
        ("channel", "pigeon", "F2", "unknown channel 'pigeon'; one of: phone, radio"),
        ("from", "mayor", "D2", "unknown role 'mayor'; roles: "),
        ("time", "soon", "B2", "'soon' is neither minutes nor a parameter of the scenario"),
        ("expect", "log_alarm, dance", "I2", "unknown action 'dance' in the expected actions"),
        ("id", "Alarm!", "A2", "'Alarm!' is not a valid id"),
        ("condition", "passengers > 0", "B2", "give exactly one of a time (a sim minute) or a condition"),
    ],
)
def test_a_bad_cell_is_reported_at_its_cell_and_nothing_is_written(
    lift: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: str, cell: str, message: str
) -> None:
    """Each problem names the workbook, the sheet and the cell; the scenario stays as it was."""
    sheet = sheet_of(lift, tmp_path)
    book = load_workbook(sheet)
    ws = book[SHEET]
    ws.cell(row=2, column=column(ws, key), value=value)
    book.save(sheet)
    before = lift.read_bytes()
    assert main(["msel", "import", str(sheet), str(lift)]) == 2
    err = capsys.readouterr().err
    assert f"{sheet}:{SHEET}!{cell}: {message}" in err, err
    assert lift.read_bytes() == before


def test_a_condition_the_loader_refuses_is_mapped_back_to_its_cell(lift: Path, tmp_path: Path) -> None:
    """An unknown variable in a condition is found by the scenario loader and reported at the condition's cell."""
    sheet = sheet_of(lift, tmp_path)
    book = load_workbook(sheet)
    ws = book[SHEET]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "callback_96333")
    col = column(ws, "condition")
    ws.cell(row=row, column=col, value="done(call_96333_no_code) and not maintenence_notified")
    book.save(sheet)
    with pytest.raises(MselError) as caught:
        import_sheet(sheet, lift)
    [problem] = caught.value.problems
    assert problem.startswith(f"{sheet}:{SHEET}!C{row}: ")
    assert "maintenence_notified" in problem and "maintenance_notified" in problem


def test_a_sheet_without_the_msel_sheet_or_a_column_is_refused(lift: Path, tmp_path: Path) -> None:
    """A workbook must have the MSEL sheet and its columns; a missing one is named."""
    sheet = sheet_of(lift, tmp_path)
    book = load_workbook(sheet)
    ws = book[SHEET]
    ws.delete_cols(column(ws, "channel"))
    book.save(sheet)
    with pytest.raises(MselError, match=r"MSEL!K1: missing column 'channel'"):
        import_sheet(sheet, lift)
    book[SHEET].title = "Injects"
    book.save(sheet)
    with pytest.raises(MselError, match=r"no sheet 'MSEL' \(sheets: Injects\)"):
        import_sheet(sheet, lift)
    (tmp_path / "not.xlsx").write_text("hello", encoding="utf-8")
    with pytest.raises(MselError, match=r"not an \.xlsx workbook"):
        import_sheet(tmp_path / "not.xlsx", lift)


def test_removing_and_reordering_rows_removes_and_reorders_the_injects(lift: Path, tmp_path: Path) -> None:
    """The sheet's rows are the injects: a deleted row deletes its inject, and the order follows the sheet."""
    sheet = sheet_of(lift, tmp_path)
    book = load_workbook(sheet)
    ws = book[SHEET]
    ids = [ws.cell(row=r, column=1).value for r in range(2, ws.max_row + 1)]
    ws.delete_rows(3)  # resident_offers_help
    book.save(sheet)
    out = import_sheet(sheet, lift, tmp_path / "out.yaml")
    assert list(load_scenario(out).model.injects) == [i for i in ids if i != "resident_offers_help"]


def test_a_stray_value_far_down_the_sheet_is_reported_at_its_cell(lift: Path, tmp_path: Path) -> None:
    """Blank rows are skipped however many there are; a value typed a million rows down is named by its cell."""
    sheet = sheet_of(lift, tmp_path)
    book = load_workbook(sheet)
    book[SHEET].cell(row=1_048_576, column=1, value="stray")
    book.save(sheet)
    with pytest.raises(MselError) as caught:
        import_sheet(sheet, lift)
    assert caught.value.problems[0] == (
        f"{sheet}:{SHEET}!B1048576: give exactly one of a time (a sim minute) or a condition"
    )
    assert all("1048576" in problem for problem in caught.value.problems)


def test_a_sheet_of_thousands_of_rows_is_refused_in_one_line_and_problems_stop_at_a_limit(
    lift: Path, tmp_path: Path
) -> None:
    """Past MAX_ROWS injects the sheet is taken for the wrong file; past MAX_PROBLEMS problems, reading stops."""
    from engine.tools.msel import MAX_PROBLEMS, MAX_ROWS

    sheet = sheet_of(lift, tmp_path)
    book = load_workbook(sheet)
    ws = book[SHEET]
    first = ws.max_row + 1
    for row in range(first, first + MAX_ROWS):
        ws.cell(row=row, column=1, value=f"extra_{row}")
    book.save(sheet)
    with pytest.raises(MselError) as caught:
        import_sheet(sheet, lift)
    assert len(caught.value.problems) == MAX_PROBLEMS + 1
    assert caught.value.problems[-1].endswith(f"after {MAX_PROBLEMS} problems; mend these first")
    model = [ws.cell(row=2, column=c).value for c in range(1, ws.max_column + 1)]
    for row in range(first, first + MAX_ROWS):  # well-formed rows, copies of the first with their own ids
        for c, value in enumerate(model[1:], start=2):
            ws.cell(row=row, column=c, value=value)
    book.save(sheet)
    with pytest.raises(MselError) as caught:
        import_sheet(sheet, lift)
    [problem] = caught.value.problems
    assert f"more than {MAX_ROWS:,} injects" in problem
