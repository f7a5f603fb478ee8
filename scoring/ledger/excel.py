"""The ledger's spreadsheets (.xlsx, made with openpyxl): the 演练台账 and a person's training record.

**The 演练台账** (drill ledger), what inspections ask for: one row per drill (date, drill, record key,
practice or assessment, site, team, expected and present from the programme's roster, absentees,
the drill a make-up is for, score, rating, pass or fail, participants, corrective actions open of
all); with a programme, sheets of the programme kept (done, due, overdue, and the drills that
satisfied each period) and of attendance per team and quarter; and the corrective actions.

**A person's training record** (个人培训档案): every drill they took part in, with the team, their
role, the score, the verdict and the critical tasks rated below P; a summary line on top.

Every sheet prints: a title row, a bold shaded header repeated on every printed page, frozen under
the header, filters on, landscape and one page wide; numbers are numbers and days are dates, so the
officer can sort, filter and sum in Excel or WPS. The text font is 宋体 (Chinese) or Calibri.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from engine.display import cells
from engine.format import Programme
from scoring import columns as words
from scoring.history import Row
from scoring.ledger.actions import status_label
from scoring.ledger.attendance import Roll
from scoring.ledger.compliance import Due, local_day
from scoring.ledger.store import Action, Drill
from scoring.ledger.words import word, yes_no

Cell = str | int | float | date | None
"""What a spreadsheet cell holds."""

_THIN = Side(style="thin", color="9AA5B1")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="E8EEF5")
_FLAG = PatternFill("solid", fgColor="FDECEA")


def _font(lang: str, **kwargs: Any) -> Font:
    return Font(name="宋体" if lang == "zh" else "Calibri", size=kwargs.pop("size", 10.5), **kwargs)


def sheet(
    book: Workbook,
    title: str,
    heading: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    lang: str,
    *,
    flagged: Sequence[bool] = (),
) -> Worksheet:
    """Add a printable sheet: ``heading`` in row 1, ``columns`` in row 2, ``rows`` from row 3.

    Args:
        book: The workbook.
        title: The sheet's tab name (at most 31 characters).
        heading: The title row's text.
        columns: Column headings.
        rows: Values; dates become date cells.
        lang: Language (for the font).
        flagged: Rows to shade as needing attention (overdue, below target).
    """
    ws: Worksheet = book.create_sheet(title[:31])
    ws.cell(row=1, column=1, value=heading).font = _font(lang, size=14, bold=True)
    if len(columns) > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for c, name in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=c, value=name)
        cell.font, cell.fill, cell.border = _font(lang, bold=True), _HEAD, _BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [cells(str(c)) for c in columns]
    for r, row in enumerate(rows, start=3):
        shade = r - 3 < len(flagged) and flagged[r - 3]
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            cell.font, cell.border = _font(lang), _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if shade:
                cell.fill = _FLAG
            text = value.isoformat() if isinstance(value, date) else "" if value is None else str(value)
            widths[c - 1] = max(widths[c - 1], max((cells(line) for line in text.split("\n")), default=0))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 6), 60)
    ws.freeze_panes = "A3"
    if rows:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{len(rows) + 2}"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return ws


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _new() -> Workbook:
    book = Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    return book


def ledger_workbook(
    drills: Sequence[Drill],
    lang: str,
    *,
    actions: Sequence[Action] = (),
    proposed: Mapping[int, Drill] | None = None,
    as_of: date,
    programme: Programme | None = None,
    dues: Sequence[Due] = (),
    rolls: Sequence[Roll] = (),
    rates: Sequence[Row] = (),
    titles: Mapping[str, str] | None = None,
) -> bytes:
    """The 演练台账 as an .xlsx file's bytes (see the module docstring).

    Args:
        drills: The drills, oldest first.
        lang: ``zh`` or ``en``.
        actions: Corrective actions, for the per-drill count and their own sheet.
        proposed: Action number -> the drill proposed to verify it.
        as_of: The day overdue is judged on.
        programme: With it, the programme and attendance sheets, from ``dues``, ``rolls`` and ``rates``.
        dues: :func:`scoring.ledger.compliance` of the programme.
        rolls: :func:`scoring.ledger.rolls` of the programme.
        rates: :func:`scoring.ledger.rates` of the rolls.
        titles: Drill (plan or scenario) id -> its title in ``lang``.
    """
    titles = titles or {}
    proposed = proposed or {}
    book = _new()
    by_id = {d.id: d for d in drills}
    roll_of = {r.drill.id: r for r in rolls}
    raised: dict[str | None, list[Action]] = {}
    for a in actions:
        raised.setdefault(a.drill, []).append(a)
    columns = [
        "seq",
        "date",
        "drill",
        "key",
        "kind",
        "site",
        "team",
        "expected",
        "present",
        "absent",
        "makes_up",
        "score",
        "rating",
        "result",
        "people",
        "actions_open",
        "source",
    ]
    rows: list[list[Cell]] = []
    for n, d in enumerate(drills, start=1):
        roll = roll_of.get(d.id)
        mine = raised.get(d.key, [])
        original = by_id.get(d.makes_up) if d.makes_up is not None else None
        rows.append(
            [
                n,
                local_day(d),
                titles.get(d.title, d.title),
                d.key,
                word(f"kind.{d.kind}", lang),
                d.site,
                d.team,
                len(roll.expected) if roll else None,
                len(roll.present) if roll else len(d.people),
                "、".join(roll.absent) if roll else None,
                f"{local_day(original)} {original.key}" if original else None,
                d.score,
                d.rating,
                word("result.pass" if d.passed else "result.fail", lang),
                "、".join(name for name, _ in d.people),
                f"{sum(a.status != 'verified' for a in mine)}/{len(mine)}" if mine else None,
                d.source,
            ]
        )
    sheet(book, word("sheet.ledger", lang), word("ledger.title", lang), [word(c, lang) for c in columns], rows, lang)
    if programme is not None:
        columns = ["team", "requirement", "period", "due_by", "needed", "held", "status", "satisfied_by"]
        sheet(
            book,
            word("sheet.compliance", lang),
            f"{programme.title.get(lang)} — {word('sheet.compliance', lang)}（{as_of}）",
            [word(c, lang) for c in columns],
            [
                [
                    d.team.name,
                    d.rule.label.get(lang),
                    d.period.name,
                    d.period.end,
                    d.rule.times,
                    len(d.held),
                    word(f"status.{d.status}", lang),
                    "\n".join(f"{local_day(x)} {titles.get(x.title, x.title)} {x.key}" for x in d.held),
                ]
                for d in dues
            ],
            lang,
            flagged=[d.status == "overdue" for d in dues],
        )
        columns = ["team", "quarter", "drills_held", "expected", "present", "attendance", "flag", "made_up", "owed"]
        sheet(
            book,
            word("sheet.attendance", lang),
            f"{word('sheet.attendance', lang)}（{programme.attendance_target:g}%）",
            [word(c, lang) for c in columns],
            [
                [
                    r["team"],
                    r["quarter"],
                    r["drills"],
                    r["expected"],
                    r["present"],
                    r["rate"],
                    yes_no(r["below_target"], lang),
                    r["made_up"],
                    r["owed"],
                ]
                for r in rates
            ],
            lang,
            flagged=[bool(r["below_target"]) for r in rates],
        )
    columns = ["no", "issue", "action", "owner", "due", "status", "overdue", "drill", "team", "proposed", "verified_by"]
    sheet(
        book,
        word("sheet.actions", lang),
        word("sheet.actions", lang),
        [word(c, lang) for c in columns],
        [
            [
                a.id,
                a.issue,
                a.action,
                a.owner,
                a.due,
                status_label(a.status, lang),
                yes_no(a.overdue(as_of), lang),
                a.drill,
                a.team,
                proposed[a.id].key if a.id in proposed and a.status != "verified" else None,
                a.verified_by,
            ]
            for a in actions
        ],
        lang,
        flagged=[a.overdue(as_of) for a in actions],
    )
    return _bytes(book)


def person_workbook(
    name: str,
    drills: Sequence[Drill],
    weak: Mapping[int, Sequence[tuple[str, str, str]]],
    lang: str,
    titles: Mapping[str, str] | None = None,
) -> bytes:
    """A person's training record as an .xlsx file's bytes (see the module docstring).

    Args:
        name: The person.
        drills: The drills they took part in, oldest first.
        weak: Drill id -> (scenario, task, rating) of the tasks rated below P.
        lang: ``zh`` or ``en``.
        titles: Drill or ``scenario:task`` id -> its title in ``lang``.
    """
    titles = titles or {}
    book = _new()
    assessed = [d for d in drills if d.kind == "assessment"]
    columns = ["seq", "date", "drill", "kind", "site", "team", "role", "score", "rating", "result", "weak_tasks", "key"]
    rows: list[list[Cell]] = [
        [
            n,
            local_day(d),
            titles.get(d.title, d.title),
            word(f"kind.{d.kind}", lang),
            d.site,
            d.team,
            "、".join(sorted({role for who, role in d.people if who == name and role})) or None,
            d.score,
            d.rating,
            word("result.pass" if d.passed else "result.fail", lang),
            "\n".join(f"{titles.get(f'{s}:{t}', t)} ({r})" for s, t, r in weak.get(d.id, [])) or None,
            d.key,
        ]
        for n, d in enumerate(drills, start=1)
    ]
    summary = word("summary.value", lang).format(n=len(drills), a=len(assessed), p=sum(d.passed for d in assessed))
    ws = sheet(
        book,
        word("sheet.record", lang),
        f"{word('record.title', lang).format(name=name)} — {summary}",
        [word(c, lang) for c in columns],
        rows,
        lang,
        flagged=[d.kind == "assessment" and not d.passed for d in drills],
    )
    ws.title = word("sheet.record", lang)
    return _bytes(book)


def rows_workbook(views: Mapping[str, Sequence[Row]], lang: str) -> bytes:
    """Result rows (any ``history`` view) as one sheet per view, headed and worded in ``lang``.

    The sheet is for a person: the view's title names it, the columns carry their headers and the
    coded values their words (:mod:`scoring.columns`, as the history's tables do), not the keys
    and codes that CSV and JSON keep for programs.
    """
    book = _new()
    for name, rows in views.items():
        keys = list(dict.fromkeys(k for row in rows for k in row))
        values: list[list[Cell]] = [[_worded(k, row.get(k), lang) for k in keys] for row in rows]
        title = words.view_title(name, lang)
        sheet(book, title[:31], title, [words.heading(k, lang) for k in keys], values, lang)
    if not book.worksheets:
        book.create_sheet("-")
    return _bytes(book)


def _worded(key: str, raw: Any, lang: str) -> Cell:
    """A cell of a history view: a code or a flag in words of ``lang``, anything else as it is."""
    if isinstance(raw, bool):
        return yes_no(raw, lang)
    said = words.value(key, raw, lang)
    return said if said is not None else raw
