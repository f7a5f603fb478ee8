"""The ledger's commands: ``drillsim actions``, ``drillsim review``, and the ledger's side of ``history``
(the compliance, attendance and actions views, ``--format xlsx``, ``history add --makes-up``).

Registered by :mod:`scoring.cli` (the history options) and by the outer ``drillsim`` command
(:mod:`tui.cli`, the two new commands). Nothing heavy is imported until a command runs. Errors follow
the engine's conventions: one line, exit 2 for bad input, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.display import default_lang
from engine.tools.cli import UsageError, cannot_write

if TYPE_CHECKING:
    from engine.format import Programme
    from scoring.history import Row
    from scoring.ledger.store import Ledger

VIEWS = ("compliance", "attendance", "absentees", "actions")
"""The ledger's views of ``drillsim history``."""

STATUS_CHOICES = ("open", "in-progress", "done", "verified")
ELEMENT_CHOICES = ("planning", "organization", "equipment", "training", "exercise")


# Registration ---------------------------------------------------------------------------------


def history_options(p: argparse.ArgumentParser) -> None:
    """The options the ledger adds to ``drillsim history``."""
    p.add_argument("--site", help="only this site's drills and teams")
    p.add_argument("--programme", metavar="FILE", help="training programme (programme/1) for compliance and attendance")
    p.add_argument("--as-of", metavar="DATE", help="judge as of this day (YYYY-MM-DD; default: today)")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the spreadsheets and labels")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (needed for --format xlsx)")


def add_commands(sub: Any) -> None:
    """Register ``actions`` and ``review`` on the ``drillsim`` subparsers."""
    p = sub.add_parser(
        "actions",
        help="corrective actions (整改措施): list, add, update, close",
        description=(
            "Track corrective actions to closure: raise them from a drill's areas for improvement (or by"
            " hand), give each an owner and a due day, update their status (open, in-progress, done,"
            " verified) and close them when a later drill shows the critical task done on time."
        ),
    )
    p.set_defaults(handler=lambda _args: _usage(p))
    verbs = p.add_subparsers(dest="actions_command", metavar="{list,areas,add,update,close}")

    a = verbs.add_parser("list", help="corrective actions, with overdue ones flagged and proposed verifications")
    _db(a)
    a.add_argument("--status", action="append", choices=STATUS_CHOICES, help="only these statuses (repeat)")
    a.add_argument("--open", action="store_true", help="only those not yet verified")
    a.add_argument("--overdue", action="store_true", help="only overdue ones")
    a.add_argument("--site")
    a.add_argument("--team")
    a.add_argument("--as-of", metavar="DATE", help="judge overdue as of this day (default: today)")
    a.add_argument("--format", choices=["table", "csv", "json"], default="table")
    a.add_argument("--log", action="store_true", help="print each action's history of changes too")
    a.set_defaults(handler=cmd_actions_list)

    a = verbs.add_parser("areas", help="a stored drill's areas for improvement, as actions can be raised from them")
    a.add_argument("record", metavar="RECORD")
    a.add_argument("--lang", choices=["zh", "en"])
    a.set_defaults(handler=cmd_actions_areas)

    a = verbs.add_parser(
        "add",
        help="raise corrective actions from a drill's areas for improvement, or one by hand",
        description=(
            "With RECORD: one action per area for improvement of that stored drill (or those named with"
            " --area). Without it: one action with the --issue given."
        ),
    )
    _db(a)
    a.add_argument("record", metavar="RECORD", nargs="?", help="the drill's record (it must be in history)")
    a.add_argument("--area", action="append", metavar="A1", help="only this area (repeat; default: every area)")
    a.add_argument("--issue", help="the issue, for an action raised by hand")
    a.add_argument("--owner", required=True, help="who is responsible")
    a.add_argument("--due", metavar="DATE", help="when it must be done (YYYY-MM-DD)")
    a.add_argument("--action", default="", help="the corrective action itself")
    a.add_argument("--element", choices=ELEMENT_CHOICES, help="capability element it changes (POETE)")
    a.add_argument("--scenario", help="for an action raised by hand: the scenario of the task that verifies it")
    a.add_argument("--task", help="for an action raised by hand: the critical task that verifies it")
    a.add_argument("--site")
    a.add_argument("--team")
    a.add_argument("--lang", choices=["zh", "en"])
    a.set_defaults(handler=cmd_actions_add)

    a = verbs.add_parser("update", help="change an action's status, owner, due day or text")
    _db(a)
    a.add_argument("number", type=int, metavar="N")
    a.add_argument("--status", choices=STATUS_CHOICES)
    a.add_argument("--owner")
    a.add_argument("--due", metavar="DATE")
    a.add_argument("--action")
    a.add_argument("--note", default="", help="what was done (kept in the action's log)")
    a.set_defaults(handler=cmd_actions_update)

    a = verbs.add_parser(
        "close",
        help="mark an action verified, by a later drill (default: the one proposed)",
        description=(
            "Mark an action verified. --by names the drill that verifies it (a record or key); without it,"
            " the drill proposed by 'actions list' is used, and without a proposal a --note must say how it"
            " was verified."
        ),
    )
    _db(a)
    a.add_argument("number", type=int, metavar="N")
    a.add_argument("--by", metavar="DRILL", help="the drill that verifies it (record file or key)")
    a.add_argument("--note", default="", help="how it was verified")
    a.set_defaults(handler=cmd_actions_close)

    p = sub.add_parser(
        "review",
        help="the quarterly review (季度复盘) as Markdown, HTML or Word",
        description=(
            "One review per quarter and site (or the company): drills held against the programme, pass"
            " rates and their trend, weak tasks, people due for retraining, attendance, satisfaction,"
            " open and overdue corrective actions, and the next quarter's plan."
        ),
    )
    _db(p)
    p.add_argument("--quarter", required=True, metavar="2026Q4")
    p.add_argument("--site", help="only this site (default: the company)")
    p.add_argument("--programme", metavar="FILE", help="training programme (programme/1)")
    p.add_argument("--as-of", metavar="DATE", help="judge as of this day (default: the quarter's end, or today)")
    p.add_argument("--format", choices=["md", "html", "docx", "json"], default="md")
    p.add_argument("--lang", choices=["zh", "en"])
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (needed for docx)")
    p.set_defaults(handler=cmd_review)


