"""The ``drillsim`` command: the console when called bare, the headless commands otherwise.

This is the outermost layer, the one place allowed to know every package. It imports nothing heavy
at module level: the headless commands must not pay for Textual, and the console must not pay for
the headless commands' parsers before its first screen.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CONSOLE_HELP = "open the facilitator's console (the default when drillsim is run with no command)"


def add_console(sub: Any) -> None:
    """Register ``console`` on the ``drillsim`` subparsers (so it shows in ``--help``)."""
    p = sub.add_parser(
        "console",
        help=CONSOLE_HELP,
        description=(
            "Run tabletop drills: pick a plan or scenario, set up the team, run the clock, enter decisions by"
            " role, inject, rate, debrief; replay records and fork what-ifs. Keys: F1 for help."
        ),
    )
    _console_arguments(p)
    p.set_defaults(handler=_run_console)


def _console_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "folders", nargs="*", metavar="FOLDER", help="more folders (or files) of scenarios and plans to list"
    )
    p.add_argument("--lang", choices=["zh", "en"], help="language of the console (default from DRILLSIM_LANG or LANG)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--replay", metavar="RECORD", help="open a record in replay")
    group.add_argument("--resume", metavar="RECORD", help="go on with a drill that was cut short")
    p.add_argument(
        "--room-host",
        metavar="HOST",
        help="address the drill room listens on when opened from a live drill"
        " (default DRILLSIM_ROOM_HOST, else this computer's address on its network)",
    )
    p.add_argument(
        "--room-port",
        metavar="PORT",
        help="the drill room's port (default DRILLSIM_ROOM_PORT, else 8765; taken: the next few are tried)",
    )
    p.add_argument(
        "--unverified",
        action="store_true",
        help="replay a record that does not verify (altered, cut short) anyway, under a warning",
    )


class _ConsoleParser(argparse.ArgumentParser):
    """The console's own small parser: parsed before anything heavy is imported; one-line errors."""

    def error(self, message: str) -> Any:
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(2)


def _console_problem(args: argparse.Namespace) -> str | None:
    for folder in args.folders:
        if not Path(folder).exists():
            return f"drillsim: {folder}: no such file or folder"
    for name in (args.replay, args.resume):
        if name and not Path(name).is_file():
            return f"drillsim: {name}: no such file"
    from tui import keys  # light: the console imports it first thing anyway

    try:
        keys.load_keymap()
    except keys.KeymapLimitError as exc:
        return f"drillsim: key map {keys.keymap_path()}: {exc}"
    except keys.KeymapError:
        pass  # a mistake in a real key map: the console starts with the default keys and says why
    port = _room_port(args)
    if port is None:
        return "drillsim: the room's port must be a whole number from 0 to 65535 (--room-port or DRILLSIM_ROOM_PORT)"
    headless = bool(os.environ.get("DRILLSIM_HEADLESS"))
    if not headless and not (sys.stdin.isatty() and sys.stdout.isatty()):
        return "drillsim: the console needs a terminal; see drillsim --help for the headless commands"
    return None


def _room_port(args: argparse.Namespace) -> int | None:
    """The room's port from ``--room-port``, else ``DRILLSIM_ROOM_PORT``, else 8765; None if not a port."""
    raw = args.room_port if args.room_port is not None else os.environ.get("DRILLSIM_ROOM_PORT") or "8765"
    try:
        return _port(str(raw).strip())
    except argparse.ArgumentTypeError:
        return None


def _run_console(args: argparse.Namespace) -> int:
    problem = _console_problem(args)
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    from tui.app import DrillsimApp

    folders = [Path(f) for f in args.folders]
    port = _room_port(args)  # checked by _console_problem
    app = DrillsimApp(
        folders=folders,
        lang=args.lang,
        open_record=Path(args.replay) if args.replay else None,
        resume=Path(args.resume) if args.resume else None,
        unverified=args.unverified,
        room_host=args.room_host or os.environ.get("DRILLSIM_ROOM_HOST") or None,
        room_port=port if port is not None else 8765,
    )
    app.run(headless=bool(os.environ.get("DRILLSIM_HEADLESS")))
    return app.return_code or 0


def add_serve(sub: Any) -> None:
    """Register ``serve`` (the drill room); the room package is imported only when it runs."""
    p = sub.add_parser(
        "serve",
        help="open the drill room: participants, evaluators and trainees join from their phones",
        description="Serve the drill room on this computer (127.0.0.1 unless --host); Ctrl-C stops it.",
    )
    p.add_argument("folders", nargs="*", metavar="FOLDER", help="more folders (or files) of scenarios and plans")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this computer only)")
    p.add_argument("--port", type=_port, default=8765, help="port (default 8765)")
    p.add_argument("--db", metavar="URL", help="history database: SQLite file or URL (default: in user data)")
    p.set_defaults(handler=_run_serve)


def _port(text: str) -> int:
    from engine.tools.cli import port  # the engine's tools are imported when a command runs

    return port(text)


def _run_serve(args: argparse.Namespace) -> int:
    from room.server import serve

    return serve(args.folders, host=args.host, port=args.port, db=args.db)


def _headless_parser() -> argparse.ArgumentParser:
    from engine.tools import cli as engine_cli
    from engine.tools.cli import build_parser
    from scoring import cli as scoring_cli
    from scoring.evaluation import summary
    from scoring.ledger import cli as ledger_cli
    from scoring.scorecard import score_only

    if summary not in engine_cli.SCORERS:
        engine_cli.SCORERS.append(summary)  # run --json gains score, rating, passed; simulate their spread
    if score_only not in engine_cli.SCORE_ONLY:
        engine_cli.SCORE_ONLY.append(score_only)  # the same three figures, faster, for simulate
    if scoring_cli.after_recorded_run not in engine_cli.AFTER_RECORDED_RUN:
        engine_cli.AFTER_RECORDED_RUN.append(scoring_cli.after_recorded_run)  # run --record --person: history

    def extra(sub: Any) -> None:
        scoring_cli.add_commands(sub)
        ledger_cli.add_commands(sub)  # actions, review
        add_console(sub)
        add_serve(sub)

    return build_parser(extra)


CONSOLE_OPTIONS = ("--lang", "--replay", "--resume", "--unverified")
"""Options only the console has: ``drillsim --lang zh`` opens the console, as bare ``drillsim`` does."""


def _is_console(args: Sequence[str]) -> bool:
    """Whether ``args`` ask for the console: none, ``console ...``, or a console option first."""
    if not args or args[0] == "console":
        return True
    return args[0].partition("=")[0] in CONSOLE_OPTIONS


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``drillsim`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if _is_console(args):
        parser = _ConsoleParser(prog="drillsim console", description=CONSOLE_HELP)
        _console_arguments(parser)
        return _run_console(parser.parse_args(args[1:] if args and args[0] == "console" else args))
    from engine.tools.cli import dispatch

    return dispatch(_headless_parser(), args)


if __name__ == "__main__":
    sys.exit(main())
