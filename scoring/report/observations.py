"""What a report concludes from the facts: strengths, and areas for improvement.

A strength is an objective met, a critical task performed without challenges, an SLA deadline met,
or an incident ended well without a single finding. An area for improvement is every finding (a
rule broken, a deadline missed, a loop left open) and every critical task rated below P, each with
the evidence behind it (sim time, event ids, the rule or the source it breaks) and numbered A1,
A2... in time order: the improvement plan has one row per area, for the facilitator to fill in.
Both name the rubric objective they bear on, so the AAR can sort them under its objectives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine.format import DecisionMade, IncidentEnded, TimerChanged
from scoring.ratings import label
from scoring.report.words import colon, minute, num, pick, word

if TYPE_CHECKING:
    from scoring.report.facts import Facts


@dataclass
class _Clock:
    """An SLA clock that ran: when it started, when it was due, and how and when it ended."""

    incident: int
    timer: str
    label: str
    start: float
    due: float
    seq: int
    """The event that started it, then the one that ended it."""
    status: str = "running"
    end: float | None = None


def strengths(facts: Facts) -> list[dict[str, Any]]:
    """Objectives met, tasks performed without challenges, deadlines met, incidents handled cleanly."""
    lang = facts.lang
    found: list[dict[str, Any]] = []

    def add(kind: str, incident: int, objective: str | None, text: str, ref: str, t: Any, events: list[int]) -> None:
        found.append(
            {"kind": kind, "incident": incident, "objective": objective, "text": text, "reference": ref}
            | {"t": t, "events": events}
        )

    for inc in facts.result.incidents:
        for o in inc.objectives:
            if o.rating in ("P", "S"):
                what, rated = pick(o.label, lang), label(o.rating, lang)
                text = word("objective.met", lang).format(what=what, score=num(o.score), rating=rated)
                add("objective", inc.index, o.id, text, f"objective:{o.id}", None, [])
        for task in (t for t in inc.tasks if t.rating == "P"):
            text = colon(pick(task.label, lang) or task.id, word(f"status.{task.status}", lang), lang)
            add("task", inc.index, task.objective, text, f"task:{task.id}", task.t, list(task.events))
    for clock in (c for c in _clocks(facts) if c.status == "met"):
        text = word("met.text", lang).format(what=clock.label, t=minute(clock.end), due=minute(clock.due))
        objective = facts.objective_of(clock.incident, timer=clock.timer)
        add("deadline", clock.incident, objective, text, f"timer:{clock.timer}", clock.end, [clock.seq])
    for inc in facts.result.incidents:
        if inc.outcome != "success" or any(f.incident == inc.index for f in facts.findings):
            continue
        end = next((e for e in facts.events if isinstance(e, IncidentEnded) and e.incident == inc.index), None)
        what = facts.situation(facts.scenarios[inc.index].model, end) if end else ""
        text = ("，" if lang == "zh" else "; ").join((word("clean", lang), word("ended", lang).format(what=what)))
        add(
            "incident",
            inc.index,
            None,
            text,
            f"scenario:{inc.scenario}",
            end.t if end else None,
            [end.seq] if end else [],
        )
    return found


def _clocks(facts: Facts) -> list[_Clock]:
    """Each SLA clock that ran, in the order they started."""
    clocks: list[_Clock] = []
    running: dict[tuple[int, str], _Clock] = {}
    for e in facts.events:
        if not isinstance(e, TimerChanged):
            continue
        key = (e.incident, e.timer)
        if e.status == "started":
            spec = facts.scenarios[e.incident].model.timers.get(e.timer)
            name = facts.text(spec.label) if spec else e.timer
            due = float(e.t if e.due is None else e.due)
            running[key] = clock = _Clock(e.incident, e.timer, name, float(e.t), due, e.seq)
            clocks.append(clock)
        elif key in running:
            clock = running.pop(key)
            clock.status, clock.end, clock.seq = e.status, float(e.t), e.seq
    return clocks


def areas(facts: Facts) -> list[dict[str, Any]]:
    """One area for improvement per finding and per task rated below P, in time order, numbered A1, A2..."""
    lang, zh = facts.lang, facts.lang == "zh"
    found: list[dict[str, Any]] = []
    for f in facts.findings:
        model = facts.scenarios[f.incident].model
        detail = pick(f.detail, lang).rstrip("。. ")
        observation = detail
        analysis = ""
        if f.action:
            decision = next((e for e in facts.events if e.seq == f.cause), None)
            role = decision.role if isinstance(decision, DecisionMade) else model.actions[f.action].role
            who, what = facts.role(f.incident, role), facts.action(f.incident, f.action)
            observation = f"{who}「{what}」：{detail}" if zh else f"{who}: “{what}” — {detail}"
            explain = model.actions[f.action].explain if f.action in model.actions else None
            analysis = facts.text(explain)
        source = f.source
        if source is None and f.timer is not None and f.timer in model.timers:
            source = model.timers[f.timer].source
        reference = f"{word(f'rule.{f.rule}', lang)} · {word(f'breach.{f.kind}', lang)}"
        if facts.source(f.incident, source):
            reference += ("；" if zh else "; ") + facts.source(f.incident, source)
        found.append(
            {
                "kind": "finding",
                "incident": f.incident,
                "rule": f.rule,
                "breach": f.kind,
                "task": None,
                "objective": facts.objective_of(f.incident, action=f.action, timer=f.timer),
                "observation": observation,
                "reference": reference,
                "analysis": analysis,
                "root_cause": "",
                "t": float(f.t),
                "events": [s for s in (f.cause, f.seq) if s is not None],
            }
        )
    for inc in facts.result.incidents:
        for task in inc.tasks:
            if task.rating == "P":
                continue
            name = pick(task.label, lang) or task.id
            status = word(f"status.{task.status}", lang)
            notes = "；".join(task.notes) if zh else "; ".join(task.notes)
            observation = (f"{name}：{status}" if zh else f"{name}: {status}") + (f" — {notes}" if notes else "")
            source = facts.source(inc.index, facts.task_source(facts.scenarios[inc.index].model, task.id))
            found.append(
                {
                    "kind": "task",
                    "incident": inc.index,
                    "rule": None,
                    "breach": None,
                    "task": task.id,
                    "objective": task.objective,
                    "observation": observation,
                    "reference": source or word("ref.rubric", lang),
                    "analysis": word("task.score", lang).format(score=num(task.score), rating=label(task.rating, lang)),
                    "root_cause": "",
                    "t": task.t,
                    "events": list(task.events),
                }
            )
    found.sort(key=lambda a: (a["t"] is None, a["t"] or 0.0, a["events"][:1]))
    for number, area in enumerate(found, start=1):
        area["id"] = f"A{number}"
    return [{"id": a.pop("id"), **a} for a in found]
