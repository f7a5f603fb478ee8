"""Cross-reference and expression checks that a schema alone cannot express.

Pydantic checks each object on its own; this module checks that the objects agree with each other:
every role, state, pool, variable, action and source named anywhere exists, every expression parses
and is well typed over the scenario's declared names, and every effect gives its variable a value of
the right kind. Problems are returned as ``(field path, message)`` pairs so the loader can put a file
position on each and report them all at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping

from engine.errors import ExpressionError
from engine.format.dialogue import expand
from engine.format.dialogue import problems as dialogue_problems
from engine.format.expressions import Names, compile_expression, did_you_mean
from engine.format.model import Action, Decision, Duration, Effects, Rubric, Scenario, ScenarioTest
from engine.format.yamlsafe import Path

PENALTY_KEYS = (
    "life-first/forbidden",
    "life-first/order",
    "red-line/forbidden",
    "emotion-first/forbidden",
    "report-handle-feedback/order",
    "report-handle-feedback/premature-close",
    "report-handle-feedback/open",
    "deadline/missed",
)
"""The rule/kind pairs a finding can have, which a rubric may set penalties for."""

MAX_MINUTES = 7 * 24 * 60
"""Longest time any figure may stand for: a week of sim time (a follow-up call days later fits)."""

Found = list[tuple[Path, str]]
"""Problems: where (a path into the document) and what."""


def names_of(scenario: Scenario) -> Names:
    """The names an expression in ``scenario`` may use."""
    kinds = {"bool": "bool", "int": "number", "float": "number", "enum": "text"}
    return Names(
        variables={k: kinds[v.type] for k, v in scenario.variables.items()},
        choices={k: tuple(v.values) for k, v in scenario.variables.items() if v.type == "enum"},
        parameters={k: p.value for k, p in scenario.parameters.items()},
        states=frozenset([*scenario.states, *scenario.endings]),
        actions=frozenset(scenario.actions),
    )


def effect_expression(scenario: Scenario, var: str, value: object) -> str | None:
    """The expression text of one effect value, or None when the value is a literal."""
    variable = scenario.variables[var]
    if isinstance(value, str) and not (variable.type == "enum" and value in variable.values):
        return value
    return None


def decision_problems(scenario: Scenario, decision: Decision) -> Found:
    """What a scripted decision's ``when`` or ``after`` names that ``scenario`` does not have.

    Paths are relative to the decision (``("when",)``, ``("after", "inject")``).
    """
    found: Found = []
    if decision.when is not None:
        try:
            compile_expression(decision.when, names_of(scenario), want="bool")
        except ExpressionError as exc:
            found.append((("when",), str(exc)))
    after = decision.after
    if after is not None and after.inject is not None and after.inject not in scenario.injects:
        message = f"unknown inject '{after.inject}'{did_you_mean(after.inject, scenario.injects)}"
        found.append((("after", "inject"), message))
    if after is not None and after.done is not None and after.done not in scenario.actions:
        message = f"unknown action '{after.done}'{did_you_mean(after.done, scenario.actions)}"
        found.append((("after", "done"), message))
    return found


def check_scenario(scenario: Scenario) -> Found:
    """Every cross-reference and expression problem in ``scenario``."""
    return _Checker(scenario).run()


class _Checker:
    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.names = names_of(scenario)
        self.found: Found = []
        self.places = {*scenario.states, *scenario.endings}

    def run(self) -> Found:
        s = self.s
        if s.initial is not None and s.initial not in s.states:
            self._unknown(("initial",), "state", s.initial, s.states)
        self.found.extend(dialogue_problems(s))
        for clash in sorted(set(s.states) & set(s.endings)):
            self.found.append((("endings", clash), f"'{clash}' is both a state and an ending"))
        self._number(("limit",), s.limit)
        for pid, param in s.parameters.items():
            self._source(("parameters", pid, "source"), param.source)
        for rid, role in s.roles.items():
            if role.pool is not None and role.kind == "external":
                self.found.append((("roles", rid, "pool"), "an external role does not use the site's staff pools"))
            elif role.pool is not None:
                self._ref(("roles", rid, "pool"), "staff pool", role.pool, s.staff)
        for pid, pool in s.staff.items():
            known = isinstance(pool.capacity, str) and self._ref(
                ("staff", pid, "capacity"), "parameter", pool.capacity, s.parameters
            )
            if known:
                param = s.parameters[str(pool.capacity)]
                for figure in (param.value, *param.locales.values()):
                    if figure < 1 or not float(figure).is_integer():
                        message = f"'{pool.capacity}' is {figure:g}; a pool needs a whole number of people, at least 1"
                        self.found.append((("staff", pid, "capacity"), message))
        for clash in sorted(set(s.parameters) & set(s.variables)):
            self.found.append((("parameters", clash), f"'{clash}' is both a parameter and a variable; rename one"))
        for aid, action in s.actions.items():
            self._action(aid, action)
        for hid, hazard in s.hazards.items():
            base = ("hazards", hid)
            self._condition((*base, "active"), hazard.active)
            self._source((*base, "source"), hazard.source)
            for i, ref in enumerate(hazard.requires):
                known = self._ref((*base, "requires", i), "action", ref, s.actions)
                if known and s.actions[ref].life != "life-safety":
                    self.found.append(((*base, "requires", i), f"'{ref}' must be tagged life: life-safety"))
        for iid, inject in s.injects.items():
            base = ("injects", iid)
            if inject.at is not None:
                self._number((*base, "at"), inject.at)
            if inject.when is not None:
                self._condition((*base, "when"), inject.when)
            self._ref((*base, "from"), "role", inject.from_, s.roles)
            self._ref((*base, "to"), "role", inject.to, s.roles)
            for i, ref in enumerate(inject.expect):
                self._ref((*base, "expect", i), "action", ref, s.actions)
            self._effects((*base, "effects"), inject.effects)
            self._goto((*base, "goto"), inject.goto)
        for did, dynamic in s.dynamics.items():
            base = ("dynamics", did)
            known = self._ref((*base, "var"), "variable", dynamic.var, s.variables)
            if known and s.variables[dynamic.var].type not in ("int", "float"):
                self.found.append(((*base, "var"), f"'{dynamic.var}' is not a number variable"))
            if isinstance(dynamic.rate, str):
                self._expression((*base, "rate"), dynamic.rate, "number")
            self._condition((*base, "while"), dynamic.while_)
        for tid, trans in s.transitions.items():
            base = ("transitions", tid)
            self._condition((*base, "when"), trans.when)
            self._states((*base, "in"), trans.in_)
            self._goto((*base, "goto"), trans.goto)
            self._effects((*base, "effects"), trans.effects)
        for tid, timer in s.timers.items():
            base = ("timers", tid)
            if timer.start is not None:
                self._condition((*base, "start"), timer.start)
            self._condition((*base, "met"), timer.met)
            self._number((*base, "deadline"), timer.deadline)
            self._source((*base, "source"), timer.source)
            if timer.missed is not None:
                self._effects((*base, "missed", "effects"), timer.missed.effects)
                self._goto((*base, "missed", "goto"), timer.missed.goto)
        for name, test in s.tests.items():
            self._test(("tests", name), test)
        if s.rubric is not None:
            self._rubric(s.rubric)
        return self.found

    def _rubric(self, rubric: Rubric) -> None:
        s = self.s
        seen: dict[str, str] = {}
        for oid, objective in rubric.objectives.items():
            for tid, task in objective.tasks.items():
                base = ("rubric", "objectives", oid, "tasks", tid)
                if tid in seen:
                    self.found.append((base, f"task '{tid}' is also in objective '{seen[tid]}'; task ids are unique"))
                seen[tid] = oid
                for i, ref in enumerate(task.actions):
                    self._ref((*base, "actions", i), "action", ref, s.actions)
                for i, ref in enumerate(task.after):
                    self._ref((*base, "after", i), "action", ref, s.actions)
                for i, ref in enumerate(task.after_any):
                    self._ref((*base, "after_any", i), "action", ref, s.actions)
                if task.timer is not None:
                    self._ref((*base, "timer"), "timer", task.timer, s.timers)
                if task.within is not None:
                    self._number((*base, "within"), task.within)
                self._source((*base, "source"), task.source)
        for key in rubric.penalties:
            if key not in PENALTY_KEYS:
                hint = did_you_mean(key, PENALTY_KEYS)
                self.found.append((("rubric", "penalties", key), f"unknown rule/kind '{key}'{hint}"))

    def _test(self, base: Path, test: ScenarioTest) -> None:
        s = self.s
        places = self.places
        if test.persona is not None or s.roleplay_only:
            personas = s.dialogue.personas if s.dialogue is not None else {}
            if test.persona is not None and test.persona not in personas:
                self._unknown((*base, "persona"), "persona", test.persona, personas)
                return
            if any(p[0] == "dialogue" for p, _ in dialogue_problems(s)):
                return  # the dialogue's own problems are reported; its role-play cannot be built
            s = expand(s, test.persona or sorted(personas)[0])
            places = {*s.states, *s.endings}
        for i, decision in enumerate(test.decisions):
            where = (*base, "decisions", i)
            if decision.incident != 0:
                self.found.append(
                    ((*where, "incident"), "a scenario's own tests have one incident: leave out 'incident'")
                )
            if self._ref((*where, "action"), "action", decision.action, s.actions):
                role = s.actions[decision.action].role
                if decision.role != role:
                    self.found.append(
                        ((*where, "role"), f"'{decision.action}' is done by '{role}', not '{decision.role}'")
                    )
            self.found.extend(((*where, *path), message) for path, message in decision_problems(s, decision))
        expect, at = test.expect, (*base, "expect")
        if expect.ending is not None:
            self._ref((*at, "ending"), "ending", expect.ending, s.endings)
        for i, ref in enumerate(expect.refused):
            self._ref((*at, "refused", i), "action", ref, s.actions)
        for section in ("findings", "absent"):
            for i, pattern in enumerate(getattr(expect, section)):
                if pattern.action is not None:
                    self._ref((*at, section, i, "action"), "action", pattern.action, s.actions)
                if pattern.timer is not None:
                    self._ref((*at, section, i, "timer"), "timer", pattern.timer, s.timers)
        self._values((*at, "values"), expect.values, s.variables)
        for i, checkpoint in enumerate(expect.checkpoints):
            if checkpoint.state is not None and checkpoint.state not in places:
                self._unknown((*at, "checkpoints", i, "state"), "state or ending", checkpoint.state, places)
            self._values((*at, "checkpoints", i, "values"), checkpoint.values, s.variables)
        if test.locale is not None:
            known = {name for p in s.parameters.values() for name in p.locales}
            if test.locale not in known:
                self._unknown((*base, "locale"), "locale", test.locale, known)

    def _capacity(self, pool: str) -> int:
        """People in a pool (a parameter's smallest value across locales, when it names one)."""
        capacity = self.s.staff[pool].capacity
        if isinstance(capacity, int):
            return capacity
        param = self.s.parameters.get(capacity)
        return int(min([param.value, *param.locales.values()])) if param else 0

    def _values(self, path: Path, values: Mapping[str, object], variables: Mapping[str, object] | None = None) -> None:
        for var in values:
            self._ref((*path, var), "variable", var, self.s.variables if variables is None else variables)

    def _action(self, aid: str, action: Action) -> None:
        s, base = self.s, ("actions", aid)
        if self._ref((*base, "role"), "role", action.role, s.roles):
            role = s.roles[action.role]
            if role.kind == "external" and action.staff:
                self.found.append(((*base, "staff"), "an external role does not use the site's staff pools"))
        self._states((*base, "in"), action.in_)
        if action.when is not None:
            self._condition((*base, "when"), action.when)
        self._duration((*base, "duration"), action.duration)
        for pool, count in (action.staff or {}).items():
            capacity = self._capacity(pool) if self._ref((*base, "staff", pool), "staff pool", pool, s.staff) else 0
            if capacity and count > capacity:
                self.found.append(((*base, "staff", pool), f"needs {count} from '{pool}', which has only {capacity}"))
        self._effects((*base, "effects"), action.effects)
        self._goto((*base, "goto"), action.goto)
        if action.auto:
            # Nobody decides an automatic action, so nothing about a decision may apply to it.
            if action.role in s.roles and s.roles[action.role].kind != "external":
                self.found.append(
                    ((*base, "auto"), "only an outside party's action (an external role) can be automatic")
                )
            if action.repeatable:
                self.found.append(((*base, "auto"), "an automatic action cannot be repeatable: it would run for ever"))
            if action.forbidden:
                self.found.append(((*base, "auto"), "nobody decides an automatic action, so it cannot be forbidden"))
        for i, forbid in enumerate(action.forbidden):
            self._condition((*base, "forbidden", i, "when"), forbid.when)
            self._source((*base, "forbidden", i, "source"), forbid.source)
        for i, ref in enumerate(action.sources):
            self._source((*base, "sources", i), ref)

    # Small checks -----------------------------------------------------------------------------

    def _unknown(self, path: Path, what: str, name: str, pool: Iterable[str]) -> None:
        self.found.append((path, f"unknown {what} '{name}'{did_you_mean(name, list(pool))}"))

    def _ref(self, path: Path, what: str, name: str, pool: Mapping[str, object]) -> bool:
        if name in pool:
            return True
        self._unknown(path, what, name, pool)
        return False

    def _source(self, path: Path, ref: str | None) -> None:
        if ref is not None:
            self._ref(path, "source", ref, self.s.sources)

    def _states(self, path: Path, refs: list[str] | None) -> None:
        for i, ref in enumerate(refs or []):
            if ref in self.s.endings:
                self.found.append(((*path, i), f"'{ref}' is an ending; nothing happens after an ending"))
            else:
                self._ref((*path, i), "state", ref, self.s.states)

    def _goto(self, path: Path, ref: str | None) -> None:
        if ref is not None and ref not in self.places:
            self._unknown(path, "state or ending", ref, self.places)

    def _number(self, path: Path, value: object) -> None:
        if isinstance(value, str):
            if not self._ref(path, "parameter", value, self.s.parameters):
                return
            param = self.s.parameters[value]
            figures = [param.value, *param.locales.values()]
        else:
            figures = [float(value)]  # type: ignore[arg-type]
        for figure in figures:
            if figure < 0:
                self.found.append((path, f"{figure:g} is negative; minutes cannot be"))
            elif figure > MAX_MINUTES:
                self.found.append(
                    (path, f"{figure:g} minutes is more than a week; a drill covers at most {MAX_MINUTES}")
                )

    def _duration(self, path: Path, duration: Duration) -> None:
        if isinstance(duration, str | float | int):
            self._number(path, duration)
            return
        for field, value in duration:
            if field != "dist" and value is not None:
                self._number((*path, field), value)
        figures = {k: v for k, v in duration if isinstance(v, int | float) and k != "dist"}
        order = [k for k in ("low", "mode", "high") if k in figures]
        for lower, upper in itertools.pairwise(order):
            if figures[lower] > figures[upper]:
                self.found.append(((*path, upper), f"{upper} {figures[upper]:g} is below {lower} {figures[lower]:g}"))

    def _expression(self, path: Path, text: str, want: str) -> None:
        try:
            compile_expression(text, self.names, want=want)
        except ExpressionError as exc:
            self.found.append((path, str(exc)))

    def _condition(self, path: Path, text: str) -> None:
        self._expression(path, text, "bool")

    def _effects(self, path: Path, effects: Effects) -> None:
        for var, value in effects.items():
            where = (*path, var)
            if not self._ref(where, "variable", var, self.s.variables):
                continue
            variable = self.s.variables[var]
            kind = self.names.variables[var]
            text = effect_expression(self.s, var, value)
            if (
                text is not None
                and variable.type == "enum"
                and text.isidentifier()
                and text not in self.names.variables
            ):
                hint = did_you_mean(text, variable.values)
                self.found.append(
                    (where, f"'{text}' is not a value of '{var}'{hint}; it takes {', '.join(variable.values)}")
                )
            elif text is not None:
                self._expression(where, text, kind)
            elif variable.type == "bool" and not isinstance(value, bool):
                self.found.append((where, f"'{var}' is true/false, got {value!r}"))
            elif variable.type in ("int", "float") and (isinstance(value, bool) or not isinstance(value, int | float)):
                self.found.append((where, f"'{var}' is a number, got {value!r}"))
