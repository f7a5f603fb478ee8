"""What a report says about a drill, looked up in its record, its scenarios and its evaluation.

:class:`Facts` gathers what one report is computed from (the record, the compiled scenarios it ran,
the evaluation, the plan if it can still be found, the language) and the lookups every part of the
content shares: a role's, an action's or a source's name, the objective a task belongs to, the words
for a situation. The parts of the content that are plain facts (the overview, the evaluation, the
score breakdown, the evaluator's notes, the hot-wash feedback) are functions of it here; what the
report concludes from them lives in :mod:`.observations` (strengths, areas for improvement) and
:mod:`.timeline`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.runtime import Timeline
from scoring.report.words import WORDS, pick, rating, word

if TYPE_CHECKING:
    from engine.format import Plan
    from engine.runtime import CompiledScenario, Record
    from scoring.evaluation import Evaluation


class Facts:
    """The inputs of one report and the lookups its parts share.

    Args:
        record: The drill's record.
        scenarios: The compiled scenario of each incident, in the drill's order.
        result: The drill's evaluation.
        plan: The drill plan, when it can still be found unchanged.
        lang: The report's language.
    """

    def __init__(
        self,
        record: Record,
        scenarios: Sequence[CompiledScenario],
        result: Evaluation,
        plan: Plan | None,
        lang: str,
    ) -> None:
        self.record = record
        self.header = record.header
        self.events = record.events
        self.scenarios = scenarios
        self.result = result
        self.plan = plan
        self.lang = lang
        self.lines = Timeline(scenarios, lang)
        self.findings = [e for e in self.events if e.get("type") == "finding"]

    def text(self, text: Any) -> str:
        """A model ``Text`` (or None) in the report's language."""
        return "" if text is None else str(text.get(self.lang))

    def role(self, incident: int, role: str) -> str:
        found = self.scenarios[incident].model.roles.get(role)
        if found is None:
            found = next((s.model.roles[role] for s in self.scenarios if role in s.model.roles), None)
        return found.label.get(self.lang) if found else role

    def action(self, incident: int, action: str) -> str:
        found = self.scenarios[incident].model.actions.get(action)
        return found.label.get(self.lang) if found else action

    def source(self, incident: int, source: str | None) -> str:
        found = self.scenarios[incident].model.sources.get(source) if source else None
        return found.title if found else ""

    @staticmethod
    def task_source(model: Any, task: str) -> str | None:
        if model.rubric is None:
            return None
        for objective in model.rubric.objectives.values():
            if task in objective.tasks:
                return objective.tasks[task].source  # type: ignore[no-any-return]
        return None

    def objective_of(self, incident: int, *, action: str | None = None, timer: str | None = None) -> str | None:
        """The rubric objective whose critical task an action or an SLA timer belongs to."""
        rubric = self.scenarios[incident].model.rubric
        if rubric is None:
            return None
        for oid, objective in rubric.objectives.items():
            for task in objective.tasks.values():
                if (action and action in task.actions) or (timer and task.timer == timer):
                    return oid
        return None

    def situation(self, model: Any, e: Mapping[str, Any]) -> str:
        """Short label of a hazard, state change or ending."""
        if e["type"] == "hazard":
            hazard = model.hazards.get(e["hazard"])
            name = self.text(hazard.label) if hazard else str(e["hazard"])
            return name if e["active"] else f"{name} ✓"
        place = e.get("to") if e["type"] == "state" else e.get("ending")
        found = model.states.get(place) or model.endings.get(place) if place else None
        if found is not None and found.label is not None:
            return self.text(found.label)
        if e["type"] == "end":
            return word(f"outcome.{e.get('outcome')}", self.lang) if f"outcome.{e.get('outcome')}" in WORDS else ""
        return str(place or "")

    def person(self, person: Any) -> dict[str, str]:
        if not isinstance(person, dict):
            return {"name": str(person), "role": "", "role_label": ""}
        role = str(person.get("role") or "")
        return {"name": str(person.get("name") or ""), "role": role, "role_label": self.role(0, role) if role else ""}


def overview(facts: Facts) -> dict[str, Any]:
    """What ran, when, with whom, in which mode, and what it was meant to test."""
    header, lang = facts.header, facts.lang
    models = [s.model for s in facts.scenarios]
    scenarios = [
        {
            "id": m.id,
            "version": m.version,
            "title": m.title.get(lang),
            "summary": m.summary.get(lang),
            "category": m.category,
            "hazards": [h.label.get(lang) for h in m.hazards.values()],
            "start": float(i.get("start", 0.0)),
        }
        for m, i in zip(models, header.get("incidents", []), strict=False)
    ]
    plan = facts.plan
    name = plan.title.get(lang) if plan else " / ".join(str(s["title"]) for s in scenarios)
    summaries = " ".join(str(s["summary"]) for s in scenarios)
    scope = plan.summary.get(lang) if plan and plan.summary else summaries
    objectives = [o.label.get(lang) for m in models if m.rubric for o in m.rubric.objectives.values()]
    origin: str | None = "rubric" if objectives else None
    if plan and plan.objectives:
        objectives, origin = [o.get(lang) for o in plan.objectives], "plan"
    wall = str(header.get("wall_start") or "")
    end = next((e for e in reversed(facts.events) if e.get("type") == "drill_end"), None)
    team = header.get("team") or (dict(plan.team) if plan and plan.team else None)
    return {
        "name": name,
        "record": header.get("id"),
        "record_file": Path(facts.record.path).name,
        "date": wall[:10],
        "wall_start": wall,
        "scope": scope,
        "scenarios": scenarios,
        "plan": None if plan is None else {"id": plan.id, "version": plan.version},
        "mode": header.get("mode"),
        "seed": header.get("seed"),
        "engine": header.get("engine"),
        "locale": header.get("locale"),
        "staffing": dict(header.get("staffing") or {}),
        "kind": header.get("kind") or (plan.kind if plan else None),
        "site": header.get("site"),
        "team": team,
        "participants": [facts.person(p) for p in header.get("participants") or []],
        "objectives": objectives,
        "objectives_from": origin,
        "outcome": None if end is None else end.get("outcome"),
        "duration": max((float(e.get("t", 0.0)) for e in facts.events), default=0.0),
        "complete": facts.record.complete,
        "notes": list(facts.record.notes),
    }


