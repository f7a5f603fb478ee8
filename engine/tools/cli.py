"""The headless commands: validate, run, replay, key, schema, msel, list.

Exit codes: 0 done; 1 a check failed (invalid content in ``validate``, a record that does not
verify); 2 bad input or usage (a file that cannot be loaded for ``run``, a wrong option). Every
error is one clear line per problem on stderr, never a traceback (set ``DRILLSIM_DEBUG=1`` to see
one). Nothing here imports Textual: these commands must start fast.

The top-level ``drillsim`` command (:mod:`tui.cli`) adds the console and, later, scoring commands
on top of :func:`add_commands`.

Why one module of this size: every command's options and its handler sit together, so ``--help``,
the README's table and the exit-code conventions are kept consistent in one place; each handler
is a thin layer over the module that does the work (loader, run, record, lint, simulate, graph).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

from pydantic import BaseModel

from engine import __version__, limits
from engine.display import cells, default_lang
from engine.errors import ContentError, DrillError, EngineError, RecordError
from engine.format import (
    FORMAT,
    AnyEvent,
    DecisionMade,
    Finding,
    IncidentEnded,
    Plan,
    Programme,
    Scenario,
    Script,
    base_id,
    expand,
    find,
    line_schema,
    load,
    load_programme,
    load_scenario,
    load_script,
    programme_problems,
    script_problems,
    yaml_files,
)
from engine.paths import library_dirs
from engine.runtime import Pacer, RecordWriter, Timeline, header_for, play_random, play_script, prepare, verify
from engine.runtime.signing import ENV_KEY, ENV_KEY_FILE
from engine.tools import terminal

Handler = Callable[[argparse.Namespace], int]

Scorer = Callable[[Sequence[AnyEvent], Sequence[Any]], dict[str, Any]]
"""Adds fields (score, rating, passed) to a run's summary from its events and compiled scenarios."""

AFTER_RECORDED_RUN: list[Callable[[argparse.Namespace], None]] = []
"""Called after ``run --record`` with ``--person`` or ``--team``: the outer command stores the drill
in history (history lives above the engine)."""

SCORERS: list[Scorer] = []
"""Registered by the outer ``drillsim`` command (scoring lives above the engine, which cannot import
it); ``run --json`` adds their fields and ``simulate`` reports their spread."""

SCORE_ONLY: list[Scorer] = []
"""A faster scorer registered beside :data:`SCORERS`, giving only ``score``, ``rating`` and ``passed``
(the same figures): ``simulate`` uses it when there is one, since it reads nothing else."""


class UsageError(DrillError):
    """Wrong command-line use: reported with exit code 2."""


class OutputError(DrillError):
    """A file a command writes cannot be written (a missing or read-only folder, a full disk): exit 2."""


def cannot_write(path: str | Path, exc: OSError) -> OutputError:
    """The one-line error for a failed write of ``path``, saying what is wrong in plain words."""
    folder = Path(path).parent
    if isinstance(exc, FileNotFoundError) and not folder.is_dir():
        return OutputError(f"{path}: cannot write: there is no folder {str(folder)!r}")
    return OutputError(f"{path}: cannot write: {(exc.strerror or str(exc)).lower()}")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2, naming the command it is about."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_defaults(command_prog=self.prog)  # the innermost command parsed wins (see _dispatch)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


