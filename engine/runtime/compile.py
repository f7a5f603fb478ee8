"""Turn a validated scenario into runtime tables, once per version, and reuse them across drills.

A :class:`CompiledScenario` holds everything a drill needs in the cheapest form to use: expressions
as closures, effects as (variable, evaluator, bounds) triples, durations as samplers, parameters
resolved for one locale, and the actions offered in each state precomputed. It also owns the one
``transitions.Machine`` for the scenario: building a Machine costs milliseconds, so it is never
built per drill. Drills borrow a state token from a small pool (:meth:`CompiledScenario.acquire`)
and give it back when they end, so even ``add_model`` is paid once per concurrent drill, not per run.

Compiled scenarios are cached by (id, version, content digest, locale): a Monte Carlo sweep of
100,000 runs compiles once.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from transitions import Machine

from engine.errors import EngineError
from engine.format import (
    NOW,
    Duration,
    Effects,
    Evaluator,
    Exponential,
    Fixed,
    LifeTag,
    Names,
    Normal,
    Scenario,
    Stage,
    Text,
    Triangular,
    Uniform,
    Value,
    compile_expression,
    effect_expression,
    names_of,
)

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
    auto: bool = False


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
    dynamic_groups: tuple[tuple[float, tuple[CDynamic, ...]], ...] = ()
    """Dynamics grouped by step length, so each group costs one scheduled event per step."""
    auto: dict[str, tuple[CAction, ...]] = field(default_factory=dict)
    """State -> the automatic actions that may start in it (only states that have some)."""
    _free: list[Token] = field(default_factory=list)
    _watch_cache: dict[frozenset[str], Watch] = field(default_factory=dict)

    def watch_for(self, changed: frozenset[str]) -> Watch:
        """What to re-check when the variables in ``changed`` changed together (cached)."""
        found = self._watch_cache.get(changed)
        if found is None:
            found = self._watch_cache[changed] = _watch(self, changed)
        return found

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
        offered = {
            state: tuple(a for a in actions.values() if a.states is None or state in a.states) for state in s.states
        }
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
                    self.effects(i.effects),
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
                    self.effects(t.effects),
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
                    self.effects(t.missed.effects) if t.missed else (),
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
        result.auto = {state: found for state, acts in offered.items() if (found := tuple(a for a in acts if a.auto))}
        result.watch = _watches(result)
        steps = dict.fromkeys(d.every for d in result.dynamics)
        result.dynamic_groups = tuple((every, tuple(d for d in result.dynamics if d.every == every)) for every in steps)
        clock = result.watch[NOW]
        result.clocked = bool(clock.transitions or clock.injects or clock.timers or clock.hazards)
        return result

    def _machine(self) -> Machine:
        """One Machine per scenario version; every goto in the file is one declared trigger."""
        s = self.s
        live = list(s.states)
        triggers: list[dict[str, object]] = []

        def add(name: str, dest: str | None) -> None:
            if dest is not None:
                triggers.append({"trigger": name, "source": live, "dest": dest})

        for aid, a in s.actions.items():
            add(f"action:{aid}", a.goto)
        for iid, i in s.injects.items():
            add(f"inject:{iid}", i.goto)
        for tid, t in s.transitions.items():
            add(f"transition:{tid}", t.goto)
        for tid, timer in s.timers.items():
            add(f"timer:{tid}", timer.missed.goto if timer.missed else None)
        for eid in s.endings:
            add(f"limit:{eid}", eid)  # lets the engine end an incident on a plan's order
        return Machine(
            model=None,
            states=[*s.states, *s.endings],
            transitions=triggers,
            initial=s.initial,
            auto_transitions=False,
            ignore_invalid_triggers=False,
        )

    # Pieces -----------------------------------------------------------------------------------

    def number(self, value: float | str) -> float:
        return self.parameters[value] if isinstance(value, str) else float(value)

    def cond(self, text: str) -> Evaluator:
        return compile_expression(text, self.names, want="bool").run

    def reads(self, text: str | None) -> frozenset[str]:
        return compile_expression(text, self.names).reads if text else frozenset()

    def effects(self, effects: Effects) -> tuple[Effect, ...]:
        out = []
        for var, value in effects.items():
            variable = self.s.variables[var]
            text = effect_expression(self.s, var, value)
            if text is not None:
                run = compile_expression(text, self.names, want=self.names.variables[var]).run
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
            effects=self.effects(a.effects),
            goto=a.goto,
            repeatable=a.repeatable,
            forbidden=tuple(Forbidden(self.cond(f.when), f.reason, f.source, f.rule) for f in a.forbidden),
            label=a.label,
            auto=a.auto,
        )

    def _dynamic(self, did: str) -> CDynamic:
        d = self.s.dynamics[did]
        variable = self.s.variables[d.var]
        rate = (
            _constant(d.rate)
            if not isinstance(d.rate, str)
            else compile_expression(d.rate, self.names, want="number").run
        )
        assert variable.min is not None and variable.max is not None  # numbers are bounded (model)
        return CDynamic(
            did, d.var, rate, self.cond(d.while_), d.every, variable.min, variable.max, variable.type == "int"
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


def _watch(sc: CompiledScenario, changed: frozenset[str] | None) -> Watch:
    """The conditions worth re-checking when only ``changed`` changed and the clock moved (None: all)."""

    def pick(items: tuple, changed: frozenset[str] | None) -> tuple:  # type: ignore[type-arg]
        return tuple(i for i in items if changed is None or NOW in i.reads or not changed.isdisjoint(i.reads))

    return Watch(
        pick(sc.transitions, changed),
        tuple(i for i in pick(sc.injects, changed) if i.when is not None),
        pick(sc.timers, changed),
        pick(sc.hazards, changed),
    )


def _watches(sc: CompiledScenario) -> dict[str | None, Watch]:
    """For each variable (and None: anything), what to re-check when only it changed."""
    keys: list[str | None] = [None, NOW, *sc.initial_values]
    return {var: _watch(sc, None if var is None else frozenset([var])) for var in keys}


def _constant(value: object) -> Evaluator:
    return lambda c: value  # type: ignore[return-value]
