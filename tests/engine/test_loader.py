"""Specification of the content loader's error reporting (:mod:`engine.format.loader`).

Every test starts from one small valid scenario, changes one thing, and states what the author
must be told: which file, which line and column, which field, and a message in the author's terms
(did-you-mean, the allowed keys or values). Expected positions are computed from the text itself,
so a test pins the place the author would look at, not a number copied from a run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.errors import ContentError, Problem
from engine.format import Loaded, Plan, Scenario, Script, load, load_plan, load_scenario, load_script
from engine.format.yamlsafe import MAX_BYTES

MINIMAL = """\
schema: scenario/1
id: tiny-drill
version: "1.0"
category: fire
title: {en: Tiny drill}
summary: {en: A fire in a bin.}
sources:
  fire_code: {title: Fire code}
parameters:
  sla_min: {value: 5, source: fire_code}
roles:
  guard: {kind: staff, label: {en: Guard}, pool: guards}
  caller: {kind: external, label: {en: Caller}}
staff:
  guards: {capacity: 1, label: {en: Guards}}
variables:
  smoke_level: {type: int, initial: 0, min: 0, max: 100}
  alarm_on: {type: bool, initial: false}
  phase: {type: enum, initial: quiet, values: [quiet, loud]}
initial: alarm
states:
  alarm: {narration: {en: The alarm sounds.}}
endings:
  safe: {outcome: success, narration: {en: Everyone is out.}}
actions:
  evacuate:
    role: guard
    label: {en: Evacuate}
    stage: handle
    life: life-safety
    in: [alarm]
    when: smoke_level >= 10
    duration: 2
    effects: {alarm_on: true}
    goto: safe
  file_report:
    role: guard
    label: {en: File a report}
    stage: feedback
    life: admin
hazards:
  smoke:
    label: {en: Smoke}
    active: smoke_level > 50
    requires: [evacuate]
injects:
  first_call:
    at: 0
    from: caller
    to: guard
    channel: phone
    message: {en: Fire!}
dynamics:
  smoke_rises: {var: smoke_level, rate: 2, while: "not alarm_on"}
transitions:
  burn_out: {when: smoke_level > 99, goto: safe}
timers:
  respond: {label: {en: Respond}, deadline: sla_min, met: done(evacuate)}
