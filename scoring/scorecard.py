"""The score-only path: a drill's score, rating and pass, exactly as :func:`~scoring.evaluation.evaluate` gives them.

Monte Carlo and what-if analyses score thousands of drills and read three figures of each; the full
evaluation builds every task result, objective and bilingual breakdown line to get them. This path
reads the events once, keeps only what the three figures depend on, and does the same arithmetic
in the same order (task points rounded as the breakdown rounds them, findings in event order), so
its figures are the evaluation's to the last digit: a test compares the two over every shipped
scenario and a thousand seeds. What depends on a scenario alone (shares, penalties, which timers a
task answers for) is worked out once per compiled scenario.

:func:`score_only` has the shape of a Monte Carlo scorer (:data:`engine.tools.simulate.Scorer`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from engine.format import (
    ActionBegun,
    AnyEvent,
    DecisionMade,
    DecisionWithdrawn,
    Evaluated,
    Finding,
    IncidentEnded,
    IncidentStarted,
    TimerChanged,
)
from engine.runtime import CompiledScenario
from scoring.evaluation import DEFAULT_PENALTIES, TASK_SCORES
from scoring.ratings import band, worst


@dataclass(frozen=True, slots=True)
class _Task:
    actions: tuple[str, ...]
    timer: str | None
    within: float | None
    after: tuple[str, ...]
    after_any: tuple[str, ...]
    share: float
    life_safety: bool


@dataclass(frozen=True, slots=True)
class _Card:
    """What scoring one scenario needs, worked out once."""

    tasks: tuple[_Task, ...]
    penalties: dict[str, float]
    answered: frozenset[str]
    pass_mark: float


_CARDS: dict[int, tuple[CompiledScenario, _Card]] = {}


def _card(sc: CompiledScenario) -> _Card:
    found = _CARDS.get(id(sc))
    if found is not None and found[0] is sc:
        return found[1]
    rubric = sc.model.rubric
    tasks = []
    if rubric is not None:
        listed = [task for objective in rubric.objectives.values() for task in objective.tasks.values()]
        total = sum(task.weight for task in listed)
        for task in listed:
            tasks.append(
                _Task(
                    actions=tuple(task.actions),
                    timer=task.timer,
                    within=_minutes(sc, task.within),
                    after=tuple(task.after),
                    after_any=tuple(task.after_any),
                    share=task.weight / total * 100,
                    life_safety=any(sc.model.actions[a].life == "life-safety" for a in task.actions),
                )
            )
    card = _Card(
        tasks=tuple(tasks),
        penalties={**DEFAULT_PENALTIES, **(rubric.penalties if rubric else {})},
        answered=frozenset(t.timer for t in tasks if t.timer),
        pass_mark=rubric.pass_mark if rubric else 80.0,
    )
    _CARDS[id(sc)] = (sc, card)
    return card


def _minutes(sc: CompiledScenario, value: float | str | None) -> float | None:
    if value is None:
        return None
    return sc.parameters[value] if isinstance(value, str) else float(value)


class _Incident:
    __slots__ = ("accepted", "drill_rating", "findings", "missed", "outcome", "started")

    def __init__(self) -> None:
        self.started: float | None = None
        self.accepted: dict[str, float] = {}
        self.missed: set[str] = set()
        self.findings: list[tuple[str, str, str | None]] = []
        self.drill_rating: str | None = None
        self.outcome: str | None = None


def score_only(events: Sequence[AnyEvent], scenarios: Sequence[Any]) -> dict[str, Any]:
    """``score``, ``rating`` and ``passed`` of a drill: :func:`scoring.evaluation.summary` without the breakdown."""
    seen = [_Incident() for _ in scenarios]
    count = len(seen)
    # A withdrawn decision did not happen, nor did the findings it caused (as the evaluation has it).
    withdrawn = {e.decision for e in events if isinstance(e, DecisionWithdrawn)}
    waiting: dict[tuple[int, str], list[tuple[float, int]]] = {}  # decisions not under way yet, as the evaluation
    for e in events:
        if isinstance(e, DecisionMade):
            if e.status == "accepted" and e.incident < count:
                waiting.setdefault((e.incident, e.action), []).append((float(e.t), e.seq))
        elif isinstance(e, ActionBegun):
            queue = waiting.get((e.incident, e.action))
            if queue:
                t, seq = queue.pop(0)
                if seq not in withdrawn:
                    seen[e.incident].accepted.setdefault(e.action, t)
        elif isinstance(e, Finding):
            if e.incident < count and (e.cause is None or e.cause not in withdrawn):
                seen[e.incident].findings.append((e.rule, e.kind, e.timer))
        elif isinstance(e, TimerChanged):
            if e.status == "missed" and e.incident < count:
                seen[e.incident].missed.add(e.timer)
        elif isinstance(e, IncidentStarted):
            if e.incident < count and seen[e.incident].started is None:
                seen[e.incident].started = float(e.t)
        elif isinstance(e, IncidentEnded):
            if e.incident < count and seen[e.incident].outcome is None:
                seen[e.incident].outcome = e.outcome
        elif isinstance(e, Evaluated) and e.target == "drill" and e.rating and e.incident < count:
            seen[e.incident].drill_rating = e.rating
    scores, ratings, passes = [], [], []
    happened = [(inc, sc) for inc, sc in zip(seen, scenarios, strict=True) if inc.outcome != "not-started"]
    for inc, sc in happened or zip(seen, scenarios, strict=True):  # as scoring.evaluation.played
        score, rating, passed = _score(_card(sc), inc)
        scores.append(score)
        ratings.append(rating)
        passes.append(passed)
    return {"score": round(sum(scores) / len(scores), 1), "rating": worst(*ratings), "passed": all(passes)}


def _score(card: _Card, inc: _Incident) -> tuple[float, str, bool]:
    """One incident, as :func:`scoring.evaluation._incident` scores it (same order of additions)."""
    accepted = inc.accepted
    started = inc.started or 0.0
    points: list[float] = []
    missed_any = missed_life = late_life = False
    for task in card.tasks:
        times = [accepted[a] for a in task.actions if a in accepted]
        if not times:
            status = "missed"
            missed_any = True
            missed_life = missed_life or task.life_safety
        else:
            t = min(times)
            if task.timer is not None:
                late = task.timer in inc.missed
            elif task.within is not None:
                late = t - started > task.within
            else:
                late = False
            early = any(a not in accepted or accepted[a] > t for a in task.after)
            if task.after_any and not any(a in accepted and accepted[a] <= t for a in task.after_any):
                early = True
            status = ("late-out-of-order" if early else "late") if late else ("out-of-order" if early else "done")
            if late and task.life_safety:
                late_life = True
        points.append(round(task.share * TASK_SCORES[status] / 100, 2))
    if not card.tasks:
        points.append(100.0)
    life = red = loop_open = False
    for rule, kind, timer in inc.findings:
        if rule == "life-first":
            life = True
        elif rule == "red-line":
            red = True
        elif rule == "report-handle-feedback" and kind == "open":
            loop_open = True
        key = f"{rule}/{kind}"
        if key == "deadline/missed" and timer in card.answered:
            continue
        cost = card.penalties.get(key, 0.0)
        if cost:
            points.append(-cost)
    raw = sum(points)
    score = round(min(100.0, max(0.0, raw)), 1)
    at_best = "P"
    if life or red or missed_life:
        at_best = "M"
    elif missed_any:
        at_best = "S"
    if late_life or loop_open:
        at_best = worst(at_best, "S")
    outcome = inc.outcome
    if outcome == "failure":
        at_best = "U"
    elif outcome == "partial":
        at_best = worst(at_best, "S")
    elif outcome in ("timeout", None):
        at_best = worst(at_best, "M")
    rating = worst(inc.drill_rating, at_best) if inc.drill_rating else worst(band(score), at_best)
    return score, rating, score >= card.pass_mark and rating in ("P", "S")
