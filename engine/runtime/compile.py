"""Turn a validated scenario into runtime tables, once per version, and reuse them across drills.

A :class:`CompiledScenario` holds everything a drill needs in the cheapest form to use: expressions
as closures, effects as (variable, evaluator, bounds) triples, durations as samplers, parameters
resolved for one locale, and the actions offered in each state precomputed. It also owns the one
``transitions.Machine`` for the scenario: building a Machine costs milliseconds, so it is never
built per drill. Drills borrow a state token from a small pool (:meth:`CompiledScenario.acquire`)
and give it back when they end, so even ``add_model`` is paid once per concurrent drill, not per run.

Compiling costs time and memory in proportion to the scenario, never to states times triggers. An
action completes in whatever state the incident has reached by then, and an inject or a missed
deadline moves it from wherever it is, so most triggers may fire from every live state; declaring
each of them on each state made a 2,000-state scenario take half a minute and gigabytes to compile.
Those triggers are declared once, and ``transitions`` gets the transition from a given state the
first time the trigger fires there (:class:`_FromAnyLiveState`); only a transition restricted with
``in:`` is declared on its states up front. The actions offered per state are gathered the same way,
action by action.

Compiled scenarios are cached by (id, version, content digest, locale): a Monte Carlo sweep of
100,000 runs compiles once.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from math import isfinite
from typing import TYPE_CHECKING

from transitions import Machine, Transition

from engine.errors import EngineError
from engine.format import (
    NOW,
    Context,
    Duration,
    Effects,
    Evaluator,
    Exponential,
    Fixed,
    LifeTag,
    Names,
    Normal,
    Scenario,
    Spoken,
    Stage,
    Text,
    Triangular,
    Uniform,
    Value,
    compile_expression,
    effect_expression,
    names_of,
)
from engine.format.expressions import action_read

if TYPE_CHECKING:
    from engine.runtime.run import Option

Sampler = Callable[[random.Random], float]
"""Draws a duration in minutes from the drill's generator."""


@dataclass(frozen=True, slots=True)
class Effect:
    """One compiled effect: set ``var`` to ``value(ctx)``, clamped and typed."""

    var: str
    value: Evaluator
    low: float | None
    high: float | None
    whole: bool


@dataclass(frozen=True, slots=True)
class Forbidden:
    """A compiled 'forbidden while' rule of an action."""

    when: Evaluator
    reason: Text
    source: str | None
    rule: str
    reads: frozenset[str] = frozenset()
    """What its condition reads."""


@dataclass(frozen=True, slots=True)
class CAction:
    """An action, ready to run."""

    id: str
    role: str
    stage: Stage
    life: LifeTag
    states: frozenset[str] | None
    when: Evaluator | None
    duration: Sampler
    staff: tuple[tuple[str, int], ...]
    effects: tuple[Effect, ...]
    goto: str | None
    repeatable: bool
    forbidden: tuple[Forbidden, ...]
    label: Text
    spoken: Spoken | None
    """For a role-play reply: what the expansion declared (see :class:`~engine.format.Spoken`)."""
    reply: bool
    """Whether it is a line the trainee says in a role-play (a written reply or a free one)."""
    coach_judged: bool
    """Whether it is a free reply: the trainee's own words, judged by a coach (not a choice on the screen)."""
    auto: bool = False
    reads: frozenset[str] = frozenset()
    """What its condition reads (so an automatic action is re-checked only when that may have changed)."""
    needs: tuple[str, ...] = ()
    """:attr:`staff` spelt out: one pool id per person, in the order they are asked for."""
    read: str = ""
    """The pseudo-name a condition reads it by (:func:`~engine.format.expressions.action_read`):
    noted as changed when it starts, finishes or is withdrawn."""


@dataclass(frozen=True, slots=True)
class CHazard:
    """A life hazard: its condition and the life-safety actions it requires."""

    id: str
    active: Evaluator
    requires: tuple[str, ...]
    label: Text
    reads: frozenset[str]


@dataclass(frozen=True, slots=True)
class CInject:
    """An inject, due at a time or when a condition first holds."""

    id: str
    at: float | None
    when: Evaluator | None
    effects: tuple[Effect, ...]
    goto: str | None
    reads: frozenset[str]


