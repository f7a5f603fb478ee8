"""The ``drillsim console`` command line: help, bad arguments and a missing terminal are one clear line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def console(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui.cli console ARGS`` with no terminal (stdin and stdout are pipes)."""
    environment = {k: v for k, v in os.environ.items() if k != "DRILLSIM_HEADLESS"} | env
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "console", *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_console_help_describes_the_command_and_exits_0() -> None:
    """--help prints the console's usage and options, and succeeds."""
    done = console("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: drillsim console")
    for option in ("--lang", "--replay", "--resume", "--room-host", "--room-port"):
        assert option in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["/no/such/folder"], "drillsim: /no/such/folder: no such file or folder", id="folder"),
        pytest.param(["--resume", "/no/such/r.jsonl"], "drillsim: /no/such/r.jsonl: no such file", id="record"),
        pytest.param(["--lang", "fr"], "drillsim console: argument --lang: invalid choice", id="option"),
        pytest.param(["--room-port", "eighty"], "drillsim: the room's port must be a whole number", id="room-port"),
        pytest.param(["--room-port", "70000"], "drillsim: the room's port must be a whole number", id="port-range"),
    ],
)
def test_a_bad_argument_is_one_line_on_stderr_and_exit_2(args: list[str], message: str) -> None:
    """A missing folder or record, or a bad option, is named on one line of stderr; exit status 2."""
    done = console(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(message)


def test_without_a_terminal_the_console_refuses_in_one_line() -> None:
    """With stdin and stdout not a terminal (and no DRILLSIM_HEADLESS) the console says so and exits 2."""
    done = console()
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "drillsim: the console needs a terminal; see drillsim --help for the headless commands\n"


def test_a_room_port_from_the_environment_that_is_not_a_port_is_one_line() -> None:
    """DRILLSIM_ROOM_PORT is checked like --room-port, before the console starts."""
    done = console(DRILLSIM_ROOM_PORT="8x")
    assert done.returncode == 2
    assert done.stderr.startswith("drillsim: the room's port must be a whole number")
    assert done.stderr.count("\n") == 1


def bare(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui.cli ARGS`` (no command word) with no terminal."""
    environment = {k: v for k, v in os.environ.items() if k != "DRILLSIM_HEADLESS"}
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("args", [["--lang", "zh"], ["--lang=en"], ["--resume", "/no/such/r.jsonl"]])
def test_a_console_option_without_the_command_word_opens_the_console(args: list[str]) -> None:
    """``drillsim --lang zh`` is the console, as bare ``drillsim`` is, not an unknown command."""
    done = bare(*args)
    assert done.returncode == 2
    assert "invalid choice" not in done.stderr
    assert done.stderr.startswith(
        ("drillsim: the console needs a terminal", "drillsim: /no/such/r.jsonl: no such file")
    )


def test_drillsim_help_still_lists_the_headless_commands() -> None:
    """``--help`` is not a console option: it shows every command."""
    done = bare("--help")
    assert done.returncode == 0, done.stderr
    assert "simulate" in done.stdout and "console" in done.stdout
