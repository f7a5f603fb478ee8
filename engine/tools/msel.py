"""The inject list (MSEL, master scenario events list) as a spreadsheet, both ways.

Facilitators live in Excel and WPS: ``drillsim msel export`` writes a scenario's injects as one row
each (id, time or condition, from, to, channel, message in Chinese and English, expected actions,
the controller's notes), with drop-down lists of the scenario's roles and the channels;
``drillsim msel import`` reads the edited sheet back into the scenario.

The import is careful in three ways:

- **Every problem points at a cell**, as ``FILE.xlsx:SHEET!CELL: message``, all at once: a missing
  id, a time that is neither a number nor a parameter, a role, channel or action the scenario does
  not have, and, once the new scenario has been written out and loaded again by the one loader
  (:mod:`engine.format.loader`), any problem it finds in an inject (a condition naming an unknown
  variable...) is mapped back to the cell it came from. Nothing is written while a problem remains.
- **Only the injects change.** The file is edited with ruamel.yaml's round trip, and only the text
  of the ``injects:`` section is replaced: every other byte of the file stays as it was, and within
  the section comments, key order, quoting and flow style survive; a value is rewritten only where
  the sheet changed it. Rows may be edited, added (a new id), removed or reordered. What the sheet
  has no column for (``effects``, ``goto``) is kept.
- **The scenario is checked before it is read**: ruamel reads only a file the hardened loader has
  already accepted (no tags, no alias bombs), and the result is loaded by the loader again before it
  replaces anything.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import ScalarString

from engine.errors import ContentError, DrillError
from engine.format import Scenario, load_scenario
from engine.format.model import Channel

SHEET = "MSEL"
"""The sheet the injects are on."""

COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("time", "时间（分钟）"),
    ("condition", "触发条件"),
    ("from", "发出方"),
    ("to", "接收方"),
    ("channel", "方式"),
    ("message_zh", "信息（中文）"),
    ("message_en", "信息（英文）"),
    ("expect", "预期行动"),
    ("note_zh", "导调说明（中文）"),
    ("note_en", "导调说明（英文）"),
)
"""(key, Chinese heading) of each column; a heading cell reads ``编号 id``, and its last word is the key."""

REQUIRED = ("id", "time", "condition", "from", "to", "channel", "message_zh", "message_en", "expect")
"""Columns an imported sheet must have (the notes are optional)."""

CHANNELS: tuple[str, ...] = get_args(Channel)
"""The delivery methods a scenario allows."""

_IDENT = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_SPLIT = re.compile(r"[,，、;；\s]+")


MAX_ROWS = 5_000
"""Most injects read from one sheet: a scenario's inject list is tens of rows, hundreds at most."""

MAX_PROBLEMS = 200
"""Problems listed before reading stops: past that the sheet is the wrong file or wholly out of shape."""


class MselError(DrillError):
    """An MSEL spreadsheet that cannot be read or imported; one located line per problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


# Export ---------------------------------------------------------------------------------------


def export(scenario: Scenario) -> bytes:
    """A scenario's injects as an .xlsx file's bytes, one row per inject in the scenario's order."""
    book = Workbook()
    ws = book.active
    assert ws is not None  # a new workbook has its first sheet
    ws.title = SHEET
    for c, (key, zh) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=c, value=f"{zh} {key}")
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EEF5")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, (iid, inject) in enumerate(scenario.injects.items(), start=2):
        note = inject.controller_note
        values: list[Any] = [
            iid,
            inject.at if inject.at is not None else None,
            inject.when,
            inject.from_,
            inject.to,
            inject.channel,
            inject.message.zh,
            inject.message.en,
            ", ".join(inject.expect),
            note.zh if note else None,
            note.en if note else None,
        ]
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value).alignment = Alignment(wrap_text=True, vertical="top")
    widths = (22, 10, 36, 16, 16, 12, 50, 50, 30, 40, 40)
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "B2"
    last = max(ws.max_row, 200)
    for key, options in (("channel", CHANNELS), ("from", tuple(scenario.roles)), ("to", tuple(scenario.roles))):
        listed = ",".join(options)
        if len(listed) <= 255:  # Excel's limit for a list written into the rule
            column = get_column_letter(_column_of(key))
            rule = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            rule.add(f"{column}2:{column}{last}")
            ws.add_data_validation(rule)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _column_of(key: str) -> int:
    return next(i for i, (k, _) in enumerate(COLUMNS, start=1) if k == key)


