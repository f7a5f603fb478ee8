"""Specification of the scenario linter (:mod:`engine.tools.lint`).

Every rule is shown on one small valid scenario changed in one place: the change must bring exactly
that rule's code, at the line the author has to look at (found in the text itself, never copied
from a run), with a message that names the thing. The shipped library must lint clean, and no file,
however hostile, may make the linter raise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import engine.tools.lint
from engine.display import ACTIONS, FEED, cells, wrap
from engine.tools.lint import CODES, Lint, lint_file, lint_paths

ROOT = Path(__file__).resolve().parents[2]
"""The repository."""

GOOD = """\
schema: scenario/1
id: tiny-lift
version: "1"
category: elevator
title: {zh: 小电梯困人, en: Tiny lift entrapment}
summary: {zh: 测试用的最小场景。, en: The smallest scenario for tests.}
sources:
  sop: {title: Site SOP}
parameters:
  contact_min: {value: 3, source: sop}
roles:
  desk: {kind: staff, label: {zh: 监控, en: Control room}, pool: desk}
staff:
  desk: {capacity: 1, label: {zh: 值班台, en: Desk}}
variables:
  talking: {type: bool, initial: false, label: {zh: 已通话, en: Talking}}
initial: trapped
states:
  trapped: {narration: {zh: 两人被困。, en: Two people are stuck.}}
  released: {narration: {zh: 已解救。, en: They are out.}}
endings:
  closed: {outcome: success, narration: {zh: 结案。, en: Case closed.}}
actions:
  log: {role: desk, label: {zh: 登记, en: Log the alarm}, stage: report, life: support}
  talk: {role: desk, label: {zh: 通话, en: Talk}, stage: handle, life: life-safety, effects: {talking: true}}
  free: {role: desk, label: {zh: 放人, en: Release}, stage: handle, life: life-safety, in: [trapped], goto: released}
  close: {role: desk, label: {zh: 结案, en: Close}, stage: feedback, life: admin, in: [released], goto: closed, sources: [sop]}
hazards:
  stuck: {label: {zh: 人员被困, en: People trapped}, active: "not talking", requires: [talk]}
timers:
  contact: {label: {zh: 3分钟内通话, en: Talk within 3 min}, deadline: contact_min, met: talking}
"""
"""A minimal scenario that lints clean: report, handle, feedback, a hazard, a timer, two states."""

PLAN = """\
schema: plan/1
id: tiny-plan
version: "1"
title: {zh: 小演练, en: Tiny drill}
incidents:
  - scenario: tiny-lift
    name: first
  - scenario: tiny-lift.yaml
    name: second
    after: {incident: first, when: "talking"}