"""
"""The smallest scenario that uses every section; each test breaks one thing in it."""

LINE_FORMAT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<field>[\w.\-/]+): (?P<message>.+)$")
"""How one problem reads on the terminal: ``path:line:col: field.path: message``."""


Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write text (or bytes) to a file in a fresh folder and return its path."""

    def _write(content: str | bytes, name: str = "drill.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


def variant(*edits: tuple[str, str], base: str = MINIMAL) -> str:
    """``base`` with each ``(old, new)`` edit applied; ``old`` must occur exactly once."""
    text = base
    for old, new in edits:
        assert text.count(old) == 1, f"the edit target {old!r} must occur exactly once"
        text = text.replace(old, new)
    return text


def locate(text: str, needle: str, inner: str = "") -> tuple[int, int]:
    """1-based (line, column) where ``needle`` starts (or ``inner``, inside it); ``needle`` occurs once."""
    assert text.count(needle) == 1, f"{needle!r} must occur exactly once"
    index = text.index(needle) + (needle.index(inner) if inner else 0)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def problems_of(path: Path, loader: Callable[[Path], object] = load) -> list[Problem]:
    """The problems that loading ``path`` reports (the test fails if it loads)."""
    with pytest.raises(ContentError) as caught:
        loader(path)
    assert caught.value.problems, "a ContentError always carries at least one problem"
    return caught.value.problems


def only_problem(path: Path, loader: Callable[[Path], object] = load) -> Problem:
    """The single problem reported for ``path``."""
    problems = problems_of(path, loader)
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# The happy path ---------------------------------------------------------------------------------


def test_the_minimal_scenario_loads_into_a_frozen_model(write: Write) -> None:
    """The baseline every other test breaks is itself valid, and its digest is of the exact bytes."""
    path = write(MINIMAL)
    loaded = load(path)
    assert isinstance(loaded, Loaded)
    assert isinstance(loaded.model, Scenario)
    assert loaded.model.id == "tiny-drill"
    assert loaded.path == str(path)
    assert loaded.digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_scenario(path).model == loaded.model


@pytest.mark.parametrize(
    "content",
    ["\ufeff" + MINIMAL, MINIMAL.replace("\n", "\r\n")],
    ids=["byte-order-mark", "crlf-line-ends"],
)
def test_a_byte_order_mark_or_windows_line_ends_are_accepted(content: str, write: Write) -> None:
    """Files saved by Windows editors load like any other."""
    assert isinstance(load(write(content)).model, Scenario)


# All problems at once, in the terminal format ---------------------------------------------------


def test_every_shape_problem_is_reported_at_once_in_file_order(write: Write) -> None:
    """Three unrelated mistakes give three problems, sorted by line, each in path:line:col: field: message form."""
    text = variant(
        ("category: fire", "category: flood"),
        ("    stage: handle\n", "    stage: handel\n"),
        ("    duration: 2\n", "    duraton: 2\n"),
    )
    path = write(text)
    with pytest.raises(ContentError) as caught:
        load(path)
    problems = caught.value.problems
    assert [p.field for p in problems] == ["category", "actions.evacuate.stage", "actions.evacuate.duraton"]
    assert [(p.line, p.col) for p in problems] == [
        locate(text, "flood"),
        locate(text, "handel"),
        locate(text, "duraton"),
    ]
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    for line, problem in zip(lines, problems, strict=True):
        match = LINE_FORMAT.match(line)
        assert match is not None, line
        assert match["path"] == str(path)
        assert (int(match["line"]), int(match["col"])) == (problem.line, problem.col)
        assert match["field"] == problem.field
        assert match["message"] == problem.message


def test_every_cross_reference_problem_is_reported_at_once(write: Write) -> None:
    """Reference and expression mistakes are all listed together, each at its own line."""
    text = variant(
        ("in: [alarm]", "in: [alrm]"),
        ("when: smoke_level >= 10", "when: smoke_levl >= 10"),
        ("goto: safe\n", "goto: saef\n"),
        ("requires: [evacuate]", "requires: [evacuat]"),
    )
    problems = problems_of(write(text))
    assert [(p.field, p.line) for p in problems] == [
        ("actions.evacuate.in.0", locate(text, "alrm")[0]),
        ("actions.evacuate.when", locate(text, "smoke_levl")[0]),
        ("actions.evacuate.goto", locate(text, "saef")[0]),
        ("hazards.smoke.requires.0", locate(text, "evacuat]")[0]),
    ]


def test_a_problem_reads_path_line_col_field_message() -> None:
    """The one-line form of a problem is exactly ``path:line:col: field: message``."""
    assert str(Problem("s.yaml", 41, 9, "states.alarm.when", "boom")) == "s.yaml:41:9: states.alarm.when: boom"
    assert str(Problem("s.yaml", 0, 0, "", "no such file")) == "s.yaml: no such file"
    assert str(Problem("s.yaml", 3, 1, "", "bad")) == "s.yaml:3:1: bad"


# Unknown keys -------------------------------------------------------------------------------------


ACTION_KEYS = (
    "role, label, stage, life, in, when, duration, staff, effects, goto, repeatable, forbidden, auto, explain, sources"
)
TOP_KEYS = (
    "schema, id, version, category, title, summary, sources, parameters, limit, roles, variables, staff,"
    " initial, states, endings, actions, hazards, injects, dynamics, transitions, timers, tests, rubric, dialogue"
)


@pytest.mark.parametrize(
    ("edit", "key", "field", "message"),
    [
        (
            ("    duration: 2\n", "    duraton: 2\n"),
            "duraton",
            "actions.evacuate.duraton",
            f"unknown key 'duraton' (did you mean 'duration'?); allowed: {ACTION_KEYS}",
        ),
        (
            ("initial: alarm\n", "initial: alarm\nstaets: {}\n"),
            "staets",
            "staets",
            f"unknown key 'staets' (did you mean 'states'?); allowed: {TOP_KEYS}",
        ),
        (
            ("{kind: external, label: {en: Caller}}", "{kind: external, label: {en: Caller}, pol: x}"),
            "pol",
            "roles.caller.pol",
            "unknown key 'pol' (did you mean 'pool'?); allowed: kind, label, pool",
        ),
        (
            ("label: {en: Evacuate}", "label: {en: Evacuate, fr: Evacuer}"),
            "fr",
            "actions.evacuate.label.fr",
            "unknown key 'fr'; allowed: zh, en",
        ),
        (
            ("    goto: safe\n", "    goto: safe\n    zzz: 1\n"),
            "zzz",
            "actions.evacuate.zzz",
            f"unknown key 'zzz'; allowed: {ACTION_KEYS}",
        ),
        (
            ("    at: 0\n", "    at: 0\n    form: caller\n"),
            "form",
            "injects.first_call.form",
            "unknown key 'form' (did you mean 'from'?); allowed: at, when, from, to, channel, message,"
            " expect, effects, goto, controller_note",
        ),
    ],
    ids=["action", "top-level", "flow-mapping", "text", "nothing-close", "yaml-name-of-aliased-field"],
)
def test_an_unknown_key_is_pointed_at_with_did_you_mean_and_the_allowed_keys(
    edit: tuple[str, str], key: str, field: str, message: str, write: Write
) -> None:
    """An unknown key is reported at the key itself, with the closest allowed key and the full list."""
    text = variant(edit)
    problem = only_problem(write(text))
    assert problem.field == field
    assert problem.message == message
    assert (problem.line, problem.col) == locate(text, f"{key}:")


# Missing fields -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "field", "parent_key"),
    [
        (("initial: alarm\n", ""), "initial", None),
        (("    stage: handle\n", ""), "actions.evacuate.stage", "  evacuate:\n"),
        (("{kind: external, label: {en: Caller}}", "{label: {en: Caller}}"), "roles.caller.kind", "  caller:"),
        (("    channel: phone\n", ""), "injects.first_call.channel", "  first_call:"),
        (
            ("{label: {en: Respond}, deadline: sla_min, ", "{label: {en: Respond}, "),
            "timers.respond.deadline",
            "  respond:",
        ),
    ],
    ids=["top-level", "action", "flow-mapping", "inject", "timer"],
)
def test_a_missing_required_field_is_named_at_the_key_of_its_parent(
    edit: tuple[str, str], field: str, parent_key: str | None, write: Write
) -> None:
    """A required field that is absent is named in full and located at its parent's key (top level: 1:1)."""
    text = variant(edit)
    problem = only_problem(write(text))
    name = field.rsplit(".", 1)[-1]
    assert problem.field == field
    assert problem.message == f"missing required field '{name}'"
    expected = locate(text, parent_key, parent_key.strip()) if parent_key else (1, 1)
    assert (problem.line, problem.col) == expected


