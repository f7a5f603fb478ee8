"""Every benchmark script still runs: a small smoke run of each, checking the lines it prints.

Nothing here times anything or compares figures (the machine is shared; benchmarks are read by
people). It catches a benchmark broken by a change elsewhere, as two console benchmarks once were.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SMOKE = [
    (["throughput.py", "--seconds", "0.2"], ["ratio drill/SimPy"]),
    (["montecarlo.py", "--seconds", "0.2", "--file", "scenarios/elevator-entrapment.yaml"], ["score only"]),
    (["whatif.py", "--seeds", "4", "--jobs", "1", "--repeat", "1"], ["wall time best"]),
    (["compile_scaling.py", "--sizes", "100,200"], ["compile ms/state"]),
    (["record_size.py"], ["added per record"]),
    (
        ["room.py", "--participants", "3", "--sessions", "5", "--rounds", "3", "--processes", "1"],
        ["decision round trip p95:", "role-play reply p95:", "memory per session:"],
    ),
    (["first_screen.py", "--quick"], ["ratio console, warm cache / bare"]),
    (["key_press.py", "--quick"], ["target: p95 < 50 ms"]),
    (["replay_seek.py", "--quick"], ["target: seek p95 < 100 ms"]),
    (
        ["room_stop.py", "--repeat", "1"],
        ["open streams:", "last event each stream saw:", "server thread left running:"],
    ),
    (["instructions.py", "--runs", "5"], ["instructions per drill event", "ratio SimPy/drill (instructions)"]),
]


@pytest.mark.slow
@pytest.mark.parametrize(("args", "lines"), SMOKE, ids=[args[0].removesuffix(".py") for args, _ in SMOKE])
def test_the_benchmark_runs_and_prints_its_figures(args: list[str], lines: list[str]) -> None:
    """A short run exits 0 and prints each figure's line."""
    if args[0] == "instructions.py" and shutil.which("valgrind") is None:
        pytest.skip("valgrind is not installed")
    done = subprocess.run(
        [sys.executable, f"benchmarks/{args[0]}", *args[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for line in lines:
        assert line in done.stdout, (line, done.stdout[-2000:])
