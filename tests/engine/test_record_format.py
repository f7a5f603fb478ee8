"""The record format: every line of every record is what the published schema and the declared types say.

Records of two ages are checked: those drillsim 0.1.0 wrote (tests/fixtures/records_v1) and records
made now (every shipped scenario, a role-play, a plan, and a drill with every kind of input, a
dropped action, a forked continuation, a withdrawn decision). Each line must pass an external JSON Schema validator
(jsonschema's Draft 2020-12) against ``drillsim schema record`` and the engine's own reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.format import (
    KINDS,
    Event,
    ForkRef,
    IncidentRef,
    PlanRef,
    RecordHeader,
    SourceText,
    line_schema,
    parse_content,
    parse_event,
    parse_header,
)
from engine.format.events import BY_TYPE
from engine.runtime import RecordWriter, Session, Submission, header_for, play_random, prepare, read
from engine.tools.cli import main
from tests.conftest import MINI, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "records_v1"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))

PLAN = """\
schema: plan/1
id: mini-pair
version: "1"
title: {zh: 两起, en: Two at once}
incidents:
  - scenario: mini-lift.yaml
    name: first
  - scenario: mini-lift.yaml
    name: second
  - scenario: mini-lift.yaml
    name: third
    after: {incident: first, when: "distress >= 99 and talking"}
staffing: {guards: 2}
"""
"""Two lifts at once over shared guards, and a third that waits for a condition that never comes."""

WALL = "2026-12-04T15:57:21+00:00"


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def every_input(folder: Path) -> Path:
    """A mini plan with every kind of input, a dropped action, a finding of each shape, and a never-begun incident."""
    (folder / "mini-lift.yaml").write_text(MINI, encoding="utf-8")
    (folder / "plan.yaml").write_text(PLAN, encoding="utf-8")
    setup = prepare(str(folder / "plan.yaml"))
    path = folder / "every-input.jsonl"
    writer = RecordWriter(path, header_for(setup, seed=2, mode="observe", source="test", team="B", site="S"), setup)
    drill = setup.drill(seed=2, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    drill.submit(Submission("control", "log", 0, "ui", wall=WALL))
    drill.advance_to(1.0)
    drill.submit(Submission("guard", "patrol", 0, "ui", note="walk the floors", wall=WALL))
    drill.note("calm voice", wall=WALL)
    drill.note("", kind="bookmark", incident=0)
    drill.evaluate("inject:alarm", incident=0, rating="S", wall=WALL)
    drill.evaluate("drill", note="good start")
    drill.fire(1, "faint", wall=WALL)
    drill.advance_to(2.0)
    drill.submit(Submission("guard", "open_door", 0, "ui"))  # between floors: a finding, the loop left open
    drill.submit(Submission("guard", "log", 1, "ui"))  # wrong role: unavailable
    drill.advance_to(8.0)  # the patrol of the ended incident is dropped at 6
    drill.halt(wall=WALL)
    writer.close()
    return path


def withdrawn(folder: Path) -> Path:
    """The mini lift with a decision withdrawn while its action was under way."""
    setup = prepare(str(folder / "mini-lift.yaml"))
    path = folder / "withdrawn.jsonl"
    writer = RecordWriter(path, header_for(setup, seed=2, mode="observe", source="test"), setup)
    drill = setup.drill(seed=2, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    talk = drill.submit(Submission("control", "talk", 0, "ui", wall=WALL)).seq
    drill.advance_to(0.5)
    drill.withdraw(talk, wall=WALL)
    drill.halt()
    writer.close()
    return path


def forked(path: Path) -> Path:
    """A what-if branched off ``path`` at its second decision, played on for a while."""
    second = [e.seq for e in read(path).events if e.type == "decision"][1]
    out = path.with_name("forked.jsonl")
    session = Session.fork(path, second, record_path=out, speed=30.0, now=lambda: 0.0)
    session.submit("control", "talk", 0)
    session.halt()
    session.close()
    return out


def made_now(folder: Path) -> list[Path]:
    """Records written by today's engine."""
    made = [every_input(folder)]
    made.append(forked(made[0]))
    made.append(withdrawn(folder))
    runs: list[tuple[str, str | None]] = [(str(p), None) for p in SHIPPED]
    runs += [(str(ROOT / "scenarios" / "leak-complaint.yaml"), "busy")]
    runs += [(str(ROOT / "drills" / "rainstorm-cascade.yaml"), None)]
    for number, (name, persona) in enumerate(runs):
        setup = prepare(name, persona=persona)
        path = folder / f"random-{number}.jsonl"
        writer = RecordWriter(path, header_for(setup, seed=3, mode="observe", source=name), setup)
        drill = setup.drill(seed=3, mode="observe")
        drill.subscribe(writer.write)
        drill.start()
        play_random(drill, 3)
        writer.close()
        made.append(path)
    return made