def test_two_missing_fields_of_one_action_are_both_reported(write: Write) -> None:
    """Two fields missing from one action give two problems, both at the action."""
    text = variant(("    stage: handle\n    life: life-safety\n", ""))
    problems = problems_of(write(text))
    assert [(p.field, p.message) for p in problems] == [
        ("actions.evacuate.stage", "missing required field 'stage'"),
        ("actions.evacuate.life", "missing required field 'life'"),
    ]
    assert {(p.line, p.col) for p in problems} == {locate(text, "  evacuate:\n", "evacuate")}


# Bad literals, ids and numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "bad", "field", "allowed"),
    [
        (
            ("category: fire", "category: flood"),
            "flood",
            "category",
            "'elevator', 'fire', 'water', 'gas', 'dispute', 'weather', 'security', 'service', 'complaint' or 'other'",
        ),
        (("stage: handle", "stage: handel"), "handel", "actions.evacuate.stage", "'report', 'handle' or 'feedback'"),
        (
            ("life: life-safety", "life: lifesafety"),
            "lifesafety",
            "actions.evacuate.life",
            "'life-safety', 'support', 'property' or 'admin'",
        ),
        (
            ("channel: phone", "channel: fax"),
            "fax",
            "injects.first_call.channel",
            "'phone', 'radio', 'intercom', 'in-person', 'alarm-panel', 'cctv', 'pa', 'app', 'sms' or 'email'",
        ),
        (("outcome: success", "outcome: win"), "win", "endings.safe.outcome", "'success', 'partial' or 'failure'"),
        (("{kind: external,", "{kind: outsider,"), "outsider", "roles.caller.kind", "'staff' or 'external'"),
    ],
)
def test_a_bad_enum_literal_names_the_allowed_values_and_the_value_given(
    edit: tuple[str, str], bad: str, field: str, allowed: str, write: Write
) -> None:
    """A value outside a fixed list is shown with every allowed value, at the value's position."""
    text = variant(edit)
    problem = only_problem(write(text))
    assert problem.field == field
    assert problem.message == f"Input should be {allowed}; got '{bad}'"
    assert (problem.line, problem.col) == locate(text, bad)


@pytest.mark.parametrize(
    ("edit", "bad", "field", "message"),
    [
        (
            ("id: tiny-drill", "id: Tiny_Drill"),
            "Tiny_Drill",
            "id",
            "'Tiny_Drill' is not a valid id: use lower-case words joined by '-'",
        ),
        (
            ("id: tiny-drill", "id: 9lives"),
            "9lives",
            "id",
            "'9lives' is not a valid id: use lower-case words joined by '-'",
        ),
        (
            ("role: guard\n    label: {en: Evacuate}", "role: Warden\n    label: {en: Evacuate}"),
            "Warden",
            "actions.evacuate.role",
            "'Warden' is not a valid id: use lower-case letters, digits and '_', starting with a letter",
        ),
        (
            ("initial: alarm", "initial: fire-alarm"),
            "fire-alarm",
            "initial",
            "'fire-alarm' is not a valid id: use lower-case letters, digits and '_', starting with a letter",
        ),
        (
            ('version: "1.0"', "version: v1x"),
            "v1x",
            "version",
            "'v1x' does not have the expected form (for example 1.0.0)",
        ),
        (
            ('version: "1.0"', 'version: "1.0.0.0"'),
            '"1.0.0.0"',
            "version",
            "'1.0.0.0' does not have the expected form (for example 1.0.0)",
        ),
    ],
)
def test_an_invalid_id_or_version_explains_the_expected_form(
    edit: tuple[str, str], bad: str, field: str, message: str, write: Write
) -> None:
    """An id or version that breaks its pattern says what a valid one looks like."""
    text = variant(edit)
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == (field, message)
    assert (problem.line, problem.col) == locate(text, bad)


def test_an_invalid_id_used_as_a_key_is_pointed_at_the_key(write: Write) -> None:
    """An action id that breaks the id pattern is reported where the id is written, not inside its body."""
    text = variant(("  evacuate:\n    role: guard", "  Evacuate:\n    role: guard"))
    problem = only_problem(write(text))
    assert problem.field == "actions.Evacuate"
    assert problem.message.startswith("'Evacuate' is not a valid id")
    assert (problem.line, problem.col) == locate(text, "Evacuate:")


@pytest.mark.parametrize(
    ("edit", "bad", "field", "message"),
    [
        (
            ("{type: bool, initial: false}", "{type: bool, initial: 0}"),
            "{type: bool, initial: 0}",
            "variables.alarm_on",
            "initial must be true or false for a bool variable",
        ),
        (
            (
                "{type: enum, initial: quiet, values: [quiet, loud]}",
                "{type: enum, initial: calm, values: [quiet, loud]}",
            ),
            "{type: enum, initial: calm",
            "variables.phase",
            "initial 'calm' is not one of values ['quiet', 'loud']",
        ),
        (
            ("{type: int, initial: 0, min: 0, max: 100}", "{type: int, initial: 101, min: 0, max: 100}"),
            "{type: int, initial: 101",
            "variables.smoke_level",
            "initial 101 is outside [0.0, 100.0]",
        ),
        (
            ("{type: int, initial: 0, min: 0, max: 100}", "{type: int, initial: 0.5, min: 0, max: 100}"),
            "{type: int, initial: 0.5",
            "variables.smoke_level",
            "initial 0.5 is not a whole number",
        ),
        (
            ("capacity: 1,", "capacity: 0,"),
            "0, label: {en: Guards}",
            "staff.guards.capacity",
            "expected a whole number of people (1 to 1000) or a parameter name",
        ),
        (
            ("requires: [evacuate]", "requires: []"),
            "[]",
            "hazards.smoke.requires",
            "List should have at least 1 item after validation, not 0; got list",
        ),
        (
            ("    at: 0\n", "    at: 0\n    when: alarm_on\n"),
            "at: 0",
            "injects.first_call",
            "give exactly one of 'at' (a sim minute) or 'when' (a condition)",
        ),
        (("label: {en: Evacuate}", "label: {}"), "{}", "actions.evacuate.label", "give the text in zh, en or both"),
        (
            ("label: {en: Evacuate}", "label: Evacuate"),
            "Evacuate\n",
            "actions.evacuate.label",
            "Input should be a valid dictionary or instance of Text; got 'Evacuate'",
        ),
        (
            ("when: smoke_level >= 10", "when: 10"),
            "10\n",
            "actions.evacuate.when",
            "Input should be a valid string; got 10",
        ),
        (
            ('version: "1.0"', "version: 1.0"),
            "1.0\n",
            "version",
            'put the version in quotes, e.g. version: "1.0" (unquoted, YAML reads it as a number)',
        ),
    ],
    ids=[
        "bool-initial",
        "enum-initial",
        "out-of-bounds",
        "whole-number",
        "capacity",
        "empty-requires",
        "at-and-when",
        "empty-text",
        "text-not-mapping",
        "condition-not-text",
        "unquoted-version",
    ],
)
def test_a_value_of_the_wrong_kind_is_explained_in_the_authors_terms(
    edit: tuple[str, str], bad: str, field: str, message: str, write: Write
) -> None:
    """Model rules speak of the file's own fields and values, at the offending value or object."""
    text = variant(edit)
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == (field, message)
    assert (problem.line, problem.col) == locate(text, bad)


