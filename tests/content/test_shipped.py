"""The shipped library: every file loads, every script plays as intended, random runs behave."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from engine.format import (
    AnyEvent,
    DecisionMade,
    DrillEnded,
    Finding,
    IncidentEnded,
    IncidentStarted,
    Loaded,
    Scenario,
    StaffAwaited,
    load,
    load_script,
    yaml_files,
)
from engine.runtime import RecordWriter, Setup, header_for, play_random, play_script, prepare, verify
from tests.conftest import ROOT

FILES = sorted(yaml_files([str(ROOT / "scenarios"), str(ROOT / "drills")]))
SCENARIOS = sorted(p for p in FILES if p.parent.name == "scenarios")
SCRIPTS = sorted((ROOT / "scenarios" / "scripts").glob("*.yaml"))
CORRECT = [p for p in SCRIPTS if p.name.endswith(".correct.yaml")]
ROLEPLAY = [p for p in SCRIPTS if p.name.endswith(".roleplay.yaml")]
MISTAKES = [p for p in SCRIPTS if p not in CORRECT and p not in ROLEPLAY]


def _scenario_of(script: Path) -> Path:
    return ROOT / "scenarios" / (script.name.split(".")[0] + ".yaml")


@cache
def loaded(path: Path) -> Loaded[Any]:
    """A shipped file, loaded once per test run (``test_every_shipped_file_is_valid`` loads each afresh)."""
    return load(path)


@cache
def prepared(path: Path, persona: str | None = None) -> Setup:
    """A shipped scenario set up once per test run (a set-up is never changed by a drill)."""
    return prepare(str(path), persona=persona)


def _play(script: Path, mode: str, seed: int = 1) -> list[AnyEvent]:
    setup = prepared(_scenario_of(script))
    drill = setup.drill(seed=seed, mode=mode)
    drill.start()
    play_script(drill, load_script(script).model.decisions)
    return drill.events


TESTS = [(path, name) for path in SCENARIOS for name in loaded(path).model.tests]


@pytest.mark.parametrize(("path", "name"), TESTS, ids=[f"{p.stem}::{n}" for p, n in TESTS])
def test_every_scenario_test_passes(path: Path, name: str) -> None:
    """The tests written beside each scenario hold."""
    from engine.tools.scenario_tests import run_test
    from scoring.evaluation import summary

    scenario = loaded(path)
    result = run_test(scenario, name, scenario.model.tests[name], summary)
    assert result.failures == []


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_scenario_tests_its_correct_sequence_in_strict_mode(path: Path) -> None:
    """At least one test plays the whole correct sequence in strict mode and expects a clean success."""
    tests = loaded(path).model.tests.values()
    assert any(t.mode == "strict" and t.expect.clean and t.expect.outcome == "success" for t in tests)


def test_the_library_has_the_reference_scenarios() -> None:
    """The elevator entrapment and the leak complaint ship, each with a correct-sequence script."""
    ids = {loaded(p).model.id for p in SCENARIOS}
    assert {"elevator-entrapment", "leak-complaint"} <= ids
    assert {_scenario_of(p).stem for p in CORRECT} >= {"elevator-entrapment", "leak-complaint"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_shipped_file_is_valid(path: Path) -> None:
    """validate passes on every scenario, plan and script."""
    load(path)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_text_is_given_in_chinese_and_english(path: Path) -> None:
    """Bilingual: no user-facing text is missing a language."""
    model = loaded(path).model
    assert isinstance(model, Scenario)
    missing: list[str] = []

    def walk(node: object, where: str) -> None:
        from engine.format import Text

        if isinstance(node, Text):
            if not (node.zh and node.en):
                missing.append(where)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{where}.{name}")
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}.{index}")

    walk(model, model.id)
    assert missing == []


@pytest.mark.parametrize("mode", ["strict", "observe"])
@pytest.mark.parametrize("script", CORRECT, ids=lambda p: p.name)
def test_the_correct_sequence_succeeds_with_no_findings(script: Path, mode: str) -> None:
    """Played as written, the correct sequence is accepted step by step and closes the loop."""
    events = _play(script, mode)
    decisions = [e for e in events if isinstance(e, DecisionMade)]
    assert [d for d in decisions if d.status != "accepted"] == []
    assert [e for e in events if isinstance(e, Finding)] == []
    assert isinstance(events[-1], DrillEnded) and events[-1].outcome == "success"


@pytest.mark.parametrize("script", MISTAKES, ids=lambda p: p.name)
def test_classic_mistakes_are_caught(script: Path) -> None:
    """In observe mode the mistakes happen and are findings; in strict mode they are refused."""
    observed = _play(script, "observe")
    assert any(isinstance(e, Finding) and e.cause for e in observed)
    strict = _play(script, "strict")
    assert [e for e in strict if isinstance(e, Finding) and e.cause] == []
    assert any(isinstance(e, DecisionMade) and e.status == "refused" for e in strict)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_random_trainees_break_both_rules_in_observe_mode(path: Path) -> None:
    """Over seeds 1..50 the random policy produces life-first findings and open loops, and every run ends.

    A role-play has no life hazard: there, random replies break the service red lines instead.
    """
    setup = prepared(path)
    kinds: Counter[str] = Counter()
    for seed in range(1, 51):
        drill = setup.drill(seed=seed, mode="observe")
        drill.start()
        play_random(drill, seed)
        assert drill.finished
        kinds.update({e.rule for e in drill.events if isinstance(e, Finding)})
    assert kinds["red-line" if setup.sources[0].model.roleplay_only else "life-first"] > 0
    assert kinds["report-handle-feedback"] > 0


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_in_strict_mode_no_forbidden_action_ever_happens(path: Path) -> None:
    """Random trainees in strict mode: every rule-breaking decision is refused, none becomes a finding."""
    setup = prepared(path)
    forbidden_actions = {a for a, spec in setup.scenarios(1)[0].model.actions.items() if spec.forbidden}
    refused = 0
    for seed in range(1, 51):
        drill = setup.drill(seed=seed, mode="strict")
        drill.start()
        play_random(drill, seed)
        assert [e for e in drill.events if isinstance(e, Finding) and e.cause] == []
        for event in drill.events:
            if isinstance(event, DecisionMade) and event.status == "refused":
                refused += 1
            if isinstance(event, DecisionMade) and event.status == "accepted" and event.action in forbidden_actions:
                breaches = [b for b in event.reasons or [] if b.kind == "forbidden"]
                assert breaches == []
    assert refused > 0


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_a_recorded_random_drill_verifies(path: Path, tmp_path: Path) -> None:
    """Records of the shipped scenarios replay event for event."""
    setup = prepared(path)
    record = tmp_path / "r.jsonl"
    drill = setup.drill(seed=11, mode="observe")
    writer = RecordWriter(record, header_for(setup, seed=11, mode="observe", source=str(path)), setup)
    drill.subscribe(writer.write)
    drill.start()
    play_random(drill, 11)
    writer.close()
    result = verify(record)
    assert result.ok, result.message


EXAMPLE = ROOT / "docs" / "examples" / "bike-store-leak.yaml"


def test_the_authoring_guides_example_is_valid_and_passes_its_tests() -> None:
    """docs/authoring.md walks through a real file: it loads and its tests pass."""
    from engine.tools.scenario_tests import run_file

    results = run_file(EXAMPLE)
    assert results and all(r.passed for r in results), [r.failures for r in results]


def test_every_yaml_snippet_of_the_authoring_guide_comes_from_its_example() -> None:
    """No snippet in the guide drifts from the file the tests check."""
    import re

    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    example = {line.strip() for line in EXAMPLE.read_text(encoding="utf-8").splitlines()}
    for block in re.findall(r"```yaml\n(.*?)```", guide, flags=re.S):
        for line in block.splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                assert line.strip() in example, line


def test_the_rainstorm_cascade_traps_people_in_a_lift_when_the_mains_are_lost() -> None:
    """The entrapment begins the moment the flood takes the mains, and both incidents share the night staff."""
    from engine.runtime import Submission

    setup = prepare(str(ROOT / "drills" / "rainstorm-cascade.yaml"))
    rainstorm = setup.sources[0].model
    steps = rainstorm.tests["mains_power_lost_when_distribution_room_floods"].decisions
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    for step in steps:
        drill.advance_to(step.t)
        drill.submit(Submission(step.role, step.action, 0, "script"))
    drill.advance_to(68.0)
    starts = {e.incident: e.t for e in drill.events if isinstance(e, IncidentStarted)}
    assert starts[0] == 0 and 66 < starts[1] <= 68
    assert drill.incidents[1].sc.model.id == "elevator-entrapment"
    # One control-room operator for two incidents: the entrapment's first call waits for them.
    drill.submit(Submission("control_room", "log_alarm", 1, "script"))
    drill.submit(Submission("control_room", "talk_to_passengers", 1, "script"))
    drill.run_to_end()
    waits = [e for e in drill.events if isinstance(e, StaffAwaited) and e.incident == 1]
    assert {e.pool for e in waits} == {"control_room"}
    assert {e.incident for e in drill.events if isinstance(e, IncidentEnded)} == {0, 1}


def test_the_cascades_entrapment_names_no_clock_time_and_every_lift_can_be_checked() -> None:
    """In the cascade the entrapment starts in the storm at night, after the power cut.

    So its own texts name no hour (no "19:10", no evening rush) and the rainstorm offers the check
    of every car that the plan's objective asks for, at the moment the mains go.
    """
    from engine.runtime import Submission

    setup = prepare(str(ROOT / "drills" / "rainstorm-cascade.yaml"))
    lift = setup.sources[1].model
    texts = [lift.summary, *(s.narration for s in lift.states.values()), *(i.message for i in lift.injects.values())]
    for text in texts:
        assert text.zh is not None and text.en is not None
        assert not any(word in text.zh + text.en for word in ("19:10", "晚高峰", "evening rush")), text
    rainstorm = setup.sources[0].model
    steps = rainstorm.tests["mains_power_lost_when_distribution_room_floods"].decisions
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    for step in steps:
        drill.advance_to(step.t)
        drill.submit(Submission(step.role, step.action, 0, "script"))
    drill.advance_to(68.0)
    assert drill.incidents[1].live
    assert ("check_all_lifts", 0) in {(o.action, o.incident) for o in drill.options()}


def test_the_authoring_guides_example_lints_clean() -> None:
    """The guide's example shows good practice: the linter has nothing to say about it."""
    from engine.tools.lint import lint_file

    assert [str(x) for x in lint_file(EXAMPLE)] == []


@pytest.mark.parametrize("script", ROLEPLAY, ids=lambda p: p.name)
def test_the_scripted_good_trainee_resolves_every_owner(script: Path) -> None:
    """A role-play's good-path script calms every persona: resolved, loop closed, no finding, full marks."""
    from scoring.evaluation import evaluate

    scenario = _scenario_of(script)
    model = loaded(scenario).model
    assert isinstance(model, Scenario) and model.dialogue is not None
    decisions = load_script(script).model.decisions
    for persona in model.dialogue.personas:
        setup = prepared(scenario, persona)
        drill = setup.drill(seed=1, mode="strict")
        drill.start()
        play_script(drill, decisions)
        assert drill.outcome == "success", persona
        assert [e for e in drill.events if isinstance(e, Finding)] == [], persona
        assert evaluate(drill.events, setup.scenarios(1)).score >= 90, persona
