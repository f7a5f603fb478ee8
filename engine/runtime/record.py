"""Drill records: one JSONL file per drill, written as it happens, and their verification.

Line 1 is a header (what ran: scenario ids, versions, content digests, seed, mode, locale, staffing,
engine version, wall-clock start, the drill's identity); then, from format version 2, one
``content`` line per source the drill ran (the plan's and each scenario's exact text); every other
line is one drill event (``seq``, ``t`` in sim minutes, ``type``, fields). Each line is flushed as
soon as it is written, so a crash or ``kill -9`` loses at most the line in flight.

Wall-clock stamps live only in fields whose names start with ``wall``; everything else is a pure
function of scenario, seed and decisions, so two runs can be compared line by line.

Each line also carries ``chk``, a checksum chaining it to the line before (wall fields left out):
plain BLAKE2b, or an HMAC under the site key when one is present (:mod:`.signing`). Verification
has two parts: the chain says whether any line was altered after it was written (and names the
first), and a replay re-executes the recorded decisions on the sources the record carries, with its
seed, and checks that every event comes out the same (and names the first that does not). A record
cut short by a crash verifies as a consistent prefix and says where it ends.

Every reader goes through :func:`open_verified`: an altered record is refused with one line naming
the first bad line, unless the caller asks to see it anyway, and then it comes with a warning that
every page and screen shows. A version 1 record (no content lines) is verified the same way on the
scenario files it names (by path, then by id in the library; digest checked).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal

from engine import __version__
from engine.errors import ContentError, DrillError, RecordError
from engine.format import (
    FORMAT,
    AnyEvent,
    DecisionMade,
    DecisionWithdrawn,
    DrillEnded,
    DrillHalted,
    Evaluated,
    IncidentRef,
    InjectFired,
    Loaded,
    NoteMade,
    Plan,
    PlanRef,
    RecordHeader,
    Scenario,
    SourceText,
    find,
    load_plan,
    load_scenario,
    load_text,
    parse_content,
    parse_event,
    parse_header,
)
from engine.runtime.run import Drill, Submission
from engine.runtime.setup import Setup
from engine.runtime.signing import SEED, SiteKey, link, site_key

_SEED = SEED

AFTER_END = frozenset({"evaluation", "note"})
"""Kinds that may follow ``drill_end``: a coach's later rating or note. Anything else there is an alteration."""