# Union-typed fields -------------------------------------------------------------------------------


DURATION_HELP = "expected minutes (a number), a parameter name, or a distribution such as {dist: triangular, low: 5, mode: 10, high: 20}"
"""The one folded message for a duration that fits none of its forms."""


@pytest.mark.parametrize(
    ("duration", "message"),
    [
        ("[1, 2]", DURATION_HELP),
        ("Two", DURATION_HELP),
        ("{mean: 2}", "a distribution needs 'dist': one of fixed, uniform, triangular, normal, exponential"),
        ("{dist: gauss, mean: 2}", "unknown dist 'gauss'; use one of: fixed, uniform, triangular, normal, exponential"),
    ],
    ids=["list", "bad-name", "no-dist", "unknown-dist"],
)
def test_a_bad_duration_gives_one_message_in_the_authors_terms(duration: str, message: str, write: Write) -> None:
    """A duration is a number, a parameter or a distribution: a bad one is one problem that says which."""
    text = variant(("duration: 2", f"duration: {duration}"))
    problem = only_problem(write(text))
    assert problem.field == "actions.evacuate.duration"
    assert problem.message == message
    assert (problem.line, problem.col) == locate(text, duration)


@pytest.mark.parametrize(
    ("field", "written", "message"),
    [
        ("limit", "[1]", "expected a number or a parameter name"),
        ("deadline", "Soon", "expected a number or a parameter name"),
        ("rate", "[1]", "expected a number per minute or an expression"),
    ],
)
def test_other_union_fields_fold_into_one_message(field: str, written: str, message: str, write: Write) -> None:
    """Figures that may be a number or a name (or an expression) get one plain message, not pydantic's branches."""
    edits = {
        "limit": ("timers:\n", f"limit: {written}\ntimers:\n"),
        "deadline": ("deadline: sla_min", f"deadline: {written}"),
        "rate": ("rate: 2", f"rate: {written}"),
    }
    text = variant(edits[field])
    problem = only_problem(write(text))
    assert problem.field.rsplit(".", 1)[-1] == field
    assert problem.message == message
    assert (problem.line, problem.col) == locate(text, f"{field}: {written}", written)


def test_a_duration_naming_no_parameter_is_a_reference_problem(write: Write) -> None:
    """A duration written as a name must name a parameter."""
    text = variant(("duration: 2", "duration: sla_mn"))
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == (
        "actions.evacuate.duration",
        "unknown parameter 'sla_mn' (did you mean 'sla_min'?)",
    )
    assert (problem.line, problem.col) == locate(text, "sla_mn")


@pytest.mark.parametrize(
    ("duration", "field", "value"),
    [
        ("-2", "actions.evacuate.duration", "-2"),
        ("{dist: normal, mean: 2, sd: -1}", "actions.evacuate.duration.sd", "-1"),
    ],
)
def test_a_negative_number_of_minutes_is_refused(duration: str, field: str, value: str, write: Write) -> None:
    """Minutes cannot be negative, whether written directly or inside a distribution."""
    text = variant(("duration: 2", f"duration: {duration}"))
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == (field, f"{value} is negative; minutes cannot be")
    assert problem.line == locate(text, "duration:")[0]


def test_a_distribution_missing_a_bound_names_the_missing_bound(write: Write) -> None:
    """When the distribution is recognisable, the message says which of its fields is missing."""
    text = variant(("duration: 2", "duration: {dist: uniform, low: 1}"))
    problem = only_problem(write(text))
    assert "'high'" in problem.message


def test_an_unknown_distribution_lists_the_known_ones(write: Write) -> None:
    """An unknown ``dist`` is answered with every distribution the format offers."""
    text = variant(("duration: 2", "duration: {dist: gauss, mean: 2}"))
    problem = only_problem(write(text))
    assert all(name in problem.message for name in ("fixed", "uniform", "triangular", "normal", "exponential"))


def test_an_unknown_key_in_a_distribution_lists_the_distributions_keys(write: Write) -> None:
    """A stray key in a distribution is one problem at that key, listing the keys the distribution takes."""
    text = variant(("duration: 2", "duration: {dist: fixed, value: 2, sd: 1}"))
    problem = only_problem(write(text))
    assert problem.field == "actions.evacuate.duration.sd"
    assert problem.message == "unknown key 'sd'; allowed: dist, value"
    assert (problem.line, problem.col) == locate(text, "sd:")


