"""Report and history verify a record before they read it: altered records are refused, forged copies too.

Every alteration of :mod:`tests.engine.hostile`, at every line, is refused by ``drillsim report``
and ``drillsim history add`` with exit 1 and one line, and history stays as it was. A report of a
record opened ``--unverified`` says so first, on every page. History knows a drill by its
identity, so a forged copy is not a second drill, and keeps whether each record was signed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scoring.history import History, HistoryError
from tests.conftest import MINI
from tests.engine.hostile import Alteration, alterations, dumps, lines_of, rechained, write_lines
from tests.engine.test_record_hostile import KEY, sample
from tui.cli import main

ALTERATIONS = alterations(len(sample().splitlines()))
NAMES = [name for name, _ in ALTERATIONS]

PLAN = """\
schema: plan/1
id: mini-evening
version: "1"
title: {zh: 晚间小电梯, en: The evening mini lift}
objectives:
  - {zh: 三分钟内通话, en: Talk within three minutes}
incidents:
  - scenario: mini-lift.yaml
"""


def _record(folder: Path, signed: bool = False) -> Path:
    path = folder / "drill.jsonl"
    path.write_text(sample(signed), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One history for the parametrized refusals (a refused add writes nothing)."""
    url = "sqlite:///" + (tmp_path_factory.mktemp("history") / "history.sqlite3").as_posix()
    with History(url):
        pass
    yield url


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(("name", "alter"), ALTERATIONS, ids=NAMES)
def test_every_alteration_is_refused_by_report_and_by_history(
    name: str, alter: Alteration, tmp_path: Path, shared_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Edit, delete, swap, truncate, append: report prints nothing but one line (exit 1); history adds nothing."""
    path = _record(tmp_path)
    alter(path)
    code, out, err = _run(["report", str(path), "--lang", "en"], capsys)
    assert code == 1 and out == "", name
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    with History(shared_db) as db:
        before = db.counts()
    code, out, err = _run(["history", "add", str(path), "--db", shared_db], capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "not added to history" in err, (name, err)
    with History(shared_db) as db:
        assert db.counts() == before


def _without_findings(path: Path) -> None:
    kept = [line for line in lines_of(path) if json.loads(line)["type"] != "finding"]
    write_lines(path, kept)


@pytest.mark.parametrize("rechain", [False, True], ids=["as left", "chain made again"])
def test_a_report_of_a_record_whose_findings_were_removed_is_refused(
    rechain: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, item 2: remove the finding lines and report refuses (before, it printed a clean debrief)."""
    path = _record(tmp_path)
    code, out, _ = _run(["report", str(path), "--lang", "en", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["evaluation"]
    _without_findings(path)
    if rechain:
        write_lines(path, rechained(lines_of(path)))
    code, out, err = _run(["report", str(path), "--lang", "en"], capsys)
    assert code == 1 and out == ""
    assert "altered" in err and "line " in err and "--unverified" in err


def test_a_report_opened_unverified_says_so_first_on_every_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--unverified: Markdown, HTML and JSON all open with the warning, and stderr repeats it."""
    path = _record(tmp_path)
    _without_findings(path)
    pages = {}
    for fmt in ("md", "html", "json"):
        code, out, err = _run(["report", str(path), "--lang", "en", "--format", fmt, "--unverified"], capsys)
        assert code == 0 and "WARNING: NOT VERIFIED" in err
        pages[fmt] = out
    assert pages["md"].split("\n## ", 1)[1].startswith("Warning: this record is not verified")
    first = pages["html"].index("Warning: this record is not verified")
    assert first < pages["html"].index("NOT VERIFIED: altered") < pages["html"].index("<h2", first + 1)
    content = json.loads(pages["json"])
    assert content["sections"][0]["id"] == "warning" and not content["integrity"]["verified"]
    assert content["integrity"]["warning"].startswith("NOT VERIFIED: altered")


def test_a_plan_record_reports_its_plan_after_the_files_are_gone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, item 1: the report reads the plan (title, objectives) and the scenario the record carries."""
    (tmp_path / "mini-lift.yaml").write_text(MINI, encoding="utf-8")
    plan = tmp_path / "mini-evening.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    record = tmp_path / "evening.jsonl"
    assert main(["run", str(plan), "--policy", "random", "--record", str(record), "--json"]) == 0
    plan.unlink()
    (tmp_path / "mini-lift.yaml").unlink()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    moved = elsewhere / "evening.jsonl"
    record.rename(moved)
    monkeypatch.chdir(elsewhere)
    code, out, err = _run(["report", "evening.jsonl", "--lang", "en", "--format", "json"], capsys)
    assert code == 0, err
    content = json.loads(out)
    assert content["overview"]["name"] == "The evening mini lift" and content["integrity"]["verified"]
    assert "Talk within three minutes" in json.dumps(content["overview"], ensure_ascii=False)


def _forged(path: Path, out: Path, *, new_identity: bool, secret: bytes | None = None) -> Path:
    lines = [json.loads(line) for line in lines_of(path)]
    lines[0]["participants"] = [{"name": "someone else", "role": "control"}]
    lines[0]["kind"] = "assessment"
    if new_identity:
        lines[0]["drill_id"] = "f" * 32
    write_lines(out, rechained([dumps(line) for line in lines], secret))
    return out


def test_a_forged_copy_of_a_filed_drill_is_not_a_second_drill(tmp_path: Path) -> None:
    """Issue 11, item 3: the same drill_id with other lines is refused as a different record of a filed drill."""
    path = _record(tmp_path)
    forged = _forged(path, tmp_path / "forged.jsonl", new_identity=False)
    with History("sqlite:///" + (tmp_path / "h.sqlite3").as_posix()) as db:
        assert db.add(path) is True
        assert db.add(path) is False
        with pytest.raises(HistoryError, match=r"another record of this drill .* already in history"):
            db.add(forged)
        assert db.counts()["drills"] == 1


def test_a_forged_signed_assessment_is_refused_and_unsigned_ones_can_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the site key: a forged copy (new identity, chain made again) fails its signature; an unsigned
    assessment is refused with --require-signed; history shows which drills were signed."""
    monkeypatch.setenv("DRILLSIM_SITE_KEY", KEY)
    db = "sqlite:///" + (tmp_path / "h.sqlite3").as_posix()
    signed = _record(tmp_path, signed=True)
    forged = _forged(signed, tmp_path / "forged.jsonl", new_identity=True)
    code, _, err = _run(["history", "add", str(forged), "--db", db], capsys)
    assert code == 1 and "signature" in err and "(line 1)" in err
    (tmp_path / "plain").mkdir()
    unsigned = _forged(_record(tmp_path / "plain"), tmp_path / "unsigned.jsonl", new_identity=True)
    code, _, err = _run(["history", "add", str(unsigned), "--db", db, "--require-signed"], capsys)
    assert code == 1 and "not signed (--require-signed)" in err
    assert _run(["history", "add", str(signed), "--db", db, "--require-signed", "--kind", "assessment"], capsys)[0] == 0
    assert _run(["history", "add", str(unsigned), "--db", db], capsys)[0] == 0
    with History(db) as store:
        assert sorted(str(r["signed"]) for r in store.results()) == ["no", "yes"]


def test_history_refuses_a_signed_record_it_cannot_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No site key here: a signed record is 'signed, not checked', and history files only what it checks."""
    path = _record(tmp_path, signed=True)
    db = "sqlite:///" + (tmp_path / "h.sqlite3").as_posix()
    code, _, err = _run(["history", "add", str(path), "--db", db], capsys)
    assert code == 1 and "not checked: no site key" in err
    code, out, err = _run(["report", str(path), "--lang", "en"], capsys)
    assert code == 0 and "not checked: no site key" in out and "WARNING" in err


def test_a_signed_drill_rescored_after_a_later_rating_stays_signed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rating appended with the site key keeps the chain signed; rescore checks it and history still says signed."""
    from tests.scoring.test_history import append_rating

    monkeypatch.setenv("DRILLSIM_SITE_KEY", KEY)
    path = _record(tmp_path, signed=True)
    with History("sqlite:///" + (tmp_path / "h.sqlite3").as_posix()) as db:
        assert db.add(path) is True
        append_rating(path, "drill", "U", "王教练")
        assert db.rescore(path) is True
        (row,) = db.results()
        assert (row["rating"], row["signed"]) == ("U", "yes")
        monkeypatch.delenv("DRILLSIM_SITE_KEY")
        with pytest.raises(HistoryError, match="not checked: no site key"):
            db.rescore(path)  # without the key it cannot be checked, so it is not rescored
        assert db.results() == [row]
