"""The drill's events: one declared type per kind, the union that reads them, and the record header.

A drill's record is its events, one per line, after a header. Everything downstream of the runtime
(the record writer and reader, replay, the situation, the timeline, scoring, reports, history, the
console) reads these types; nothing indexes an event by string keys or guesses a kind from an id's
spelling. docs/record-format.md describes every kind and field for people and other tools, and
``drillsim schema record`` publishes the JSON Schema of one record line.

Why this shape:

- **Plain dataclasses with slots, not pydantic models, on the hot path.** A drill makes tens of
  thousands of events a second in Monte Carlo; a slotted dataclass costs about what the dict it
  replaces did, a validating model several times more. Events are not frozen for the same reason
  (a frozen dataclass's ``__init__`` is three times slower); treat them as immutable all the same.
  The runtime builds an event and :meth:`Event.stamp` sets its sequence number and sim time once.
- **Validation where untrusted data enters**: :func:`parse_event` and :func:`parse_header` check a
  record line against the declared types with pydantic (the same types give the JSON Schema), so a
  hand-edited or hostile record is refused with one located line, never half-read.
- **The line on disk is fixed by the field order declared here.** :meth:`Event.to_json` writes
  ``seq``, ``t``, ``type``, then the kind's fields in declaration order, leaving out optional
  fields that are unset (``None``); a few fields are named for Python and written under the JSON
  name (``from_`` is ``"from"``). Records are compared and checksummed as text, so this order is
  part of the format: never reorder fields.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Annotated, Any, ClassVar, Final, Literal, TypeAlias, Union, get_args

from pydantic import ConfigDict, Field, TypeAdapter, ValidationError

from engine.errors import RecordError

FORMAT: Final = "drillsim-record/2"
"""Format name written in every new header: version 2 carries the sources it ran (``content`` lines)."""

FORMAT_V1: Final = "drillsim-record/1"
"""The first version: no ``content`` lines; its scenarios are found by path or id (digest checked)."""

FORMATS = (FORMAT_V1, FORMAT)
"""Every version a reader accepts."""

Value: TypeAlias = bool | int | float | str
"""A scenario variable's value."""

Number: TypeAlias = int | float
"""A number as the record has it. An int read back stays an int (not 3.0 for 3), so that a line
written again from what was read is the same text, and its checksum the same."""

Bilingual: TypeAlias = dict[str, str]
"""A text in the record: ``{"zh": ..., "en": ...}`` (either may be missing)."""

Outcome: TypeAlias = Literal["success", "partial", "failure", "timeout", "not-started"]
"""How an incident, or a whole drill (its worst incident's), ended."""

# Ranked worst last: a drill's outcome is its worst incident's.
OUTCOME_RANK: dict[str, int] = {"not-started": -1, "success": 0, "partial": 1, "timeout": 2, "failure": 3}
"""Worse outcomes rank higher."""

_JSON_NAMES = {"from_": "from"}
"""Attributes written under another name (Python keywords)."""

_STRICT = ConfigDict(extra="forbid")
"""How pydantic reads a record's objects: unknown fields are damage, not extensions."""


@dataclass(slots=True, kw_only=True)
class Event:
    """What every drill event has: its place in the drill and its sim minute.

    Attributes:
        seq: Sequence number, 1 for the drill's first event, one more for each after it.
        t: Sim minute (minutes since the drill began) at which it happened.
    """

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    type: ClassVar[str] = ""
    """The kind, as written in the record (``"decision"``, ``"var"``...)."""
    input: ClassVar[bool] = False
    """Whether the kind comes from outside the drill (a replay re-executes exactly these)."""
    optional: ClassVar[frozenset[str]] = frozenset()
    """Fields left out of the record line while unset (None)."""

    seq: int = 0
    t: Number = 0

    def stamp(self, seq: int, t: Number) -> None:
        """Set the sequence number and sim minute (the runtime does this once, as it emits the event)."""
        self.seq = seq
        self.t = t

    def to_json(self) -> dict[str, Any]:
        """The event as a record line's object (without the checksum), in the declared field order."""
        data: dict[str, Any] = {"seq": self.seq, "t": self.t, "type": self.type}
        for name, key, optional in _layout(type(self)):
            value = getattr(self, name)
            if value is None and optional:
                continue
            data[key] = _plain(value)
        return data

    def core(self) -> dict[str, Any]:
        """:meth:`to_json` without wall-clock stamps: what replay compares and the checksum covers."""
        return {k: v for k, v in self.to_json().items() if not k.startswith("wall")}