# Import ---------------------------------------------------------------------------------------


@dataclass
class _Row:
    """One inject as the sheet gives it, and where each of its cells is."""

    line: int
    id: str
    values: dict[str, Any]
    cells: dict[str, str]


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_sheet(path: str | Path, scenario: Scenario) -> list[_Row]:
    """The injects on an MSEL sheet, checked cell by cell against ``scenario``.

    Raises:
        MselError: The file is not a readable workbook, or any cell is wrong (all of them listed).
    """
    name = str(path)
    try:
        # Read-only: rows are streamed as the file holds them. A normal load makes a cell object for
        # every position asked for, so one stray value at row 1,048,576 cost 3 GB and 44 s.
        book = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise MselError([f"{name}: no such file"]) from exc
    except (OSError, ValueError, KeyError, BadZipFile) as exc:
        raise MselError([f"{name}: not an .xlsx workbook ({exc})"]) from exc
    try:
        if SHEET not in book.sheetnames:
            raise MselError([f"{name}: no sheet {SHEET!r} (sheets: {', '.join(book.sheetnames)})"])
        sheet = book[SHEET].iter_rows(values_only=True)
        try:
            return _rows(name, sheet, scenario)
        finally:
            sheet.close()  # the sheet's part of the file, open while rows are read (stopped early or not)
    except (OSError, ValueError, KeyError, BadZipFile) as exc:  # a part of the file that cannot be read
        raise MselError([f"{name}: not an .xlsx workbook ({exc})"]) from exc
    finally:
        book.close()


def _rows(name: str, sheet: Iterator[tuple[Any, ...]], scenario: Scenario) -> list[_Row]:
    """The injects of the sheet's rows (the first one the headings), checked cell by cell."""
    problems: list[str] = []

    def at(cell: str, message: str) -> None:
        problems.append(f"{name}:{SHEET}!{cell}: {message}")

    headings = next(sheet, ())
    columns: dict[str, int] = {}
    for c, value in enumerate(headings, start=1):
        heading = _text(value)
        if heading is None:
            continue
        key = heading.split()[-1]
        if key in columns:
            at(f"{get_column_letter(c)}1", f"column {key!r} appears twice")
        elif key not in {k for k, _ in COLUMNS}:
            allowed = ", ".join(k for k, _ in COLUMNS)
            at(f"{get_column_letter(c)}1", f"unknown column {heading!r}; a heading ends with one of: {allowed}")
        else:
            columns[key] = c
    for key in REQUIRED:
        if key not in columns:
            at(f"{get_column_letter(len(headings) + 1)}1", f"missing column {key!r}")
    if problems:
        raise MselError(problems)
    rows: list[_Row] = []
    seen: dict[str, str] = {}
    filled = 0
    for r, line in enumerate(sheet, start=2):
        raw = {key: line[c - 1] if c <= len(line) else None for key, c in columns.items()}
        if all(_text(v) is None for v in raw.values()):
            continue  # a blank line in the sheet
        filled += 1
        if filled > MAX_ROWS:
            many = f"more than {MAX_ROWS:,} injects; an inject list holds far fewer (is this the file?)"
            raise MselError([f"{name}:{SHEET}!A{r}: {many}"])
        if len(problems) >= MAX_PROBLEMS:
            problems.append(f"{name}:{SHEET}: stopped at row {r} after {MAX_PROBLEMS} problems; mend these first")
            break
        cells = {key: f"{get_column_letter(c)}{r}" for key, c in columns.items()}
        values: dict[str, Any] = {}
        iid = _text(raw["id"])
        if iid is None:
            at(cells["id"], "an inject needs an id")
            continue
        if not _IDENT.match(iid):
            at(cells["id"], f"{iid!r} is not a valid id: use lower-case letters, digits and '_'")
        if iid in seen:
            at(cells["id"], f"id {iid!r} is already used in {seen[iid]}")
        seen[iid] = cells["id"]
        time, condition = raw["time"], _text(raw["condition"])
        if (_text(time) is None) == (condition is None):
            at(cells["time"], "give exactly one of a time (a sim minute) or a condition")
        elif _text(time) is not None:
            values["at"] = _minute(time, scenario, cells["time"], at)
        else:
            values["when"] = condition
        for key in ("from", "to"):
            role = _text(raw[key])
            if role is None:
                at(cells[key], f"'{key}' needs a role")
            elif role not in scenario.roles:
                at(cells[key], f"unknown role {role!r}; roles: {', '.join(scenario.roles)}")
            values[key] = role
        channel = _text(raw["channel"])
        if channel not in CHANNELS:
            at(cells["channel"], f"unknown channel {channel!r}; one of: {', '.join(CHANNELS)}")
        values["channel"] = channel
        zh, en = _text(raw["message_zh"]), raw["message_en"]
        if zh is None and _text(en) is None:
            at(cells["message_zh"], "the message needs Chinese, English or both")
        values["message"] = {"zh": zh, "en": _text(en)}
        expect = [a for a in _SPLIT.split(_text(raw["expect"]) or "") if a]
        for action in expect:
            if action not in scenario.actions:
                at(cells["expect"], f"unknown action {action!r} in the expected actions")
        values["expect"] = expect
        if "note_zh" in columns or "note_en" in columns:
            values["controller_note"] = {"zh": _text(raw.get("note_zh")), "en": _text(raw.get("note_en"))}
        rows.append(_Row(r, iid, values, cells))
    if problems:
        raise MselError(problems)
    return rows


