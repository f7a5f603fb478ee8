"""The headless command line: help, exit codes, one-line errors, JSON output, start-up weight.

The tables of invocations (help, bad usage, unreadable input) go through the command line's ``main``
in one fresh interpreter (``tests/batch.py``); the other tests run ``python -m tui.cli`` itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.batch import Outcome, run_each

COMMANDS = ["validate", "run", "replay", "schema", "list"]

HELP = [["--help"], *[[c, "--help"] for c in COMMANDS]]
"""--help on the program and on each command."""

BAD_USAGE = [
    ["frobnicate"],
    ["run"],
    ["run", "elevator-entrapment", "--mode", "lenient"],
    ["run", "elevator-entrapment", "--seed", "x"],
    ["run", "elevator-entrapment", "--script", "a.yaml", "--policy", "random"],
    ["run", "no-such-scenario"],
    ["validate", "/no/such/folder"],
]
"""Wrong options or missing input."""

UNREADABLE = [["replay", "/no/such/record.jsonl"], ["run", "elevator-entrapment", "--record", "/no/such/dir/r.jsonl"]]
"""A record that cannot be read, a record path that cannot be written."""


def drillsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def table() -> dict[tuple[str, ...], Outcome]:
    """What every invocation of the tables above printed and returned, by its arguments."""
    invocations = [*HELP, *BAD_USAGE, *UNREADABLE]
    outcomes = run_each("tui.cli", [(Path.cwd(), args) for args in invocations])
    return {tuple(args): outcome for args, outcome in zip(invocations, outcomes, strict=True)}


@pytest.mark.parametrize("args", HELP, ids=" ".join)
def test_every_command_has_help(args: list[str], table: dict[tuple[str, ...], Outcome]) -> None:
    """--help works on the program and on each command, exit 0."""
    result = table[tuple(args)]
    assert result.returncode == 0 and "usage:" in result.stdout


@pytest.mark.parametrize("args", BAD_USAGE, ids=" ".join)
def test_bad_usage_gets_one_line_and_exit_code_2(args: list[str], table: dict[tuple[str, ...], Outcome]) -> None:
    """Wrong options or missing input: a single line on stderr, no traceback, exit 2."""
    result = table[tuple(args)]
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_run_json_reports_the_fields_tools_rely_on(mini_path: Path) -> None:
    """--json prints one object with scenario, seed, mode, outcome, sim_minutes, events and findings."""
    result = drillsim("run", str(mini_path), "--policy", "random", "--seed", "4", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"scenario", "seed", "mode", "outcome", "sim_minutes", "events", "findings"} <= set(data)
    assert data["scenario"] == "mini-lift" and data["seed"] == 4 and data["mode"] == "observe"
    for finding in data["findings"]:
        assert {"rule", "t", "action", "detail"} <= set(finding)


def test_the_timeline_prints_in_chinese_or_english(mini_path: Path) -> None:
    """The default timeline speaks the chosen language."""
    zh = drillsim("run", str(mini_path), "--lang", "zh")
    en = drillsim("run", str(mini_path), "--lang", "en")
    assert "开始 小电梯" in zh.stdout and "演练结束" in zh.stdout
    assert "start Mini lift" in en.stdout and "drill over" in en.stdout


def test_a_script_naming_an_unknown_action_is_refused_before_the_drill(tmp_path: Path, mini_path: Path) -> None:
    """Script typos are caught up front, with did-you-mean."""
    script = tmp_path / "s.yaml"
    script.write_text("- {t: 0, role: control, action: lgo}\n", encoding="utf-8")
    result = drillsim("run", str(mini_path), "--script", str(script))
    assert result.returncode == 2
    assert "unknown action 'lgo' (did you mean 'log'?)" in result.stderr


def test_schema_prints_json_schema_for_editors() -> None:
    """drillsim schema exports the scenario format with its field descriptions."""
    result = drillsim("schema")
    schema = json.loads(result.stdout)
    assert schema["properties"]["schema"]["const"] == "scenario/1"
    assert "roles" in schema["required"]
    assert "dialogue" in schema["properties"]  # states and actions may give way to a role-play
    assert schema["$defs"]["Action"]["properties"]["in"]["description"]


def test_list_shows_the_shipped_scenarios() -> None:
    """With no folder, list shows the library."""
    result = drillsim("list", "--lang", "en")
    assert "elevator-entrapment" in result.stdout


@pytest.mark.parametrize("command", [["validate", "{mini}"], ["run", "{mini}", "--json"]])
def test_headless_commands_do_not_import_textual(command: list[str], mini_path: Path) -> None:
    """validate and run must start fast: Textual stays unloaded."""
    args = [a.replace("{mini}", str(mini_path)) for a in command]
    code = (
        "import sys, io, contextlib\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({args!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


def test_validate_checks_a_script_against_the_scenario_it_names(tmp_path: Path) -> None:
    """A script that names its scenario gets its actions and roles checked, with line and column."""
    script = tmp_path / "s.yaml"
    script.write_text(
        "schema: script/1\nscenario: elevator-entrapment\ndecisions:\n"
        "  - {t: 0, role: control_room, action: log_alarm}\n"
        "  - {t: 1, role: security, action: log_alarm}\n",
        encoding="utf-8",
    )
    result = drillsim("validate", str(script))
    assert result.returncode == 1
    assert f"{script}:5:" in result.stderr and "is done by 'control_room', not 'security'" in result.stderr


def test_listing_an_edited_record_is_refused_unless_asked_and_then_warned(tmp_path: Path, mini_path: Path) -> None:
    """replay without --verify refuses a record whose lines do not chain (one line naming the line, exit 1);
    with --unverified it lists it under a warning, on the listing itself and on stderr."""
    record = tmp_path / "r.jsonl"
    drillsim("run", str(mini_path), "--record", str(record), "--json")
    lines = record.read_text(encoding="utf-8").splitlines()
    event = json.loads(lines[3])
    event["t"] += 0.5
    lines[3] = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = drillsim("replay", str(record), "--lang", "en")
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "(line 4)" in result.stderr
    result = drillsim("replay", str(record), "--lang", "en", "--unverified")
    assert result.returncode == 0 and "WARNING: NOT VERIFIED" in result.stderr
    assert result.stdout.startswith("# WARNING: NOT VERIFIED: altered: event")


def test_a_record_line_with_a_field_the_format_does_not_have_is_refused_where_it_is(
    tmp_path: Path, mini_path: Path
) -> None:
    """An unknown field is damage, not an extension: replay names the file, the line and the field."""
    record = tmp_path / "r.jsonl"
    drillsim("run", str(mini_path), "--record", str(record), "--json")
    lines = record.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace('"t":', '"t": 0.5, "was":', 1)
    record.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = drillsim("replay", str(record), "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"drillsim: {record}:4: {json.loads(lines[3])['type']} event: was: Unexpected keyword argument"
    ]


@pytest.mark.parametrize("args", UNREADABLE, ids=" ".join)
def test_a_file_that_cannot_be_read_or_written_is_bad_input(
    args: list[str], table: dict[tuple[str, ...], Outcome]
) -> None:
    """Missing records and unwritable record paths exit 2 with one line."""
    result = table[tuple(args)]
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
