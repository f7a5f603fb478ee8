"""Machine instructions per drill event beside instructions per bare SimPy timeout, counted by valgrind.

``throughput.py`` compares wall time, which a shared machine blurs by several percent from one run
to the next. This script counts the instructions the processor executes instead (valgrind's
callgrind tool), which is the same on every run of the same code and inputs whatever else the
machine is doing: the figure to compare two versions of the engine by, a change at a time.

Each workload runs twice under valgrind, with a small and a larger count, and the difference is
divided by the difference in counts, so Python's start-up, the imports and compiling the scenario
drop out:

- the drill: whole random-policy drills of the elevator scenario, records off, as ``throughput.py``
  plays them (its figure is per drill event, counted by a listener);
- bare SimPy: one process yielding unit timeouts, as ``throughput.py`` measures it.

The ratio of the two is the instruction-count form of ``throughput.py``'s ratio. Instructions are
not time: how fast they run depends on caches and branch prediction, which suit a tight loop like
bare SimPy's better than a drill's many small functions, so the wall-time ratio is lower than this
one. Run (needs ``valgrind``; a few minutes):

    python benchmarks/instructions.py [--runs N] [--scenario PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

DRILL = """
import sys
sys.path.insert(0, {root!r})
from engine.runtime import play_random, prepare
setup = prepare({scenario!r})
counted = [0]
def count(_event):
    counted[0] += 1
for seed in range(int(sys.argv[1])):
    drill = setup.drill(seed=seed, mode="observe", keep=False)
    drill.subscribe(count)
    drill.start()
    play_random(drill, seed)
print(counted[0])
"""

SIMPY = """
import sys
import simpy
def ticker(env):
    while True:
        yield env.timeout(1)
env = simpy.Environment()
env.process(ticker(env))
env.run(until=int(sys.argv[1]))
print(int(sys.argv[1]))
"""


def counted(program: str, n: int) -> tuple[int, int]:
    """(instructions, units) of ``program`` run with ``n`` under callgrind."""
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "workload.py"
        script.write_text(program, encoding="utf-8")
        out = Path(folder) / "callgrind.out"
        done = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, str(script), str(n)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dictionary layouts on every run
        )
        if done.returncode != 0:
            raise SystemExit(f"valgrind failed: {done.stderr.strip().splitlines()[-1:]}")
        found = re.search(r"Collected\s*:\s*([\d,]+)", done.stderr)
        if found is None:
            raise SystemExit("valgrind printed no instruction count")
        return int(found.group(1).replace(",", "")), int(done.stdout.split()[-1])


def per_unit(program: str, small: int, large: int) -> float:
    """Instructions per unit (event or timeout) between a small and a large run."""
    a_instructions, a_units = counted(program, small)
    b_instructions, b_units = counted(program, large)
    return (b_instructions - a_instructions) / (b_units - a_units)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="drills in the larger run (default 300)")
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "elevator-entrapment.yaml"))
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    drill = per_unit(DRILL.format(root=str(ROOT), scenario=args.scenario), 10, 10 + args.runs)
    simpy = per_unit(SIMPY, 10, 10 + args.runs * 300)
    print(f"instructions per SimPy timeout : {simpy:10,.0f}")
    print(f"instructions per drill event   : {drill:10,.0f}")
    print(f"ratio SimPy/drill (instructions): {simpy / drill:9.3f}")


if __name__ == "__main__":
    main()
