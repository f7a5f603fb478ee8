"""The safe expression language: what it accepts, what it refuses, what it computes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import ExpressionError
from engine.format.expressions import ACTIONS, NOW, STATE, Names, Value, action_read, compile_expression

NAMES = Names(
    variables={"distress": "number", "talking": "bool", "car": "text", "water": "number"},
    choices={"car": ("between_floors", "level")},
    parameters={"contact_min": 3.0},
    states=frozenset({"trapped", "released"}),
    actions=frozenset({"talk", "log"}),
)


@dataclass
class Ctx:
    values: dict[str, Value] = field(
        default_factory=lambda: {"distress": 40, "talking": False, "car": "between_floors", "water": 2.5}
    )
    started: set[str] = field(default_factory=lambda: {"log"})
    done: set[str] = field(default_factory=set)
    state: str = "trapped"
    now: float = 5.0


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("distress >= 40", True),
        ("distress > 40 or talking", False),
        ("not talking and car == 'between_floors'", True),
        ("started(log) and not done(log)", True),
        ("in_state(trapped)", True),
        ("now > contact_min", True),
        ("distress - 15", 25),
        ("max(distress, 90) / 2", 45.0),
        ("min(water, 1) + abs(-2)", 3),
        ("10 if talking else 20", 20),
        ("0 < distress < 50", True),
        ("distress / 0", 0.0),
        ("true and True", True),
        ("distress % 7", 5),
        ("distress % 0", 0.0),
    ],
)
def test_expressions_compute_what_they_say(source: str, expected: Value) -> None:
    """Each whitelisted construct evaluates as Python would (a zero divisor gives 0, for / and %)."""
    assert compile_expression(source, NAMES).run(Ctx()) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("distres > 3", "unknown variable 'distres' (did you mean 'distress'?)"),
        ("talk", "it is an action"),
        ("__import__('os').system('ls')", "is not a function here"),
        ("distress.real", "is not allowed"),
        ("[x for x in 'ab']", "is not allowed"),
        ("lambda: 1", "is not allowed"),
        ("car == 'levle'", "'levle' is not a value of 'car' (did you mean 'level'?)"),
        ("distress and talking", "is number, but and/or needs true/false"),
        ("car + 1", "arithmetic needs numbers"),
        ("distress == 'high'", "compares number with text"),
        ("started(tlak)", "unknown action 'tlak' (did you mean 'talk'?)"),
        ("in_state(gone)", "unknown state 'gone'"),
        ("distress ** 2", "is not allowed"),
        ("open('x')", "is not a function here"),
        ("(", "cannot parse"),
        ("", "empty expression"),
        ("1" + " + 1" * 600, "characters long"),
        ("not " * 60 + "talking", "nest"),
        ("talking < true", "can only be compared with == or !="),
        ("distress = 3", "to compare, write '=='"),
        ("talking && talking", "write 'and' / 'or'"),
        ("!talking", "write 'not'"),
        ("1" + "0" * 400, "too large"),
        ("distress > 1" + "0" * 400, "too large"),
    ],
)
def test_bad_expressions_are_refused_with_a_helpful_message(source: str, message: str) -> None:
    """Anything outside the language, or over undeclared names, is a load-time error."""
    with pytest.raises(ExpressionError, match=None) as caught:
        compile_expression(source, NAMES)
    assert message in str(caught.value)


def test_a_condition_must_be_true_or_false() -> None:
    """Asking for a bool and getting a number is an error."""
    with pytest.raises(ExpressionError, match="gives number, but bool is needed"):
        compile_expression("distress + 1", NAMES, want="bool")


def test_reads_list_variables_and_what_else_an_expression_depends_on() -> None:
    """The engine uses reads to skip conditions that cannot have changed."""
    compiled = compile_expression("distress > 3 and started(talk) and in_state(trapped) and now > 2", NAMES)
    assert compiled.reads == {"distress", action_read("talk"), STATE, NOW}


def test_a_condition_on_actions_reads_only_the_actions_it_names() -> None:
    """started(x) and done(x) read x alone: deciding another action need not re-check them."""
    compiled = compile_expression("started(talk) or done(talk)", NAMES)
    assert compiled.reads == {action_read("talk")}
    assert ACTIONS not in compiled.reads


_PLAIN_TESTS = st.sampled_from(
    [
        "talking",
        "not talking",
        "distress > 30",
        "distress <= 40",
        "distress == 40",
        "water != 2.5",
        "water < 3",
        "car == 'level'",
        "car != 'between_floors'",
        "distress >= 41",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    tests=st.lists(_PLAIN_TESTS, min_size=1, max_size=6),
    joiner=st.sampled_from([" and ", " or "]),
    distress=st.integers(0, 100),
    water=st.sampled_from([0, 2.5, 3.0, 7.25]),
    talking=st.booleans(),
    car=st.sampled_from(["between_floors", "level"]),
)
def test_and_or_of_plain_tests_give_what_python_gives(
    tests: list[str], joiner: str, distress: int, water: float, talking: bool, car: str
) -> None:
    """Conditions made of plain tests of variables (compiled as one closure) agree with Python's own and/or."""
    source = joiner.join(tests)  # the test's own text, read by Python to compare
    values: dict[str, Value] = {"distress": distress, "talking": talking, "car": car, "water": water}
    compiled = compile_expression(source, NAMES, want="bool")
    assert compiled.run(Ctx(values=values)) == eval(source, {}, dict(values))
