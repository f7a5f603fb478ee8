"""The scenario linter: what a file that loads can still get wrong, as stable, located codes.

The loader (:mod:`engine.format.loader`) refuses what cannot run: bad YAML, a wrong shape, a dangling
reference, an expression that does not compile. A file it accepts can still be a poor drill: a
state nobody can reach, a phase the players cannot leave, a deadline that can never be met, a
label too wide for the console, an English text without its Chinese. This module finds those and
reports each as one line, ``path:line:col CODE message``, at the most precise position the
document knows (the id's key for things named by id, the value for a condition or a text).

Codes are stable: tools and CI configurations may refer to them, so a code is never reused for
another meaning. Files that do not load get DS001-DS003 (one line per loader problem) and nothing
else, since nothing past the loader can be trusted about them. Plans (``plan/1``) get the text
checks and DS017; decision scripts (``script/1`` or a bare YAML list) are checked for validity only.

====== ======================= ==================================================================
Code   Name                    Rule
====== ======================= ==================================================================
DS001  invalid                 The file does not load (each loader problem not listed below).
DS002  dangling-reference      The loader found an unknown role, state, ending, staff pool,
                               variable, action, source, parameter, timer or locale.
DS003  duplicate-id            A duplicate YAML key, an id that is both a state and an ending, or
                               a name that is both a parameter and a variable.
DS004  unused-variable         A variable that no expression reads and that is either
                               ``show: hidden`` or never changed by any effect or dynamic (a shown
                               variable that changes is used: the console displays it).
DS005  unreachable-state       A state or ending that no path from ``initial`` reaches.
DS006  dead-end                A reachable state with no way out at all: only the limit ends it.
DS007  no-ending-reachable     A reachable state with ways out, none of which leads to an ending.
DS008  may-stall               A reachable state whose every way out can be shown never to open
                               while the incident is in it (see "Guards" below; a timer miss or
                               an ``at`` inject that leads out always opens). The drill sits
                               there until the limit.
DS009  timer-never-met         A timer whose ``met`` (or ``start``) can never hold (see "Guards").
DS010  loop-cannot-close       No action of some stage (report, handle, feedback), or no feedback
                               action offered in any reachable state from which a success or
                               partial ending can still be reached.
DS011  hazard-without-rescue   A hazard that may be active, one of whose required actions cannot
                               be started in any state where it may be active or on the way there.
DS012  missing-translation     A text given only in zh or only in en.
DS013  text-overflow           A text that does not fit the console panel that shows it at 80x24
                               (:data:`engine.display.PANELS`): an action label more than 2 lines
                               of the 38-cell action list, a reply more than 9 lines of the
                               46-cell reply list, a situation label more than 2 lines of the
                               35-cell side panel, a rubric task more than 3 lines of the 29-cell
                               task list, a narration, inject message or refusal reason more than
                               11 lines of the 40-cell feed; any other label or title wider than
                               76 cells, any other text more than 6 lines of 76.
DS014  unused-parameter        A parameter that no figure and no expression names.
DS015  unused-source           A source that no parameter, action, forbidden rule, hazard or
                               timer cites.
DS016  unreachable-action      An action offered in no reachable state (``in`` lists only
                               unreachable states, or nothing).
DS017  plan-problem            A plan names a scenario that cannot be found or loaded, a staff
                               pool or team role none of its scenarios has, a locale none of
                               them knows, or an ``after`` trigger that names an unknown
                               incident, does not compile, or waits in a circle (each problem
                               :func:`engine.runtime.setup.prepare` finds, at its place in the plan).
DS018  space-in-chinese        A space between two Chinese characters in a zh text: usually a
                               folded YAML line (``>``) joined with a space, which Chinese never
                               has; keep such a sentence on one line.
====== ======================= ==================================================================

The graph. Nodes are states and endings. A way out of state S to T (T is not S) is: an action
with ``goto: T`` offered in S (its ``in`` lists S, or it has no ``in``); a transition to T whose
``in`` lists S or is absent; an inject or a timer's ``missed`` with ``goto: T`` (from any state).
Reachability (DS005, DS016) and DS006/DS007 use these edges and ignore every condition, so what
they report is unreachable or stuck whatever happens. A state is reported once, by the first of
DS005, DS006, DS007, DS008 that applies.

Guards (DS008, DS009, DS011). A condition is evaluated over *possible values* instead of values:
a variable keeps its initial value where nothing that may have run can have changed it (no
dynamic, inject effect or timer-miss effect writes it, and no action offered and no transition
firing in a state on the way writes it); ``started(a)``/``done(a)`` stay false where ``a`` is
offered in no state on the way; ``in_state(x)`` is known exactly in a given state; ``now``, and
every variable that may have changed, may be anything. ``and``/``or``/``not``, comparisons and
arithmetic combine possibilities; a condition is reported only when it *cannot* be true. This is
sound (nothing is reported that could happen) and simple (no correlation between two conditions
is tracked), at the price of missing stalls that depend on such correlations. "On the way" to S
means the reachable states from which S can be reached, S included. For DS008, a way out is open
when its condition may hold in S (an action without ``when``, an inject with ``at`` and a timer
miss always are). For DS009, the scope is every reachable state.

Why one module of this size: the rules share the graph and the condition evaluator, and the table
above, the code ids and the rules are kept side by side so that they cannot drift apart.
"""

