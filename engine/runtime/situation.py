"""The situation at a moment of a drill, folded from its events.

The console shows the same things live and in replay: each incident's phase and loop stage, the
variables that matter, who is busy with what until when and who waits, the deadlines running,
the hazards on, the findings so far, the facilitator's notes and bookmarks. All of it is a pure
function of the events up to a moment, so it is computed here once, for both: live, the console
folds each event as it arrives; in replay, :class:`Index` keeps a copy every few hundred events
so that any moment of a long record is one copy and a short fold away.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.format import Value
from engine.runtime.compile import CompiledScenario

STAGES = ("report", "handle", "feedback")
"""The closed loop's stages, in order."""

CHECKPOINT_EVERY = 256
"""Events between two kept copies of the situation in an :class:`Index`."""


@dataclass
class Work:
    """An action under way or waiting for staff."""

    incident: int
    action: str
    role: str
    since: float
    until: float | None = None
    """When it finishes (None while it waits for a free person)."""
    pool: str | None = None
    """The pool it waits for, while it waits."""


@dataclass
class Deadline:
    """A timer (SLA) that has started."""

    incident: int
    timer: str
    due: float
    status: str = "running"
    """``running``, ``met`` or ``missed``."""


@dataclass
class IncidentView:
    """One incident as it stands."""

    index: int
    scenario: str
    state: str
    values: dict[str, Value]
    live: bool = False
    ended: bool = False
    ending: str | None = None
    outcome: str | None = None
    stages: set[str] = field(default_factory=set)
    """Loop stages completed (an action of that stage done)."""
    delivered: set[str] = field(default_factory=set)
    """Injects delivered so far."""
    hazards: set[str] = field(default_factory=set)
    """Hazards active now."""
    decided: set[str] = field(default_factory=set)
    """Actions accepted so far."""

    @property
    def stage(self) -> str | None:
        """The furthest loop stage reached in order, or None before the report."""
        reached = None
        for stage in STAGES:
            if stage not in self.stages:
                break
            reached = stage
        return reached


@dataclass
class Situation:
    """Everything the console shows about a drill at one moment.

    Build it from the drill's compiled scenarios, then :meth:`apply` each event in order.
    """

    scenarios: Sequence[CompiledScenario]
    t: float = 0.0
    count: int = 0
    """Events folded so far."""
    incidents: list[IncidentView] = field(default_factory=list)
    work: dict[tuple[int, str], Work] = field(default_factory=dict)
    deadlines: dict[tuple[int, str], Deadline] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    refusals: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    ratings: dict[tuple[int, str], str] = field(default_factory=dict)
    """Latest evaluator rating per (incident, target)."""
    finished: bool = False
    outcome: str | None = None

    def __post_init__(self) -> None:
        if not self.incidents:
            self.incidents = [
                IncidentView(i, sc.model.id, sc.model.initial or "", dict(sc.initial_values))
                for i, sc in enumerate(self.scenarios)
            ]

    def copy(self) -> Situation:
        """An independent copy (the compiled scenarios are shared, not copied)."""
        memo = {id(self.scenarios): self.scenarios}
        return copy.deepcopy(self, memo)

    # Queries -----------------------------------------------------------------------------------

    def running_deadlines(self) -> list[Deadline]:
        """Deadlines still running, soonest first."""
        return sorted((d for d in self.deadlines.values() if d.status == "running"), key=lambda d: d.due)

    def busy(self) -> list[Work]:
        """Actions under way, finishing soonest first."""
        return sorted((w for w in self.work.values() if w.until is not None), key=lambda w: w.until or 0.0)

    def waiting(self) -> list[Work]:
        """Actions waiting for free staff, longest-waiting first."""
        return sorted((w for w in self.work.values() if w.until is None), key=lambda w: w.since)

    def bookmarks(self) -> list[dict[str, Any]]:
        """The facilitator's bookmarks, in order."""
        return [n for n in self.notes if n.get("kind") == "bookmark"]

    # Folding ------------------------------------------------------------------------------------

    def apply(self, event: dict[str, Any]) -> None:
        """Fold one event (events must come in order)."""
        self.t = float(event["t"])
        self.count += 1
        handler = _HANDLERS.get(event["type"])
        if handler is not None:
            handler(self, event)

    def _inc(self, event: dict[str, Any]) -> IncidentView:
        return self.incidents[int(event.get("incident", 0))]

    def _start(self, event: dict[str, Any]) -> None:
        inc = self._inc(event)
        inc.live = True
        inc.state = event["state"]

    def _decision(self, event: dict[str, Any]) -> None:
        if event["status"] == "accepted":
            self._inc(event).decided.add(event["action"])
        elif event["status"] == "refused":
            self.refusals.append(event)

    def _finding(self, event: dict[str, Any]) -> None:
        self.findings.append(event)

    def _wait(self, event: dict[str, Any]) -> None:
        role = self._role(event)
        key = (int(event.get("incident", 0)), event["action"])
        self.work[key] = Work(key[0], event["action"], role, self.t, None, event["pool"])

    def _begin(self, event: dict[str, Any]) -> None:
        key = (int(event.get("incident", 0)), event["action"])
        if event["duration"]:
            self.work[key] = Work(key[0], event["action"], self._role(event), self.t, self.t + event["duration"])
        else:
            self.work.pop(key, None)

    def _done(self, event: dict[str, Any]) -> None:
        inc = self._inc(event)
        self.work.pop((inc.index, event["action"]), None)
        act = self.scenarios[inc.index].actions.get(event["action"])
        if act is not None:
            inc.stages.add(act.stage)
        inc.values.update(event.get("changes") or {})

    def _dropped(self, event: dict[str, Any]) -> None:
        self.work.pop((int(event.get("incident", 0)), event["action"]), None)

    def _state(self, event: dict[str, Any]) -> None:
        self._inc(event).state = event["to"]

    def _inject(self, event: dict[str, Any]) -> None:
        inc = self._inc(event)
        inc.delivered.add(event["inject"])
        inc.values.update(event.get("changes") or {})

    def _var(self, event: dict[str, Any]) -> None:
        self._inc(event).values[event["var"]] = event["value"]

    def _changes(self, event: dict[str, Any]) -> None:
        self._inc(event).values.update(event.get("changes") or {})

    def _timer(self, event: dict[str, Any]) -> None:
        key = (int(event.get("incident", 0)), event["timer"])
        if event["status"] == "started":
            self.deadlines[key] = Deadline(key[0], event["timer"], float(event["due"]))
        elif key in self.deadlines:
            self.deadlines[key].status = event["status"]

    def _hazard(self, event: dict[str, Any]) -> None:
        inc = self._inc(event)
        (inc.hazards.add if event["active"] else inc.hazards.discard)(event["hazard"])

    def _end(self, event: dict[str, Any]) -> None:
        inc = self._inc(event)
        inc.ended = True
        inc.live = False
        inc.ending = event["ending"]
        inc.outcome = event["outcome"]
        for key in [k for k in self.work if k[0] == inc.index]:
            del self.work[key]
        for deadline in self.deadlines.values():
            if deadline.incident == inc.index and deadline.status == "running":
                deadline.status = "stopped"

    def _drill_end(self, event: dict[str, Any]) -> None:
        self.finished = True
        self.outcome = event["outcome"]

    def _evaluation(self, event: dict[str, Any]) -> None:
        if event.get("rating"):
            self.ratings[(int(event.get("incident", 0)), event["target"])] = event["rating"]
        if event.get("note"):
            self.notes.append(event)

    def _note(self, event: dict[str, Any]) -> None:
        self.notes.append(event)

    def _role(self, event: dict[str, Any]) -> str:
        act = self.scenarios[int(event.get("incident", 0))].actions.get(event["action"])
        return act.role if act else ""


