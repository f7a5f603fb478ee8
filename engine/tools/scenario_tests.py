"""Scenario tests: timed decisions and what must come of them, kept beside the scenario.

A scenario's ``tests:`` section names each test; a test plays its decisions (written inline or in a
script file next to the scenario) on a fresh drill with its own mode, seed and locale, then checks
every expectation it states: outcome, ending, findings present or absent, refusals, final values
and checkpoints along the way. Every failed expectation is reported, not just the first, so an
author fixing a scenario sees the whole picture at once.

``drillsim test`` and the project's own test suite both run them through :func:`run_file`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import ContentError, Problem
from engine.format import (
    AnyEvent,
    Decision,
    DecisionMade,
    Finding,
    FindingPattern,
    Loaded,
    Scenario,
    ScenarioTest,
    expand,
    load_scenario,
    load_script,
    persona_for,
    roleplay_id,
)
from engine.runtime import Drill, compiled, play_script


@dataclass
class TestResult:
    """The result of one scenario test."""

    scenario: str
    name: str
    failures: list[str] = field(default_factory=list)
    outcome: str | None = None
    findings: int = 0

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.failures


Scorer = Callable[[list[AnyEvent], list[Any]], dict[str, Any]]
"""Scores a drill (score, rating, passed, breakdown); scoring lives above the engine, so it is passed in."""


def run_file(path: str | Path, scorer: Scorer | None = None) -> list[TestResult]:
    """Run every test of a scenario file.

    Raises:
        ContentError: The scenario cannot be loaded.
    """
    loaded = load_scenario(path)
    return [run_test(loaded, name, test, scorer) for name, test in loaded.model.tests.items()]


def run_test(loaded: Loaded[Scenario], name: str, test: ScenarioTest, scorer: Scorer | None = None) -> TestResult:
    """Play one test and check its expectations (score expectations need a ``scorer``)."""
    result = TestResult(loaded.path, name)
    try:
        decisions = _decisions(loaded, test)
    except ContentError as exc:
        result.failures.append(f"cannot load its script: {exc.problems[0]}")
        return result
    model, digest = loaded.model, loaded.digest
    if test.persona is not None or model.roleplay_only:
        assert model.dialogue is not None
        persona = test.persona or persona_for(model.dialogue, test.seed)
        model, digest = expand(model, persona), f"{digest}#{persona}"
    drill = Drill([(compiled(model, digest, test.locale), 0.0)], seed=test.seed, mode=test.mode)
    drill.start()

    def check(checkpoint: Any) -> Callable[[], None]:
        return lambda: result.failures.extend(_checkpoint(drill, checkpoint))

    stops = [(c.t, check(c)) for c in test.expect.checkpoints]
    play_script(drill, decisions, source="test", stops=stops)
    incident = drill.incidents[0]
    result.outcome = drill.outcome
    findings = [e for e in drill.events if isinstance(e, Finding)]
    result.findings = len(findings)
    result.failures += _final(test, drill.events, findings, incident.ending, drill.outcome, incident.values)
    result.failures += _scored(test, drill, scorer)
    return result


def _scored(test: ScenarioTest, drill: Drill, scorer: Scorer | None) -> list[str]:
    expect = test.expect
    wanted = (expect.score_min, expect.score_max, expect.rating, expect.passed)
    if all(w is None for w in wanted) and not expect.breakdown:
        return []
    if scorer is None:
        return ["expects a score, but no scorer was given (run it with the drillsim command)"]
    scored = scorer(drill.events, [i.sc for i in drill.incidents])
    failures = []
    score = scored["score"]
    if expect.score_min is not None and score < expect.score_min:
        failures.append(f"score is {score:g}, expected at least {expect.score_min:g}")
    if expect.score_max is not None and score > expect.score_max:
        failures.append(f"score is {score:g}, expected at most {expect.score_max:g}")
    if expect.rating is not None and scored["rating"] != expect.rating:
        failures.append(f"rating is {scored['rating']}, expected {expect.rating}")
    if expect.passed is not None and scored["passed"] != expect.passed:
        failures.append(f"passed is {scored['passed']}, expected {expect.passed}")
    for what in expect.breakdown:
        items = [i for i in scored["breakdown"] if i["what"] == what]
        if what.startswith("task:"):
            ok = bool(items) and items[0]["points"] < _full(scored, what)
        else:
            ok = any(i["points"] < 0 for i in items)
        if not ok:
            failures.append(f"expected the breakdown to take points off for '{what}'")
    return failures


def _full(scored: dict[str, Any], what: str) -> float:
    """A task's full share of the score, as given in its breakdown entry."""
    item = next(i for i in scored["breakdown"] if i["what"] == what)
    return float(item.get("max", float("inf")))


