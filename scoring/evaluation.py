"""Scoring a drill: critical tasks, objectives and the drill, rated P/S/M/U and scored 0-100.

A pure function of a drill's events and the scenarios they ran (for the rubric and the locale's
figures): the same record always gives the same result, and nothing here reads a clock or a file.

How a score comes about, so that "why 72?" always has an answer:

1. **Critical tasks** (the scenario's ``rubric``). A task is *done* when one of its actions is
   accepted and then gets under way (its staff found: a guard sent when no guard is free, who never
   goes, did not do it), timed from the decision;
   *late* when its SLA timer was missed (or its ``within`` minutes passed first);
   *out of order* when one of its ``after`` actions had not started yet. Done scores 100 (P),
   out of order 70 (S), late 50 (S), late and out of order 40 (M), missed 0 (U).
2. **The drill's base score** is the weighted mean of its task scores (100 with no rubric).
   A drill of several incidents scores the mean of its incidents, rates the worst of them and
   passes when each passes; an incident that never began (its trigger never came) is left out.
3. **Findings cost points**: each finding of a rule and kind loses the rubric's penalty for it (or
   :data:`DEFAULT_PENALTIES`). A missed deadline that a task already answers for costs nothing more.
4. The score is kept within 0-100. Every gain and every loss is an :class:`Item` of the
   breakdown, with the sim minute and the ids of the events behind it; the items add up to the score.

Ratings: the score's band (:mod:`scoring.ratings`), then the built-in caps, from HSEEP's own
definitions: any life-first finding means "added health or safety risk" and any red-line finding
"broke plans or law", so either caps the rating at M, and so does a life-saving task not performed;
a life-saving task done late, any other critical task not performed, a loop that never closed, or a
partly resolved ending each rule out P; a failure ending rates U; a drill stopped by its time limit
rates M at best. A facilitator's own rating (an ``evaluation`` event) replaces the automatic
one, within the same caps, and both stay visible. With several raters (evaluators in the drill room,
each ``evaluation`` carrying ``by``), the latest rating given counts, and each rater's own latest
rating and observations are kept beside it (:class:`RaterView`) for the debrief and the reports.
A drill passes with a score at or above the pass mark (80 by default) and a rating of P or S.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from engine.display import sim_time
from engine.format import (
    ActionBegun,
    AnyEvent,
    DecisionMade,
    DecisionWithdrawn,
    Evaluated,
    Finding,
    IncidentEnded,
    IncidentStarted,
    Task,
    Text,
    TimerChanged,
)
from engine.runtime import CompiledScenario
from scoring.ratings import band, worst

DEFAULT_PENALTIES: dict[str, float] = {
    "life-first/forbidden": 25.0,
    "life-first/order": 10.0,
    "red-line/forbidden": 15.0,
    "emotion-first/forbidden": 10.0,
    "report-handle-feedback/order": 5.0,
    "report-handle-feedback/premature-close": 10.0,
    "report-handle-feedback/open": 15.0,
    "deadline/missed": 5.0,
}
"""Points lost per finding, by rule and kind, unless a scenario's rubric says otherwise."""

TASK_SCORES = {"done": 100.0, "out-of-order": 70.0, "late": 50.0, "late-out-of-order": 40.0, "missed": 0.0}
"""Score of a task by status."""

TASK_RATINGS = {"done": "P", "out-of-order": "S", "late": "S", "late-out-of-order": "M", "missed": "U"}
"""Automatic rating of a task by status."""

_STATUS_TEXT = {
    "done": ("按时按序完成", "done on time and in order"),
    "out-of-order": ("完成但顺序不对", "done, but out of order"),
    "late": ("完成但超时", "done, but late"),
    "late-out-of-order": ("超时且顺序不对", "late and out of order"),
    "missed": ("未完成", "not done"),
}


@dataclass(frozen=True)
class Item:
    """One gain or loss of points, and what shows it."""

    points: float
    what: str
    reason: dict[str, str]
    t: float | None = None
    events: tuple[int, ...] = ()
    max: float | None = None
    """For a task: its full share of the score (what it would have earned done well)."""