def _core(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if not k.startswith("wall") and k != "chk"}


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _chain(previous: str, core_line: str, secret: bytes | None = None) -> str:
    return link(previous, core_line, secret)


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
    """The header describing a drill built from ``setup``, and who took part (for history).

    The drill gets a new identity, and the header names the site key (:func:`.signing.site_key`)
    when there is one: the record will be signed with it.

    Raises:
        RecordError: A site key is configured but cannot be used.
    """
    plan = setup.plan
    chosen = setup.for_seed(seed)
    key = site_key()
    return RecordHeader(
        drill_id=new_drill_id(),
        signed=key.id if key is not None else None,
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


def new_drill_id() -> str:
    """A new drill identity (a random UUID as 32 hex digits)."""
    return uuid.uuid4().hex


def sources_of(setup: Setup) -> list[SourceText]:
    """The content lines of a drill built from ``setup``: the plan's text, then each scenario's once.

    Raises:
        RecordError: A source was made without its text (not by the loader).
    """
    found: list[SourceText] = []
    seen: set[tuple[str, str]] = set()
    items: list[tuple[Literal["scenario", "plan"], Loaded[Any]]] = []
    if setup.plan is not None:
        items.append(("plan", setup.plan))
    items += [("scenario", s) for s in setup.sources]
    for kind, loaded in items:
        if (kind, loaded.digest) in seen:
            continue
        if not loaded.text:
            raise RecordError(f"{loaded.path}: its text is not at hand, so a record could not carry it")
        seen.add((kind, loaded.digest))
        found.append(SourceText(kind=kind, digest=loaded.digest, name=_file_name(loaded.path), text=loaded.text))
    return found


def _file_name(path: str) -> str:
    """A source's file name, without its folder (nor the record it was embedded in)."""
    return Path(path.rsplit("#", 1)[-1]).name


def _signing_key(header: RecordHeader) -> bytes | None:
    """The secret to chain a record with this header (None: plain), refusing a key that is not there."""
    if header.signed is None:
        return None
    key = site_key()
    if key is None or key.id != header.signed:
        have = "no site key" if key is None else f"the site key here is {key.id}"
        raise RecordError(f"the record is signed with site key {header.signed}, and {have}: it cannot be written")
    return key.secret


class RecordWriter:
    """Appends a drill's events to a JSONL file as they happen. Subscribe :meth:`write` to the drill.

    A new record starts with its header and (format 2) the content lines of ``setup``'s sources.
    """

    def __init__(self, path: str | Path, header: RecordHeader, setup: Setup | None = None) -> None:
        self._secret = _signing_key(header)
        if header.version >= 2 and setup is None:
            raise RecordError(f"{path}: a version 2 record needs the sources it runs (pass the set-up)")
        try:
            self._file: IO[str] = open(path, "x", encoding="utf-8")  # noqa: SIM115 - lives as long as the drill
        except FileExistsError as exc:
            raise RecordError(f"{path}: already exists; records are never overwritten") from exc
        except OSError as exc:
            raise RecordError(f"{path}: cannot create: {exc.strerror or exc}") from exc
        self.path = str(path)
        self._chk = _SEED
        try:
            self.write(header)
            if header.version >= 2 and setup is not None:
                for source in sources_of(setup):
                    self.write(source)
        except OSError as exc:  # a full disk, most likely: the sources are the record's largest lines
            self._file.close()
            raise RecordError(f"{path}: cannot write: {(exc.strerror or str(exc)).lower()}") from exc

    @classmethod
    def append(cls, path: str | Path, chk: str, header: RecordHeader | None = None) -> RecordWriter:
        """Go on writing an existing record whose last line has checksum ``chk`` (a resumed drill).

        Args:
            path: The record.
            chk: Its last line's checksum.
            header: Its header: a signed record goes on only with its site key.

        Raises:
            RecordError: The file cannot be opened, or the record is signed and its key is not here.
        """
        writer = cls.__new__(cls)
        writer._secret = _signing_key(header) if header is not None else None
        try:
            writer._file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the drill
        except OSError as exc:
            raise RecordError(f"{path}: cannot append: {exc.strerror or exc}") from exc
        writer.path = str(path)
        writer._chk = chk
        return writer

    def write(self, event: AnyEvent | RecordHeader | SourceText) -> None:
        """Append one line and flush it."""
        data = event.to_json()
        core = _dumps(_core(data))
        self._chk = _chain(self._chk, core, self._secret)
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
    """A record read back: its header, sources and events, typed, and the lines as written.

    Attributes:
        path: The file.
        header: Line 1.
        events: Every event line, in order.
        lines: Each line's object exactly as written (header first, checksums included): what the
            checksum chain is verified on, so that no reading or re-writing can hide an edit.
        truncated: Whether the drill did not reach its end in this record.
        notes: What reading noticed (a torn last line dropped).
        sources: The content lines (format 2), in order, right after the header.
        damage: An alteration reading alone can see (a line that is not a record line, or a line
            other than a later rating or note, after the drill's end), naming its line; None if none.
    """

    path: str
    header: RecordHeader
    events: list[AnyEvent]
    lines: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    notes: list[str] = field(default_factory=list)
    sources: list[SourceText] = field(default_factory=list)
    damage: str | None = None

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

    @property
    def end_chk(self) -> str | None:
        """The checksum of the ``drill_end`` line: the drill as played (later ratings aside); None if cut short."""
        base = 1 + len(self.sources)
        for index, event in enumerate(self.events):
            if isinstance(event, DrillEnded):
                return str(self.lines[base + index].get("chk", ""))
        return None

    def line_of(self, index: int) -> int:
        """The line number (from 1) of ``events[index]``."""
        return 2 + len(self.sources) + index


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
    if lines[-1] == "":
        lines = lines[:-1]
    parsed: list[dict[str, Any]] = []
    notes: list[str] = []
    bad_tail: int | None = None
    for number, line in enumerate(lines, start=1):
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError) as exc:  # RecursionError: brackets nested thousands deep
            if number == len(lines) and number > 1:
                bad_tail = number
                break
            raise RecordError(f"{name}:{number}: not a valid record line") from exc
        parsed.append(item)
    if not parsed or parsed[0].get("type") != "header":
        raise RecordError(f"{name}: not a drillsim record (no '{FORMAT}' header on line 1)")
    try:
        header = parse_header(parsed[0])
    except RecordError as exc:
        raise RecordError(f"{name}:1: {exc}") from exc
    sources: list[SourceText] = []
    first = 2  # the line number of the first event
    if header.version >= 2:
        while first - 1 < len(parsed) and parsed[first - 1].get("type") == "content":
            try:
                sources.append(parse_content(parsed[first - 1]))
            except RecordError as exc:
                raise RecordError(f"{name}:{first}: {exc}") from exc
            first += 1
    events: list[AnyEvent] = []
    for number, item in enumerate(parsed[first - 1 :], start=first):
        try:
            events.append(parse_event(item))
        except RecordError as exc:
            raise RecordError(f"{name}:{number}: {exc}") from exc
    record = Record(name, header, events, lines=parsed, notes=notes, sources=sources)
    ended = next((i for i, e in enumerate(events) if isinstance(e, DrillEnded)), None)
    if ended is not None:
        late = next((i for i in range(ended + 1, len(events)) if events[i].type not in AFTER_END), None)
        if late is not None:
            record.damage = (
                f"line {record.line_of(late)} ({events[late].type} event {events[late].seq}) follows the drill's end;"
                " only a later rating or note may: it was added after the drill"
            )
    if bad_tail is not None:
        if ended is not None:
            record.damage = record.damage or (
                f"line {bad_tail} is not a record line and follows the drill's end: it was added after the drill"
            )
        else:
            notes.append(f"line {bad_tail} is incomplete (the drill was interrupted while writing it); ignored")
    record.truncated = not record.complete
    return record


