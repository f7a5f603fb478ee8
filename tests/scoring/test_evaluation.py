"""Scoring a drill: tasks, objectives, caps, the breakdown, evaluator input."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.format import AnyEvent, DecisionMade, Finding, load_scenario
from engine.runtime import CompiledScenario, Drill, Submission, compiled
from scoring.evaluation import DEFAULT_PENALTIES, evaluate
from scoring.ratings import LABELS, label
from tests.conftest import CORRECT, MINI, play

RUBRIC = """
rubric:
  objectives:
    contact:
      label: {zh: 联系与安抚, en: Contact and reassure}
      tasks:
        talk:
          label: {zh: 3分钟内通话, en: Talk within 3 minutes}
          actions: [talk]
          timer: contact
          weight: 40
    rescue:
      label: {zh: 解救, en: Rescue}
      tasks:
        level:
          label: {zh: 盘车平层, en: Level the car}
          actions: [level]
          after: [log]
          weight: 30
        tell:
          label: {zh: 告知住户, en: Tell residents}
          actions: [tell]
          within: 30
          weight: 30
"""


@pytest.fixture
def scored(tmp_path: Path) -> CompiledScenario:
    """The mini scenario with a rubric."""
    path = tmp_path / "mini-scored.yaml"
    path.write_text(MINI + RUBRIC, encoding="utf-8")
    loaded = load_scenario(path)
    return compiled(loaded.model, loaded.digest)


def drill_of(sc: CompiledScenario, decisions: list[tuple[float, str, str]], mode: str = "observe") -> Drill:
    drill = Drill([(sc, 0.0)], seed=1, mode=mode)
    drill.start()
    play(drill, decisions)
    return drill


def test_the_correct_sequence_scores_full_marks_and_rates_p(scored: CompiledScenario) -> None:
    """Every task done on time and in order, no finding: 100, P, passed."""
    result = evaluate(drill_of(scored, CORRECT).events, [scored])
    assert (result.score, result.rating, result.passed) == (100.0, "P", True)
    assert {t.id: t.status for t in result.incidents[0].tasks} == {"talk": "done", "level": "done", "tell": "done"}


def test_a_late_task_loses_half_its_share_and_is_named_in_the_breakdown(scored: CompiledScenario) -> None:
    """Talking after the 3-minute SLA: the task is late (S), its share halves, and a reader can see why."""
    late = [(0.0, "control", "log"), (4.0, "control", "talk"), *CORRECT[2:]]
    result = evaluate(drill_of(scored, late).events, [scored])
    incident = result.incidents[0]
    talk = next(t for t in incident.tasks if t.id == "talk")
    assert (talk.status, talk.rating, talk.score) == ("late", "S", 50.0)
    item = next(i for i in incident.breakdown if i.what == "task:talk")
    assert item.points == 20.0 and item.max == 40.0 and item.events
    assert "deadline/missed" not in [i.what for i in incident.breakdown]  # the task answers for its SLA


def test_a_task_done_before_what_should_come_first_is_out_of_order(scored: CompiledScenario) -> None:
    """Levelling before the alarm is logged is out of order: 70, rated S."""
    early = [(0.0, "tech", "level"), (0.5, "control", "log"), (1.0, "control", "talk"), *CORRECT[3:]]
    incident = evaluate(drill_of(scored, early).events, [scored]).incidents[0]
    level = next(t for t in incident.tasks if t.id == "level")
    assert (level.status, level.rating) == ("out-of-order", "S")


def test_each_finding_costs_its_penalty_with_the_events_that_show_it(scored: CompiledScenario) -> None:
    """Opening the door between floors loses the life-first penalty, names the decision, and caps at M... or U."""
    drill = drill_of(scored, [(0.0, "control", "log"), (1.0, "guard", "open_door")])
    incident = evaluate(drill.events, [scored]).incidents[0]
    forbidden = next(i for i in incident.breakdown if i.what == "life-first/forbidden")
    decision = next(e for e in drill.events if isinstance(e, DecisionMade) and e.action == "open_door")
    assert forbidden.points == -DEFAULT_PENALTIES["life-first/forbidden"]
    assert decision.seq in forbidden.events
    assert incident.rating == "U" and not incident.passed  # the passenger fell: a failure ending


def test_a_life_first_breach_rates_m_at_best_even_with_a_high_score(scored: CompiledScenario) -> None:
    """Paperwork before talking to trapped people costs only 10 points, but the rating cannot exceed M."""
    steps = [(0.0, "control", "log"), (0.2, "control", "paperwork"), (1.5, "control", "talk"), *CORRECT[2:]]
    result = evaluate(drill_of(scored, steps).events, [scored])
    assert result.score >= 80 and result.rating == "M" and not result.passed
    assert any("life-first" in c["en"] for c in result.incidents[0].caps)


def test_the_breakdown_adds_up_to_the_score(scored: CompiledScenario) -> None:
    """Every point is explained: the items sum to the score."""
    drill = drill_of(scored, [(0.0, "control", "log"), (2.0, "guard", "patrol"), (5.0, "control", "paperwork")])
    incident = evaluate(drill.events, [scored]).incidents[0]
    assert sum(i.points for i in incident.breakdown) == pytest.approx(incident.score, abs=0.1)


def test_the_explanation_names_each_item_in_words_not_by_its_id(scored: CompiledScenario) -> None:
    """ "Why this score?" names a finding by its rule and breach, a task as a critical task, in either language."""
    steps = [(0.0, "control", "log"), (0.2, "control", "paperwork"), (1.5, "control", "talk"), *CORRECT[2:]]
    evaluation = evaluate(drill_of(scored, steps).events, [scored])
    zh, en = "\n".join(evaluation.explain("zh")), "\n".join(evaluation.explain("en"))
    assert "生命优先 · 顺序不对" in zh and "关键任务" in zh
    assert "life first · wrong order" in en and "Critical tasks" in en
    assert not [t for t in (zh, en) if "life-first/" in t or "task:" in t]


def test_a_facilitators_rating_is_merged_within_the_caps_and_both_are_kept(scored: CompiledScenario) -> None:
    """The evaluator's rating replaces the automatic one (never past a cap); both stay visible."""
    drill = Drill([(scored, 0.0)], seed=1, mode="observe")
    drill.start()
    for t, role, action in CORRECT:
        drill.advance_to(t)
        drill.submit(Submission(role, action))
        if action == "talk":
            drill.evaluate("task:talk", rating="S", note="talked, but never asked about injuries")
    drill.run_to_end()
    drill.evaluate("drill", rating="S", note="good, a bit slow on the feedback")
    incident = evaluate(drill.events, [scored]).incidents[0]
    talk = next(t for t in incident.tasks if t.id == "talk")
    assert (talk.auto_rating, talk.evaluator_rating, talk.rating) == ("P", "S", "S")
    assert talk.notes == ("talked, but never asked about injuries",)
    assert (incident.auto_rating, incident.evaluator_rating, incident.rating) == ("P", "S", "S")