@dataclass(frozen=True)
class RaterView:
    """One rater's say on a target (a task, or the drill): their latest rating and every observation.

    Attributes:
        by: The rater's name as recorded (an evaluator in the drill room, a coach); None for the
            facilitator's own ratings at the console.
        device: The device session of the rater's latest rating or observation, if recorded.
        rating: The latest rating they gave (None: observations only).
        notes: Their observations, oldest first.
        t: Sim minute of their latest rating or observation.
        events: The evaluation events behind it.
    """

    by: str | None
    device: str | None
    rating: str | None
    notes: tuple[str, ...]
    t: float
    events: tuple[int, ...]


def raters(evaluations: Sequence[Evaluated], target: str) -> tuple[RaterView, ...]:
    """Each rater's view of ``target``, the facilitator first, then evaluators as they first spoke.

    Ratings are kept apart per rater (by name): two evaluators rating the same task are two views,
    and an evaluator who changes their mind is one view with the later rating.
    """
    found: dict[str | None, list[Evaluated]] = {}
    for e in evaluations:
        if e.target == target:
            found.setdefault(e.by, []).append(e)
    order = sorted(found, key=lambda by: by is not None)  # stable: the facilitator first, others as met
    views = []
    for by in order:
        said = found[by]
        rated = [e.rating for e in said if e.rating]
        views.append(
            RaterView(
                by=by,
                device=said[-1].device,
                rating=rated[-1] if rated else None,
                notes=tuple(e.note for e in said if e.note),
                t=float(said[-1].t),
                events=tuple(e.seq for e in said),
            )
        )
    return tuple(views)


@dataclass(frozen=True)
class TaskResult:
    """How one critical task went."""

    id: str
    objective: str
    label: dict[str, str]
    status: str
    score: float
    weight: float
    stage: str
    t: float | None
    events: tuple[int, ...]
    auto_rating: str
    evaluator_rating: str | None
    rating: str
    notes: tuple[str, ...] = ()
    life_safety: bool = False
    """Whether its actions save people (then being late or missing it weighs on the rating)."""
    raters: tuple[RaterView, ...] = ()
    """Each rater's latest rating and observations of this task (see :func:`raters`)."""


@dataclass(frozen=True)
class ObjectiveResult:
    """One objective: the weighted score and band of its tasks."""

    id: str
    label: dict[str, str]
    score: float
    rating: str
    tasks: tuple[str, ...]


@dataclass(frozen=True)
class IncidentResult:
    """The evaluation of one incident of a drill."""

    index: int
    scenario: str
    outcome: str | None
    score: float
    auto_rating: str
    evaluator_rating: str | None
    rating: str
    passed: bool
    pass_mark: float
    caps: tuple[dict[str, str], ...]
    objectives: tuple[ObjectiveResult, ...]
    tasks: tuple[TaskResult, ...]
    breakdown: tuple[Item, ...]
    notes: tuple[str, ...] = ()
    raters: tuple[RaterView, ...] = ()
    """Each rater's latest rating and observations of the drill as a whole."""


@dataclass(frozen=True)
class Evaluation:
    """The evaluation of a whole drill (one or more incidents)."""

    score: float
    rating: str
    passed: bool
    pass_mark: float
    incidents: tuple[IncidentResult, ...] = field(default_factory=tuple)
    """The incidents that happened (see :func:`played`), in the drill's order."""
    not_started: tuple[int, ...] = ()
    """Indexes of the incidents that never began (their trigger never came): no part of the score."""

    def as_json(self) -> dict[str, Any]:
        """Plain data, for reports, history and ``--json``."""
        return asdict(self)

    def explain(self, lang: str = "en") -> list[str]:
        """Every gain and loss, one line each: the answer to "why this score?".

        Each item is named as a report names it (a rule and its breach, 关键任务), never by its id.
        """
        from scoring.report.words import WORDS, word  # the report package imports this module

        lines = []
        for inc in self.incidents:
            head = f"{inc.scenario}: {inc.score:g}"
            lines.append(head)
            for item in inc.breakdown:
                if item.what.startswith("task:"):
                    what = word("tasks", lang)
                elif "/" in item.what:
                    rule, _, breach = item.what.partition("/")
                    what = f"{word(f'rule.{rule}', lang)} · {word(f'breach.{breach}', lang)}"
                else:
                    what = word(item.what, lang) if item.what in WORDS else item.what
                when = f" @{sim_time(item.t)}" if item.t is not None else ""
                events = "事件" if lang == "zh" else "events"
                seqs = f" [{events} {', '.join(str(s) for s in item.events)}]" if item.events else ""
                lines.append(f"  {item.points:+.1f}  {what}: {item.reason.get(lang, '')}{when}{seqs}")
        return lines


