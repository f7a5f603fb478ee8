"""What difference did each decision make: alternatives forked from a record, played on by a good trainee.

For every decision of a record, and every critical task the team never did, the analysis builds a
few *alternatives* and measures each against what the team did:

- ``on-time``: the decision at the moment the good trainee makes it (:mod:`engine.runtime.trainee`),
  when the team made it more than :data:`TOLERANCE` later, or before the good trainee would have;
- ``omitted``: the decision not made at all (what it was worth, for a good one);
- ``instead``: where the decision broke a rule (a finding it caused, or a refusal), the rule-abiding
  thing the good trainee would have had that role do at that moment;
- ``made``: a critical task the team never did, made when the good trainee would have.

Each alternative *forks* the record: every input before the fork is replayed on the record's seed
(the situation is exactly the team's), the randomness after it is seeded afresh, and the good
trainee plays the rest. Its *baseline* forks at the same point and plays the same way, except that
the decision in question is kept as the team made it (or, for a task, never made). Drill ``i`` of
both draws from the same post-fork seed, derived from (record seed, fork point, ``i``): common
random numbers, so the paired difference measures the decision rather than the dice, and its t
interval (:mod:`engine.tools.stats`) says how sure that is. The seed names the fork point rather
than the alternative so that every alternative at one point shares its baseline's dice.

An alternative is *proposed as good* only when it breaks no rule (none of its own decisions, nor
any of the good trainee's after it, causes a finding or a refusal, in any drill) and its outcome or
score is surely better. The ranking puts those first, the biggest gain in outcome (fewer drills
ending in failure or stopped by the time limit) before the biggest gain in score; then the
alternatives that would have been worse (what the team's good decisions were worth); then the rest.

Runs are independent and seeded by their place, so the result is the same for any ``jobs``: work is
split by (alternative, seeds) over a process pool and put back in order. Facilitator inputs after a
fork (ratings, notes, fired injects, a halt) belong to the drill that happened and are left out.
Scoring lives above the engine, so the caller passes a scorer (``scoring.scorecard.score_only``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import signal
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.format import (
    ActionDone,
    AnyEvent,
    DecisionMade,
    DrillEnded,
    Evaluated,
    Finding,
    IncidentEnded,
    IncidentStarted,
    InjectDelivered,
    TimerChanged,
    ValuesChanged,
    VariableStepped,
)
from engine.runtime import Drill, Record, Setup, read, setup_from
from engine.runtime.record import apply_input
from engine.runtime.trainee import SOURCE, At, GoodTrainee, Intention, Never, Override, Player, good_trainee
from engine.tools import stats

FORMAT = "drillsim-whatif/1"
"""Name and version of the result's format (``drillsim whatif --json``)."""

TOLERANCE = 0.5
"""Sim minutes within which a decision counts as made when the good trainee would make it."""

ALTERNATIVE = "whatif"
"""Source of an alternative's own substituted decision."""

TEAM = "team"
"""Source of the team's decision where a baseline keeps it."""

BAD = ("failure", "timeout")
"""Outcomes a what-if tries to avoid: people hurt, or the incident never brought to an end."""

Scorer = Callable[[list[AnyEvent], list[Any]], dict[str, Any]]
"""Gives ``score``, ``rating`` and ``passed`` of a drill from its events and compiled scenarios."""

_SCORED: frozenset[type] = frozenset({IncidentStarted, DecisionMade, TimerChanged, Finding, IncidentEnded, Evaluated})


@dataclass(frozen=True, slots=True)
class Fork:
    """Where a forked drill leaves the record.

    Attributes:
        t: Sim minute the drill is brought to before anything differs.
        before: Sequence number of the first input left out (None: every input is replayed).
    """

    t: float
    before: int | None

    @property
    def key(self) -> str:
        """Names the fork point in the post-fork seeds."""
        return f"{self.before}@{self.t!r}"


