"""A drill: one run of one or more incidents over shared staff, driven from outside.

SimPy owns sim time (minutes), through :class:`~engine.runtime.clockwork.Clockwork`, a plain
``Environment`` with the exact scheduling a drill needs. Everything timed is an event on its queue:
action durations, staff queues (:class:`~engine.runtime.staff.Pool`, SimPy's ``Resource`` as a drill
uses it, shared by every incident of the drill),
timed injects, dynamics steps, deadlines, the time limit. ``transitions`` owns which state each
incident is in, through a token borrowed from the compiled scenario.

The drill never reads a clock and never blocks. Whoever drives it (the console's tick, a script, a
policy, a replay) calls :meth:`Drill.advance_to` to move sim time and :meth:`Drill.submit` to make
a decision at the current sim time, and listens with :meth:`Drill.subscribe`. Pausing is simply not
calling ``advance_to``.

Ordering, so that the same seed and decisions always give the same events:

- ``advance_to(t)`` processes everything strictly before ``t`` and stops *before* anything due at
  ``t``; a decision submitted then is handled before those events;
- events due at the same instant run in the order they were scheduled (SimPy's counter);
- deadlines are checked *after* everything else due at their instant (a lower priority), so an
  SLA met exactly at its deadline is on time;
- the only randomness is the drill's ``random.Random(seed)``, drawn in event order.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from simpy.events import URGENT

from engine.errors import EngineError
from engine.format import NOW, Evaluator, Value
from engine.format.events import (
    OUTCOME_RANK,
    ActionBegun,
    ActionDone,
    ActionDropped,
    AnyEvent,
    DecisionMade,
    DecisionWithdrawn,
    DrillEnded,
    DrillHalted,
    Evaluated,
    HazardChanged,
    IncidentEnded,
    IncidentStarted,
    InjectDelivered,
    InjectFired,
    NoteMade,
    StaffAwaited,
    StateChanged,
    TimerChanged,
    ValuesChanged,
    VariableStepped,
)
from engine.format.expressions import STATE
from engine.runtime import rules
from engine.runtime.clockwork import LATE, Clockwork
from engine.runtime.compile import (
    CAction,
    CHazard,
    CInject,
    CompiledScenario,
    CTimer,
    CTransition,
    DynamicFields,
    DynamicGroup,
    Effect,
    Token,
)
from engine.runtime.staff import Pool, Request

CLOCK_STEP = 0.1
"""Sim minutes between re-checks of conditions that read ``now`` (only in scenarios that have some)."""

MAX_SETTLE = 100
"""Most automatic steps taken in one instant; guards against transitions that flip back and forth."""

MAX_EVENTS = 100_000
"""Most events one drill may make: the shipped drills make a few hundred, so a drill past this is a
runaway (a dynamic stepping for days), stopped with an error rather than left to fill a disk."""

Listener = Callable[[AnyEvent], None]
"""A subscriber: called with each event as it happens."""

NOTE_KINDS = ("note", "bookmark", "inject", "resumed")
"""Kinds of facilitator note a drill records (see :meth:`Drill.note`)."""


@dataclass(frozen=True, slots=True)
class Submission:
    """A decision offered to the drill.

    Attributes:
        role: Who decides.
        action: Action id.
        incident: Index of the incident in the drill (0 for a lone scenario).
        source: Where it came from: ``ui``, ``script``, ``policy``, ``replay``.
        note: Rationale for the decision log.
        wall: Wall-clock stamp (kept out of comparisons by its name).
        by: Who entered it (a drill-room participant).
        device: From which device session.
    """

    role: str
    action: str
    incident: int = 0
    source: str = "ui"
    note: str | None = None
    wall: str | None = None
    by: str | None = None
    device: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What became of a submission.

    Attributes:
        status: ``accepted``, ``refused`` (strict mode, a rule) or ``unavailable`` (not offered now).
        why: For ``unavailable``: ``ended``, ``unknown-action``, ``wrong-role``, ``wrong-state``,
            ``condition`` or ``already-started``.
        breaches: Rules the decision breaks (refused in strict mode, findings in observe mode).
        seq: Sequence number of the decision event.
    """

    status: str
    why: str | None
    breaches: tuple[rules.Breach, ...]
    seq: int

    @property
    def accepted(self) -> bool:
        """Whether the action goes ahead."""
        return self.status == "accepted"


@dataclass(frozen=True, slots=True)
class Option:
    """An action offered right now.

    Attributes:
        incident: The incident.
        action: The action's id.
        role: Who may decide it.
        coach_judged: A role-play's free reply: the trainee's own words, judged by a coach into
            this action; a console offers it through the coach, not as a choice on the screen.
    """

    incident: int
    action: str
    role: str
    coach_judged: bool = False