def _text(text: Text | None) -> dict[str, str]:
    return {k: v for k, v in (("zh", text.zh if text else None), ("en", text.en if text else None)) if v}


def evaluate(events: Sequence[AnyEvent], scenarios: Sequence[CompiledScenario]) -> Evaluation:
    """Score a drill from its events.

    Args:
        events: The drill's events, in order (a record's ``events`` or ``Drill.events``).
        scenarios: The compiled scenario of each incident, in the drill's order.

    Returns:
        The evaluation; see the module docstring for how it is computed.
    """
    results = tuple(_incident(index, sc, events) for index, sc in enumerate(scenarios))
    counted = played(results)
    drill_rating = worst(*(r.rating for r in counted))
    score = round(sum(r.score for r in counted) / len(counted), 1)
    return Evaluation(
        score=score,
        rating=drill_rating,
        passed=all(r.passed for r in counted),
        pass_mark=max(r.pass_mark for r in counted),
        incidents=tuple(counted),
        not_started=tuple(sorted({r.index for r in results} - {r.index for r in counted})),
    )


def played(results: Sequence[IncidentResult]) -> Sequence[IncidentResult]:
    """The incidents a drill's score is made of: those that happened.

    An incident that waits for a trigger (a power cut, a second call) and never began because the
    trigger never came (a team that kept the water out of the switch room) is no part of the
    score: it was prevented, or the drill ended first. A drill none of whose incidents began
    keeps them all.
    """
    return [r for r in results if r.outcome != "not-started"] or list(results)