@dataclass(frozen=True, slots=True)
class CDynamic:
    """A drifting variable."""

    id: str
    var: str
    rate: Evaluator
    while_: Evaluator
    every: float
    low: float
    high: float
    whole: bool
    step: float | None = None
    """``rate * every`` worked out once, for a constant rate (None: the rate is an expression)."""
    reads: frozenset[str] = frozenset()
    """What its ``while`` condition reads."""

    @property
    def fields(self) -> DynamicFields:
        """What a step reads, as one tuple (the drill unpacks it: see ``Drill._dynamics_at``)."""
        return (self.while_, self.var, self.step, self.rate, self.every, self.whole, self.id, self.low, self.high)


DynamicFields = tuple[Evaluator, str, "float | None", Evaluator, float, bool, str, float, float]
"""A :class:`CDynamic`'s ``while_, var, step, rate, every, whole, id, low, high``, in that order."""


@dataclass(frozen=True, slots=True)
class DynamicGroup:
    """The dynamics that share a step length: one scheduled event per step serves them all.

    Attributes:
        every: The step length (sim minutes).
        fields: Each dynamic as its :attr:`CDynamic.fields`, in scenario order.
        reads: What their ``while`` conditions read.
        cached: Whether which of them run can be kept from one step to the next until something
            in :attr:`reads` changes: true unless a condition reads the clock or a variable the
            group itself moves (then each is looked at in turn, after the steps before it).
    """

    every: float
    fields: tuple[DynamicFields, ...]
    reads: frozenset[str]
    cached: bool


@dataclass(frozen=True, slots=True)
class CTransition:
    """An automatic move."""

    id: str
    states: frozenset[str] | None
    when: Evaluator
    goto: str
    effects: tuple[Effect, ...]
    reads: frozenset[str]


@dataclass(frozen=True, slots=True)
class CTimer:
    """A deadline."""

    id: str
    start: Evaluator | None
    deadline: float
    met: Evaluator
    effects: tuple[Effect, ...]
    goto: str | None
    label: Text
    reads: frozenset[str]


@dataclass(frozen=True, slots=True)
class Watch:
    """The automatic things whose conditions may change when one variable changes."""

    transitions: tuple[CTransition, ...]
    injects: tuple[CInject, ...]
    timers: tuple[CTimer, ...]
    hazards: tuple[CHazard, ...]
    applicable: Mapping[str, tuple[CTransition, ...]] = field(default_factory=dict)
    """The scenario's transitions that may fire in each state (shared by every watch)."""
    ids: frozenset[str] = frozenset()
    """Ids of :attr:`transitions`."""
    auto: Mapping[str, tuple[CAction, ...]] = field(default_factory=dict)
    """The scenario's automatic actions that may start in each state (shared by every watch)."""
    auto_ids: frozenset[str] | None = None
    """Ids of the automatic actions worth checking (None: all of them)."""
    _plans: dict[str, Plan] = field(default_factory=dict)

    def plan(self, state: str) -> Plan:
        """What a settle looks at in ``state``: (transitions, injects, automatic actions), in scenario order (cached).

        Transitions: the watched ones that may fire in ``state`` and lead elsewhere (one back to
        the same state never fires). A drill checks them after every change: looking only at those
        of the present state keeps a scenario of thousands of states, each with its own, as cheap
        to run as a small one.

        Automatic actions: the watched ones that may start in ``state``. One starts the moment it
        is on offer, so at the end of every settle each one not started has its condition false;
        only a change to what that condition reads can start it (a repeatable one is always
        checked: it may start again).
        """
        found = self._plans.get(state)
        if found is None:
            ids, auto_ids = self.ids, self.auto_ids
            found = self._plans[state] = (
                tuple(t for t in self.applicable.get(state, ()) if t.id in ids and t.goto != state),
                self.injects,
                tuple(a for a in self.auto.get(state, ()) if auto_ids is None or a.id in auto_ids),
            )
        return found


Plan = tuple[tuple[CTransition, ...], tuple[CInject, ...], tuple[CAction, ...]]
"""What a settle checks in one state: see :meth:`Watch.plan`."""


class Token:
    """The object ``transitions`` moves between states; one per incident in flight.

    ``Machine.add_model`` gives it ``state`` and ``trigger(name)``; nothing else is used.
    """

    state: str
    trigger: Callable[[str], bool]


