"""Time to the console's first usable screen, in a fresh process, beside a bare Textual app.

Run:

    python benchmarks/first_screen.py [--runs N] [--quick]

Each run is a fresh Python process (interpreter start and every import included): this file, run
again with ``--child``, ``app.run(headless=True)``. The parent stamps the wall clock just before
spawning; the child exits at the first frame showing the first drill row (its kind and title on one
line, on the virtual terminal of ``terminal.py``) and reports the time since that stamp ("from
launch", the figure compared) and since its own first line ran ("in process": interpreter start-up
excluded, imports included; "imports" is the part up to the app being constructed); the parent also
times the whole process, exit included. The real console (``tui.app.DrillsimApp``) must show the
StartScreen's #drills table with rows; the bare app is a plain Textual ``App`` composing the same
widgets (Header, Vertical, Static x3, DataTable x2, Footer) and adding the same rows on mount. Runs
of the bare app, of the console with a warm catalog cache and with a cold one (an empty cache
folder: the rows wait for the rescan worker) are interleaved, so their ratio holds on a shared,
noisy machine; one unmeasured warm-up run of each comes first. The records folder is empty.

Target: console / bare <= 1.5 (ratio of the medians; the ratio of the minimums is printed beside it).
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # the child's "in process" figures count from here

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from figures import isolated, verdict  # noqa: E402
from terminal import SIZE, Frames, Terminal  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # measure this working copy, installed or not
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from textual.app import App

LAUNCH_ENV = "DRILLSIM_BENCH_LAUNCH"
"""Carries the parent's wall-clock stamp, taken just before spawning, to the child."""

TARGET = 1.5
"""The console may take at most this many times as long as the bare app."""


def _first_row(table: Any) -> list[str] | None:
    """The texts of the first row's first two cells (a title cut short: a long one may be clipped)."""
    if not table.row_count:
        return None
    kind, title = (str(cell) for cell in table.get_row_at(0)[:2])
    return [kind, title[:20]]


def _on_one_line(snippets: list[str], screen: str) -> bool:
    return any(all(s in line for s in snippets) for line in screen.splitlines())


def _bare_app(rows: int) -> tuple[App[None], Callable[[], list[str] | None]]:
    from textual.app import App, ComposeResult
    from textual.containers import Vertical
    from textual.widgets import DataTable, Footer, Header, Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Header(show_clock=False)
            with Vertical():
                yield Static("Drills and scenarios", id="drills-title")
                yield DataTable(id="drills", cursor_type="row", zebra_stripes=True)
                yield Static("details", id="details")
                yield Static("Records", id="records-title")
                yield DataTable(id="records", cursor_type="row", zebra_stripes=True)
            yield Footer()

        def on_mount(self) -> None:
            drills = self.query_one("#drills", DataTable)
            drills.add_columns("Kind", "Title", "Max")
            for number in range(1, rows + 1):
                drills.add_row("scenario", f"Bare drill number {number}", "120 min", key=str(number))
            records = self.query_one("#records", DataTable)
            records.add_columns("When", "Drill", "Status")
            records.add_row("", "No drill records yet", "")

    app = Bare()

    def usable() -> list[str] | None:
        found = app.screen.query("#drills")
        table = found.first(DataTable) if found else None
        return _first_row(table) if table is not None else None

    return app, usable


def _console_app() -> tuple[App[Any], Callable[[], list[str] | None]]:
    from textual.widgets import DataTable

    from tui.app import DrillsimApp

    app = DrillsimApp(lang="en")

    def usable() -> list[str] | None:
        screen = app.screen
        if type(screen).__name__ != "StartScreen":
            return None
        return _first_row(screen.query_one("#drills", DataTable))

    return app, usable


def child(kind: str, rows: int) -> None:
    """Run one app headless until its first usable frame; print the figures as JSON."""
    launch = float(os.environ[LAUNCH_ENV])
    app, usable = _bare_app(rows) if kind == "bare" else _console_app()
    imported = time.perf_counter()
    result: dict[str, float] = {}
    term = Terminal(*SIZE)
    count = [0]

    def on_frame(_stamp: float, data: str) -> None:
        count[0] += 1
        if result:
            return
        term.feed(data)
        row = usable()
        if row and _on_one_line(row, term.text()):
            result.update(
                from_launch=time.time() - launch,
                in_process=time.perf_counter() - _T0,
                imports=imported - _T0,
                frames=count[0],
            )
            app.exit()

    Frames(app, on_frame)
    app.run(headless=True, size=SIZE)
    print(json.dumps(result))


