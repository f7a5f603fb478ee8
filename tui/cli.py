"""The ``drillsim`` command: the console when called bare, the headless commands otherwise.

This is the outermost layer, the one place allowed to know every package. It imports nothing heavy
at module level: the headless commands must not pay for Textual.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from engine import cli as engine_cli
from engine.cli import build_parser, dispatch
from scoring import cli as scoring_cli
from scoring.evaluation import summary

if summary not in engine_cli.SCORERS:
    engine_cli.SCORERS.append(summary)  # run --json gains score, rating, passed; simulate their spread
if scoring_cli.after_recorded_run not in engine_cli.AFTER_RECORDED_RUN:
    engine_cli.AFTER_RECORDED_RUN.append(scoring_cli.after_recorded_run)  # run --record --person: history


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``drillsim`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(scoring_cli.add_commands)
    if not args:
        parser.print_help()
        print("\nThe facilitator's console is not built yet; use the commands above.")
        return 0
    return dispatch(parser, args)


if __name__ == "__main__":
    sys.exit(main())