from __future__ import annotations

import ast
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from engine.display import ACTIONS, CONSOLE_WIDTH, FEED, REPLIES, SIDE, TALK, TASKS, TEXT, WIDE, Panel, cells
from engine.errors import ContentError, Problem
from engine.format import (
    ARITHMETIC,
    COMPARISONS,
    CONSTANT_NAMES,
    RESERVED,
    Document,
    Plan,
    Scenario,
    Text,
    Value,
    compile_expression,
    effect_expression,
    expand,
    load,
    load_script,
    names_of,
    read_document,
    yaml_files,
)
from engine.format.dialogue import problems as dialogue_problems
from engine.format.yamlsafe import Path as DocPath
from engine.runtime import prepare

CODES: dict[str, str] = {
    "DS001": "invalid: the file does not load",
    "DS002": "dangling-reference: a role, state, ending, pool, variable, action, source or parameter is unknown",
    "DS003": "duplicate-id: a duplicate key, or one id used for two kinds of thing",
    "DS004": "unused-variable: no expression reads it, and it is hidden or never changes",
    "DS005": "unreachable-state: no path from the initial state reaches it",
    "DS006": "dead-end: a state with no way out; only the time limit ends it",
    "DS007": "no-ending-reachable: no ending can be reached from this state",
    "DS008": "may-stall: no way out of this state can ever open; the drill sits there until the limit",
    "DS009": "timer-never-met: the timer's met (or start) condition can never hold",
    "DS010": "loop-cannot-close: a loop stage has no action, or no feedback is possible before a good ending",
    "DS011": "hazard-without-rescue: a required life-safety action cannot be started while the hazard may be active",
    "DS012": "missing-translation: a text is given in only one of zh and en",
    "DS013": "text-overflow: a text does not fit the console panel that shows it (at 80x24)",
    "DS014": "unused-parameter: no figure or expression names it",
    "DS015": "unused-source: nothing cites it",
    "DS016": "unreachable-action: offered only in unreachable states",
    "DS017": "plan-problem: a plan's scenarios, pools, roles or triggers do not fit together",
    "DS018": "space-in-chinese: a space between two Chinese characters (a folded YAML line?)",
}
"""Code -> one-line description. Codes are stable: never renumbered, never reused."""

WIDTH = CONSOLE_WIDTH
"""Display cells of a full-width console line (an 80-column panel less its border and padding)."""

MAX_LINES = TEXT.lines
"""Most lines a full-width text (a summary, an explanation) may take at :data:`WIDTH`."""

_SINGLE_LINE = frozenset({"label", "labels", "title"})
"""Fields whose texts are labels: one full-width line unless a narrower panel shows them."""

