"""What-if: a known late decision shows its known effect, results do not depend on --jobs, rules hold.

The scenario below is built so that the effect of a late call is known exactly: the crew takes 1 +
U(8, 12) minutes from the call to free the passengers, the time trapped counts whole minutes, so
calling at minute 4 instead of 9 keeps them trapped exactly 5 minutes less, whatever the crew's
draw. Its good trainee calls at minute 4; the team called at minute 9.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.format import Decision, load_script
from engine.runtime import RecordWriter, header_for, play_script, prepare, read, setup_from
from engine.runtime.trainee import At, good_trainee
from engine.tools.whatif import ALTERNATIVE, TEAM, Alternative, Arm, Fork, analyse, plan
from scoring.scorecard import score_only
from tests.conftest import ROOT

STUCK = """\
schema: scenario/1
id: stuck-lift
version: "1"
category: elevator
title: {zh: 电梯困人, en: Stuck lift}
summary: {zh: 测试用, en: For tests}
roles:
  desk: {kind: staff, label: {zh: 值班, en: Desk}, pool: desk}
  guard: {kind: staff, label: {zh: 保安, en: Guard}, pool: guards}
  crew: {kind: external, label: {zh: 救援, en: Crew}}
staff:
  desk: {capacity: 1, label: {zh: 值班台, en: Desk}}
  guards: {capacity: 1, label: {zh: 保安, en: Guards}}
variables:
  trapped: {type: int, min: 0, max: 5, initial: 2}
  minutes_trapped: {type: float, min: 0, max: 500, initial: 0, measure: true, unit: min, label: {zh: 被困时长, en: Time trapped}}
  called: {type: bool, initial: false}
initial: trapped
states:
  trapped: {narration: {zh: 被困, en: Trapped.}}
  out: {narration: {zh: 已出, en: Out.}}
endings:
  closed: {outcome: success, narration: {zh: 结案, en: Closed.}}
  fell: {outcome: failure, narration: {zh: 坠落, en: Someone fell.}}
actions:
  log: {role: desk, label: {zh: 登记, en: Log it}, stage: report, life: support, duration: 0.5}
  call_crew: {role: desk, label: {zh: 叫救援, en: Call the crew}, stage: handle, life: life-safety, duration: 1, effects: {called: true}}
  crew_frees:
    role: crew
    label: {zh: 救援放人, en: The crew frees them}
    stage: handle
    life: life-safety
    auto: true
    in: [trapped]
    when: called
    duration: {dist: uniform, low: 8, high: 12}
    effects: {trapped: 0}
    goto: out
  pry_door:
    role: guard
    label: {zh: 撬门, en: Pry the door}
    stage: handle
    life: support
    effects: {trapped: 0}
    goto: out
    forbidden: [{when: "trapped > 0", reason: {zh: 轿厢不在平层, en: The car is between floors}}]
  tell_family: {role: desk, label: {zh: 告知家属, en: Tell the family}, stage: feedback, life: support, in: [out], duration: 1}
  close: {role: desk, label: {zh: 结案, en: Close}, stage: feedback, life: admin, in: [out], when: "done(tell_family)", goto: closed}
dynamics:
  clock: {var: minutes_trapped, rate: 1, while: "trapped > 0"}
rubric:
  objectives:
    rescue:
      label: {zh: 救人, en: Rescue}
      tasks:
        logged: {label: {zh: 登记, en: Logged}, actions: [log], weight: 10}
        crew_called: {label: {zh: 叫救援, en: Crew called}, actions: [call_crew], within: 5, weight: 30}
        family_told: {label: {zh: 告知, en: Family told}, actions: [tell_family], weight: 10}
limit: 60
"""

GOOD = """\
schema: script/1
scenario: stuck-lift
decisions:
  - {t: 0, role: desk, action: log}
  - {t: 4, role: desk, action: call_crew}
  - {t: 0, role: desk, action: tell_family, when: "in_state(out)"}
  - {t: 0, role: desk, action: close, after: {done: tell_family}}