def build_parser(extra: Callable[[Any], None] | None = None) -> argparse.ArgumentParser:
    """The parser for the headless commands, plus those ``extra`` registers (the outer command's)."""
    parser = _Parser(
        prog="drillsim", description="Drill engine for property-management emergency and complaint exercises."
    )
    parser.add_argument("--version", action="version", version=f"drillsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    add_commands(sub)
    if extra is not None:
        extra(sub)
    return parser


def add_commands(sub: Any) -> None:
    """Register the engine's commands on a subparsers object."""
    p = sub.add_parser(
        "validate",
        help="check scenario, plan and script files",
        description="Check files or folders; every problem is listed as path:line:col: field: message.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (folders are searched for .yaml files)")
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser(
        "run",
        help="run a drill headless and print its timeline",
        description=(
            "Run a scenario or drill plan headless. Without --script or --policy nobody decides"
            " anything: the incident plays out on its own."
        ),
    )
    p.add_argument(
        "scenario", metavar="SCENARIO", help="scenario or plan file, or a shipped id such as elevator-entrapment"
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--script", metavar="FILE", help="YAML list of timed decisions by role")
    who.add_argument("--policy", choices=["random"], help="let a policy decide: random picks among the actions offered")
    p.add_argument("--seed", type=int, default=1, help="seed of the drill's random generator (default 1)")
    p.add_argument(
        "--mode",
        choices=["strict", "observe"],
        help="strict refuses rule-breaking decisions; observe records them (default: the plan's, else observe)",
    )
    p.add_argument(
        "--record", metavar="FILE", help="write the drill's record (JSONL) to FILE, line by line as it happens"
    )
    p.add_argument(
        "--speed", type=float, metavar="X", help="pace the drill at X times real time (default: as fast as possible)"
    )
    p.add_argument("--locale", metavar="NAME", help="use the scenario's parameter values for this locale (e.g. county)")
    _roleplay_arguments(p)
    p.add_argument("--lang", choices=["zh", "en"], help="language of the timeline (default from DRILLSIM_LANG or LANG)")
    p.add_argument("--json", action="store_true", help="print one JSON summary instead of the timeline")
    p.add_argument(
        "--person",
        action="append",
        metavar="NAME[:ROLE]",
        help="someone taking part (repeat for each); with --record the drill also goes into history",
    )
    p.add_argument("--team", help="the team taking part; with --record the drill also goes into history")
    p.add_argument("--site", help="the site (project) the team works at")
    p.add_argument("--kind", choices=["practice", "assessment"], help="practice (default) or assessment")
    p.add_argument("--db", metavar="URL", help="history database: SQLite file or URL (default: in user data)")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser(
        "lint",
        help="find what a valid scenario can still get wrong",
        description=(
            "Check scenarios and plans beyond validity: unreachable states, dead ends, stalls, timers that can"
            " never be met, loops that cannot close, unused names, missing translations, text too wide for the"
            " console. One line per problem: path:line:col CODE message. Codes: "
            + "; ".join(f"{code} {text}" for code, text in _lint_codes().items())
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(handler=cmd_lint)

    p = sub.add_parser(
        "test",
        help="run the tests written beside scenarios",
        description="Run every scenario's tests (its 'tests:' section); exit 1 if any fails.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="print failures and the summary only")
    p.add_argument("-v", "--verbose", action="store_true", help="under a failure, print the drill's events around it")
    p.set_defaults(handler=cmd_test)

    p = sub.add_parser(
        "replay",
        help="list or verify a drill record",
        description=(
            "Print a record's timeline, or with --verify only say whether it verifies. Either way the record"
            " is verified first (its checksum chain, then its decisions re-executed and every event compared);"
            " an altered or cut-short record is refused (exit 1), naming the first bad line."
        ),
    )
    p.add_argument("record", metavar="RECORD", help="a .jsonl record written by drillsim run --record")
    p.add_argument("--verify", action="store_true", help="re-execute and compare; exit 1 naming the first difference")
    p.add_argument(
        "--unverified", action="store_true", help="list a record that does not verify anyway, under a warning"
    )
    p.add_argument("--lang", choices=["zh", "en"], help="language of the listing")
    p.set_defaults(handler=cmd_replay)

    p = sub.add_parser(
        "key",
        help="make the site key that signs records",
        description=(
            "drillsim key new: make a random site key, readable by its owner only. While it is present"
            f" (or named by {ENV_KEY} or {ENV_KEY_FILE}), new records are signed with it (an HMAC chain) and"
            " verified with it. Keep it safe and keep a copy: without it, signed records cannot be checked."
        ),
    )
    keys = p.add_subparsers(dest="key_command", metavar="{new,show}", parser_class=_Parser)
    k = keys.add_parser("new", help="make a new site key (never replaces one)")
    k.add_argument("--path", metavar="FILE", help="where to put it (default: site.key in the user's data folder)")
    k.set_defaults(handler=cmd_key_new)
    k = keys.add_parser("show", help="say which site key is in force, by its id (never the key)")
    k.set_defaults(handler=cmd_key_show)
    p.set_defaults(handler=cmd_key_show)

    p = sub.add_parser(
        "simulate",
        help="Monte Carlo over many seeded drills",
        description=(
            "Run many drills with seeds S, S+1, ... and a policy; report outcomes, durations, findings, coverage"
            " and stalled runs. The result for a seed range is the same whatever --jobs is."
        ),
    )
    p.add_argument("scenario", metavar="SCENARIO|PLAN", help="scenario or plan file, or a shipped id")
    p.add_argument("--runs", type=positive, default=1000, metavar="N", help="number of drills (default 1000)")
    p.add_argument("--policy", choices=["random", "idle"], default="random", help="who decides (default random)")
    p.add_argument("--seed", type=int, default=1, metavar="S", help="first seed (default 1)")
    p.add_argument("--jobs", type=positive, default=1, metavar="K", help="worker processes (default 1)")
    p.add_argument(
        "--mode", choices=["strict", "observe"], dest="mode_given", help="default observe (with --staff: the plan's)"
    )
    p.add_argument("--locale", metavar="NAME")
    _roleplay_arguments(p)
    p.add_argument("--lang", choices=["zh", "en"], help="language of the report")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument(
        "--staff",
        action="append",
        metavar="POOL=N[,M...]",
        help=(
            "staffing stress test: play the good trainee --runs times at each number of people on duty in POOL"
            " (repeat for more pools: every combination) and show outcome and score against staff"
        ),
    )
    p.add_argument("--html", metavar="FILE", help="with --staff: also write the table and chart as an HTML page")
    p.set_defaults(handler=cmd_simulate)

    p = sub.add_parser(
        "graph",
        help="draw a scenario's state graph",
        description="Print the state graph as Mermaid or Graphviz DOT: stages [R/H/F], life-safety edges in red.",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="scenario file or shipped id")
    p.add_argument("--format", choices=["mermaid", "dot"], default="mermaid")
    p.add_argument("--lang", choices=["zh", "en"], help="language of the labels")
    p.set_defaults(handler=cmd_graph)

    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of the file formats",
        description="Print the JSON Schema for editors (e.g. yaml-language-server), or of one line of a"
        " drill record (record: docs/record-format.md).",
    )
    p.add_argument("kind", nargs="?", choices=["scenario", "plan", "script", "programme", "record"], default="scenario")
    p.set_defaults(handler=cmd_schema)

    p = sub.add_parser(
        "msel",
        help="the inject list (MSEL) as a spreadsheet: export, edit in Excel or WPS, import",
        description="Export a scenario's injects to .xlsx, or import an edited sheet back into the scenario's injects"
        " (nothing else in the file changes; every problem as FILE.xlsx:SHEET!CELL: message).",
    )
    msel = p.add_subparsers(dest="msel_command", metavar="{export,import}", parser_class=_Parser)
    p.set_defaults(handler=lambda _args: p.print_help() or 0)
    m = msel.add_parser("export", help="write a scenario's injects to an .xlsx file")
    m.add_argument("scenario", metavar="SCENARIO", help="scenario file or shipped id")
    m.add_argument("-o", "--output", metavar="FILE.xlsx", required=True)
    m.set_defaults(handler=cmd_msel_export)
    m = msel.add_parser("import", help="read an edited .xlsx back into a scenario's injects")
    m.add_argument("sheet", metavar="FILE.xlsx")
    m.add_argument("scenario", metavar="SCENARIO", help="the scenario file to update")
    m.add_argument("-o", "--output", metavar="OUT.yaml", help="write the result here instead of over SCENARIO")
    m.set_defaults(handler=cmd_msel_import)

    p = sub.add_parser(
        "list",
        help="list the scenarios and drill plans available",
        description="List shipped scenarios and plans, and those in the given folders.",
    )
    p.add_argument("paths", nargs="*", metavar="FOLDER")
    p.add_argument("--lang", choices=["zh", "en"])
    p.set_defaults(handler=cmd_list)


# Commands -------------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    files = list(yaml_files(args.paths))
    for name in args.paths:
        if not Path(name).exists():
            raise UsageError(f"{name}: no such file or folder")
    bad = 0
    for path in files:
        try:
            loaded = load(path) if not _looks_like_list(path) else load_script(path)
            if isinstance(loaded.model, Plan):
                prepare(str(path))  # a plan is valid only if its scenarios, pools and roles are
            if isinstance(loaded.model, Programme):
                # A programme is valid only if the drills it asks for exist (read again, typed as one).
                unknown = programme_problems(load_programme(path))
                if unknown:
                    raise ContentError(unknown)
            if isinstance(loaded.model, Script) and loaded.model.scenario:
                # A script that names its scenario is checked against it (actions and roles).
                named = base_id(loaded.model.scenario)
                target = load_scenario(find(named, near=Path(path).parent)).model
                problems = [] if target.roleplay_only else script_problems(loaded, [target])
                if target.dialogue is not None and (problems or target.roleplay_only):
                    # A script for the scenario's role-play (the same replies for every persona).
                    roleplay = expand(target, sorted(target.dialogue.personas)[0])
                    problems = script_problems(loaded, [roleplay])
                if problems:
                    raise ContentError(problems)
        except ContentError as exc:
            bad += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        model = loaded.model
        kinds: dict[type[BaseModel], str] = {Scenario: "scenario", Plan: "plan", Programme: "programme"}
        kind = kinds.get(type(model), "script")
        print(f"ok  {path}  ({kind})")
    print(
        f"{len(files) - bad} of {len(files)} files valid" if files else "no .yaml files found",
        file=sys.stderr if bad else sys.stdout,
    )
    return 1 if bad or not files else 0


def _looks_like_list(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    lines = [ln for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(lines) and lines[0].lstrip().startswith("- ")


def _lint_codes() -> dict[str, str]:
    from engine.tools.lint import CODES

    return CODES


def cmd_lint(args: argparse.Namespace) -> int:
    from engine.tools.lint import lint_paths

    for name in args.paths:
        if not Path(name).exists():
            raise UsageError(f"{name}: no such file or folder")
    found = lint_paths(args.paths)
    if args.format == "json":
        print(json.dumps([_lint_dict(x) for x in found], ensure_ascii=False, indent=2))
    else:
        for lint in found:
            print(lint)
        print(f"{len(found)} problem{'s' if len(found) != 1 else ''}", file=sys.stderr)
    return 1 if found else 0


def _lint_dict(lint: Any) -> dict[str, Any]:
    return {k: getattr(lint, k) for k in ("path", "line", "col", "code", "message")}


def cmd_test(args: argparse.Namespace) -> int:
    from engine.tools.scenario_tests import around, run_file

    for name in args.paths:
        if not Path(name).exists():
            raise UsageError(f"{name}: no such file or folder")
    passed = failed = 0
    for path in yaml_files(args.paths):
        if _looks_like_list(path):
            continue
        try:
            loaded = load(path)
        except ContentError as exc:
            failed += 1
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            continue
        if not isinstance(loaded.model, Scenario):
            continue
        for result in run_file(path, SCORERS[0] if SCORERS else None):
            if result.passed:
                passed += 1
                if not args.quiet:
                    print(f"PASS  {path}::{result.name}  ({result.outcome}, {result.findings} findings)")
            else:
                failed += 1
                print(f"FAIL  {path}::{result.name}")
                for failure in result.failures:
                    print(f"      - {failure}")
                    if args.verbose:
                        for line in around(result, failure, default_lang()):
                            print(f"          {line}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def _roleplay_arguments(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--persona", metavar="NAME", help="play the scenario's customer-service role-play against this owner persona"
    )
    group.add_argument("--roleplay", action="store_true", help="play the role-play, meeting the persona the seed picks")


def cmd_run(args: argparse.Namespace) -> int:
    setup = prepare(args.scenario, locale=args.locale, persona=args.persona, roleplay=args.roleplay)
    plan = setup.plan.model if setup.plan else None
    mode = args.mode or (plan.mode if plan else "observe")
    script = None
    if args.script:
        script = load_script(args.script)
        problems = script_problems(script, [sc.model for sc in setup.scenarios(args.seed)])
        if problems:
            raise ContentError(problems)
    if args.speed is not None and args.speed <= 0:
        raise UsageError("drillsim run: --speed must be greater than 0")
    participants = [parse_person(p) for p in args.person or []]
    check_team(args.team, args.site)
    lang = args.lang or default_lang()
    drill = setup.drill(seed=args.seed, mode=mode)
    timeline = Timeline(setup.scenarios(args.seed), lang)
    writer = None
    if args.record:
        header = header_for(
            setup,
            seed=args.seed,
            mode=mode,
            source=args.scenario,
            participants=participants,
            team=args.team,
            site=args.site,
            kind=args.kind,
        )
        try:
            writer = RecordWriter(args.record, header, setup)
        except RecordError as exc:
            raise UsageError(str(exc)) from exc
        drill.subscribe(partial(_record, writer))
    if not args.json:
        drill.subscribe(lambda e: _print_line(timeline.line(e)))
    drill.start()
    pacer = Pacer(drill, args.speed) if args.speed else None
    try:
        if script is not None:
            play_script(drill, script.model.decisions, pacer=pacer)
        elif args.policy == "random":
            play_random(drill, args.seed, pacer=pacer)
        elif pacer is not None:
            pacer.run_to_end()
        else:
            drill.run_to_end()
    finally:
        if writer is not None:
            try:
                writer.close()
            except OSError as exc:
                raise _record_failed(writer, exc) from exc
    if args.json:
        data = summary(drill.events, setup.title_id, args.seed, mode, drill.outcome, lang)
        for scorer in SCORERS:
            data.update(scorer(drill.events, setup.scenarios(args.seed)))
        print(json.dumps(data, ensure_ascii=False, indent=2))
    if args.record and (args.person or args.team):
        for hook in AFTER_RECORDED_RUN:
            hook(args)
    return 0


def _record(writer: RecordWriter, event: AnyEvent) -> None:
    """Write one event of ``run --record``; a full disk or a lost folder stops the drill with one line."""
    try:
        writer.write(event)
    except OSError as exc:
        raise _record_failed(writer, exc) from exc


def _record_failed(writer: RecordWriter, exc: OSError) -> OutputError:
    return OutputError(f"{cannot_write(writer.path, exc)}; the record keeps the events written before")


def parse_person(text: str) -> dict[str, str]:
    """``--person NAME[:ROLE]`` as ``{"name", "role"}``."""
    name, _, role = text.partition(":")
    if not name.strip():
        raise UsageError(f"drillsim: --person needs a name, got {text!r}")
    if len(name.strip()) > limits.NAME:
        raise UsageError(f"drillsim: --person: a name of {len(name.strip()):,} characters; at most {limits.NAME}")
    return {"name": name.strip(), "role": role.strip()}


def check_team(team: str | None, site: str | None) -> None:
    """Refuse a ``--team`` or ``--site`` longer than :data:`engine.limits.TEAM`."""
    for option, text in (("--team", team), ("--site", site)):
        if text is not None and len(text.strip()) > limits.TEAM:
            raise UsageError(f"drillsim: {option}: {len(text.strip()):,} characters; at most {limits.TEAM}")


def _print_line(line: str | None) -> None:
    if line is not None:
        print(line, flush=True)


def summary(
    events: Sequence[AnyEvent], scenario: str, seed: int, mode: str, outcome: str | None, lang: str
) -> dict[str, Any]:
    """The ``--json`` result of a run: what happened, in one object."""
    findings = [
        {
            "rule": e.rule,
            "kind": e.kind,
            "t": e.t,
            "incident": e.incident,
            "action": e.action,
            "timer": e.timer,
            "detail": e.detail.get(lang) or next(iter(e.detail.values())),
        }
        for e in events
        if isinstance(e, Finding)
    ]
    ends = [
        {"incident": e.incident, "ending": e.ending, "outcome": e.outcome}
        for e in events
        if isinstance(e, IncidentEnded)
    ]
    decisions = [e for e in events if isinstance(e, DecisionMade)]
    return {
        "scenario": scenario,
        "seed": seed,
        "mode": mode,
        "outcome": outcome,
        "endings": ends,
        "sim_minutes": events[-1].t if events else 0,
        "events": len(events),
        "decisions": {s: sum(1 for d in decisions if d.status == s) for s in ("accepted", "refused", "unavailable")},
        "findings": findings,
    }


def cmd_replay(args: argparse.Namespace) -> int:
    if not Path(args.record).is_file():
        raise UsageError(f"{args.record}: no such file")
    if args.verify:
        result = verify(args.record)
        print(f"{args.record}: {result.message}", file=sys.stdout if result.ok else sys.stderr)
        if result.ok and result.signed_note:
            print(f"{args.record}: {result.signed_note}", file=sys.stderr)
        return 0 if result.ok else 1
    from engine.runtime import open_verified

    opened = open_verified(args.record, unverified=args.unverified)
    record = opened.record
    if opened.warning:
        print(f"{args.record}: WARNING: {opened.warning}", file=sys.stderr)
        print(f"# WARNING: {opened.warning}", flush=True)
    timeline = Timeline(opened.setup.scenarios(), args.lang or default_lang())
    for event in record.events:
        _print_line(timeline.line(event))
    if record.truncated:
        print(f"{args.record}: the record was cut short; it ends here", file=sys.stderr)
    return 0


def cmd_key_new(args: argparse.Namespace) -> int:
    from engine.runtime import new_site_key

    path, key = new_site_key(Path(args.path) if args.path else None)
    print(f"{path}: new site key {key.id} (readable by you only); new records are signed with it", file=sys.stderr)
    if args.path:
        print(f"set {ENV_KEY_FILE}={path} where drills are run and checked", file=sys.stderr)
    return 0


def cmd_key_show(args: argparse.Namespace) -> int:
    from engine.runtime import site_key

    key = site_key()
    if key is None:
        print("no site key: new records are not signed (drillsim key new makes one)")
        return 1
    print(f"site key {key.id} from {key.source}")
    return 0


def positive(text: str) -> int:
    """An argument that must be a whole number of at least 1 (``argparse`` type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def port(text: str) -> int:
    """An argument that must be a TCP port, 0 to 65535 (``argparse`` type; 0 lets the system choose)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is a whole number from 0 to 65535, got {value}")
    return value


def cmd_staffing(args: argparse.Namespace) -> int:
    from engine.tools import simulate, staffing

    if args.policy != "random" or args.persona or args.roleplay:
        raise UsageError(
            "drillsim simulate: --staff plays the good trainee; it takes no --policy, --persona or --roleplay"
        )
    bar = simulate.ProgressBar()
    try:
        result = staffing.sweep(
            args.scenario,
            staffing.parse(args.staff),
            runs=args.runs,
            seed=args.seed,
            mode=args.mode_given,
            jobs=args.jobs,
            locale=args.locale,
            scorer=next(iter(SCORE_ONLY or SCORERS), None),
            progress=bar,
        )
    except KeyboardInterrupt:
        bar.finish()
        raise
    lang = args.lang or default_lang()
    if args.html:
        try:
            Path(args.html).write_text(staffing.page(result, lang), encoding="utf-8")
        except OSError as exc:
            raise cannot_write(args.html, exc) from exc
        print(f"wrote {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for line in staffing.text(result, lang):
            print(line)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    import time

    from engine.tools import simulate

    if args.staff:
        return cmd_staffing(args)
    if args.html:
        raise UsageError("drillsim simulate: --html goes with --staff")
    args.mode = args.mode_given or "observe"

    started = time.monotonic()
    bar = simulate.ProgressBar()
    try:
        aggregate = simulate.simulate(
            args.scenario,
            runs=args.runs,
            seed=args.seed,
            policy=args.policy,
            mode=args.mode,
            jobs=args.jobs,
            locale=args.locale,
            progress=bar,
            scorer=next(iter(SCORE_ONLY or SCORERS), None),
            persona=args.persona,
            roleplay=args.roleplay,
        )
    except KeyboardInterrupt:
        bar.finish()
        raise
    setup = prepare(args.scenario, locale=args.locale, persona=args.persona, roleplay=args.roleplay)
    result = simulate.report(aggregate, setup, seconds=time.monotonic() - started)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    lang = args.lang or default_lang()
    zh = lang == "zh"
    words = Timeline([], lang)
    named = simulate.labels(setup, lang)
    sep = "；" if zh else "; "  # labels may hold commas and 、 of their own

    def listed(keys: list[str]) -> str:
        return sep.join(named.get(k) or k for k in keys) or "-"

    def pcts(values: dict[str, float]) -> str:
        return _pcts(values, lang)

    stalled = result["stalled"]
    rows = [
        ("场景" if zh else "scenario", named.get(result["scenario"]) or result["scenario"]),
        ("演练次数" if zh else "runs", f"{result['runs']} ({result.get('runs_per_second')} /s)"),
        (
            "结果" if zh else "outcomes",
            ", ".join(f"{words.word(k)} {v['share']:.1%}" for k, v in result["outcomes"].items()),
        ),
        ("时长（分钟）" if zh else "sim minutes", pcts(result["sim_minutes"])),
        ("每次发现问题数" if zh else "findings per run", pcts(result["findings_per_run"])),
        (
            "出现该类问题的次数" if zh else "runs with a finding",
            ", ".join(f"{words.word(k)} {v}" for k, v in result["runs_with_finding"].items()) or "-",
        ),
        ("状态覆盖" if zh else "state coverage", result["coverage"]["states"]),
        ("行动覆盖" if zh else "action coverage", result["coverage"]["actions"]),
        (
            "超时停滞" if zh else "stalled runs",
            f"{stalled['runs']}" + (f" (seeds {stalled['first_seeds']})" if stalled["runs"] else ""),
        ),
        ("从未到达的状态" if zh else "never visited", listed(result["coverage"]["states_never_visited"])),
        *(
            [
                ("得分" if zh else "score", pcts(result["score"])),
                ("评级" if zh else "ratings", ", ".join(f"{k} {v}" for k, v in result["ratings"].items())),
                ("通过" if zh else "passed", f"{result['passed']['runs']} ({result['passed']['share']:.1%})"),
            ]
            if "score" in result
            else []
        ),
        ("从未采取的行动" if zh else "never taken", listed(result["coverage"]["actions_never_taken"])),
    ]
    width = max(cells(label) for label, _ in rows)
    for label, value in rows:
        print(f"{' ' * (width - cells(label))}{label}  {value}")
    return 0


_STATS = {
    "min": ("最小", "min"),
    "max": ("最大", "max"),
    "p50": ("中位数", "p50"),
    "p90": ("P90", "p90"),
    "p99": ("P99", "p99"),
}
"""The spread's figures as a reader of each language writes them (P90: nine runs in ten at or below)."""


def _pcts(values: dict[str, float], lang: str = "en") -> str:
    return "  ".join(f"{_STATS.get(k, (k, k))[0 if lang == 'zh' else 1]} {v:g}" for k, v in values.items())


def cmd_graph(args: argparse.Namespace) -> int:
    from engine.tools import graph

    scenario = load_scenario(find(args.scenario)).model
    lang = args.lang or default_lang()
    print(graph.dot(scenario, lang) if args.format == "dot" else graph.mermaid(scenario, lang), end="")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    classes: dict[str, type[BaseModel]] = {"scenario": Scenario, "plan": Plan, "script": Script, "programme": Programme}
    schema = line_schema() if args.kind == "record" else classes[args.kind].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    version = FORMAT.rsplit("/", 1)[1] if args.kind == "record" else "1"  # each record version has its own id
    schema["$id"] = f"https://drillsim.invalid/schema/{args.kind}-{version}.json"
    # Field descriptions come from docstrings written for Sphinx (``x``); editors show single backticks.
    print(json.dumps(schema, ensure_ascii=False, indent=2).replace("``", "`"))
    return 0


def cmd_msel_export(args: argparse.Namespace) -> int:
    from engine.tools import msel  # openpyxl and ruamel.yaml: only for this command

    data = msel.export(load_scenario(find(args.scenario)).model)
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        raise cannot_write(args.output, exc) from exc
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_msel_import(args: argparse.Namespace) -> int:
    from engine.tools import msel

    if not Path(args.scenario).is_file():
        raise UsageError(f"{args.scenario}: no such file (name the scenario file to update)")
    try:
        written = msel.import_sheet(args.sheet, args.scenario, args.output)
    except msel.MselError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    print(f"wrote {written}", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    lang = args.lang or default_lang()
    folders = [Path(p) for p in args.paths] or library_dirs()
    rows: list[tuple[str, ...]] = []
    for path in yaml_files([str(f) for f in folders]):
        if _looks_like_list(path):
            continue  # a bare decision script: nothing to list
        try:
            loaded = load(path)
        except ContentError as exc:
            print(f"skipped {path}: {exc.problems[0].message}", file=sys.stderr)
            continue
        model = loaded.model
        if isinstance(model, Scenario):
            rows.append((model.id, model.version, model.category, model.title.get(lang), str(path)))
        elif isinstance(model, Plan):
            rows.append((model.id, model.version, "plan", model.title.get(lang), str(path)))
    for row in rows:
        print("  ".join(row))
    if not rows:
        print("no scenarios or plans found", file=sys.stderr)
    return 0


# Entry ----------------------------------------------------------------------------------------


def dispatch(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse ``argv`` and run the command; turn every error into one line and an exit code.

    Output that the terminal's encoding cannot show is written as look-alikes and escapes, with a
    note at the end (:mod:`engine.tools.terminal`), rather than failing.
    """
    terminal.guard()
    try:
        return _dispatch(parser, argv)
    finally:
        said = terminal.note()
        if said is not None:
            print(said, file=sys.stderr)


def _dispatch(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # said by the command they were given to, not by drillsim as a whole
            prog = getattr(args, "command_prog", parser.prog)
            raise UsageError(f"{prog}: unrecognized arguments: {' '.join(extra)} (see {prog} --help)")
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 0
        return handler(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return 2
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except RecordError as exc:
        print(f"drillsim: {exc}", file=sys.stderr)
        return 1
    except (EngineError, DrillError) as exc:
        print(f"drillsim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("drillsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        # An ordinary fault of the machine (a file gone, a disk full, no permission), not a bug.
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"drillsim: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if os.environ.get("DRILLSIM_DEBUG"):
            raise
        print(
            f"drillsim: internal error: {type(exc).__name__}: {exc} (set DRILLSIM_DEBUG=1 for details)", file=sys.stderr
        )
        return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the headless commands (``python -m engine.tools.cli``)."""
    return dispatch(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