staffing: {desk: 1}
team: {desk: [Ann]}
"""
"""A minimal plan over :data:`GOOD` (written beside it as ``tiny-lift.yaml``) that lints clean."""

Write = Callable[..., Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a text (default: the good scenario) to a file in a fresh folder and return its path."""

    def make(text: str = GOOD, name: str = "tiny-lift.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


def edit(text: str, old: str, new: str) -> str:
    """``text`` with its one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


def add(text: str, section: str, entry: str) -> str:
    """``text`` with ``entry`` added at the top of the top-level ``section`` (created at the end if absent)."""
    if f"\n{section}:\n" in text:
        return edit(text, f"\n{section}:\n", f"\n{section}:\n  {entry}\n")
    return f"{text}{section}:\n  {entry}\n"


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def codes(found: list[Lint]) -> set[str]:
    """The codes among ``found``."""
    return {lint.code for lint in found}


# The good file ------------------------------------------------------------------------------------


def test_the_minimal_good_scenario_has_no_lints(write: Write) -> None:
    """A small scenario that closes its loop, reaches every state and cites every source lints clean."""
    assert lint_file(write()) == []


def test_the_minimal_good_plan_has_no_lints(write: Write) -> None:
    """A plan whose scenario, pools, team and trigger all exist lints clean."""
    write()
    assert lint_file(write(PLAN, "plan.yaml")) == []


# One test per code ----------------------------------------------------------------------------------

CYCLE = add(
    add(
        add(GOOD, "states", "spin: {narration: {zh: 转, en: Spin.}}"),
        "states",
        "spun: {narration: {zh: 转完, en: Spun.}}",
    ),
    "actions",
    "a: {role: desk, label: {zh: 甲, en: A}, stage: handle, life: support, in: [trapped], goto: spin}\n"
    "  b: {role: desk, label: {zh: 乙, en: B}, stage: handle, life: support, in: [spin], goto: spun}\n"
    "  c: {role: desk, label: {zh: 丙, en: C}, stage: handle, life: support, in: [spun], goto: spin}",
)
"""The good scenario with a side loop, spin <-> spun, that never reaches an ending."""

CASES: list[tuple[str, str, str, str]] = [
    # (code, changed text, needle on the expected line, message fragment)
    ("DS001", edit(GOOD, "category: elevator", "category: lift"), "category: lift", "category: Input should be"),
    ("DS002", edit(GOOD, "met: talking", "met: talkin"), "met: talkin", "unknown variable 'talkin'"),
    (
        "DS002",
        edit(GOOD, "in: [released], goto: closed", "in: [relased], goto: closed"),
        "in: [relased]",
        "unknown state 'relased' (did you mean 'released'?)",
    ),
    (
        "DS003",
        edit(GOOD, "  released: {narration", "  trapped: {narration"),
        "  trapped: {narration: {zh: 已解救",
        "duplicate key 'trapped'",
    ),
    (
        "DS003",
        add(GOOD, "parameters", "talking: {value: 1, source: sop}"),
        "talking: {value: 1",
        "'talking' is both a parameter and a variable",
    ),
    (
        "DS004",
        add(GOOD, "variables", "spare: {type: bool, initial: false, show: hidden}"),
        "spare:",
        "variables.spare: no condition or expression reads it; it is hidden",
    ),
    (
        "DS004",
        add(GOOD, "variables", "floor: {type: int, initial: 1, min: 0, max: 9, label: {zh: 楼层, en: Floor}}"),
        "floor:",
        "nothing changes it",
    ),
    (
        "DS005",
        add(GOOD, "states", "limbo: {narration: {zh: 无处, en: Nowhere.}}"),
        "limbo:",
        "states.limbo: no path from 'trapped' reaches this state",
    ),
    (
        "DS005",
        add(GOOD, "endings", "lost: {outcome: failure, narration: {zh: 失败, en: Lost.}}"),
        "lost:",
        "endings.lost: no path from 'trapped' reaches this ending",
    ),
    (
        "DS006",
        add(
            add(GOOD, "states", "waiting: {narration: {zh: 等待, en: Waiting.}}"),
            "actions",
            "wait: {role: desk, label: {zh: 等, en: Wait}, stage: handle, life: support, in: [trapped], goto: waiting}",
        ),
        "waiting: {narration",
        "states.waiting: no action, transition, inject or timer leads out of it",
    ),
    ("DS007", CYCLE, "spun: {narration", "states.spun: no ending can be reached from here"),
    (
        "DS008",
        add(
            edit(GOOD, "in: [trapped], goto: released", "in: [trapped], when: door_open, goto: released"),
            "variables",
            "door_open: {type: bool, initial: false, label: {zh: 门已开, en: Door open}}",
        ),
        "  trapped: {narration",
        "states.trapped: every way out has a condition that cannot hold here",
    ),
    (
        "DS009",
        add(
            edit(GOOD, "met: talking", "met: helped"),
            "variables",
            "helped: {type: bool, initial: false, label: {zh: 已帮助, en: Helped}}",
        ),
        "met: helped",
        "timers.contact.met: can never hold",
    ),
    (
        "DS009",
        edit(
            GOOD,
            "deadline: contact_min, met: talking",
            "start: started(free) and false, deadline: contact_min, met: talking",
        ),
        "start: started(free)",
        "timers.contact.start: can never hold, so the deadline never starts",
    ),
    (
        "DS010",
        edit(GOOD, "stage: feedback, life: admin", "stage: handle, life: admin"),
        "actions:",
        "actions: no action has stage: feedback",
    ),
    (
        "DS010",
        add(
            add(
                add(
                    edit(GOOD, "stage: feedback, life: admin", "stage: handle, life: admin"),
                    "states",
                    "aftermath: {narration: {zh: 善后, en: Aftermath.}}",
                ),
                "endings",
                "failed: {outcome: failure, narration: {zh: 失败, en: Failed.}}",
            ),
            "actions",
            "give_up: {role: desk, label: {zh: 放弃, en: Give up}, stage: handle, life: support, in: [trapped], goto: aftermath}\n"
            "  tell: {role: desk, label: {zh: 告知, en: Tell them}, stage: feedback, life: support, in: [aftermath], goto: failed}",
        ),
        "actions:",
        "no feedback action is offered in a state from which a success or partial ending can be reached",
    ),
    (
        "DS011",
        add(
            edit(GOOD, 'active: "not talking", requires: [talk]', 'active: "in_state(trapped)", requires: [check]'),
            "actions",
            "check: {role: desk, label: {zh: 检查, en: Check them}, stage: handle, life: life-safety, in: [released]}",
        ),
        "requires: [check]",
        "hazards.stuck.requires.0: 'check' can never be started while 'stuck' may be active",
    ),
    (
        "DS012",
        edit(GOOD, "title: {zh: 小电梯困人, en: Tiny lift entrapment}", "title: {en: Tiny lift entrapment}"),
        "title:",
        "title: given in en only; add the zh text",
    ),
    (
        "DS012",
        edit(GOOD, "released: {narration: {zh: 已解救。, en: They are out.}}", "released: {narration: {zh: 已解救。}}"),
        "released: {narration",
        "states.released.narration: given in zh only; add the en text",
    ),
    (
        "DS013",
        edit(
            GOOD,
            "en: Log the alarm}",
            'en: "Log the alarm with the time, the building, the lift number, its ID code and the headcount"}',
        ),
        "Log the alarm with",
        "actions.log.label.en: needs 3 lines of the action list (38 cells); at most 2 fit",
    ),
    (
        "DS013",
        edit(GOOD, "label: {zh: 登记,", "label: {zh: " + "登" * 36 + ","),
        "登登登",
        "actions.log.label.zh: needs 3 lines of the action list (38 cells); at most 2 fit",
    ),
    (
        "DS013",
        edit(GOOD, "title: {zh: 小电梯困人,", "title: {zh: " + "困" * 39 + ","),
        "困困困",
        "title.zh: is 78 cells wide; a one-line text fits in 76",
    ),
    (
        "DS013",
        edit(GOOD, "label: {zh: 人员被困,", "label: {zh: " + "困" * 36 + ","),
        "困困困",
        "hazards.stuck.label.zh: needs 3 lines of the side panel (35 cells); at most 2 fit",
    ),
    (
        "DS013",
        edit(GOOD, "en: They are out.}", "en: " + "They are out. " * 30 + "}"),
        "They are out. They",
        "states.released.narration.en: needs 12 lines of the event feed (40 cells); at most 11 fit",
    ),
    (
        "DS013",
        edit(GOOD, "en: The smallest scenario for tests.}", "en: " + "Tiny. " * 80 + "}"),
        "Tiny. Tiny.",
        "summary.en: needs 7 lines (76 cells); at most 6 fit",
    ),
    (
        "DS018",
        edit(GOOD, "released: {narration: {zh: 已解救。,", "released: {narration: {zh: 已解救， 乘客平安。,"),
        "已解救",
        "states.released.narration.zh: a space between '，' and '乘'; Chinese has none",
    ),
    (
        "DS014",
        add(GOOD, "parameters", "spare_min: {value: 5, source: sop}"),
        "spare_min:",
        "parameters.spare_min: no figure or expression names it",
    ),
    (
        "DS015",
        add(GOOD, "sources", "old_sop: {title: Old SOP}"),
        "old_sop:",
        "sources.old_sop: no parameter, action, forbidden rule, hazard or timer cites it",
    ),
    (
        "DS016",
        add(GOOD, "actions", "ghost: {role: desk, label: {zh: 幽灵, en: Ghost}, stage: handle, life: support, in: []}"),
        "ghost:",
        "actions.ghost: offered in no state, so it can never be chosen",
    ),
]
"""Each code on the good scenario changed in one place."""


@pytest.mark.parametrize(("code", "text", "needle", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_each_rule_reports_its_code_at_the_line_to_fix(
    code: str, text: str, needle: str, message: str, write: Write
) -> None:
    """One change brings exactly its code, at the line of the changed thing, with a message naming it."""
    found = lint_file(write(text))
    assert codes(found) == {code}, [str(f) for f in found]
    first = found[0]
    assert first.line == line_of(text, needle)
    assert message in first.message
    assert first.col >= 1


def test_an_exit_waiting_for_something_the_players_can_do_is_not_a_stall(write: Write) -> None:
    """A guarded way out whose condition an offered action can make true is open: no DS008."""
    text = edit(GOOD, "in: [trapped], goto: released", "in: [trapped], when: talking and done(log), goto: released")
    assert lint_file(write(text)) == []


def test_an_exit_guarded_by_an_action_offered_only_later_is_a_stall(write: Write) -> None:
    """done(x) cannot hold in a state that no state offering x leads to, so that way out never opens."""
    text = add(
        add(GOOD, "states", "waiting: {narration: {zh: 等待, en: Waiting.}}"),
        "actions",
        "go_wait: {role: desk, label: {zh: 等, en: Wait}, stage: handle, life: support, in: [trapped], goto: waiting}\n"
        "  finish: {role: desk, label: {zh: 完成, en: Finish}, stage: handle, life: support, in: [waiting], when: done(wave), goto: released}\n"
        "  wave: {role: desk, label: {zh: 挥手, en: Wave}, stage: handle, life: support, in: [released]}",
    )
    found = lint_file(write(text))
    assert [(f.code, f.line) for f in found] == [("DS008", line_of(text, "waiting: {narration"))]


def test_a_required_action_started_before_the_hazard_state_is_a_rescue(write: Write) -> None:
    """A life-safety action offered on the way to the states where the hazard is active counts: no DS011."""
    text = add(
        edit(GOOD, 'active: "not talking", requires: [talk]', 'active: "in_state(released)", requires: [check]'),
        "actions",
        "check: {role: desk, label: {zh: 检查, en: Check them}, stage: handle, life: life-safety, in: [trapped]}",
    )
    assert lint_file(write(text)) == []


def test_an_unknown_action_in_started_is_a_dangling_reference(write: Write) -> None:
    """started()/done() of an undeclared action is DS002, like any other unknown name."""
    text = edit(GOOD, "met: talking", "met: started(tlak)")
    found = lint_file(write(text))
    assert [(f.code, f.line) for f in found] == [("DS002", line_of(text, "started(tlak)"))]
    assert "started(): unknown action 'tlak' (did you mean 'talk'?)" in found[0].message


def test_every_state_of_a_cycle_without_an_ending_is_reported(write: Write) -> None:
    """Both states of a loop that never reaches an ending get DS007, each at its own id."""
    found = lint_file(write(CYCLE))
    assert [(f.code, f.line) for f in found] == [("DS007", line_of(CYCLE, "spun:")), ("DS007", line_of(CYCLE, "spin:"))]


# Plans and scripts ---------------------------------------------------------------------------------

PLAN_CASES: list[tuple[str, str, str, str]] = [
    # (old, new, needle on the expected line, message fragment)
    ("scenario: tiny-lift\n", "scenario: tiny-lfit\n", "scenario: tiny-lfit", "no such file, and no shipped scenario"),
    (
        "staffing: {desk: 1}",
        "staffing: {desks: 1}",
        "staffing:",
        "no scenario of this plan has a staff pool 'desks' (did you mean 'desk'?)",
    ),
    ("team: {desk: [Ann]}", "team: {dsk: [Ann]}", "team:", "no scenario of this plan has a role 'dsk'"),
    (
        "incident: first,",
        "incident: frist,",
        "after:",
        "unknown incident 'frist' (did you mean 'first'?); incidents: first",
    ),
    ("incident: first,", "incident: second,", "after:", "unknown incident 'second'; incidents: first"),
    ('when: "talking"', 'when: "talkin"', "after:", "incidents.1.after.when: unknown variable 'talkin'"),
]
"""Each plan problem on the good plan changed in one place."""


@pytest.mark.parametrize(("old", "new", "needle", "message"), PLAN_CASES, ids=[c[1] for c in PLAN_CASES])
def test_a_plan_problem_is_reported_as_ds017_at_the_plan_line(
    old: str, new: str, needle: str, message: str, write: Write
) -> None:
    """Unknown scenarios, pools, roles and trigger incidents of a plan are DS017 findings in the plan file."""
    write()
    text = edit(PLAN, old, new)
    plan = write(text, "plan.yaml")
    found = lint_file(plan)
    assert codes(found) == {"DS017"}, [str(f) for f in found]
    assert found[0].path == str(plan)
    assert found[0].line == line_of(text, needle)
    assert message in found[0].message


def test_a_plan_whose_scenario_does_not_load_is_reported_in_the_plan(write: Write) -> None:
    """A scenario that fails to load makes the plan DS017, quoting the scenario's own problem."""
    write(edit(GOOD, "met: talking", "met: talkin"))
    found = lint_file(write(PLAN, "plan.yaml"))
    assert codes(found) == {"DS017"}
    assert "unknown variable 'talkin'" in found[0].message


def test_a_plan_text_is_linted_like_a_scenario_text(write: Write) -> None:
    """A plan's title and objectives get the translation and width checks too."""
    write()
    found = lint_file(write(PLAN + "objectives:\n  - {en: Talk first}\n", "plan.yaml"))
    assert [(f.code, f.message) for f in found] == [("DS012", "objectives.0: given in en only; add the zh text")]


SCRIPT = """\
schema: script/1
scenario: tiny-lift
decisions:
  - {t: 0, role: desk, action: log}
"""
"""A decision script: checked for validity only."""


@pytest.mark.parametrize(
    "text",
    [SCRIPT, "- {t: 0, role: desk, action: log}\n- {t: 1, role: desk, action: talk}\n"],
    ids=["script", "bare-list"],
)
def test_a_valid_decision_script_has_no_lints(text: str, write: Write) -> None:
    """Scripts, written out or as a bare list of decisions, are only checked for validity."""
    assert lint_file(write(text, "script.yaml")) == []


def test_an_invalid_bare_list_script_is_ds001_at_the_bad_value(write: Write) -> None:
    """A bare-list script with a minute that is not a number is invalid, at that value."""
    text = "- {t: 0, role: desk, action: log}\n- {t: soon, role: desk, action: talk}\n"
    found = lint_file(write(text, "script.yaml"))
    assert [(f.code, f.line) for f in found] == [("DS001", 2)]
    assert "decisions.1.t: " in found[0].message


# Output -----------------------------------------------------------------------------------------


def test_a_lint_prints_as_path_line_col_code_message() -> None:
    """The one-line format editors and CI parse: ``path:line:col CODE message``."""
    lint = Lint("scenarios/fire.yaml", 41, 9, "DS004", "variables.smoke: no condition reads it")
    assert str(lint) == "scenarios/fire.yaml:41:9 DS004 variables.smoke: no condition reads it"


def test_control_characters_in_a_lint_are_escaped_onto_one_line() -> None:
    """Line breaks, tabs and escape codes from a file never break the one-line format."""
    lint = Lint("a\nb.yaml", 1, 1, "DS001", "bad\tvalue '\x1b[31m'\r\nnext")
    assert str(lint) == "a\\nb.yaml:1:1 DS001 bad\\tvalue '\\x1b[31m'\\r\\nnext"
    assert "\n" not in str(lint)


def test_every_code_is_described_and_documented_in_the_module_table() -> None:
    """CODES holds DS001-DS018 in order, and the module docstring's table names each with its name."""
    assert list(CODES) == [f"DS{n:03d}" for n in range(1, 19)]
    doc = engine.tools.lint.__doc__ or ""
    for code, description in CODES.items():
        name = description.split(":")[0]
        assert re.search(rf"^{code}\s+{re.escape(name)}\s", doc, re.MULTILINE), code


def test_lints_of_several_files_come_sorted_by_path_line_and_column(tmp_path: Path) -> None:
    """A folder is searched for .yaml and .yml files; findings are in path, line, column order."""
    (tmp_path / "b.yml").write_text(add(GOOD, "sources", "old: {title: Old}"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text(
        add(add(GOOD, "sources", "old: {title: Old}"), "parameters", "x_min: {value: 1}"), encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not linted", encoding="utf-8")
    found = lint_paths([str(tmp_path)])
    keys = [(f.path, f.line, f.col) for f in found]
    assert keys == sorted(keys)
    assert [(Path(f.path).name, f.code) for f in found] == [
        ("a.yaml", "DS015"),
        ("a.yaml", "DS014"),
        ("b.yml", "DS015"),
    ]


# Text measurement ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width"), [("abc", 3), ("电梯", 4), ("3栋2号梯", 8), ("ＡＢ", 4), ("é", 1), ("e\u0301", 1)]
)
def test_wide_and_fullwidth_characters_take_two_cells(text: str, width: int) -> None:
    """East Asian Wide and Fullwidth characters count 2 cells, combining marks none."""
    assert cells(text) == width


def test_latin_text_wraps_at_spaces_and_cjk_anywhere() -> None:
    """Words are not split between lines; Chinese breaks between any two characters."""
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
    assert wrap("电梯困人救援", 5) == ["电梯", "困人", "救援"]
    assert wrap("call 96333 立即", 12) == ["call 96333", "立即"]
    assert wrap("x" * 10, 4) == ["xxxx", "xxxx", "xx"]
    assert wrap("one\ntwo", 76) == ["one", "two"]


def test_a_text_exactly_at_the_limits_is_accepted(write: Write) -> None:
    """An action label filling its two lines of the action list (indent and warning sign included) and a
    narration filling the feed's eleven lines are fine; one more cell or line is not."""
    label = "标" * ((ACTIONS.width * ACTIONS.lines - cells(ACTIONS.before + ACTIONS.after)) // 2)
    assert ACTIONS.measure(label) == ACTIONS.lines and ACTIONS.measure(label + "标") > ACTIONS.lines
    words = ["x" * (FEED.width - 1)] * FEED.lines
    narration = " ".join(words)[len(FEED.before) :]
    assert FEED.measure(narration) == FEED.lines and FEED.measure(narration + " x") > FEED.lines
    text = edit(edit(GOOD, "label: {zh: 登记,", f"label: {{zh: {label},"), "en: They are out.}", f"en: {narration}}}")
    assert lint_file(write(text)) == []


# Hostile input -----------------------------------------------------------------------------------

HOSTILE: list[tuple[str, bytes]] = [
    ("binary", bytes(range(256)) * 4),
    ("not-yaml", b"{{{ ]]] : : :\n\t- - -"),
    ("huge-line", b"schema: scenario/1\nid: " + b"x" * 1_500_000 + b"\n"),
    ("too-large", b"# " + b"y" * (3 * 1024 * 1024)),
    ("tag", b"!!python/object/apply:os.system ['echo PWNED']\n"),
    ("deep", b"[" * 5000 + b"]" * 5000),
    ("empty", b""),
    ("list-of-junk", b"- 1\n- [2]\n- {a: b}\n"),
]
"""Files no editor should produce, and one that an attacker might."""


@pytest.mark.parametrize(("name", "data"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_give_ds001_lines_and_never_raise(name: str, data: bytes, tmp_path: Path) -> None:
    """Whatever the bytes, the linter returns located DS001 findings instead of raising."""
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(data)
    found = lint_file(path)
    assert found and codes(found) == {"DS001"}
    assert all(f.line >= 1 and f.col >= 1 and "\n" not in str(f) for f in found)


def test_a_missing_file_or_a_folder_is_one_ds001_line(tmp_path: Path) -> None:
    """A path that is not a readable file is reported, not raised."""
    assert [f.message for f in lint_file(tmp_path / "nope.yaml")] == ["no such file"]
    assert codes(lint_file(tmp_path)) == {"DS001"}


@pytest.mark.parametrize(
    "narration", ["They are out. " * 15_000, "x" * 1_000_000, "困" * 300_000], ids=["words", "one-word", "cjk"]
)
def test_a_huge_valid_text_is_one_finding_measured_in_linear_time(narration: str, write: Write) -> None:
    """A narration of hundreds of thousands of characters, spaced or not, is one DS013 finding, promptly."""
    text = edit(GOOD, "en: They are out.}", f"en: {narration}}}")
    found = lint_file(write(text))
    assert [f.code for f in found] == ["DS013"]


# The shipped library ---------------------------------------------------------------------------


def test_the_shipped_scenarios_and_plans_lint_clean() -> None:
    """Every file in scenarios/ and drills/ lints clean."""
    found = lint_paths([str(ROOT / "scenarios"), str(ROOT / "drills")])
    assert [str(f).replace(f"{ROOT}/", "") for f in found] == []