# Cross references ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "bad", "field", "message"),
    [
        (
            ("role: guard\n    label: {en: Evacuate}", "role: gaurd\n    label: {en: Evacuate}"),
            "gaurd",
            "actions.evacuate.role",
            "unknown role 'gaurd' (did you mean 'guard'?)",
        ),
        (
            ("from: caller", "from: calller"),
            "calller",
            "injects.first_call.from",
            "unknown role 'calller' (did you mean 'caller'?)",
        ),
        (("to: guard", "to: janitor"), "janitor", "injects.first_call.to", "unknown role 'janitor'"),
        (
            ("in: [alarm]", "in: [alrm]"),
            "alrm",
            "actions.evacuate.in.0",
            "unknown state 'alrm' (did you mean 'alarm'?)",
        ),
        (("initial: alarm", "initial: alarn"), "alarn", "initial", "unknown state 'alarn' (did you mean 'alarm'?)"),
        (
            ("pool: guards", "pool: gards"),
            "gards",
            "roles.guard.pool",
            "unknown staff pool 'gards' (did you mean 'guards'?)",
        ),
        (
            ("    duration: 2\n", "    duration: 2\n    staff: {gaurds: 1}\n"),
            "1}",
            "actions.evacuate.staff.gaurds",
            "unknown staff pool 'gaurds' (did you mean 'guards'?)",
        ),
        (
            ("effects: {alarm_on: true}", "effects: {alarm_onn: true}"),
            "true}",
            "actions.evacuate.effects.alarm_onn",
            "unknown variable 'alarm_onn' (did you mean 'alarm_on'?)",
        ),
        (
            ("var: smoke_level", "var: smoke_levle"),
            "smoke_levle",
            "dynamics.smoke_rises.var",
            "unknown variable 'smoke_levle' (did you mean 'smoke_level'?)",
        ),
        (
            ("requires: [evacuate]", "requires: [evacuat]"),
            "evacuat]",
            "hazards.smoke.requires.0",
            "unknown action 'evacuat' (did you mean 'evacuate'?)",
        ),
        (
            ("message: {en: Fire!}", "message: {en: Fire!}\n    expect: [evac]"),
            "evac]",
            "injects.first_call.expect.0",
            "unknown action 'evac' (did you mean 'evacuate'?)",
        ),
        (
            ("source: fire_code", "source: fyre_code"),
            "fyre_code",
            "parameters.sla_min.source",
            "unknown source 'fyre_code' (did you mean 'fire_code'?)",
        ),
        (
            ("requires: [evacuate]", "requires: [evacuate]\n    source: nfpa"),
            "nfpa",
            "hazards.smoke.source",
            "unknown source 'nfpa'",
        ),
        (
            ("goto: safe\n", "goto: saef\n"),
            "saef",
            "actions.evacuate.goto",
            "unknown state or ending 'saef' (did you mean 'safe'?)",
        ),
        (
            ("goto: safe}", "goto: nowhere}"),
            "nowhere",
            "transitions.burn_out.goto",
            "unknown state or ending 'nowhere'",
        ),
        (
            ("deadline: sla_min", "deadline: sla_mn"),
            "sla_mn",
            "timers.respond.deadline",
            "unknown parameter 'sla_mn' (did you mean 'sla_min'?)",
        ),
        (
            ("requires: [evacuate]", "requires: [file_report]"),
            "file_report]",
            "hazards.smoke.requires.0",
            "'file_report' must be tagged life: life-safety",
        ),
        (
            ("in: [alarm]", "in: [safe]"),
            "safe]",
            "actions.evacuate.in.0",
            "'safe' is an ending; nothing happens after an ending",
        ),
        (
            ("var: smoke_level", "var: alarm_on"),
            "alarm_on, rate",
            "dynamics.smoke_rises.var",
            "'alarm_on' is not a number variable",
        ),
        (
            ("effects: {alarm_on: true}", "effects: {alarm_on: 3}"),
            "3}",
            "actions.evacuate.effects.alarm_on",
            "'alarm_on' is true/false, got 3",
        ),
        (
            ("effects: {alarm_on: true}", "effects: {smoke_level: true}"),
            "true}",
            "actions.evacuate.effects.smoke_level",
            "'smoke_level' is a number, got True",
        ),
    ],
    ids=[
        "role",
        "inject-from",
        "inject-to",
        "state",
        "initial",
        "pool",
        "action-staff-pool",
        "effect-variable",
        "dynamic-variable",
        "hazard-action",
        "expected-action",
        "parameter-source",
        "hazard-source",
        "goto",
        "transition-goto",
        "parameter",
        "hazard-needs-life-safety",
        "ending-in-in",
        "dynamic-not-number",
        "bool-effect",
        "number-effect",
    ],
)
def test_a_broken_cross_reference_is_reported_at_the_reference(
    edit: tuple[str, str], bad: str, field: str, message: str, write: Write
) -> None:
    """Every id named anywhere must exist and be of the right kind; a miss is reported where it is written."""
    text = variant(edit)
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == (field, message)
    assert (problem.line, problem.col) == locate(text, bad)


def test_a_state_that_is_also_an_ending_is_reported_at_the_ending(write: Write) -> None:
    """A state and an ending may not share an id."""
    text = variant(("endings:\n", "endings:\n  alarm: {outcome: failure, narration: {en: Burnt.}}\n"))
    problems = problems_of(write(text))
    clash = [p for p in problems if p.field == "endings.alarm"]
    assert [p.message for p in clash] == ["'alarm' is both a state and an ending"]
    assert (clash[0].line, clash[0].col) == locate(text, "{outcome: failure")