Signature = Literal["unsigned", "signed", "unchecked"]
"""How a record's chain was checked: plain checksums; a site key's HMAC, checked with the key;
or signed with a key that is not here, so the chain could not be checked at all."""


@dataclass
class Verification:
    """Outcome of :func:`verify`.

    Attributes:
        ok: Whether the record is intact (its chain, its sources and its replay), whole or cut short.
        checked: How many events were compared.
        message: One line saying what was found (the first bad line, or what verified).
        complete: Whether the record reaches ``drill_end``.
        signature: See :data:`Signature`.
        key: The site key id a signed record names (None for an unsigned one).
    """

    ok: bool
    checked: int
    message: str
    complete: bool = False
    signature: Signature = "unsigned"
    key: str | None = None

    @property
    def signed_note(self) -> str | None:
        """For a signed record whose key is not here: what every reader says of it."""
        if self.signature != "unchecked":
            return None
        return f"signed with site key {self.key}, not checked: no site key {self.key} here (the replay was checked)"


def first_broken_link(record: Record, key: SiteKey | Literal["site"] | None = "site") -> str | None:
    """Where the checksum chain first breaks (an edited, inserted or removed line), or None.

    A signed record is checked with the site key (``key``; by default the one in force); without
    it the chain cannot be checked, and that is said as a break: callers that accept such a record
    (readers that warn) use :func:`check_chain`.
    """
    broken, signature = check_chain(record, key)
    if broken is None and signature == "unchecked":
        return f"the record is signed with site key {record.header.signed} and there is no such key here to check it"
    return broken


def check_chain(record: Record, key: SiteKey | Literal["site"] | None = "site") -> tuple[str | None, Signature]:
    """The chain's first break (or None), and how it was checked (see :data:`Signature`).

    Raises:
        RecordError: ``key`` is ``"site"`` and the site key configured cannot be used.
    """
    signed = record.header.signed
    secret = None
    if signed is not None:
        found = site_key() if key == "site" else key
        if not isinstance(found, SiteKey) or found.id != signed:
            return None, "unchecked"
        secret = found.secret
    chk = _SEED
    sources = len(record.sources)
    for number, item in enumerate(record.lines, start=1):
        chk = _chain(chk, _dumps(_core(item)), secret)
        if item.get("chk") != chk:
            if number == 1:
                what = "the header"
            elif number <= 1 + sources:
                what = "a content line"
            else:
                what = f"event {item.get('seq', '?')}"
            how = (
                "its signature (the site key's HMAC) does not match"
                if secret
                else "it does not follow from the line before it"
            )
            return (
                f"{what} (line {number}): {how}: it, or a line before it,"
                " was altered or removed after the drill wrote it",
                "signed" if secret else "unsigned",
            )
    return None, "signed" if secret else "unsigned"


