"""Wall time of a what-if analysis: the elevator's classic mistakes, 200 seeds per alternative.

The record is made afresh (seed 1, observe mode, the shipped mistakes script), then
``drillsim whatif RECORD --seeds N --jobs K`` is timed as a user would run it, once per repeat; the
best and the median are printed with the number of drills played. Run:

    python benchmarks/whatif.py [--seeds 200] [--jobs 2] [--repeat 3]

The issue's target is under 10 s with 200 seeds and two jobs on this machine.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from engine.format import load_script
from engine.runtime import RecordWriter, header_for, play_script, prepare
from engine.tools.whatif import analyse
from scoring.scorecard import score_only

ROOT = Path(__file__).resolve().parents[1]


def mistakes_record(folder: Path) -> Path:
    """A record of the elevator entrapment played by the classic-mistakes script."""
    setup = prepare(str(ROOT / "scenarios" / "elevator-entrapment.yaml"))
    decisions = load_script(ROOT / "scenarios" / "scripts" / "elevator-entrapment.mistakes.yaml").model.decisions
    path = folder / "mistakes.jsonl"
    writer = RecordWriter(path, header_for(setup, seed=1, mode="observe", source="elevator-entrapment"), setup)
    drill = setup.drill(seed=1, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    play_script(drill, decisions)
    writer.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        record = mistakes_record(Path(folder))
        walls = []
        drills = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = analyse(record, seeds=args.seeds, jobs=args.jobs, scorer=score_only)
            walls.append(time.perf_counter() - start)
            drills = result["drills"]
    print(f"alternatives          : {len(result['alternatives']):12d}")
    print(f"drills per analysis   : {drills:12,d}")
    print(f"wall time best        : {min(walls):12.2f} s   (median {statistics.median(walls):.2f} s, jobs {args.jobs})")
    print(f"drills/s (best)       : {drills / min(walls):12,.0f}")


if __name__ == "__main__":
    main()