@dataclass
class CompiledScenario:
    """Runtime tables for one scenario version in one locale. Shared by every drill that runs it."""

    model: Scenario
    locale: str | None
    digest: str
    names: Names
    parameters: dict[str, float]
    limit: float
    initial_values: dict[str, Value]
    actions: dict[str, CAction]
    offered: dict[str, tuple[CAction, ...]]
    """State -> the actions that can be decided in it (automatic ones included)."""
    hazards: tuple[CHazard, ...]
    injects: tuple[CInject, ...]
    dynamics: tuple[CDynamic, ...]
    transitions: tuple[CTransition, ...]
    timers: tuple[CTimer, ...]
    endings: dict[str, str]
    machine: Machine
    capacities: dict[str, int] = field(default_factory=dict)
    """Staff pool -> people on shift, with parameter names resolved for the locale."""
    clocked: bool = False
    """Whether some automatic condition reads ``now`` and so must be re-checked as time passes."""
    watch: dict[str | None, Watch] = field(default_factory=dict)
    """Per variable (and None for 'anything may have changed'): what to re-check after a change."""
    dynamic_groups: tuple[DynamicGroup, ...] = ()
    """Dynamics grouped by step length, so each group costs one scheduled event per step."""
    dynamic_reads: frozenset[str] = frozenset()
    """What any dynamic's ``while`` reads: a change to it may start or stop one."""
    transitions_in: dict[str, tuple[CTransition, ...]] = field(default_factory=dict)
    """State -> the transitions that may fire in it (those without ``in:`` and those naming it)."""
    auto: dict[str, tuple[CAction, ...]] = field(default_factory=dict)
    """State -> the automatic actions that may start in it (only states that have some)."""
    choices: dict[str, tuple[CAction, ...]] = field(default_factory=dict)
    """State -> the actions people can decide in it (:attr:`offered` without the automatic ones)."""
    offers: dict[int, dict[str, Option]] = field(default_factory=dict)
    """The :class:`~engine.runtime.run.Option` of each action by incident index, made once for every
    drill of the scenario: an option is a value, and a sweep asks for the options at every decision."""
    _free: list[Token] = field(default_factory=list)
    _moves: dict[tuple[str, str], str] = field(default_factory=dict)
    _watch_cache: dict[tuple[frozenset[str], bool], Watch] = field(default_factory=dict)

    def watch_for(self, changed: frozenset[str], moved: bool = False) -> Watch:
        """What to re-check when the names in ``changed`` changed together (cached).

        Args:
            changed: Variables, and the pseudo-names ``@actions:<id>`` and ``@state`` when an action
                started or finished or the incident moved.
            moved: The incident is in a state it was not in when last settled: every transition and
                automatic action of that state is checked (their conditions were never looked at there).
        """
        key = (changed, moved)
        found = self._watch_cache.get(key)
        if found is None:
            found = self._watch_cache[key] = _watch(self, changed, moved=moved)
        return found

    def move(self, token: Token, trigger: str) -> None:
        """Fire ``trigger`` on ``token`` through the scenario's machine.

        The first time a trigger fires from a state, ``transitions`` runs it in full: it checks the
        move is declared from there (refusing it otherwise) and moves the token. The destination is
        then known, and fixed (moves are declared in data, with no conditions or callbacks), so
        from then on the machine sets it directly: the same move, without the event machinery that
        made up most of a move's cost.
        """
        key = (trigger, token.state)
        dest = self._moves.get(key)
        if dest is None:
            token.trigger(trigger)
            self._moves[key] = token.state
        else:
            self.machine.set_state(dest, model=token)

    def acquire(self) -> Token:
        """Borrow a state token placed in the initial state."""
        initial = self.model.initial or ""  # compiled() refuses a scenario without one
        if self._free:
            token = self._free.pop()
            token.state = initial
            return token
        token = Token()
        self.machine.add_model(token, initial=initial)
        return token

    def release(self, token: Token) -> None:
        """Give a token back for the next drill."""
        self._free.append(token)


_CACHE: dict[tuple[str, str, str, str | None], CompiledScenario] = {}


def compiled(scenario: Scenario, digest: str, locale: str | None = None) -> CompiledScenario:
    """The compiled form of ``scenario`` for ``locale``, built on first use and then reused."""
    key = (scenario.id, scenario.version, digest, locale)
    if scenario.initial is None:
        raise EngineError(f"scenario '{scenario.id}' is a role-play only: play it with an owner persona")
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = _Compiler(scenario, digest, locale).build()
    return found