def verify(path: str | Path, key: SiteKey | Literal["site"] | None = "site") -> Verification:
    """Check a record's integrity and replay its decisions; see the module docstring."""
    return check(read(path), key)[0]


def check(record: Record, key: SiteKey | Literal["site"] | None = "site") -> tuple[Verification, Setup | None]:
    """Verify a record read back: its chain, what reading saw, its sources, and its replay.

    Returns:
        The verification, and the set-up rebuilt from the record (None when it could not be).
    """
    complete = record.complete
    broken, signature = check_chain(record, key)

    def result(ok: bool, checked: int, message: str) -> Verification:
        return Verification(ok, checked, message, complete, signature, record.header.signed)

    if broken is not None:
        return result(False, 0, broken), None
    if record.damage is not None:
        return result(False, 0, record.damage), None
    try:
        setup = setup_from(record)
    except ContentError as exc:
        return result(False, 0, f"cannot load the scenario this drill ran: {exc.problems[0]}"), None
    except RecordError as exc:
        return result(False, 0, str(exc)), None
    try:
        produced = replay(record, setup)
    except DrillError as exc:  # an input no drill could have taken (time going back, an unknown target)
        return result(False, 0, str(exc)), setup
    for index, expected in enumerate(record.events):
        where = f"event {expected.seq} (line {record.line_of(index)})"
        if index >= len(produced):
            return result(False, index, f"{where} is in the record but the replay ends before it"), setup
        got = produced[index].core()
        want = expected.core()
        if got != want:
            return result(False, index, f"{where} differs: {_difference(want, got)}"), setup
    count = len(record.events)
    if complete:
        if len(produced) != count:
            return result(False, count, f"the replay goes on past the record's end (event {count + 1})"), setup
        return result(True, count, f"{count} events verified; the record is complete"), setup
    last = record.events[-1] if record.events else None
    where = f"seq {last.seq} (line {record.line_of(count - 1)}) at sim minute {last.t:g}" if last else "the header"
    extra = f" ({'; '.join(record.notes)})" if record.notes else ""
    return result(True, count, f"{count} events verified; the record was cut short and ends at {where}{extra}"), setup


@dataclass
class Opened:
    """A record opened by a reader: read, verified, and its set-up rebuilt.

    Attributes:
        record: The record.
        setup: What it ran, from the sources it carries (or, version 1, the files it names).
        verification: What verification found.
        warning: What every page and screen showing this record must show, or None when it
            verified whole (and, if signed, its signature was checked).
    """

    record: Record
    setup: Setup
    verification: Verification
    warning: str | None = None


def open_verified(path: str | Path, *, unverified: bool = False, partial: bool = False) -> Opened:
    """Read a record and verify it (chain and replay) before anyone reads it.

    Args:
        path: The record.
        unverified: Open it even if it does not verify (or was cut short); the result's
            ``warning`` says why it must not be trusted.
        partial: Accept an intact record that was cut short (what resume does).

    Raises:
        RecordError: It does not verify, or was cut short (unless ``partial``), and ``unverified``
            is not set: one line naming the first bad line. Or it cannot be read at all, or its
            sources cannot be loaded (then there is nothing to show, even unverified).
    """
    record = read(path)
    verification, setup = check(record)
    problem = None
    if not verification.ok:
        problem = f"altered: {verification.message}"
    elif not verification.complete and not partial:
        problem = f"incomplete: {verification.message}"
    if problem is not None and not unverified:
        raise RecordError(f"{path}: {problem}; refused (--unverified opens it anyway, with a warning)")
    if setup is None:
        setup = setup_from(record)
    warning = f"NOT VERIFIED: {problem}" if problem is not None else verification.signed_note
    return Opened(record, setup, verification, warning)


# The content a record ran ---------------------------------------------------------------------------


_EMBEDDED: dict[tuple[str, str], Loaded[Any]] = {}
"""Sources loaded from records, by kind and digest: history adds hundreds of records of a few scenarios."""

_EMBEDDED_MAX = 64