def test_ratings_use_the_exact_hseep_labels() -> None:
    """P/S/M/U are labelled as HSEEP labels them."""
    assert [LABELS[c].en for c in "PSMU"] == [
        "Performed without Challenges",
        "Performed with Some Challenges",
        "Performed with Major Challenges",
        "Unable to be Performed",
    ]
    assert label("M") == "M Performed with Major Challenges"


finding_kinds = st.sampled_from(sorted(DEFAULT_PENALTIES))
decision_lists = st.lists(
    st.tuples(st.floats(min_value=0, max_value=30, allow_nan=False), st.integers(min_value=0, max_value=50)),
    max_size=12,
)


def _random_drill(sc: CompiledScenario, raw: list[tuple[float, int]]) -> list[AnyEvent]:
    actions = list(sc.actions.values())
    decisions = [(t, actions[i % len(actions)].role, actions[i % len(actions)].id) for t, i in sorted(raw)]
    return drill_of(sc, decisions).events


@settings(max_examples=40, deadline=None)
@given(raw=decision_lists, extra=st.lists(finding_kinds, max_size=4))
def test_scores_stay_in_range_repeat_exactly_and_never_rise_with_a_finding(
    raw: list[tuple[float, int]], extra: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """For any decisions: 0-100, identical for the same record, and adding findings never raises it."""
    path = tmp_path_factory.mktemp("s") / "mini-scored.yaml"
    path.write_text(MINI + RUBRIC, encoding="utf-8")
    loaded = load_scenario(path)
    sc = compiled(loaded.model, loaded.digest)
    events = _random_drill(sc, raw)
    first = evaluate(events, [sc])
    assert 0 <= first.score <= 100
    assert evaluate(copy.deepcopy(events), [sc]) == first
    more = list(events)
    for key in extra:
        rule, kind = key.split("/")
        more.insert(
            len(more) - 1,
            Finding(seq=10_000 + len(more), t=1.0, incident=0, rule=rule, kind=kind, detail={"en": "added"}),
        )
    worse = evaluate(more, [sc])
    assert worse.score <= first.score
    order = "PSMU"
    assert order.index(worse.rating) >= order.index(first.rating)


def test_run_json_reports_score_rating_and_passed() -> None:
    """drillsim run --json gains score, rating, passed and the breakdown."""
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "run", "elevator-entrapment", "--policy", "random", "--seed", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    data = json.loads(result.stdout)
    assert {"score", "rating", "passed", "breakdown"} <= set(data)
    assert 0 <= data["score"] <= 100 and data["rating"] in "PSMU"


def test_a_task_counts_once_its_action_gets_under_way_timed_from_the_decision(scored: CompiledScenario) -> None:
    """Deciding to talk while the only desk is busy counts, from the decision, once the desk is free; with
    nobody at the desk all night the call never happens, and the task is missed though it was decided."""
    from scoring.scorecard import score_only

    decisions = [(0.0, "control", "log"), (0.1, "control", "talk"), *CORRECT[2:]]
    for staffing, status in (({}, "done"), ({"desk": 0}, "missed")):
        drill = Drill([(scored, 0.0)], seed=1, mode="observe", staffing=staffing)
        drill.start()
        play(drill, decisions)
        assert any(isinstance(e, DecisionMade) and e.action == "talk" and e.status == "accepted" for e in drill.events)
        result = evaluate(drill.events, [scored])
        talk = next(t for t in result.incidents[0].tasks if t.id == "talk")
        assert talk.status == status, staffing
        if status == "done":
            assert talk.t == 0.1  # the decision's minute, though the desk was free only at 0.5
        quick = score_only(drill.events, [scored])
        assert (quick["score"], quick["rating"], quick["passed"]) == (result.score, result.rating, result.passed)