def _incident(index: int, sc: CompiledScenario, events: Sequence[AnyEvent]) -> IncidentResult:
    started: float | None = None
    accepted: dict[str, tuple[float, int]] = {}
    missed_timers: dict[str, tuple[float, int]] = {}
    findings: list[Finding] = []
    evaluations: list[Evaluated] = []
    outcome: str | None = None
    withdrawn = {e.decision for e in events if isinstance(e, DecisionWithdrawn) and e.incident == index}
    waiting: dict[str, list[tuple[float, int]]] = {}
    """Per action, accepted decisions whose action has not got under way yet, first decided first."""
    for e in events:
        match e:
            case Finding(cause=cause) if cause is not None and cause in withdrawn:
                pass  # caused by a withdrawn decision: kept in the record, not held against the team
            case IncidentStarted(incident=i) if i == index and started is None:
                started = float(e.t)
            case DecisionMade(incident=i, status="accepted") if i == index:
                waiting.setdefault(e.action, []).append((float(e.t), e.seq))
            case ActionBegun(incident=i) if i == index and waiting.get(e.action):
                # Decisions of one action get their staff in the order they were made.
                t, seq = waiting[e.action].pop(0)
                if (
                    seq not in withdrawn
                ):  # withdrawn before its action finished (a mis-keyed decision): it did not happen
                    accepted.setdefault(e.action, (t, seq))
            case TimerChanged(incident=i, status="missed") if i == index:
                missed_timers[e.timer] = (float(e.t), e.seq)
            case Finding(incident=i) if i == index:
                findings.append(e)
            case Evaluated(incident=i) if i == index:
                evaluations.append(e)
            case IncidentEnded(incident=i) if i == index and outcome is None:
                outcome = e.outcome
    rubric = sc.model.rubric
    penalties = {**DEFAULT_PENALTIES, **(rubric.penalties if rubric else {})}
    pass_mark = rubric.pass_mark if rubric else 80.0

    tasks: list[TaskResult] = []
    if rubric is not None:
        for oid, objective in rubric.objectives.items():
            for tid, task in objective.tasks.items():
                tasks.append(_task(sc, oid, tid, task, accepted, missed_timers, started or 0.0, evaluations))
    total_weight = sum(t.weight for t in tasks)
    breakdown: list[Item] = []
    for result in tasks:
        share = result.weight / total_weight * 100
        zh, en = _STATUS_TEXT[result.status]
        label = result.label
        breakdown.append(
            Item(
                points=round(share * result.score / 100, 2),
                what=f"task:{result.id}",
                reason={
                    "zh": f"{label.get('zh', result.id)}：{zh}（满分 {share:.1f}）",
                    "en": f"{label.get('en', result.id)}: {en} (out of {share:.1f})",
                },
                t=result.t,
                events=result.events,
                max=round(share, 2),
            )
        )
    if not tasks:
        base = {"zh": "无评分细则：以100分为基础扣分", "en": "no rubric: findings are deducted from 100"}
        breakdown.append(Item(100.0, "base", base))
    answered = {
        t_.timer for oid in (rubric.objectives.values() if rubric else []) for t_ in oid.tasks.values() if t_.timer
    }
    for finding in findings:
        key = f"{finding.rule}/{finding.kind}"
        if key == "deadline/missed" and finding.timer in answered:
            continue  # the task that owns this SLA already lost its points for being late
        cost = penalties.get(key, 0.0)
        if not cost:
            continue
        seqs = tuple(s for s in (finding.cause, finding.seq) if s is not None)
        breakdown.append(Item(-cost, key, dict(finding.detail), float(finding.t), seqs))
    raw = sum(i.points for i in breakdown)
    if raw < 0:
        floor = {
            "zh": f"扣分合计超过所得分 {round(-raw, 1):g} 分，最低按 0 分计",
            "en": f"deductions exceed the points earned by {round(-raw, 1):g}; a score is never below 0",
        }
        breakdown.append(Item(round(-raw, 2), "floor", floor))
    score = round(min(100.0, max(0.0, raw)), 1)

    caps: list[dict[str, str]] = []
    at_best = "P"
    if any(f.rule == "life-first" for f in findings):
        at_best = worst(at_best, "M")
        caps.append({"zh": "出现危及人身安全的问题（生命优先）：最高评为M", "en": "a life-first finding: M at best"})
    if any(f.rule == "red-line" for f in findings):
        at_best = worst(at_best, "M")
        caps.append(
            {"zh": "触碰服务红线（违反规定）：最高评为M", "en": "a red line crossed (plans or law broken): M at best"}
        )
    if any(t.status == "missed" and t.life_safety for t in tasks):
        at_best = worst(at_best, "M")
        caps.append(
            {"zh": "存在未完成的人员救护任务：最高评为M", "en": "a life-safety task was not performed: M at best"}
        )
    elif any(t.status == "missed" for t in tasks):
        at_best = worst(at_best, "S")
        caps.append({"zh": "存在未完成的关键任务：不能评为P", "en": "a critical task was not performed: not P"})
    if any(t.status.startswith("late") and t.life_safety for t in tasks):
        at_best = worst(at_best, "S")
        caps.append({"zh": "人员救护任务未在时限内完成：不能评为P", "en": "a life-safety task was late: not P"})
    if any(f.rule == "report-handle-feedback" and f.kind == "open" for f in findings):
        at_best = worst(at_best, "S")
        caps.append({"zh": "上报、处置、反馈未形成闭环：不能评为P", "en": "the loop never closed: not P"})
    if outcome == "failure":
        at_best = "U"
        caps.append({"zh": "事件处置失败：评为U", "en": "the incident ended in failure: U"})
    elif outcome == "partial":
        at_best = worst(at_best, "S")
        caps.append({"zh": "事件仅部分得到处置：不能评为P", "en": "the incident ended only partly resolved: not P"})
    elif outcome in ("timeout", None):
        at_best = worst(at_best, "M")
        caps.append({"zh": "演练到时限仍未结束：最高评为M", "en": "stopped by the time limit: M at best"})
    auto = worst(band(score), at_best)
    evaluator = _latest_rating(evaluations, "drill")
    rating = worst(evaluator, at_best) if evaluator else auto
    objectives = tuple(
        _objective(oid, objective.label, [t for t in tasks if t.objective == oid])
        for oid, objective in (rubric.objectives.items() if rubric else [])
    )
    notes = tuple(e.note for e in evaluations if e.target == "drill" and e.note)
    return IncidentResult(
        index=index,
        scenario=sc.model.id,
        outcome=outcome,
        score=score,
        auto_rating=auto,
        evaluator_rating=evaluator,
        rating=rating,
        passed=score >= pass_mark and rating in ("P", "S"),
        pass_mark=pass_mark,
        caps=tuple(caps),
        objectives=objectives,
        tasks=tuple(tasks),
        breakdown=tuple(breakdown),
        notes=notes,
        raters=raters(evaluations, "drill"),
    )


