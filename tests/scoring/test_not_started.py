"""An incident that never began (its trigger never came) is no part of a drill's score."""

from __future__ import annotations

from engine.format import IncidentEnded
from engine.runtime import prepare
from engine.runtime.trainee import good_trainee, play_good
from scoring.evaluation import evaluate, summary
from scoring.report import build, render
from scoring.scorecard import score_only
from tests.conftest import ROOT

# The plan's own locale (grid_outage) fails the outside supply at minute 75, so the entrapment
# always begins; the county locale keeps the supply, and a team that keeps its own power on spares
# the lift.
HELD = "county"


def _cascade(seed: int):  # type: ignore[no-untyped-def]
    setup = prepare(str(ROOT / "drills" / "rainstorm-cascade.yaml"), locale=HELD)
    drill = setup.drill(seed=seed, mode="observe")
    drill.start()
    play_good(drill, good_trainee(setup))
    return drill, setup.scenarios(seed)


def test_a_team_that_kept_the_power_on_is_not_marked_down_for_the_lift_it_spared() -> None:
    """The cascade's lift entrapment waits for the power cut; with the supply held and B1 kept dry, it never begins: 100, P, passed."""
    drill, scenarios = _cascade(1)
    ended = {e.incident: e.outcome for e in drill.events if isinstance(e, IncidentEnded)}
    assert ended == {0: "success", 1: "not-started"}
    result = evaluate(drill.events, scenarios)
    assert [i.index for i in result.incidents] == [0] and result.not_started == (1,)
    assert (result.score, result.rating, result.passed) == (100.0, "P", True)
    fast = score_only(drill.events, scenarios)
    assert (fast["score"], fast["rating"], fast["passed"]) == (100.0, "P", True)
    assert summary(drill.events, scenarios)["score"] == 100.0


def test_the_report_says_the_incident_did_not_happen_and_lists_none_of_its_tasks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The incident is named, said not to have happened, and none of its tasks is an area for improvement."""
    from engine.runtime import RecordWriter, header_for, read

    setup = prepare(str(ROOT / "drills" / "rainstorm-cascade.yaml"), locale=HELD)
    path = tmp_path / "cascade.jsonl"
    writer = RecordWriter(path, header_for(setup, seed=1, mode="observe", source="rainstorm-cascade"), setup)
    drill = setup.drill(seed=1, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    play_good(drill, good_trainee(setup))
    writer.close()
    for lang, said in (("zh", "未发生"), ("en", "Did not happen")):
        text = render(build(read(path), lang, "cn" if lang == "zh" else "hseep"), "md")
        assert said in text
        assert "3分钟内真人对讲安抚" not in text and "voice contact within 3" not in text.lower()


def test_with_the_plans_own_locale_the_outside_supply_fails_and_the_entrapment_is_scored() -> None:
    """The plan's locale (grid_outage) cuts the outside supply at minute 75: the lift entrapment begins for every team."""
    setup = prepare(str(ROOT / "drills" / "rainstorm-cascade.yaml"))
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    play_good(drill, good_trainee(setup))
    ended = {e.incident: e.outcome for e in drill.events if isinstance(e, IncidentEnded)}
    assert ended == {0: "success", 1: "success"}
    result = evaluate(drill.events, setup.scenarios(1))
    assert [i.index for i in result.incidents] == [0, 1] and result.not_started == ()
