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
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.format import DrillEnded, Evaluated, Finding, HazardChanged, IncidentEnded, StateChanged
from engine.runtime import Timeline
from scoring.report.words import WORDS, pick, rating, word

if TYPE_CHECKING:
    from engine.format import Plan, Scenario, Text
    from engine.runtime import CompiledScenario, Record
    from scoring.evaluation import Evaluation, RaterView


class Facts:
    """The inputs of one report and the lookups its parts share.

    Args:
        record: The drill's record.
        scenarios: The compiled scenario of each incident, in the drill's order.
        result: The drill's evaluation.
        plan: The drill plan, when it can still be found unchanged.
        lang: The report's language.
        tz: The zone to show a start time recorded in UTC in (None: the machine's own).
    """

    def __init__(
        self,
        record: Record,
        scenarios: Sequence[CompiledScenario],
        result: Evaluation,
        plan: Plan | None,
        lang: str,
        tz: tzinfo | None = None,
    ) -> None:
        self.record = record
        self.tz = tz
        self.header = record.header
        self.events = record.events
        self.scenarios = scenarios
        self.result = result
        self.plan = plan
        self.lang = lang
        self.lines = Timeline(scenarios, lang)
        self.findings = [e for e in self.events if isinstance(e, Finding)]

    @property
    def roleplay(self) -> bool:
        """Whether the drill is a customer-service role-play (every incident met an owner persona)."""
        return bool(self.header.incidents) and all(i.persona for i in self.header.incidents)

    def text(self, text: Text | None) -> str:
        """A model ``Text`` (or None) in the report's language."""
        return "" if text is None else text.get(self.lang)

    def role(self, incident: int, role: str) -> str:
        """A role's name, from the incident's scenario or else any of the drill's."""
        found = self.scenarios[incident].model.roles.get(role)
        if found is None:
            found = next((s.model.roles[role] for s in self.scenarios if role in s.model.roles), None)
        return found.label.get(self.lang) if found else role

    def action(self, incident: int, action: str) -> str:
        """An action's name."""
        found = self.scenarios[incident].model.actions.get(action)
        return found.label.get(self.lang) if found else action

    def source(self, incident: int, source: str | None) -> str:
        """The title of a source (a law, a standard, a company rule) a scenario cites, or ``""``."""
        found = self.scenarios[incident].model.sources.get(source) if source else None
        return found.title if found else ""

    @staticmethod
    def task_source(model: Scenario, task: str) -> str | None:
        """The source a rubric task cites, if any."""
        if model.rubric is None:
            return None
        for objective in model.rubric.objectives.values():
            if task in objective.tasks:
                return objective.tasks[task].source
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

    def situation(self, model: Scenario, event: HazardChanged | StateChanged | IncidentEnded) -> str:
        """Short label of a hazard, state change or ending."""
        if isinstance(event, HazardChanged):
            hazard = model.hazards.get(event.hazard)
            name = self.text(hazard.label) if hazard else event.hazard
            return name if event.active else f"{name} ✓"
        place = event.to if isinstance(event, StateChanged) else event.ending
        found = (model.states.get(place) or model.endings.get(place)) if place else None
        if found is not None and found.label is not None:
            return self.text(found.label)
        if isinstance(event, IncidentEnded):
            key = f"outcome.{event.outcome}"
            return word(key, self.lang) if key in WORDS else ""
        return place or ""

    def person(self, person: Mapping[str, str]) -> dict[str, str]:
        """A participant (``name`` and ``role`` in the header) with the role's name."""
        role = person.get("role") or ""
        return {"name": person.get("name") or "", "role": role, "role_label": self.role(0, role) if role else ""}


def overview(facts: Facts) -> dict[str, Any]:
    """What ran, when, with whom, in which mode, how it ended, and what it was meant to test."""
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
            "start": float(i.start),
        }
        for m, i in zip(models, header.incidents, strict=False)
    ]
    plan = facts.plan
    name = plan.title.get(lang) if plan else " / ".join(str(s["title"]) for s in scenarios)
    summaries = " ".join(str(s["summary"]) for s in scenarios)
    scope = plan.summary.get(lang) if plan and plan.summary else summaries
    objectives = [o.label.get(lang) for m in models if m.rubric for o in m.rubric.objectives.values()]
    origin: str | None = "rubric" if objectives else None
    if plan and plan.objectives:
        objectives, origin = [o.get(lang) for o in plan.objectives], "plan"
    wall = header.wall_start
    started = local_start(wall, facts.tz)
    end = next((e for e in reversed(facts.events) if isinstance(e, DrillEnded)), None)
    team = header.team or (dict(plan.team) if plan and plan.team else None)
    if isinstance(team, dict):  # a plan's team: role ids to names
        team = {facts.role(0, str(role)): names for role, names in team.items()}
    return {
        "name": name,
        "roleplay": facts.roleplay,
        "record": header.id,
        "record_file": Path(facts.record.path).name,
        "date": started[0].strftime("%Y-%m-%d") if started else wall[:10],
        "wall_start": wall,
        "started": _started_text(started, lang) if started else wall,
        "scope": scope,
        "scenarios": scenarios,
        "plan": None if plan is None else {"id": plan.id, "version": plan.version},
        "mode": header.mode,
        "seed": header.seed,
        "engine": header.engine,
        "locale": header.locale,
        "staffing": dict(header.staffing),
        "kind": header.kind,
        "site": header.site,
        "team": team,
        "participants": [facts.person(p) for p in header.participants],
        "objectives": objectives,
        "objectives_from": origin,
        "outcome": None if end is None else end.outcome,
        "outcome_text": _outcome_text(facts, None if end is None else end.outcome),
        "duration": max((float(e.t) for e in facts.events), default=0.0),
        "complete": facts.record.complete,
        "notes": list(facts.record.notes),
    }


