"""Drill events per second on the elevator scenario (random policy, records off), beside bare SimPy.

Both figures are measured in the same process, one after the other, so their ratio is meaningful
on a shared, noisy machine even when the absolute figures move. Run:

    python benchmarks/throughput.py [--seconds S] [--scenario PATH]

The drill figure counts every event a drill emits (decisions, findings, state changes, injects,
variable steps, timers...) over whole runs with the random policy in observe mode; the compiled
scenario is reused across runs, as Monte Carlo does.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import simpy

from engine.runtime import play_random, prepare

ROOT = Path(__file__).resolve().parents[1]


def bare_simpy(seconds: float) -> float:
    """Timeouts per second processed by a bare SimPy environment (one process, unit timeouts)."""

    def ticker(env: simpy.Environment):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(1)

    best = 0.0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        env = simpy.Environment()
        env.process(ticker(env))
        start = time.perf_counter()
        env.run(until=100_000)
        best = max(best, 100_000 / (time.perf_counter() - start))
    return best


def drill_events(seconds: float, scenario: str) -> tuple[float, int, int]:
    """Events per second over whole random-policy drills; returns (rate, events, runs)."""
    setup = prepare(scenario)
    setup.drill(seed=0, mode="observe", keep=False)  # compile once, outside the timing
    events = runs = 0
    counted = [0]

    def count(_event: object) -> None:
        counted[0] += 1

    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        drill = setup.drill(seed=runs, mode="observe", keep=False)
        drill.subscribe(count)
        drill.start()
        play_random(drill, runs)
        runs += 1
    elapsed = time.perf_counter() - start
    events = counted[0]
    return events / elapsed, events, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="time spent on each measurement")
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "elevator-entrapment.yaml"))
    args = parser.parse_args()
    simpy_rate = bare_simpy(args.seconds)
    rate, events, runs = drill_events(args.seconds, args.scenario)
    print(f"bare SimPy timeouts/s : {simpy_rate:12,.0f}")
    print(f"drill events/s        : {rate:12,.0f}   ({events:,} events over {runs:,} random-policy runs)")
    print(f"ratio drill/SimPy     : {rate / simpy_rate:12.3f}")
    print(f"events per run        : {events / max(runs, 1):12.1f}")


if __name__ == "__main__":
    main()