def test_an_external_role_cannot_draw_on_staff_pools(write: Write) -> None:
    """Only the site's own staff occupy its staff pools."""
    text = variant(
        ("role: guard\n    label: {en: Evacuate}", "role: caller\n    label: {en: Evacuate}"),
        ("    duration: 2\n", "    duration: 2\n    staff: {guards: 1}\n"),
    )
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == (
        "actions.evacuate.staff",
        "an external role does not use the site's staff pools",
    )
    assert (problem.line, problem.col) == locate(text, "{guards: 1}")


# Expressions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("smoke_levl >= 10", "unknown variable 'smoke_levl' (did you mean 'smoke_level'?)"),
        ("evacuate", "unknown variable 'evacuate' (it is an action: write started(evacuate) or done(evacuate))"),
        ("smoke_level + 1", "'smoke_level + 1' gives number, but bool is needed here"),
        ("alarm_on >= 10", "'alarm_on >= 10' compares bool with number"),
        ("not smoke_level", "'smoke_level' is number, but not needs true/false"),
        ("phase == 'lowd'", "'lowd' is not a value of 'phase' (did you mean 'loud'?); it takes quiet, loud"),
        (
            "mn(smoke_level, 3) > 1",
            "'mn' is not a function here (did you mean 'min'?); allowed: started, done, in_state, min, max, abs",
        ),
        ("eval('1') == 1", "'eval' is not a function here; allowed: started, done, in_state, min, max, abs"),
        ("done(evacuat)", "done(): unknown action 'evacuat' (did you mean 'evacuate'?)"),
        ("in_state(alrm)", "in_state(): unknown state 'alrm' (did you mean 'alarm'?)"),
        ("smoke_level >=", "cannot parse 'smoke_level >=': invalid syntax"),
        ("alarm_on.real", "'alarm_on.real' is not allowed in an expression"),
    ],
    ids=[
        "unknown-variable",
        "action-as-variable",
        "not-a-condition",
        "bool-vs-number",
        "not-on-number",
        "not-a-choice",
        "near-function",
        "forbidden-function",
        "unknown-action",
        "unknown-state",
        "syntax",
        "attribute",
    ],
)
def test_a_bad_condition_is_reported_at_the_condition(condition: str, message: str, write: Write) -> None:
    """A condition is compiled at load time: names, types, enum choices and functions are all checked."""
    text = variant(("when: smoke_level >= 10", f"when: {condition}"))
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == ("actions.evacuate.when", message)
    assert (problem.line, problem.col) == locate(text, f"when: {condition}\n", condition)


@pytest.mark.parametrize(
    ("edit", "bad", "field", "message"),
    [
        (
            ("active: smoke_level > 50", "active: smoke > 50"),
            "smoke > 50",
            "hazards.smoke.active",
            "unknown variable 'smoke' (did you mean 'smoke_level'?)",
        ),
        (
            ("when: smoke_level > 99", "when: smok_level > 99"),
            "smok_level",
            "transitions.burn_out.when",
            "unknown variable 'smok_level' (did you mean 'smoke_level'?)",
        ),
        (
            ("met: done(evacuate)", "met: done(evacuat)"),
            "done(evacuat)",
            "timers.respond.met",
            "done(): unknown action 'evacuat' (did you mean 'evacuate'?)",
        ),
        (
            ('while: "not alarm_on"', "while: smoke_level"),
            "smoke_level}",
            "dynamics.smoke_rises.while",
            "'smoke_level' gives number, but bool is needed here",
        ),
        (
            ("rate: 2", "rate: alarm_on"),
            "alarm_on, while",
            "dynamics.smoke_rises.rate",
            "'alarm_on' gives bool, but number is needed here",
        ),
        (
            ("effects: {alarm_on: true}", "effects: {alarm_on: smoke_level + 1}"),
            "smoke_level + 1",
            "actions.evacuate.effects.alarm_on",
            "'smoke_level + 1' gives number, but bool is needed here",
        ),
        (
            ("effects: {alarm_on: true}", "effects: {smoke_level: smoke_levl + 1}"),
            "smoke_levl + 1",
            "actions.evacuate.effects.smoke_level",
            "unknown variable 'smoke_levl' (did you mean 'smoke_level'?)",
        ),
    ],
    ids=["hazard", "transition", "timer", "dynamic-while", "dynamic-rate", "effect-type", "effect-name"],
)
def test_every_expression_in_the_file_is_checked(
    edit: tuple[str, str], bad: str, field: str, message: str, write: Write
) -> None:
    """Conditions, rates and effect values everywhere get the same checks as an action's ``when``."""
    text = variant(edit)
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == (field, message)
    assert (problem.line, problem.col) == locate(text, bad)


def test_an_enum_effect_may_name_a_choice_directly(write: Write) -> None:
    """``phase: loud`` sets the enum to its choice rather than reading a variable called loud."""
    loaded = load(write(variant(("effects: {alarm_on: true}", "effects: {phase: loud}"))))
    assert loaded.model.actions["evacuate"].effects == {"phase": "loud"}


def test_an_enum_effect_with_a_misspelt_choice_names_the_choices(write: Write) -> None:
    """A misspelt enum choice in an effect is explained as a choice of that variable, with a suggestion."""
    text = variant(("effects: {alarm_on: true}", "effects: {phase: lowd}"))
    problem = only_problem(write(text))
    assert problem.field == "actions.evacuate.effects.phase"
    assert "not a value of 'phase'" in problem.message
    assert "did you mean 'loud'" in problem.message


