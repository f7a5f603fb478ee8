"""The report's timeline: the drill's decisions, injects, deadlines, findings and situation, by lane.

One entry per event a debrief talks about, each naming its lane (the situation, injects, one lane
per role, deadlines, findings) with the lane's label and rank, so that the chart
(:mod:`.chart`) needs nothing else to draw it and the timeline table nothing else to list it. A
decision entry also carries when its action began and finished, and the rules it broke; every entry
carries the console's line for its event (:class:`engine.runtime.Timeline`), without the minute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scoring.report.words import word

if TYPE_CHECKING:
    from scoring.report.facts import Facts


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
        kind, incident = e.get("type"), int(e.get("incident", 0))
        model: Any = facts.scenarios[incident].model if incident < len(facts.scenarios) else None
        entry: dict[str, Any] = {"t": float(e["t"]), "seq": e["seq"], "incident": incident, "kind": kind}
        if kind == "decision":
            role, action = str(e["role"]), str(e["action"])
            entry.update(
                lane=f"role:{role}",
                lane_label=facts.role(incident, role),
                lane_rank=10 + role_rank.get(role, 0),
                label=facts.action(incident, action),
                role=role,
                action=action,
                status=e["status"],
                begin=None,
                done=None,
                rules=sorted({str(f["rule"]) for f in facts.findings if f.get("cause") == e["seq"]}),
            )
            if e["status"] == "accepted":
                actions_open.setdefault((incident, action), []).append(entry)
        elif kind in ("begin", "done"):
            waiting = actions_open.get((incident, str(e["action"])), [])
            for open_entry in waiting:
                if open_entry[kind] is None:
                    open_entry[kind] = float(e["t"])
                    if kind == "done":
                        waiting.remove(open_entry)
                    break
            continue
        elif kind == "inject" and model is not None:
            inject = model.injects.get(str(e["inject"]))
            entry.update(lane="injects", lane_label=word("lane.injects", lang), lane_rank=1)
            entry.update(inject=e["inject"], label=facts.text(inject.message) if inject else str(e["inject"]))
        elif kind == "finding":
            entry.update(lane="findings", lane_label=word("lane.findings", lang), lane_rank=1000)
            entry.update(rule=e["rule"], breach=e["kind"], label=word(f"rule.{e['rule']}", lang))
            entry.update(cause=e.get("cause"), events=[s for s in (e.get("cause"), e["seq"]) if s is not None])
        elif kind == "timer" and model is not None:
            spec = model.timers.get(str(e["timer"]))
            entry.update(lane="deadlines", lane_label=word("lane.deadlines", lang), lane_rank=900)
            entry.update(timer=e["timer"], status=e["status"], label=facts.text(spec.label) if spec else e["timer"])
            if e["status"] == "started":
                entry["due"] = float(e["due"])
        elif kind in ("hazard", "state", "end") and model is not None:
            entry.update(lane="situation", lane_label=word("lane.situation", lang), lane_rank=0)
            entry["label"] = facts.situation(model, e)
            if kind == "hazard":
                entry["active"] = bool(e["active"])
            elif kind == "end":
                entry["outcome"] = e.get("outcome")
        else:
            continue
        line = facts.lines.line(e)
        text = line.partition("′ ")[2] if line else f"✗ {word('missed.timer', lang)}: {entry['label']}"
        entry["text"] = text.strip()
        entries.append(entry)
    return entries
