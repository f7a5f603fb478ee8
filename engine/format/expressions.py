"""The small, safe expression language used by conditions and effects in scenario files.

Authors write conditions such as ``distress >= 60 and not started(voice_contact)`` and effect values
such as ``distress - 20``. The text is parsed with :func:`ast.parse` (Python's own grammar, so the
syntax is familiar and well tested), then every node is checked against a short whitelist and
turned into a tree of plain Python closures. Nothing from a file is ever handed to ``eval`` or
``exec``: a node that is not on the whitelist (attribute access, subscripts, calls to anything but
the few functions below, lambdas, comprehensions...) is a load-time error.

Names are resolved when the scenario is loaded, against the declared variables, parameters, states
and actions, so a typo is reported with the file position and a did-you-mean, never at minute 40 of
a drill. Each expression also gets a static type (bool, number or text) so that ``"level" + 3`` or a
condition that is not a truth value is caught at load time too.

Why closures rather than an interpreter loop: a drill evaluates guards after every change, and a
closure tree costs one Python call per node, which keeps the engine's hot path cheap.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, cast

from engine.errors import ExpressionError

Value = bool | int | float | str
"""What a variable holds and an expression yields."""

MAX_LENGTH = 1000
"""Longest expression accepted, in characters: conditions are one line, not programs."""

MAX_DEPTH = 40
"""Deepest nesting accepted; keeps compilation far from Python's recursion limit."""

NOW = "@now"
"""Pseudo-name in :attr:`Compiled.reads`: the expression reads the sim clock."""

ACTIONS = "@actions"
"""Pseudo-name of any action started, finished or withdrawn (what reads started()/done() of any)."""


def action_read(action: str) -> str:
    """Pseudo-name in :attr:`Compiled.reads`: the expression reads ``started(action)`` or ``done(action)``.

    One per action, so that a decision re-checks only the conditions that name its action.
    """
    return f"{ACTIONS}:{action}"


STATE = "@state"
"""Pseudo-name in :attr:`Compiled.reads`: the expression reads in_state()."""


class Context(Protocol):
    """What an expression reads while a drill runs (an incident satisfies it)."""

    values: dict[str, Value]
    started: set[str]
    done: set[str]

    @property
    def state(self) -> str: ...

    @property
    def now(self) -> float: ...


Evaluator = Callable[[Context], Value]
"""A compiled expression: call it with the incident's context to get its value."""