class _Compiler:
    def __init__(self, scenario: Scenario, digest: str, locale: str | None) -> None:
        self.s = scenario
        self.digest = digest
        self.locale = locale
        self.parameters = {
            k: p.locales.get(locale, p.value) if locale else p.value for k, p in scenario.parameters.items()
        }
        base = names_of(scenario)
        self.names = Names(base.variables, base.choices, self.parameters, base.states, base.actions)

    def build(self) -> CompiledScenario:
        s = self.s
        actions = {aid: self._action(aid) for aid in s.actions}
        gathered: dict[str, list[CAction]] = {state: [] for state in s.states}
        for action in actions.values():  # in scenario order, so each state lists its actions in file order
            for state in s.states if action.states is None else action.states:
                if state in gathered:
                    gathered[state].append(action)
        offered = {state: tuple(found) for state, found in gathered.items()}
        result = CompiledScenario(
            model=s,
            locale=self.locale,
            digest=self.digest,
            names=self.names,
            parameters=self.parameters,
            limit=self.number(s.limit),
            initial_values={k: v.initial for k, v in s.variables.items()},
            actions=actions,
            offered=offered,
            hazards=tuple(
                CHazard(hid, self.cond(h.active), tuple(h.requires), h.label, self.reads(h.active))
                for hid, h in s.hazards.items()
            ),
            injects=tuple(
                CInject(
                    iid,
                    None if i.at is None else self.number(i.at),
                    None if i.when is None else self.cond(i.when),
                    self.effects(i.effects, f"inject '{iid}'"),
                    i.goto,
                    self.reads(i.when),
                )
                for iid, i in s.injects.items()
            ),
            dynamics=tuple(self._dynamic(did) for did in s.dynamics),
            transitions=tuple(
                CTransition(
                    tid,
                    None if t.in_ is None else frozenset(t.in_),
                    self.cond(t.when),
                    t.goto,
                    self.effects(t.effects, f"transition '{tid}'"),
                    self.reads(t.when),
                )
                for tid, t in s.transitions.items()
            ),
            timers=tuple(
                CTimer(
                    tid,
                    None if t.start is None else self.cond(t.start),
                    self.number(t.deadline),
                    self.cond(t.met),
                    self.effects(t.missed.effects, f"timer '{tid}'") if t.missed else (),
                    t.missed.goto if t.missed else None,
                    t.label,
                    self.reads(t.start) | self.reads(t.met),
                )
                for tid, t in s.timers.items()
            ),
            endings={eid: e.outcome for eid, e in s.endings.items()},
            machine=self._machine(),
        )
        result.capacities = {
            pool: int(self.number(spec.capacity)) if isinstance(spec.capacity, str) else spec.capacity
            for pool, spec in s.staff.items()
        }
        per_state: dict[str, list[CTransition]] = {state: [] for state in s.states}
        for trans in result.transitions:
            for state in s.states if trans.states is None else trans.states:
                if state in per_state:
                    per_state[state].append(trans)
        result.transitions_in = {state: tuple(found) for state, found in per_state.items()}
        result.auto = {state: found for state, acts in offered.items() if (found := tuple(a for a in acts if a.auto))}
        result.choices = {state: tuple(a for a in acts if not a.auto) for state, acts in offered.items()}
        result.watch = _watches(result)
        steps = dict.fromkeys(d.every for d in result.dynamics)
        result.dynamic_groups = tuple(
            _group(every, [d for d in result.dynamics if d.every == every]) for every in steps
        )
        result.dynamic_reads = frozenset().union(*(d.reads for d in result.dynamics))
        clock = result.watch[NOW]
        result.clocked = bool(clock.transitions or clock.injects or clock.timers or clock.hazards)
        return result

    def _machine(self) -> Machine:
        """One Machine per scenario version; every goto in the file is one declared trigger.

        A transition with ``in:`` moves only from those states; every other trigger may fire from
        any live state and is declared once for all of them (see the module's docstring).
        """
        s = self.s
        machine = _Machine(
            model=None,
            states=[*s.states, *s.endings],
            initial=s.initial,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )
        live = frozenset(s.states)

        def anywhere(name: str, dest: str | None) -> None:
            if dest is not None:
                machine.add_from_any_live_state(name, dest, live)

        for aid, a in s.actions.items():
            anywhere(f"action:{aid}", a.goto)
        for iid, i in s.injects.items():
            anywhere(f"inject:{iid}", i.goto)
        for tid, t in s.transitions.items():
            if t.in_ is None:
                anywhere(f"transition:{tid}", t.goto)
            else:
                machine.add_transition(f"transition:{tid}", source=list(t.in_), dest=t.goto)
        for tid, timer in s.timers.items():
            anywhere(f"timer:{tid}", timer.missed.goto if timer.missed else None)
        for eid in s.endings:
            anywhere(f"limit:{eid}", eid)  # lets the engine end an incident on a plan's order
        return machine

    # Pieces -----------------------------------------------------------------------------------

    def number(self, value: float | str) -> float:
        return self.parameters[value] if isinstance(value, str) else float(value)

    def cond(self, text: str) -> Evaluator:
        return compile_expression(text, self.names, want="bool").run

    def reads(self, text: str | None) -> frozenset[str]:
        return compile_expression(text, self.names).reads if text else frozenset()

    def effects(self, effects: Effects, whose: str) -> tuple[Effect, ...]:
        """Compiled effects; ``whose`` names their owner (``action 'x'``) in a run-time error."""
        out = []
        for var, value in effects.items():
            variable = self.s.variables[var]
            text = effect_expression(self.s, var, value)
            if text is not None:
                kind = self.names.variables[var]
                expression = compile_expression(text, self.names, want=kind)
                run = expression.run
                if kind == "number":
                    run = _finite(run, expression.reads, f"{whose}: the effect on '{var}'")
            else:
                run = _constant(value)
            out.append(Effect(var, run, variable.min, variable.max, variable.type == "int"))
        return tuple(out)

    def _action(self, aid: str) -> CAction:
        a = self.s.actions[aid]
        role = self.s.roles[a.role]
        if a.staff is not None:
            staff = tuple((pool, n) for pool, n in a.staff.items() if n > 0)
        elif role.kind == "staff" and role.pool is not None:
            staff = ((role.pool, 1),)
        else:
            staff = ()
        return CAction(
            id=aid,
            role=a.role,
            stage=a.stage,
            life=a.life,
            states=None if a.in_ is None else frozenset(a.in_),
            when=None if a.when is None else self.cond(a.when),
            duration=self.sampler(a.duration),
            staff=staff,
            effects=self.effects(a.effects, f"action '{aid}'"),
            goto=a.goto,
            repeatable=a.repeatable,
            forbidden=tuple(
                Forbidden(self.cond(f.when), f.reason, f.source, f.rule, self.reads(f.when)) for f in a.forbidden
            ),
            label=a.label,
            spoken=a.spoken,
            reply=a.spoken is not None,
            coach_judged=a.spoken is not None and a.spoken.coach_judged,
            auto=a.auto,
            reads=self.reads(a.when),
            needs=tuple(pool for pool, count in staff for _ in range(count)),
            read=action_read(aid),
        )

    def _dynamic(self, did: str) -> CDynamic:
        d = self.s.dynamics[did]
        variable = self.s.variables[d.var]
        step: float | None = None
        if isinstance(d.rate, str):
            expression = compile_expression(d.rate, self.names, want="number")
            rate = _finite(expression.run, expression.reads, f"dynamic '{did}': the rate of '{d.var}'")
        else:
            rate = _constant(d.rate)
            step = d.rate * d.every  # as the drill would work it out at every step
        assert variable.min is not None and variable.max is not None  # numbers are bounded (model)
        return CDynamic(
            did,
            d.var,
            rate,
            self.cond(d.while_),
            d.every,
            variable.min,
            variable.max,
            variable.type == "int",
            step,
            self.reads(d.while_),
        )

    def sampler(self, duration: Duration) -> Sampler:
        """A function drawing the duration; draws are rounded to 0.01 min to keep records legible."""
        if isinstance(duration, str | int | float):
            fixed = self.number(duration)
            return lambda rng: fixed
        n = self.number
        if isinstance(duration, Fixed):
            value = n(duration.value)
            return lambda rng: value
        if isinstance(duration, Uniform):
            low, high = n(duration.low), n(duration.high)
            return lambda rng: round(rng.uniform(low, high), 2)
        if isinstance(duration, Triangular):
            low, mode, high = n(duration.low), n(duration.mode), n(duration.high)
            return lambda rng: round(rng.triangular(low, high, mode), 2)
        if isinstance(duration, Normal):
            mean, sd, low = n(duration.mean), n(duration.sd), n(duration.low)
            high = n(duration.high) if duration.high is not None else float("inf")
            return lambda rng: round(min(high, max(low, rng.gauss(mean, sd))), 2)
        assert isinstance(duration, Exponential)
        mean = n(duration.mean)
        cap = n(duration.high) if duration.high is not None else float("inf")
        return lambda rng: round(min(cap, rng.expovariate(1.0 / mean) if mean > 0 else 0.0), 2)