class Incident:
    """One incident in flight: the context its expressions read, and its loop bookkeeping."""

    __slots__ = (
        "changed",
        "delivered",
        "done",
        "drill",
        "ended",
        "ending",
        "final_state",
        "hazards_on",
        "index",
        "live",
        "moved",
        "pending",
        "pending_start",
        "residue",
        "running",
        "running_dynamics",
        "sc",
        "stages_begun",
        "stages_done",
        "start_at",
        "started",
        "timers",
        "token",
        "unsettled",
        "values",
    )

    def __init__(self, drill: Drill, index: int, sc: CompiledScenario, start_at: float) -> None:
        self.index = index
        self.sc = sc
        self.drill = drill
        self.token: Token | None = None
        self.values: dict[str, Value] = dict(sc.initial_values)
        self.started: set[str] = set()
        self.done: set[str] = set()
        self.stages_begun: set[str] = set()
        self.stages_done: set[str] = set()
        self.live = False
        self.ended = False
        self.ending: str | None = None
        self.final_state = sc.model.initial or ""
        self.delivered: set[str] = set()
        self.timers: dict[str, str] = {}
        self.hazards_on: set[str] = set()
        self.pending: list[Request] = []
        self.running: dict[int, _Performance] = {}
        """Accepted decisions whose action has not finished, by the decision's ``seq`` (withdrawable)."""
        self.start_at = start_at
        self.residue: dict[str, float] = {}
        self.running_dynamics: dict[float, tuple[DynamicFields, ...]] = {}
        """Per step length, the dynamics whose condition held when last looked at (see :meth:`Drill._dynamics_at`)."""
        self.pending_start = False
        self.changed: set[str] = set()
        """What changed since the incident was last settled: variables, an action's
        :attr:`~engine.runtime.compile.CAction.read` when it started, finished or was withdrawn, and
        :data:`STATE` for a move (see :meth:`Drill._settle`)."""
        self.moved = False
        """Whether it moved to another state since it was last settled."""
        self.unsettled = True
        """Whether nothing is known yet of what holds (before the first settle, or after a settle that
        stopped at :data:`MAX_SETTLE`): then the next settle re-checks everything."""

    @property
    def state(self) -> str:
        """Current state (or the ending reached)."""
        return self.token.state if self.token is not None else self.final_state

    @property
    def now(self) -> float:
        """Sim minutes since this incident began (a scenario reads the same in any plan)."""
        return self.drill.env.now - self.start_at

    @property
    def loop_closed(self) -> bool:
        """Whether report, handle and feedback have all completed."""
        return rules.loop_closed(self.stages_done)


