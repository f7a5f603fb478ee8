"""The engine's tuned paths make exactly the events and scores of the plain ones.

Three things are held fixed while the engine gets faster:

- the events: every scenario and plan of a frozen content copy, 1,000 random-policy drills, 50
  correct-script runs and 200 random drills with decisions withdrawn while they run, each, digest
  to what the engine made before it was tuned
  (:mod:`tests.engine.golden`);
- the scores: the score-only path (:func:`scoring.scorecard.score_only`) gives the full
  evaluation's score, rating and pass for every shipped scenario and plan over 1,000 seeds;
- Monte Carlo: a drill that numbers its variable steps without making them (``quiet_steps``) makes
  every other event as a plain drill does, with the same numbers, and a sweep scored the fast way
  counts the same as one scored the full way.

The 1,000-seed versions are marked ``slow``; a 50-seed version of each always runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.format import VariableStepped
from engine.runtime import play_random
from engine.tools.simulate import run_seeds
from scoring.evaluation import summary
from scoring.scorecard import score_only
from tests.conftest import ROOT
from tests.engine.golden import FINGERPRINTS, files, fingerprint, play_withdrawing, setup_of

PINNED = json.loads(FINGERPRINTS.read_text(encoding="utf-8"))
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "drills").glob("*.yaml"))


@pytest.mark.parametrize("path", files(), ids=lambda p: p.stem)
def test_fifty_drills_of_each_file_make_the_events_they_made_before_tuning(path: Path) -> None:
    """50 random drills and 5 correct-script runs per file: the same events, field for field, in order."""
    assert fingerprint(path, range(50), range(5), range(20)) == PINNED[path.name]["short"]


@pytest.mark.slow
@pytest.mark.parametrize("path", files(), ids=lambda p: p.stem)
def test_a_thousand_drills_of_each_file_make_the_events_they_made_before_tuning(path: Path) -> None:
    """1,000 random drills and 50 correct-script runs per file: the same events as before tuning."""
    assert fingerprint(path, range(1000), range(50), range(200)) == PINNED[path.name]["long"]


def _scores_agree(path: Path, seeds: range) -> list[tuple[int, dict[str, object], dict[str, object]]]:
    setup = setup_of(path)
    differ = []
    for seed in seeds:
        drill = setup.drill(seed=seed, mode="observe" if seed % 2 else "strict")
        drill.start()
        play_random(drill, seed)
        scenarios = setup.scenarios(seed)
        full = summary(drill.events, scenarios)
        fast = score_only(drill.events, scenarios)
        if (full["score"], full["rating"], full["passed"]) != (fast["score"], fast["rating"], fast["passed"]):
            differ.append((seed, full, fast))
    return differ


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_score_only_path_scores_fifty_drills_as_the_evaluation_does(path: Path) -> None:
    """Score, rating and pass from the score-only path equal the full evaluation's (50 seeds)."""
    assert _scores_agree(path, range(50)) == []


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_score_only_path_scores_a_thousand_drills_as_the_evaluation_does(path: Path) -> None:
    """The same over 1,000 seeds of every shipped scenario and plan."""
    assert _scores_agree(path, range(1000)) == []


def test_a_monte_carlo_sweep_scored_the_fast_way_counts_the_same() -> None:
    """run_seeds with the score-only scorer aggregates to exactly what the full summary gives."""
    setup = setup_of(ROOT / "drills" / "rainstorm-cascade.yaml")
    fast = run_seeds(setup, range(60), "random", "observe", score_only)
    full = run_seeds(setup, range(60), "random", "observe", summary)
    assert fast == full


def _quiet_agrees(path: Path, seeds: range) -> list[int]:
    setup = setup_of(path)
    differ = []
    for seed in seeds:
        mode = "observe" if seed % 2 else "strict"
        plain, quiet = setup.drill(seed=seed, mode=mode), setup.drill(seed=seed, mode=mode, quiet_steps=True)
        for drill in (plain, quiet):
            drill.start()
            play_random(drill, seed)
        wanted = [e.to_json() for e in plain.events if not isinstance(e, VariableStepped)]
        if [e.to_json() for e in quiet.events] != wanted or quiet.seq != plain.seq:
            differ.append(seed)
    return differ


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_quiet_drill_makes_every_other_event_as_a_plain_one_does(path: Path) -> None:
    """Variable steps numbered but not made: every other event, number and time the same (50 seeds)."""
    assert _quiet_agrees(path, range(50)) == []


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_quiet_drill_makes_every_other_event_as_a_plain_one_does_over_a_thousand_seeds(path: Path) -> None:
    """The same over 1,000 seeds of every shipped scenario and plan."""
    assert _quiet_agrees(path, range(1000)) == []


@pytest.mark.parametrize("path", files(), ids=lambda p: p.stem)
def test_the_score_only_path_agrees_when_decisions_are_withdrawn(path: Path) -> None:
    """Withdrawn decisions, and the findings they caused, count for neither path (30 seeds per file)."""
    setup = setup_of(path)
    for seed in range(30):
        drill = setup.drill(seed=seed, mode="observe")
        drill.start()
        play_withdrawing(drill, seed)
        scenarios = setup.scenarios(seed)
        full, fast = summary(drill.events, scenarios), score_only(drill.events, scenarios)
        assert (full["score"], full["rating"], full["passed"]) == (fast["score"], fast["rating"], fast["passed"]), seed
