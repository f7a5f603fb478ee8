"""Drill records: one JSONL file per drill, written as it happens, and their verification.

Line 1 is a header (what ran: scenario ids, versions, content digests, seed, mode, locale, staffing,
engine version, wall-clock start); every other line is one drill event (``seq``, ``t`` in sim
minutes, ``type``, fields). Each line is flushed as soon as it is written, so a crash or ``kill -9``
loses at most the line in flight.

Wall-clock stamps live only in fields whose names start with ``wall``; everything else is a pure
function of scenario, seed and decisions, so two runs can be compared line by line.

Each line also carries ``chk``, a short checksum chaining it to the line before (wall fields left
out). Verification has two parts: the chain says whether any line was altered after it was written
(and names the first), and a replay re-executes the recorded decisions on the same scenario and
seed and checks that every event comes out the same (and names the first that does not). A record
cut short by a crash verifies as a consistent prefix and says where it ends.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from engine import __version__
from engine.errors import ContentError, RecordError
from engine.format import find, load_scenario
from engine.format.events import (
    FORMAT,
    AnyEvent,
    DecisionMade,
    DecisionWithdrawn,
    DrillEnded,
    DrillHalted,
    Evaluated,
    IncidentRef,
    InjectFired,
    NoteMade,
    PlanRef,
    RecordHeader,
    parse_event,
    parse_header,
)
from engine.runtime.run import Drill, Submission
from engine.runtime.setup import Setup

_SEED = "drillsim"


def _core(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if not k.startswith("wall") and k != "chk"}


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _chain(previous: str, core_line: str) -> str:
    return hashlib.blake2b((previous + core_line).encode(), digest_size=6).hexdigest()


def header_for(
    setup: Setup,
    *,
    seed: int,
    mode: str,
    source: str,
    participants: list[dict[str, str]] | None = None,
    team: str | None = None,
    site: str | None = None,
    kind: str | None = None,
) -> RecordHeader:
    """The header describing a drill built from ``setup``, and who took part (for history)."""
    plan = setup.plan
    chosen = setup.for_seed(seed)
    return RecordHeader(
        engine=__version__,
        id=setup.title_id,
        source=source,
        plan=None if plan is None else PlanRef(id=plan.model.id, version=plan.model.version, digest=plan.digest),
        incidents=[
            IncidentRef(
                scenario=s.model.id,
                version=s.model.version,
                digest=s.digest,
                path=s.path,
                start=start,
                persona=chosen.personas.get(i),
                after=setup.triggers.get(i),
            )
            for i, (s, start) in enumerate(zip(setup.sources, setup.starts, strict=True))
        ],
        seed=seed,
        mode=mode,  # type: ignore[arg-type]  # the drill checks it
        locale=setup.locale,
        staffing=setup.staffing,
        participants=participants or [],
        team=team,
        site=site,
        kind=kind or (plan.model.kind if plan else "practice"),  # type: ignore[arg-type]  # checked by the CLI and the model
        wall_start=datetime.now(UTC).isoformat(timespec="seconds"),
    )


class RecordWriter:
    """Appends a drill's events to a JSONL file as they happen. Subscribe :meth:`write` to the drill."""

    def __init__(self, path: str | Path, header: RecordHeader) -> None:
        try:
            self._file: IO[str] = open(path, "x", encoding="utf-8")  # noqa: SIM115 - lives as long as the drill
        except FileExistsError as exc:
            raise RecordError(f"{path}: already exists; records are never overwritten") from exc
        except OSError as exc:
            raise RecordError(f"{path}: cannot create: {exc.strerror or exc}") from exc
        self.path = str(path)
        self._chk = _SEED
        self.write(header)

    @classmethod
    def append(cls, path: str | Path, chk: str) -> RecordWriter:
        """Go on writing an existing record whose last line has checksum ``chk`` (a resumed drill)."""
        writer = cls.__new__(cls)
        try:
            writer._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the drill
        except OSError as exc:
            raise RecordError(f"{path}: cannot append: {exc.strerror or exc}") from exc
        writer.path = str(path)
        writer._chk = chk
        return writer

    def write(self, event: AnyEvent | RecordHeader) -> None:
        """Append one line and flush it."""
        data = event.to_json()
        core = _dumps(_core(data))
        self._chk = _chain(self._chk, core)
        if any(k.startswith("wall") for k in data):
            line = _dumps({**data, "chk": self._chk})
        else:  # the common case: reuse the text already made for the checksum
            line = core[:-1] + f',"chk":"{self._chk}"}}'
        self._file.write(line + "\n")
        self._file.flush()

    def close(self) -> None:
        """Close the file."""
        self._file.close()


