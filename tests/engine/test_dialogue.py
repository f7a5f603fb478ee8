"""Role-play: a scenario's dialogue played as a drill of its own, per owner persona."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import ContentError, EngineError
from engine.format import (
    ActionDone,
    AnyEvent,
    DecisionMade,
    Finding,
    InjectDelivered,
    Scenario,
    Spoken,
    ValuesChanged,
    VariableStepped,
    load,
    load_scenario,
)
from engine.format.dialogue import CALL_BACK, ESCALATED, LEFT, MOVES, RESOLVED, action_id, expand, free_id, persona_for
from engine.paths import library_dirs
from engine.runtime import CompiledScenario, Drill, Setup, Submission, Timeline, prepare
from engine.tools.lint import lint_file
from scoring.evaluation import Evaluation, evaluate
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "examples" / "parcel-roleplay.yaml"


def roleplays() -> list[Path]:
    """Every shipped scenario with a dialogue, and the sample."""
    found = [SAMPLE]
    for folder in library_dirs():
        for path in sorted(folder.glob("*.yaml")):
            model = load(path).model
            if isinstance(model, Scenario) and model.dialogue is not None:
                found.append(path)
    return found


ROLEPLAYS = roleplays()


def score(events: Sequence[AnyEvent], scenarios: Sequence[CompiledScenario]) -> Evaluation:
    """The drill's score."""
    return evaluate(events, scenarios)


@cache
def roleplay(path: Path) -> Setup:
    """A role-play left to the seed, prepared once (a set-up is never changed by a drill)."""
    return prepare(str(path), roleplay=True)


def play(
    setup: Setup,
    seed: int,
    steps: list[tuple[float, int]],
    mode: str = "observe",
    extra: tuple[float, str] | None = None,
) -> Drill:
    """Play ``steps`` (gap in minutes, choice among the replies offered then), then let it end."""
    drill = setup.drill(seed=seed, mode=mode)
    drill.start()
    trainee = setup.sources[0].model.dialogue.trainee  # type: ignore[union-attr]
    t = 0.0
    pending = extra
    for gap, choice in steps:
        t += gap
        if pending is not None and pending[0] <= t:
            drill.advance_to(pending[0])
            if not drill.finished:
                drill.submit(Submission(trainee, pending[1], source="test"))
            pending = None
        drill.advance_to(t)
        if drill.finished:
            break
        options = [o.action for o in drill.options() if not o.coach_judged]
        if options:
            drill.submit(Submission(trainee, options[choice % len(options)], source="test"))
    drill.run_to_end()
    return drill


def test_the_sample_and_every_shipped_role_play_load_and_lint_clean() -> None:
    """Each file with a dialogue validates and lints clean, turns and replies included."""
    assert len(ROLEPLAYS) >= 1
    for path in ROLEPLAYS:
        assert lint_file(path) == [], path


@pytest.mark.parametrize("path", ROLEPLAYS, ids=lambda p: p.stem)
def test_every_persona_expands_into_a_playable_scenario(path: Path) -> None:
    """A persona's role-play has a state per turn, an action per reply and the five-step rubric."""
    model = load_scenario(path).model
    assert model.dialogue is not None
    for persona in model.dialogue.personas:
        expanded = expand(model, persona)
        assert set(model.dialogue.turns) <= set(expanded.states)
        for tid, turn in model.dialogue.turns.items():
            for rid in turn.replies:
                assert action_id(tid, rid) in expanded.actions
        assert {free_id(m) for m in MOVES} <= set(expanded.actions)
        assert expanded.rubric is not None
        assert list(expanded.rubric.objectives["five_steps"].tasks) == [
            "listen",
            "empathise",
            "acknowledge",
            "resolve",
            "follow_up",
        ]
        assert expanded.variables["mood"].initial == model.dialogue.personas[persona].mood