# The schema key ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "needle", "message"),
    [
        (
            ("schema: scenario/1\n", ""),
            None,
            "missing 'schema' key; start the file with one of: scenario/1, plan/1, script/1, programme/1",
        ),
        (
            ("schema: scenario/1", "schema: scenaro/1"),
            "scenaro/1",
            "unknown schema 'scenaro/1' (did you mean 'scenario/1'?); drillsim reads scenario/1, plan/1, script/1, programme/1",
        ),
        (
            ("schema: scenario/1", "schema: scenario/2"),
            "scenario/2",
            "unknown schema 'scenario/2' (did you mean 'scenario/1'?); drillsim reads scenario/1, plan/1, script/1, programme/1",
        ),
        (
            ("schema: scenario/1", "schema: 1"),
            "1\n",
            "unknown schema 1; drillsim reads scenario/1, plan/1, script/1, programme/1",
        ),
    ],
    ids=["missing", "misspelt", "future-version", "number"],
)
def test_the_schema_key_must_name_a_known_format(
    edit: tuple[str, str], needle: str | None, message: str, write: Write
) -> None:
    """The schema key decides the kind of file; without a known one nothing else is checked."""
    text = variant(edit)
    problem = only_problem(write(text))
    assert (problem.field, problem.message) == ("schema", message)
    assert (problem.line, problem.col) == (locate(text, needle) if needle else (1, 1))


@pytest.mark.parametrize("schema", ["[scenario/1]", "{kind: scenario/1}"], ids=["list", "mapping"])
def test_a_schema_that_is_a_list_or_mapping_is_a_content_error(schema: str, write: Write) -> None:
    """A schema written as a collection is reported like any other unknown schema."""
    text = variant(("schema: scenario/1", f"schema: {schema}"))
    problem = only_problem(write(text))
    assert problem.field == "schema"
    assert problem.line == 1


@pytest.mark.parametrize(
    ("loader", "found", "needed"),
    [(load_plan, "scenario/1", "plan/1"), (load_script, "scenario/1", "script/1")],
    ids=["as-plan", "as-script"],
)
def test_a_file_of_another_kind_is_refused_where_a_kind_is_required(
    loader: Callable[[Path], object], found: str, needed: str, write: Write
) -> None:
    """Where one kind is needed, a valid file of another kind is refused at its schema key."""
    problem = only_problem(write(MINIMAL), loader)
    assert (problem.field, problem.message) == ("schema", f"this is a {found} file; a {needed} file is needed here")
    assert (problem.line, problem.col) == locate(MINIMAL, "scenario/1")


def test_a_plan_is_not_a_scenario(write: Write) -> None:
    """load_scenario refuses a plan even though load accepts it."""
    plan = 'schema: plan/1\nid: night-shift\nversion: "1"\ntitle: {en: Night}\nincidents: [{scenario: tiny-drill}]\n'
    path = write(plan)
    assert isinstance(load(path).model, Plan)
    problem = only_problem(path, load_scenario)
    assert problem.message == "this is a plan/1 file; a scenario/1 file is needed here"


# Scripts ---------------------------------------------------------------------------------------------------


BARE_SCRIPT = """\
- {t: 0, role: guard, action: evacuate}
- t: 1.5
  role: guard
  action: file_report
  note: paperwork
"""


def test_a_bare_list_of_decisions_is_a_script(write: Write) -> None:
    """A script may be just a YAML list of decisions, without the schema header."""
    loaded = load_script(write(BARE_SCRIPT))
    assert isinstance(loaded.model, Script)
    assert [(d.t, d.role, d.action) for d in loaded.model.decisions] == [
        (0.0, "guard", "evacuate"),
        (1.5, "guard", "file_report"),
    ]


def test_a_bare_list_script_reports_problems_by_decision_and_line(write: Write) -> None:
    """Problems in a bare-list script are named decisions.N.field and located in the list."""
    text = variant(("t: 1.5", "t: -1"), ("action: evacuate}", "actoin: evacuate}"), base=BARE_SCRIPT)
    problems = problems_of(write(text), load_script)
    assert [(p.field, p.line) for p in problems] == [
        ("decisions.0.action", 1),
        ("decisions.0.actoin", 1),
        ("decisions.1.t", locate(text, "-1")[0]),
    ]
    assert problems[0].message == "missing required field 'action'"
    assert (
        problems[1].message
        == "unknown key 'actoin' (did you mean 'action'?); allowed: t, role, action, incident, note, when, after"
    )
    assert problems[2].message == "Input should be greater than or equal to 0; got -1"
    assert problems[2].col == locate(text, "-1")[1]


def test_an_unknown_key_in_a_bare_list_script_is_pointed_at_the_key(write: Write) -> None:
    """Bare-list scripts keep key positions like any other file."""
    text = "- t: 0\n  role: guard\n  acton: evacuate\n  action: evacuate\n"
    problem = only_problem(write(text), load_script)
    assert problem.field == "decisions.0.acton"
    assert (problem.line, problem.col) == locate(text, "acton:")


def test_a_script_with_its_header_loads_through_load(write: Write) -> None:
    """A script with ``schema: script/1`` is recognised by the generic loader."""
    text = "schema: script/1\nscenario: tiny-drill\ndecisions:\n  - {t: 0, role: guard, action: evacuate}\n"
    assert isinstance(load(write(text)).model, Script)


# File-level problems ------------------------------------------------------------------------------------


