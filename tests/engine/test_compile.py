"""Compiling a scenario costs in proportion to the scenario, and keeps the moves a drill can make."""

from __future__ import annotations

import importlib.util
import tracemalloc
from pathlib import Path
from types import ModuleType

import pytest

from engine.format import Loaded, Scenario, StateChanged, load_scenario, load_script
from engine.runtime import CompiledScenario, Drill, compiled, play_script
from tests.conftest import ROOT, of_type, play


def _benchmark() -> ModuleType:
    """benchmarks/compile_scaling.py, whose generator the tests share (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("compile_scaling", ROOT / "benchmarks" / "compile_scaling.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chain(tmp_path: Path, states: int) -> tuple[Loaded[Scenario], Path]:
    bench = _benchmark()
    scenario = tmp_path / "chain.yaml"
    scenario.write_text(bench.scenario_yaml(states), encoding="utf-8")
    script = tmp_path / "chain.script.yaml"
    script.write_text(bench.script_yaml(states), encoding="utf-8")
    return load_scenario(scenario), script


def _declared(sc: CompiledScenario) -> int:
    """Transition objects the scenario's machine holds (dict's own count: made ones, not claimed ones)."""
    return sum(dict.__len__(event.transitions) for event in sc.machine.events.values())


def test_compiling_declares_moves_in_proportion_to_the_scenario_not_states_times_triggers(tmp_path: Path) -> None:
    """A 2,000-state chain compiles to a few thousand transitions, not millions."""
    loaded, _ = _chain(tmp_path, 2000)
    sc = compiled(loaded.model, loaded.digest)
    triggers = len(sc.machine.events)
    assert triggers > 2000
    assert _declared(sc) < 2 * (triggers + len(sc.model.states))


def test_a_generated_scenario_of_five_thousand_states_validates_and_runs_to_its_end_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """Compile and a whole run of 5,000 states stay far under the gigabytes they used to take."""
    loaded, script = _chain(tmp_path, 5000)
    decisions = load_script(script).model.decisions
    tracemalloc.start()
    try:
        drill = Drill([(compiled(loaded.model, loaded.digest), 0.0)], seed=1, mode="observe")
        drill.start()
        play_script(drill, decisions)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert drill.outcome == "success"
    assert len(of_type(drill, StateChanged)) >= 5000
    assert peak < 300 * 2**20, f"peak {peak / 2**20:.0f} MB"


DETOUR = """\
schema: scenario/1
id: detour
version: "1"
category: other
title: {en: Detour}
summary: {en: An action chosen in one state completes in another.}
roles:
  crew: {kind: staff, label: {en: Crew}, pool: crew}
  caller: {kind: external, label: {en: Caller}}
staff:
  crew: {capacity: 1, label: {en: Crew}}
initial: first
states:
  first: {narration: {en: First}}
  second: {narration: {en: Second}}
endings:
  done: {outcome: success, narration: {en: Done}}
actions:
  slow: {role: crew, label: {en: Slow}, stage: report, life: support, in: [first], duration: 5, goto: done}
injects:
  moved: {at: 2, from: caller, to: crew, channel: phone, message: {en: Moved}, goto: second}
"""


def test_an_action_finishing_after_an_automatic_move_still_takes_the_incident_where_it_leads(tmp_path: Path) -> None:
    """A goto fires from whatever live state the incident is in when the action completes."""
    path = tmp_path / "detour.yaml"
    path.write_text(DETOUR, encoding="utf-8")
    loaded = load_scenario(path)
    drill = Drill([(compiled(loaded.model, loaded.digest), 0.0)], seed=1, mode="observe")
    drill.start()
    play(drill, [(0.0, "crew", "slow")])
    moves = [(e.from_, e.to, e.via) for e in of_type(drill, StateChanged)]
    assert moves == [("first", "second", "inject:moved"), ("second", "done", "action:slow")]


def test_a_move_from_an_ending_is_refused_by_the_machine(mini: CompiledScenario) -> None:
    """Triggers declared for every live state are still not valid once the incident has ended."""
    from transitions import MachineError

    token = mini.acquire()
    token.trigger("action:open_door")
    assert token.state == "fell"
    with pytest.raises(MachineError):
        token.trigger("action:release")
    mini.release(token)