def _task(
    sc: CompiledScenario,
    objective: str,
    tid: str,
    task: Task,
    accepted: dict[str, tuple[float, int]],
    missed_timers: dict[str, tuple[float, int]],
    started: float,
    evaluations: list[Evaluated],
) -> TaskResult:
    done = min((accepted[a] for a in task.actions if a in accepted), default=None)
    seqs: list[int] = []
    if done is None:
        status = "missed"
        if task.timer and task.timer in missed_timers:
            seqs.append(missed_timers[task.timer][1])
    else:
        t, seq = done
        seqs.append(seq)
        if task.timer is not None:
            # The SLA timer is the measure: missed means late, even if the action had started
            # before the deadline (a technician who set off in time but arrived late is late).
            miss = missed_timers.get(task.timer)
            late = miss is not None
            if miss is not None:
                seqs.append(miss[1])
        elif task.within is not None:
            limit = sc.parameters[task.within] if isinstance(task.within, str) else float(task.within)
            late = t - started > limit
        else:
            late = False
        early = [a for a in task.after if a not in accepted or accepted[a][0] > t]
        if task.after_any and not any(a in accepted and accepted[a][0] <= t for a in task.after_any):
            early.append(task.after_any[0])
        status = ("late-out-of-order" if early else "late") if late else ("out-of-order" if early else "done")
    auto = TASK_RATINGS[status]
    evaluator = _latest_rating(evaluations, f"task:{tid}")
    stage = task.stage or sc.model.actions[task.actions[0]].stage
    return TaskResult(
        id=tid,
        objective=objective,
        label=_text(task.label),
        status=status,
        score=TASK_SCORES[status],
        weight=task.weight,
        stage=stage,
        t=None if done is None else done[0],
        events=tuple(seqs),
        auto_rating=auto,
        evaluator_rating=evaluator,
        rating=evaluator or auto,
        notes=tuple(e.note for e in evaluations if e.target == f"task:{tid}" and e.note),
        life_safety=any(sc.model.actions[a].life == "life-safety" for a in task.actions),
        raters=raters(evaluations, f"task:{tid}"),
    )


def _objective(oid: str, label: Text, tasks: list[TaskResult]) -> ObjectiveResult:
    weight = sum(t.weight for t in tasks)
    score = round(sum(t.score * t.weight for t in tasks) / weight, 1) if weight else 0.0
    return ObjectiveResult(oid, _text(label), score, band(score), tuple(t.id for t in tasks))


def _latest_rating(evaluations: list[Evaluated], target: str) -> str | None:
    rated = [e.rating for e in evaluations if e.target == target and e.rating]
    return rated[-1] if rated else None


def summary(events: Sequence[AnyEvent], scenarios: Sequence[CompiledScenario]) -> dict[str, Any]:
    """``score``, ``rating`` and ``passed`` of a drill, for ``drillsim run --json`` and Monte Carlo."""
    result = evaluate(events, scenarios)
    return {
        "score": result.score,
        "rating": result.rating,
        "passed": result.passed,
        "breakdown": [
            {
                "incident": inc.index,
                "points": item.points,
                "max": item.max,
                "what": item.what,
                "t": item.t,
                "events": list(item.events),
            }
            for inc in result.incidents
            for item in inc.breakdown
        ],
    }