_LAYOUTS: dict[type[Event], tuple[tuple[str, str, bool], ...]] = {}
"""Per kind: each field's attribute name, JSON name, and whether it is left out while unset."""


def _layout(cls: type[Event]) -> tuple[tuple[str, str, bool], ...]:
    found = _LAYOUTS.get(cls)
    if found is None:
        found = _LAYOUTS[cls] = tuple(
            (f.name, _JSON_NAMES.get(f.name, f.name), f.name in cls.optional)
            for f in fields(cls)
            if f.name not in ("seq", "t")
        )
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, Reason):
        return value.to_json()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


# Inputs: what the people running the drill did ------------------------------------------------


@dataclass(slots=True, kw_only=True)
class Reason:
    """One rule a decision broke, as recorded with a refusal or a finding.

    Attributes:
        rule: ``life-first`` or ``loop``.
        kind: What about the rule (``forbidden``, ``order``, ``premature-close``...).
        detail: The explanation, in Chinese and English.
        source: Where the rule comes from (a source key of the scenario), if it says.
    """

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    rule: str
    kind: str
    detail: Bilingual
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The reason as written in a record."""
        data: dict[str, Any] = {"rule": self.rule, "kind": self.kind, "detail": self.detail}
        if self.source is not None:
            data["source"] = self.source
        return data


@dataclass(slots=True, kw_only=True)
class DecisionMade(Event):
    """A role decided an action (from the console, a script, a policy or a replay).

    Attributes:
        status: ``accepted`` (it goes ahead), ``refused`` (strict mode: it breaks a rule) or
            ``unavailable`` (not on offer now: see ``why``).
        reasons: For a refusal: the rules it would break.
        why: For ``unavailable``: ``ended``, ``not-started``, ``unknown-action``, ``wrong-role``,
            ``wrong-state``, ``condition`` or ``already-started``.
        incident: Index of the incident in the drill.
        role: Who decided.
        action: The action's id.
        source: Where the decision came from: ``ui``, ``script``, ``policy``, ``replay``...
        note: The decision's rationale, as said in the room.
        wall: Wall-clock time it was entered (ISO 8601), for decisions made live.
        by: Who entered it, for a decision made in the drill room (the participant's name).
        device: From which device session (the room's id of that phone's session).
    """

    type: ClassVar[str] = "decision"
    input: ClassVar[bool] = True
    optional: ClassVar[frozenset[str]] = frozenset({"reasons", "why", "note", "wall", "by", "device"})

    status: Literal["accepted", "refused", "unavailable"]
    reasons: list[Reason] | None = None
    why: str | None = None
    incident: int
    role: str
    action: str
    source: str
    note: str | None = None
    wall: str | None = None
    by: str | None = None
    device: str | None = None


@dataclass(slots=True, kw_only=True)
class Evaluated(Event):
    """An evaluator rated a critical task, an inject or the whole drill, or noted an observation.

    Attributes:
        incident: The incident the target belongs to.
        target: ``drill``, ``task:<id>`` (a rubric task) or ``inject:<id>``.
        rating: HSEEP rating ``P``, ``S``, ``M`` or ``U``; unset for an observation only.
        note: The observation.
        wall: Wall-clock time it was entered.
        by: Who rated, for an evaluator in the drill room or a coach (the name they gave); unset
            for the facilitator's own rating at the console.
        device: From which device session (the room's id of that phone's session).
    """

    type: ClassVar[str] = "evaluation"
    input: ClassVar[bool] = True
    optional: ClassVar[frozenset[str]] = frozenset({"rating", "note", "wall", "by", "device"})

    incident: int
    target: str
    rating: Literal["P", "S", "M", "U"] | None = None
    note: str | None = None
    wall: str | None = None
    by: str | None = None
    device: str | None = None


@dataclass(slots=True, kw_only=True)
class NoteMade(Event):
    """A facilitator's note, bookmark or spoken inject, or the mark left where a drill was resumed.

    Attributes:
        kind: ``note``, ``bookmark``, ``inject`` (a surprise announced in the room) or ``resumed``.
        text: What was said (empty for a bookmark or a resume mark).
        incident: The incident it is about, if any.
        wall: Wall-clock time it was made.
    """

    type: ClassVar[str] = "note"
    input: ClassVar[bool] = True
    optional: ClassVar[frozenset[str]] = frozenset({"incident", "wall"})

    kind: Literal["note", "bookmark", "inject", "resumed"]
    text: str
    incident: int | None = None
    wall: str | None = None


@dataclass(slots=True, kw_only=True)
class InjectFired(Event):
    """The facilitator delivered a scenario inject ahead of its time or condition (an
    :class:`InjectDelivered` follows at once).

    Attributes:
        incident: The incident.
        inject: The inject's id.
        wall: Wall-clock time.
    """

    type: ClassVar[str] = "fire"
    input: ClassVar[bool] = True
    optional: ClassVar[frozenset[str]] = frozenset({"wall"})

    incident: int
    inject: str
    wall: str | None = None


@dataclass(slots=True, kw_only=True)
class DrillHalted(Event):
    """The facilitator stopped the drill; incidents under way end as at their time limit.

    Attributes:
        wall: Wall-clock time.
    """

    type: ClassVar[str] = "halt"
    input: ClassVar[bool] = True
    optional: ClassVar[frozenset[str]] = frozenset({"wall"})

    wall: str | None = None


@dataclass(slots=True, kw_only=True)
class DecisionWithdrawn(Event):
    """The facilitator withdrew an accepted decision whose action had not finished (a mis-keyed one).

    The action stops where it is: its staff are released, its effects never happen, and it can be
    decided again. The decision and any finding it caused stay in the record (it was made); scoring
    ignores the findings whose cause was withdrawn, and the decision does not count as done.

    Attributes:
        decision: The ``seq`` of the decision withdrawn.
        incident: Its incident.
        action: Its action's id.
        wall: Wall-clock time it was entered.
    """

    type: ClassVar[str] = "withdraw"
    input: ClassVar[bool] = True
    optional: ClassVar[frozenset[str]] = frozenset({"wall"})

    decision: int
    incident: int
    action: str
    wall: str | None = None


# What the drill did -----------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class IncidentStarted(Event):
    """An incident began (at its plan start, or when the incident it waits for reached its condition).

    Attributes:
        incident: Index of the incident in the drill.
        scenario: The scenario's id (a role-play's id ends in ``.roleplay``).
        state: The state it begins in.
    """

    type: ClassVar[str] = "start"

    incident: int
    scenario: str
    state: str


@dataclass(slots=True, kw_only=True)
class StaffAwaited(Event):
    """An accepted action waits for a member of a staff pool who is busy elsewhere.

    Attributes:
        incident: The incident.
        action: The action that waits.
        pool: The staff pool it waits on.
    """

    type: ClassVar[str] = "wait"

    incident: int
    action: str
    pool: str


@dataclass(slots=True, kw_only=True)
class ActionBegun(Event):
    """An accepted action started, its staff in hand.

    Attributes:
        incident: The incident.
        action: The action.
        duration: How long it will take, in sim minutes (drawn from the drill's seeded generator).
    """

    type: ClassVar[str] = "begin"

    incident: int
    action: str
    duration: Number


@dataclass(slots=True, kw_only=True)
class ActionDropped(Event):
    """An action under way was abandoned: its incident ended first, or its decision was withdrawn.

    Attributes:
        incident: The incident.
        action: The action.
    """

    type: ClassVar[str] = "dropped"

    incident: int
    action: str


@dataclass(slots=True, kw_only=True)
class ActionDone(Event):
    """An action finished and took effect.

    Attributes:
        incident: The incident.
        action: The action.
        changes: Variables it changed, with their new values.
    """

    type: ClassVar[str] = "done"

    incident: int
    action: str
    changes: dict[str, Value]


@dataclass(slots=True, kw_only=True)
class StateChanged(Event):
    """An incident moved from one state to another.

    Attributes:
        incident: The incident.
        to: The new state (or ending).
        via: What moved it: ``action:<id>``, ``transition:<id>``, ``inject:<id>`` or ``timer:<id>``.
        from_: The state it left (``"from"`` in the record).
    """

    type: ClassVar[str] = "state"

    incident: int
    to: str
    via: str
    from_: Annotated[str, Field(alias="from")]


@dataclass(slots=True, kw_only=True)
class ValuesChanged(Event):
    """Variables changed by an automatic transition's or a missed timer's effects.

    Attributes:
        incident: The incident.
        via: ``transition:<id>`` or ``timer:<id>``.
        changes: Variables changed, with their new values.
    """

    type: ClassVar[str] = "changes"

    incident: int
    via: str
    changes: dict[str, Value]


@dataclass(slots=True, kw_only=True)
class VariableStepped(Event):
    """A dynamic (water rising, anger growing...) moved a variable one step.

    Attributes:
        incident: The incident.
        var: The variable.
        value: Its value after every dynamic of this step.
        via: The dynamics that moved it, comma-separated.
    """

    type: ClassVar[str] = "var"

    incident: int
    var: str
    value: Value
    via: str


@dataclass(slots=True, kw_only=True)
class InjectDelivered(Event):
    """A scenario inject reached the players (at its time, on its condition, or fired).

    Attributes:
        incident: The incident.
        inject: The inject's id.
        changes: Variables it changed.
    """

    type: ClassVar[str] = "inject"

    incident: int
    inject: str
    changes: dict[str, Value]


@dataclass(slots=True, kw_only=True)
class TimerChanged(Event):
    """A deadline started, was met, or was missed.

    Attributes:
        incident: The incident.
        timer: The timer's id.
        status: ``started``, ``met`` or ``missed``.
        due: For ``started``: the sim minute it falls due.
    """

    type: ClassVar[str] = "timer"
    optional: ClassVar[frozenset[str]] = frozenset({"due"})

    incident: int
    timer: str
    status: Literal["started", "met", "missed"]
    due: Number | None = None


@dataclass(slots=True, kw_only=True)
class HazardChanged(Event):
    """A life hazard became active or ceased.

    Attributes:
        incident: The incident.
        hazard: The hazard's id.
        active: Whether it is active now.
    """

    type: ClassVar[str] = "hazard"

    incident: int
    hazard: str
    active: bool


@dataclass(slots=True, kw_only=True)
class Finding(Event):
    """A rule breach or a missed expectation, with what proves it.

    One of three shapes: a decision that broke a rule (``action`` and ``cause``, the decision's
    ``seq``), a missed deadline (``timer``), or an incident that ended with its loop open (neither).

    Attributes:
        incident: The incident.
        timer: The missed timer's id.
        action: The action whose decision broke the rule.
        cause: The ``seq`` of that decision.
        rule: ``life-first``, ``loop`` or ``deadline``.
        kind: What about the rule.
        detail: The explanation, in Chinese and English.
        source: Where the rule comes from, if the scenario says.
    """

    type: ClassVar[str] = "finding"
    optional: ClassVar[frozenset[str]] = frozenset({"timer", "action", "cause", "source"})

    incident: int
    timer: str | None = None
    action: str | None = None
    cause: int | None = None
    rule: str
    kind: str
    detail: Bilingual
    source: str | None = None


@dataclass(slots=True, kw_only=True)
class IncidentEnded(Event):
    """An incident ended: at an ending, at its time limit, or never begun.

    Attributes:
        incident: The incident.
        ending: The ending reached; unset (null) at the time limit or if it never began.
        outcome: How it ended.
    """

    type: ClassVar[str] = "end"

    incident: int
    ending: str | None
    outcome: Outcome


@dataclass(slots=True, kw_only=True)
class DrillEnded(Event):
    """Every incident has ended; always the last event of a complete record.

    Attributes:
        outcome: The worst incident outcome.
    """

    type: ClassVar[str] = "drill_end"

    outcome: Outcome


AnyEvent: TypeAlias = Union[  # noqa: UP007 - a runtime union of classes, read by pydantic
    DecisionMade,
    Evaluated,
    NoteMade,
    InjectFired,
    DrillHalted,
    DecisionWithdrawn,
    IncidentStarted,
    StaffAwaited,
    ActionBegun,
    ActionDropped,
    ActionDone,
    StateChanged,
    ValuesChanged,
    VariableStepped,
    InjectDelivered,
    TimerChanged,
    HazardChanged,
    Finding,
    IncidentEnded,
    DrillEnded,
]
"""Any one drill event."""

KINDS: tuple[type[Event], ...] = get_args(AnyEvent)
"""Every event kind, inputs first (the members of :data:`AnyEvent`, in its order)."""

INPUTS: frozenset[str] = frozenset(cls.type for cls in KINDS if cls.input)
"""Types of the events that come from outside the drill."""

BY_TYPE: dict[str, type[Event]] = {cls.type: cls for cls in KINDS}
"""Event class by the ``type`` written in the record."""

Input: TypeAlias = DecisionMade | Evaluated | NoteMade | InjectFired | DrillHalted | DecisionWithdrawn
"""An event that comes from outside the drill."""


# The header -------------------------------------------------------------------------------------


@dataclass(slots=True, kw_only=True)
class PlanRef:
    """The drill plan a drill ran.

    Attributes:
        id: The plan's id.
        version: Its version.
        digest: Content hash of its file.
    """

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: str
    version: str
    digest: str


@dataclass(slots=True, kw_only=True)
class IncidentRef:
    """One incident of a drill, as the header records it.

    Attributes:
        scenario: The scenario's id.
        version: Its version.
        digest: Content hash of its file.
        path: Where it was loaded from, as given.
        start: Sim minute it was to begin at.
        persona: For a role-play: the owner persona met.
        after: For an incident that waits for another: its index and the condition, as written.
    """

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    optional: ClassVar[frozenset[str]] = frozenset({"persona", "after"})

    scenario: str
    version: str
    digest: str
    path: str
    start: Number
    persona: str | None = None
    after: tuple[int, str] | None = None


@dataclass(slots=True, kw_only=True)
class ForkRef:
    """Where a forked drill branched off.

    Attributes:
        record: The record it was forked from.
        seq: The input it replaced (and everything after it).
        t: The sim minute of that input.
        digest: The checksum of that record's header.
    """

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    record: str
    seq: int
    t: Number
    digest: str


@dataclass(slots=True, kw_only=True)
class RecordHeader:
    """Line 1 of a record: what ran, with which seed and rules, and who took part.

    Attributes:
        format: :data:`FORMAT` (or :data:`FORMAT_V1` for a record of the first version).
        drill_id: The drill's identity (a random UUID, hex), version 2 on: what history knows the drill
            by, whatever its lines say (a copy re-chained after an edit is still the same drill).
        signed: The id of the site key whose HMAC chains the lines (a short hash of the key, never
            the key); absent for the plain checksum chain. Version 2 on.
        engine: The drillsim version that wrote it.
        id: The drill's id (the plan's, or the lone scenario's).
        source: What made it: ``cli``, ``console``...
        plan: The plan, if the drill ran one.
        incidents: The incidents, in plan order.
        seed: Seed of the drill's random generator.
        mode: ``strict`` or ``observe``.
        locale: The locale whose parameter values were used.
        staffing: Staff pool sizes that replaced the scenarios'.
        participants: Who took part (name and role).
        team: The team.
        site: The site (project) the team works at.
        kind: ``practice`` or ``assessment``.
        wall_start: Wall-clock start (ISO 8601).
        speed: The console's speed (sim minutes per wall minute), for a live drill.
        fork: Where a forked drill branched off.
        feedback: Hot-wash answers kept with the drill: ``{name, role?, satisfaction, helped,
            improve}`` each (what history and the report's self-assessment read).
    """

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    type: ClassVar[str] = "header"
    optional: ClassVar[frozenset[str]] = frozenset({"drill_id", "signed", "speed", "fork", "feedback"})

    format: Literal["drillsim-record/1", "drillsim-record/2"] = "drillsim-record/2"
    drill_id: str | None = None
    signed: str | None = None
    engine: str
    id: str
    source: str
    plan: PlanRef | None
    incidents: list[IncidentRef]
    seed: int
    mode: Literal["strict", "observe"]
    locale: str | None
    staffing: dict[str, int]
    participants: list[dict[str, str]]
    team: str | None
    site: str | None
    kind: Literal["practice", "assessment"]
    wall_start: str
    speed: Number | None = None
    fork: ForkRef | None = None
    feedback: list[dict[str, Any]] | None = None

    @property
    def version(self) -> int:
        """The format version: 1 or 2."""
        return 1 if self.format == FORMAT_V1 else 2

    @property
    def roleplay(self) -> bool:
        """Whether the drill was a customer-service role-play (its first incident met a persona)."""
        return bool(self.incidents) and self.incidents[0].persona is not None

    def to_json(self) -> dict[str, Any]:
        """The header as line 1's object (without the checksum), in the declared field order."""
        data: dict[str, Any] = {"type": self.type}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None and f.name in self.optional:
                continue
            data[f.name] = _header_plain(value)
        return data


def _header_plain(value: Any) -> Any:
    if isinstance(value, IncidentRef):
        data: dict[str, Any] = {}
        for f in fields(value):
            item = getattr(value, f.name)
            if item is None and f.name in IncidentRef.optional:
                continue
            data[f.name] = list(item) if isinstance(item, tuple) else item
        return data
    if isinstance(value, PlanRef | ForkRef):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if isinstance(value, list):
        return [_header_plain(v) for v in value]
    return value


@dataclass(slots=True, kw_only=True)
class SourceText:
    """A ``content`` line (version 2): the exact text of a scenario or plan the drill ran.

    The lines come right after the header, the plan's first, then each scenario once (in incident
    order), and the checksum chain covers them like any other line. A reader loads the drill's
    content from them, never from a file: an edited, moved or deleted scenario cannot orphan the
    record, and the record replays on any machine.

    Attributes:
        kind: ``scenario`` or ``plan``.
        digest: SHA-256 of the text's UTF-8 bytes (the file's bytes): what the header's
            ``digest`` of the incident or plan names.
        name: The file's name when the drill ran (no folder): for messages and for people.
        text: The file's text, exactly.
    """

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    type: ClassVar[str] = "content"

    kind: Literal["scenario", "plan"]
    digest: str
    name: str
    text: str

    def to_json(self) -> dict[str, Any]:
        """The line's object (without the checksum), in the declared field order."""
        return {"type": self.type, "kind": self.kind, "digest": self.digest, "name": self.name, "text": self.text}


# Reading ----------------------------------------------------------------------------------------


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}
"""The pydantic reader of each kind (and of the header), made on first use."""


def _adapter(cls: type[Any]) -> TypeAdapter[Any]:
    found = _ADAPTERS.get(cls)
    if found is None:
        found = _ADAPTERS[cls] = TypeAdapter(cls)
    return found


def parse_event(data: Mapping[str, Any]) -> AnyEvent:
    """The event a record line's object holds, checked against its kind's declared fields.

    Args:
        data: The line's JSON object; its ``chk`` (the checksum) is ignored here.

    Raises:
        RecordError: The type is unknown, or a field is missing, unknown or of the wrong type
            (the message names the first).
    """
    kind = data.get("type")
    cls = BY_TYPE.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise RecordError(f"unknown event type {kind!r}")
    body = {k: v for k, v in data.items() if k not in ("type", "chk")}
    try:
        event: AnyEvent = _validate(cls, body)
    except ValidationError as exc:
        raise RecordError(f"{kind} event: {_first_error(exc)}") from exc
    return event


def parse_header(data: Mapping[str, Any]) -> RecordHeader:
    """The header a record's first line holds, checked against :class:`RecordHeader`.

    A version 1 header is read as version 1: the fields version 2 added are refused in it.

    Raises:
        RecordError: Not a header of a known format, or a field is missing, unknown or of the wrong type.
    """
    if data.get("type") != "header" or data.get("format") not in FORMATS:
        raise RecordError(f"not a drillsim record (no '{FORMAT}' or '{FORMAT_V1}' header on line 1)")
    body = {k: v for k, v in data.items() if k not in ("type", "chk")}
    if data.get("format") == FORMAT_V1:
        added = next((k for k in ("drill_id", "signed") if k in body), None)
        if added is not None:
            raise RecordError(f"the header is incomplete or damaged: {added}: not a field of {FORMAT_V1}")
    elif not isinstance(body.get("drill_id"), str) or not _DRILL_ID.fullmatch(body["drill_id"]):
        raise RecordError("the header is incomplete or damaged: drill_id: 32 lower-case hex digits needed")
    try:
        header: RecordHeader = _validate(RecordHeader, body)
    except ValidationError as exc:
        raise RecordError(f"the header is incomplete or damaged: {_first_error(exc)}") from exc
    return header


_DRILL_ID = re.compile(r"[0-9a-f]{32}")


def parse_content(data: Mapping[str, Any]) -> SourceText:
    """The source a ``content`` line holds, checked against :class:`SourceText`.

    Raises:
        RecordError: A field is missing, unknown or of the wrong type.
    """
    body = {k: v for k, v in data.items() if k not in ("type", "chk")}
    try:
        found: SourceText = _validate(SourceText, body)
    except ValidationError as exc:
        raise RecordError(f"content line: {_first_error(exc)}") from exc
    return found


def _validate(cls: type[Any], body: dict[str, Any]) -> Any:
    """``body`` read as ``cls``, strictly: every value must already have its JSON type.

    Strict, so that ``"active": "yes"`` or ``"incident": "0"`` is refused rather than quietly
    turned into ``true`` and ``0`` (a line read back must write the same text). Through JSON,
    because pydantic's strict mode reads dataclasses and tuples from JSON objects and arrays only.
    """
    return _adapter(cls).validate_json(json.dumps(body, ensure_ascii=False), strict=True)


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(p) for p in error["loc"]) or "(the line)"
    return f"{where}: {error['msg']}"