@dataclass(frozen=True, slots=True)
class Names:
    """Everything an expression in one scenario may refer to.

    Attributes:
        variables: Variable name -> kind (``"bool"``, ``"number"``, ``"text"``).
        choices: For enumerated (text) variables, the values they may take.
        parameters: Constant name -> value (SLA numbers and other per-locale figures).
        states: State and ending ids, for ``in_state(...)``.
        actions: Action ids, for ``started(...)`` and ``done(...)``.
    """

    variables: Mapping[str, str]
    choices: Mapping[str, tuple[str, ...]]
    parameters: Mapping[str, float]
    states: frozenset[str]
    actions: frozenset[str]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A checked expression: its source, its static type, what it reads, and its evaluator.

    ``reads`` holds the variables it reads plus the pseudo-names :data:`NOW`, :data:`STATE` and
    :func:`action_read` of each action it names, so the drill can skip re-evaluating it when none
    of those changed.
    """

    source: str
    kind: str
    reads: frozenset[str]
    run: Evaluator


def did_you_mean(name: str, candidates: object) -> str:
    """Return `` (did you mean 'x'?)`` for the closest candidate, or ``""`` when none is close."""
    pool = [str(c) for c in candidates]  # type: ignore[attr-defined]
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


COMPARISONS: dict[type[ast.cmpop], Callable[[Value, Value], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
"""What each comparison operator means; the linter reasons about conditions with the same table."""


def _divide(left: float, right: float) -> float:
    return left / right if right else 0.0


def _modulo(left: float, right: float) -> float:
    return left % right if right else 0.0


ARITHMETIC: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: _divide,
    ast.Mod: _modulo,
}
"""What each arithmetic operator computes: ``+ - * / %``. A zero divisor yields 0 rather than an
exception, since a drill must not die on arithmetic. The linter computes possible values with the
same table, so what it proves about a condition holds in the drill."""

CONSTANT_NAMES: dict[str, bool] = {"true": True, "false": False, "True": True, "False": False}
"""Names that stand for true and false (YAML authors write lower case, Python habits upper case)."""
_FUNCTIONS = ("started", "done", "in_state", "min", "max", "abs")
_MEMBERSHIP = ("started", "done", "in_state")


class _Compiler:
    """Walks one parsed expression and builds its closure tree; one instance per expression."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.reads: set[str] = set()

    def compile(self, node: ast.expr, depth: int = 0) -> tuple[str, Evaluator]:
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression nests deeper than {MAX_DEPTH} levels")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise ExpressionError(f"'{_describe(node)}' is not allowed in an expression")
        result: tuple[str, Evaluator] = method(node, depth + 1)
        return result

    # Leaves -----------------------------------------------------------------------------------

    def _Constant(self, node: ast.Constant, depth: int) -> tuple[str, Evaluator]:
        value = node.value
        if isinstance(value, bool):
            return "bool", lambda c, v=value: v
        if isinstance(value, int | float):
            try:
                finite = math.isfinite(value)
            except OverflowError:  # a whole number too large for a float (isfinite converts it)
                finite = False
            if not finite:
                raise ExpressionError("a figure in the expression is too large: it reads as infinity")
            return "number", lambda c, v=value: v
        if isinstance(value, str):
            return "text", lambda c, v=value: v
        raise ExpressionError(f"the constant {value!r} is not allowed (use numbers, text or true/false)")

    def _Name(self, node: ast.Name, depth: int) -> tuple[str, Evaluator]:
        name = node.id
        if name in CONSTANT_NAMES:
            flag = CONSTANT_NAMES[name]
            return "bool", lambda c: flag
        if name == "now":
            self.reads.add(NOW)
            return "number", lambda c: c.now
        kind = self.names.variables.get(name)
        if kind is not None:
            self.reads.add(name)
            return kind, lambda c: c.values[name]
        if name in self.names.parameters:
            constant = self.names.parameters[name]
            return "number", lambda c: constant
        known = [*self.names.variables, *self.names.parameters, "now"]
        hint = did_you_mean(name, known)
        if name in self.names.actions:
            hint = f" (it is an action: write started({name}) or done({name}))"
        raise ExpressionError(f"unknown variable '{name}'{hint}")

    # Operators --------------------------------------------------------------------------------

    def _BoolOp(self, node: ast.BoolOp, depth: int) -> tuple[str, Evaluator]:
        parts = [self._expect_bool(v, depth, "and/or") for v in node.values]  # checks each, notes its reads
        both = isinstance(node.op, ast.And)
        terms = [self._term(v) for v in node.values]
        if 2 <= len(terms) <= 4 and all(t is not None for t in terms):
            # Every operand a plain test of one variable: one closure reads the values itself.
            return "bool", (_all_terms if both else _any_terms)(cast(list[_Term], terms))
        # One flat closure for up to four operands: far cheaper per call than all()/any() over a
        # generator, or than a chain of two-operand closures (a call saved per operand).
        return "bool", (_all_of if both else _any_of)(parts)

    def _term(self, node: ast.expr) -> _Term | None:
        """``flag``, ``not flag`` or ``variable OP constant`` as (variable, operator, operand); None for anything else.

        Each gives the same true or false as its compiled closure: a true/false variable holds a
        bool, so ``flag`` is ``flag != False`` and ``not flag`` is ``flag == False``.
        """
        variables = self.names.variables
        if isinstance(node, ast.Name) and variables.get(node.id) == "bool":
            return node.id, operator.ne, False
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            flag = node.operand
            if isinstance(flag, ast.Name) and variables.get(flag.id) == "bool":
                return flag.id, operator.eq, False
        if (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.left, ast.Name)
            and node.left.id in variables
            and isinstance(node.comparators[0], ast.Constant)
        ):
            return node.left.id, COMPARISONS[type(node.ops[0])], cast(Value, node.comparators[0].value)
        return None

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> tuple[str, Evaluator]:
        if isinstance(node.op, ast.Not):
            inner = self._expect_bool(node.operand, depth, "not")
            flag = node.operand
            if isinstance(flag, ast.Name) and self.names.variables.get(flag.id) == "bool":
                var = flag.id  # 'not flag', the commonest negation, in one closure
                return "bool", lambda c: not c.values[var]
            return "bool", lambda c: not inner(c)
        if isinstance(node.op, ast.USub | ast.UAdd):
            kind, operand = self.compile(node.operand, depth)
            if kind != "number":
                raise ExpressionError(f"'{_describe(node)}': a sign needs a number")
            if isinstance(node.op, ast.USub):
                return "number", lambda c: -operand(c)  # type: ignore[operator]
            return "number", operand
        raise ExpressionError(f"'{_describe(node)}' is not allowed in an expression")

    def _BinOp(self, node: ast.BinOp, depth: int) -> tuple[str, Evaluator]:
        op = ARITHMETIC.get(type(node.op))
        if op is None:
            raise ExpressionError(f"the operator in '{_describe(node)}' is not allowed (use + - * / %)")
        left_kind, left = self.compile(node.left, depth)
        right_kind, right = self.compile(node.right, depth)
        if left_kind != "number" or right_kind != "number":
            raise ExpressionError(f"'{_describe(node)}': arithmetic needs numbers on both sides")
        return "number", self._finite(node, lambda c: op(left(c), right(c)))  # type: ignore[arg-type]

    def _Compare(self, node: ast.Compare, depth: int) -> tuple[str, Evaluator]:
        operands = [node.left, *node.comparators]
        compiled = [self.compile(o, depth) for o in operands]
        checks: list[tuple[Callable[[Value, Value], bool], Evaluator, Evaluator]] = []
        for index, op in enumerate(node.ops):
            fn = COMPARISONS.get(type(op))
            if fn is None:
                raise ExpressionError(f"the comparison in '{_describe(node)}' is not allowed")
            (lk, lf), (rk, rf) = compiled[index], compiled[index + 1]
            if lk != rk:
                raise ExpressionError(f"'{_describe(node)}' compares {lk} with {rk}")
            if lk == "bool" and not isinstance(op, ast.Eq | ast.NotEq):
                raise ExpressionError(f"'{_describe(node)}': true/false can only be compared with == or !=")
            self._check_choice(operands[index], operands[index + 1])
            self._check_choice(operands[index + 1], operands[index])
            checks.append((fn, lf, rf))
        if len(checks) == 1:
            fn, lf, rf = checks[0]
            left, right = operands
            if isinstance(left, ast.Name) and left.id in self.names.variables and isinstance(right, ast.Constant):
                # The commonest shape, 'variable OP constant', in one closure: it runs after every change.
                var, constant = left.id, cast(Value, right.value)
                fused = _FUSED_CONSTANT.get(type(node.ops[0]))
                return "bool", fused(var, constant) if fused else lambda c: fn(c.values[var], constant)
            if (
                isinstance(left, ast.Name)
                and left.id in self.names.variables
                and isinstance(right, ast.Name)
                and right.id in self.names.variables
            ):
                a, b = left.id, right.id  # 'variable OP variable'
                return "bool", lambda c: fn(c.values[a], c.values[b])
            return "bool", lambda c: fn(lf(c), rf(c))
        return "bool", lambda c: all(fn(lf(c), rf(c)) for fn, lf, rf in checks)

    def _IfExp(self, node: ast.IfExp, depth: int) -> tuple[str, Evaluator]:
        test = self._expect_bool(node.test, depth, "if")
        body_kind, body = self.compile(node.body, depth)
        else_kind, orelse = self.compile(node.orelse, depth)
        if body_kind != else_kind:
            raise ExpressionError(f"'{_describe(node)}': both branches must have the same type")
        return body_kind, lambda c: body(c) if test(c) else orelse(c)

    def _Call(self, node: ast.Call, depth: int) -> tuple[str, Evaluator]:
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else _describe(node.func)
            hint = did_you_mean(name, _FUNCTIONS)
            raise ExpressionError(f"'{name}' is not a function here{hint}; allowed: {', '.join(_FUNCTIONS)}")
        if node.keywords:
            raise ExpressionError(f"'{_describe(node)}': keyword arguments are not allowed")
        fname = node.func.id
        if fname in ("started", "done", "in_state"):
            return "bool", self._membership(fname, node)
        args = [self.compile(a, depth) for a in node.args]
        if not args or any(kind != "number" for kind, _ in args):
            raise ExpressionError(f"'{_describe(node)}': {fname}() takes numbers")
        fns = [f for _, f in args]
        if fname == "abs":
            if len(fns) != 1:
                raise ExpressionError(f"'{_describe(node)}': abs() takes one number")
            only = fns[0]
            return "number", lambda c: abs(cast(float, only(c)))
        pick = min if fname == "min" else max
        return "number", lambda c: pick(f(c) for f in fns)

    # Helpers ----------------------------------------------------------------------------------

    def _membership(self, fname: str, node: ast.Call) -> Evaluator:
        if len(node.args) != 1 or not isinstance(node.args[0], ast.Name):
            raise ExpressionError(f"'{_describe(node)}': {fname}() takes one bare id, e.g. {fname}(x)")
        target = node.args[0].id
        pool = self.names.states if fname == "in_state" else self.names.actions
        if target not in pool:
            what = "state" if fname == "in_state" else "action"
            raise ExpressionError(f"{fname}(): unknown {what} '{target}'{did_you_mean(target, pool)}")
        if fname == "started":
            self.reads.add(action_read(target))
            return lambda c: target in c.started
        if fname == "done":
            self.reads.add(action_read(target))
            return lambda c: target in c.done
        self.reads.add(STATE)
        return lambda c: c.state == target

    def _finite(self, node: ast.expr, run: Evaluator) -> Evaluator:
        """Refuse arithmetic that overflows whatever the drill does: its operands read nothing of it.

        Such a part (``1e308 * 10``, a parameter times a huge figure) is worked out once, here; an
        infinite or undefined result is an error at load time, with the file position, instead of a
        value no record can hold. What overflows only for some values of the variables is caught
        while the drill runs.
        """
        if not _constant_part(node, self.names):
            return run
        try:
            value = run(cast(Context, None))
        except (ArithmeticError, AttributeError, TypeError, ValueError):
            return run  # let the drill meet it as it would; nothing here is wrong for certain
        if isinstance(value, float) and not math.isfinite(value):
            raise ExpressionError(f"'{_describe(node)}' comes to {value}, not a finite number")
        return run

    def _expect_bool(self, node: ast.expr, depth: int, where: str) -> Evaluator:
        kind, fn = self.compile(node, depth)
        if kind != "bool":
            raise ExpressionError(f"'{_describe(node)}' is {kind}, but {where} needs true/false")
        return fn

    def _check_choice(self, var_node: ast.expr, literal_node: ast.expr) -> None:
        """A text variable compared with a literal must be compared with one of its choices."""
        if not (isinstance(var_node, ast.Name) and isinstance(literal_node, ast.Constant)):
            return
        choices = self.names.choices.get(var_node.id)
        value = literal_node.value
        if choices and isinstance(value, str) and value not in choices:
            raise ExpressionError(
                f"'{value}' is not a value of '{var_node.id}'{did_you_mean(value, choices)};"
                f" it takes {', '.join(choices)}"
            )