@pytest.fixture(scope="module")
def today(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return made_now(tmp_path_factory.mktemp("records"))


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = line_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def all_records(today: list[Path]) -> Iterator[Path]:
    yield from sorted(FIXTURES.glob("*.jsonl"))
    yield from today


def test_the_published_schema_is_a_valid_draft_2020_12_schema() -> None:
    """Editors and other tools can load it: it passes the metaschema."""
    Draft202012Validator.check_schema(line_schema())


def test_every_line_of_every_record_old_and_new_validates_against_the_schema_and_the_types(
    today: list[Path], validator: Draft202012Validator
) -> None:
    """The external validator and the engine's reader accept every line, and agree with what it says."""
    checked = 0
    for path in all_records(today):
        for number, line in enumerate(lines_of(path), start=1):
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(line)]
            assert errors == [], f"{path.name}:{number}"
            body = {k: v for k, v in line.items() if k != "chk"}
            parsed: RecordHeader | SourceText | Event
            if number == 1:
                parsed = parse_header(line)
            elif line["type"] == "content":
                parsed = parse_content(line)
            else:
                parsed = parse_event(line)
            assert parsed.to_json() == body, f"{path.name}:{number}"  # read back, it writes the same line
            checked += 1
    assert checked > 5000


def test_the_records_made_now_hold_every_kind_of_event(today: list[Path]) -> None:
    """Today's records exercise the whole union, so the schema test above covers every kind."""
    seen = {line["type"] for path in today for line in lines_of(path)[1:]}
    assert seen == {*BY_TYPE, "content"}
    headers = [lines_of(path)[0] for path in today]
    assert any("fork" in h and "speed" in h for h in headers)
    assert any(h["plan"] is not None and any("after" in i for i in h["incidents"]) for h in headers)
    assert any("persona" in h["incidents"][0] for h in headers)


BROKEN = [
    ("an unknown field", {"seq": 1, "t": 0, "type": "halt", "was": 1, "chk": "x"}),
    ("a missing field", {"seq": 1, "t": 0, "type": "dropped", "incident": 0, "chk": "x"}),
    (
        "a field of the wrong type",
        {"seq": 1, "t": 0, "type": "hazard", "incident": 0, "hazard": "h", "active": "yes", "chk": "x"},
    ),
    (
        "an unknown value",
        {"seq": 1, "t": 0, "type": "timer", "incident": 0, "timer": "x", "status": "paused", "chk": "x"},
    ),
    ("an unknown kind", {"seq": 1, "t": 0, "type": "explosion", "chk": "x"}),
    (
        "a 'from' spelled as in Python",
        {"seq": 1, "t": 0, "type": "state", "incident": 0, "to": "a", "via": "b", "from_": "c", "chk": "x"},
    ),
]


@pytest.mark.parametrize(("what", "line"), BROKEN, ids=[b[0] for b in BROKEN])
def test_the_schema_refuses_what_the_reader_refuses(
    what: str, line: dict[str, Any], validator: Draft202012Validator
) -> None:
    """The published schema is not looser than the engine: a line one refuses, the other does too."""
    assert not validator.is_valid(line)
    with pytest.raises(Exception, match=r".+"):
        parse_event(line)


def test_a_line_without_its_checksum_is_not_a_record_line(validator: Draft202012Validator) -> None:
    """chk is part of every line on disk (the reader ignores it, the chain checks it)."""
    assert not validator.is_valid({"seq": 1, "t": 0, "type": "halt"})
    assert validator.is_valid({"seq": 1, "t": 0, "type": "halt", "chk": "0123456789ab"})


def test_drillsim_schema_record_prints_the_line_schema(capsys: pytest.CaptureFixture[str]) -> None:
    """``drillsim schema record`` is the published schema, with its id."""
    assert main(["schema", "record"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$id"].endswith("/record-2.json")
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert len(printed["oneOf"]) == 2 + len(KINDS)
    Draft202012Validator.check_schema(printed)
    first = lines_of(sorted(FIXTURES.glob("*.jsonl"))[0])
    assert all(Draft202012Validator(printed).is_valid(line) for line in first)


DOC = (ROOT / "docs" / "record-format.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = DOC.index(heading)
    following = re.search(r"\n#{2,4} ", DOC[start + len(heading) :])
    return DOC[start : start + len(heading) + (following.start() if following else len(DOC))]


@pytest.mark.parametrize("kind", KINDS, ids=[k.type for k in KINDS])
def test_the_record_format_documents_every_kind_and_each_of_its_fields(kind: type[Event]) -> None:
    """docs/record-format.md has a section per event type with a table row per field, as written on disk."""
    section = _section(f"#### `{kind.type}`")
    for key in _json_names(kind):
        assert f"| `{key}` |" in section, (kind.type, key)


def _json_names(kind: type[Any]) -> list[str]:
    return [{"from_": "from"}.get(f.name, f.name) for f in fields(kind) if f.name not in ("seq", "t")]


def test_the_record_format_documents_the_header() -> None:
    """Every header field, and every field of what it refers to, has its row."""
    section = _section("## The header")
    for cls in (RecordHeader, IncidentRef, PlanRef, ForkRef):
        for key in _json_names(cls):
            assert f"| `{key}` |" in section or f"`{key}`" in section, (cls.__name__, key)


def test_the_record_format_documents_the_content_line() -> None:
    """Every field of a content line has its row."""
    section = _section("## Content lines")
    for key in ("type", *_json_names(SourceText), "chk"):
        assert f"| `{key}` |" in section, key