_MAINLAND = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})
"""Zone names that keep Beijing time (UTC+8 elsewhere, say Singapore, is not called 北京时间)."""


def local_start(wall: str, tz: tzinfo | None) -> tuple[datetime, str | None] | None:
    """When a drill started, in the local time its readers keep, and the zone's name if known.

    A stamp with its own non-zero UTC offset was written in local time and is shown as written. A
    stamp in UTC (what records have held so far) or without an offset is shown in ``tz``, or in
    the machine's own zone when ``tz`` is None. None for a stamp that is not a time.
    """
    try:
        when = datetime.fromisoformat(wall)
    except ValueError:
        return None
    if when.utcoffset() not in (None, timedelta(0)):
        return when, None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return (when.astimezone(tz), getattr(tz, "key", None)) if tz is not None else (when.astimezone(), None)


def _started_text(started: tuple[datetime, str | None], lang: str) -> str:
    """``2026-12-04 23:56 (Beijing time, UTC+8)``, in Chinese with 北京时间 and full-width brackets."""
    when, key = started
    minutes = int((when.utcoffset() or timedelta(0)).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")
    if minutes == 480 and (key is None or key in _MAINLAND):
        zone = f"{word('zone.beijing', lang)}/{utc}" if lang == "zh" else f"{word('zone.beijing', lang)}, {utc}"
    else:
        zone = utc
    stamp = when.strftime("%Y-%m-%d %H:%M")
    return f"{stamp}（{zone}）" if lang == "zh" else f"{stamp} ({zone})"


def _outcome_text(facts: Facts, outcome: str | None) -> str:
    """The ending as a word (成功, 部分完成, 失败, 超时), with what happened beside it."""
    if outcome is None:
        return word("none", facts.lang)
    key = f"outcome.{outcome}"
    said = word(key, facts.lang) if key in WORDS else outcome
    whats = []
    for e in facts.events:
        if isinstance(e, IncidentEnded) and e.ending is not None and e.incident < len(facts.scenarios):
            what = facts.situation(facts.scenarios[e.incident].model, e)
            if what and what != said and what not in whats:
                whats.append(what)
    if not whats:
        return said
    return word("outcome.what", facts.lang).format(word=said, what=("；" if facts.lang == "zh" else "; ").join(whats))


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
                        "raters": [_rater(r, lang) for r in t.raters],
                        "source": facts.source(inc.index, facts.task_source(model, t.id)),
                    }
                    for t in inc.tasks
                ],
                "notes": list(inc.notes),
                "raters": [_rater(r, lang) for r in inc.raters],
            }
        )
    return {
        "score": result.score,
        "pass_mark": result.pass_mark,
        "passed": result.passed,
        "rating": rating(result.rating, lang),
        "incidents": incidents,
        "not_started": [
            {"index": i, "scenario": facts.scenarios[i].model.id, "title": facts.scenarios[i].model.title.get(lang)}
            for i in result.not_started
        ],
    }


def _rater(view: RaterView, lang: str) -> dict[str, Any]:
    """One rater's view as a report holds it: who (the facilitator named as such), rating, observations."""
    return {
        "by": view.by,
        "who": view.by if view.by is not None else word("facilitator", lang),
        "facilitator": view.by is None,
        "device": view.device,
        "rating": rating(view.rating, lang),
        "notes": list(view.notes),
        "t": view.t,
        "events": list(view.events),
    }


def breakdown(facts: Facts) -> list[dict[str, Any]]:
    """Every gain and loss of points, with its reason, sim minute and events: the answer to "why this score?"."""
    lang = facts.lang
    rows = []
    for inc in facts.result.incidents:
        for item in inc.breakdown:
            if item.what.startswith("task:"):
                what = word("tasks", lang)
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
    """The raters' notes (evaluation events that carry one): who, about what, when."""
    notes = []
    for e in facts.events:
        if not isinstance(e, Evaluated) or not e.note:
            continue
        kind, _, name = e.target.partition(":")
        model = facts.scenarios[e.incident].model
        shown = word("matrix.overall", facts.lang) if kind == "drill" else e.target
        if kind == "task" and model.rubric:
            task = next((o.tasks[name] for o in model.rubric.objectives.values() if name in o.tasks), None)
            shown = facts.text(task.label) if task else e.target
        elif kind == "inject" and name in model.injects:
            shown = facts.text(model.injects[name].message)
        notes.append(
            {
                "t": float(e.t),
                "seq": e.seq,
                "incident": e.incident,
                "target": e.target,
                "target_text": shown,
                "rating": rating(e.rating, facts.lang),
                "note": e.note,
                "by": e.by,
                "who": e.by if e.by is not None else word("facilitator", facts.lang),
            }
        )
    return notes


def feedback(facts: Facts) -> list[dict[str, Any]] | None:
    """Hot-wash feedback kept in the header: ``{name, role?, satisfaction 0-100, helped, improve}`` each."""
    given = facts.header.feedback
    if not given:
        return None
    roles = {p["name"]: p["role_label"] or p["role"] for p in map(facts.person, facts.header.participants)}
    out = []
    for item in given:
        name = str(item.get("name") or "")
        role = str(item.get("role") or "")
        out.append(
            {
                "name": name,
                "role": facts.role(0, role) if role else roles.get(name, ""),
                "satisfaction": item.get("satisfaction"),
                "helped": str(item.get("helped") or item.get("text") or item.get("note") or ""),
                "improve": str(item.get("improve") or ""),
            }
        )
    return out
