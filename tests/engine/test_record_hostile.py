"""Hostile records: every edit, deletion, swap, append, truncation and re-chaining is refused; signing holds.

A small complete record (the mini lift, played by a script, with a finding) is altered in every
way :mod:`tests.engine.hostile` knows, at every line. ``drillsim replay`` (the listing) and
:func:`engine.runtime.open_verified` (every reader's way in) must refuse each one in one line that
names where; ``resume`` takes a record cut short but nothing altered. Signed records: an edit
chained again without the key fails; without the key a signed record is shown as not checked.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import tempfile
from pathlib import Path

import pytest

from engine.errors import RecordError
from engine.format import Decision
from engine.runtime import (
    RecordWriter,
    Session,
    header_for,
    open_verified,
    play_script,
    prepare,
    read,
    signing,
    verify,
)
from engine.tools.cli import main
from tests.conftest import MINI
from tests.engine.hostile import alterations, dumps, edited, lines_of, rechained, write_lines

DECISIONS = [
    Decision(t=0, role="control", action="log"),
    Decision(t=0.2, role="guard", action="open_door"),  # observe mode: a life-first finding, the drill goes on
    Decision(t=0.5, role="control", action="talk"),
    Decision(t=1, role="tech", action="level"),
    Decision(t=15, role="tech", action="release"),
    Decision(t=15.5, role="control", action="tell"),
    Decision(t=17, role="control", action="close"),
]

KEY = "5e" * 32
"""A site key for the signed records (hex, as DRILLSIM_SITE_KEY takes it)."""


def _make(folder: Path, key: str | None) -> str:
    scenario = folder / "mini-lift.yaml"
    scenario.write_text(MINI, encoding="utf-8")
    record = folder / "drill.jsonl"
    before = os.environ.get(signing.ENV_KEY)
    if key is not None:
        os.environ[signing.ENV_KEY] = key
    try:
        setup = prepare(str(scenario))
        writer = RecordWriter(record, header_for(setup, seed=5, mode="observe", source=str(scenario)), setup)
        drill = setup.drill(seed=5, mode="observe")
        drill.subscribe(writer.write)
        drill.start()
        play_script(drill, DECISIONS)
        writer.close()
    finally:
        if before is None:
            os.environ.pop(signing.ENV_KEY, None)
        else:
            os.environ[signing.ENV_KEY] = before
    return record.read_text(encoding="utf-8")


@functools.cache
def sample(signed: bool = False) -> str:
    """The text of the record the tests alter (made once; the scenario file is gone afterwards)."""
    with tempfile.TemporaryDirectory() as folder:
        return _make(Path(folder), KEY if signed else None)


def _record(tmp_path: Path, signed: bool = False) -> Path:
    path = tmp_path / "drill.jsonl"
    path.write_text(sample(signed), encoding="utf-8")
    return path


ALTERATIONS = alterations(len(sample().splitlines()))
NAMES = [name for name, _ in ALTERATIONS]


def test_the_sample_record_is_whole_and_holds_a_finding(tmp_path: Path) -> None:
    """What the hostile tests alter verifies as it is, far from the scenario file it was made from."""
    path = _record(tmp_path)
    assert verify(path).ok and read(path).complete
    assert any(json.loads(line)["type"] == "finding" for line in lines_of(path))
    assert open_verified(path).warning is None


@pytest.mark.parametrize(("name", "alter"), ALTERATIONS, ids=NAMES)
def test_every_alteration_is_refused_by_replay_in_one_line(
    name: str, alter: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Edit, delete, swap, truncate, append: `drillsim replay` refuses with exit 1, one line naming a line."""
    path = _record(tmp_path)
    alter(path)  # type: ignore[operator]
    code = main(["replay", str(path), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 1, (name, captured.out[:200])
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert "line " in captured.err or f"{path}:" in captured.err, captured.err
    with pytest.raises(RecordError):
        open_verified(path)


@pytest.mark.parametrize(("name", "alter"), ALTERATIONS, ids=NAMES)
def test_every_alteration_of_a_signed_record_is_refused_with_the_key(
    name: str, alter: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same alterations of a signed record, checked with the site key: none gets through."""
    monkeypatch.setenv(signing.ENV_KEY, KEY)
    path = _record(tmp_path, signed=True)
    alter(path)  # type: ignore[operator]
    with pytest.raises(RecordError):
        open_verified(path)


def test_an_altered_record_can_be_listed_unverified_under_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--unverified shows it anyway: the listing's first line and stderr say it is not verified, and why."""
    path = _record(tmp_path)
    lines = lines_of(path)
    lines[5] = edited(lines[5])
    write_lines(path, lines)
    assert main(["replay", str(path), "--lang", "en", "--unverified"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("# WARNING: NOT VERIFIED: altered:") and "WARNING" in captured.err


def _without_findings(path: Path) -> None:
    kept = [line for line in lines_of(path) if json.loads(line)["type"] != "finding"]
    write_lines(path, rechained(kept))


def test_findings_removed_and_the_chain_made_again_are_caught_by_the_replay(tmp_path: Path) -> None:
    """Issue 11, item 2: dropping the finding lines and re-chaining leaves a valid chain, but not a valid drill."""
    path = _record(tmp_path)
    _without_findings(path)
    result = verify(path)
    assert not result.ok and "differs" in result.message and "(line " in result.message
    with pytest.raises(RecordError, match="altered"):
        open_verified(path)


def test_a_re_chained_outcome_is_caught_by_the_replay(tmp_path: Path) -> None:
    """A failure turned into a success, every checksum made again: the replay still ends the drill as it ended."""
    path = _record(tmp_path)
    lines = [json.loads(line) for line in lines_of(path)]
    for line in lines:
        if line["type"] in ("end", "drill_end"):
            line["outcome"] = "success" if line["outcome"] != "success" else "failure"
    write_lines(path, rechained([dumps(line) for line in lines]))
    assert not verify(path).ok


def _forge_participants(path: Path, secret: bytes | None) -> None:
    lines = [json.loads(line) for line in lines_of(path)]
    lines[0]["participants"] = [{"name": "someone else", "role": "control"}]
    lines[0]["kind"] = "assessment"
    write_lines(path, rechained([dumps(line) for line in lines], secret))


def test_the_plain_chain_cannot_tell_a_re_chained_header_edit(tmp_path: Path) -> None:
    """What the plain chain does not protect against (documented): who took part, edited and re-chained."""
    path = _record(tmp_path)
    _forge_participants(path, None)
    assert verify(path).ok


def test_a_signed_record_verifies_with_its_key_and_names_the_key_not_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signed: the header names the key by a short hash, every chk is 24 hex digits, and it verifies with the key."""
    monkeypatch.setenv(signing.ENV_KEY, KEY)
    path = _record(tmp_path, signed=True)
    key = signing.site_key()
    assert key is not None
    text = path.read_text(encoding="utf-8")
    assert KEY not in text and json.loads(text.splitlines()[0])["signed"] == key.id
    assert all(len(json.loads(line)["chk"]) == signing.SIGNED_DIGITS for line in text.splitlines())
    result = verify(path)
    assert result.ok and result.signature == "signed" and result.signed_note is None


@pytest.mark.parametrize("forger_key", [None, "77" * 32], ids=["plain chain", "another key"])
def test_a_signed_record_edited_and_re_chained_without_the_key_fails(
    forger_key: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 11, item 3: the forger recomputes the chain, but not with the site key: the first line fails."""
    monkeypatch.setenv(signing.ENV_KEY, KEY)
    path = _record(tmp_path, signed=True)
    _forge_participants(path, bytes.fromhex(forger_key) if forger_key else None)
    result = verify(path)
    assert not result.ok and "(line 1)" in result.message and "signature" in result.message


def test_a_signed_record_without_its_key_is_shown_as_not_checked_and_cannot_be_resumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key here: readers show it with 'signed, not checked: no site key'; resume refuses (it could not sign)."""
    path = _record(tmp_path, signed=True)
    result = verify(path)
    assert result.ok and result.signature == "unchecked"
    opened = open_verified(path)
    assert opened.warning is not None and "not checked: no site key" in opened.warning
    lines = lines_of(path)
    write_lines(path, lines[:-3])
    with pytest.raises(RecordError, match="signed"):
        Session.resume(path)
    monkeypatch.setenv(signing.ENV_KEY, KEY)
    session = Session.resume(path)  # with the key it goes on, signing
    session.halt()
    session.close()
    assert verify(path).ok and verify(path).signature == "signed"


def test_resume_takes_a_record_cut_short_but_not_an_altered_one(tmp_path: Path) -> None:
    """Resume is the one reader that accepts a truncated-but-intact record; an edit before the cut is refused."""
    path = _record(tmp_path)
    lines = lines_of(path)
    write_lines(path, lines[:-4])
    with pytest.raises(RecordError, match="incomplete"):
        open_verified(path)
    assert open_verified(path, partial=True).warning is None
    cut = list(lines[:-4])
    cut[4] = edited(cut[4])
    write_lines(path, cut)
    with pytest.raises(RecordError, match="cannot resume"):
        Session.resume(path)


def test_drillsim_key_new_makes_a_private_key_and_never_replaces_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The key file is readable by its owner only; a second `key new` refuses; the key file in force signs."""
    place = tmp_path / "keys" / "site.key"
    assert main(["key", "new", "--path", str(place)]) == 0
    assert stat.S_IMODE(place.stat().st_mode) == 0o600
    assert main(["key", "new", "--path", str(place)]) == 1
    assert "never replaced" in capsys.readouterr().err
    monkeypatch.setenv(signing.ENV_KEY_FILE, str(place))
    key = signing.site_key()
    assert key is not None and key.source == str(place)
    assert main(["key", "show"]) == 0 and key.id in capsys.readouterr().out


def test_a_key_file_others_can_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever can read the key can sign: a key file with group or world read is not used."""
    place = tmp_path / "site.key"
    place.write_text("ab" * 32 + "\n", encoding="ascii")
    place.chmod(0o644)
    monkeypatch.setenv(signing.ENV_KEY_FILE, str(place))
    with pytest.raises(RecordError, match="readable by others"):
        signing.site_key()
    monkeypatch.setenv(signing.ENV_KEY, "not hex")
    with pytest.raises(RecordError, match="not a site key"):
        signing.site_key()


def test_a_fork_is_a_new_drill_that_carries_its_sources(tmp_path: Path) -> None:
    """A what-if branched off a record has its own identity and content lines, and verifies on its own."""
    path = _record(tmp_path)
    origin = read(path)
    decision = next(e for e in origin.events if e.type == "decision" and e.seq > 3)
    session = Session.fork(path, decision.seq, record_path=tmp_path / "fork.jsonl", now=lambda: 0.0)
    session.halt()
    session.close()
    fork = read(tmp_path / "fork.jsonl")
    assert fork.header.drill_id != origin.header.drill_id and fork.sources == origin.sources
    assert verify(tmp_path / "fork.jsonl").ok


IMPOSSIBLE = [
    {"seq": 4, "t": 0.3, "type": "evaluation", "incident": 99, "target": "drill", "rating": "P"},
    {"seq": 4, "t": 0.3, "type": "evaluation", "incident": 0, "target": "bogus", "rating": "P"},
    {"seq": 4, "t": 0.3, "type": "note", "kind": "note", "text": "x", "incident": 99},
    {"seq": 4, "t": 0.3, "type": "fire", "incident": 0, "inject": "nope"},
    {"seq": 4, "t": 1e300, "type": "halt"},
]


@pytest.mark.parametrize("inserted", IMPOSSIBLE, ids=[f"{e['type']} {e.get('incident', '')}" for e in IMPOSSIBLE])
def test_an_inserted_input_no_drill_could_take_is_refused_naming_its_line(
    inserted: dict[str, object], tmp_path: Path
) -> None:
    """A forged input, chained as the writer would, that the engine refuses: verification names it, no traceback."""
    path = _record(tmp_path)
    lines = [json.loads(line) for line in lines_of(path)]
    at = next(i for i, line in enumerate(lines) if line.get("seq") == 4)
    lines.insert(at, inserted)
    write_lines(path, rechained([dumps(line) for line in lines]))
    result = verify(path)
    assert not result.ok and f"(line {at + 1})" in result.message, result.message
