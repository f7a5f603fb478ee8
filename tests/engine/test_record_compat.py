"""Records made by drillsim 0.1.0 (tests/fixtures/records_v1) still load, verify and report, and come out the same.

The fixtures were written by the version before the typed event model, in format
``drillsim-record/1``, with copies of the content they ran beside them. They must still verify
(chain and replay, on the scenario files they name) and report, as version 1.

Re-running each one's command today writes a ``drillsim-record/2`` record: the same header plus the
drill's identity, then one ``content`` line per source, then the events. The comparison is
therefore of what the drill did, not of whole files:

- the header is the same once the fields version 2 added (``format``, ``drill_id``, ``signed``),
  the wall-clock start and ``chk`` are set aside;
- the content lines carry exactly the fixture's scenario (and plan) files;
- every event line is the same text, byte for byte, up to its ``chk``: the checksums differ
  because the chain starts from the header, which now holds the drill's random identity and so
  differs from run to run.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from engine.runtime import open_verified, read, verify
from engine.tools.cli import main
from scoring.report import build, render
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "records_v1"
COMMANDS: list[dict[str, Any]] = json.loads((FIXTURES / "commands.json").read_text(encoding="utf-8"))
RECORDS = sorted(FIXTURES.glob("*.jsonl"))

ADDED_IN_V2 = ("format", "drill_id", "signed")

CHK = re.compile(r',"chk":"[0-9a-f]+"\}$')


def _header(line: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(line)
    return {k: v for k, v in data.items() if not k.startswith("wall") and k != "chk" and k not in ADDED_IN_V2}


def _without_chk(line: str) -> str:
    """The line's text up to its checksum (the checksum chains the header, and differs run to run)."""
    assert CHK.search(line), line
    return CHK.sub("}", line)


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_a_record_made_by_the_previous_version_still_verifies(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every v1 record reads into typed events and replays exactly on the content it ran."""
    monkeypatch.chdir(ROOT)
    result = verify(path)
    assert result.ok, result.message
    assert result.checked == len(read(path).events)
    assert read(path).header.version == 1


@pytest.mark.parametrize("path", RECORDS[::7], ids=[p.stem for p in RECORDS[::7]])
def test_a_record_made_by_the_previous_version_still_reports(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A v1 record opens verified (its scenarios found by path, unchanged) and makes a report without a warning."""
    monkeypatch.chdir(ROOT)
    opened = open_verified(path, partial=True)
    assert opened.warning is None
    content = build(opened.record, "en", "hseep", setup=opened.setup)
    assert content["integrity"]["verified"] and content["sections"][0]["id"] != "warning"
    assert render(content, "md").startswith("# ")


def test_a_plan_record_of_the_previous_version_finds_its_plan_for_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """A v1 record does not carry its plan: it is found by the record's source, digest checked, as before."""
    monkeypatch.chdir(ROOT)
    opened = open_verified(FIXTURES / "plan.fire-evacuation-night.random.s1.jsonl")
    assert opened.setup.plan is not None and opened.setup.plan.model.id == "fire-evacuation-night"


@pytest.mark.parametrize("command", COMMANDS, ids=[c["record"] for c in COMMANDS])
def test_the_same_drill_run_today_records_the_same_drill(
    command: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same scenario, seed and decisions: the same header, the sources it ran, and the same event lines
    (each line's text up to its checksum); see the module docstring for why the checksums differ."""
    monkeypatch.chdir(ROOT)
    out = tmp_path / "again.jsonl"
    main(["run", *command["args"], "--record", str(out), "--lang", "en"])
    capsys.readouterr()
    before = (FIXTURES / command["record"]).read_text(encoding="utf-8").splitlines()
    after = out.read_text(encoding="utf-8").splitlines()
    record = read(out)
    sources = len(record.sources)
    assert record.header.version == 2 and len(after) == len(before) + sources
    assert _header(after[0]) == _header(before[0])
    header = json.loads(before[0])
    wanted = {i["digest"]: i["path"] for i in header["incidents"]}
    if header["plan"] is not None:
        wanted[header["plan"]["digest"]] = header["source"]
    assert {s.digest for s in record.sources} == set(wanted)
    for source in record.sources:
        text = (ROOT / wanted[source.digest]).read_text(encoding="utf-8")
        assert source.text == text and hashlib.sha256(text.encode()).hexdigest() == source.digest
    assert [_without_chk(line) for line in after[1 + sources :]] == [_without_chk(line) for line in before[1:]]
    assert verify(out).ok
