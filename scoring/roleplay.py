"""How a customer-service role-play went: the five steps, the lines that hurt, the owner's mood curve.

A pure function of a role-play drill's events and its compiled (expanded) scenario, built on the
general evaluation: the five steps are the rubric's tasks (:mod:`engine.format.dialogue` makes them), so
their status, moment and score are exactly those of the breakdown; this module adds what a trainee
wants to see after a conversation: which of the five steps happened and when, which replies made the
owner angrier (and by how much), the replies strict mode refused (a red line tried and stopped is
not the same as no red line at all), and the anger over time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.format import (
    STEPS,
    ActionDone,
    AnyEvent,
    DecisionMade,
    Finding,
    IncidentEnded,
    InjectDelivered,
    Text,
    Value,
    ValuesChanged,
    VariableStepped,
)
from engine.runtime import CompiledScenario
from scoring.evaluation import Evaluation, evaluate


@dataclass(frozen=True)
class Step:
    """One of the five steps."""

    id: str
    label: dict[str, str]
    status: str
    """As a rubric task: ``done``, ``out-of-order``, ``late``..., or ``missed``."""
    t: float | None
    """Sim minute it first happened."""


@dataclass(frozen=True)
class Hurt:
    """A reply that made the owner angrier."""

    t: float
    action: str
    label: dict[str, str]
    rise: float
    why: dict[str, str] | None


@dataclass(frozen=True)
class Refusal:
    """A reply the trainee chose that strict mode refused: it was never said, but it was tried."""

    t: float
    action: str
    label: dict[str, str]
    """The reply's words."""
    rules: tuple[str, ...]
    """The rules it would have broken (``red-line``, ``emotion-first``...), worst first as recorded."""
    reasons: tuple[dict[str, str], ...]
    """Why each rule refused it, in Chinese and English."""


@dataclass(frozen=True)
class RolePlayResult:
    """The whole picture of one conversation."""

    evaluation: Evaluation
    steps: tuple[Step, ...]
    hurts: tuple[Hurt, ...]
    curve: tuple[tuple[float, float], ...]
    """(sim minute, anger) at every change, starting with the initial anger."""
    ending: str | None
    outcome: str | None
    findings: tuple[Finding, ...]
    refused: tuple[Refusal, ...] = ()
    """Replies strict mode refused, in the order they were tried."""

    @property
    def red_lines(self) -> tuple[Refusal, ...]:
        """The refused replies that would have crossed a service red line."""
        return tuple(r for r in self.refused if "red-line" in r.rules)


def _text(text: Text) -> dict[str, str]:
    return {k: v for k, v in (("zh", text.zh), ("en", text.en)) if v}


def summarise(events: Sequence[AnyEvent], scenario: CompiledScenario) -> RolePlayResult:
    """Summarise a role-play drill (one incident: the expanded dialogue)."""
    evaluation = evaluate(events, [scenario])
    incident = evaluation.incidents[0]
    tasks = {t.id: t for t in incident.tasks}
    steps = tuple(
        Step(sid, _text(label), tasks[sid].status if sid in tasks else "missed", tasks[sid].t if sid in tasks else None)
        for sid, label, _moves in STEPS
    )
    model = scenario.model
    mood = float(scenario.initial_values.get("mood", 0))
    curve: list[tuple[float, float]] = [(0.0, mood)]
    hurts: list[Hurt] = []
    ending: str | None = None
    outcome: str | None = None
    findings: list[Finding] = []
    refused: list[Refusal] = []
    for event in events:
        changes: Mapping[str, Value] = {}
        match event:
            case DecisionMade(status="refused"):
                act = model.actions.get(event.action)
                reasons = event.reasons or []
                refused.append(
                    Refusal(
                        float(event.t),
                        event.action,
                        _text(act.label) if act else {"zh": event.action, "en": event.action},
                        tuple(r.rule for r in reasons),
                        tuple(dict(r.detail) for r in reasons),
                    )
                )
            case VariableStepped(var="mood"):
                changes = {"mood": event.value}
            case ActionDone() | ValuesChanged() | InjectDelivered():
                changes = event.changes
            case IncidentEnded():
                ending, outcome = event.ending, event.outcome
            case Finding():
                findings.append(event)
        if "mood" in changes:
            new = float(changes["mood"])
            if isinstance(event, ActionDone) and new > mood:
                act = model.actions.get(event.action)
                if act is not None:
                    hurts.append(
                        Hurt(
                            float(event.t),
                            event.action,
                            _text(act.label),
                            new - mood,
                            _text(act.explain) if act.explain else None,
                        )
                    )
            mood = new
            curve.append((float(event.t), mood))
    return RolePlayResult(
        evaluation,
        steps,
        tuple(sorted(hurts, key=lambda h: -h.rise)),
        tuple(curve),
        ending,
        outcome,
        tuple(findings),
        tuple(refused),
    )


def mood_word(anger: float, calm_below: int, escalate_at: int) -> str:
    """``calm``, ``upset``, ``angry`` or ``escalating``: how the owner feels at this anger."""
    if anger < calm_below * 0.67:
        return "calm"
    if anger < calm_below + (escalate_at - calm_below) / 2:
        return "upset"
    if anger < escalate_at:
        return "angry"
    return "escalating"