def _db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="URL", help="database: SQLite file or URL (default: in the user's data folder)")


def _usage(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return 0


# Helpers --------------------------------------------------------------------------------------


def _ledger(args: argparse.Namespace) -> Ledger:
    from scoring.ledger.store import Ledger

    return Ledger(getattr(args, "db", None))


def _as_of(args: argparse.Namespace, default: date | None = None) -> date:
    from scoring.ledger.periods import day

    text = getattr(args, "as_of", None)
    return day(text) if text else (default or date.today())


def _programme(args: argparse.Namespace) -> Programme | None:
    if not getattr(args, "programme", None):
        return None
    from engine.errors import ContentError
    from engine.format import load_programme, programme_problems

    if not Path(args.programme).is_file():
        raise UsageError(f"{args.programme}: no such file")
    loaded = load_programme(args.programme)
    problems = programme_problems(loaded)
    if problems:
        raise ContentError(problems)
    return loaded.model


def _write(path: str, data: bytes | str) -> None:
    try:
        if isinstance(data, bytes):
            Path(path).write_bytes(data)
        else:
            Path(path).write_text(data, encoding="utf-8")
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    print(f"wrote {path}", file=sys.stderr)


def _emit(text: str, args: argparse.Namespace) -> None:
    output = getattr(args, "output", None)
    if output:
        _write(output, text)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def titles_of(ids: set[str], lang: str) -> dict[str, str]:
    """Scenario or plan id -> its title in ``lang``, and ``scenario:task`` -> the task's label, where found."""
    from engine.errors import ContentError
    from engine.format import Plan, Scenario, base_id, find, load

    found: dict[str, str] = {}
    for name in ids:
        try:
            model = load(find(base_id(name))).model
        except ContentError:
            continue
        if isinstance(model, Scenario | Plan):
            found[name] = model.title.get(lang)
        if isinstance(model, Scenario) and model.rubric is not None:
            for objective in model.rubric.objectives.values():
                for tid, task in objective.tasks.items():
                    found[f"{base_id(name)}:{tid}"] = task.label.get(lang)
    return found


# history --------------------------------------------------------------------------------------


def wants_ledger(args: argparse.Namespace) -> bool:
    """Whether ``drillsim history`` was asked for something the ledger answers."""
    return args.view in VIEWS or args.format == "xlsx"


def cmd_history(args: argparse.Namespace) -> int:
    """``drillsim history`` for the ledger's views and for spreadsheets."""
    from scoring.history import format_rows
    from scoring.ledger.actions import action_row, proposals
    from scoring.ledger.attendance import rates, rolls
    from scoring.ledger.compliance import compliance

    lang = args.lang or default_lang()
    as_of = _as_of(args)
    programme = _programme(args)
    if args.format == "xlsx" and not args.output:
        raise UsageError("drillsim history: --format xlsx needs -o FILE")
    if args.view in ("compliance", "attendance", "absentees") and programme is None:
        raise UsageError(f"drillsim history: --view {args.view} needs --programme FILE")
    with _ledger(args) as ledger:
        if args.format == "xlsx":
            return _spreadsheet(args, ledger, programme, as_of, lang)
        drills = ledger.drills(site=args.site, team=args.team)
        if args.view == "compliance":
            assert programme is not None
            rows = [d.row(lang) for d in compliance(programme, drills, as_of, site=args.site)]
            if args.team:
                rows = [r for r in rows if r["team"] == args.team]
        elif args.view in ("attendance", "absentees"):
            assert programme is not None
            found = rolls(programme, drills, site=args.site)
            rows = [r.row() for r in found if r.absent] if args.view == "absentees" else rates(programme, found)
            if args.team:
                rows = [r for r in rows if r["team"] == args.team]
        else:
            items = ledger.actions(site=args.site, team=args.team)
            proposed = proposals(ledger, items)
            rows = [action_row(a, proposed.get(a.id), as_of) for a in items]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    text = format_rows(rows, args.format, lang if args.format == "table" else None)
    _emit(text if text else ("（无）" if lang == "zh" else "(nothing matched)"), args)
    return 0


def _spreadsheet(args: argparse.Namespace, ledger: Ledger, programme: Programme | None, as_of: date, lang: str) -> int:
    from scoring.ledger import excel
    from scoring.ledger.actions import action_row, proposals
    from scoring.ledger.attendance import rates, rolls
    from scoring.ledger.compliance import compliance

    since = date.fromisoformat(args.since) if args.since else None
    if args.person:
        drills = ledger.drills(since, person=args.person, site=args.site, team=args.team)
        weak = ledger.weak_tasks_of([d.id for d in drills])
        ids = {d.title for d in drills} | {s for d in drills for s in d.scenarios}
        data = excel.person_workbook(args.person, drills, weak, lang, titles_of(ids, lang))
        _write(args.output, data)
        return 0
    if args.view in VIEWS or args.view == "all" or args.view == "results":
        drills = ledger.drills(since, site=args.site, team=args.team)
        if args.scenario:
            drills = [d for d in drills if d.ran([args.scenario])]
        items = ledger.actions(site=args.site, team=args.team)
        proposed = proposals(ledger, items)
        dues, found, rated = [], [], []
        if programme is not None:
            everything = ledger.drills(site=args.site, team=args.team)
            dues = compliance(programme, everything, as_of, site=args.site)
            found = rolls(programme, everything, site=args.site)
            rated = rates(programme, found)
        if args.view in ("compliance", "attendance", "absentees", "actions"):
            views: dict[str, Callable[[], Sequence[Row]]] = {
                "compliance": lambda: [d.row(lang) for d in dues],
                "attendance": lambda: rated,
                "absentees": lambda: [r.row() for r in found if r.absent],
                "actions": lambda: [action_row(a, proposed.get(a.id), as_of) for a in items],
            }
            _write(args.output, excel.rows_workbook({args.view: views[args.view]()}, lang))
            return 0
        ids = {d.title for d in drills} | {s for d in drills for s in d.scenarios}
        data = excel.ledger_workbook(
            drills,
            lang,
            actions=items,
            proposed=proposed,
            as_of=as_of,
            programme=programme,
            dues=dues,
            rolls=found,
            rates=rated,
            titles=titles_of(ids, lang),
        )
        _write(args.output, data)
        return 0
    filters = {"person": args.person, "team": args.team, "scenario": args.scenario, "since": args.since}
    queries: dict[str, Callable[[], Sequence[Row]]] = {
        "pass-rates": lambda: ledger.pass_rates(**filters, by_quarter=args.by == "quarter"),
        "weak-tasks": lambda: ledger.weak_tasks(**filters),
        "retraining": lambda: ledger.retraining(team=args.team, since=args.since),
        "satisfaction": lambda: ledger.satisfaction(
            by_quarter=args.by == "quarter", scenario=args.scenario, since=args.since, team=args.team
        ),
        "feedback": lambda: ledger.comments(scenario=args.scenario, since=args.since, team=args.team),
    }
    _write(args.output, excel.rows_workbook({args.view: queries[args.view]()}, lang))
    return 0


def link_makeup(args: argparse.Namespace) -> None:
    """``history add RECORD --makes-up DRILL``: after adding, say which drill it makes up for."""
    with _ledger(args) as ledger:
        ledger.link_makeup(args.record, args.makes_up)
    print(f"{args.record}: a make-up drill for {args.makes_up}")


# actions --------------------------------------------------------------------------------------


def cmd_actions_list(args: argparse.Namespace) -> int:
    from scoring.history import format_rows
    from scoring.ledger.actions import action_row, proposals

    as_of = _as_of(args)
    with _ledger(args) as ledger:
        statuses = list(args.status or ())
        if args.open:
            statuses = [s for s in (statuses or STATUS_CHOICES) if s != "verified"]
        items = ledger.actions(status=statuses, site=args.site, team=args.team)
        if args.overdue:
            items = [a for a in items if a.overdue(as_of)]
        proposed = proposals(ledger, items)
    rows = [action_row(a, proposed.get(a.id), as_of) for a in items]
    if args.format == "json":
        for row, item in zip(rows, items, strict=True):
            row["log"] = [{"at": str(at), "status": s, "note": n} for at, s, n in item.log]  # type: ignore[assignment]
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return 0
    lang = getattr(args, "lang", None) or default_lang()
    text = format_rows(rows, args.format, lang if args.format == "table" else None)
    print(text if text else ("（无）" if lang == "zh" else "(no corrective actions)"))
    if args.log and args.format == "table":
        for item in items:
            print(f"\n#{item.id}")
            for at, status, note in item.log:
                print(f"  {at:%Y-%m-%d %H:%M}  {status:<11}  {note}")
    return 0


def cmd_actions_areas(args: argparse.Namespace) -> int:
    from scoring.ledger.actions import areas_of

    if not Path(args.record).is_file():
        raise UsageError(f"{args.record}: no such file")
    for area in areas_of(args.record, args.lang or default_lang()):
        task = f"  [{area.scenario}:{area.task}]" if area.task else ""
        print(f"{area.id:<4} {area.observation}{task}")
    return 0


def cmd_actions_add(args: argparse.Namespace) -> int:
    from scoring.ledger.actions import raise_from

    with _ledger(args) as ledger:
        if args.record:
            if args.issue:
                raise UsageError("drillsim actions add: give RECORD (its areas) or --issue, not both")
            if not Path(args.record).is_file():
                raise UsageError(f"{args.record}: no such file")
            numbers = raise_from(
                ledger,
                args.record,
                args.owner,
                due=args.due,
                areas=args.area or (),
                action=args.action,
                element=args.element,
                lang=args.lang or default_lang(),
            )
        else:
            if not args.issue:
                raise UsageError("drillsim actions add: give RECORD (raise from its areas) or --issue TEXT")
            numbers = [
                ledger.raise_action(
                    args.issue,
                    args.owner,
                    action=args.action,
                    due=args.due,
                    element=args.element,
                    scenario=args.scenario,
                    task=args.task,
                    site=args.site,
                    team=args.team,
                )
            ]
    print("raised corrective action" + ("s " if len(numbers) > 1 else " ") + ", ".join(f"#{n}" for n in numbers))
    return 0


def cmd_actions_update(args: argparse.Namespace) -> int:
    if args.status == "verified":
        raise UsageError("drillsim actions update: use 'drillsim actions close N' to verify an action")
    with _ledger(args) as ledger:
        item = ledger.update_action(
            args.number, status=args.status, owner=args.owner, due=args.due, action=args.action, note=args.note
        )
    print(f"#{item.id}: {item.status}, {item.owner}, due {item.due or '-'}")
    return 0


def cmd_actions_close(args: argparse.Namespace) -> int:
    from scoring.ledger.actions import proposal

    with _ledger(args) as ledger:
        item = ledger.action(args.number)
        if item.status == "verified":
            raise UsageError(f"drillsim actions close: #{item.id} is already verified")
        by: str | None = args.by
        if by is None:
            proposed = proposal(ledger, item)
            by = proposed.key if proposed is not None else None
        if by is None and not args.note:
            raise UsageError(
                f"drillsim actions close: no later drill shows #{item.id}'s task done on time;"
                " name one with --by DRILL, or say how it was verified with --note"
            )
        closed = ledger.update_action(args.number, status="verified", verified_by=by, note=args.note)
    print(f"#{closed.id}: verified" + (f" by drill {closed.verified_by}" if closed.verified_by else ""))
    return 0


# review ---------------------------------------------------------------------------------------


def cmd_review(args: argparse.Namespace) -> int:
    from scoring.ledger import document, review, word
    from scoring.ledger.periods import quarter

    span = quarter(args.quarter)
    lang = args.lang or default_lang()
    as_of = _as_of(args, default=min(date.today(), span.end) if date.today() >= span.start else span.end)
    programme = _programme(args)
    if args.format == "docx" and not args.output:
        raise UsageError("drillsim review: --format docx needs -o FILE")
    with _ledger(args) as ledger:
        doc = review.build(ledger, span, as_of=as_of, site=args.site, programme=programme, lang=lang)
    if args.format == "docx":
        _write(args.output, word.document_docx(doc))
    elif args.format == "json":
        _emit(json.dumps(doc, ensure_ascii=False, indent=2), args)
    else:
        _emit(document.page(doc) if args.format == "html" else document.markdown(doc), args)
    return 0