_SIDE = frozenset({"states", "endings", "hazards", "variables", "roles", "staff"})
"""Sections whose labels the live screen's side panel (and the action list's role headings) show."""

_FEED = frozenset({"narration", "message", "reason"})
"""Fields whose texts appear in the live screen's event feed."""


def _panel(path: DocPath, field: str) -> Panel:
    """The console panel a text at ``path`` (in a field named ``field``) is shown in."""
    section = str(path[0]) if path else ""
    if section == "actions" and field == "label":
        return ACTIONS
    if section == "dialogue" and field == "text":
        return REPLIES
    if section == "dialogue" and field in ("owner", "personas"):
        return TALK
    if section in _SIDE and field in ("label", "labels"):
        return SIDE
    if section == "rubric" and field == "label" and "tasks" in path:
        return TASKS
    if field in _FEED:
        return FEED
    return WIDE if field in _SINGLE_LINE else TEXT


_MEMBERSHIP = ("started", "done", "in_state")
"""Functions whose argument is an action or a state id, not a value."""

_DANGLING = re.compile(
    r"^(?:(?:started|done|in_state)\(\): )?unknown (?:role|state|ending|state or ending|staff pool|variable"
    r"|action|source|parameter|timer|locale) '"
)
_DUPLICATE = re.compile(r"^duplicate key '|^'[^']*' is both a (?:state and an ending|parameter and a variable)")


@dataclass(frozen=True)
class Lint:
    """One finding of the linter.

    Attributes:
        path: The file, as the user named it.
        line: 1-based line (1 when the finding concerns the whole file).
        col: 1-based column (1 when unknown).
        code: Stable code, a key of :data:`CODES`.
        message: What is wrong, naming the field and the thing.
    """

    path: str
    line: int
    col: int
    code: str
    message: str

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}:{self.col} {self.code} {self.message}"
        # One finding, one line: line breaks and control characters from the file are shown escaped.
        return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def lint_paths(paths: list[str]) -> list[Lint]:
    """Lint every ``.yaml``/``.yml`` file named in ``paths`` or found in a named folder.

    Returns:
        Every finding, sorted by path, line and column.
    """
    found = [lint for path in yaml_files(paths) for lint in lint_file(path)]
    return sorted(found, key=_order)


def lint_file(path: str | Path) -> list[Lint]:
    """Lint one scenario, plan or decision script file; never raises for what the file contains.

    Returns:
        Every finding, sorted by line and column.
    """
    name = str(path)
    try:
        _, doc = read_document(path)
        loaded = load_script(path) if isinstance(doc.data, list) else load(path)
    except ContentError as exc:
        return sorted((_from_problem(p, _loader_code(p.message)) for p in exc.problems), key=_order)
    model = loaded.model
    found: list[Lint] = []
    if isinstance(model, Scenario | Plan):
        found += _texts(name, loaded.document, model)
    if isinstance(model, Scenario):
        if model.initial is not None:
            found += _ScenarioLint(name, model, loaded.document).run()
        if model.dialogue is not None and not dialogue_problems(model):
            seen: set[Lint] = set()
            for persona in sorted(model.dialogue.personas):
                for lint in _RolePlayLint(name, expand(model, persona), loaded.document).run():
                    if lint not in seen:
                        seen.add(lint)
                        found.append(lint)
    elif isinstance(model, Plan):
        found += _plan(name)
    return sorted(found, key=_order)


def _order(lint: Lint) -> tuple[str, int, int, str, str]:
    return (lint.path, lint.line, lint.col, lint.code, lint.message)


def _from_problem(problem: Problem, code: str) -> Lint:
    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    return Lint(problem.path, max(problem.line, 1), max(problem.col, 1), code, message)


def _loader_code(message: str) -> str:
    """DS002/DS003 for the loader problems that have their own code, DS001 for the rest."""
    if _DANGLING.match(message):
        return "DS002"
    if _DUPLICATE.match(message):
        return "DS003"
    return "DS001"


def _dotted(path: DocPath) -> str:
    return ".".join(str(p) for p in path)


# Texts: translations and console widths ---------------------------------------------------------


