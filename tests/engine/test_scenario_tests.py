"""``drillsim test`` says why a test failed: the verdict an expected refusal got instead, and with ``-v``
the drill's events around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.tools import scenario_tests
from engine.tools.cli import main
from engine.tools.scenario_tests import around, run_file
from tests.conftest import MINI

TESTS = """\
tests:
  too_early:
    decisions:
      - {t: 0.1, role: control, action: close_quietly}
      - {t: 0.2, role: control, action: log}
    expect: {refused: [close_quietly]}
  door_between_floors:
    decisions:
      - {t: 0.1, role: guard, action: open_door}
    expect: {refused: [open_door]}
  never_tried:
    decisions:
      - {t: 0.1, role: control, action: log}
    expect: {refused: [open_door]}
  allowed:
    decisions:
      - {t: 0.1, role: control, action: log}
    expect: {refused: [log]}
"""
"""Tests of the mini lift expecting refusals: one refused as expected, three that are not, for three reasons."""


@pytest.fixture
def results(tmp_path: Path) -> dict[str, scenario_tests.TestResult]:
    """The mini lift with :data:`TESTS`, run."""
    path = tmp_path / "mini-lift.yaml"
    path.write_text(MINI + TESTS, encoding="utf-8")
    return {r.name: r for r in run_file(path)}


def test_an_expected_refusal_that_was_not_on_offer_names_the_verdict_and_the_state(
    results: dict[str, scenario_tests.TestResult],
) -> None:
    """Closing before anyone is out was never refused: it was not available in 'trapped', and the failure says so."""
    assert results["too_early"].failures == [
        "expected 'close_quietly' to be refused, it was not: at 00:06 it was not available: wrong-state"
        " (the incident was in 'trapped'); it is offered in 'released'"
    ]
    assert results["door_between_floors"].passed


def test_an_expected_refusal_that_was_accepted_or_never_tried_says_which(
    results: dict[str, scenario_tests.TestResult],
) -> None:
    """An action that broke no rule was accepted; one with no decision was never decided."""
    assert results["allowed"].failures == [
        "expected 'log' to be refused, it was not: at 00:06 it was accepted (the incident was in 'trapped'):"
        " it broke no rule then"
    ]
    assert results["never_tried"].failures == [
        "expected 'open_door' to be refused, it was not: it was never decided (no decision for it came due"
        " before the drill ended)"
    ]


def test_the_events_around_a_failing_decision_are_the_timeline_lines_with_the_decision_marked(
    results: dict[str, scenario_tests.TestResult],
) -> None:
    """The lines before and after the decision, sim time as the clock writes it, the decision marked with '>'."""
    result = results["too_early"]
    lines = around(result, result.failures[0], "en")
    marked = [line for line in lines if line.startswith(">")]
    assert marked == ["> 00:06  #5    unavailable [Control] Close the ticket (not in this phase)"]
    assert any("Alarm!" in line for line in lines) and any("Log the alarm" in line for line in lines)
    assert around(results["never_tried"], results["never_tried"].failures[0]) == []


def test_drillsim_test_verbose_prints_the_events_under_the_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With -v the failure is followed by its events; without, by nothing."""
    monkeypatch.setenv("DRILLSIM_LANG", "en")
    path = tmp_path / "mini-lift.yaml"
    path.write_text(MINI + TESTS, encoding="utf-8")
    assert main(["test", str(path), "-v"]) == 1
    verbose = capsys.readouterr().out
    failure = verbose.index("not available: wrong-state")
    assert verbose.index("> 00:06  #5    unavailable [Control] Close the ticket", failure) > failure
    assert main(["test", str(path)]) == 1
    quiet = capsys.readouterr().out
    assert "not available: wrong-state" in quiet and "#5" not in quiet