class Drill:
    """One run. Build it, subscribe, :meth:`start`, then drive it.

    Args:
        incidents: Compiled scenarios and the sim minute each begins at.
        seed: Seed of the drill's only random generator.
        mode: ``strict`` refuses rule-breaking decisions; ``observe`` records them as findings.
        staffing: Pool capacities that replace the scenarios' (a plan's night shift).
        keep: Keep every event in :attr:`events` (off for Monte Carlo runs).
        quiet_steps: Number each variable step but make no event of it (a sweep that reads none
            of them: it counts them by :attr:`seq`). Every other event, and every number, is
            as it would be.
    """

    def __init__(
        self,
        incidents: Sequence[tuple[CompiledScenario, float]],
        *,
        seed: int,
        mode: str = "observe",
        staffing: Mapping[str, int] | None = None,
        keep: bool = True,
        triggers: Mapping[int, tuple[int, Evaluator]] | None = None,
        quiet_steps: bool = False,
    ) -> None:
        if mode not in ("strict", "observe"):
            raise EngineError(f"unknown mode {mode!r}; use strict or observe")
        if not incidents:
            raise EngineError("a drill needs at least one incident")
        self.env = Clockwork()
        self.rng = random.Random(seed)
        self.seed = seed
        self.mode = mode
        self.keep = keep
        self.quiet_steps = quiet_steps
        self.events: list[AnyEvent] = []
        self.seq = 0
        self.finished = False
        self.outcome: str | None = None
        self._listeners: list[Listener] = []
        self._started = False
        self.incidents = [Incident(self, i, sc, at) for i, (sc, at) in enumerate(incidents)]
        self.triggers = dict(triggers or {})
        for index, (source, _when) in self.triggers.items():
            if not (0 <= source < len(self.incidents)) or source == index:
                raise EngineError(f"incident {index} cannot wait for incident {source}")
        self.capacity = self._capacities(staffing or {})
        self.pools: dict[str, Pool] = {}
        """Staff pools, made when first asked for (many drills never use some): see :meth:`pool`."""
        for pool, cap in self.capacity.items():
            if cap == 0:
                self.pool(pool)  # at once: its slot is taken now, where it always was

    def pool(self, name: str) -> Pool:
        """The staff pool ``name`` (made on first use; it schedules nothing)."""
        found = self.pools.get(name)
        if found is None:
            cap = self.capacity[name]
            found = self.pools[name] = Pool(self.env, max(cap, 1))
            if cap == 0:  # nobody on shift: the one slot is taken for good, so every request waits
                found.request()
        return found

    def _capacities(self, staffing: Mapping[str, int]) -> dict[str, int]:
        caps: dict[str, int] = {}
        for inc in self.incidents:
            for pool, capacity in inc.sc.capacities.items():
                caps[pool] = max(caps.get(pool, 0), capacity)
        for pool, cap in staffing.items():
            if pool not in caps:
                raise EngineError(f"staffing names pool '{pool}', which no scenario of this drill uses")
            caps[pool] = cap
        return caps

    # Driving ----------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with every event from now on, in order, as it happens."""
        self._listeners.append(listener)

    def start(self) -> None:
        """Begin: schedule every incident's start. Call once, after subscribing."""
        if self._started:
            raise EngineError("the drill has already started")
        self._started = True
        for inc in self.incidents:
            if inc.index in self.triggers:
                continue  # begins when the incident it waits for reaches its condition
            if inc.start_at <= self.env.now:
                self._begin(inc)  # at once, so a decision at minute 0 finds the incident open
            else:
                # URGENT: the incident opens before anything else due at its start, decisions included.
                self.env.call_at(inc.start_at, partial(self._begin, inc), URGENT)

    @property
    def now(self) -> float:
        """Current sim minute."""
        return self.env.now

    def advance_to(self, t: float) -> None:
        """Process everything due before sim minute ``t`` and stop there (or earlier if the drill ends).

        Calling it with a time already reached does nothing, so a paused console can keep calling it.
        """
        if not self._started:
            raise EngineError("start the drill before advancing it")
        if self.finished or t <= self.env.now:
            return
        # Not env.run(until=t): SimPy schedules that stop at now + (t - now), which can differ from
        # t in the last bit depending on where a paced console last stopped, and a decision made
        # then would carry that drift into the record. run_until stops at exactly t.
        self.env.run_until(t)

    def run_to_end(self) -> None:
        """Let the drill play out with no further decisions until every incident has ended."""
        if not self._started:
            raise EngineError("start the drill before running it")
        if not self.finished:
            self.env.run_to_end()

    def next_event_time(self) -> float | None:
        """When the next scheduled thing happens (for 'skip to the next event'), or None."""
        t = self.env.peek()
        return None if self.finished or t == float("inf") else t

    def options(self, incident: int | None = None) -> list[Option]:
        """Actions offered now, in scenario order (rule-breaking ones included: see :meth:`breaches`)."""
        found = []
        for inc in self.incidents if incident is None else [self.incidents[incident]]:
            if not inc.live or inc.ended:
                continue
            started = inc.started
            made = inc.sc.offers.get(inc.index)
            if made is None:
                made = inc.sc.offers[inc.index] = {}
            for act in inc.sc.choices.get(inc.state, ()):
                if (act.repeatable or act.id not in started) and (act.when is None or act.when(inc)):
                    option = made.get(act.id)
                    if option is None:  # an Option is a value: one per incident and action will do
                        option = made[act.id] = Option(inc.index, act.id, act.role, act.coach_judged)
                    found.append(option)
        return found

    def breaches(self, incident: int, action: str) -> list[rules.Breach]:
        """Rules that deciding ``action`` now would break (what strict mode would refuse, and why)."""
        inc = self.incidents[incident]
        return rules.check(inc.sc, inc, inc.stages_begun, inc.stages_done, inc.sc.actions[action])

    def submit(self, sub: Submission) -> Verdict:
        """Decide ``sub.action`` for ``sub.role`` at the current sim time.

        Raises:
            EngineError: The drill has not started or has finished, or the incident does not exist.
        """
        if not self._started or self.finished:
            raise EngineError("the drill is not running")
        if not 0 <= sub.incident < len(self.incidents):
            raise EngineError(f"there is no incident {sub.incident} in this drill")
        inc = self.incidents[sub.incident]
        act = inc.sc.actions.get(sub.action)
        why = self._unavailable(inc, act, sub.role)
        if why is not None:
            seq = self._emit(self._decision(sub, "unavailable", why=why))
            return Verdict("unavailable", why, (), seq)
        assert act is not None
        found = tuple(rules.check(inc.sc, inc, inc.stages_begun, inc.stages_done, act))
        if found and self.mode == "strict":
            seq = self._emit(self._decision(sub, "refused", reasons=[b.reason() for b in found]))
            return Verdict("refused", None, found, seq)
        seq = self._emit(self._decision(sub, "accepted"))
        for breach in found:
            self._emit(breach.finding(inc.index, action=act.id, cause=seq))
        inc.started.add(act.id)
        inc.stages_begun.add(act.stage)
        inc.changed.add(act.read)
        inc.running[seq] = _Performance(self, inc, act, seq)
        self._settle(inc)
        return Verdict("accepted", None, found, seq)

    def withdrawable(self) -> list[tuple[int, int, str]]:
        """The accepted decisions whose action is still under way: (decision seq, incident, action), oldest first."""
        return sorted(
            (seq, inc.index, performance.act.id)
            for inc in self.incidents
            if not inc.ended
            for seq, performance in inc.running.items()
        )

    def withdraw(self, decision: int, *, wall: str | None = None) -> int:
        """Withdraw the accepted decision ``decision`` (its ``seq``) while its action has not finished.

        The action stops where it is: a place it waited for is given up, staff it held are
        released, its effects never happen, and it can be decided again. The decision stays in the
        record, followed by this withdrawal (an input, so a replay does the same).

        Raises:
            EngineError: The drill is not running, or the decision was not accepted or its action has
                finished (what is done cannot be withdrawn).
        """
        if not self._started or self.finished:
            raise EngineError("the drill is not running")
        found = next((inc for inc in self.incidents if decision in inc.running and not inc.ended), None)
        if found is None:
            raise EngineError(
                f"decision {decision} cannot be withdrawn: it was not accepted, or its action has finished"
            )
        performance = found.running.pop(decision)
        seq = self._emit(
            DecisionWithdrawn(decision=decision, incident=found.index, action=performance.act.id, wall=wall or None)
        )
        found.started.discard(performance.act.id)
        found.stages_begun = {found.sc.actions[a].stage for a in found.started if a in found.sc.actions}
        found.changed.add(performance.act.read)
        performance.withdraw()
        self._settle(found)
        return seq

    def evaluate(
        self,
        target: str,
        *,
        incident: int = 0,
        rating: str | None = None,
        note: str | None = None,
        wall: str | None = None,
        by: str | None = None,
        device: str | None = None,
    ) -> int:
        """Record a facilitator's rating or note (evaluator input) at the current sim time.

        Args:
            target: ``drill``, ``task:<id>`` (a rubric task) or ``inject:<id>``.
            incident: Which incident the task or inject belongs to.
            rating: HSEEP rating code ``P``, ``S``, ``M`` or ``U``, or None for a note only.
            note: The evaluator's observation.
            wall: Wall-clock stamp (kept apart from sim time by its name).
            by: Who rated (an evaluator's or a coach's name); None for the facilitator.
            device: The drill room's id of the rater's device session.

        Returns:
            The sequence number of the evaluation event.

        Raises:
            EngineError: Unknown rating, target or incident, or the drill has not started.
        """
        if not self._started:
            raise EngineError("start the drill before evaluating it")
        if rating not in (None, "P", "S", "M", "U"):
            raise EngineError(f"unknown rating {rating!r}; use P, S, M or U")
        if not 0 <= incident < len(self.incidents):
            raise EngineError(f"there is no incident {incident} in this drill")
        kind, _, name = target.partition(":")
        model = self.incidents[incident].sc.model
        known = {
            "drill": not name,
            "task": model.rubric is not None and any(name in o.tasks for o in model.rubric.objectives.values()),
            "inject": name in model.injects,
        }
        if not known.get(kind, False):
            raise EngineError(f"unknown evaluation target {target!r}; use drill, task:<id> or inject:<id>")
        if rating is None and not note:
            raise EngineError("an evaluation needs a rating, a note, or both")
        return self._emit(
            Evaluated(
                incident=incident,
                target=target,
                rating=rating,  # type: ignore[arg-type]  # checked above
                note=note or None,
                wall=wall or None,
                by=by or None,
                device=device or None,
            )
        )

    def note(self, text: str, *, kind: str = "note", incident: int | None = None, wall: str | None = None) -> int:
        """Record a facilitator's note, bookmark or spoken inject at the current sim time.

        Notes change nothing in the drill; they are inputs all the same (a replay re-records them),
        so the debrief finds them in the timeline where they were made.

        Args:
            text: What was said or observed (may be empty for a bookmark).
            kind: ``note``, ``bookmark``, ``inject`` (a surprise the facilitator announced in the
                room) or ``resumed`` (the drill went on after an interruption).
            incident: The incident it is about, if any.
            wall: Wall-clock stamp.

        Raises:
            EngineError: Unknown kind or incident, or the drill has not started.
        """
        if not self._started:
            raise EngineError("start the drill before adding notes")
        if kind not in NOTE_KINDS:
            raise EngineError(f"unknown note kind {kind!r}; use {', '.join(NOTE_KINDS)}")
        if incident is not None and not 0 <= incident < len(self.incidents):
            raise EngineError(f"there is no incident {incident} in this drill")
        return self._emit(NoteMade(kind=kind, text=text, incident=incident, wall=wall or None))  # type: ignore[arg-type]  # checked above

    def fire(self, incident: int, inject: str, *, wall: str | None = None) -> int:
        """Deliver one of the scenario's injects now, ahead of its time or condition (the facilitator's call).

        Returns:
            The sequence number of the ``fire`` event (the ``inject`` event follows it).

        Raises:
            EngineError: The drill is not running, the incident is not live, the inject is unknown or
                was already delivered.
        """
        if not self._started or self.finished:
            raise EngineError("the drill is not running")
        if not 0 <= incident < len(self.incidents):
            raise EngineError(f"there is no incident {incident} in this drill")
        inc = self.incidents[incident]
        found = next((i for i in inc.sc.injects if i.id == inject), None)
        if found is None:
            raise EngineError(f"unknown inject {inject!r} in incident {incident}")
        if not inc.live or inc.ended:
            raise EngineError(f"incident {incident} is not under way")
        if inject in inc.delivered:
            raise EngineError(f"inject {inject!r} was already delivered")
        seq = self._emit(InjectFired(incident=incident, inject=inject, wall=wall or None))
        self._deliver(inc, found)
        return seq

    def halt(self, *, wall: str | None = None) -> None:
        """End the drill now (the facilitator stops it): incidents under way end as at the time limit.

        Raises:
            EngineError: The drill is not running.
        """
        if not self._started or self.finished:
            raise EngineError("the drill is not running")
        self._emit(DrillHalted(wall=wall or None))
        for inc in self.incidents:
            if inc.ended:
                continue
            if inc.live:
                self._end(inc, None, "timeout")
            else:
                inc.ended = True
                self._emit(IncidentEnded(incident=inc.index, ending=None, outcome="not-started"))
        if not self.finished:
            self._finish()

    # Events -----------------------------------------------------------------------------------

    def _decision(self, sub: Submission, status: str, **extra: Any) -> DecisionMade:
        return DecisionMade(
            status=status,  # type: ignore[arg-type]  # one of the three, from submit
            incident=sub.incident,
            role=sub.role,
            action=sub.action,
            source=sub.source,
            note=sub.note or None,
            wall=sub.wall or None,
            by=sub.by,
            device=sub.device,
            **extra,
        )

    def _number(self) -> int:
        """Take the next sequence number for an event (made, or left unmade: ``quiet_steps``)."""
        if self.seq >= MAX_EVENTS:
            raise EngineError(
                f"the drill stopped at minute {self.env.now:g} after {MAX_EVENTS:,} events, far more than a drill"
                " makes; look for a dynamic with a small 'every' over a long 'limit'"
            )
        self.seq += 1
        return self.seq

    def _emit(self, event: AnyEvent) -> int:
        """Number and time-stamp ``event``, keep it, and hand it to every listener."""
        if self.seq >= MAX_EVENTS:
            self._number()  # raises
        self.seq = seq = self.seq + 1
        event.seq = seq  # Event.stamp, inlined: this runs for every event of every drill
        event.t = self.env.now
        if self.keep:
            self.events.append(event)
        for listener in self._listeners:
            listener(event)
        return seq

    # Availability -----------------------------------------------------------------------------

    def _offered(self, inc: Incident, act: CAction) -> bool:
        if not act.repeatable and act.id in inc.started:
            return False
        return act.when is None or bool(act.when(inc))

    def _unavailable(self, inc: Incident, act: CAction | None, role: str) -> str | None:
        if act is None:
            return "unknown-action"
        if act.role != role:
            return "wrong-role"
        if inc.ended:
            return "ended"
        if not inc.live:
            return "not-started"
        if act.states is not None and inc.state not in act.states:
            return "wrong-state"
        if not act.repeatable and act.id in inc.started:
            return "already-started"
        if act.when is not None and not act.when(inc):
            return "condition"
        return None

    # Incident life ----------------------------------------------------------------------------

    def _tick_at(self, inc: Incident, count: int) -> None:
        """Re-check conditions that read the clock; nothing is recorded unless something fires.

        Tick times are computed from the count, not by adding steps, so they do not drift (10 x 0.1
        is exactly minute 1, and a condition on ``now >= 5`` fires at 5).
        """
        if inc.ended or self.finished:
            return
        self._settle(inc)  # nothing changed but the time: only what reads the clock is re-checked
        if not inc.ended:
            self.env.call_at(inc.start_at + round((count + 1) * CLOCK_STEP, 9), partial(self._tick_at, inc, count + 1))

    def _begin(self, inc: Incident) -> None:
        if self.finished:
            return
        inc.token = inc.sc.acquire()
        inc.live = True
        self._emit(IncidentStarted(incident=inc.index, scenario=inc.sc.model.id, state=inc.state))
        sc = inc.sc
        for inject in sc.injects:
            if inject.at is not None:
                self.env.call_at(inc.start_at + inject.at, partial(self._deliver, inc, inject))
        for group in sc.dynamic_groups:
            self.env.call_at(inc.start_at + group.every, partial(self._dynamics_at, inc, group, 1))
        if sc.clocked:
            self.env.call_at(inc.start_at + CLOCK_STEP, partial(self._tick_at, inc, 1))
        self.env.call_at(inc.start_at + sc.limit, partial(self._timeout_at, inc))
        self._settle(inc)

    def _apply(self, inc: Incident, effects: tuple[Effect, ...]) -> dict[str, Value]:
        """Apply effects simultaneously (all values computed first); return what changed."""
        new = [(e, e.value(inc)) for e in effects]
        changes: dict[str, Value] = {}
        for effect, value in new:
            value = _bounded(effect, value)
            if inc.values[effect.var] != value or type(inc.values[effect.var]) is not type(value):
                inc.values[effect.var] = value
                changes[effect.var] = value
        if changes:
            inc.changed.update(changes)
        return changes

    def _move(self, inc: Incident, dest: str, via: str) -> None:
        assert inc.token is not None
        source = inc.token.state
        inc.sc.move(inc.token, via)
        inc.changed.add(STATE)
        inc.moved = True
        self._emit(StateChanged(incident=inc.index, to=dest, via=via, from_=source))
        outcome = inc.sc.endings.get(dest)
        if outcome is not None:
            self._end(inc, dest, outcome)

    def _end(self, inc: Incident, ending: str | None, outcome: str) -> None:
        if inc.ended:
            return
        inc.ended = True
        inc.ending = ending
        if inc.token is not None:
            inc.final_state = inc.token.state
            inc.sc.release(inc.token)
            inc.token = None
        for request in inc.pending:
            request.cancel()
        inc.pending.clear()
        if not inc.loop_closed:
            self._emit(rules.open_loop(inc.stages_done).finding(inc.index))
        self._emit(IncidentEnded(incident=inc.index, ending=ending, outcome=outcome))  # type: ignore[arg-type]  # an Outcome
        for index, (origin, _when) in self.triggers.items():
            waiting = self.incidents[index]
            if origin == inc.index and not waiting.live and not waiting.pending_start and not waiting.ended:
                # What it waited for can no longer happen: it never begins.
                waiting.ended = True
                self._emit(IncidentEnded(incident=index, ending=None, outcome="not-started"))
        if all(i.ended for i in self.incidents):
            self._finish()

    def _finish(self) -> None:
        outcomes = [self._outcome_of(i) for i in self.incidents]
        self.outcome = max(outcomes, key=OUTCOME_RANK.__getitem__)
        self.finished = True
        self._emit(DrillEnded(outcome=self.outcome))  # type: ignore[arg-type]  # an Outcome
        self.env.stop()

    def _outcome_of(self, inc: Incident) -> str:
        if inc.ending is not None:
            return inc.sc.endings[inc.ending]
        return "timeout" if inc.live else "not-started"

    def _timeout_at(self, inc: Incident) -> None:
        if inc.live and not inc.ended:
            self._end(inc, None, "timeout")

    # Things that happen by themselves ----------------------------------------------------------

    def _deliver(self, inc: Incident, inject: CInject) -> None:
        if inc.ended or inject.id in inc.delivered:
            return
        inc.delivered.add(inject.id)
        changes = self._apply(inc, inject.effects)
        self._emit(InjectDelivered(incident=inc.index, inject=inject.id, changes=changes))
        if inject.goto is not None:
            self._move(inc, inject.goto, f"inject:{inject.id}")
        self._settle(inc)

    def _dynamics_at(self, inc: Incident, group: DynamicGroup, count: int) -> None:
        """One step of every dynamic sharing this step length, then one settle for all they changed.

        Step times come from the count (no drift), and one event serves the whole group: dynamics
        are the commonest events of a drill, so the step of each is inlined here.

        Which dynamics run is kept from step to step (:attr:`Incident.running_dynamics`) while
        nothing their conditions read changes: the drill notes every such change in
        :attr:`Incident.changed` and a settle forgets the list when it clears one
        (:meth:`_settle`). A group whose conditions read the clock or what the group itself moves
        looks at each condition in turn, as the step goes.
        """
        if inc.ended or self.finished:
            return
        values = inc.values
        before: dict[str, Value] = {}
        via: dict[str, str] = {}
        every = group.every
        cached = group.cached
        if cached:
            fields = inc.running_dynamics.get(every)
            changed_now = inc.changed
            if fields is None or (changed_now and not changed_now.isdisjoint(group.reads)):
                fields = inc.running_dynamics[every] = tuple(f for f in group.fields if f[0](inc))
        else:
            fields = group.fields
        # Every field a step reads, unpacked from one tuple per dynamic (CDynamic.fields): a step of
        # each dynamic runs every minute of every drill, and a tuple unpacks for less than the eight
        # reads of a slotted attribute it replaces.
        for while_, var, step, rate, every_, whole, id_, low, high in fields:
            if not cached and not while_(inc):
                continue
            old: float = values[var]  # type: ignore[assignment]  # a number variable (checked at load)
            if step is None:
                step = rate(inc) * every_  # type: ignore[operator]  # a number expression (checked at load)
            if whole:
                step += inc.residue.get(id_, 0.0)
            exact = old + step
            exact = low if exact < low else high if exact > high else exact
            # round() to some digits is the dearest thing in a step (it goes through decimal digits),
            # and most steps land on a whole number (whole rates on whole variables), where rounding
            # gives back the very number it is given, type and sign included: it is skipped there.
            if whole:
                # Keep the fraction for the next step, so a slow rate on a whole number still moves.
                value: float = round(exact)
                fraction = exact - value
                inc.residue[id_] = round(fraction, 9) if fraction else fraction
            else:
                value = exact if type(exact) is int or exact.is_integer() else round(exact, 6)
            if value == old:
                continue
            values[var] = value
            if var not in before:
                before[var] = old
                via[var] = id_
            else:
                via[var] += "," + id_
        if before:
            # One event per variable and step, with its value after all of them (two dynamics on one
            # variable, rising and easing, make one line in the timeline, not two).
            changed = [var for var, old in before.items() if values[var] != old]
            for var in changed:
                if self.quiet_steps:
                    self._number()
                else:
                    self._emit(VariableStepped(incident=inc.index, var=var, value=values[var], via=via[var]))
            if changed:
                inc.changed.update(changed)
                self._settle(inc)
        if not inc.ended:
            after = (count + 1) * every
            if type(after) is float and not after.is_integer():
                after = round(after, 9)  # round() goes through decimal digits: a whole minute needs none
            self.env.call_at(inc.start_at + after, partial(self._dynamics_at, inc, group, count + 1))

    def _settle(self, inc: Incident) -> None:
        """Take every automatic step the present situation calls for, until nothing changes.

        Only what may have changed is re-checked. At the end of a settle every automatic condition
        of the present state has been found false (or it would have fired), so until something it
        reads changes it stays false: the incident notes what changes (:attr:`Incident.changed`:
        effects, dynamics, actions started or done, moves) and a settle re-checks only the
        conditions that read any of it, or the clock, plus, after a move, everything the new state
        can do (:meth:`CompiledScenario.watch_for`). Drills after a decision re-checked everything
        before; the conditions left out here were known false, so the same things fire, in the
        same order.
        """
        sc = inc.sc
        for _ in range(MAX_SETTLE):
            if inc.ended:
                return
            if inc.unsettled:
                watch = sc.watch[None]
            elif inc.changed or inc.moved:
                watch = sc.watch_for(frozenset(inc.changed), inc.moved)
            else:
                watch = sc.watch[NOW]  # nothing changed but the time
            token = inc.token
            state = token.state if token is not None else inc.final_state
            # Each check is called only when it has something to look at: most settles have little.
            transitions, injects, autos = watch.plan(state)
            if (transitions or injects) and self._fire_one(inc, transitions, injects):
                continue  # what it changed is noted; the next round re-checks that too
            if autos and self._start_auto(inc, autos):
                continue
            if inc.running_dynamics and not inc.changed.isdisjoint(sc.dynamic_reads):
                inc.running_dynamics.clear()  # a dynamic's condition read something that changed
            inc.changed.clear()
            inc.moved = inc.unsettled = False
            if watch.timers:
                self._check_timers(inc, watch.timers)
            if not inc.ended:
                if watch.hazards:
                    self._check_hazards(inc, watch.hazards)
                if self.triggers:
                    self._check_triggers(inc)
            return
        inc.unsettled = True

    def _fire_one(self, inc: Incident, transitions: tuple[CTransition, ...], injects: tuple[CInject, ...]) -> bool:
        """Fire the first automatic transition or conditional inject that is due; say if one fired.

        ``transitions`` are those that may fire in the present state and lead elsewhere (:meth:`Watch.plan`).
        """
        for trans in transitions:
            if trans.when(inc):
                changes = self._apply(inc, trans.effects)
                if changes:
                    self._emit(ValuesChanged(incident=inc.index, via=f"transition:{trans.id}", changes=changes))
                self._move(inc, trans.goto, f"transition:{trans.id}")
                return True
        for inject in injects:
            if inject.id not in inc.delivered and inject.when(inc):  # type: ignore[misc]
                self._deliver(inc, inject)
                return True
        return False

    def _start_auto(self, inc: Incident, autos: tuple[CAction, ...]) -> bool:
        """Start the first automatic action now offered (an outside party acting on its own); say if one did.

        It is not a decision: no decision event, no rules. Its ``begin`` and ``done`` events record
        it, and a replay starts it again at the same moment because the same situation arises.
        """
        started = inc.started
        for act in autos:
            if (act.repeatable or act.id not in started) and (act.when is None or act.when(inc)):  # _offered
                inc.started.add(act.id)
                inc.stages_begun.add(act.stage)
                inc.changed.add(act.read)
                _Performance(self, inc, act)
                return True
        return False

    def _check_timers(self, inc: Incident, timers: tuple[CTimer, ...]) -> None:
        for timer in timers:
            status = inc.timers.get(timer.id)
            if status is None and (timer.start is None or timer.start(inc)):
                inc.timers[timer.id] = status = "running"
                due = self.env.now + timer.deadline
                self._emit(TimerChanged(incident=inc.index, timer=timer.id, status="started", due=due))
                self.env.call_at(due, partial(self._expire, inc, timer), LATE)
            if status == "running" and timer.met(inc):
                inc.timers[timer.id] = "met"
                self._emit(TimerChanged(incident=inc.index, timer=timer.id, status="met"))

    def _expire(self, inc: Incident, timer: CTimer) -> None:
        if inc.ended or inc.timers.get(timer.id) != "running":
            return
        if timer.met(inc):
            inc.timers[timer.id] = "met"
            self._emit(TimerChanged(incident=inc.index, timer=timer.id, status="met"))
            return
        inc.timers[timer.id] = "missed"
        self._emit(TimerChanged(incident=inc.index, timer=timer.id, status="missed"))
        self._emit(rules.missed_deadline(timer.label, timer.deadline).finding(inc.index, timer=timer.id))
        changes = self._apply(inc, timer.effects)
        if changes:
            self._emit(ValuesChanged(incident=inc.index, via=f"timer:{timer.id}", changes=changes))
        if timer.goto is not None:
            self._move(inc, timer.goto, f"timer:{timer.id}")
        self._settle(inc)

    def _check_triggers(self, source: Incident) -> None:
        """Start every incident that waits for ``source`` and whose condition now holds (a cascade)."""
        for index, (origin, when) in self.triggers.items():
            waiting = self.incidents[index]
            if origin != source.index or waiting.live or waiting.ended or not when(source):
                continue
            if waiting.start_at <= self.env.now:
                waiting.start_at = self.env.now
                self._begin(waiting)
            elif not waiting.pending_start:
                waiting.pending_start = True
                self.env.call_at(waiting.start_at, partial(self._begin, waiting), URGENT)

    def _check_hazards(self, inc: Incident, hazards: tuple[CHazard, ...]) -> None:
        for hazard in hazards:
            active = bool(hazard.active(inc))
            if active != (hazard.id in inc.hazards_on):
                (inc.hazards_on.add if active else inc.hazards_on.discard)(hazard.id)
                self._emit(HazardChanged(incident=inc.index, hazard=hazard.id, active=active))


