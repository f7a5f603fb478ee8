"""Monte Carlo with scoring: runs per second of ``drillsim simulate`` on each shipped plan and scenario.

Each file is played for a fixed wall time with the random policy in observe mode, every run scored,
as ``drillsim simulate --runs N`` does. Two scorers are timed where they exist: the full evaluation
(``scoring.evaluation.summary``: rubric, findings, breakdown) and the score-only path
(``scoring.scorecard.score_only``: score, rating and pass, what a sweep counts). Run:

    python benchmarks/montecarlo.py [--seconds S] [--file PATH ...]

To compare two versions of the engine, run it from each checkout in turn, interleaved, and compare
the figures of one sitting (the machine is shared: absolute figures move, close-in-time ones less).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.runtime import prepare
from engine.tools.simulate import run_seeds
from scoring.evaluation import summary

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = [
    ROOT / "scenarios" / "elevator-entrapment.yaml",
    ROOT / "scenarios" / "fire-evacuation.yaml",
    ROOT / "drills" / "rainstorm-cascade.yaml",
]


def runs_per_second(path: Path, scorer: Callable[..., Any], seconds: float) -> float:
    """Scored random-policy runs per second over ``seconds`` (the set-up compiled once, outside)."""
    setup = prepare(str(path))
    run_seeds(setup, range(3), "random", "observe", scorer)  # compile and warm up
    runs, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        run_seeds(setup, range(runs, runs + 20), "random", "observe", scorer)
        runs += 20
    return runs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="time spent on each measurement")
    parser.add_argument("--file", action="append", type=Path, help="a scenario or plan (default: three)")
    args = parser.parse_args()
    scorers: list[tuple[str, Callable[..., Any]]] = [("full evaluation", summary)]
    with contextlib.suppress(ImportError):  # an engine from before the score-only path has none
        scorers.append(("score only", importlib.import_module("scoring.scorecard").score_only))
    for path in args.file or DEFAULT:
        for name, scorer in scorers:
            rate = runs_per_second(path, scorer, args.seconds)
            print(f"{path.stem:28} {name:16} runs/s: {rate:8,.0f}")


if __name__ == "__main__":
    main()
