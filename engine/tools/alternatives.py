"""Which alternatives a what-if tries for a record, and where each forks it.

For every decision of a record, and every critical task the team never did (see
:mod:`engine.tools.whatif` for what each kind means):

- ``on-time`` when the good trainee would have decided it more than :data:`TOLERANCE` earlier, or
  would not yet have decided it at all (the team was early);
- ``omitted`` for every accepted decision;
- ``instead`` where the decision broke a rule and the good trainee had something rule-abiding
  for that role to do at that moment (what a live hazard requires first, then script order);
- ``made`` for a task never done, at the first moment the good trainee would have made it.

Those moments are found by replaying the record with the good trainee watching (:func:`_survey`):
the situation is the team's, so the moment is when a good trainee in their place would have acted.
A task whose moment never came (its state was never reached) cannot be tried and is listed apart.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.format import DecisionMade, DecisionWithdrawn, Finding, TimerChanged
from engine.runtime import Drill, Record, Setup
from engine.runtime.record import apply_input
from engine.runtime.trainee import At, GoodTrainee, Intention, Never, Override, Player

TOLERANCE = 0.5
"""Sim minutes within which a decision counts as made when the good trainee would make it."""

ALTERNATIVE = "whatif"
"""Source of an alternative's own substituted decision."""

TEAM = "team"
"""Source of the team's decision where a baseline keeps it."""


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
    # A withdrawn decision (a facilitator's correction of a mis-keyed one) was never the team's choice.
    withdrawn = {e.decision for e in record.events if isinstance(e, DecisionWithdrawn)}
    decisions = [
        e for e in record.events if isinstance(e, DecisionMade) and e.status != "unavailable" and e.seq not in withdrawn
    ]
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
