"""Ordinary faults of the machine meet the headless commands as one line, never a traceback."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest

from engine.runtime import record as record_module
from tui.cli import main

C_LOCALE = {"LANG": "C", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
"""A terminal that cannot show anything but ASCII, with Python's UTF-8 mode off."""


def drillsim(
    *args: str, env: dict[str, str] | None = None, stdout: Any = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


class _FillingFile:
    """A text file on a disk that fills up after ``room`` characters."""

    def __init__(self, file: IO[str], room: int) -> None:
        self.file, self.room = file, room

    def write(self, text: str) -> int:
        self.room -= len(text)
        if self.room < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.file.write(text)

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def test_a_disk_filling_up_during_run_record_stops_the_drill_with_one_line_and_exit_code_2(
    tmp_path: Path, mini_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run --record` on a full disk says so, naming the record, instead of 'internal error'."""

    def small_disk(path: str, mode: str, **kwargs: Any) -> _FillingFile:
        return _FillingFile(open(path, mode, **kwargs), room=3000)

    monkeypatch.setattr(record_module, "open", small_disk, raising=False)
    record = tmp_path / "r.jsonl"
    code = main(["run", str(mini_path), "--record", str(record), "--lang", "en", "--json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "internal error" not in err
    assert f"{record}: cannot write: no space left on device" in err
    assert record.read_text(encoding="utf-8").endswith("\n")  # whole lines only: the record reads back


def test_standard_output_on_a_full_disk_is_one_line_and_exit_code_2(mini_path: Path) -> None:
    """Printing into a full disk (/dev/full) is an ordinary fault, not an internal error."""
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    with open("/dev/full", "w", encoding="utf-8") as full:
        result = drillsim("run", str(mini_path), "--lang", "en", stdout=full)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert err.count("\n") == 1 and "No space left on device" in err and "internal error" not in err


def test_an_english_run_on_an_ascii_terminal_prints_ascii_look_alikes(mini_path: Path) -> None:
    """`LANG=C` used to fail with UnicodeEncodeError even with --lang en; now it prints, in ASCII."""
    result = drillsim("run", str(mini_path), "--lang", "en", env=C_LOCALE)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    out = result.stdout.decode("ascii")  # nothing but ASCII
    assert "  00:00 start Mini lift" in out


def test_a_chinese_run_on_an_ascii_terminal_escapes_the_text_and_says_what_to_set(mini_path: Path) -> None:
    """Text the terminal cannot show comes out escaped, with one note naming the setting that shows it."""
    result = drillsim("run", str(mini_path), "--lang", "zh", env=C_LOCALE)
    assert result.returncode == 0, result.stderr.decode()
    assert "\\u5c0f\\u7535\\u68af" in result.stdout.decode("ascii")  # 小电梯
    err = result.stderr.decode("ascii")
    assert err.count("\n") == 1 and "LANG=C.UTF-8" in err


@pytest.mark.parametrize("command", [["list"], ["schema"], ["validate", "scenarios"], ["--help"]])
def test_other_commands_work_on_an_ascii_terminal(command: list[str]) -> None:
    """Every headless command prints on an ASCII terminal instead of failing."""
    result = drillsim(*command, env=C_LOCALE)
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr and b"internal error" not in result.stderr