def _minute(value: object, scenario: Scenario, cell: str, at: Any) -> float | int | str | None:
    if isinstance(value, bool):
        at(cell, f"expected minutes or a parameter name, got {value!r}")
        return None
    if isinstance(value, int | float):
        if value < 0:
            at(cell, f"a time cannot be negative, got {value:g}")
        return int(value) if float(value).is_integer() else float(value)
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        if text not in scenario.parameters:
            known = ", ".join(scenario.parameters) or "none"
            at(cell, f"{text!r} is neither minutes nor a parameter of the scenario (parameters: {known})")
        return text
    return int(number) if number.is_integer() else number


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _same_style(old: object, new: object) -> object:
    """``new`` text in the quoting style of ``old`` (a double-quoted string stays double-quoted)."""
    if isinstance(old, ScalarString) and isinstance(new, str):
        return type(old)(new)
    return new


def _set(node: CommentedMap, key: str, value: object) -> None:
    """Set ``node[key]`` only if it changes (so that unchanged values keep their exact text)."""
    if value is None:
        if key in node:
            del node[key]
        return
    if key in node and node[key] == value:
        return
    node[key] = _same_style(node.get(key), value)


def _text_node(node: CommentedMap, key: str, text: dict[str, str | None]) -> None:
    if all(v is None for v in text.values()):
        if key in node:
            del node[key]
        return
    if key not in node or not isinstance(node[key], CommentedMap):
        fresh = CommentedMap()
        for lang, value in text.items():
            if value is not None:
                fresh[lang] = value
        node[key] = fresh
        return
    for lang, value in text.items():
        _set(node[key], lang, value)


def _apply(node: CommentedMap, values: dict[str, Any]) -> None:
    """Write one row's values into an inject's mapping, in the format's key order for new keys."""
    if "at" in values:
        _set(node, "when", None)
        _set(node, "at", values["at"])
    else:
        _set(node, "at", None)
        _set(node, "when", values["when"])
    for key in ("from", "to", "channel"):
        _set(node, key, values[key])
    _text_node(node, "message", values["message"])
    expect = values["expect"]
    if not expect:
        _set(node, "expect", None)
    elif list(node.get("expect") or []) != expect:
        flow = CommentedSeq(expect)
        flow.fa.set_flow_style()
        node["expect"] = flow
    if "controller_note" in values:
        _text_node(node, "controller_note", values["controller_note"])


