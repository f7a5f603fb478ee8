"""The report's timeline: the drill's decisions, injects, deadlines, findings and situation, by lane.

One entry per event a debrief talks about, each naming its lane (the situation, injects, one lane
per role, deadlines, findings) with the lane's label and rank, so that the chart
(:mod:`.chart`) needs nothing else to draw it and the timeline table nothing else to list it. A
decision entry also carries when its action began and finished, and the rules it broke; every entry
carries the console's line for its event (:class:`engine.runtime.Timeline`), without the minute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from engine.format import (
    ActionBegun,
    ActionDone,
    DecisionMade,
    Finding,
    HazardChanged,
    IncidentEnded,
    InjectDelivered,
    StateChanged,
    TimerChanged,
)
from scoring.report.words import WORDS, word

if TYPE_CHECKING:
    from scoring.report.facts import Facts

_LISTED = (DecisionMade, InjectDelivered, Finding, TimerChanged, HazardChanged, StateChanged, IncidentEnded)
"""The kinds of event the timeline lists (an action's begin and end complete its decision's entry instead)."""


def timeline(facts: Facts) -> list[dict[str, Any]]:
    """Decisions (with when they began and ended), injects, findings, SLA clocks and the situation, by lane."""
    lang = facts.lang
    entries: list[dict[str, Any]] = []
    actions_open: dict[tuple[int, str], list[dict[str, Any]]] = {}
    role_rank: dict[str, int] = {}
    for sc in facts.scenarios:
        for role in sc.model.roles:
            role_rank.setdefault(role, len(role_rank))
    for e in facts.events:
        if isinstance(e, ActionBegun | ActionDone):
            # When the action of an accepted decision began and finished: the decision's entry says.
            moment = "begin" if isinstance(e, ActionBegun) else "done"
            waiting = actions_open.get((e.incident, e.action), [])
            for open_entry in waiting:
                if open_entry[moment] is None:
                    open_entry[moment] = float(e.t)
                    if moment == "done":
                        waiting.remove(open_entry)
                    break
            continue
        if not isinstance(e, _LISTED):
            continue
        incident = e.incident
        model = facts.scenarios[incident].model if incident < len(facts.scenarios) else None
        entry: dict[str, Any] = {"t": float(e.t), "seq": e.seq, "incident": incident, "kind": e.type}
        match e:
            case DecisionMade():
                entry.update(
                    lane=f"role:{e.role}",
                    lane_label=facts.role(incident, e.role),
                    lane_rank=10 + role_rank.get(e.role, 0),
                    label=facts.action(incident, e.action),
                    role=e.role,
                    action=e.action,
                    status=e.status,
                    begin=None,
                    done=None,
                    rules=sorted({f.rule for f in facts.findings if f.cause == e.seq}),
                )
                if e.status == "accepted":
                    actions_open.setdefault((incident, e.action), []).append(entry)
            case InjectDelivered() if model is not None:
                inject = model.injects.get(e.inject)
                entry.update(lane="injects", lane_label=word("lane.injects", lang), lane_rank=1)
                entry.update(inject=e.inject, label=facts.text(inject.message) if inject else e.inject)
            case Finding():
                entry.update(lane="findings", lane_label=word("lane.findings", lang), lane_rank=1000)
                entry.update(rule=e.rule, breach=e.kind, label=word(f"rule.{e.rule}", lang))
                entry["breach_label"] = word(f"breach.{e.kind}", lang) if f"breach.{e.kind}" in WORDS else e.kind
                entry.update(cause=e.cause, events=[s for s in (e.cause, e.seq) if s is not None])
            case TimerChanged() if model is not None:
                spec = model.timers.get(e.timer)
                entry.update(lane="deadlines", lane_label=word("lane.deadlines", lang), lane_rank=900)
                entry.update(timer=e.timer, status=e.status, label=facts.text(spec.label) if spec else e.timer)
                if e.status == "started" and e.due is not None:
                    entry["due"] = float(e.due)
            case HazardChanged() | StateChanged() | IncidentEnded() if model is not None:
                entry.update(lane="situation", lane_label=word("lane.situation", lang), lane_rank=0)
                entry["label"] = facts.situation(model, e)
                if isinstance(e, HazardChanged):
                    entry["active"] = e.active
                elif isinstance(e, IncidentEnded):
                    entry["outcome"] = e.outcome
            case _:
                continue
        # The facts keep the timeline untyped (a report may be built without one).
        line = cast("Any", facts.lines).body(e)
        text = line if line else f"✗ {word('missed.timer', lang)}: {entry['label']}"
        entry["text"] = text.strip()
        entries.append(entry)
    return entries
