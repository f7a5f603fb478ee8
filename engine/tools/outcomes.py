"""What one drill came to, in figures: its outcome, score and key measures, and their summary over many.

The what-if analysis and the staffing stress test play thousands of drills and keep a few figures
of each (:class:`Run`): the outcome, the score, rating and pass (from a scorer the caller passes:
scoring lives above the engine), each key measure (a variable its scenario marks ``measure``:
final, peak or low value), and whether one of the decisions watched broke a rule.
:class:`Collector` listens to a drill for them, keeping only what scoring reads; :func:`summary`
sums a list of runs up as outcome shares and spreads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.format import (
    ActionBegun,
    ActionDone,
    AnyEvent,
    DecisionMade,
    Evaluated,
    Finding,
    IncidentEnded,
    IncidentStarted,
    InjectDelivered,
    TimerChanged,
    ValuesChanged,
    VariableStepped,
)
from engine.runtime import Setup
from engine.tools import stats

BAD = ("failure", "timeout")
"""Outcomes to avoid: people hurt, or the incident never brought to an end."""

Scorer = Callable[[list[AnyEvent], list[Any]], dict[str, Any]]
"""Gives ``score``, ``rating`` and ``passed`` of a drill from its events and compiled scenarios."""

SCORED: frozenset[type] = frozenset(
    {IncidentStarted, DecisionMade, ActionBegun, TimerChanged, Finding, IncidentEnded, Evaluated}
)
"""The event kinds a scorer reads (a decision counts once its action gets under way): a sweep keeps
only these for the length of one run."""


@dataclass(frozen=True, slots=True)
class Measure:
    """A variable a scenario marks as a key measure, in one incident of the drill."""

    incident: int
    var: str
    how: str
    initial: float


@dataclass
class Run:
    """What one forked drill came to."""

    outcome: str
    score: float | None
    rating: str | None
    passed: bool | None
    measures: tuple[float | None, ...]
    broke: bool


class Collector:
    """Listens to one drill: keeps what scoring reads, follows the measures, notes rule breaks.

    Args:
        measures: The measures to follow.
        ours: Sources whose decisions must break no rule (the alternative's and the good trainee's).
    """

    __slots__ = ("broke", "current", "high", "kept", "low", "measures", "ours", "seqs", "started", "track")

    def __init__(self, measures: Sequence[Measure], ours: frozenset[str] = frozenset()) -> None:
        self.measures = tuple(measures)
        self.ours = ours
        self.kept: list[AnyEvent] = []
        self.seqs: set[int] = set()
        self.broke = False
        self.track = {(m.incident, m.var): n for n, m in enumerate(self.measures)}
        self.started = [False] * len(self.measures)
        self.current = [m.initial for m in self.measures]
        self.high = list(self.current)
        self.low = list(self.current)

    def _set(self, incident: int, var: str, value: object) -> None:
        n = self.track.get((incident, var))
        if n is not None:
            v = float(value)  # type: ignore[arg-type]  # a number or a bool (checked at load)
            self.current[n] = v
            if v > self.high[n]:
                self.high[n] = v
            if v < self.low[n]:
                self.low[n] = v

    def __call__(self, event: AnyEvent) -> None:
        if isinstance(event, VariableStepped):
            if self.track:
                self._set(event.incident, event.var, event.value)
        elif isinstance(event, ValuesChanged | ActionDone | InjectDelivered):
            if self.track:
                for var, value in event.changes.items():
                    self._set(event.incident, var, value)
        elif type(event) in SCORED:
            self.kept.append(event)
            if isinstance(event, DecisionMade):
                if event.source in self.ours:
                    self.seqs.add(event.seq)
                    if event.status == "refused":
                        self.broke = True
            elif isinstance(event, Finding):
                if event.cause in self.seqs:
                    self.broke = True
            elif isinstance(event, IncidentStarted):
                for n, m in enumerate(self.measures):
                    if m.incident == event.incident:
                        self.started[n] = True

    def figures(self) -> tuple[float | None, ...]:
        """Each measure's figure (None for an incident that never began)."""
        out: list[float | None] = []
        for n, m in enumerate(self.measures):
            if not self.started[n]:
                out.append(None)
            else:
                out.append({"final": self.current, "peak": self.high, "low": self.low}[m.how][n])
        return tuple(out)


def measures_of(setup: Setup, seed: int) -> list[Measure]:
    """The key measures of every incident of a drill, in incident and file order."""
    found = []
    for index, sc in enumerate(setup.scenarios(seed)):
        for var, variable in sc.model.variables.items():
            if variable.measure:
                how = "final" if variable.measure is True else str(variable.measure)
                found.append(Measure(index, var, how, float(variable.initial)))
    return found


def summary(runs: Sequence[Run], measures: Sequence[Measure]) -> dict[str, Any]:
    """Outcome shares, score and rating spread, pass share and each measure's spread over ``runs``."""
    n = len(runs) or 1
    outcomes = Counter(r.outcome for r in runs)
    scores = [r.score for r in runs if r.score is not None]
    ratings = Counter(r.rating for r in runs if r.rating is not None)
    out: dict[str, Any] = {
        "runs": len(runs),
        "outcomes": {k: round(v / n, 4) for k, v in sorted(outcomes.items())},
        "bad": round(sum(outcomes[k] for k in BAD) / n, 4),
        "measures": {},
    }
    if scores:
        out["score"] = stats.spread(scores, 1)
        out["ratings"] = {k: round(ratings[k] / n, 4) for k in "PSMU" if ratings[k]}
        out["passed"] = round(sum(1 for r in runs if r.passed) / n, 4)
    for k, m in enumerate(measures):
        values = [r.measures[k] for r in runs if r.measures[k] is not None]
        if values:
            out["measures"][f"{m.incident}.{m.var}"] = stats.spread(values)  # type: ignore[arg-type]
    return out
