"""Corrective actions (整改措施) to closure: raised from a drill's areas for improvement, worked on by
an owner by a due day, and verified when a later drill performs the same critical task on time.

The areas for improvement are the debrief report's (:func:`scoring.report.build`), so the items
raised say what the report said. Each area is tied to the critical task it concerns: a task rated
below P is that task; a finding is the task whose actions include the action that caused it (or
whose deadline it missed). That task is what verifies the action: the first later drill of the
same team in which it was done on time (in order or not) is *proposed* as the verification, and
``drillsim actions close`` (or :meth:`Ledger.update_action`) accepts it. Nothing is verified
without a person saying so: a drill can show the task done, not that the cause was removed.

This module is also the console's way in: :func:`areas_of` lists what its debrief can raise, and
:func:`raise_from` raises the areas picked, with an owner and a due day.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from engine.format import Finding, base_id
from engine.runtime import Record, read, setup_from
from scoring.history import HistoryError, Row
from scoring.ledger.store import Action, Drill, Ledger

LABELS = {
    "open": ("待整改", "open"),
    "in-progress": ("整改中", "in progress"),
    "done": ("已完成", "done"),
    "verified": ("已验证", "verified"),
}
"""Each status in Chinese and English."""


@dataclass(frozen=True)
class Area:
    """An area for improvement of a drill, as a corrective action can be raised from it."""

    id: str
    """A1, A2... as the report numbers them."""
    observation: str
    """What the report says went wrong."""
    scenario: str
    task: str | None
    """The critical task it concerns, when one does."""


def areas_of(record: Record | str | Path, lang: str = "zh") -> list[Area]:
    """The areas for improvement of a recorded drill, each tied to its critical task.

    Raises:
        RecordError: The record cannot be read, or its scenarios changed since.
        ContentError: A scenario of the record cannot be found.
    """
    from scoring.report import build  # the report is heavy; only raising actions needs it

    drill = record if isinstance(record, Record) else read(record)
    content = build(drill, lang, "cn")
    models = [s.model for s in setup_from(drill).scenarios()]
    findings = {e.seq: e for e in drill.events if isinstance(e, Finding)}
    found: list[Area] = []
    for area in content["areas"]:
        index = int(area["incident"])
        model = models[index]
        task: str | None = None
        if area["kind"] == "task":
            task = str(area["task"])  # the rubric's id; the area's reference is the task's source
        elif model.rubric is not None:
            finding = next((findings[s] for s in reversed(area["events"]) if s in findings), None)
            if finding is not None:
                for objective in model.rubric.objectives.values():
                    for tid, t in objective.tasks.items():
                        hit = (finding.action is not None and finding.action in t.actions) or (
                            finding.timer is not None and finding.timer == t.timer
                        )
                        if hit and task is None:
                            task = tid
        found.append(Area(area["id"], area["observation"], base_id(model.id), task))
    return found


def raise_from(
    ledger: Ledger,
    record: str | Path,
    owner: str,
    *,
    due: date | str | None = None,
    areas: Sequence[str] = (),
    action: str = "",
    element: str | None = None,
    lang: str = "zh",
) -> list[int]:
    """Raise corrective actions from a stored drill's areas for improvement: their numbers.

    Args:
        ledger: The history to write to.
        record: The drill's record file (the drill must be in history).
        owner: Who is responsible.
        due: When it must be done.
        areas: Which areas (``A1``...); default: every one.
        action: The corrective action itself, when already known (one text for all).
        element: The capability element it changes (POETE).
        lang: Language of the issue text.

    Raises:
        HistoryError: The drill is not in history, or an area is not the drill's.
    """
    ledger.drill_id(record)
    found = areas_of(record, lang)
    known = {a.id: a for a in found}
    unknown = [a for a in areas if a not in known]
    if unknown:
        listed = ", ".join(known) or "none: the drill has no area for improvement"
        raise HistoryError(f"{record}: no area {', '.join(unknown)}; its areas: {listed}")
    chosen = [known[a] for a in areas] if areas else found
    return [
        ledger.raise_action(
            a.observation,
            owner,
            action=action,
            due=due,
            drill=record,
            area=a.id,
            scenario=a.scenario,
            task=a.task,
            element=element,
        )
        for a in chosen
    ]


def proposal(ledger: Ledger, item: Action) -> Drill | None:
    """The first later drill of the item's team that performed its critical task on time, if any."""
    if item.status == "verified" or item.scenario is None or item.task is None:
        return None
    later = ledger.task_statuses(item.scenario, item.task, ledger.raised_at(item), team=item.team)
    return later[0] if later else None


def proposals(ledger: Ledger, items: Iterable[Action]) -> dict[int, Drill]:
    """Item number -> the drill proposed to verify it, for the items that have one."""
    found: dict[int, Drill] = {}
    for item in items:
        drill = proposal(ledger, item)
        if drill is not None:
            found[item.id] = drill
    return found


def status_label(status: str, lang: str) -> str:
    """A status in ``lang``."""
    zh, en = LABELS.get(status, (status, status))
    return zh if lang == "zh" else en


def action_row(item: Action, proposed: Drill | None, as_of: date) -> Row:
    """A corrective action as a result row."""
    return {
        "no": item.id,
        "issue": item.issue,
        "action": item.action,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "status": item.status,
        "overdue": item.overdue(as_of),
        "drill": item.drill,
        "area": item.area,
        "task": f"{item.scenario}:{item.task}" if item.scenario and item.task else None,
        "team": item.team,
        "verified_by": item.verified_by,
        "proposed": proposed.key if proposed is not None and item.status != "verified" else None,
    }