def test_a_missing_file_is_reported_without_a_position(tmp_path: Path) -> None:
    """A file that does not exist is one problem naming it, with no line number."""
    path = tmp_path / "nowhere.yaml"
    problem = only_problem(path)
    assert (problem.path, problem.line, problem.col, problem.message) == (str(path), 0, 0, "no such file")
    assert str(problem) == f"{path}: no such file"


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    """Naming a folder where a file is needed says so."""
    problem = only_problem(tmp_path)
    assert problem.message == "is a folder; name a file, or use a command that takes folders"
    assert problem.line == 0


@pytest.mark.parametrize(
    ("content", "got"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("# only a comment\n", "empty"),
        ("- a\n- b\n", "list"),
        (BARE_SCRIPT, "list"),
        ("just text\n", "str"),
        ("42\n", "int"),
    ],
    ids=["empty", "blank-lines", "comment-only", "list", "decision-list", "text", "number"],
)
@pytest.mark.parametrize("loader", [load, load_scenario], ids=["load", "load_scenario"])
def test_a_file_that_is_not_a_mapping_is_refused_at_line_one(
    content: str, got: str, loader: Callable[[Path], object], write: Write
) -> None:
    """A scenario is a mapping with a schema key; anything else is one problem at 1:1."""
    problem = only_problem(write(content), loader)
    assert problem.message == f"expected a mapping with a 'schema' key, got {got}"
    assert (problem.line, problem.col) == (1, 1)


def test_invalid_utf8_is_located_at_the_bad_byte(write: Write) -> None:
    """A byte that is not UTF-8 is reported with its line and column and what to do."""
    problem = only_problem(write(b"schema: scenario/1\nid: caf\xe9\n"))
    assert (problem.line, problem.col) == (2, 8)
    assert problem.message == "not valid UTF-8 (byte 0xe9); save the file as UTF-8"


def test_a_nul_character_means_not_a_text_file(write: Write) -> None:
    """A NUL character is refused before YAML parsing."""
    problem = only_problem(write(MINIMAL.encode() + b"\x00"))
    assert problem.message == "contains a NUL character; this is not a text file"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(write: Write) -> None:
    """A file larger than the limit is refused with its size and the limit."""
    filler = "# " + "x" * 98 + "\n"
    path = write(MINIMAL + filler * (MAX_BYTES // len(filler) + 1))
    problem = only_problem(path)
    size = path.stat().st_size
    assert problem.message == f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.1f} MB"
    assert problem.line == 0


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("schema: scenario/1\nid: a\nid: b\n", 3, "duplicate key 'id'"),
        (
            "schema: scenario/1\nid: !!python/name:os.system\n",
            2,
            "YAML tags such as 'tag:yaml.org,2002:python/name:os.system' are not allowed in drillsim files",
        ),
        ("schema: scenario/1\n---\nschema: scenario/1\n", 2, "a file holds one document; remove the extra '---'"),
        ("schema: scenario/1\ntitle: [oops\n", 3, "YAML syntax: did not find expected ',' or ']'"),
    ],
    ids=["duplicate-key", "tag", "two-documents", "syntax"],
)
def test_a_yaml_level_problem_is_reported_with_its_line(content: str, line: int, message: str, write: Write) -> None:
    """Problems found by the YAML reader come out as one located problem without a field."""
    problem = only_problem(write(content))
    assert (problem.line, problem.field, problem.message) == (line, "", message)


# Hostile numbers and text ------------------------------------------------------------------------------------


def test_a_huge_whole_number_initial_is_a_content_error(write: Write) -> None:
    """An int variable whose initial value is astronomically large is refused, not an OverflowError."""
    text = variant(
        ("{type: int, initial: 0, min: 0, max: 100}", "{type: int, initial: " + "9" * 400 + ", min: 0, max: 100}")
    )
    problem = only_problem(write(text))
    assert problem.field == "variables.smoke_level"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("timers:\n", "limit: 1e999\ntimers:\n"), "limit"),
        (("timers:\n", "limit: NaN\ntimers:\n"), "limit"),
        (("timers:\n", "limit: " + "9" * 5000 + "\ntimers:\n"), "limit"),
        (("duration: 2", "duration: 1e999"), "actions.evacuate.duration"),
        (("at: 0", "at: Infinity"), "injects.first_call.at"),
        (("{value: 5, source: fire_code}", "{value: 1e999, source: fire_code}"), "parameters.sla_min.value"),
        (("rate: 2,", "rate: 1e999,"), "dynamics.smoke_rises.rate"),
    ],
    ids=["limit-inf", "limit-nan", "limit-5000-digits", "duration-inf", "at-inf", "parameter-inf", "rate-inf"],
)
def test_a_figure_that_is_not_finite_is_refused(edit: tuple[str, str], field: str, write: Write) -> None:
    """Minutes, rates and parameter values must be finite numbers; infinity and NaN are refused."""
    problems = problems_of(write(variant(edit)))
    assert field in [p.field for p in problems]


def test_true_or_false_is_not_a_number_of_minutes(write: Write) -> None:
    """A boolean where minutes are expected is an error, not 1 or 0."""
    problem = only_problem(write(variant(("duration: 2", "duration: true"))))
    assert problem.field == "actions.evacuate.duration"


@pytest.mark.parametrize(
    "edit",
    [
        ("when: smoke_level >= 10", 'when: "smoke_level >= 10\\nand"'),
        ("    duration: 2\n", '    duration: 2\n    "dura\\ntion": 2\n'),
    ],
    ids=["multi-line-expression", "key-with-a-line-break"],
)
def test_a_problem_always_prints_as_one_line(edit: tuple[str, str], write: Write) -> None:
    """Line breaks in the offending text are escaped, so each problem is exactly one terminal line."""
    with pytest.raises(ContentError) as caught:
        load(write(variant(edit)))
    assert len(str(caught.value).splitlines()) == len(caught.value.problems) == 1
