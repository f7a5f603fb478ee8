"""How the console's benchmarks turn samples into the figures they print: quantiles, spreads, verdicts.

Not a benchmark itself: ``first_screen.py``, ``key_press.py`` and ``replay_seek.py`` import it. It
also holds the optional profiler those with ``--profile`` run their timed loop under (profiling
slows everything down: read its shares, not its times).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def spread(values: list[float]) -> str:
    """``median / p95 / max`` of values in seconds, shown in ms."""
    import statistics

    if not values:
        return "no samples"
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms   p95 {pct(values, 0.95) * 1000:7.1f} ms"
        f"   max {max(values) * 1000:7.1f} ms   (n={len(values)})"
    )


def verdict(ok: bool) -> str:
    """How a figure compares with its target."""
    return "PASS" if ok else "over"


def profiled(profile: bool) -> Any:
    """A cProfile profiler to enable around a timed loop, or None when not profiling."""
    if not profile:
        return None
    import cProfile

    return cProfile.Profile()


def print_profile(profiler: Any, title: str) -> None:
    """The 30 functions with the most cumulative time under ``profiler`` (nothing if it is None)."""
    if profiler is None:
        return
    import io
    import pstats

    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(f"   --- profile: {title} (cumulative, top 30) ---")
    for line in out.getvalue().splitlines():
        if line.strip() and not line.startswith(("   Ordered", "   List reduced")):
            print("   " + line[:150])
    print()


@contextmanager
def isolated(cache: str = "cache") -> Iterator[Path]:
    """A temporary folder for a console benchmark's records and cache, no user keymap, English text."""
    with tempfile.TemporaryDirectory(prefix="drillsim-bench-") as folder:
        tmp = Path(folder)
        os.environ.update(
            DRILLSIM_RECORDS=str(tmp / "records"),
            DRILLSIM_CACHE=str(tmp / cache),
            DRILLSIM_KEYMAP=str(tmp / "no-keymap.toml"),
            DRILLSIM_LANG="en",
        )
        yield tmp