def _embedded(record: Record, kind: Literal["scenario", "plan"], digest: str, what: str) -> Loaded[Any]:
    """The source of ``kind`` with ``digest`` that the record carries, loaded (its text checked against the digest)."""
    for number, source in enumerate(record.sources, start=2):
        if source.kind != kind or source.digest != digest:
            continue
        name = f"{record.path}#{source.name}"
        actual = hashlib.sha256(source.text.encode("utf-8", "surrogatepass")).hexdigest()
        if actual != digest:
            raise RecordError(
                f"the {kind} text on line {number} does not match its digest: it was altered after the drill"
            )
        found = _EMBEDDED.get((kind, digest))
        if found is None:
            found = load_text(source.text, name, kind)
            if len(_EMBEDDED) >= _EMBEDDED_MAX:
                _EMBEDDED.pop(next(iter(_EMBEDDED)))
            _EMBEDDED[kind, digest] = found
        return _replace(found, path=name)
    raise RecordError(f"the record carries no {kind} with digest {digest[:12]} ({what}): it was altered")


def setup_from(record: Record) -> Setup:
    """Rebuild the drill set-up a record was made with.

    Version 2: from the sources the record carries (each text checked against its digest), so the
    files it was run from need not exist. Version 1: from the files it names (its path, else the
    library by id), which must be unchanged; its plan likewise, when it can still be found.

    Raises:
        RecordError: A source is missing from the record or does not match its digest, or
            (version 1) a scenario has changed since the drill.
        ContentError: A scenario cannot be found or loaded.
    """
    header = record.header
    plan: Loaded[Plan] | None = None
    sources: list[Loaded[Scenario]] = []
    if header.version >= 2:
        for incident in header.incidents:
            sources.append(_embedded(record, "scenario", incident.digest, f"scenario '{incident.scenario}'"))
        if header.plan is not None:
            plan = _embedded(record, "plan", header.plan.digest, f"plan '{header.plan.id}'")
    else:
        for incident in header.incidents:
            path = Path(incident.path) if Path(incident.path).is_file() else find(incident.scenario)
            loaded = load_scenario(path)
            if loaded.digest != incident.digest:
                raise RecordError(
                    f"scenario '{incident.scenario}' ({path}) has changed since this drill was run"
                    " (content hash differs)"
                )
            sources.append(loaded)
        plan = _plan_v1(header)
    incidents = header.incidents
    return Setup(
        sources,
        [float(i.start) for i in incidents],
        plan=plan,
        staffing=dict(header.staffing),
        locale=header.locale,
        triggers={n: (i.after[0], i.after[1]) for n, i in enumerate(incidents) if i.after is not None},
        personas={n: i.persona for n, i in enumerate(incidents) if i.persona is not None},
    )


def _plan_v1(header: RecordHeader) -> Loaded[Plan] | None:
    """A version 1 record's plan, when it can still be found unchanged (else its objectives are unknown)."""
    ref = header.plan
    if ref is None or not ref.id:
        return None
    for name in (header.source, ref.id):
        try:
            loaded = load_plan(find(name)) if name else None
        except ContentError:
            continue
        if loaded is not None and loaded.digest == ref.digest:
            return loaded
    return None


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
    """Re-execute the record's decisions on a fresh drill and return every event it produces.

    Raises:
        RecordError: An input no drill could have taken (time going back, an unknown incident),
            naming its event and line.
    """
    drill = setup.drill(seed=record.header.seed, mode=record.header.mode)
    drill.start()
    ended = False
    for index, event in enumerate(record.events):
        ended = ended or isinstance(event, DrillEnded)
        if event.input:
            if drill.finished and isinstance(event, DecisionMade | InjectFired | DrillHalted | DecisionWithdrawn):
                continue  # cannot happen in a record the drill wrote; a replay must not raise on it
            try:
                if ended:  # a rating or note made after the drill ended (a coach's later judgement)
                    drill.run_to_end()
                drill.advance_to(float(event.t))
                apply_input(drill, event)
            except DrillError as exc:
                where = f"event {event.seq} (line {record.line_of(index)})"
                raise RecordError(f"{where} cannot be replayed ({exc}): it was altered") from exc
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
            drill.evaluate(
                event.target,
                incident=event.incident,
                rating=event.rating,
                note=event.note,
                wall=event.wall,
                by=event.by,
                device=event.device,
            )
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
