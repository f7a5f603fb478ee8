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
from typing import assert_never

from engine.format import Value
from engine.format.events import (
    ActionBegun,
    ActionDone,
    ActionDropped,
    AnyEvent,
    DecisionMade,
    DecisionWithdrawn,
    DrillEnded,
    DrillHalted,
    Evaluated,
    Finding,
    HazardChanged,
    IncidentEnded,
    IncidentStarted,
    InjectDelivered,
    InjectFired,
    NoteMade,
    StaffAwaited,
    StateChanged,
    TimerChanged,
    ValuesChanged,
    VariableStepped,
)
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
    findings: list[Finding] = field(default_factory=list)
    refusals: list[DecisionMade] = field(default_factory=list)
    """Decisions refused (strict mode), with the rules they would have broken."""
    notes: list[NoteMade | Evaluated] = field(default_factory=list)
    """The facilitator's notes and bookmarks, and evaluations that came with an observation."""
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

    def bookmarks(self) -> list[NoteMade]:
        """The facilitator's bookmarks, in order."""
        return [n for n in self.notes if isinstance(n, NoteMade) and n.kind == "bookmark"]

    # Folding ------------------------------------------------------------------------------------

    def apply(self, event: AnyEvent) -> None:
        """Fold one event (events must come in order)."""
        self.t = float(event.t)
        self.count += 1
        # Commonest kinds first: a match tries its cases in order.
        match event:
            case VariableStepped():
                self.incidents[event.incident].values[event.var] = event.value
            case DecisionMade():
                if event.status == "accepted":
                    self.incidents[event.incident].decided.add(event.action)
                elif event.status == "refused":
                    self.refusals.append(event)
            case ActionBegun():
                key = (event.incident, event.action)
                if event.duration:
                    role = self._role(event.incident, event.action)
                    self.work[key] = Work(event.incident, event.action, role, self.t, self.t + event.duration)
                else:
                    self.work.pop(key, None)
            case ActionDone():
                inc = self.incidents[event.incident]
                self.work.pop((inc.index, event.action), None)
                act = self.scenarios[inc.index].actions.get(event.action)
                if act is not None:
                    inc.stages.add(act.stage)
                inc.values.update(event.changes)
            case StateChanged():
                self.incidents[event.incident].state = event.to
            case TimerChanged():
                key = (event.incident, event.timer)
                if event.status == "started":
                    assert event.due is not None  # a started timer says when it falls due
                    self.deadlines[key] = Deadline(event.incident, event.timer, float(event.due))
                elif key in self.deadlines:
                    self.deadlines[key].status = event.status
            case StaffAwaited():
                role = self._role(event.incident, event.action)
                self.work[(event.incident, event.action)] = Work(
                    event.incident, event.action, role, self.t, None, event.pool
                )
            case InjectDelivered():
                inc = self.incidents[event.incident]
                inc.delivered.add(event.inject)
                inc.values.update(event.changes)
            case ValuesChanged():
                self.incidents[event.incident].values.update(event.changes)
            case HazardChanged():
                hazards = self.incidents[event.incident].hazards
                (hazards.add if event.active else hazards.discard)(event.hazard)
            case Finding():
                self.findings.append(event)
            case ActionDropped():
                self.work.pop((event.incident, event.action), None)
            case DecisionWithdrawn():
                self.incidents[event.incident].decided.discard(event.action)
                self.work.pop((event.incident, event.action), None)
            case IncidentStarted():
                inc = self.incidents[event.incident]
                inc.live = True
                inc.state = event.state
            case IncidentEnded():
                self._end(event)
            case DrillEnded():
                self.finished = True
                self.outcome = event.outcome
            case Evaluated():
                if event.rating:
                    self.ratings[(event.incident, event.target)] = event.rating
                if event.note:
                    self.notes.append(event)
            case NoteMade():
                self.notes.append(event)
            case InjectFired() | DrillHalted():
                pass  # what they cause comes as events of its own
            case _:
                assert_never(event)  # a new kind of event: say how it changes the situation

    def _end(self, event: IncidentEnded) -> None:
        inc = self.incidents[event.incident]
        inc.ended = True
        inc.live = False
        inc.ending = event.ending
        inc.outcome = event.outcome
        for key in [k for k in self.work if k[0] == inc.index]:
            del self.work[key]
        for deadline in self.deadlines.values():
            if deadline.incident == inc.index and deadline.status == "running":
                deadline.status = "stopped"

    def _role(self, incident: int, action: str) -> str:
        act = self.scenarios[incident].actions.get(action)
        return act.role if act else ""


class Index:
    """Random access to the situation at any moment of a recorded drill.

    Keeps a copy of the situation every :data:`CHECKPOINT_EVERY` events; :meth:`at` starts from the
    nearest copy at or before the moment and folds the rest. Building it folds the record once.
    """

    def __init__(
        self, events: Sequence[AnyEvent], scenarios: Sequence[CompiledScenario], every: int = CHECKPOINT_EVERY
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
        self._times = [float(e.t) for e in events]

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
        """The position just after the next event (or the previous one) of one of ``kinds``.

        Args:
            count: The position to search from.
            kinds: Event types as the record writes them (``decision``, ``finding``...), and
                ``note:<kind>`` for one kind of facilitator note (``note:bookmark``).
            backwards: Search towards the start.
        """
        span = range(count - 2, -1, -1) if backwards else range(count, len(self.events))
        for index in span:
            event = self.events[index]
            if event.type in kinds or (isinstance(event, NoteMade) and f"note:{event.kind}" in kinds):
                return index + 1
        return None
