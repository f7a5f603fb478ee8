"""Records: written line by line, read back, verified by chain and by replay."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.runtime import read, verify

SCRIPT = """\
- {t: 0, role: control, action: log}
- {t: 0.5, role: control, action: talk}
- {t: 1, role: tech, action: level}
- {t: 15, role: tech, action: release}
- {t: 15.5, role: control, action: tell}
- {t: 17, role: control, action: close}
"""


def drillsim(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine.tools.cli", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def recorded(tmp_path: Path, mini_path: Path) -> Path:
    """A complete record of the mini scenario played by a script."""
    script = tmp_path / "script.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    record = tmp_path / "drill.jsonl"
    result = drillsim("run", str(mini_path), "--script", str(script), "--seed", "5", "--record", str(record), "--json")
    assert result.returncode == 0, result.stderr
    return record


def test_a_record_has_a_header_its_sources_then_one_numbered_event_per_line(recorded: Path, mini_path: Path) -> None:
    """Line 1 describes the drill, line 2 carries the scenario's exact text; every other line is an event."""
    lines = [json.loads(line) for line in recorded.read_text(encoding="utf-8").splitlines()]
    header, content, events = lines[0], lines[1], lines[2:]
    assert header["type"] == "header" and header["seed"] == 5 and header["mode"] == "observe"
    assert header["format"] == "drillsim-record/2" and len(header["drill_id"]) == 32
    assert {"scenario", "version", "digest"} <= set(header["incidents"][0])
    assert header["engine"] and header["wall_start"]
    assert content["type"] == "content" and content["kind"] == "scenario"
    assert content["text"] == mini_path.read_text(encoding="utf-8") and content["name"] == mini_path.name
    assert content["digest"] == header["incidents"][0]["digest"]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert events[-1]["type"] == "drill_end"


def test_a_complete_record_verifies(recorded: Path) -> None:
    """Replaying the recorded decisions reproduces every event."""
    result = verify(recorded)
    assert result.ok, result.message
    assert "complete" in result.message


def test_two_runs_differ_only_in_wall_clock_fields_and_identity(tmp_path: Path, mini_path: Path) -> None:
    """Records of the same inputs compare line by line once wall fields, the drill's identity and the
    checksums (which chain the identity into every line) are set aside."""
    script = tmp_path / "script.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    logs = []
    for name in ("a.jsonl", "b.jsonl"):
        drillsim("run", str(mini_path), "--script", str(script), "--record", str(tmp_path / name), "--json")
        lines = [json.loads(x) for x in (tmp_path / name).read_text(encoding="utf-8").splitlines()]
        kept = [
            {k: v for k, v in line.items() if not k.startswith("wall") and k not in ("chk", "drill_id")}
            for line in lines
        ]
        logs.append(kept)
    assert logs[0] == logs[1]


def test_editing_one_event_makes_verify_fail_and_name_it(recorded: Path) -> None:
    """Changing any field of any line is caught, and the message names the event."""
    lines = recorded.read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[7])
    event["t"] = event["t"] + 1
    lines[7] = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    recorded.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = drillsim("replay", str(recorded), "--verify")
    assert result.returncode == 1
    assert f"event {event['seq']}" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_edited_decision_that_is_re_signed_is_caught_by_the_replay(recorded: Path) -> None:
    """Even with a valid checksum chain, a changed decision does not replay to the same events."""
    import engine.runtime.record as rec

    lines = [json.loads(x) for x in recorded.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        if line.get("type") == "decision" and line["action"] == "talk":
            line["t"] = 4.0  # talk late: the 3-minute deadline is now missed
    chk = rec._SEED
    out = []
    for line in lines:
        line.pop("chk", None)
        chk = rec._chain(chk, rec._dumps(rec._core(line)))
        out.append(rec._dumps({**line, "chk": chk}))
    recorded.write_text("\n".join(out) + "\n", encoding="utf-8")
    result = verify(recorded)
    assert not result.ok
    assert "differs" in result.message


def test_a_record_cut_short_verifies_as_a_prefix_and_says_where_it_ends(recorded: Path) -> None:
    """A crash leaves a consistent prefix; a torn last line is ignored and reported."""
    lines = recorded.read_text(encoding="utf-8").splitlines()
    recorded.write_text("\n".join(lines[:12]) + "\n" + lines[12][:15], encoding="utf-8")
    record = read(recorded)
    assert record.truncated and len(record.events) == 10
    result = verify(recorded)
    assert result.ok, result.message
    assert "cut short" in result.message and "seq 10" in result.message


def test_editing_the_scenario_after_the_drill_does_not_orphan_its_record(
    recorded: Path, mini_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, item 1: the record carries the scenario it ran, so an edit, a move or a deletion changes nothing."""
    mini_path.write_text(mini_path.read_text(encoding="utf-8").replace("initial: 10", "initial: 20"), encoding="utf-8")
    assert verify(recorded).ok
    mini_path.unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    copy = elsewhere / "copied.jsonl"
    copy.write_bytes(recorded.read_bytes())
    recorded.unlink()
    monkeypatch.chdir(elsewhere)
    result = verify("copied.jsonl")
    assert result.ok and "complete" in result.message, result.message


@pytest.mark.parametrize("content", ["", "not json\n", '{"type": "event"}\n', "\xff\xfe"])
def test_something_that_is_not_a_record_gets_one_clear_line(tmp_path: Path, content: str) -> None:
    """Garbage given to replay is refused with a one-line message and exit code 1."""
    path = tmp_path / "x.jsonl"
    path.write_bytes(content.encode("latin-1"))
    result = drillsim("replay", str(path), "--verify")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_run_killed_mid_way_leaves_a_record_whose_prefix_verifies(tmp_path: Path, mini_path: Path) -> None:
    """SIGKILL during a paced run: every line on disk parses and the prefix replays."""
    record = tmp_path / "killed.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engine.tools.cli",
            "run",
            str(mini_path),
            "--seed",
            "3",
            "--speed",
            "120",
            "--record",
            str(record),
            "--json",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if record.exists() and len(record.read_text(encoding="utf-8").splitlines()) >= 10:
                break
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    text = record.read_text(encoding="utf-8")
    for line in text.splitlines():
        json.loads(line)
    result = verify(record)
    assert result.ok, result.message
    assert "cut short" in result.message