def _watch(sc: CompiledScenario, changed: frozenset[str] | None, *, moved: bool = False) -> Watch:
    """The conditions worth re-checking when only ``changed`` changed and the clock moved (None: all).

    After a move (``moved``) every transition and automatic action is kept: those of the new state
    have not been looked at in it yet.
    """

    def pick(items: tuple, changed: frozenset[str] | None) -> tuple:  # type: ignore[type-arg]
        return tuple(i for i in items if changed is None or NOW in i.reads or not changed.isdisjoint(i.reads))

    transitions = pick(sc.transitions, None if moved else changed)
    autos = tuple({a.id: a for acts in sc.auto.values() for a in acts}.values())
    auto_ids = None
    if changed is not None and not moved:
        auto_ids = frozenset(a.id for a in autos if a.repeatable) | frozenset(a.id for a in pick(autos, changed))
    return Watch(
        transitions,
        tuple(i for i in pick(sc.injects, changed) if i.when is not None),
        pick(sc.timers, changed),
        pick(sc.hazards, changed),
        sc.transitions_in,
        frozenset(t.id for t in transitions),
        sc.auto,
        auto_ids,
    )


def _watches(sc: CompiledScenario) -> dict[str | None, Watch]:
    """For each variable (and None: anything), what to re-check when only it changed."""
    keys: list[str | None] = [None, NOW, *sc.initial_values]
    return {var: _watch(sc, None if var is None else frozenset([var])) for var in keys}