@dataclass(frozen=True, slots=True)
class Arm:
    """One way of playing on from a fork: the good trainee, with some decisions set."""

    fork: Fork
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Alternative:
    """One alternative to what the team did, and the baseline it is measured against.

    Attributes:
        kind: ``on-time``, ``omitted``, ``instead`` or ``made`` (see the module docstring).
        incident: The incident.
        action: The action in question (the team's decision, or the task's action).
        role: Who decides it.
        seq: The team's decision event (None for a task never done).
        t: When the team decided it (None for a task never done).
        at: When the alternative decides (the good trainee's moment, or the team's minute for
            ``instead``); None for ``omitted``, or for ``on-time`` when the good trainee would
            only have decided it later.
        instead: For ``instead``, the action decided in its place.
        task: The rubric task this is about, if any.
        arm: How the alternative plays on.
        baseline: How the team's choice plays on, from the same fork.
    """

    kind: str
    incident: int
    action: str
    role: str
    seq: int | None
    t: float | None
    at: float | None
    instead: str | None
    task: str | None
    arm: Arm
    baseline: Arm


@dataclass(frozen=True, slots=True)
class Measure:
    """A variable a scenario marks as a key measure, in one incident of the drill."""

    incident: int
    var: str
    how: str
    initial: float


@dataclass
class Run:
    """What one forked drill came to."""

    outcome: str
    score: float | None
    rating: str | None
    passed: bool | None
    measures: tuple[float | None, ...]
    broke: bool


class Collector:
    """Listens to one drill: keeps what scoring reads, follows the measures, notes rule breaks.

    Args:
        measures: The measures to follow.
        ours: Sources whose decisions must break no rule (the alternative's and the good trainee's).
    """

    __slots__ = ("broke", "current", "high", "kept", "low", "measures", "ours", "seqs", "started", "track")

    def __init__(self, measures: Sequence[Measure], ours: frozenset[str] = frozenset()) -> None:
        self.measures = tuple(measures)
        self.ours = ours
        self.kept: list[AnyEvent] = []
        self.seqs: set[int] = set()
        self.broke = False
        self.track = {(m.incident, m.var): n for n, m in enumerate(self.measures)}
        self.started = [False] * len(self.measures)
        self.current = [m.initial for m in self.measures]
        self.high = list(self.current)
        self.low = list(self.current)

    def _set(self, incident: int, var: str, value: object) -> None:
        n = self.track.get((incident, var))
        if n is not None:
            v = float(value)  # type: ignore[arg-type]  # a number or a bool (checked at load)
            self.current[n] = v
            if v > self.high[n]:
                self.high[n] = v
            if v < self.low[n]:
                self.low[n] = v

    def __call__(self, event: AnyEvent) -> None:
        if isinstance(event, VariableStepped):
            if self.track:
                self._set(event.incident, event.var, event.value)
        elif isinstance(event, ValuesChanged | ActionDone | InjectDelivered):
            if self.track:
                for var, value in event.changes.items():
                    self._set(event.incident, var, value)
        elif type(event) in _SCORED:
            self.kept.append(event)
            if isinstance(event, DecisionMade):
                if event.source in self.ours:
                    self.seqs.add(event.seq)
                    if event.status == "refused":
                        self.broke = True
            elif isinstance(event, Finding):
                if event.cause in self.seqs:
                    self.broke = True
            elif isinstance(event, IncidentStarted):
                for n, m in enumerate(self.measures):
                    if m.incident == event.incident:
                        self.started[n] = True

    def figures(self) -> tuple[float | None, ...]:
        """Each measure's figure (None for an incident that never began)."""
        out: list[float | None] = []
        for n, m in enumerate(self.measures):
            if not self.started[n]:
                out.append(None)
            else:
                out.append({"final": self.current, "peak": self.high, "low": self.low}[m.how][n])
        return tuple(out)


def measures_of(setup: Setup, seed: int) -> list[Measure]:
    """The key measures of every incident of a drill, in incident and file order."""
    found = []
    for index, sc in enumerate(setup.scenarios(seed)):
        for var, variable in sc.model.variables.items():
            if variable.measure:
                how = "final" if variable.measure is True else str(variable.measure)
                found.append(Measure(index, var, how, float(variable.initial)))
    return found


