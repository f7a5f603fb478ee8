"""The ledger: the programme kept (done, due, overdue), attendance against the roster, corrective actions
from raised to verified by a later drill. The drills are made by the engine (see conftest)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from engine.errors import ContentError
from engine.format import load_programme
from engine.runtime import prepare
from scoring.history import LATEST, History, HistoryError
from scoring.ledger import Ledger, areas_of, compliance, proposal, raise_from, rates, rolls
from scoring.ledger.periods import PeriodError, previous, quarter, span_of, spans
from tests.scoring.ledger.conftest import CS, ENG, PROGRAMME, SEC, Seeded

AS_OF = date(2026, 7, 10)
"""Ten days into the third quarter: the first two quarters are over."""


def statuses(seeded: Seeded, as_of: date = AS_OF) -> dict[tuple[str, str, str], tuple[str, list[str]]]:
    """(team, requirement, period) -> (status, names of the seeded drills that satisfied it)."""
    names = {key: name for name, key in seeded.keys.items()}
    with Ledger(seeded.url) as ledger:
        found = compliance(seeded.programme, ledger.drills(), as_of)
    return {(d.team.name, d.requirement, d.period.name): (d.status, [names[x.key] for x in d.held]) for d in found}


# Periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("every", "day", "name", "start", "end"),
    [
        ("month", date(2026, 2, 14), "2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("quarter", date(2026, 5, 1), "2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("half-year", date(2026, 12, 31), "2026H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("year", date(2026, 1, 1), "2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_is_the_calendar_period_a_day_falls_in(
    every: str, day: date, name: str, start: date, end: date
) -> None:
    """Requirements recur over calendar periods, as training plans and inspectors count them."""
    span = span_of(every, day)
    assert (span.name, span.start, span.end) == (name, start, end)


def test_periods_cover_the_programme_and_quarters_are_read_as_written() -> None:
    """A year holds four quarters; 2026Q4 and 2026-q4 name the same one; anything else is refused."""
    assert [s.name for s in spans("quarter", date(2026, 1, 1), date(2026, 12, 31))] == [
        "2026Q1",
        "2026Q2",
        "2026Q3",
        "2026Q4",
    ]
    assert quarter("2026Q4") == quarter("2026-q4") == span_of("quarter", date(2026, 11, 1))
    assert previous(quarter("2026Q1")).name == "2025Q4"
    with pytest.raises(PeriodError, match="write it as 2026Q4"):
        quarter("2026Q5")


# The programme --------------------------------------------------------------------------------


def test_the_sample_programme_loads() -> None:
    """The shipped sample has three teams at one site and three requirements."""
    programme = load_programme(PROGRAMME).model
    assert [t.name for _, t in programme.teams()] == [SEC, CS, ENG]
    assert list(programme.requirements) == ["fire", "emergency", "roleplay"]


@pytest.mark.parametrize(
    ("change", "located"),
    [
        (("every: quarter", "every: weekly"), ":42:12: requirements.fire.every: Input should be 'month'"),
        (
            ("teams: [秩序维护部, 工程部]", "teams: [秩序维护部, 保洁部]"),
            ":51:20: requirements.emergency.teams.1: no team '保洁部'",
        ),
        (("attend: [客服]", "attend: [客户]"), ":59:14: requirements.roleplay.attend.0: nobody's role is '客户'"),
        (("ends: 2026-12-31", "ends: 2025-12-31"), ":11:7: ends: the programme ends (2025-12-31) before it starts"),
        (("starts: 2026-01-01", "starts: 2026-1-1"), ":10:9: starts: '2026-1-1' is not a date; write it as YYYY-MM-DD"),
        (
            ("joined: 2026-04-01", "joined: 2026-04-01, shift: night"),
            ":35:54: sites.0.teams.2.members.2.shift: unknown key 'shift'; allowed: name, role, joined, left",
        ),
    ],
)
def test_a_programme_with_a_mistake_is_refused_at_the_mistake(
    tmp_path: Path, change: tuple[str, str], located: str
) -> None:
    """Problems in a programme are reported as file:line:col: field: message, like a scenario's."""
    bad = tmp_path / "programme.yaml"
    text = PROGRAMME.read_text(encoding="utf-8")
    assert change[0] in text
    bad.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_programme(bad)
    assert any(located in str(p) for p in caught.value.problems), [str(p) for p in caught.value.problems]


