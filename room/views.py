"""What a phone in the room may see of a drill, and how it reads.

Two things are derived here, both from the engine's typed events and situation, never from the
console:

- :class:`Snapshot`: the situation at one moment, copied on the thread that drives the session
  (the console's, or the server's own), so that pages rendered on the server's thread never read
  a situation while it is being changed;
- :func:`visible` and :func:`line`: one event as a participant of a role receives it (the projector
  view's information plus the injects addressed to that role), as filtered data and as a line.

What a participant never receives: hidden variables (in any event's ``changes``), injects for
other roles, the facilitator's notes, evaluations and scores, upcoming injects, and the rule hints
the controller view shows beside actions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engine.display import sim_time, with_unit
from engine.format import (
    ActionBegun,
    ActionDone,
    AnyEvent,
    DecisionMade,
    DrillEnded,
    DrillHalted,
    Finding,
    HazardChanged,
    IncidentEnded,
    IncidentStarted,
    InjectDelivered,
    NoteMade,
    StaffAwaited,
    StateChanged,
    TimerChanged,
    ValuesChanged,
    VariableStepped,
)
from engine.runtime import Timeline
from room.i18n import pick, tr

if TYPE_CHECKING:
    from engine.runtime import CompiledScenario, Session

STAGE_MARKS = {"zh": ("报", "处", "馈"), "en": ("R", "H", "F")}
"""The closed loop's three stages as the room marks them."""

STAGES = ("report", "handle", "feedback")


@dataclass(frozen=True)
class IncidentState:
    """One incident at the snapshot's moment (ids only: labels are looked up per language)."""

    index: int
    state: str
    live: bool
    ended: bool
    outcome: str | None
    stages: frozenset[str]
    hazards: frozenset[str]
    values: dict[str, Any]
    decided: frozenset[str]


@dataclass(frozen=True)
class Busy:
    """Someone at work, or an action waiting for staff."""

    incident: int
    action: str
    role: str
    left: float | None
    """Sim minutes left; None while it waits for a free person."""
    pool: str | None


@dataclass(frozen=True)
class Snapshot:
    """The drill at one moment, as every page of the room draws it.

    Attributes:
        t: Sim minute.
        speed: Sim minutes per wall minute.
        paused: Whether the clock stands.
        finished: Whether the drill has ended.
        count: Events so far (the last event's ``seq``).
        incidents: Each incident.
        work: Actions under way or waiting.
        findings: Findings so far: (sim minute, rule, detail).
        options: Actions open now: (incident, role, action).
        ratings: Latest evaluator rating per (incident, target).
    """

    t: float
    speed: float
    paused: bool
    finished: bool
    count: int
    incidents: tuple[IncidentState, ...]
    work: tuple[Busy, ...]
    findings: tuple[tuple[float, str, dict[str, str]], ...]
    options: tuple[tuple[int, str, str], ...]
    ratings: dict[tuple[int, str], str] = field(default_factory=dict)

    @classmethod
    def of(cls, session: Session) -> Snapshot:
        """Copy what the room shows from ``session`` (call on the thread that drives it)."""
        sit = session.situation
        drill = session.drill
        events = drill.events
        findings = tuple((float(e.t), e.rule, dict(e.detail)) for e in events if isinstance(e, Finding))
        work = tuple(
            Busy(w.incident, w.action, w.role, None if w.until is None else max(0.0, w.until - sit.t), w.pool)
            for w in [*sit.busy(), *sit.waiting()]
        )
        return cls(
            t=float(session.now),
            speed=float(session.clock.speed),
            paused=bool(session.clock.paused),
            finished=drill.finished,
            count=len(events),
            incidents=tuple(
                IncidentState(
                    i.index,
                    i.state,
                    i.live,
                    i.ended,
                    i.outcome,
                    frozenset(i.stages),
                    frozenset(i.hazards),
                    dict(i.values),
                    frozenset(i.decided),
                )
                for i in sit.incidents
            ),
            work=work,
            findings=findings,
            options=() if drill.finished else tuple((o.incident, o.role, o.action) for o in drill.options()),
            ratings=dict(sit.ratings),
        )