"""

TEAM_LATE = [
    Decision(t=0, role="desk", action="log"),
    Decision(t=9, role="desk", action="call_crew"),
    Decision(t=0, role="desk", action="tell_family", when="in_state(out)"),
    Decision(t=0, role="desk", action="close", after={"done": "tell_family"}),  # type: ignore[arg-type]
]


def played_into(path: Path, scenario: Path, decisions: list[Decision], *, seed: int, source: str) -> Path:
    """Play ``decisions`` on ``scenario`` in observe mode and keep the record at ``path``."""
    setup = prepare(str(scenario))
    writer = RecordWriter(path, header_for(setup, seed=seed, mode="observe", source=source), setup)
    drill = setup.drill(seed=seed, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    play_script(drill, decisions)
    writer.close()
    return path


def late_lift(folder: Path, *, seed: int) -> Path:
    """The stuck lift (its correct script beside it) where the team called the crew at minute 9, recorded in ``folder``."""
    (folder / "scripts").mkdir(parents=True)
    scenario = folder / "stuck-lift.yaml"
    scenario.write_text(STUCK, encoding="utf-8")
    (folder / "scripts" / "stuck-lift.correct.yaml").write_text(GOOD, encoding="utf-8")
    # The good trainee's script is looked for beside the record.
    return played_into(folder / "late.jsonl", scenario, TEAM_LATE, seed=seed, source=str(scenario))


def elevator_mistakes(path: Path) -> Path:
    """The lift entrapment played by its classic-mistakes script, recorded at ``path``."""
    decisions = load_script(ROOT / "scenarios" / "scripts" / "elevator-entrapment.mistakes.yaml").model.decisions
    return played_into(
        path, ROOT / "scenarios" / "elevator-entrapment.yaml", decisions, seed=1, source="elevator-entrapment"
    )


@pytest.fixture
def late_record(tmp_path: Path) -> Path:
    """A record of the stuck lift where the team called the crew at minute 9 (the good trainee: 4)."""
    return late_lift(tmp_path, seed=7)


def _row(result: dict, kind: str, action: str) -> dict:  # type: ignore[type-arg]
    return next(r for r in result["alternatives"] if r["kind"] == kind and r["action"] == action)


def test_a_call_made_five_minutes_late_kept_them_trapped_five_minutes_longer(late_record: Path) -> None:
    """The on-time alternative of the late call finds -5 minutes trapped, within its interval, and is proposed."""
    result = analyse(late_record, seeds=40, scorer=score_only)
    row = _row(result, "on-time", "call_crew")
    assert (row["t"], row["at"]) == (9.0, 4.0)
    assert row["task"] == "crew_called"
    effect = row["difference"]["measures"]["0.minutes_trapped"]
    assert effect["low"] <= -5.0 <= effect["high"]
    assert effect["mean"] == pytest.approx(-5.0)
    assert row["good"] and row["verdict"] == "better"
    assert row["difference"]["score"]["mean"] > 0  # the task is no longer late


def test_the_result_is_the_same_for_any_number_of_jobs(late_record: Path) -> None:
    """One process or three, the same seeds give the same figures, row for row."""
    one = analyse(late_record, seeds=12, jobs=1, scorer=score_only)
    three = analyse(late_record, seeds=12, jobs=3, scorer=score_only)
    assert json.dumps(one, sort_keys=True) == json.dumps(three, sort_keys=True)


def test_the_same_seeds_give_the_same_result_and_other_seeds_other_draws(late_record: Path) -> None:
    """Post-fork randomness comes from (record seed, fork point, i) alone: repeatable, not constant."""
    first = analyse(late_record, seeds=10, scorer=score_only)
    again = analyse(late_record, seeds=10, scorer=score_only)
    assert first == again
    more = analyse(late_record, seeds=30, scorer=score_only)
    row = _row(more, "on-time", "call_crew")
    assert row["alternative"]["measures"]["0.minutes_trapped"]["sd"] > 0  # the crew's draw varies with i


def test_a_rule_breaking_shortcut_is_never_proposed_even_when_it_would_help(late_record: Path) -> None:
    """Prying the door frees them at once (far less time trapped), but it breaks life first: not proposed."""
    record = read(late_record)
    call = next(e for e in record.events if getattr(e, "action", None) == "call_crew" and e.type == "decision")
    fork = Fork(float(call.t), call.seq)
    shortcut = Alternative(
        kind="instead",
        incident=0,
        action="call_crew",
        role="desk",
        seq=call.seq,
        t=float(call.t),
        at=float(call.t),
        instead="pry_door",
        task=None,
        arm=Arm(fork, (At(0, "guard", "pry_door", float(call.t), ALTERNATIVE),)),
        baseline=Arm(fork, (At(0, "desk", "call_crew", float(call.t), TEAM),)),
    )
    result = analyse(late_record, seeds=8, scorer=score_only, alternatives=[shortcut])
    (row,) = result["alternatives"]
    assert row["difference"]["measures"]["0.minutes_trapped"]["high"] < 0  # it would have "helped"
    assert row["breaks_rule"]
    assert not row["good"]


def test_no_planned_alternative_breaks_a_rule_on_the_elevator_mistakes(tmp_path: Path) -> None:
    """Over the classic mistakes, every alternative the analysis proposes breaks no rule in any drill."""
    result = analyse(elevator_mistakes(tmp_path / "mistakes.jsonl"), seeds=6, jobs=2, scorer=score_only)
    # The record lives apart from the scenario (it carries its sources): the good trainee still
    # plays the scenario's correct script, found in the library, not the rubric's bare list.
    assert [Path(t).name for t in result["trainee"]] == ["elevator-entrapment.correct.yaml"]
    # ...so it brings the drill to an end: what the team left undone is done by the good trainee.
    assert result["actual"]["outcome"] == "failure"
    assert all("timeout" not in r["alternative"]["outcomes"] for r in result["alternatives"] if r["good"])
    proposed = [r for r in result["alternatives"] if r["good"]]
    assert proposed, "the classic mistakes leave something to improve"
    assert all(not r["breaks_rule"] for r in result["alternatives"])
    kinds = {(r["kind"], r["action"]) for r in proposed}
    assert ("omitted", "open_landing_door") in kinds  # opening the landing door between floors killed someone
    assert result["alternatives"][0]["difference"]["failure"]["mean"] < 0  # the biggest change comes first
    instead = {r["instead"] for r in result["alternatives"] if r["kind"] == "instead"}
    assert "talk_to_passengers" in instead  # a human voice instead of the recording


def test_the_plan_offers_the_three_kinds_for_a_rule_breaking_late_team(late_record: Path) -> None:
    """Each accepted decision can be omitted; the late call can be made on time; nothing is left unplaced."""
    record = read(late_record)
    setup = setup_from(record)
    found, unplaced = plan(record, setup, good_trainee(setup))
    kinds = sorted((a.kind, a.action) for a in found)
    assert ("on-time", "call_crew") in kinds
    assert ("omitted", "log") in kinds and ("omitted", "call_crew") in kinds
    assert unplaced == []