# Compliance -----------------------------------------------------------------------------------


def test_each_team_s_requirements_are_done_due_or_overdue_with_the_drills_that_satisfied_them(seeded: Seeded) -> None:
    """Three teams over two quarters: the drills held satisfy some periods; the rest are due or overdue."""
    found = statuses(seeded)
    assert found[SEC, "fire", "2026Q1"] == ("done", ["fire_sec"])
    assert found[SEC, "fire", "2026Q2"] == ("overdue", [])
    assert found[SEC, "fire", "2026Q3"] == ("due", [])
    # The failed assessment counts (the requirement does not ask for a pass); the make-up does not.
    assert found[SEC, "emergency", "2026H1"] == ("done", ["lift_fail", "lift_pass"])
    assert found[SEC, "emergency", "2026H2"] == ("due", [])
    assert found[CS, "fire", "2026Q1"] == ("done", ["fire_cs"])
    assert found[CS, "fire", "2026Q2"] == ("overdue", [])
    assert [found[CS, "roleplay", f"2026-{m:02}"] for m in range(1, 8)] == [
        ("done", ["cs_01"]),
        ("done", ["cs_02"]),
        ("done", ["cs_03"]),
        ("done", ["cs_04"]),
        ("done", ["cs_05"]),
        ("overdue", []),
        ("due", []),
    ]
    assert found[ENG, "fire", "2026Q1"] == ("overdue", [])
    assert found[ENG, "fire", "2026Q2"] == ("done", ["fire_eng"])
    assert found[ENG, "emergency", "2026H1"] == ("done", ["gas_eng"])
    # Requirements apply only to the teams they name; periods not begun are not listed.
    assert not [k for k in found if k[0] == CS and k[1] == "emergency"]
    assert not [k for k in found if k[0] != CS and k[1] == "roleplay"]
    assert not [k for k in found if k[2] in ("2026Q4", "2026-08")]


def test_the_overdue_list_as_of_the_end_of_the_second_quarter(seeded: Seeded) -> None:
    """Judged on 30 June, the second quarter is still running: its gaps are due, not overdue."""
    found = statuses(seeded, date(2026, 6, 30))
    overdue = sorted(k for k, (status, _) in found.items() if status == "overdue")
    due = sorted(k for k, (status, _) in found.items() if status == "due")
    assert overdue == [(ENG, "fire", "2026Q1")]
    assert due == [(CS, "fire", "2026Q2"), (CS, "roleplay", "2026-06"), (SEC, "fire", "2026Q2")]


def test_a_requirement_that_asks_for_a_pass_is_not_met_by_a_failed_drill(seeded: Seeded) -> None:
    """With must_pass, the failed lift assessment no longer counts; the later pass still does."""
    rule = seeded.programme.requirements["emergency"].model_copy(update={"must_pass": True})
    programme = seeded.programme.model_copy(update={"requirements": {"emergency": rule}})
    with Ledger(seeded.url) as ledger:
        found = compliance(programme, ledger.drills(), date(2026, 4, 1))
    sec = next(d for d in found if d.team.name == SEC and d.period.name == "2026H1")
    assert (sec.status, sec.held) == ("due", ())


# Attendance -----------------------------------------------------------------------------------


def test_attendance_rates_per_team_and_quarter_are_flagged_under_95(seeded: Seeded) -> None:
    """Roster vs participants: 7 of 8 for the guards in Q1, 3 of 4 for customer service in Q2, 5 of 6 for engineering."""
    with Ledger(seeded.url) as ledger:
        found = rates(seeded.programme, rolls(seeded.programme, ledger.drills()))
    table = {(r["team"], r["quarter"]): (r["expected"], r["present"], r["rate"], r["below_target"]) for r in found}
    assert table == {
        (SEC, "2026Q1"): (8, 7, 87.5, True),
        (SEC, "2026Q2"): (4, 4, 100.0, False),
        (CS, "2026Q1"): (9, 9, 100.0, False),
        (CS, "2026Q2"): (4, 3, 75.0, True),
        (ENG, "2026Q1"): (2, 2, 100.0, False),
        (ENG, "2026Q2"): (6, 5, 83.3, True),
    }