def _texts(name: str, doc: Document, model: BaseModel) -> list[Lint]:
    """DS012 and DS013 over every :class:`Text` in the model."""
    found: list[Lint] = []
    for path, field, text in _walk_texts(model, ()):
        given = [lang for lang in ("zh", "en") if getattr(text, lang)]
        if len(given) == 1:
            missing = "en" if given == ["zh"] else "zh"
            line, col = doc.where(path)
            message = f"{_dotted(path)}: given in {given[0]} only; add the {missing} text"
            found.append(Lint(name, line, col, "DS012", message))
        for lang in given:
            value: str = getattr(text, lang)
            line, col = doc.where((*path, lang))
            where = _dotted((*path, lang))
            gap = _CJK_GAP.search(value) if lang == "zh" else None
            if gap is not None:
                message = (
                    f"{where}: a space between '{gap.group(1)}' and '{gap.group(2)}'; Chinese has none"
                    " (a folded line? keep the sentence on one line)"
                )
                found.append(Lint(name, line, col, "DS018", message))
            panel = _panel(path, field)
            if panel is WIDE:
                width = cells(value.replace("\n", " "))
                if width > WIDTH:
                    message = f"{where}: is {width} cells wide; a one-line text fits in {WIDTH}"
                    found.append(Lint(name, line, col, "DS013", message))
                continue
            count = panel.measure(value)
            if count > panel.lines:
                room = "" if panel is TEXT else f" of {panel.name}"
                message = f"{where}: needs {count} lines{room} ({panel.width} cells); at most {panel.lines} fit"
                found.append(Lint(name, line, col, "DS013", message))
    return found


_CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
_CJK_GAP = re.compile(f"({_CJK}) +({_CJK})")


def _walk_texts(node: object, path: DocPath, field: str = "") -> Iterator[tuple[DocPath, str, Text]]:
    """Every text under ``node``, with its place and the name of the field that holds it."""
    if isinstance(node, Text):
        yield path, field, node
    elif isinstance(node, BaseModel):
        for key, info in type(node).model_fields.items():
            yield from _walk_texts(getattr(node, key), (*path, info.alias or key), key)
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _walk_texts(value, (*path, key), field)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk_texts(value, (*path, index), field)


# Plans -------------------------------------------------------------------------------------------


def _plan(name: str) -> list[Lint]:
    """DS017: whatever :func:`engine.runtime.setup.prepare` refuses in a plan that loads on its own."""
    try:
        prepare(name)
    except ContentError as exc:
        return [_from_problem(p, "DS017") for p in exc.problems]
    return []


# Possible values of a condition -------------------------------------------------------------------

Possible = frozenset[Value] | None
"""The values an expression may take, or None when it may take any value."""

_BOTH: frozenset[bool] = frozenset({True, False})
_MAX_COMBINATIONS = 64
"""Beyond this many combinations of operand values, a result is taken as 'anything'."""


@dataclass(frozen=True)
class _Scope:
    """What is known where a condition is evaluated.

    Attributes:
        constants: Names whose possible values are known (unchanged variables, parameters).
        doable: Actions that may have started by now.
        state: The state the incident is in, or None for any of ``places``.
        places: States the incident may be in.
    """

    constants: Mapping[str, frozenset[Value]]
    doable: frozenset[str]
    state: str | None
    places: frozenset[str]