@pytest.mark.parametrize("path", ROLEPLAYS, ids=lambda p: p.stem)
def test_the_expansion_declares_every_reply_it_makes_and_nothing_else(path: Path) -> None:
    """Written replies name their turn and reply, free ones the move a coach judged; other actions are not spoken."""
    model = load_scenario(path).model
    assert model.dialogue is not None
    expanded = expand(model, sorted(model.dialogue.personas)[0])
    written = {
        action_id(tid, rid): Spoken(turn=tid, reply=rid)
        for tid, turn in model.dialogue.turns.items()
        for rid in turn.replies
    }
    free = {free_id(m): Spoken.model_validate({"judged_as": m}) for m in MOVES}
    assert {aid: a.spoken for aid, a in expanded.actions.items() if a.spoken is not None} == {**written, **free}
    assert expanded.actions[CALL_BACK].spoken is None
    compiled_actions = prepare(str(path), persona=sorted(model.dialogue.personas)[0]).scenarios()[0].actions
    assert {aid for aid, a in compiled_actions.items() if a.reply} == set(written) | set(free)
    assert {aid for aid, a in compiled_actions.items() if a.coach_judged} == set(free)


def test_a_scenario_file_cannot_declare_an_action_spoken(tmp_path: Path) -> None:
    """Only the expansion makes replies: a file that sets 'spoken' is refused where it says it, and editors never offer it."""
    text = MINI.replace("duration: 0.5}", "duration: 0.5, spoken: {judged_as: listen}}", 1)
    path = tmp_path / "mini-lift.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_scenario(path)
    (problem,) = caught.value.problems
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if "spoken:" in row)
    assert (problem.field, problem.line) == ("actions.log.spoken", line)
    assert "made by the role-play expansion" in problem.message
    assert "spoken" not in json.dumps(Scenario.model_json_schema(by_alias=True))


def test_what_an_action_is_comes_from_its_declaration_not_the_spelling_of_its_id(mini_path: Path) -> None:
    """An ordinary action named like a reply is shown, and chosen by a random trainee, like any other."""
    text = mini_path.read_text(encoding="utf-8")
    text = text.replace("  patrol:", "  free_patrol:").replace("  paperwork:", "  paper__work:")
    path = mini_path.with_name("lookalike.yaml")
    path.write_text(text, encoding="utf-8")
    setup = prepare(str(path))
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    drill.submit(Submission("control", "log"))
    drill.advance_to(1.0)
    assert {o.action for o in drill.options() if not o.coach_judged} >= {"free_patrol", "paper__work"}
    drill.submit(Submission("guard", "free_patrol"))
    drill.submit(Submission("control", "paper__work"))
    drill.advance_to(7.0)
    lines = [Timeline(setup.scenarios(), "en").line(e) for e in drill.events]
    assert "  01:00 doing Patrol (5 min)" in lines
    assert "  01:00 doing Paperwork (1 min)" in lines
    assert "  06:00 done Patrol" in lines


def test_the_persona_a_seed_meets_is_fixed_by_the_seed() -> None:
    """Same seed, same owner; over many seeds, every owner."""
    dialogue = load_scenario(SAMPLE).model.dialogue
    assert dialogue is not None
    assert persona_for(dialogue, 7) == persona_for(dialogue, 7)
    assert {persona_for(dialogue, s) for s in range(30)} == set(dialogue.personas)


def test_an_unknown_persona_is_refused_with_the_known_ones() -> None:
    """A typo in --persona says which personas exist."""
    with pytest.raises(ContentError, match=r"unknown persona 'eldery' .*did you mean 'elderly'"):
        prepare(str(SAMPLE), persona="eldery")


def test_a_role_play_only_scenario_cannot_be_compiled_as_a_tabletop() -> None:
    """Without a persona there is nothing to run; the error says what to do."""
    from engine.runtime import compiled

    loaded = load_scenario(SAMPLE)
    with pytest.raises(EngineError, match="role-play only"):
        compiled(loaded.model, loaded.digest)


def test_the_good_path_resolves_calmly_with_full_marks_for_every_persona() -> None:
    """Listen, empathise and apologise, a plan with a time and a follow-up, then the call-back: 100."""
    for persona in ("elderly", "busy", "repeat"):
        setup = prepare(str(SAMPLE), persona=persona)
        drill = setup.drill(seed=1, mode="strict")
        drill.start()
        for t, action in ((0.2, "opening__listen"), (1, "feelings__empathise"), (2, "plan__plan_and_time")):
            drill.advance_to(t)
            assert drill.submit(Submission("service", action)).accepted
        drill.advance_to(3)
        assert drill.submit(Submission("service", CALL_BACK)).accepted
        drill.run_to_end()
        assert drill.incidents[0].ending == RESOLVED
        assert drill.incidents[0].loop_closed
        result = score(drill.events, setup.scenarios(1))
        assert (result.score, result.rating, result.passed) == (100.0, "P", True)