_HANDLERS = {
    name[1:]: getattr(Situation, name)
    for name in vars(Situation)
    if name.startswith("_") and not name.startswith("__") and name not in ("_inc", "_role")
}


class Index:
    """Random access to the situation at any moment of a recorded drill.

    Keeps a copy of the situation every :data:`CHECKPOINT_EVERY` events; :meth:`at` starts from the
    nearest copy at or before the moment and folds the rest. Building it folds the record once.
    """

    def __init__(
        self, events: Sequence[dict[str, Any]], scenarios: Sequence[CompiledScenario], every: int = CHECKPOINT_EVERY
    ) -> None:
        self.events = events
        self.scenarios = scenarios
        self.every = every
        self._marks: list[int] = [0]
        self._kept: list[Situation] = [Situation(scenarios)]
        current = Situation(scenarios)
        for count, event in enumerate(events, start=1):
            current.apply(event)
            if count % every == 0:
                self._marks.append(count)
                self._kept.append(current.copy())
        self._times = [float(e["t"]) for e in events]

    def __len__(self) -> int:
        return len(self.events)

    def at(self, count: int) -> Situation:
        """The situation after the first ``count`` events (0 is before anything happened)."""
        count = max(0, min(count, len(self.events)))
        slot = bisect.bisect_right(self._marks, count) - 1
        situation = self._kept[slot].copy()
        for event in self.events[self._marks[slot] : count]:
            situation.apply(event)
        return situation

    def count_at(self, t: float) -> int:
        """How many events had happened by sim minute ``t`` (inclusive)."""
        return bisect.bisect_right(self._times, t)

    def next_of(self, count: int, kinds: set[str], *, backwards: bool = False) -> int | None:
        """The position just after the next event (or the previous one) of one of ``kinds``."""
        span = range(count - 2, -1, -1) if backwards else range(count, len(self.events))
        for index in span:
            event = self.events[index]
            kind = event["type"]
            if kind in kinds or (kind == "note" and f"note:{event.get('kind')}" in kinds):
                return index + 1
        return None
