"""What carrying its sources costs a record: bytes added per record, format 2 against format 1.

Each drill of ``tests/fixtures/records_v1/commands.json`` (records drillsim 0.1.0 wrote, in format
1) is run again today, unsigned, and the new record's size compared with the old one's: the
difference is the content lines (the scenario's and plan's texts, as JSON) plus the drill's
identity in the header. Run from anywhere:

    python benchmarks/record_size.py

It prints one row per record, then the spread of the bytes added and of the growth factor.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "records_v1"


def main() -> None:
    """Print the sizes."""
    from engine.runtime import signing
    from engine.tools.cli import main as drillsim

    os.chdir(ROOT)
    # Unsigned records, whatever key this machine has (a signed line's chk is 12 digits longer).
    os.environ.pop(signing.ENV_KEY, None)
    os.environ.pop(signing.ENV_KEY_FILE, None)
    signing.default_key_path = lambda: ROOT / "no-site-key-here"
    commands = json.loads((FIXTURES / "commands.json").read_text(encoding="utf-8"))
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for command in commands:
            out = Path(folder) / command["record"]
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                drillsim(["run", *command["args"], "--record", str(out), "--lang", "en"])
            before = (FIXTURES / command["record"]).stat().st_size
            rows.append((command["record"], before, out.stat().st_size))
    print(f"{'record':55} {'v1 bytes':>9} {'v2 bytes':>9} {'added':>9} {'x':>5}")
    for name, before, after in rows:
        print(f"{name:55} {before:9} {after:9} {after - before:9} {after / before:5.1f}")
    added = [after - before for _, before, after in rows]
    factor = [after / before for _, before, after in rows]
    print(
        f"added per record: min {min(added)}, median {statistics.median(added):.0f}, max {max(added)} bytes;"
        f" growth: min {min(factor):.1f}x, median {statistics.median(factor):.1f}x, max {max(factor):.1f}x"
    )


if __name__ == "__main__":
    main()