def test_absentees_are_recorded_and_a_make_up_drill_covers_its_original_s(seeded: Seeded) -> None:
    """王磊 missed the lift drill and made it up; 刘洋 and 郑浩 are still owed a make-up."""
    with Ledger(seeded.url) as ledger:
        found = rolls(seeded.programme, ledger.drills())
        owed = {(r["team"], r["quarter"]): r["owed"] for r in rates(seeded.programme, found)}
    by_key = {r.drill.key: r for r in found}
    lift = by_key[seeded.keys["lift_fail"]]
    assert (lift.absent, lift.made_up) == (("王磊",), {"王磊": seeded.keys["lift_makeup"]})
    assert seeded.keys["lift_makeup"] not in by_key  # a make-up is not a drill of its own in the roll
    assert owed[SEC, "2026Q1"] == ""
    assert owed[CS, "2026Q2"] == f"刘洋 ({seeded.keys['cs_04']})"
    assert owed[ENG, "2026Q2"] == f"郑浩 ({seeded.keys['fire_eng']})"


def test_a_drill_expects_the_roster_of_its_day_and_the_posts_its_requirement_names(seeded: Seeded) -> None:
    """The role-play expects only 客服 (not the supervisor); 郑浩 is expected only after joining."""
    with Ledger(seeded.url) as ledger:
        found = {r.drill.key: r for r in rolls(seeded.programme, ledger.drills())}
    assert found[seeded.keys["cs_03"]].expected == ("陈静", "刘洋")
    assert found[seeded.keys["fire_cs"]].expected == ("陈静", "刘洋", "孙丽")
    assert found[seeded.keys["pipe_eng"]].expected == ("周杰", "吴刚")
    assert found[seeded.keys["gas_eng"]].expected == ("周杰", "吴刚", "郑浩")


def test_a_make_up_link_needs_two_different_stored_drills(seeded: Seeded, tmp_path: Path) -> None:
    """Linking a drill to itself, or to a drill history does not have, is refused."""
    with Ledger(seeded.url) as ledger:
        with pytest.raises(HistoryError, match="cannot make up for itself"):
            ledger.link_makeup(seeded.paths["cs_01"], seeded.paths["cs_01"])
        with pytest.raises(HistoryError, match="no drill 'nothing' in history"):
            ledger.link_makeup("nothing", seeded.paths["cs_01"])


# Corrective actions ---------------------------------------------------------------------------


def test_areas_for_improvement_are_tied_to_their_critical_tasks(seeded: Seeded) -> None:
    """A task rated below P is that task; a finding is the task whose action or deadline it concerns."""
    found = areas_of(seeded.paths["lift_fail"])
    assert found, "the failed lift drill has areas for improvement"
    assert {a.scenario for a in found} == {"elevator-entrapment"}
    assert "voice_contact" in {a.task for a in found}
    assert [a.id for a in found] == [f"A{i}" for i in range(1, len(found) + 1)]


def test_an_area_for_a_task_rated_below_p_names_that_task_by_its_id(seeded: Seeded) -> None:
    """The link is the rubric's task id (what a later drill is checked against), never the task's source."""
    model = prepare("elevator-entrapment").scenarios()[0].model
    assert model.rubric is not None
    ids = {tid for objective in model.rubric.objectives.values() for tid in objective.tasks}
    found = areas_of(seeded.paths["lift_fail"], "en")
    weak = [a for a in found if a.observation.endswith(": not done")]
    assert weak, "the failed lift drill left critical tasks undone"
    assert all(a.task in ids for a in weak), [a.task for a in weak]
    assert {a.task for a in found if a.task is not None} <= ids


def test_a_corrective_action_goes_from_raised_to_verified_by_a_later_drill(seeded: Seeded) -> None:
    """Raised from the failed drill, proposed as verified by the next team drill that did the task on
    time (not the one-person make-up), accepted, and every step logged."""
    voice = next(a for a in areas_of(seeded.paths["lift_fail"]) if a.task == "voice_contact")
    with Ledger(seeded.url) as ledger:
        [number] = raise_from(ledger, seeded.paths["lift_fail"], "张伟", due="2026-04-30", areas=[voice.id])
        item = ledger.action(number)
        assert (item.status, item.task, item.team, item.drill) == (
            "open",
            "voice_contact",
            SEC,
            seeded.keys["lift_fail"],
        )
        assert item.overdue(date(2026, 5, 1)) and not item.overdue(date(2026, 4, 30))
        ledger.update_action(number, status="in-progress", note="对讲话术培训已排期")
        ledger.update_action(number, status="done")
        proposed = proposal(ledger, ledger.action(number))
        assert proposed is not None and proposed.key == seeded.keys["lift_pass"]
        closed = ledger.update_action(number, status="verified", verified_by=seeded.paths["lift_pass"])
    assert (closed.status, closed.verified_by) == ("verified", seeded.keys["lift_pass"])
    assert closed.closed_at is not None and not closed.overdue(date(2027, 1, 1))
    assert [status for _, status, _ in closed.log] == ["open", "in-progress", "done", "verified"]
    assert "对讲话术培训已排期" in closed.log[1][2]
    assert f"verified by drill {seeded.keys['lift_pass']}" in closed.log[-1][2]