def line_schema() -> dict[str, Any]:
    """JSON Schema of one record line: the header, a content line, or any one event (with its ``chk``)."""
    defs: dict[str, Any] = {}
    choices = []
    kinds: tuple[type[Event] | type[RecordHeader] | type[SourceText], ...] = (RecordHeader, SourceText, *KINDS)
    for cls in kinds:
        schema = _adapter(cls).json_schema(by_alias=True, ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        schema["title"] = cls.__name__
        schema["description"] = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        properties = {"type": {"const": cls.type}, **schema.get("properties", {})}
        properties["chk"] = {
            "type": "string",
            "pattern": "^([0-9a-f]{12}|[0-9a-f]{24})$",
            "description": "checksum chaining this line to the one before (24 hex digits: a signed record's HMAC)",
        }
        schema["properties"] = properties
        schema["required"] = ["type", *schema.get("required", []), "chk"]
        schema["additionalProperties"] = False
        defs[cls.__name__] = schema
        choices.append({"$ref": f"#/$defs/{cls.__name__}"})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "drillsim record line",
        "description": (
            f"One line of a {FORMAT} record (JSON Lines): line 1 is the header, then one content line per"
            f" source the drill ran, then one line per event. {FORMAT_V1} records have no content lines."
        ),
        "oneOf": choices,
        "$defs": defs,
    }
