"""The good trainee: it reacts to the drill, never breaks a rule, and follows the overrides it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.format import DecisionMade, Finding, load_script
from engine.runtime import prepare
from engine.runtime.trainee import At, GoodTrainee, Intention, Never, good_trainee, play_good
from tests.conftest import ROOT

SCRIPTS = sorted((ROOT / "scenarios" / "scripts").glob("*.correct.yaml"))


def _scenario_of(script: Path) -> Path:
    return ROOT / "scenarios" / (script.name.split(".")[0] + ".yaml")


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s.name.count(".") == 2], ids=lambda p: p.name)
def test_the_good_trainee_of_each_shipped_scenario_succeeds_cleanly(script: Path) -> None:
    """Played from the start, the trainee made from the correct script succeeds with no finding, like the script."""
    setup = prepare(str(_scenario_of(script)))
    trainee = good_trainee(setup)
    assert trainee.origins == (str(script),)
    for seed in (1, 2, 3):
        drill = setup.drill(seed=seed, mode="observe")
        drill.start()
        play_good(drill, trainee)
        assert drill.outcome == "success"
        assert [e for e in drill.events if isinstance(e, Finding)] == []


def test_a_scenario_without_a_script_falls_back_on_its_rubric(tmp_path: Path, mini_path: Path) -> None:
    """With no correct script beside it, each critical task's first action is an intention, in rubric order."""
    assert good_trainee(prepare(str(mini_path))).origins == ("none",)  # no script and no rubric
    copy = tmp_path / "elevator-entrapment.yaml"
    copy.write_bytes((ROOT / "scenarios" / "elevator-entrapment.yaml").read_bytes())
    trainee = good_trainee(prepare(str(copy)))
    assert trainee.origins == ("rubric",)
    assert [i.action for i in trainee.intentions][:3] == ["talk_to_passengers", "go_to_site", "secure_landing"]


def test_an_intention_waits_for_its_condition_and_never_breaks_a_rule(mini_path: Path) -> None:
    """Paperwork before the life-safety call is a life-first breach: the trainee holds it until after the talk."""
    setup = prepare(str(mini_path))
    trainee = GoodTrainee(
        (
            Intention(0, "control", "paperwork"),
            Intention(0, "control", "log"),
            Intention(0, "control", "talk", t=1.0),
            Intention(0, "tech", "level", when="talking"),
        ),
        ("given",),
    )
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    play_good(drill, trainee)
    made = [(e.action, float(e.t)) for e in drill.events if isinstance(e, DecisionMade)]
    assert [a for a, _ in made][:3] == ["log", "talk", "paperwork"]  # held back until the talk has started
    assert dict(made)["level"] > 2.0  # waits until the talk has set 'talking', a moment after it
    assert [e for e in drill.events if isinstance(e, Finding) and e.cause is not None] == []


def test_overrides_leave_a_decision_out_or_make_it_at_a_set_minute() -> None:
    """Never drops an intention; At makes the decision at its minute with its own source."""
    setup = prepare(str(ROOT / "scenarios" / "elevator-entrapment.yaml"))
    trainee = good_trainee(setup)
    drill = setup.drill(seed=1, mode="observe")
    drill.start()
    play_good(drill, trainee, [Never(0, "log_alarm"), At(0, "control_room", "notify_maintenance", 6.0, "team")])
    decisions = [e for e in drill.events if isinstance(e, DecisionMade)]
    assert "log_alarm" not in {d.action for d in decisions}
    notify = next(d for d in decisions if d.action == "notify_maintenance")
    assert (float(notify.t), notify.source) == (6.0, "team")
    assert all(d.source == "trainee" for d in decisions if d.action != "notify_maintenance")


def test_a_given_script_replaces_the_one_beside_the_scenario() -> None:
    """Scripts passed in are used as they are, in minute order."""
    setup = prepare(str(ROOT / "scenarios" / "elevator-entrapment.yaml"))
    mistakes = load_script(ROOT / "scenarios" / "scripts" / "elevator-entrapment.mistakes.yaml").model.decisions
    trainee = good_trainee(setup, scripts={0: mistakes})
    assert trainee.origins == ("given",)
    assert trainee.intentions[0].action == "play_recorded_message"


@pytest.mark.parametrize("script", [s for s in SCRIPTS if s.name.count(".") == 2], ids=lambda p: p.stem)
def test_skipping_intentions_nothing_could_have_changed_decides_the_same(script: Path) -> None:
    """The trainee looks again only at intentions whose inputs changed; looking at all, it decides the same."""
    setup = prepare(str(_scenario_of(script)))
    trainee = good_trainee(setup)
    for seed in (1, 2, 3, 4):
        made = []
        for quiet in (False, True):  # a quiet drill cannot say what changed: every intention is looked at
            drill = setup.drill(seed=seed, mode="observe", quiet_steps=quiet)
            drill.start()
            play_good(drill, trainee)
            made.append([(e.action, e.t) for e in drill.events if isinstance(e, DecisionMade)])
        assert made[0] == made[1]
