"""Limits with clear messages: the finest dynamic step, numbers a record can hold, events per drill."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import ContentError, EngineError
from engine.format import VariableStepped, load_scenario
from engine.runtime import Drill, Submission, compiled
from engine.runtime import run as run_module
from tests.conftest import MINI
from tui.cli import main

RUNAWAY = MINI.replace(
    "  trapped: {type: int, min: 0, max: 5, initial: 2}\n",
    "  trapped: {type: int, min: 0, max: 5, initial: 2}\n  level: {type: float, min: 0, max: 1.0e+200, initial: 1.0e+200}\n",
)
"""The mini scenario with a huge number variable: squaring it overflows to infinity."""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mini-lift.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _with_dynamic(line: str) -> str:
    return RUNAWAY.replace("dynamics:\n", f"dynamics:\n  {line}\n")


def _problems(path: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_scenario(path)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("every", ["0.000001", "0", "0.05"])
def test_a_dynamic_step_finer_than_a_tenth_of_a_minute_is_refused_where_it_is_written(
    tmp_path: Path, every: str
) -> None:
    """`every: 0.000001` hung a run and wrote 164 MB of record; now it is a located load error."""
    path = _write(tmp_path, _with_dynamic(f"creeping: {{var: distress, rate: 1, every: {every}}}"))
    problems = _problems(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:")
    assert "dynamics.creeping.every: " in problems[0]
    assert "the smallest step, 0.1 minutes" in problems[0]


def test_a_dynamic_step_of_a_tenth_of_a_minute_is_accepted(tmp_path: Path) -> None:
    """The smallest step itself is valid."""
    path = _write(tmp_path, _with_dynamic("creeping: {var: distress, rate: 1, every: 0.1}"))
    assert load_scenario(path).model.dynamics["creeping"].every == 0.1


@pytest.mark.parametrize(
    ("rate", "shown"),
    [("1e308 * 10", "comes to inf"), ("1e999", "reads as infinity"), ("(1e308 * 10) - (1e308 * 10)", "comes to")],
)
def test_arithmetic_that_is_infinite_whatever_the_drill_does_is_refused_at_load(
    tmp_path: Path, rate: str, shown: str
) -> None:
    """Overflow in a part that reads no variable is found when the file is validated, with its position."""
    path = _write(tmp_path, _with_dynamic(f"boom: {{var: distress, rate: '{rate}'}}"))
    problems = _problems(path)
    assert len(problems) == 1 and "dynamics.boom.rate: " in problems[0] and shown in problems[0]


def test_an_effect_that_is_infinite_whatever_the_drill_does_is_refused_at_load(tmp_path: Path) -> None:
    """The same holds for an effect's value."""
    text = RUNAWAY.replace("effects: {talking: true}", "effects: {talking: true, level: '1e200 * 1e200'}")
    problems = _problems(_write(tmp_path, text))
    assert len(problems) == 1 and "actions.talk.effects.level: " in problems[0] and "comes to inf" in problems[0]


def _runaway_drill(tmp_path: Path, text: str) -> Drill:
    loaded = load_scenario(_write(tmp_path, text))
    drill = Drill([(compiled(loaded.model, loaded.digest), 0.0)], seed=1, mode="observe")
    drill.start()
    return drill


def test_a_rate_that_reaches_nan_during_a_drill_stops_it_naming_the_dynamic_and_the_variable(tmp_path: Path) -> None:
    """`x*x - x*x` passes validation; when x is huge the drill stops with an EngineError, not a NaN."""
    drill = _runaway_drill(tmp_path, _with_dynamic("swing: {var: level, rate: 'level * level - level * level'}"))
    with pytest.raises(EngineError, match=r"dynamic 'swing': the rate of 'level' came to nan at minute 1"):
        drill.run_to_end()
    assert all(e.value == e.value for e in drill.events if isinstance(e, VariableStepped))  # no NaN was recorded


def test_an_effect_that_overflows_during_a_drill_stops_it_naming_the_action_and_the_variable(tmp_path: Path) -> None:
    """An effect computed from a huge value names its action and variable."""
    text = RUNAWAY.replace("effects: {talking: true}", "effects: {talking: true, level: 'level * level'}")
    drill = _runaway_drill(tmp_path, text)
    drill.advance_to(0.5)
    drill.submit(Submission("control", "talk"))
    with pytest.raises(EngineError, match=r"action 'talk': the effect on 'level' came to inf"):
        drill.run_to_end()


def test_a_nan_during_a_recorded_run_is_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`run --record` used to die in the record writer with 'internal error'."""
    path = _write(tmp_path, _with_dynamic("swing: {var: level, rate: 'level * level - level * level'}"))
    code = main(["run", str(path), "--record", str(tmp_path / "r.jsonl"), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "internal error" not in err
    assert "dynamic 'swing'" in err and "'level'" in err


def test_a_drill_past_the_events_cap_stops_with_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A runaway drill stops at the cap instead of writing a record without end."""
    monkeypatch.setattr(run_module, "MAX_EVENTS", 100)
    path = _write(tmp_path, _with_dynamic("sinking: {var: level, rate: -1.0e+190, every: 0.1}"))
    record = tmp_path / "r.jsonl"
    code = main(["run", str(path), "--record", str(record), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "after 100 events" in err
    assert (
        len(record.read_text(encoding="utf-8").splitlines()) == 102
    )  # the header, the scenario, the events before the cap
