"""Staffing stress test: the same seeds at every level, the result the same for any --jobs, clear errors."""

from __future__ import annotations

import json
import re

import pytest

from engine.errors import EngineError
from engine.runtime import prepare
from engine.tools import staffing
from engine.tools.cli import main
from scoring.scorecard import score_only


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["security=1,2,3"], {"security": [1, 2, 3]}),
        (["security=2", "control_room=1,2"], {"security": [2], "control_room": [1, 2]}),
        (["flood_team=0,1,1"], {"flood_team": [0, 1]}),
    ],
)
def test_staff_options_read_as_pools_and_levels(options: list[str], expected: dict[str, list[int]]) -> None:
    """POOL=N[,M...] per option; a level given twice is tried once."""
    assert staffing.parse(options) == expected


@pytest.mark.parametrize("option", ["security", "security=", "=2", "security=two", "security=-1", "security=1001"])
def test_a_malformed_staff_option_is_refused_with_an_example(option: str) -> None:
    """Anything but whole numbers of people after POOL= is refused, saying how to write it."""
    with pytest.raises(staffing.StaffingError, match=re.escape("e.g. security=1,2,3")):
        staffing.parse([option])


def test_levels_are_every_combination_in_the_order_given() -> None:
    """Two swept pools give every pair, the first pool's levels outermost."""
    assert staffing.levels({"a": [1, 2], "b": [3, 4]}) == [
        {"a": 1, "b": 3},
        {"a": 1, "b": 4},
        {"a": 2, "b": 3},
        {"a": 2, "b": 4},
    ]


def test_one_flood_team_member_cannot_keep_the_garage_dry_two_can() -> None:
    """The night rainstorm with a good trainee: one flood-team member is overwhelmed, two succeed."""
    result = staffing.sweep("rainstorm-flooding-night", {"flood_team": [1, 2]}, runs=3, scorer=score_only)
    one, two = result["levels"]
    assert one["staffing"] == {"flood_team": 1} and one["bad"] == 1.0
    assert two["outcomes"] == {"success": 1.0} and two["passed"] == 1.0
    assert one["measures"]["0.garage_water_cm"]["mean"] > two["measures"]["0.garage_water_cm"]["mean"]


def test_the_cascade_with_no_guards_ends_in_a_near_miss_and_the_table_says_so() -> None:
    """No guard to close the car park at red: the cascade ends partly resolved (a near miss) and fails; with
    one guard the grid fails, the lift traps people and the good trainee still resolves it. The table gets a
    'partly resolved' column, so no level reads 0% success and 0% failure."""
    result = staffing.sweep("rainstorm-cascade", {"security": [0, 1]}, runs=2, scorer=score_only)
    none, one = result["levels"]
    assert none["outcomes"] == {"partial": 1.0} and none["passed"] == 0.0
    assert one["outcomes"] == {"success": 1.0} and one["passed"] == 1.0
    assert one["measures"]["1.minutes_trapped"]["mean"] > 0  # the lift entrapment happened
    columns, rows = staffing.table(result, "en")
    assert columns[:4] == ["On duty", "Success", "Partly resolved", "Failure or time limit"]
    assert rows[0][1:4] == ["0%", "100%", "0%"] and rows[1][1:4] == ["100%", "0%", "0%"]
    columns, _ = staffing.table(
        staffing.sweep("elevator-entrapment", {"security": [1]}, runs=2, scorer=score_only), "en"
    )
    assert "Partly resolved" not in columns  # only where some level ends so


def test_the_sweep_is_the_same_for_any_number_of_jobs() -> None:
    """Each drill is seeded by its place: one process or two, the same figures."""
    one = staffing.sweep("elevator-entrapment", {"security": [1, 2]}, runs=6, jobs=1, scorer=score_only)
    two = staffing.sweep("elevator-entrapment", {"security": [1, 2]}, runs=6, jobs=2, scorer=score_only)
    assert one == two


def test_a_pool_the_drill_does_not_use_is_refused() -> None:
    """Staffing a pool no scenario of the drill has is an error naming it."""
    with pytest.raises(EngineError, match="'firemen'"):
        staffing.sweep("elevator-entrapment", {"firemen": [1]}, runs=1)


def test_the_command_prints_a_table_and_a_chart_and_writes_a_page(
    tmp_path: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    """simulate --staff shows a row and a bar per level; --html writes a page with an SVG chart."""
    page = tmp_path / "staff.html"  # type: ignore[operator]
    code = main(
        [
            "simulate",
            "elevator-entrapment",
            "--staff",
            "security=1,2",
            "--runs",
            "2",
            "--lang",
            "en",
            "--html",
            str(page),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Staffing stress test" in out and "█" in out
    pool = prepare("elevator-entrapment").pool_labels()["security"]
    assert f"{pool['en']}: 1" in out and "security=1" not in out  # a level in words, not pool ids
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text and "<script" not in text
    assert main(["simulate", "elevator-entrapment", "--staff", "security=1", "--runs", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["format"] == "drillsim-staffing/1"


def test_html_without_staff_and_a_policy_with_staff_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """--html belongs to --staff, and --staff plays the good trainee only."""
    assert main(["simulate", "elevator-entrapment", "--html", "x.html"]) == 2
    assert main(["simulate", "elevator-entrapment", "--staff", "security=1", "--policy", "idle"]) == 2
    assert "--staff" in capsys.readouterr().err


def test_the_chinese_table_names_pools_and_units_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    """In Chinese: the drill's title, 保安 2 人 style levels, units as words; no pool or scenario id."""
    assert main(["simulate", "elevator-entrapment", "--staff", "security=1,2", "--runs", "2", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    setup = prepare("elevator-entrapment")
    assert setup.titles()["zh"] in out and "elevator-entrapment" not in out
    assert f"{setup.pool_labels()['security']['zh']} 2 人" in out and "security" not in out
    assert "（分钟）" in out and "(min)" not in out