def _possible(node: ast.expr, scope: _Scope) -> Possible:
    """The values ``node`` may take in ``scope`` (None: any)."""
    if isinstance(node, ast.Constant):
        value = node.value
        return frozenset([value]) if isinstance(value, bool | int | float | str) else None
    if isinstance(node, ast.Name):
        if node.id in CONSTANT_NAMES:
            return frozenset([CONSTANT_NAMES[node.id]])
        return scope.constants.get(node.id)
    if isinstance(node, ast.BoolOp):
        both = isinstance(node.op, ast.And)
        result: frozenset[Value] = frozenset(_truth(node.values[0], scope))
        for part in node.values[1:]:
            other = _truth(part, scope)
            result = frozenset((a and b) if both else (a or b) for a in result for b in other)
        return result
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return frozenset(not t for t in _truth(node.operand, scope))
        sign = operator.neg if isinstance(node.op, ast.USub) else operator.pos
        return _apply(sign, [_possible(node.operand, scope)])
    if isinstance(node, ast.BinOp):
        arith = ARITHMETIC.get(type(node.op))
        return None if arith is None else _apply(arith, [_possible(node.left, scope), _possible(node.right, scope)])
    if isinstance(node, ast.Compare):
        return _compare(node, scope)
    if isinstance(node, ast.IfExp):
        test = _truth(node.test, scope)
        branches = ([node.body] if True in test else []) + ([node.orelse] if False in test else [])
        merged: frozenset[Value] = frozenset()
        for branch in branches:
            values = _possible(branch, scope)
            if values is None:
                return None
            merged |= values
        return merged if len(merged) <= _MAX_COMBINATIONS else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call(node.func.id, node.args, scope)
    return None


def _compare(node: ast.Compare, scope: _Scope) -> Possible:
    fns = [COMPARISONS[type(op)] for op in node.ops]

    def chain(*values: Any) -> bool:
        return all(fn(values[i], values[i + 1]) for i, fn in enumerate(fns))

    operands = [_possible(o, scope) for o in (node.left, *node.comparators)]
    found = _apply(chain, operands)
    return _BOTH if found is None else found


def _call(name: str, args: list[ast.expr], scope: _Scope) -> Possible:
    target = args[0].id if args and isinstance(args[0], ast.Name) else ""
    if name in ("started", "done"):
        return _BOTH if target in scope.doable else frozenset([False])
    if name == "in_state":
        if scope.state is not None:
            return frozenset([scope.state == target])
        can_be = target in scope.places
        can_differ = bool(scope.places - {target})
        return frozenset([True] * can_be + [False] * can_differ)
    values = [_possible(a, scope) for a in args]
    if name == "abs":
        return _apply(abs, values)
    pick = min if name == "min" else max
    return _apply(lambda *xs: pick(xs), values)


def _apply(fn: Callable[..., Any], operands: list[Possible]) -> Possible:
    """Every result of ``fn`` over the combinations of possible operand values."""
    known: list[frozenset[Value]] = []
    size = 1
    for operand in operands:
        if operand is None:
            return None
        known.append(operand)
        size *= len(operand)
    if size > _MAX_COMBINATIONS:
        return None
    try:
        return frozenset(fn(*combo) for combo in itertools.product(*known))
    except (ArithmeticError, TypeError, ValueError):
        return None


def _value_names(tree: ast.expr) -> set[str]:
    """Names read as values (variables, parameters), not the ids given to started/done/in_state."""
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            ids.add(id(node.func))
            if isinstance(node.func, ast.Name) and node.func.id in _MEMBERSHIP:
                ids.update(id(arg) for arg in node.args)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in ids}


def _truth(node: ast.expr, scope: _Scope) -> frozenset[bool]:
    """Whether ``node`` may be true, false, or both, in ``scope``."""
    found = _possible(node, scope)
    return _BOTH if found is None else frozenset(bool(v) for v in found)


# Scenarios ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Exit:
    """A way from some states to another state or ending."""

    sources: frozenset[str] | None
    """States it leaves from (None: every state)."""
    goto: str
    """Where it leads."""
    guard: str | None
    """Condition under which it may be taken (None: always, or when time passes)."""