def merge(text: str, rows: Sequence[_Row]) -> str:
    """The scenario's text with its ``injects:`` section replaced by the rows (see the module docstring)."""
    y = _yaml()
    data = y.load(text)
    keys = list(data)
    injects: CommentedMap = data.get("injects") if isinstance(data.get("injects"), CommentedMap) else CommentedMap()
    for iid in [k for k in injects if k not in {r.id for r in rows}]:
        del injects[iid]
    for row in rows:
        if row.id not in injects:
            injects[row.id] = CommentedMap()
        _apply(injects[row.id], row.values)
    for row in rows:  # the sheet's order (a no-op when it is the file's)
        injects.move_to_end(row.id)
    wrap = CommentedMap()
    wrap["injects"] = injects
    out = io.StringIO()
    if rows:
        y.dump(wrap, out)
    section = out.getvalue()
    lines = text.splitlines(keepends=True)
    if "injects" not in keys:
        tail = "" if not text or text.endswith("\n") else "\n"
        return text + tail + section
    index = keys.index("injects")
    start = data.lc.key("injects")[0]
    end = data.lc.key(keys[index + 1])[0] if index + 1 < len(keys) else len(lines)
    old = lines[start:end]
    blanks = len(old) - len([*_strip_blank(old)])
    section = section.rstrip("\n") + "\n" + "\n" * blanks if section else ""
    return "".join(lines[:start]) + section + "".join(lines[end:])


def _strip_blank(lines: list[str]) -> list[str]:
    kept = list(lines)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def import_sheet(sheet: str | Path, scenario_path: str | Path, output: str | Path | None = None) -> Path:
    """Read an MSEL sheet into a scenario's injects; the file written (``output`` or the scenario itself).

    Raises:
        ContentError: The scenario itself cannot be loaded.
        MselError: A cell is wrong, or the scenario the sheet makes does not load (each problem at
            the cell it came from); nothing is written then.
    """
    loaded = load_scenario(scenario_path)
    rows = read_sheet(sheet, loaded.model)
    original = Path(scenario_path).read_text(encoding="utf-8-sig")
    merged = merge(original, rows)
    target = Path(output) if output is not None else Path(scenario_path)
    # Loaded again beside the target, so paths the scenario names (scripts of its tests) still resolve.
    trial = target.with_name(f".{target.name}.msel-check.yaml")
    try:
        trial.write_text(merged, encoding="utf-8")
        load_scenario(trial)
    except ContentError as exc:
        raise MselError(_located(sheet, rows, exc, str(trial))) from exc
    finally:
        trial.unlink(missing_ok=True)
    target.write_text(merged, encoding="utf-8")
    return target


_FIELD_COLUMN = {"at": "time", "when": "condition", "from": "from", "to": "to", "channel": "channel"}


def _located(sheet: str | Path, rows: Sequence[_Row], exc: ContentError, trial: str) -> list[str]:
    """The loader's problems with the merged scenario, each at the cell its inject's field came from."""
    by_id = {r.id: r for r in rows}
    found: list[str] = []
    for problem in exc.problems:
        parts = problem.field.split(".")
        row = by_id.get(parts[1]) if len(parts) > 1 and parts[0] == "injects" else None
        if row is None:
            found.append(str(problem).replace(trial, f"{sheet} (as imported)"))
            continue
        field = parts[2] if len(parts) > 2 else "id"
        key = _FIELD_COLUMN.get(field)
        if field in ("message", "controller_note"):
            key = ("message_" if field == "message" else "note_") + (parts[3] if len(parts) > 3 else "zh")
        elif field == "expect":
            key = "expect"
        cell = row.cells.get(key or "id", row.cells["id"])
        found.append(f"{sheet}:{SHEET}!{cell}: {problem.message}")
    return found