# Drawing a snapshot -------------------------------------------------------------------------------


def show_value(spec: Any, value: Any, lang: str) -> str:
    """A variable's value as the room reads it (enum labels, yes/no, units)."""
    if isinstance(value, bool):
        text = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    elif isinstance(value, str):
        label = spec.labels.get(value)
        text = pick(label, lang) if label else value
    elif isinstance(value, float):
        text = f"{value:.3g}"
    else:
        text = str(value)
    return with_unit(text, spec.unit, lang)


def incident_cards(snap: Snapshot, scenarios: Sequence[CompiledScenario], lang: str) -> list[dict[str, Any]]:
    """Each incident as the projector shows it: phase, loop, hazards, meters, plain values."""
    cards = []
    for inc in snap.incidents:
        model = scenarios[inc.index].model
        place = model.states.get(inc.state) or model.endings.get(inc.state)
        meters, values = [], []
        for name, spec in model.variables.items():
            value = inc.values.get(name)
            if spec.show == "hidden" or value is None:
                continue
            label = pick(spec.label, lang) if spec.label else name
            bounded = spec.min is not None and spec.max is not None
            if spec.show == "meter" and isinstance(value, int | float) and bounded:
                low, high = float(spec.min or 0), float(spec.max or 0)
                share = (float(value) - low) / max(1e-9, high - low)
                level = "high" if share >= 0.7 else "mid" if share >= 0.4 else "low"
                meters.append(
                    {
                        "label": label,
                        "value": float(value),
                        "low": low,
                        "high": high,
                        "text": show_value(spec, value, lang),
                        "level": level,
                    }
                )
            else:
                values.append({"label": label, "text": show_value(spec, value, lang)})
        marks = STAGE_MARKS["en" if lang == "en" else "zh"]
        cards.append(
            {
                "title": pick(model.title, lang),
                "started": inc.live or inc.ended,
                "phase": (pick(place.label, lang) if place is not None and place.label else inc.state),
                "ended": inc.ended,
                "outcome": inc.outcome,
                "stages": [{"mark": m, "done": s in inc.stages} for s, m in zip(STAGES, marks, strict=True)],
                "hazards": [pick(model.hazards[h].label, lang) for h in sorted(inc.hazards) if h in model.hazards],
                "meters": meters,
                "plain": values,
            }
        )
    return cards


def work_lines(snap: Snapshot, scenarios: Sequence[CompiledScenario], lang: str) -> list[str]:
    """Who is busy with what (and for how long), and what waits for staff."""
    out = []
    c = "：" if lang == "zh" else ": "
    for work in snap.work:
        model = scenarios[work.incident].model
        act = model.actions.get(work.action)
        what = pick(act.label, lang) if act else work.action
        if work.left is None:
            pool = model.staff.get(work.pool or "")
            out.append(f"⏳ {tr('room.waiting', lang)} {pick(pool.label, lang) if pool else work.pool}{c}{what}")
        else:
            role = model.roles.get(work.role)
            who = pick(role.label, lang) if role else work.role
            mins = max(1, math.ceil(work.left))  # "about 0 minutes" reads as done; it is not
            left = f"（约 {mins} 分钟）" if lang == "zh" else f" (~{mins} min)"
            out.append(f"{who}{c}{what}{left}")
    return out


def finding_lines(snap: Snapshot, lang: str) -> list[str]:
    """The findings so far, newest last (the projector shows them too)."""
    return [f"{sim_time(t)} ⚠ {pick(detail, lang)}" for t, _rule, detail in snap.findings[-8:]]


