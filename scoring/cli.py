"""The scoring commands: ``drillsim report``, ``drillsim whatif`` and ``drillsim history``.

They live with scoring (which may import the engine) and are registered by the outer ``drillsim``
command, :mod:`tui.cli`; the engine's own commands never import them. Errors follow the engine's
conventions: one line, exit 2 for bad input, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.display import default_lang
from engine.errors import DrillError, RecordError
from engine.format import base_id
from engine.tools.cli import UsageError, cannot_write, check_team, parse_person, positive
from scoring import columns
from scoring.ledger import cli as ledger_cli


def add_commands(sub: Any) -> None:
    """Register ``report``, ``whatif`` and ``history`` on the ``drillsim`` subparsers."""
    p = sub.add_parser(
        "report",
        help="write a drill's debrief report (AAR/IP or 评估报告)",
        description=(
            "Turn a drill record into a debrief report: HSEEP after-action report and improvement plan"
            " (--style hseep) or a Chinese-style 演练评估报告 (--style cn), as Markdown, one self-contained"
            " HTML file with a timeline chart, or JSON."
        ),
    )
    p.add_argument("record", metavar="RECORD", help="a .jsonl record written by drillsim run --record")
    p.add_argument("--format", choices=["md", "html", "json", "docx"], default="md", help="docx: Word, needs -o")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the report (default from DRILLSIM_LANG or LANG)")
    p.add_argument(
        "--style", choices=["hseep", "cn"], help="report structure (default: cn in Chinese, hseep in English)"
    )
    p.add_argument(
        "--tz",
        metavar="ZONE",
        help=(
            "time zone for the start time when the record keeps it in UTC, e.g. Asia/Shanghai"
            " (default: DRILLSIM_TZ, else this machine's zone)"
        ),
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument(
        "--whatif",
        action="store_true",
        help="add the section 'what would have changed the outcome' (a what-if analysis; takes a few seconds)",
    )
    p.add_argument(
        "--unverified",
        action="store_true",
        help="report on a record that does not verify (altered, cut short) anyway; every page then says so",
    )
    _whatif_arguments(p)
    p.set_defaults(handler=cmd_report)

    p = sub.add_parser(
        "whatif",
        help="what would have changed the outcome: each decision's alternatives, played on by a good trainee",
        description=(
            "Fork a drill record at each decision (and at each critical task never done), try the alternatives"
            " (on time, not at all, the rule-abiding choice instead of a rule-breaking one), let a good trainee"
            " play on over many seeds, and rank the changes that would have mattered most, with 95% intervals."
        ),
    )
    p.add_argument("record", metavar="RECORD", help="a .jsonl record written by drillsim run --record or the console")
    _whatif_arguments(p)
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the listing (default from DRILLSIM_LANG or LANG)")
    p.add_argument(
        "--unverified",
        action="store_true",
        help="analyse a record that does not verify (altered, cut short) anyway, with a warning",
    )
    p.set_defaults(handler=cmd_whatif)

    p = sub.add_parser(
        "history",
        help="results over time, pass rates, weak tasks, retraining, satisfaction",
        description=(
            "Query the history of recorded drills. Practice runs are listed but kept out of the statistics."
            " Subcommands: 'add RECORD' stores a finished drill (idempotent); 'feedback RECORD' records a"
            " participant's hot-wash answers."
        ),
    )
    p.add_argument("--db", metavar="URL", help="database: SQLite file or URL (default: in the user's data folder)")
    p.add_argument("--person", help="only drills this person took part in")
    p.add_argument("--team", help="only this team's drills")
    p.add_argument("--scenario", help="only this scenario (or plan) id")
    p.add_argument("--since", metavar="DATE", help="only drills from this date (YYYY-MM-DD)")
    p.add_argument(
        "--view",
        choices=[
            "all",
            "results",
            "pass-rates",
            "weak-tasks",
            "retraining",
            "satisfaction",
            "feedback",
            *ledger_cli.VIEWS,
        ],
        default="all",
        help="what to show (default: all; csv needs one view; compliance, attendance and absentees need --programme)",
    )
    p.add_argument("--by", choices=["quarter"], help="group pass rates and satisfaction by calendar quarter")
    p.add_argument(
        "--format", choices=["table", "csv", "json", "xlsx"], default="table", help="xlsx: the 演练台账 (needs -o)"
    )
    ledger_cli.history_options(p)
    p.set_defaults(handler=cmd_history)
    actions = p.add_subparsers(dest="history_command", metavar="{add,feedback}")

    a = actions.add_parser(
        "add",
        help="store finished drills' records (a folder: every record in it; adding one twice stores it once)",
        description=(
            "Store each RECORD in history (a folder stands for the .jsonl records in it). A record that"
            " cannot be stored is named in one line and the others are still stored; the exit code is 1"
            " if any was refused."
        ),
    )
    a.add_argument("records", nargs="+", metavar="RECORD")
    a.add_argument("--db", metavar="URL", help="database: an SQLite file or a URL")
    a.add_argument("--person", action="append", metavar="NAME[:ROLE]", help="someone who took part (repeat)")
    a.add_argument("--team")
    a.add_argument("--site")
    a.add_argument("--kind", choices=["practice", "assessment"])
    a.add_argument(
        "--makes-up", metavar="DRILL", help="a make-up drill (补训) for this drill's absentees (record or key)"
    )
    a.add_argument(
        "--require-signed",
        action="store_true",
        help="refuse an assessment whose record is not signed with this site's key (see drillsim key)",
    )
    a.set_defaults(handler=cmd_history_add)

    f = actions.add_parser("feedback", help="record one participant's hot-wash feedback on a stored drill")
    f.add_argument("record", metavar="RECORD", help="the drill's record file, or its key")
    f.add_argument("--db", metavar="URL", help="database: an SQLite file or a URL")
    f.add_argument("--name", required=True, help="who gives the feedback")
    f.add_argument("--satisfaction", type=int, required=True, help="0-100")
    f.add_argument("--helped", default="", help="what helped")
    f.add_argument("--improve", default="", help="what to improve")
    f.set_defaults(handler=cmd_history_feedback)


def _whatif_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seeds", type=positive, default=200, metavar="N", help="drills per alternative (default 200)")
    p.add_argument(
        "--jobs", type=positive, default=1, metavar="K", help="worker processes (default 1; the result is the same)"
    )


def _whatif(args: argparse.Namespace) -> dict[str, Any]:
    from engine.tools.simulate import ProgressBar
    from scoring.whatif import whatif

    bar = ProgressBar()
    try:
        return whatif(args.record, seeds=args.seeds, jobs=args.jobs, progress=bar, unverified=args.unverified)
    except KeyboardInterrupt:
        bar.finish()
        raise


def cmd_whatif(args: argparse.Namespace) -> int:
    from pathlib import Path

    from scoring.report.whatif import lines

    if not Path(args.record).is_file():
        raise UsageError(f"{args.record}: no such file")
    result = _whatif(args)
    if result.get("warning"):
        print(f"{args.record}: WARNING: {result['warning']}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    for line in lines(result, args.lang or default_lang()):
        print(line)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from engine.runtime import open_verified
    from scoring import report

    if not Path(args.record).is_file():
        raise UsageError(f"{args.record}: no such file")
    lang = args.lang or default_lang()
    style = args.style or ("cn" if lang == "zh" else "hseep")
    # Verified first (chain and replay): an altered or cut-short record is refused, one line, exit 1.
    opened = open_verified(args.record, unverified=args.unverified)
    if opened.warning:
        print(f"{args.record}: WARNING: {opened.warning}", file=sys.stderr)
    whatif = _whatif(args) if args.whatif else None
    content = report.build(
        opened.record, lang, style, _zone(args.tz), setup=opened.setup, warning=opened.warning, whatif=whatif
    )
    if args.format == "docx":
        from scoring.ledger.word import report_docx

        if not args.output:
            raise UsageError("drillsim report: --format docx needs -o FILE")
        data = report_docx(content)
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise cannot_write(args.output, exc) from exc
        print(f"wrote {args.output}", file=sys.stderr)
        return 0
    text = report.render(content, args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise cannot_write(args.output, exc) from exc
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _zone(name: str | None) -> Any:
    """The zone named by ``--tz`` or DRILLSIM_TZ, or None (the machine's own zone)."""
    import os
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = name or os.environ.get("DRILLSIM_TZ") or None
    if name is None:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {name!r}; use a name such as Asia/Shanghai") from exc


def _history(args: argparse.Namespace) -> Any:
    # HistoryError is a DrillError: the command line's dispatcher turns it into one line, exit 2.
    from scoring.history import History

    return History(args.db)


def cmd_history(args: argparse.Namespace) -> int:
    from scoring.history import format_rows

    if ledger_cli.wants_ledger(args):
        return ledger_cli.cmd_history(args)
    if args.format == "csv" and args.view == "all":
        raise UsageError("drillsim history: --format csv needs one --view (results, pass-rates, ...)")
    quarter = args.by == "quarter"
    filters = {
        "person": args.person,
        "team": args.team,
        "site": args.site,
        "scenario": args.scenario,
        "since": args.since,
    }
    with _history(args) as db:
        views = {
            "results": lambda: db.results(**filters),
            "pass-rates": lambda: db.pass_rates(**filters, by_quarter=quarter),
            "weak-tasks": lambda: db.weak_tasks(**filters),
            "retraining": lambda: db.retraining(team=args.team, since=args.since, site=args.site),
            "satisfaction": lambda: db.satisfaction(
                by_quarter=quarter, scenario=args.scenario, since=args.since, team=args.team, site=args.site
            ),
            "feedback": lambda: db.comments(scenario=args.scenario, since=args.since, team=args.team),
        }
        chosen = list(views) if args.view == "all" else [args.view]
        data = {name: views[name]() for name in chosen}
    if args.format == "json":
        print(json.dumps(data if args.view == "all" else data[args.view], ensure_ascii=False, indent=2, default=str))
        return 0
    lang = args.lang or default_lang()
    zh = lang == "zh"
    table = args.format == "table"
    for name, rows in data.items():
        text = format_rows(_titled(rows, lang) if table else rows, args.format, lang if table else None)
        if args.view == "all":
            print(f"## {columns.view_title(name, lang) if table else name}")
        print(text if text else ("（无）" if zh else "(nothing matched)"))
        if args.view == "all":
            print()
    return 0


def _titled(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Rows for a person to read: each scenario or plan by its title and each task by its label, where found."""
    ids = {str(r["scenario"]) for r in rows if r.get("scenario")}
    ids |= {i.strip() for r in rows if r.get("scenarios") for i in str(r["scenarios"]).split(",")}
    titles = ledger_cli.titles_of(ids, lang)
    roles = _roles_of({str(r["scenario"]) for r in rows if r.get("scenario") and r.get("people")}, lang)
    out = []
    for row in rows:
        row = dict(row)
        scenario = row.get("scenario")
        if row.get("people") and scenario:
            named = roles.get(str(scenario), {})
            sep = "、" if lang == "zh" else ", "
            row["people"] = sep.join(_person(p, named, lang) for p in str(row["people"]).split(", "))
        if row.get("task") and scenario:
            row["task"] = titles.get(f"{base_id(str(scenario))}:{row['task']}", row["task"])
        if scenario:
            row["scenario"] = titles.get(str(scenario), scenario)
        if row.get("scenarios"):
            sep = "、" if lang == "zh" else ", "
            row["scenarios"] = sep.join(titles.get(i.strip(), i.strip()) for i in str(row["scenarios"]).split(","))
        out.append(row)
    return out


def _roles_of(ids: set[str], lang: str) -> dict[str, dict[str, str]]:
    """Scenario or plan id -> each of its roles' names in ``lang``, where the content is found."""
    from engine.errors import ContentError
    from engine.runtime import prepare

    found: dict[str, dict[str, str]] = {}
    for name in ids:
        try:
            setup = prepare(base_id(name))
        except ContentError:
            continue
        found[name] = {rid: role.label.get(lang) for src in setup.sources for rid, role in src.model.roles.items()}
    return found


def _person(entry: str, roles: dict[str, str], lang: str) -> str:
    """``name:role`` as history keeps it, written with the role's name (its id if the content is gone)."""
    name, _, role = entry.partition(":")
    if not role:
        return name
    shown = roles.get(role, role)
    return f"{name}（{shown}）" if lang == "zh" else f"{name} ({shown})"


def cmd_history_add(args: argparse.Namespace) -> int:
    people = [parse_person(p) for p in args.person or []]
    check_team(args.team, args.site)
    records = _records(args.records)
    if args.makes_up and len(records) != 1:
        raise UsageError("drillsim history add: --makes-up takes one RECORD (the make-up drill)")
    refused = 0
    with _history(args) as db:
        for record in records:
            try:
                said = _add_one(db, record, people, args)
            except RecordError as exc:
                print(f"drillsim: {exc}", file=sys.stderr)
                refused += 1
                continue
            except DrillError as exc:
                if len(records) == 1:
                    raise  # the one record: the command's own one-line error and exit code
                print(f"drillsim: {exc}", file=sys.stderr)
                refused += 1
                continue
            print(f"{record}: {said}")
    if refused:
        if len(records) > 1:
            print(f"drillsim: {refused} of {len(records)} records not added (see above)", file=sys.stderr)
        return 1
    if args.makes_up:
        args.record = records[0]
        ledger_cli.link_makeup(args)
    return 0


def _records(given: Sequence[str]) -> list[str]:
    """The records named: files as given, a folder as the ``.jsonl`` files in it (sorted by name)."""
    found: list[str] = []
    for item in given:
        path = Path(item)
        if path.is_dir():
            inside = sorted(str(p) for p in path.glob("*.jsonl") if p.is_file())
            if not inside:
                raise UsageError(f"drillsim history add: {item}: no .jsonl records in this folder")
            found += inside
        else:
            found.append(item)
    return list(dict.fromkeys(found))  # a record named twice is added once


def _add_one(db: Any, record: str, people: list[dict[str, str]], args: argparse.Namespace) -> str:
    """Store one record (or rescore it, when filed before); what to say of it."""
    added = db.add(
        record,
        participants=people or None,
        team=args.team,
        site=args.site,
        kind=args.kind,
        require_signed=args.require_signed,
    )
    if added:
        return "added to history"
    # Filed before: ratings may have been added to the record since (an evaluator's late rating,
    # a coach's judgement). Score it again; what was filed about it stays.
    before = db.standing(record)
    db.rescore(record)
    after = db.standing(record)
    if before is not None and after is not None and before != after:
        return (
            "already in history; score and rating brought up to date with the ratings added since"
            f" ({before[0]:g} {before[1]} -> {after[0]:g} {after[1]})"
        )
    return "already in history; nothing changed"


def cmd_history_feedback(args: argparse.Namespace) -> int:
    with _history(args) as db:
        db.add_feedback(args.record, args.name, args.satisfaction, args.helped, args.improve)
    print(f"{args.record}: feedback from {args.name} recorded")
    return 0


def after_recorded_run(args: argparse.Namespace) -> None:
    """``run --record FILE --person/--team``: store the finished drill in history at once."""
    with _history(args) as db:
        added = db.add(args.record)
    if added:
        print(f"{args.record}: added to history", file=sys.stderr)
