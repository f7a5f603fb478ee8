"""Validate, compile and run time, and peak memory, against the number of states in a scenario.

A generated scenario of N states is a chain: in each state one action moves on to the next, and
some states offer more (a check in every fourth, a transition back and a way to skip ahead in every
tenth), beside actions offered everywhere (report, feedback), a hazard, injects at a time and on a
condition, a dynamic and a timer: the mix of a real scenario, scaled. Its run plays the whole chain
with a script, one decision a sim minute.

Each size is measured in a fresh process (so the peak memory of one size does not hide the next):
the wall time (best of three) of loading and validating the file, of compiling it, of running the
chain, and the peak of memory Python allocated while compiling and running (``tracemalloc``, in a second pass, as
it slows what it watches). Run:

    python benchmarks/compile_scaling.py [--sizes 500,1000,2000,3000,5000]

Linear growth shows as a steady per-state cost down the last two columns.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

REPEATS = 3
"""Times are the best of this many tries: the least disturbed by whatever else the machine runs."""


def scenario_yaml(states: int) -> str:
    """The text of a valid scenario with ``states`` states chained one to the next."""
    names = [f"s{i:05d}" for i in range(states)]
    lines = [
        "schema: scenario/1",
        f"id: chain-{states}",
        'version: "1"',
        "category: other",
        f"title: {{en: Chain of {states} states}}",
        "summary: {en: A generated scenario for measuring how compile and run scale.}",
        f"limit: {2 * states + 60}",
        "roles:",
        "  crew: {kind: staff, label: {en: Crew}, pool: crew}",
        "  caller: {kind: external, label: {en: Caller}}",
        "staff:",
        "  crew: {capacity: 3, label: {en: Crew}}",
        "variables:",
        f"  progress: {{type: int, min: 0, max: {states}, initial: 0}}",
        "  level: {type: float, min: 0, max: 100, initial: 0}",
        "  alerted: {type: bool, initial: false}",
        f"initial: {names[0]}",
        "states:",
    ]
    lines += [f"  {name}: {{narration: {{en: Step {i}}}}}" for i, name in enumerate(names)]
    lines += [
        "endings:",
        "  finished: {outcome: success, narration: {en: Done}}",
        "  lost: {outcome: failure, narration: {en: Lost}}",
        "hazards:",
        "  flood: {label: {en: Flood}, active: 'level > 90', requires: [report]}",
        "actions:",
        "  report: {role: crew, label: {en: Report}, stage: report, life: life-safety, duration: 0.5}",
        "  tell: {role: crew, label: {en: Tell}, stage: feedback, life: support, duration: 0.5}",
    ]
    for i, name in enumerate(names):
        after = names[i + 1] if i + 1 < states else "finished"
        lines.append(
            f"  go_{i}: {{role: crew, label: {{en: Go {i}}}, stage: handle, life: support, in: [{name}],"
            f" duration: 0.5, effects: {{progress: 'progress + 1'}}, goto: {after}}}"
        )
        if i % 4 == 1:
            lines.append(
                f"  check_{i}: {{role: crew, label: {{en: Check {i}}}, stage: handle, life: property, in: [{name}],"
                " when: 'level < 80', duration: 1}"
            )
        if i % 10 == 5 and i + 2 < states:
            lines.append(
                f"  skip_{i}: {{role: crew, label: {{en: Skip {i}}}, stage: handle, life: support,"
                f" in: [{name}], duration: 2, goto: {names[i + 2]}}}"
            )
    lines += [
        "injects:",
        "  call: {at: 5, from: caller, to: crew, channel: phone, message: {en: Any news?}}",
        f"  halfway: {{when: 'progress >= {states // 2}', from: caller, to: crew, channel: phone,"
        " message: {en: Halfway}, effects: {alerted: true}}",
        "dynamics:",
        f"  rising: {{var: level, rate: {50 / states:.6f}, while: 'not alerted'}}",
        "transitions:",
    ]
    for i in range(5, states, 10):
        lines.append(f"  back_{i}: {{when: 'level >= 100', in: [{names[i]}], goto: {names[i - 5]}}}")
    lines += [
        "  swamped: {when: 'level >= 100 and not alerted', goto: lost}",
        "timers:",
        "  reported: {label: {en: Reported}, deadline: 10, met: started(report)}",
    ]
    return "\n".join(lines) + "\n"


def script_yaml(states: int) -> str:
    """A decision script that reports, then walks the chain to its end, one step a sim minute."""
    lines = ["schema: script/1", f"scenario: chain-{states}", "decisions:", "  - {t: 0, role: crew, action: report}"]
    lines += [f"  - {{t: {i + 1}, role: crew, action: go_{i}}}" for i in range(states)]
    lines.append(f"  - {{t: {states + 1}, role: crew, action: tell}}")
    return "\n".join(lines) + "\n"


def measure(states: int, folder: Path) -> dict[str, float]:
    """Validate, compile and run one generated scenario; times in seconds, memory in MB."""
    from engine.format import load_scenario, load_script
    from engine.runtime import compile as compile_module
    from engine.runtime import play_script, prepare

    scenario = folder / f"chain-{states}.yaml"
    scenario.write_text(scenario_yaml(states), encoding="utf-8")
    script = folder / f"chain-{states}.script.yaml"
    script.write_text(script_yaml(states), encoding="utf-8")

    validated = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        load_scenario(scenario)
        validated = min(validated, time.perf_counter() - started)
    decisions = load_script(script).model.decisions

    def compile_and_run(trace: bool) -> tuple[float, float, float, str | None]:
        compile_module._CACHE.clear()
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        setup = prepare(str(scenario))
        setup.scenarios(1)
        compiled_at = time.perf_counter()
        drill = setup.drill(seed=1, mode="observe")
        drill.start()
        play_script(drill, decisions)
        ran_at = time.perf_counter()
        peak = 0.0
        if trace:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        return compiled_at - started, ran_at - compiled_at, peak, drill.outcome

    compile_s = run_s = float("inf")
    for _ in range(REPEATS):
        took_compile, took_run, _, outcome = compile_and_run(trace=False)
        compile_s, run_s = min(compile_s, took_compile), min(run_s, took_run)
    _, _, peak, _ = compile_and_run(trace=True)
    return {
        "states": states,
        "validate_s": validated,
        "compile_s": compile_s,
        "run_s": run_s,
        "peak_mb": peak,
        "finished": float(outcome == "success"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", default="500,1000,2000,3000,5000", help="state counts, comma-separated")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process's job
    args = parser.parse_args()
    if args.one:
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(measure(args.one, Path(folder))))
        return
    print(
        f"{'states':>7} {'validate s':>11} {'compile s':>10} {'run s':>8} {'peak MB':>8}"
        f" {'compile ms/state':>17} {'peak KB/state':>14}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True, check=True, cwd=ROOT
        )
        row = json.loads(child.stdout)
        print(
            f"{size:>7} {row['validate_s']:>11.2f} {row['compile_s']:>10.2f} {row['run_s']:>8.2f}"
            f" {row['peak_mb']:>8.1f} {1000 * row['compile_s'] / size:>17.3f} {1024 * row['peak_mb'] / size:>14.1f}"
            + ("" if row["finished"] else "  (did not finish)"),
            flush=True,
        )


if __name__ == "__main__":
    main()