def role_options(snap: Snapshot, scenarios: Sequence[CompiledScenario], role: str, lang: str) -> list[dict[str, str]]:
    """The actions open to ``role`` now, labelled (value ``incident|action`` for the form)."""
    many = len(scenarios) > 1
    found = []
    for incident, who, action in snap.options:
        if who != role:
            continue
        model = scenarios[incident].model
        label = pick(model.actions[action].label, lang)
        found.append({"value": f"{incident}|{action}", "label": (f"#{incident + 1} " if many else "") + label})
    return found


def role_label(scenarios: Sequence[CompiledScenario], role: str, lang: str) -> str:
    """A role's label (from the first scenario that has it)."""
    for sc in scenarios:
        if role in sc.model.roles:
            return pick(sc.model.roles[role].label, lang)
    return role


def staff_roles(scenarios: Sequence[CompiledScenario]) -> list[str]:
    """The roles a participant can hold: staff roles with at least one action, in scenario order."""
    roles: list[str] = []
    for sc in scenarios:
        acting = {a.role for a in sc.model.actions.values()}
        for rid, role in sc.model.roles.items():
            if role.kind == "staff" and rid in acting and rid not in roles:
                roles.append(rid)
    return roles


# One event as a role receives it ----------------------------------------------------------------


def _hidden(scenarios: Sequence[CompiledScenario], incident: int) -> set[str]:
    return {n for n, v in scenarios[incident].model.variables.items() if v.show == "hidden"}


def visible(event: AnyEvent, scenarios: Sequence[CompiledScenario], role: str | None) -> dict[str, Any] | None:
    """``event`` as a participant holding ``role`` receives it, or None if it is not theirs to see.

    ``role`` None is the projector: every inject, still no hidden variable or evaluation.
    """
    match event:
        case InjectDelivered():
            inject = scenarios[event.incident].model.injects.get(event.inject)
            if role is not None and (inject is None or inject.to != role):
                return None
        case VariableStepped():
            if event.var in _hidden(scenarios, event.incident):
                return None
        case NoteMade():
            if event.kind != "inject":
                return None  # the facilitator's notes and bookmarks are the controller's
        case DecisionMade():
            if event.status == "unavailable" and event.role != role:
                return None
        case Finding() | ActionBegun() | ActionDone() | StateChanged() | StaffAwaited() | ValuesChanged():
            pass
        case IncidentStarted() | IncidentEnded() | DrillEnded() | DrillHalted() | HazardChanged() | TimerChanged():
            pass
        case _:
            return None  # evaluations, fired injects (their delivery follows)
    data = event.to_json()
    changes = data.get("changes")
    if isinstance(changes, dict):
        hidden = _hidden(scenarios, int(data.get("incident", 0)))
        data["changes"] = {k: v for k, v in changes.items() if k not in hidden}
    return data


def line(event: AnyEvent, scenarios: Sequence[CompiledScenario], lang: str) -> str | None:
    """One feed line for a visible event (None for those that read better in the situation)."""
    text = _text(event, scenarios, lang)
    if text is None:
        return None
    prefix = f"{sim_time(float(event.t))} "
    incident = getattr(event, "incident", None)
    if len(scenarios) > 1 and isinstance(incident, int):
        prefix += f"#{incident + 1} "
    return prefix + text


def _action(scenarios: Sequence[CompiledScenario], incident: int, action: str, lang: str) -> str:
    act = scenarios[incident].model.actions.get(action)
    return pick(act.label, lang) if act else action