class _Performance:
    """One action under way, from waiting for staff to its effects: a SimPy process, as callbacks.

    Written as a generator, each action cost a SimPy process (the process, its initialising event,
    a generator resumed at every step, a closing event). Written as callbacks on the very same
    events, it costs one bare event: it starts from an urgent call at the current instant (where
    the process's initialising event stood), asks each pool for staff with the same requests, and
    takes its time with a call at ``now + duration`` (where the timeout stood). Everything that was
    on the queue is there at the same place, so drills record exactly what they did as processes
    (``tests/engine/test_fast_paths.py`` holds the engine to that).

    A decided action can be withdrawn while it runs (:meth:`Drill.withdraw`). As a process it was
    interrupted: an urgent event at the current instant, after which it gave up its place in the
    queues, freed the staff it held and recorded that it was dropped. :meth:`withdraw` schedules
    the same urgent event, and the steps still to come are cancelled.
    """

    __slots__ = ("act", "begun", "decision", "drill", "held", "inc", "next", "over", "withdrawn")

    def __init__(self, drill: Drill, inc: Incident, act: CAction, decision: int | None = None) -> None:
        self.drill = drill
        self.inc = inc
        self.act = act
        self.decision = decision
        """The decision that started it (unset for an outside party acting on its own)."""
        self.held: list[tuple[Pool, Request]] = []
        self.next = 0
        self.begun = False
        """Whether its first step has run (a process's first resumption)."""
        self.withdrawn = False
        self.over = False
        """Finished, dropped or interrupted: no step of it runs any more."""
        drill.env.call_at(drill.env.now, self._start, URGENT)

    def withdraw(self) -> None:
        """Stop it: before its first step it never starts; after, it is interrupted at this instant."""
        self.withdrawn = True
        if self.begun and not self.over:
            self.drill.env.call_at(self.drill.env.now, self._interrupted, URGENT)

    def _start(self) -> None:
        self.begun = True
        if self.withdrawn:  # withdrawn in the instant it was decided, before its first step
            self.over = True
            self._done()
            return
        self._staff()

    def _staff(self) -> None:
        """Ask for each person the action needs, in order; wait where one is not free yet."""
        act, inc, drill = self.act, self.inc, self.drill
        needs = act.needs
        while self.next < len(needs):
            pool_id = needs[self.next]
            pool = drill.pools.get(pool_id) or drill.pool(pool_id)
            request = pool.request()
            self.held.append((pool, request))
            self.next += 1
            if not request.triggered:
                inc.pending.append(request)
                drill._emit(StaffAwaited(incident=inc.index, action=act.id, pool=pool_id))
                request.callbacks.append(self._granted)
                return
        if inc.ended:
            self.over = True
            self._release()
            self._done()
            return
        duration = act.duration(drill.rng)
        drill._emit(ActionBegun(incident=inc.index, action=act.id, duration=duration))
        if duration > 0:
            env = drill.env
            env.call_at(env.now + duration, self._finish)
        else:
            self._finish()

    def _granted(self, request: Request) -> None:
        if self.over:
            return  # interrupted while this request was on its way
        self.inc.pending.remove(request)
        self._staff()

    def _interrupted(self) -> None:
        """Withdrawn while under way: give up its places in the queues, free its staff, say it was dropped."""
        if self.over:
            return  # it finished in the same instant, before the interruption came
        self.over = True
        inc = self.inc
        for pool, request in self.held:
            if request.triggered:
                pool.release(request)
            else:
                request.cancel()
            if request in inc.pending:
                inc.pending.remove(request)
        self.drill._emit(ActionDropped(incident=inc.index, action=self.act.id))
        self._done()

    def _release(self) -> None:
        for pool, request in self.held:
            pool.release(request)

    def _done(self) -> None:
        if self.decision is not None:
            self.inc.running.pop(self.decision, None)

    def _finish(self) -> None:
        if self.over:
            return  # withdrawn while it took its time
        self.over = True
        act, inc, drill = self.act, self.inc, self.drill
        self._release()
        if inc.ended:
            drill._emit(ActionDropped(incident=inc.index, action=act.id))
            self._done()
            return
        changes = drill._apply(inc, act.effects)
        inc.done.add(act.id)
        inc.stages_done.add(act.stage)
        inc.changed.add(act.read)
        drill._emit(ActionDone(incident=inc.index, action=act.id, changes=changes))
        if act.goto is not None:
            drill._move(inc, act.goto, f"action:{act.id}")
        drill._settle(inc)
        self._done()


def _bounded(effect: Effect, value: Value) -> Value:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if effect.low is not None:
        value = max(effect.low, value)
    if effect.high is not None:
        value = min(effect.high, value)
    return round(value) if effect.whole else round(float(value), 6)