def _decisions(loaded: Loaded[Scenario], test: ScenarioTest) -> list[Decision]:
    if test.script is None:
        return list(test.decisions)
    path = Path(loaded.path).parent / test.script
    script = load_script(path).model
    named = {loaded.model.id, roleplay_id(loaded.model.id)} if loaded.model.dialogue else {loaded.model.id}
    if script.scenario and script.scenario not in named:
        message = f"the script is for '{script.scenario}', not '{loaded.model.id}'"
        raise ContentError([Problem(str(path), 0, 0, "scenario", message)])
    return list(script.decisions)


def _checkpoint(drill: Drill, checkpoint: Any) -> list[str]:
    incident = drill.incidents[0]
    failures = []
    where = f"at minute {checkpoint.t:g}"
    if checkpoint.state is not None and incident.state != checkpoint.state:
        failures.append(f"{where}: state is '{incident.state}', expected '{checkpoint.state}'")
    failures += [f"{where}: {m}" for m in _compare_values(checkpoint.values, incident.values)]
    return failures


def _final(
    test: ScenarioTest,
    events: list[AnyEvent],
    findings: list[Finding],
    ending: str | None,
    outcome: str | None,
    values: dict[str, Any],
) -> list[str]:
    expect = test.expect
    failures = []
    if expect.outcome is not None and outcome != expect.outcome:
        failures.append(f"outcome is '{outcome}', expected '{expect.outcome}'")
    if expect.ending is not None and ending != expect.ending:
        failures.append(f"ending is '{ending}', expected '{expect.ending}'")
    if expect.clean is True and findings:
        failures.append(f"expected no findings, got {len(findings)}: {_describe(findings)}")
    if expect.clean is False and not findings:
        failures.append("expected at least one finding, got none")
    for pattern in expect.findings:
        if not any(_matches(pattern, f) for f in findings):
            failures.append(f"expected a finding {_pattern(pattern)}; got {_describe(findings) or 'none'}")
    for pattern in expect.absent:
        hits = [f for f in findings if _matches(pattern, f)]
        if hits:
            failures.append(f"expected no finding {_pattern(pattern)}, got {_describe(hits)}")
    refused = {e.action for e in events if isinstance(e, DecisionMade) and e.status == "refused"}
    for action in expect.refused:
        if action not in refused:
            failures.append(f"expected '{action}' to be refused, it was not")
    failures += _compare_values(expect.values, values)
    return failures


def _compare_values(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    out = []
    for var, want in expected.items():
        got = actual.get(var)
        same = got == want if isinstance(want, bool) or isinstance(got, bool) else _close(got, want)
        if not same:
            out.append(f"'{var}' is {got!r}, expected {want!r}")
    return out


def _close(got: Any, want: Any) -> bool:
    if isinstance(got, int | float) and isinstance(want, int | float):
        return abs(got - want) < 1e-6
    return bool(got == want)


def _matches(pattern: FindingPattern, finding: Finding) -> bool:
    return all(
        wanted is None or got == wanted
        for got, wanted in (
            (finding.rule, pattern.rule),
            (finding.kind, pattern.kind),
            (finding.action, pattern.action),
            (finding.timer, pattern.timer),
        )
    )


def _pattern(pattern: FindingPattern) -> str:
    return "/".join(str(v) for v in (pattern.rule, pattern.kind, pattern.action or pattern.timer) if v)


def _describe(findings: list[Finding]) -> str:
    return ", ".join("/".join(str(v) for v in (f.rule, f.kind, f.action or f.timer) if v) for f in findings)