# Planning: which alternatives, forked where ------------------------------------------------------


@dataclass
class _Survey:
    """What replaying the record with the good trainee watching finds."""

    moments: dict[tuple[int, str], Fork] = field(default_factory=dict)
    instead: dict[int, tuple[str, str]] = field(default_factory=dict)


def _survey(
    record: Record,
    setup: Setup,
    watch: Sequence[Intention],
    trainee: GoodTrainee,
    broke: set[int],
) -> _Survey:
    """Replay the record and note when the good trainee would first decide each watched intention,
    and, just before each rule-breaking decision, what it would have had that role do instead."""
    found = _Survey()
    drill = setup.drill(seed=record.header.seed, mode=record.header.mode, keep=False)
    drill.start()
    player = Player(drill, GoodTrainee(tuple(watch), ()))
    inputs = [e for e in record.events if e.input]
    pos = 0

    def look() -> None:
        before = inputs[pos].seq if pos < len(inputs) else None
        for intention in watch:
            key = (intention.incident, intention.action)
            if key not in found.moments and player.ready(intention):
                found.moments[key] = Fork(drill.now, before)

    while not drill.finished:
        look()
        while pos < len(inputs) and inputs[pos].t <= drill.now and not drill.finished:
            event = inputs[pos]
            if isinstance(event, DecisionMade) and event.seq in broke:
                choice = _instead(drill, trainee, event)
                if choice is not None:
                    found.instead[event.seq] = choice
            apply_input(drill, event)
            pos += 1
            if not drill.finished:
                look()
        if drill.finished:
            break
        targets = [inputs[pos].t] if pos < len(inputs) else []
        waiting = False
        for intention in watch:
            if (intention.incident, intention.action) in found.moments:
                continue
            inc = drill.incidents[intention.incident]
            at = inc.start_at + intention.t
            if inc.live and at > drill.now:
                targets.append(at)
            elif not (inc.ended or (intention.action in inc.started)):
                waiting = True
        if waiting:
            upcoming = drill.next_event_time()
            if upcoming is not None:
                targets.append(max(upcoming, drill.now) + 0.01)
        if not targets:
            break
        drill.advance_to(min(targets))
    return found


def _instead(drill: Drill, trainee: GoodTrainee, decision: DecisionMade) -> tuple[str, str] | None:
    """What the good trainee would have had ``decision``'s role do at that moment, if anything.

    Among the trainee's intentions for that role and incident that are on offer, wait for nothing
    more and break no rule now (their minute aside: the seat is free now), those a live hazard
    requires come first (life first), then script order.
    """
    inc = drill.incidents[decision.incident]
    if not inc.live or inc.ended:
        return None
    required = {a for h in inc.sc.hazards if h.active(inc) for a in h.requires if a not in inc.started}
    player = Player(drill, trainee)
    candidates = []
    for order, intention in enumerate(trainee.intentions):
        if intention.incident != decision.incident or intention.role != decision.role:
            continue
        if intention.action == decision.action or intention.action not in inc.sc.actions:
            continue
        now_at = Intention(intention.incident, intention.role, intention.action, 0.0, intention.when, intention.after)
        if player.ready(now_at):
            candidates.append((intention.action not in required, order, intention))
    if not candidates:
        return None
    best = min(candidates, key=lambda c: (c[0], c[1]))[2]
    return best.role, best.action