class _ScenarioLint:
    """DS004-DS016 over one loaded scenario."""

    def __init__(self, name: str, scenario: Scenario, doc: Document) -> None:
        self.name, self.s, self.doc = name, scenario, doc
        self.names = names_of(scenario)
        self.found: list[Lint] = []
        self.parsed: dict[str, ast.expr] = {}
        s = scenario
        every = frozenset(s.states)
        self.offered = {aid: every if a.in_ is None else frozenset(a.in_) & every for aid, a in s.actions.items()}
        self.exits = self._exits()
        self.successors = {state: {e.goto for e in self.exits_from(state)} for state in s.states}
        self.predecessors: dict[str, set[str]] = {}
        for state, targets in self.successors.items():
            for target in targets:
                self.predecessors.setdefault(target, set()).add(state)
        self.reachable = self._closure({s.initial} if s.initial else set(), self.successors)
        self.live = frozenset(n for n in self.reachable if n in s.states)
        self._scopes: dict[str | None, _Scope] = {}

    def add(self, path: DocPath, code: str, message: str, *, key: bool = False) -> None:
        line, col = self.doc.where(path, key=key)
        self.found.append(Lint(self.name, line, col, code, message))

    def run(self) -> list[Lint]:
        self._variables()
        self._graph()
        self._timers()
        self._loop()
        self._hazards()
        self._parameters_and_sources()
        self._actions()
        return self.found

    # The graph ----------------------------------------------------------------------------------

    def _exits(self) -> list[_Exit]:
        s = self.s
        exits = [_Exit(self.offered[aid], a.goto, a.when) for aid, a in s.actions.items() if a.goto is not None]
        exits += [_Exit(None if t.in_ is None else frozenset(t.in_), t.goto, t.when) for t in s.transitions.values()]
        exits += [_Exit(None, i.goto, i.when) for i in s.injects.values() if i.goto is not None]
        exits += [_Exit(None, t.missed.goto, None) for t in s.timers.values() if t.missed and t.missed.goto]
        return exits

    def exits_from(self, state: str) -> list[_Exit]:
        """The ways out of ``state`` (to somewhere else)."""
        return [e for e in self.exits if (e.sources is None or state in e.sources) and e.goto != state]

    @staticmethod
    def _closure(start: Iterable[str], edges: Mapping[str, Iterable[str]]) -> frozenset[str]:
        seen = set(start)
        todo = list(seen)
        while todo:
            for nxt in edges.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return frozenset(seen)

    def on_the_way(self, state: str) -> frozenset[str]:
        """Reachable states from which ``state`` can be reached, ``state`` included."""
        return self._closure({state}, self.predecessors) & self.live

    def _graph(self) -> None:
        s = self.s
        for section, ids in (("states", s.states), ("endings", s.endings)):
            for node in ids:
                if node not in self.reachable:
                    what = "state" if section == "states" else "ending"
                    self.add(
                        (section, node),
                        "DS005",
                        f"{section}.{node}: no path from '{s.initial}' reaches this {what}",
                        key=True,
                    )
        successors = self.successors
        for state in s.states:
            if state not in self.live:
                continue
            where = ("states", state)
            if not successors[state]:
                self.add(
                    where,
                    "DS006",
                    f"states.{state}: no action, transition, inject or timer leads out of it; "
                    "only the time limit ends the drill here",
                    key=True,
                )
            elif not self._closure({state}, successors) & set(s.endings):
                self.add(where, "DS007", f"states.{state}: no ending can be reached from here", key=True)
            elif not any(self._opens(e, state) for e in self.exits_from(state)):
                self.add(
                    where,
                    "DS008",
                    f"states.{state}: every way out has a condition that cannot hold here; "
                    "the drill sits in this state until the time limit",
                    key=True,
                )

    def _opens(self, exit_: _Exit, state: str) -> bool:
        return exit_.guard is None or True in self.truth(exit_.guard, self.scope(state))

    # Conditions ---------------------------------------------------------------------------------

    def tree(self, text: str) -> ast.expr:
        found = self.parsed.get(text)
        if found is None:
            found = self.parsed[text] = ast.parse(text.strip(), mode="eval").body
        return found

    def truth(self, text: str, scope: _Scope) -> frozenset[bool]:
        return _truth(self.tree(text), scope)

    def scope(self, state: str | None) -> _Scope:
        """What is known in ``state`` (None: anywhere reachable)."""
        found = self._scopes.get(state)
        if found is not None:
            return found
        s = self.s
        way = self.live if state is None else self.on_the_way(state)
        written = {d.var for d in s.dynamics.values()}
        written |= {v for i in s.injects.values() for v in i.effects}
        written |= {v for t in s.timers.values() if t.missed for v in t.missed.effects}
        doable = frozenset(aid for aid in s.actions if self.offered[aid] & way)
        written |= {v for aid in doable for v in s.actions[aid].effects}
        written |= {v for t in s.transitions.values() if t.in_ is None or set(t.in_) & way for v in t.effects}
        constants: dict[str, frozenset[Value]] = {
            pid: frozenset([p.value, *p.locales.values()]) for pid, p in s.parameters.items()
        }
        constants.update({v: frozenset([var.initial]) for v, var in s.variables.items() if v not in written})
        found = self._scopes[state] = _Scope(constants, doable, state, self.live)
        return found

    def expressions(self) -> Iterator[tuple[DocPath, str]]:
        """Every condition, effect expression and rate in the scenario, with its place."""
        s = self.s

        def effects(path: DocPath, items: Mapping[str, object]) -> Iterator[tuple[DocPath, str]]:
            for var, value in items.items():
                text = effect_expression(s, var, value)
                if text is not None:
                    yield (*path, var), text

        for aid, a in s.actions.items():
            if a.when is not None:
                yield ("actions", aid, "when"), a.when
            yield from effects(("actions", aid, "effects"), a.effects)
            for index, forbid in enumerate(a.forbidden):
                yield ("actions", aid, "forbidden", index, "when"), forbid.when
        for hid, h in s.hazards.items():
            yield ("hazards", hid, "active"), h.active
        for iid, i in s.injects.items():
            if i.when is not None:
                yield ("injects", iid, "when"), i.when
            yield from effects(("injects", iid, "effects"), i.effects)
        for did, d in s.dynamics.items():
            if isinstance(d.rate, str):
                yield ("dynamics", did, "rate"), d.rate
            yield ("dynamics", did, "while"), d.while_
        for tid, t in s.transitions.items():
            yield ("transitions", tid, "when"), t.when
            yield from effects(("transitions", tid, "effects"), t.effects)
        for tid, timer in s.timers.items():
            if timer.start is not None:
                yield ("timers", tid, "start"), timer.start
            yield ("timers", tid, "met"), timer.met
            if timer.missed is not None:
                yield from effects(("timers", tid, "missed", "effects"), timer.missed.effects)

    # Rules --------------------------------------------------------------------------------------

    def _variables(self) -> None:
        s = self.s
        read: set[str] = set()
        for _, text in self.expressions():
            read |= compile_expression(text, self.names).reads
        changed = {d.var for d in s.dynamics.values()}
        for section in (s.actions, s.injects, s.transitions):
            for item in section.values():
                changed |= set(item.effects)
        changed |= {v for t in s.timers.values() if t.missed for v in t.missed.effects}
        for var, variable in s.variables.items():
            if var in read:
                continue
            if variable.show == "hidden":
                why = "it is hidden, so only the controller ever sees it"
            elif var not in changed:
                why = "and nothing changes it, so the console shows a constant"
            else:
                continue
            self.add(
                ("variables", var), "DS004", f"variables.{var}: no condition or expression reads it; {why}", key=True
            )

    def _timers(self) -> None:
        anywhere = self.scope(None)
        for tid, timer in self.s.timers.items():
            if timer.start is not None and True not in self.truth(timer.start, anywhere):
                self.add(
                    ("timers", tid, "start"),
                    "DS009",
                    f"timers.{tid}.start: can never hold, so the deadline never starts",
                )
            elif True not in self.truth(timer.met, anywhere):
                self.add(
                    ("timers", tid, "met"),
                    "DS009",
                    f"timers.{tid}.met: can never hold, given what can change in this scenario",
                )

    def _loop(self) -> None:
        s = self.s
        stages = {a.stage for a in s.actions.values()}
        for stage in ("report", "handle", "feedback"):
            if stage not in stages:
                self.add(
                    ("actions",),
                    "DS010",
                    f"actions: no action has stage: {stage}, so the loop can never close",
                    key=True,
                )
        good = {e for e, ending in s.endings.items() if ending.outcome in ("success", "partial")}
        hopeful = {st for st in self.live if self._closure({st}, self.successors) & good}
        if "feedback" in stages and not any(
            a.stage == "feedback" and self.offered[aid] & hopeful for aid, a in s.actions.items()
        ):
            where = (
                "no success or partial ending can be reached"
                if not hopeful
                else ("no feedback action is offered in a state from which a success or partial ending can be reached")
            )
            self.add(("actions",), "DS010", f"actions: {where}, so the loop can never close", key=True)

    def _hazards(self) -> None:
        s = self.s
        for hid, hazard in s.hazards.items():
            active = [st for st in sorted(self.live) if True in self.truth(hazard.active, self.scope(st))]
            if not active:
                continue
            before = frozenset().union(*(self.on_the_way(st) for st in active))
            for index, ref in enumerate(hazard.requires):
                action = s.actions[ref]
                if any(
                    action.when is None or True in self.truth(action.when, self.scope(st))
                    for st in self.offered[ref] & before
                ):
                    continue
                self.add(
                    ("hazards", hid, "requires", index),
                    "DS011",
                    f"hazards.{hid}.requires.{index}: '{ref}' can never be started while '{hid}' may be active "
                    f"(or on the way there), so property and admin work would wait for ever",
                )

    def _parameters_and_sources(self) -> None:
        s = self.s
        used: set[str] = set()
        for _, text in self.expressions():
            used |= _value_names(self.tree(text))
        figures: list[object] = [s.limit, *(i.at for i in s.injects.values()), *(t.deadline for t in s.timers.values())]
        figures += [pool.capacity for pool in s.staff.values()]
        for a in s.actions.values():
            duration = a.duration
            figures += [v for k, v in duration if k != "dist"] if isinstance(duration, BaseModel) else [duration]
        used |= {f for f in figures if isinstance(f, str)}
        for pid in s.parameters:
            if pid not in used:
                self.add(("parameters", pid), "DS014", f"parameters.{pid}: no figure or expression names it", key=True)
        cited = {p.source for p in s.parameters.values()} | {h.source for h in s.hazards.values()}
        cited |= {t.source for t in s.timers.values()}
        for a in s.actions.values():
            cited |= set(a.sources) | {f.source for f in a.forbidden}
        for sid in s.sources:
            if sid not in cited:
                self.add(
                    ("sources", sid),
                    "DS015",
                    f"sources.{sid}: no parameter, action, forbidden rule, hazard or timer cites it",
                    key=True,
                )

    def _actions(self) -> None:
        for aid in self.s.actions:
            if self.offered[aid] & self.live:
                continue
            places = sorted(self.offered[aid])
            where = f"only {', '.join(places)}, which no path reaches" if places else "no state"
            self.add(
                ("actions", aid), "DS016", f"actions.{aid}: offered in {where}, so it can never be chosen", key=True
            )


class _RolePlayLint(_ScenarioLint):
    """The same checks over a dialogue's expansion, located at the turns and replies they come from.

    Findings about what the expansion itself adds (the follow-up states, free replies, the meters)
    would be noise for the author and are left out; everything about turns and replies is kept.
    """

    def add(self, path: DocPath, code: str, message: str, *, key: bool = False) -> None:
        mapped = _dialogue_path(self.s, path)
        if mapped is not None:
            super().add(mapped, code, message, key=key)


def _dialogue_path(expanded: Scenario, path: DocPath) -> DocPath | None:
    """Where in the dialogue a path into its expansion comes from (None: something the expansion made)."""
    if len(path) >= 2 and path[0] == "states" and path[1] not in RESERVED:
        return ("dialogue", "turns", path[1])
    if len(path) >= 2 and path[0] == "actions" and isinstance(path[1], str):
        action = expanded.actions.get(path[1])
        spoken = action.spoken if action is not None else None
        if spoken is not None and spoken.turn is not None and spoken.reply is not None:  # a written reply
            return ("dialogue", "turns", spoken.turn, "replies", spoken.reply)
    return None