def evaluation(facts: Facts) -> dict[str, Any]:
    """Score, pass mark, verdict and ratings (automatic and evaluator's) down to each critical task."""
    lang, result = facts.lang, facts.result
    incidents = []
    for inc in result.incidents:
        model = facts.scenarios[inc.index].model
        objective_labels = {o.id: pick(o.label, lang) for o in inc.objectives}
        incidents.append(
            {
                "index": inc.index,
                "scenario": inc.scenario,
                "title": model.title.get(lang),
                "outcome": inc.outcome,
                "score": inc.score,
                "pass_mark": inc.pass_mark,
                "passed": inc.passed,
                "rating": rating(inc.rating, lang),
                "auto_rating": rating(inc.auto_rating, lang),
                "evaluator_rating": rating(inc.evaluator_rating, lang),
                "caps": [pick(c, lang) for c in inc.caps],
                "objectives": [
                    {
                        "id": o.id,
                        "label": pick(o.label, lang),
                        "score": o.score,
                        "rating": rating(o.rating, lang),
                        "tasks": list(o.tasks),
                    }
                    for o in inc.objectives
                ],
                "tasks": [
                    {
                        "id": t.id,
                        "objective": t.objective,
                        "objective_label": objective_labels.get(t.objective, t.objective),
                        "label": pick(t.label, lang) or t.id,
                        "status": t.status,
                        "status_text": word(f"status.{t.status}", lang),
                        "score": t.score,
                        "weight": t.weight,
                        "stage": t.stage,
                        "t": t.t,
                        "events": list(t.events),
                        "auto_rating": rating(t.auto_rating, lang),
                        "evaluator_rating": rating(t.evaluator_rating, lang),
                        "rating": rating(t.rating, lang),
                        "notes": list(t.notes),
                        "source": facts.source(inc.index, facts.task_source(model, t.id)),
                    }
                    for t in inc.tasks
                ],
                "notes": list(inc.notes),
            }
        )
    return {
        "score": result.score,
        "pass_mark": result.pass_mark,
        "passed": result.passed,
        "rating": rating(result.rating, lang),
        "incidents": incidents,
    }


def breakdown(facts: Facts) -> list[dict[str, Any]]:
    """Every gain and loss of points, with its reason, sim minute and events: the answer to "why this score?"."""
    lang = facts.lang
    rows = []
    for inc in facts.result.incidents:
        for item in inc.breakdown:
            kind, _, name = item.what.partition(":")
            if kind == "task":
                what = f"{word('task', lang)} {name}"
            elif "/" in item.what:
                rule, _, breach = item.what.partition("/")
                what = f"{word(f'rule.{rule}', lang)} · {word(f'breach.{breach}', lang)}"
            else:
                what = word(item.what, lang) if item.what in WORDS else item.what
            rows.append(
                {
                    "incident": inc.index,
                    "what": item.what,
                    "what_text": what,
                    "points": item.points,
                    "max": item.max,
                    "reason": pick(item.reason, lang),
                    "t": item.t,
                    "events": list(item.events),
                }
            )
    return rows


def evaluator_notes(facts: Facts) -> list[dict[str, Any]]:
    """The facilitator's notes (evaluation events that carry one), with what they were about."""
    notes = []
    for e in facts.events:
        if e.get("type") != "evaluation" or not e.get("note"):
            continue
        incident = int(e.get("incident", 0))
        target = str(e["target"])
        kind, _, name = target.partition(":")
        model = facts.scenarios[incident].model
        shown = word("matrix.overall", facts.lang) if kind == "drill" else target
        if kind == "task" and model.rubric:
            task = next((o.tasks[name] for o in model.rubric.objectives.values() if name in o.tasks), None)
            shown = facts.text(task.label) if task else target
        elif kind == "inject" and name in model.injects:
            shown = facts.text(model.injects[name].message)
        notes.append(
            {
                "t": float(e["t"]),
                "seq": e["seq"],
                "incident": incident,
                "target": target,
                "target_text": shown,
                "rating": rating(e.get("rating"), facts.lang),
                "note": str(e["note"]),
            }
        )
    return notes


def feedback(facts: Facts) -> list[dict[str, Any]] | None:
    """Hot-wash feedback kept in the header: ``{name, role?, satisfaction 0-100, helped, improve}`` each."""
    raw = facts.header.get("feedback")
    if not raw:
        return None
    roles = {p["name"]: p["role_label"] or p["role"] for p in map(facts.person, facts.header.get("participants") or [])}
    out = []
    for item in raw if isinstance(raw, list) else [raw]:
        given = item if isinstance(item, dict) else {"helped": str(item)}
        name = str(given.get("name") or "")
        role = str(given.get("role") or "")
        out.append(
            {
                "name": name,
                "role": facts.role(0, role) if role else roles.get(name, ""),
                "satisfaction": given.get("satisfaction"),
                "helped": str(given.get("helped") or given.get("text") or given.get("note") or ""),
                "improve": str(given.get("improve") or ""),
            }
        )
    return out