def plan(record: Record, setup: Setup, trainee: GoodTrainee) -> tuple[list[Alternative], list[dict[str, Any]]]:
    """The alternatives worth playing for a record, and the missed tasks that could not be placed.

    Returns:
        The alternatives in record order (decisions first, then tasks never done), and for each
        task never done whose moment never came in the team's drill, a note saying so.
    """
    decisions = [e for e in record.events if isinstance(e, DecisionMade) and e.status != "unavailable"]
    broke = {e.cause for e in record.events if isinstance(e, Finding) and e.cause is not None}
    broke |= {d.seq for d in decisions if d.status == "refused"}
    scenarios = setup.scenarios(record.header.seed)
    accepted = {(d.incident, d.action) for d in decisions if d.status == "accepted"}
    missed_timers = {
        (e.incident, e.timer) for e in record.events if isinstance(e, TimerChanged) and e.status == "missed"
    }

    # The tasks never done, and the late ones (by the task's own measure), per incident.
    never: list[tuple[int, str, str, str]] = []  # incident, task, action, role
    late: dict[tuple[int, str], str] = {}
    for index, sc in enumerate(scenarios):
        rubric = sc.model.rubric
        if rubric is None:
            continue
        for objective in rubric.objectives.values():
            for tid, task in objective.tasks.items():
                made = [a for a in task.actions if (index, a) in accepted]
                if not made:
                    action = next((a for a in task.actions if trainee.intention(index, a)), task.actions[0])
                    never.append((index, tid, action, sc.actions[action].role))
                elif task.timer and (index, task.timer) in missed_timers:
                    for a in made:
                        late[(index, a)] = tid
    task_of = {(index, a): tid for index, sc in enumerate(scenarios) if sc.model.rubric for tid, a in _task_actions(sc)}

    watch: dict[tuple[int, str], Intention] = {}
    for d in decisions:
        intention = trainee.intention(d.incident, d.action)
        if intention is not None:
            watch[(d.incident, d.action)] = intention
    for index, _tid, action, role in never:
        watch[(index, action)] = trainee.intention(index, action) or Intention(index, role, action)
    survey = _survey(record, setup, list(watch.values()), trainee, broke)

    found: list[Alternative] = []
    for d in decisions:
        n, x, t = d.incident, d.action, float(d.t)
        at_d = Fork(t, d.seq)
        as_done = Arm(at_d, (At(n, d.role, x, t, TEAM),))
        task_id = late.get((n, x)) or task_of.get((n, x))

        def alternative(kind: str, at: float | None, arm: Arm, baseline: Arm, instead: str | None = None) -> None:
            found.append(Alternative(kind, n, x, d.role, d.seq, t, at, instead, task_id, arm, baseline))  # noqa: B023

        if d.status == "accepted" and (n, x) in watch:
            moment = survey.moments.get((n, x))
            if moment is not None and moment.t < t - TOLERANCE:
                alternative("on-time", moment.t, Arm(moment), Arm(moment, (At(n, d.role, x, t, TEAM),)))
            elif moment is None:
                alternative("on-time", None, Arm(at_d), as_done)
        if d.status == "accepted":
            alternative("omitted", None, Arm(at_d, (Never(n, x),)), as_done)
        choice = survey.instead.get(d.seq)
        if choice is not None:
            role, action = choice
            alternative("instead", t, Arm(at_d, (At(n, role, action, t, ALTERNATIVE),)), as_done, action)
    unplaced: list[dict[str, Any]] = []
    for index, tid, action, role in never:
        moment = survey.moments.get((index, action))
        if moment is None:
            unplaced.append({"incident": index, "task": tid, "action": action})
            continue
        natural = trainee.intention(index, action) is not None
        arm = Arm(moment) if natural else Arm(moment, (At(index, role, action, moment.t, ALTERNATIVE),))
        found.append(
            Alternative(
                kind="made",
                incident=index,
                action=action,
                role=role,
                seq=None,
                t=None,
                at=moment.t,
                instead=None,
                task=tid,
                arm=arm,
                baseline=Arm(moment, (Never(index, action),)),
            )
        )
    return found, unplaced


def _task_actions(sc: Any) -> Iterator[tuple[str, str]]:
    for objective in sc.model.rubric.objectives.values():
        for tid, task in objective.tasks.items():
            for action in task.actions:
                yield tid, action


# Running: one forked drill per (arm, seed) ------------------------------------------------------------