def test_a_corrective_action_with_no_later_drill_has_no_proposal(seeded: Seeded) -> None:
    """An action raised from the last lift drill has nothing after it to verify it."""
    with Ledger(seeded.url) as ledger:
        number = ledger.raise_action(
            "疏散广播词不统一",
            "李强",
            drill=seeded.paths["lift_pass"],
            scenario="elevator-entrapment",
            task="voice_contact",
        )
        assert proposal(ledger, ledger.action(number)) is None
        free = ledger.raise_action("灭火器过期两具", "周杰", element="equipment", due=date(2026, 6, 1))
        assert proposal(ledger, ledger.action(free)) is None
        assert ledger.action(free).drill is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ({"issue": " ", "owner": "张伟"}, "needs the issue"),
        ({"issue": "x", "owner": ""}, "needs an owner"),
        ({"issue": "x", "owner": "张伟", "due": "30/04/2026"}, "--due: '30/04/2026' is not a date"),
        ({"issue": "x", "owner": "张伟", "element": "money"}, "unknown element 'money'"),
        ({"issue": "漏" * 2001, "owner": "张伟"}, "--issue: 2,001 characters; at most 2,000"),
        ({"issue": "x", "owner": "张" * 201}, "--owner: 201 characters; at most 200"),
        ({"issue": "x", "owner": "张伟", "team": "班" * 201}, "--team: 201 characters"),
        ({"issue": "x", "owner": "张伟", "action": "改" * 2001}, "--action: 2,001 characters"),
    ],
)
def test_a_corrective_action_needs_an_issue_an_owner_and_sound_fields(
    seeded: Seeded, call: dict[str, str], message: str
) -> None:
    """Bad input is one clear error, and nothing is stored."""
    with Ledger(seeded.url) as ledger:
        with pytest.raises(HistoryError, match=message):
            ledger.raise_action(**call)
        assert ledger.actions() == []


def test_updating_an_unknown_action_or_to_an_unknown_status_is_refused(seeded: Seeded) -> None:
    """Numbers and statuses are checked."""
    with Ledger(seeded.url) as ledger:
        with pytest.raises(HistoryError, match="no corrective action 9"):
            ledger.update_action(9, status="done")
        number = ledger.raise_action("x", "张伟")
        with pytest.raises(HistoryError, match="unknown status 'closed'"):
            ledger.update_action(number, status="closed")
        with pytest.raises(HistoryError, match="--owner: 201 characters; at most 200"):
            ledger.update_action(number, owner="张" * 201)  # SQLite would store it; PostgreSQL would not
        assert ledger.action(number).owner == "张伟"


# The database ---------------------------------------------------------------------------------


def test_a_version_1_history_gains_the_ledger_tables_when_opened(tmp_path: Path) -> None:
    """An existing database at schema version 1 is migrated to the ledger's version, its drills kept."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with closing(sqlite3.connect(tmp_path / "old.sqlite3")) as conn, conn:
        conn.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT)")
    History(url).close()  # the ledger is at LATEST already; start a version-1 database by hand instead
    with closing(sqlite3.connect(tmp_path / "old.sqlite3")) as conn, conn:
        conn.execute("DROP TABLE ledger_action_log")
        conn.execute("DROP TABLE ledger_actions")
        conn.execute("DROP TABLE ledger_makeups")
        conn.execute("DELETE FROM schema_version WHERE version > 1")
    with Ledger(url) as ledger:
        assert ledger.version() == LATEST  # the ledger (2) and the drills' integrity (3) applied
        assert ledger.actions() == []