def test_forbidden_phrases_and_blame_escalate_the_owner_and_cost_points() -> None:
    """Two awful replies to an owner already angry: the complaint escalates and the drill fails."""
    setup = prepare(str(SAMPLE), persona="repeat")
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    drill.advance_to(0.2)
    drill.submit(Submission("service", "opening__rules"))
    drill.run_to_end()
    assert drill.incidents[0].ending in (ESCALATED, LEFT)
    rules = {e.rule for e in drill.events if isinstance(e, Finding)}
    assert "red-line" in rules
    assert not score(drill.events, setup.scenarios(1)).passed


def test_a_solution_before_any_empathy_is_an_emotion_first_finding() -> None:
    """先处理情绪再处理问题: jumping to the fix before acknowledging the feeling is recorded."""
    setup = prepare(str(SAMPLE), persona="elderly")
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    drill.advance_to(0.2)
    drill.submit(Submission("service", "opening__listen"))
    drill.advance_to(1)
    drill.submit(Submission("service", "feelings__fix_now"))
    assert any(isinstance(e, Finding) and e.rule == "emotion-first" for e in drill.events)


def test_strict_mode_stops_a_forbidden_phrase_and_says_why() -> None:
    """In practice mode the red-line reply is refused with its reason; nothing changes for the owner."""
    setup = prepare(str(SAMPLE), persona="busy")
    drill = setup.drill(seed=1, mode="strict")
    drill.start()
    drill.advance_to(0.2)
    verdict = drill.submit(Submission("service", "opening__rules"))
    assert verdict.status == "refused"
    assert verdict.breaches[0].rule == "red-line"


STEPS = st.lists(st.tuples(st.floats(min_value=0.05, max_value=4.0), st.integers(0, 9)), max_size=14)


@pytest.mark.slow
@pytest.mark.parametrize("path", ROLEPLAYS, ids=lambda p: p.stem)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, seed=st.integers(1, 10_000))
def test_any_reply_sequence_keeps_mood_in_range_and_ends(path: Path, steps: list[tuple[float, int]], seed: int) -> None:
    """Whatever is said and whenever: anger and patience stay within 0-100, and the drill ends."""
    setup = roleplay(path)
    drill = play(setup, seed, steps)
    assert drill.finished
    for event in drill.events:
        match event:
            case VariableStepped():
                values = [event.value] if event.var in ("mood", "patience") else []
            case ActionDone() | InjectDelivered() | ValuesChanged():
                values = [v for var, v in event.changes.items() if var in ("mood", "patience")]
            case _:
                values = []
        for value in values:
            assert isinstance(value, int | float) and 0 <= value <= 100


@pytest.mark.slow
@pytest.mark.parametrize("path", ROLEPLAYS, ids=lambda p: p.stem)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS, seed=st.integers(1, 10_000), at=st.floats(min_value=0.0, max_value=20.0))
def test_saying_a_forbidden_phrase_never_lets_a_call_pass(
    path: Path, steps: list[tuple[float, int]], seed: int, at: float
) -> None:
    """The same conversation with a forbidden phrase slipped in never passes, and the red line is on the record.

    (Not "never scores higher": a red line can make the owner end the call early, before replies
    that would each have cost points; the call fails either way, and the rating cap says why.)
    """
    setup = roleplay(path)
    scenarios = setup.scenarios(seed)
    drill = play(setup, seed, steps, extra=(at, free_id("forbidden")))
    said = [e for e in drill.events if isinstance(e, DecisionMade) and e.action == free_id("forbidden")]
    if not said or said[0].status != "accepted":
        return  # the call was already over when the phrase came
    result = score(drill.events, scenarios)
    assert not result.passed
    assert any(isinstance(e, Finding) and e.rule == "red-line" for e in drill.events)


def test_random_trainees_mostly_fail_the_sample() -> None:
    """The role-play discriminates: random replies at random times rarely pass."""
    setup = prepare(str(SAMPLE), roleplay=True)
    rng = random.Random(5)
    passed = 0
    for seed in range(1, 41):
        steps = [(rng.uniform(0.1, 3.0), rng.randrange(10)) for _ in range(10)]
        drill = play(setup, seed, steps)
        passed += score(drill.events, setup.scenarios(seed)).passed
    assert passed <= 8