def post_fork_seed(seed: int, fork: Fork, i: int) -> int:
    """The seed of the randomness after ``fork`` in drill ``i`` (the same in every process)."""
    digest = hashlib.blake2b(f"{seed}|{fork.key}|{i}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def run_arm(
    record: Record,
    setup: Setup,
    trainee: GoodTrainee,
    arm: Arm,
    i: int,
    measures: Sequence[Measure],
    scorer: Scorer | None,
) -> Run:
    """Fork ``record`` at ``arm.fork``, reseed, and let the good trainee play it to the end."""
    header = record.header
    drill = setup.drill(seed=header.seed, mode=header.mode, keep=False)
    collector = Collector(measures, frozenset({SOURCE, ALTERNATIVE}))
    drill.subscribe(collector)
    drill.start()
    before = arm.fork.before
    for event in record.events:
        if before is not None and event.seq >= before:
            break
        if event.input:
            if drill.finished:
                break
            drill.advance_to(float(event.t))
            apply_input(drill, event)
    if not drill.finished:
        drill.advance_to(arm.fork.t)
        drill.rng = random.Random(post_fork_seed(header.seed, arm.fork, i))
        Player(drill, trainee, arm.overrides).play()
    scored = scorer(collector.kept, setup.scenarios(header.seed)) if scorer is not None else None
    return Run(
        outcome=drill.outcome or "timeout",
        score=None if scored is None else float(scored["score"]),
        rating=None if scored is None else str(scored["rating"]),
        passed=None if scored is None else bool(scored["passed"]),
        measures=collector.figures(),
        broke=collector.broke,
    )


_WORKER: dict[str, Any] = {}