def _constant_part(node: ast.expr, names: Names) -> bool:
    """Whether ``node`` reads nothing that changes during a drill (only figures and parameters)."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and (inner.id == "now" or inner.id in names.variables):
            return False
        if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in _MEMBERSHIP:
            return False
    return True


def _all_of(parts: list[Evaluator]) -> Evaluator:
    """``p0 and p1 and ...`` as one closure (value and short-circuit as Python's ``and``)."""
    if len(parts) > 4:
        return _all_of([_all_of(parts[:4]), *parts[4:]])
    if len(parts) == 4:
        a, b, d, e = parts
        return lambda c: a(c) and b(c) and d(c) and e(c)
    if len(parts) == 3:
        a, b, d = parts
        return lambda c: a(c) and b(c) and d(c)
    a, b = parts
    return lambda c: a(c) and b(c)


def _any_of(parts: list[Evaluator]) -> Evaluator:
    """``p0 or p1 or ...`` as one closure (value and short-circuit as Python's ``or``)."""
    if len(parts) > 4:
        return _any_of([_any_of(parts[:4]), *parts[4:]])
    if len(parts) == 4:
        a, b, d, e = parts
        return lambda c: a(c) or b(c) or d(c) or e(c)
    if len(parts) == 3:
        a, b, d = parts
        return lambda c: a(c) or b(c) or d(c)
    a, b = parts
    return lambda c: a(c) or b(c)


_Term = tuple[str, Callable[[Value, Value], bool], Value]
"""A plain test of one variable: (variable, operator, operand); see :meth:`_Compiler._term`."""


def _all_terms(terms: list[_Term]) -> Evaluator:
    """``t0 and t1 ...`` (two to four plain tests) in one closure: one call, the comparisons in C."""
    if len(terms) == 4:
        (a, f, j), (b, g, k), (d, h, m), (e, i, n) = terms
        return lambda c: f((v := c.values)[a], j) and g(v[b], k) and h(v[d], m) and i(v[e], n)
    if len(terms) == 3:
        (a, f, j), (b, g, k), (d, h, m) = terms
        return lambda c: f((v := c.values)[a], j) and g(v[b], k) and h(v[d], m)
    (a, f, j), (b, g, k) = terms
    return lambda c: f((v := c.values)[a], j) and g(v[b], k)


def _any_terms(terms: list[_Term]) -> Evaluator:
    """``t0 or t1 ...`` (two to four plain tests) in one closure: one call, the comparisons in C."""
    if len(terms) == 4:
        (a, f, j), (b, g, k), (d, h, m), (e, i, n) = terms
        return lambda c: f((v := c.values)[a], j) or g(v[b], k) or h(v[d], m) or i(v[e], n)
    if len(terms) == 3:
        (a, f, j), (b, g, k), (d, h, m) = terms
        return lambda c: f((v := c.values)[a], j) or g(v[b], k) or h(v[d], m)
    (a, f, j), (b, g, k) = terms
    return lambda c: f((v := c.values)[a], j) or g(v[b], k)


def _fused(op: type[ast.cmpop]) -> Callable[[str, Value], Evaluator]:
    """'variable OP constant' with the operator written out (no call of an operator function)."""
    if op is ast.Eq:
        return lambda var, k: lambda c: c.values[var] == k
    if op is ast.NotEq:
        return lambda var, k: lambda c: c.values[var] != k
    if op is ast.Lt:
        return lambda var, k: lambda c: c.values[var] < k  # type: ignore[operator]
    if op is ast.LtE:
        return lambda var, k: lambda c: c.values[var] <= k  # type: ignore[operator]
    if op is ast.Gt:
        return lambda var, k: lambda c: c.values[var] > k  # type: ignore[operator]
    return lambda var, k: lambda c: c.values[var] >= k  # type: ignore[operator]


_FUSED_CONSTANT: dict[type[ast.cmpop], Callable[[str, Value], Evaluator]] = {op: _fused(op) for op in COMPARISONS}


def _describe(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - unparse of a hostile tree must never escape as a traceback
        text = type(node).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def compile_expression(source: str, names: Names, *, want: str | None = None) -> Compiled:
    """Parse, check and compile one expression.

    Args:
        source: The expression text from the file.
        names: What the scenario declares.
        want: ``"bool"`` for conditions; an effect passes the target variable's kind.

    Returns:
        The compiled expression.

    Raises:
        ExpressionError: When the text is not a valid, well-typed expression over declared names.
    """
    text = source.strip()
    if not text:
        raise ExpressionError("empty expression")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot parse '{_clip(text)}': {exc.msg}{_syntax_hint(text)}") from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot parse '{_clip(text)}'") from exc
    compiler = _Compiler(names)
    try:
        kind, run = compiler.compile(tree.body)
    except RecursionError as exc:
        raise ExpressionError(f"'{_clip(text)}' nests too deeply") from exc
    if want is not None and kind != want:
        raise ExpressionError(f"'{_clip(text)}' gives {kind}, but {want} is needed here")
    return Compiled(source=text, kind=kind, reads=frozenset(compiler.reads), run=run)


def _syntax_hint(text: str) -> str:
    """A hint for the usual slips of authors who know other languages."""
    if "&&" in text or "||" in text:
        return " (write 'and' / 'or')"
    if "!" in text.replace("!=", ""):
        return " (write 'not' for negation)"
    if "=" in text.replace("==", "").replace("!=", "").replace(">=", "").replace("<=", ""):
        return " (to compare, write '=='; effects set values in their own mapping)"
    return ""


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