def _spawn(kind: str, env: dict[str, str], rows: int) -> dict[str, float]:
    app = "bare" if kind == "bare" else "console"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", app, "--rows", str(rows)]
    env = {**env, LAUNCH_ENV: repr(time.time())}
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    total = time.perf_counter() - start
    lines = done.stdout.strip().splitlines()
    try:
        result: dict[str, float] = json.loads(lines[-1])
        if "from_launch" not in result:  # the app never showed a row
            raise KeyError("from_launch")
    except (IndexError, ValueError, KeyError):
        raise SystemExit(f"{kind} run failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}") from None
    result["total"] = total
    return result


def startup(runs: int, tmp: Path) -> dict[str, float]:
    """Interleaved runs of the bare app and the console (warm and cold cache); prints and returns the figures."""
    import statistics

    from tui.catalog import cached, scan

    warm = tmp / "cache-warm"
    base = {**os.environ, "DRILLSIM_RECORDS": str(tmp / "records-empty"), "DRILLSIM_CACHE": str(warm)}
    os.environ["DRILLSIM_CACHE"] = str(warm)
    catalog = scan()
    assert cached() is not None, "the warm catalog cache was not written"
    os.environ["DRILLSIM_CACHE"] = str(tmp / "cache-parent")
    rows = len(catalog.entries)

    colds = [0]

    def env_for(kind: str) -> dict[str, str]:
        if kind != "cold":
            return base
        colds[0] += 1
        return {**base, "DRILLSIM_CACHE": str(tmp / f"cache-cold-{colds[0]}")}

    kinds = ["bare", "warm", "cold"]
    for kind in kinds:  # warm-up: file cache, bytecode
        _spawn(kind, env_for(kind), rows)
    samples: dict[str, list[dict[str, float]]] = {k: [] for k in kinds}
    for run in range(runs):
        order = kinds[run % 3 :] + kinds[: run % 3]
        for kind in order:
            samples[kind].append(_spawn(kind, env_for(kind), rows))

    print(f"Time to first usable screen (fresh process, headless {SIZE[0]}x{SIZE[1]}, {runs} interleaved runs)")
    print(f"   {rows} drill rows; launch -> first frame with a drill row on screen (imports included)")
    print("                              from launch        in process   imports   process total")
    print("                              median     min     median       median    median (exit incl.)")
    names = {"bare": "bare Textual app", "warm": "console, warm cache", "cold": "console, cold cache"}
    figures: dict[str, float] = {}
    for kind in kinds:
        got = samples[kind]

        def med(key: str, got: list[dict[str, float]] = got) -> float:
            return statistics.median(s[key] for s in got) * 1000

        launch_min = min(s["from_launch"] for s in got) * 1000
        figures[f"{kind}_median"] = med("from_launch")
        figures[f"{kind}_min"] = launch_min
        print(
            f"   {names[kind]:<24}  {med('from_launch'):7.0f} ms {launch_min:7.0f} ms"
            f"  {med('in_process'):7.0f} ms   {med('imports'):6.0f} ms  {med('total'):7.0f} ms"
        )
    for kind in ("warm", "cold"):
        ratio = figures[f"{kind}_median"] / figures["bare_median"]
        ratio_min = figures[f"{kind}_min"] / figures["bare_min"]
        figures[f"{kind}_ratio"] = ratio
        print(
            f"   ratio {names[kind]} / bare: {ratio:5.2f} (medians), {ratio_min:5.2f} (mins)"
            f"   target <= {TARGET}   {verdict(ratio <= TARGET)}"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="fresh-process runs of each app (default 15)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (3 runs)")
    parser.add_argument("--child", choices=["bare", "console"], help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    if args.quick:
        args.runs = min(args.runs, 3)

    with isolated("cache-parent") as tmp:
        startup(args.runs, tmp)


if __name__ == "__main__":
    main()
