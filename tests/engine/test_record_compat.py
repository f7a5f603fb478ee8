"""Records made by drillsim 0.1.0 (tests/fixtures/records_v1) still load, verify and come out the same.

The fixtures were written by the version before the typed event model, with copies of the content
they ran beside them. Re-running each one's command today must write the same record, line for line
(wall-clock stamps aside): the typed events changed how the code reads, not what a drill records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.runtime import read, verify
from engine.tools.cli import main
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "records_v1"
COMMANDS: list[dict[str, Any]] = json.loads((FIXTURES / "commands.json").read_text(encoding="utf-8"))
RECORDS = sorted(FIXTURES.glob("*.jsonl"))


def _without_wall(line: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(line)
    return {k: v for k, v in data.items() if not k.startswith("wall")}


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_a_record_made_by_the_previous_version_still_verifies(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every v1 record reads into typed events and replays exactly on the content it ran."""
    monkeypatch.chdir(ROOT)
    result = verify(path)
    assert result.ok, result.message
    assert result.checked == len(read(path).events)


@pytest.mark.parametrize("command", COMMANDS, ids=[c["record"] for c in COMMANDS])
def test_the_same_drill_run_today_writes_the_same_record(
    command: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same scenario, seed and decisions: the record is the one the previous version wrote, byte for byte
    (each line's text, its checksum included; only the wall-clock stamps differ)."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "again.jsonl"
    main(["run", *command["args"], "--record", str(out), "--lang", "en"])
    capsys.readouterr()
    before = (FIXTURES / command["record"]).read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before)
    assert _without_wall(after[0]) == _without_wall(before[0])
    assert after[1:] == before[1:]