def _text(event: AnyEvent, scenarios: Sequence[CompiledScenario], lang: str) -> str | None:
    zh = lang != "en"
    c = "：" if zh else ": "  # a full-width colon in Chinese text

    def minutes(n: float) -> str:
        return f"（{n:g} 分钟）" if zh else f" ({n:g} min)"

    match event:
        case IncidentStarted():
            model = scenarios[event.incident].model
            state = model.states.get(event.state)
            narration = pick(state.narration if state else None, lang)
            return f"{'开始' if zh else 'start'} {pick(model.title, lang)} — {narration}"
        case DecisionMade():
            who = role_label(scenarios, event.role, lang) + (f" {event.by}" if event.by else "")
            what = _action(scenarios, event.incident, event.action, lang)
            if event.status == "accepted":
                return f"{'决策' if zh else 'decide'} [{who}] {what}"
            if event.status == "refused":
                why = "；".join(pick(r.detail, lang) for r in event.reasons or [])
                return f"{'拒绝' if zh else 'refused'} [{who}] {what} — {why}"
            why = tr("why." + (event.why or ""), lang)
            return f"{'不可选' if zh else 'unavailable'} [{who}] {what}" + (f"（{why}）" if zh else f" ({why})")
        case StateChanged():
            model = scenarios[event.incident].model
            place = model.states.get(event.to) or model.endings.get(event.to)
            label = pick(place.label, lang) if place is not None and place.label else event.to
            return f"→ {label}{c}{pick(place.narration if place else None, lang)}"
        case InjectDelivered():
            model = scenarios[event.incident].model
            inject = model.injects.get(event.inject)
            if inject is None:
                return None
            sender = role_label(scenarios, inject.from_, lang)
            return f"{'注入' if zh else 'inject'} [{sender}] {pick(inject.message, lang)}"
        case ActionBegun():
            if not event.duration or _is_reply(scenarios, event.incident, event.action):
                return None
            what = _action(scenarios, event.incident, event.action, lang)
            return f"{'执行' if zh else 'doing'} {what}{minutes(float(event.duration))}"
        case ActionDone():
            if _is_reply(scenarios, event.incident, event.action):
                return None
            return f"{'完成' if zh else 'done'} {_action(scenarios, event.incident, event.action, lang)}"
        case StaffAwaited():
            what = _action(scenarios, event.incident, event.action, lang)
            return f"{'等待人员' if zh else 'waiting for staff'}{c}{what}"
        case HazardChanged():
            hazard = scenarios[event.incident].model.hazards.get(event.hazard)
            head = ("险情" if zh else "hazard") if event.active else ("险情解除" if zh else "hazard over")
            return f"{head}{c}{pick(hazard.label if hazard else None, lang)}"
        case TimerChanged():
            timer = scenarios[event.incident].model.timers.get(event.timer)
            label = pick(timer.label if timer else None, lang)
            if event.status == "started" and event.due is not None:
                left = float(event.due) - float(event.t)
                return f"{'计时' if zh else 'clock'}{c}{label}{minutes(left)}"
            if event.status == "met":
                return f"✓ {'时限达成' if zh else 'met'}{c}{label}"
            return None
        case Finding():
            return f"⚠ {'发现问题' if zh else 'finding'}{c}{pick(event.detail, lang)}"
        case IncidentEnded():
            return f"{'结束' if zh else 'end'}{c}{Timeline([], lang).word(event.outcome)}"
        case DrillEnded():
            return f"{'演练结束' if zh else 'drill over'}{c}{Timeline([], lang).word(event.outcome)}"
        case DrillHalted():
            return "导调结束演练" if zh else "the facilitator ends the drill"
        case NoteMade():
            return f"✎ {'临时注入' if zh else 'inject'}{c}{event.text}"
    return None


def inject_for(event: AnyEvent, scenarios: Sequence[CompiledScenario], role: str | None) -> bool:
    """Whether ``event`` is an inject addressed to ``role`` (drawn as a message for you)."""
    if not isinstance(event, InjectDelivered) or role is None:
        return False
    inject = scenarios[event.incident].model.injects.get(event.inject)
    return inject is not None and inject.to == role


def _is_reply(scenarios: Sequence[CompiledScenario], incident: int, action: str) -> bool:
    """Whether an action is a role-play reply (declared by the dialogue expansion, not read from its id)."""
    found = scenarios[incident].actions.get(action)
    return found is not None and found.reply