def _init_worker(path: str, trainee: GoodTrainee, arms: list[Arm], scorer: Scorer | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
    record = read(path)
    setup = setup_from(record)
    _WORKER.update(
        record=record,
        setup=setup,
        trainee=trainee,
        arms=arms,
        scorer=scorer,
        measures=measures_of(setup, record.header.seed),
    )


def _work(item: tuple[int, int, int]) -> tuple[int, int, list[Run]]:
    arm, first, last = item
    w = _WORKER
    runs = [
        run_arm(w["record"], w["setup"], w["trainee"], w["arms"][arm], i, w["measures"], w["scorer"])
        for i in range(first, last)
    ]
    return arm, first, runs


def _items(arms: int, seeds: int, size: int) -> list[tuple[int, int, int]]:
    return [(a, lo, min(lo + size, seeds)) for a in range(arms) for lo in range(0, seeds, size)]


# The analysis ----------------------------------------------------------------------------------------


def analyse(
    path: str | Path,
    *,
    seeds: int = 200,
    jobs: int = 1,
    scorer: Scorer | None = None,
    trainee: GoodTrainee | None = None,
    progress: Callable[[int, int], None] | None = None,
    alternatives: Sequence[Alternative] | None = None,
) -> dict[str, Any]:
    """The what-if analysis of a record, as plain data (the ``--json`` output).

    Args:
        path: The record.
        seeds: Drills per alternative (and per baseline).
        jobs: Worker processes (1: run here). The result is the same for any number.
        scorer: Scores each drill (a module-level function, so worker processes can use it).
        trainee: The good trainee (default: from the scenarios' correct scripts, else their rubrics).
        progress: Called with (drills done, drills in all).
        alternatives: Play these instead of those :func:`plan` finds (a tool's or a test's own).

    Raises:
        RecordError: The record cannot be read or its scenarios have changed.
        ContentError: A scenario of the record cannot be loaded.
    """
    record = read(path)
    setup = setup_from(record)
    trainee = trainee or good_trainee(setup)
    seed = record.header.seed
    unplaced: list[dict[str, Any]] = []
    if alternatives is None:
        alternatives, unplaced = plan(record, setup, trainee)
    arms = list(dict.fromkeys(arm for alt in alternatives for arm in (alt.arm, alt.baseline)))
    index = {arm: n for n, arm in enumerate(arms)}
    measures = measures_of(setup, seed)
    results: list[list[Run | None]] = [[None] * seeds for _ in arms]
    items = _items(len(arms), seeds, max(10, seeds // 4))
    done = 0
    if jobs <= 1 or len(items) <= 1:
        for arm, first, last in items:
            for i in range(first, last):
                results[arm][i] = run_arm(record, setup, trainee, arms[arm], i, measures, scorer)
            done += last - first
            if progress:
                progress(done, len(arms) * seeds)
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with context.Pool(jobs, initializer=_init_worker, initargs=(str(path), trainee, arms, scorer)) as pool:
            for arm, first, runs in pool.imap_unordered(_work, items):
                results[arm][first : first + len(runs)] = runs
                done += len(runs)
                if progress:
                    progress(done, len(arms) * seeds)
    played = [[r for r in rows if r is not None] for rows in results]
    actual = _actual(record, setup, measures, scorer)
    rows = [_compare(alt, played[index[alt.arm]], played[index[alt.baseline]], measures) for alt in alternatives]
    _rank(rows)
    scenarios = setup.scenarios(seed)
    for row in rows:
        row["action_label"] = _label(scenarios[row["incident"]], row["action"])
        row["instead_label"] = _label(scenarios[row["incident"]], row["instead"]) if row["instead"] else None
    return {
        "format": FORMAT,
        "record": str(path),
        "scenario": setup.title_id,
        "seed": seed,
        "mode": record.header.mode,
        "seeds": seeds,
        "confidence": stats.CONFIDENCE,
        "trainee": list(trainee.origins),
        "measures": [_measure_info(m, scenarios) for m in measures],
        "actual": actual,
        "alternatives": rows,
        "not_placed": [{**u, "label": _label(scenarios[u["incident"]], u["action"])} for u in unplaced],
        "drills": len(arms) * seeds,
    }


def _measure_info(m: Measure, scenarios: Sequence[Any]) -> dict[str, Any]:
    sc = scenarios[m.incident]
    variable = sc.model.variables[m.var]
    label = variable.label
    return {
        "key": f"{m.incident}.{m.var}",
        "incident": m.incident,
        "scenario": sc.model.id,
        "var": m.var,
        "how": m.how,
        "unit": variable.unit,
        "label": {"zh": label.zh or m.var, "en": label.en or m.var} if label else {"zh": m.var, "en": m.var},
    }


def _label(sc: Any, action: str) -> dict[str, str]:
    act = sc.model.actions.get(action)
    if act is None:
        return {"zh": action, "en": action}
    return {"zh": act.label.zh or action, "en": act.label.en or action}


def _actual(record: Record, setup: Setup, measures: Sequence[Measure], scorer: Scorer | None) -> dict[str, Any]:
    """What the record itself shows: one drill, as it happened."""
    collector = Collector(measures)
    outcome = None
    for event in record.events:
        collector(event)
        if isinstance(event, DrillEnded):
            outcome = event.outcome
    scored = scorer(collector.kept, setup.scenarios(record.header.seed)) if scorer is not None else None
    return {
        "outcome": outcome,
        "score": None if scored is None else scored["score"],
        "rating": None if scored is None else scored["rating"],
        "passed": None if scored is None else scored["passed"],
        "measures": {f"{m.incident}.{m.var}": v for m, v in zip(measures, collector.figures(), strict=True)},
    }


def summary(runs: Sequence[Run], measures: Sequence[Measure]) -> dict[str, Any]:
    """Outcome shares, score and rating spread, pass share and each measure's spread over ``runs``."""
    n = len(runs) or 1
    outcomes = Counter(r.outcome for r in runs)
    scores = [r.score for r in runs if r.score is not None]
    ratings = Counter(r.rating for r in runs if r.rating is not None)
    out: dict[str, Any] = {
        "runs": len(runs),
        "outcomes": {k: round(v / n, 4) for k, v in sorted(outcomes.items())},
        "bad": round(sum(outcomes[k] for k in BAD) / n, 4),
        "measures": {},
    }
    if scores:
        out["score"] = stats.spread(scores, 1)
        out["ratings"] = {k: round(ratings[k] / n, 4) for k in "PSMU" if ratings[k]}
        out["passed"] = round(sum(1 for r in runs if r.passed) / n, 4)
    for k, m in enumerate(measures):
        values = [r.measures[k] for r in runs if r.measures[k] is not None]
        if values:
            out["measures"][f"{m.incident}.{m.var}"] = stats.spread(values)  # type: ignore[arg-type]
    return out


def _compare(alt: Alternative, runs: list[Run], base: list[Run], measures: Sequence[Measure]) -> dict[str, Any]:
    """One alternative against its baseline: both summaries, the paired differences, and the verdict."""

    def share(pick: Callable[[Run], bool]) -> dict[str, Any]:
        return stats.difference([float(pick(r)) for r in runs], [float(pick(r)) for r in base])

    diff: dict[str, Any] = {
        "failure": share(lambda r: r.outcome == "failure"),
        "bad": share(lambda r: r.outcome in BAD),
        "success": share(lambda r: r.outcome == "success"),
        "measures": {},
    }
    if runs and runs[0].score is not None:
        diff["score"] = stats.difference([r.score or 0.0 for r in runs], [r.score or 0.0 for r in base], 2)
        diff["passed"] = share(lambda r: bool(r.passed))
    for k, m in enumerate(measures):
        pairs = [(r.measures[k], b.measures[k]) for r, b in zip(runs, base, strict=True)]
        kept = [(a, b) for a, b in pairs if a is not None and b is not None]
        if kept:
            diff["measures"][f"{m.incident}.{m.var}"] = stats.difference([a for a, _ in kept], [b for _, b in kept])
    breaks = any(r.broke for r in runs)
    verdict = _verdict(diff)
    return {
        "kind": alt.kind,
        "incident": alt.incident,
        "action": alt.action,
        "role": alt.role,
        "seq": alt.seq,
        "t": alt.t,
        "at": alt.at,
        "instead": alt.instead,
        "task": alt.task,
        "fork": {"t": alt.arm.fork.t, "before": alt.arm.fork.before},
        "breaks_rule": breaks,
        "verdict": verdict,
        "good": verdict == "better" and not breaks,
        "alternative": summary(runs, measures),
        "as_done": summary(base, measures),
        "difference": diff,
    }


def _criteria(diff: dict[str, Any]) -> list[float]:
    """The sure differences, in order of importance, each signed so that more is better (0: not sure).

    Fewer drills ending in failure (people hurt) first, then fewer ending badly at all (failure or
    stopped by the time limit), then a higher score, then the measures (each a thing to keep low:
    time trapped, water depth, anger), counted by how many are surely lower less how many higher.
    """

    def sure(d: dict[str, Any], sign: float) -> float:
        return sign * d["mean"] if d["sure"] else 0.0

    measures = [d for d in diff["measures"].values() if d["sure"]]
    return [
        sure(diff["failure"], -1.0),
        sure(diff["bad"], -1.0),
        sure(diff["score"], 1.0) if "score" in diff else 0.0,
        float(sum(1 for d in measures if d["mean"] < 0) - sum(1 for d in measures if d["mean"] > 0)),
    ]


def _verdict(diff: dict[str, Any]) -> str:
    """``better``, ``worse`` or ``unclear``: the first criterion that is surely different decides."""
    for value in _criteria(diff):
        if value > 0:
            return "better"
        if value < 0:
            return "worse"
    return "unclear"


def _rank(rows: list[dict[str, Any]]) -> None:
    """Sort the rows by how much they matter and number them (see the module docstring)."""

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        criteria = _criteria(row["difference"])
        if row["good"]:
            return (0, *(-c for c in criteria), row["seq"] or 0)
        if row["verdict"] == "worse":  # the worse, the more the team's own choice was worth
            return (1, *criteria, row["seq"] or 0)
        return (2, 0.0, 0.0, 0.0, 0.0, row["seq"] or 0)

    rows.sort(key=key)
    for n, row in enumerate(rows, start=1):
        row["rank"] = n