@dataclass
class Record:
    """A record read back: its header and events, typed, and the lines as written.

    Attributes:
        path: The file.
        header: Line 1.
        events: Every other line, in order.
        lines: Each line's object exactly as written (header first, checksums included): what the
            checksum chain is verified on, so that no reading or re-writing can hide an edit.
        truncated: Whether the drill did not reach its end in this record.
        notes: What reading noticed (a torn last line dropped).
    """

    path: str
    header: RecordHeader
    events: list[AnyEvent]
    lines: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether the drill reached its end in this record."""
        return any(isinstance(e, DrillEnded) for e in self.events)

    @property
    def header_chk(self) -> str:
        """The checksum of the header line (what a fork names its origin by)."""
        return str(self.lines[0].get("chk", "")) if self.lines else ""

    @property
    def last_chk(self) -> str:
        """The checksum of the last line (what a resumed drill's next line chains to)."""
        return str(self.lines[-1].get("chk", "")) if self.lines else _SEED


def read(path: str | Path) -> Record:
    """Read a record. A torn last line (crash mid-write) is dropped and noted.

    Raises:
        RecordError: Not a drillsim record, or a damaged line before the last.
    """
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise RecordError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RecordError(f"{name}: not a drillsim record (not UTF-8 text)") from exc
    lines = text.split("\n")
    torn = lines[-1] != ""
    if not torn:
        lines = lines[:-1]
    parsed: list[dict[str, Any]] = []
    notes: list[str] = []
    for number, line in enumerate(lines, start=1):
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not an object")
        except ValueError as exc:
            if number == len(lines) and number > 1:
                notes.append(f"line {number} is incomplete (the drill was interrupted while writing it); ignored")
                torn = True
                break
            raise RecordError(f"{name}:{number}: not a valid record line") from exc
        parsed.append(item)
    if not parsed or parsed[0].get("type") != "header" or parsed[0].get("format") != FORMAT:
        raise RecordError(f"{name}: not a drillsim record (no '{FORMAT}' header on line 1)")
    try:
        header = parse_header(parsed[0])
    except RecordError as exc:
        raise RecordError(f"{name}:1: {exc}") from exc
    events: list[AnyEvent] = []
    for number, item in enumerate(parsed[1:], start=2):
        try:
            events.append(parse_event(item))
        except RecordError as exc:
            raise RecordError(f"{name}:{number}: {exc}") from exc
    record = Record(name, header, events, lines=parsed, notes=notes)
    record.truncated = not record.complete
    return record


@dataclass
class Verification:
    """Outcome of :func:`verify`."""

    ok: bool
    checked: int
    message: str


def verify(path: str | Path) -> Verification:
    """Check a record's integrity and replay its decisions; see the module docstring."""
    record = read(path)
    broken = first_broken_link(record)
    if broken is not None:
        return Verification(False, 0, broken)
    try:
        setup = setup_from(record)
    except ContentError as exc:
        return Verification(False, 0, f"cannot load the scenario this drill ran: {exc.problems[0]}")
    except RecordError as exc:
        return Verification(False, 0, str(exc))
    produced = replay(record, setup)
    for index, expected in enumerate(record.events):
        if index >= len(produced):
            return Verification(False, index, f"event {expected.seq} is in the record but the replay ends before it")
        got = produced[index].core()
        want = expected.core()
        if got != want:
            return Verification(False, index, f"event {expected.seq} differs: {_difference(want, got)}")
    count = len(record.events)
    if record.complete:
        if len(produced) != count:
            return Verification(False, count, f"the replay goes on past the record's end (event {count + 1})")
        return Verification(True, count, f"{count} events verified; the record is complete")
    last = record.events[-1] if record.events else None
    where = f"seq {last.seq} at sim minute {last.t:g}" if last else "the header"
    extra = f" ({'; '.join(record.notes)})" if record.notes else ""
    return Verification(True, count, f"{count} events verified; the record was cut short and ends at {where}{extra}")


def first_broken_link(record: Record) -> str | None:
    """Where the checksum chain first breaks (an edited, inserted or removed line), or None."""
    chk = _SEED
    for number, item in enumerate(record.lines, start=1):
        chk = _chain(chk, _dumps(_core(item)))
        if item.get("chk") != chk:
            what = "the header" if number == 1 else f"event {item.get('seq', '?')}"
            return (
                f"{what} (line {number}) does not follow from the line before it: it, or a line before it,"
                " was altered or removed after the drill wrote it"
            )
    return None


def setup_from(record: Record) -> Setup:
    """Rebuild the drill set-up a record was made with; the scenarios must be unchanged.

    Raises:
        RecordError: A scenario has changed since the drill (its digest differs).
        ContentError: A scenario cannot be found or loaded.
    """
    header = record.header
    sources = []
    for incident in header.incidents:
        path = Path(incident.path) if Path(incident.path).is_file() else find(incident.scenario)
        loaded = load_scenario(path)
        if loaded.digest != incident.digest:
            raise RecordError(
                f"scenario '{incident.scenario}' ({path}) has changed since this drill was run (content hash differs)"
            )
        sources.append(loaded)
    incidents = header.incidents
    return Setup(
        sources,
        [float(i.start) for i in incidents],
        staffing=dict(header.staffing),
        locale=header.locale,
        triggers={n: (i.after[0], i.after[1]) for n, i in enumerate(incidents) if i.after is not None},
        personas={n: i.persona for n, i in enumerate(incidents) if i.persona is not None},
    )


def decisions(record: Record) -> Iterator[tuple[float, Submission]]:
    """The recorded decisions, in order, as they were submitted."""
    for event in record.events:
        if isinstance(event, DecisionMade):
            yield float(event.t), _submission(event)


def _submission(event: DecisionMade) -> Submission:
    return Submission(
        role=event.role,
        action=event.action,
        incident=event.incident,
        source=event.source,
        note=event.note,
        wall=event.wall,
        by=event.by,
        device=event.device,
    )


def replay(record: Record, setup: Setup) -> list[AnyEvent]:
    """Re-execute the record's decisions on a fresh drill and return every event it produces."""
    drill = setup.drill(seed=record.header.seed, mode=record.header.mode)
    drill.start()
    ended = False
    for event in record.events:
        ended = ended or isinstance(event, DrillEnded)
        if event.input:
            if drill.finished and isinstance(event, DecisionMade | InjectFired | DrillHalted | DecisionWithdrawn):
                continue  # cannot happen in a record the drill wrote; a replay must not raise on it
            if ended:  # a rating or note made after the drill ended (a coach's later judgement)
                drill.run_to_end()
            drill.advance_to(float(event.t))
            apply_input(drill, event)
    drill.run_to_end()
    return drill.events


def apply_input(drill: Drill, event: AnyEvent) -> None:
    """Re-execute one recorded input (a decision, evaluation, note, fired inject or halt) on ``drill``.

    The drill must already be at the event's sim minute. Used by replay, resume and fork alike.
    """
    match event:
        case DecisionMade():
            drill.submit(_submission(event))
        case Evaluated():
            drill.evaluate(event.target, incident=event.incident, rating=event.rating, note=event.note, wall=event.wall)
        case NoteMade():
            drill.note(event.text, kind=event.kind, incident=event.incident, wall=event.wall)
        case InjectFired():
            drill.fire(event.incident, event.inject, wall=event.wall)
        case DrillHalted():
            drill.halt(wall=event.wall)
        case DecisionWithdrawn():
            drill.withdraw(event.decision, wall=event.wall)
        case _:
            raise RecordError(f"event {event.seq} of type {event.type!r} is not an input")


def same_event(recorded: AnyEvent, produced: AnyEvent) -> bool:
    """Whether a replayed event is the recorded one (wall stamps aside)."""
    return recorded.core() == produced.core()


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _difference(want: dict[str, Any], got: dict[str, Any]) -> str:
    keys = [k for k in dict.fromkeys([*want, *got]) if want.get(k) != got.get(k)]
    parts = [f"{k}: recorded {_show(want.get(k))}, replay {_show(got.get(k))}" for k in keys[:3]]
    return "; ".join(parts)
