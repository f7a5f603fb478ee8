"""Invariants of the engine, checked by Hypothesis over arbitrary decisions."""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from engine.format import Finding, load_scenario
from engine.runtime import CompiledScenario, Drill, Submission, compiled, prepare
from tests.conftest import MINI, ROOT

ELEVATOR = ROOT / "scenarios" / "elevator-entrapment.yaml"


@cache
def _mini() -> CompiledScenario:
    """The mini scenario, compiled once (a compiled scenario is never changed by a drill)."""
    path = Path(tempfile.mkdtemp()) / "mini-lift.yaml"
    path.write_text(MINI, encoding="utf-8")
    loaded = load_scenario(path)
    return compiled(loaded.model, loaded.digest)


@cache
def _shipped() -> CompiledScenario:
    """The shipped lift entrapment, compiled once."""
    return prepare(str(ELEVATOR)).scenarios()[0]


decision_lists = st.lists(
    st.tuples(st.floats(min_value=0, max_value=90, allow_nan=False), st.integers(min_value=0, max_value=200)),
    max_size=25,
)


def _log(sc: CompiledScenario, seed: int, mode: str, raw: list[tuple[float, int]]) -> str:
    """Run arbitrary decisions (any action, any role, any time) and return the event log as JSONL."""
    actions = list(sc.actions.values())
    drill = Drill([(sc, 0.0)], seed=seed, mode=mode)
    drill.start()
    for t, pick in sorted(raw, key=lambda x: x[0]):
        drill.advance_to(t)
        if drill.finished:
            break
        action = actions[pick % len(actions)]
        role = action.role if pick % 7 else "nobody"
        drill.submit(Submission(role, action.id, source="script"))
    drill.run_to_end()
    return "\n".join(json.dumps(e.to_json(), ensure_ascii=False, sort_keys=True) for e in drill.events)


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), raw=decision_lists, mode=st.sampled_from(["strict", "observe"]))
def test_same_scenario_seed_and_decisions_give_a_byte_identical_log(
    seed: int, raw: list[tuple[float, int]], mode: str
) -> None:
    """Determinism: two drills fed the same inputs produce the same bytes."""
    sc = _shipped()
    assert _log(sc, seed, mode, raw) == _log(sc, seed, mode, raw)


class StrictDrill(RuleBasedStateMachine):
    """Any sequence of decisions in strict mode: no decision ever gets past a rule."""

    def __init__(self) -> None:
        super().__init__()
        self.drill: Drill | None = None

    @initialize(which=st.sampled_from(["mini", "elevator"]), seed=st.integers(min_value=0, max_value=10_000))
    def begin(self, which: str, seed: int) -> None:
        sc = _shipped() if which == "elevator" else _mini()
        self.drill = Drill([(sc, 0.0)], seed=seed, mode="strict")
        self.drill.start()

    @precondition(lambda self: self.drill is not None and not self.drill.finished)
    @rule(pick=st.integers(min_value=0, max_value=500))
    def decide(self, pick: int) -> None:
        assert self.drill is not None
        actions = list(self.drill.incidents[0].sc.actions.values())
        action = actions[pick % len(actions)]
        before = self.drill.breaches(0, action.id)
        verdict = self.drill.submit(Submission(action.role, action.id))
        if before:
            assert verdict.status in ("refused", "unavailable")

    @precondition(lambda self: self.drill is not None and not self.drill.finished)
    @rule(minutes=st.floats(min_value=0.01, max_value=20, allow_nan=False))
    def wait(self, minutes: float) -> None:
        assert self.drill is not None
        self.drill.advance_to(self.drill.now + minutes)

    @rule()
    def look(self) -> None:
        """Always possible: every option offered is an action of the scenario."""
        assert self.drill is not None
        for option in self.drill.options():
            assert option.action in self.drill.incidents[option.incident].sc.actions

    @invariant()
    def no_decision_caused_a_finding(self) -> None:
        if self.drill is None:
            return
        caused = [e for e in self.drill.events if isinstance(e, Finding) and e.cause is not None]
        assert caused == []


TestStrictDrill = pytest.mark.slow(StrictDrill.TestCase)
TestStrictDrill.settings = settings(
    max_examples=40, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
