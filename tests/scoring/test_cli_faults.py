"""Command-line faults: a report into a folder it cannot write, a database given as a path, a port out of range."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from tui.cli import main


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished drill's record."""
    path = tmp_path_factory.mktemp("faults") / "drill.jsonl"
    assert main(["run", "elevator-entrapment", "--policy", "random", "--record", str(path), "--json"]) == 0
    return path


def _report(record: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["report", str(record), "--lang", "en", "-o", str(output)])
    return code, capsys.readouterr().err


def test_a_report_into_a_missing_folder_names_the_folder(
    record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The folder is named, and nothing else is printed."""
    code, err = _report(record, tmp_path / "missing" / "report.md", capsys)
    assert code == 2
    assert (
        err
        == f"drillsim: {tmp_path / 'missing' / 'report.md'}: cannot write: there is no folder '{tmp_path / 'missing'}'\n"
    )


def test_a_report_into_a_read_only_folder_is_one_line_and_exit_code_2(
    record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder without write permission (faked where the tests run as root, who may write anywhere)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    if os.geteuid() == 0:
        original = Path.write_text

        def refuse(self: Path, *args: object, **kwargs: object) -> int:
            if self.parent == folder:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
            return original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "write_text", refuse)
    try:
        code, err = _report(record, folder / "report.md", capsys)
    finally:
        folder.chmod(0o700)
    assert code == 2
    assert err == f"drillsim: {folder / 'report.md'}: cannot write: permission denied\n"


def test_a_report_onto_a_full_disk_is_one_line_and_exit_code_2(
    record: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """/dev/full refuses every write with ENOSPC."""
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    code, err = _report(record, Path("/dev/full"), capsys)
    assert code == 2
    assert err == "drillsim: /dev/full: cannot write: no space left on device\n"


def test_a_database_given_as_a_plain_path_is_an_sqlite_file_there(
    record: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--db drills.db` works as `--db sqlite:///…/drills.db` would; a path that cannot be opened is one line."""
    db = tmp_path / "drills.db"
    assert main(["history", "add", str(record), "--db", str(db)]) == 0
    assert db.is_file()
    capsys.readouterr()
    assert main(["history", "--db", str(db), "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["results"]) == 1
    assert main(["history", "--db", str(tmp_path / "no-such-folder" / "x.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-folder" in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["99999", "-1", "http"])
def test_serve_refuses_a_port_out_of_range_in_one_line(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A port past 65535 was an OverflowError from the socket; now argparse's one line, exit code 2."""
    assert main(["serve", "--port", value]) == 2
    err = capsys.readouterr().err
    assert "--port" in err and "Traceback" not in err and err.strip().count("\n") == 0


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--person", "名" * 41, "--person: a name of 41 characters; at most 40"),
        ("--team", "班" * 101, "--team: 101 characters; at most 100"),
        ("--site", "苑" * 101, "--site: 101 characters; at most 100"),
    ],
)
def test_run_refuses_names_longer_than_history_keeps(
    option: str, value: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One line, exit code 2, before anything is played or written."""
    record = tmp_path / "drill.jsonl"
    assert main(["run", "elevator-entrapment", "--record", str(record), option, value]) == 2
    assert capsys.readouterr().err == f"drillsim: {message}\n"
    assert not record.exists()


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["actions", "add", "--text", "x", "--owner", "y"], "drillsim actions add"),
        (["run", "elevator-entrapment", "--bogus"], "drillsim run"),
        (["history", "--x"], "drillsim history"),
        (["--bogus"], "drillsim"),
    ],
)
def test_an_unknown_option_is_named_with_the_command_it_was_given_to(
    argv: list[str], command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """'see drillsim actions add --help', not 'see drillsim --help', for a mistyped option of actions add."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{command}: unrecognized arguments: ") and err.endswith(f"(see {command} --help)\n"), err