class _FromAnyLiveState(defaultdict[str, list[Transition]]):
    """A trigger's transitions by source state, for a trigger that may fire from any live state.

    ``transitions`` keeps an event's transitions in a mapping from source state to a list. This one
    says it has every live state (so the machine accepts the trigger there and refuses it from an
    ending, as if each had been declared) and makes the transition from a state when it is first
    needed: memory grows with the moves drills make, not with states times triggers.
    """

    def __init__(self, dest: str, live: frozenset[str]) -> None:
        super().__init__(list)
        self.dest = dest
        self.live = live

    def __contains__(self, state: object) -> bool:
        return state in self.live

    def __missing__(self, state: str) -> list[Transition]:
        if state not in self.live:
            return []
        made = self[state] = [Transition(state, self.dest)]
        return made


class _Machine(Machine):
    """``transitions.Machine`` with triggers declared once for every live state."""

    def add_from_any_live_state(self, trigger: str, dest: str, live: frozenset[str]) -> None:
        """Declare ``trigger``, moving to ``dest`` from whichever live state the model is in."""
        self.add_transition(trigger, source=[], dest=dest)
        self.events[trigger].transitions = _FromAnyLiveState(dest, live)


def _group(every: float, dynamics: list[CDynamic]) -> DynamicGroup:
    reads = frozenset().union(*(d.reads for d in dynamics))
    moved = {d.var for d in dynamics}
    return DynamicGroup(every, tuple(d.fields for d in dynamics), reads, NOW not in reads and moved.isdisjoint(reads))


def _finite(run: Evaluator, reads: frozenset[str], what: str) -> Evaluator:
    """``run``, refusing a result that is not a finite number (a drill must not record NaN or infinity).

    Load time refuses what is infinite whatever the drill does (``1e999``, ``1e308 * 10``); what
    overflows only with the values a drill reaches (``x * x - x * x`` with a large ``x``) stops the
    drill here, naming the expression's owner and the values it read.
    """

    def checked(c: Context) -> Value:
        value = run(c)
        if isfinite(value):  # type: ignore[arg-type]  # a number expression (checked at load)
            return value
        read = ", ".join(f"{name}={c.values[name]!r}" for name in sorted(reads) if name in c.values)
        raise EngineError(
            f"{what} came to {value} at minute {c.now:g}, not a number a drill can record"
            + (f" (with {read})" if read else "")
        )

    return checked


def _constant(value: object) -> Evaluator:
    return lambda c: value  # type: ignore[return-value]
