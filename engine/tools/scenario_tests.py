"""Scenario tests: timed decisions and what must come of them, kept beside the scenario.

A scenario's ``tests:`` section names each test; a test plays its decisions (written inline or in a
script file next to the scenario) on a fresh drill with its own mode, seed and locale, then checks
every expectation it states: outcome, ending, findings present or absent, refusals, final values
and checkpoints along the way. Every failed expectation is reported, not just the first, so an
author fixing a scenario sees the whole picture at once, and says why where the drill knows: an
action expected to be refused names the verdict it got instead and the state the incident was in
("not available: wrong-state (the incident was in 'trapped')"), and the failure keeps the event
it is about, so that ``drillsim test -v`` can print the events around it (:func:`around`).

``drillsim test`` and the project's own test suite both run them through :func:`run_file`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.display import sim_time
from engine.errors import ContentError, Problem
from engine.format import (
    AnyEvent,
    Decision,
    DecisionMade,
    Finding,
    FindingPattern,
    IncidentStarted,
    Loaded,
    Scenario,
    ScenarioTest,
    StateChanged,
    expand,
    load_scenario,
    load_script,
    persona_for,
    roleplay_id,
)
from engine.runtime import CompiledScenario, Drill, Timeline, compiled, play_script


@dataclass
class TestResult:
    """The result of one scenario test."""

    scenario: str
    name: str
    failures: list[str] = field(default_factory=list)
    outcome: str | None = None
    findings: int = 0
    about: dict[str, int] = field(default_factory=dict)
    """Failure -> the number of the event it is about (the decision that was not refused...)."""
    events: list[AnyEvent] = field(default_factory=list, repr=False)
    """The test drill's events, to show around a failure."""
    scenarios: list[CompiledScenario] = field(default_factory=list, repr=False)
    """The compiled scenario the test played, to name what the events are about."""

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
    result.events, result.scenarios = list(drill.events), [incident.sc]
    findings = [e for e in drill.events if isinstance(e, Finding)]
    result.findings = len(findings)
    result.failures += _final(test, drill.events, findings, incident.ending, drill.outcome, incident.values)
    for action in test.expect.refused:
        failure = _not_refused(action, drill.events, incident.sc)
        if failure is not None:
            result.failures.append(failure[0])
            if failure[1] is not None:
                result.about[failure[0]] = failure[1]
    result.failures += _scored(test, drill, scorer)
    return result


def around(result: TestResult, failure: str, lang: str = "en", before: int = 6, after: int = 3) -> list[str]:
    """The timeline lines of the events around the one ``failure`` is about (none if it is about none).

    Lines are those the console's feed shows (:class:`engine.runtime.Timeline`), with the sim time
    as the clock writes it; the event the failure is about is marked with ``>``.
    """
    seq = result.about.get(failure)
    if seq is None:
        return []
    timeline = Timeline(result.scenarios, lang)
    lines = []
    for event in result.events:
        if not seq - before <= event.seq <= seq + after:
            continue
        text = timeline.body(event)
        if text is None:
            continue
        lines.append(f"{'>' if event.seq == seq else ' '} {sim_time(event.t)}  #{event.seq:<4} {text}")
    return lines


def _not_refused(action: str, events: list[AnyEvent], sc: CompiledScenario) -> tuple[str, int | None] | None:
    """Why an action expected to be refused was not (None if it was), and the decision it is about.

    The first time the action was decided is the one reported: what the verdict was instead, why it
    was not on offer if it was not, and the state the incident was in then.
    """
    decided = [e for e in events if isinstance(e, DecisionMade) and e.action == action]
    if any(e.status == "refused" for e in decided):
        return None
    head = f"expected '{action}' to be refused, it was not"
    if not decided:
        return f"{head}: it was never decided (no decision for it came due before the drill ended)", None
    first = decided[0]
    state = _state_at(events, first)
    where = f" (the incident was in '{state}')" if state else ""
    if first.status == "unavailable":
        verdict = f"not available: {first.why}{where}"
        act = sc.model.actions.get(action)
        if first.why == "wrong-state" and act is not None and act.in_:
            verdict += f"; it is offered in {', '.join(repr(s) for s in act.in_)}"
        elif first.why == "condition" and act is not None and act.when:
            verdict += f"; its condition '{act.when}' did not hold"
    else:
        verdict = f"accepted{where}: it broke no rule then"
    more = f" ({len(decided) - 1} more time{'s' if len(decided) > 2 else ''} after)" if len(decided) > 1 else ""
    return f"{head}: at {sim_time(first.t)} it was {verdict}{more}", first.seq


def _state_at(events: list[AnyEvent], decision: DecisionMade) -> str | None:
    """The state the decision's incident was in when it was made."""
    state = None
    for e in events:
        if e.seq >= decision.seq:
            break
        if isinstance(e, IncidentStarted) and e.incident == decision.incident:
            state = e.state
        elif isinstance(e, StateChanged) and e.incident == decision.incident:
            state = e.to
    return state


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
