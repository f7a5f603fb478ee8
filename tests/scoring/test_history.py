"""History: finished drills stored once and whole, and the training plan's questions answered from them."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pytest

from engine.format import AnyEvent, Decision, find, load_script
from engine.runtime import RecordWriter, Setup, header_for, play_random, play_script, prepare
from scoring import history
from scoring.history import LATEST, History, HistoryError, format_rows
from tests.conftest import ROOT

SCENARIOS = ("elevator-entrapment", "fire-evacuation", "leak-complaint", "owner-worker-dispute", "rainstorm-flooding")
"""The shipped scenarios the seeded history is drawn from."""

PEOPLE = ("张伟", "李娜", "王强", "刘洋", "陈静", "赵磊")
"""Trainees of the seeded history."""

TEAMS = ("一班", "二班", "三班")
"""Shifts of the seeded history."""

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
"""When the seeded history begins (a Monday in the first quarter)."""

Kind = Literal["practice", "assessment"]
"""What a drill was for, as its header says."""


@cache
def setup_of(name: str) -> Setup:
    """A shipped scenario, loaded once per test session."""
    return prepare(name)


@cache
def correct_script(name: str) -> list[Decision]:
    """The shipped correct sequence of a scenario (timed for seed 1)."""
    return list(load_script(find(f"scripts/{name}.correct.yaml")).model.decisions)


@cache
def correct_events(name: str) -> tuple[AnyEvent, ...]:
    """The events of a scenario's correct script at seed 1: the same whoever took part, so played once."""
    drill = setup_of(name).drill(seed=1, mode="observe")
    events: list[AnyEvent] = []
    drill.subscribe(events.append)
    drill.start()
    play_script(drill, correct_script(name))
    return tuple(events)


def write_record(
    path: Path,
    scenario: str,
    *,
    passing: bool,
    seed: int = 1,
    people: tuple[str, ...] = ("张伟",),
    team: str | None = "一班",
    kind: Kind = "assessment",
    when: datetime = START,
    feedback: list[dict[str, Any]] | None = None,
) -> Path:
    """Run a shipped scenario headless and record it, with who took part, as ``run --record`` does.

    ``passing`` plays the scenario's correct script (seed 1, which it is timed for); otherwise a
    random trainee plays, which fails every shipped scenario.
    """
    setup = setup_of(scenario)
    header = replace(
        header_for(setup, seed=1 if passing else seed, mode="observe", source=scenario),
        participants=[{"name": name, "role": "control_room"} for name in people],
        team=team,
        kind=kind,
        wall_start=when.isoformat(timespec="seconds"),
        feedback=feedback,
    )
    writer = RecordWriter(path, header, setup)
    if passing:
        for event in correct_events(scenario):
            writer.write(event)
    else:
        drill = setup.drill(seed=header.seed, mode="observe")
        drill.subscribe(writer.write)
        drill.start()
        play_random(drill, seed)
    writer.close()
    return path


def url_in(folder: Path) -> str:
    """A SQLite history in a test's folder."""
    return f"sqlite:///{folder / 'history.sqlite3'}"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[History]:
    """An empty history in the test's folder."""
    with History(url_in(tmp_path)) as opened:
        yield opened


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    """One finished, failed assessment of the lift scenario."""
    return write_record(tmp_path / "drill.jsonl", "elevator-entrapment", passing=False, seed=3)


@dataclass
class Seeded:
    """200 seeded drills in a history, and what went into it."""

    url: str
    paths: list[Path]
    drills: list[dict[str, Any]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """200 drills of the five shipped scenarios: six people, three shifts, three quarters, a quarter practice."""
    folder = tmp_path_factory.mktemp("seeded")
    rng = random.Random(2025)
    made = Seeded(url_in(folder), [])
    began = time.perf_counter()
    for i in range(200):
        scenario = SCENARIOS[i % len(SCENARIOS)]
        people = tuple(rng.sample(PEOPLE, 2))
        kind = "practice" if i % 4 == 3 else "assessment"
        # The fire course is disliked: its mean satisfaction falls under 80; the others' stays above.
        low, high = (55, 85) if scenario == "fire-evacuation" else (80, 100)
        feedback = [
            {"name": p, "satisfaction": rng.randint(low, high), "helped": "演练脚本清楚", "improve": "时间再长些"}
            for p in people
        ]
        spec: dict[str, Any] = {
            "scenario": scenario,
            "passing": rng.random() < 0.5,
            "seed": 100 + i,
            "people": people,
            "team": TEAMS[i % len(TEAMS)],
            "kind": kind,
            "when": START + timedelta(hours=31 * i),
            "feedback": feedback if i % 3 == 0 else None,
        }
        made.paths.append(write_record(folder / f"drill-{i:03}.jsonl", **spec))
        made.drills.append(spec)
    made.seconds["record"] = time.perf_counter() - began
    began = time.perf_counter()
    with History(made.url) as store:
        assert all(store.add(path) for path in made.paths)
    made.seconds["add"] = time.perf_counter() - began
    yield made


# Schema ---------------------------------------------------------------------------------------


def test_a_fresh_database_is_created_at_the_latest_schema_version(tmp_path: Path) -> None:
    """Opening an empty database applies every migration and records the version."""
    with History(url_in(tmp_path)) as store:
        assert store.version() == LATEST
        assert store.counts() == dict.fromkeys(
            ("drills", "incidents", "participants", "task_ratings", "findings", "feedback", "drill_integrity"), 0
        )


def test_reopening_a_database_applies_nothing(tmp_path: Path) -> None:
    """A database already at the latest version is left as it is."""
    History(url_in(tmp_path)).close()
    with History(url_in(tmp_path)) as store:
        assert store.migrate() == []
        assert store.version() == LATEST
    with closing(sqlite3.connect(tmp_path / "history.sqlite3")) as conn, conn:
        assert conn.execute("SELECT count(*) FROM schema_version").fetchone() == (LATEST,)


def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    """A schema version this code does not know is refused with a message naming both versions."""
    History(url_in(tmp_path)).close()
    with closing(sqlite3.connect(tmp_path / "history.sqlite3")) as conn, conn:
        conn.execute("INSERT INTO schema_version VALUES (?, 'from the future', '2030-01-01 00:00:00')", (LATEST + 1,))
    with pytest.raises(HistoryError, match=rf"schema version {LATEST + 1}.*up to {LATEST}; upgrade drillsim"):
        History(url_in(tmp_path))


def test_a_failing_migration_leaves_the_database_at_the_version_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each migration is one transaction: one that fails half-way leaves no table and no version behind."""
    History(url_in(tmp_path)).close()

    def broken(conn: Any) -> None:
        conn.exec_driver_sql("CREATE TABLE half_done (x INTEGER)")
        raise sqlite3.OperationalError("disk on fire")

    migration = history.Migration(LATEST + 1, "a step that fails", broken)
    monkeypatch.setattr(history, "MIGRATIONS", (*history.MIGRATIONS, migration))
    monkeypatch.setattr(history, "LATEST", LATEST + 1)
    with pytest.raises(sqlite3.OperationalError):
        History(url_in(tmp_path))
    with closing(sqlite3.connect(tmp_path / "history.sqlite3")) as conn, conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "half_done" not in tables
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (LATEST,)


def test_the_default_database_lives_under_the_user_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db, history is a SQLite file in drillsim's data folder, which is created."""
    folder = tmp_path / "data" / "drillsim"
    monkeypatch.setattr(history, "user_data_dir", lambda *_args, **_kw: str(folder))
    url = history.default_url()
    assert url == f"sqlite:///{(folder / 'history.sqlite3').as_posix()}"
    assert folder.is_dir()


def test_an_unusable_database_url_is_one_clear_error(tmp_path: Path) -> None:
    """A malformed --db URL, or a file that cannot be opened, is a HistoryError naming it."""
    with pytest.raises(HistoryError, match="not a usable database URL"):
        History("nonsense://")
    with pytest.raises(HistoryError, match="history database"):
        History(f"sqlite:///{tmp_path / 'no-such-folder' / 'h.db'}")


# Adding drills --------------------------------------------------------------------------------


def test_adding_a_record_twice_stores_it_once(db: History, recorded: Path) -> None:
    """The second add of the same file reports False and changes nothing."""
    assert db.add(recorded) is True
    before = db.counts()
    assert db.add(recorded) is False
    assert db.add(str(recorded), team="另一个班") is False
    assert db.counts() == before
    assert before["drills"] == 1 and before["task_ratings"] > 0 and before["findings"] > 0


def test_the_same_drill_run_again_later_is_a_second_drill(db: History, tmp_path: Path) -> None:
    """Two runs with the same people, seed and decisions differ only in wall time, and both are kept."""
    first = write_record(tmp_path / "a.jsonl", "elevator-entrapment", passing=True, when=START)
    second = write_record(tmp_path / "b.jsonl", "elevator-entrapment", passing=True, when=START + timedelta(days=7))
    assert db.add(first) and db.add(second)
    assert db.counts()["drills"] == 2


def test_arguments_replace_the_header_fields_they_name(db: History, recorded: Path) -> None:
    """--person, --team, --site and the kind given to add win over the header's."""
    db.add(recorded, participants=[{"name": "周敏", "role": "guard"}], team="四班", site="阳光花园", kind="practice")
    (row,) = db.results()
    assert (row["people"], row["team"], row["site"], row["kind"]) == ("周敏:guard", "四班", "阳光花园", "practice")


def append_rating(path: Path, target: str, rating: str, by: str) -> None:
    """Append a rating after the drill's end, as a coach's later judgement is (replayed first, then chained on)."""
    from engine.format import Evaluated
    from engine.runtime import read

    record = read(path)
    evaluated = Evaluated(incident=0, target=target, rating=rating, by=by)  # type: ignore[arg-type]  # P/S/M/U
    evaluated.stamp(len(record.events) + 1, record.events[-1].t)
    writer = RecordWriter.append(path, record.last_chk, record.header)
    writer.write(evaluated)
    writer.close()


def test_a_rating_appended_after_the_drill_rescores_its_row_in_place(db: History, tmp_path: Path) -> None:
    """rescore: the same drill's row takes the new rating; what was filed with it (team, kind, people) stays."""
    path = write_record(tmp_path / "drill.jsonl", "elevator-entrapment", passing=True)
    assert db.rescore(path) is False  # not filed yet: nothing to bring up to date
    db.add(path, team="四班", kind="practice")
    (before,) = db.results()
    assert before["rating"] in ("P", "S") and before["passed"] is True
    append_rating(path, "drill", "U", "王教练")
    assert db.rescore(path) is True
    (after,) = db.results()
    assert (after["rating"], after["passed"]) == ("U", False)
    assert {k: v for k, v in after.items() if k not in ("rating", "passed")} == {
        k: v for k, v in before.items() if k not in ("rating", "passed")
    }  # the same drill key, team, kind, people and score; still a plain chain ("signed": "no")
    assert after["team"] == "四班" and after["kind"] == "practice" and after["signed"] == "no"
    assert db.counts()["drills"] == 1
    assert db.add(path) is False  # still one drill: adding the judged record again changes nothing


def test_rescoring_refuses_an_edited_record(db: History, tmp_path: Path) -> None:
    """A record edited after it was filed is refused by rescore as by add, and the row keeps its figures."""
    path = write_record(tmp_path / "drill.jsonl", "elevator-entrapment", passing=True)
    db.add(path)
    (before,) = db.results()
    _edit_a_line(path)
    with pytest.raises(HistoryError):
        db.rescore(path)
    assert db.results() == [before]


def _edit_a_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace('"t":', '"t":1', 1)
    path.write_text("".join(lines), encoding="utf-8")


def _cut_mid_line(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])


def _cut_at_a_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")


def _not_a_record(path: Path) -> None:
    path.write_text("姓名,分数\n张伟,90\n", encoding="utf-8")


def _foreign_json(path: Path) -> None:
    path.write_text('{"type": "report", "score": 90}\n', encoding="utf-8")


def _drop_a_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    del lines[5]
    path.write_text("".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_edit_a_line, "does not follow from the line before it"),
        (_drop_a_line, "does not follow from the line before it"),
        (_cut_mid_line, "interrupted while writing"),
        (_cut_at_a_line, "did not finish"),
        (_not_a_record, "not a valid record line"),
        (_foreign_json, "not a drillsim record"),
    ],
)
def test_a_damaged_record_is_refused_with_one_clear_message_and_nothing_written(
    db: History, recorded: Path, tmp_path: Path, damage: Callable[[Path], None], reason: str
) -> None:
    """An edited, shortened or foreign file is refused with one line naming it, and history is unchanged."""
    db.add(write_record(tmp_path / "good.jsonl", "elevator-entrapment", passing=True))
    before = db.counts()
    damage(recorded)
    with pytest.raises(HistoryError) as caught:
        db.add(recorded)
    message = str(caught.value)
    assert "\n" not in message and str(recorded) in message and reason in message
    assert message.endswith("not added to history")
    assert db.counts() == before


def test_a_record_whose_scenario_has_changed_since_is_still_added(db: History, tmp_path: Path, mini_path: Path) -> None:
    """A drill is scored against the scenario it ran, which its record carries: a later edit changes nothing."""
    setup = prepare(str(mini_path))
    path = tmp_path / "mini.jsonl"
    writer = RecordWriter(
        path, replace(header_for(setup, seed=2, mode="observe", source=str(mini_path)), team="一班"), setup
    )
    drill = setup.drill(seed=2, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    play_random(drill, 2)
    writer.close()
    mini_path.write_text(mini_path.read_text(encoding="utf-8").replace("Mini lift", "Mini lift revised"), "utf-8")
    assert db.add(path) is True
    assert db.results()[0]["signed"] == "no"


def test_a_write_that_fails_half_way_leaves_nothing_behind(
    db: History, recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All rows of one drill are one transaction: a failure after some of them rolls every one back."""
    real = history._insert
    calls: list[str] = []

    def failing(conn: Any, table: Any, rows: list[dict[str, Any]]) -> None:
        calls.append(table.name)
        real(conn, table, rows)
        if table.name == "task_ratings":
            raise OSError("the disk filled up")

    monkeypatch.setattr(history, "_insert", failing)
    with pytest.raises(OSError, match="disk filled up"):
        db.add(recorded)
    assert calls[:3] == ["incidents", "participants", "task_ratings"]
    assert set(db.counts().values()) == {0}
    monkeypatch.setattr(history, "_insert", real)
    assert db.add(recorded) is True


KILLER = """
import os, signal, sys
from scoring import history
real = history._insert
def killed(conn, table, rows):
    real(conn, table, rows)
    if table.name == "task_ratings":
        os.kill(os.getpid(), signal.SIGKILL)
history._insert = killed
history.History(sys.argv[1]).add(sys.argv[2])
"""
"""Adds a record and is killed with SIGKILL after half of the drill's rows are written."""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_write_killed_half_way_leaves_the_database_consistent(db: History, recorded: Path, tmp_path: Path) -> None:
    """kill -9 in the middle of an add: the database checks out, holds no part of the drill, and takes it again."""
    db.add(write_record(tmp_path / "good.jsonl", "elevator-entrapment", passing=True))
    before = db.counts()
    db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", KILLER, db.url, str(recorded)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    with closing(sqlite3.connect(tmp_path / "history.sqlite3")) as conn, conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with History(db.url) as again:
        assert again.counts() == before
        assert again.add(recorded) is True


# Questions ------------------------------------------------------------------------------------


def test_two_hundred_seeded_drills_are_stored_in_reasonable_time(seeded: Seeded) -> None:
    """200 drills are recorded and added, and adding them all again changes nothing."""
    with History(seeded.url) as store:
        before = store.counts()
        assert before["drills"] == 200 and before["incidents"] == 200 and before["participants"] == 400
        began = time.perf_counter()
        assert not any(store.add(path) for path in seeded.paths)
        again = time.perf_counter() - began
        assert store.counts() == before
    assert seeded.seconds["add"] < 20 and again < 10, (seeded.seconds, again)


def test_results_come_oldest_first_and_filter_by_person_team_scenario_and_date(seeded: Seeded) -> None:
    """Every drill is listed, practice included, and each filter keeps only the drills it names."""
    with History(seeded.url) as store:
        everything = store.results()
        assert len(everything) == 200
        assert [r["started"] for r in everything] == sorted(str(r["started"]) for r in everything)
        mine = store.results(person="李娜")
        assert len(mine) == sum("李娜" in d["people"] for d in seeded.drills)
        assert all("李娜" in str(r["people"]) for r in mine)
        assert len(store.results(team="二班")) == sum(d["team"] == "二班" for d in seeded.drills)
        assert {r["scenario"] for r in store.results(scenario="fire-evacuation")} == {"fire-evacuation"}
        cut = START + timedelta(days=100)
        assert len(store.results(since=cut.date().isoformat())) == sum(d["when"] >= cut for d in seeded.drills)
        assert len(store.results(kind="practice")) == 50


def test_pass_rates_count_assessments_only(seeded: Seeded) -> None:
    """Pass rate per scenario: assessments that passed over assessments, practice runs left out."""
    with History(seeded.url) as store:
        rates = {r["scenario"]: r for r in store.pass_rates()}
        results = store.results(kind="assessment")
    assert set(rates) == set(SCENARIOS)
    for name, row in rates.items():
        mine = [r for r in results if r["scenario"] == name]
        assert (
            row["assessments"]
            == len(mine)
            == sum(d["scenario"] == name and d["kind"] == "assessment" for d in seeded.drills)
        )
        assert row["passed"] == sum(bool(r["passed"]) for r in mine)
        assert row["pass_rate"] == round(100 * int(row["passed"]) / len(mine), 1)


def test_pass_rates_by_quarter_add_up_to_the_whole(seeded: Seeded) -> None:
    """The quarterly review splits each scenario's assessments by calendar quarter of the drill's start."""
    with History(seeded.url) as store:
        whole = {r["scenario"]: r["assessments"] for r in store.pass_rates()}
        quarters = store.pass_rates(by_quarter=True)
    assert {r["quarter"] for r in quarters} == {"2025-Q1", "2025-Q2", "2025-Q3"}
    for name, count in whole.items():
        assert sum(int(r["assessments"] or 0) for r in quarters if r["scenario"] == name) == count


def test_satisfaction_under_80_flags_a_course_for_rework(seeded: Seeded) -> None:
    """Mean hot-wash satisfaction per scenario; the disliked fire course is the one flagged."""
    with History(seeded.url) as store:
        rows = {r["scenario"]: r for r in store.satisfaction()}
        quarterly = store.satisfaction(by_quarter=True)
        comments = store.comments(scenario="fire-evacuation")
    assert {name for name, row in rows.items() if row["rework"]} == {"fire-evacuation"}
    given = [f for d in seeded.drills if d["feedback"] and d["scenario"] == "fire-evacuation" for f in d["feedback"]]
    assert rows["fire-evacuation"]["responses"] == len(given) == len(comments)
    assert rows["fire-evacuation"]["satisfaction"] == round(sum(f["satisfaction"] for f in given) / len(given), 1)
    assert all(r["rework"] == (float(r["satisfaction"] or 0) < 80) for r in quarterly)
    assert {r["improve"] for r in comments} == {"时间再长些"}


def test_the_seeded_history_prints_as_table_csv_and_json(seeded: Seeded) -> None:
    """Each query's rows print in the three formats the command offers."""
    with History(seeded.url) as store:
        rows = store.pass_rates()
    table = format_rows(rows, "table").splitlines()
    assert table[0].split() == ["scenario", "assessments", "passed", "pass_rate", "mean_score"]
    assert len(table) == 2 + len(rows)
    assert format_rows(rows, "csv").splitlines()[0] == "scenario,assessments,passed,pass_rate,mean_score"
    assert json.loads(format_rows(rows, "json")) == rows


@pytest.mark.parametrize("view", ["results", "pass-rates", "weak-tasks"])
def test_a_chinese_history_table_has_chinese_headers_titles_and_words(
    view: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``history --lang zh`` tables: headers, scenario titles, task and role names, codes and flags in Chinese."""
    from tui.cli import main

    url = url_in(tmp_path)
    with History(url) as store:
        for seed in (3, 4):
            store.add(write_record(tmp_path / f"{seed}.jsonl", "elevator-entrapment", passing=False, seed=seed))
        store.add(write_record(tmp_path / "b.jsonl", "elevator-entrapment", passing=True, kind="practice"))
    capsys.readouterr()
    assert main(["history", "--db", url, "--view", view, "--lang", "zh"]) == 0
    table = capsys.readouterr().out
    header = table.splitlines()[0]
    assert not re.search(r"[A-Za-z]{2,}", header), header  # the ratings P/S/M/U are doctrine, not English
    assert "电梯困人：轿厢停在两层之间" in table and "elevator-entrapment" not in table
    if view == "results":
        assert {"考核", "练习", "观察", "是", "否"} <= set(table.split())
        assert "张伟（监控中心值班员）" in table and "control_room" not in table
    if view == "weak-tasks":
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", table), table  # no task ids


def test_csv_keeps_the_keys_and_codes_programs_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CSV is for programs: with --lang zh its header and codes stay the stable keys."""
    from tui.cli import main

    url = url_in(tmp_path)
    with History(url) as store:
        store.add(write_record(tmp_path / "a.jsonl", "elevator-entrapment", passing=True))
    capsys.readouterr()
    assert main(["history", "--db", url, "--view", "results", "--format", "csv", "--lang", "zh"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("drill,started,scenario,kind,mode")
    assert ",assessment,observe," in lines[1]


def _add_sequence(db: History, tmp_path: Path, person: str, outcomes: str, *, kind: Kind = "assessment") -> None:
    """Add one lift drill per letter (P passes, F fails) a week apart, newest first to show order is by time."""
    for i, letter in reversed(list(enumerate(outcomes))):
        path = tmp_path / f"{person}-{kind}-{i}.jsonl"
        when = START + timedelta(days=7 * i)
        write_record(
            path, "elevator-entrapment", passing=letter == "P", seed=i + 10, people=(person,), kind=kind, when=when
        )
        assert db.add(path)


@pytest.mark.parametrize(
    ("outcomes", "flagged"),
    [
        ("FFF", True),
        ("FPFF", False),
        ("FPFFF", True),
        ("PFFFP", False),
        ("FF", False),
        ("PPP", False),
    ],
)
def test_three_failed_assessments_in_a_row_send_a_person_to_retraining(
    db: History, tmp_path: Path, outcomes: str, flagged: bool
) -> None:
    """Flagged only when the last three assessments, in time order, all failed."""
    _add_sequence(db, tmp_path, "王强", outcomes)
    rows = db.retraining()
    assert [r["person"] for r in rows] == (["王强"] if flagged else [])
    if flagged:
        assert rows[0]["assessments"] == len(outcomes)
        assert rows[0]["failed_since"] == (START + timedelta(days=7 * (len(outcomes) - 3))).strftime("%Y-%m-%d %H:%M")


def test_practice_runs_are_kept_out_of_the_statistics(db: History, tmp_path: Path) -> None:
    """Failed practice runs count in no pass rate, weak task or retraining flag, but are listed."""
    _add_sequence(db, tmp_path, "陈静", "P")
    _add_sequence(db, tmp_path, "陈静", "FFFF", kind="practice")
    assert db.retraining() == []
    assert db.weak_tasks(person="陈静") == []
    (rate,) = db.pass_rates()
    assert (rate["assessments"], rate["passed"], rate["pass_rate"]) == (1, 1, 100.0)
    assert [r["kind"] for r in db.results(person="陈静")].count("practice") == 4


def test_weak_tasks_are_critical_tasks_rated_S_M_or_U_in_a_row(db: History, tmp_path: Path) -> None:
    """A task weak in a person's last two assessments is listed; one put right in the latest is not."""
    _add_sequence(db, tmp_path, "刘洋", "FF")
    _add_sequence(db, tmp_path, "赵磊", "FP")
    _add_sequence(db, tmp_path, "李娜", "F")
    rows = db.weak_tasks()
    assert rows and {r["person"] for r in rows} == {"刘洋"}
    for row in rows:
        assert row["scenario"] == "elevator-entrapment" and int(row["streak"] or 0) >= 2
        assert all(code in "SMU" for code in str(row["ratings"]).split())
    assert db.weak_tasks(person="赵磊") == [] and db.weak_tasks(repeat=1, person="李娜")


def test_satisfaction_is_shown_per_scenario_and_by_quarter(db: History, tmp_path: Path) -> None:
    """Under 80 on average flags a scenario; the quarterly view flags each quarter on its own."""
    spring = START + timedelta(days=100)
    for i, (when, score) in enumerate([(START, 70), (spring, 85)]):
        path = write_record(tmp_path / f"s{i}.jsonl", "elevator-entrapment", passing=True, people=("张伟",), when=when)
        db.add(path, feedback=[{"name": "张伟", "satisfaction": score, "helped": "复盘", "improve": "少讲多练"}])
    (overall,) = db.satisfaction()
    assert (overall["responses"], overall["satisfaction"], overall["rework"]) == (2, 77.5, True)
    quarters = {r["quarter"]: (r["satisfaction"], r["rework"]) for r in db.satisfaction(by_quarter=True)}
    assert quarters == {"2025-Q1": (70.0, True), "2025-Q2": (85.0, False)}


def test_feedback_given_after_the_drill_is_recorded_and_replaces_an_earlier_answer(db: History, recorded: Path) -> None:
    """add_feedback takes the record file or its key; the same person answering again replaces the answer."""
    db.add(recorded)
    key = str(db.results()[0]["drill"])
    db.add_feedback(recorded, "张伟", 60, "有脚本", "节奏太快")
    db.add_feedback(key, "张伟", 90, "有脚本", "")
    (row,) = db.comments()
    assert (row["satisfaction"], row["improve"]) == (90, "")
    with pytest.raises(HistoryError, match="whole number from 0 to 100, got 101"):
        db.add_feedback(key, "张伟", 101)
    with pytest.raises(HistoryError, match="no drill 'feedbeef' in history"):
        db.add_feedback("feedbeef", "张伟", 80)


def test_bad_feedback_in_a_header_refuses_the_whole_drill(db: History, recorded: Path) -> None:
    """A satisfaction outside 0-100 is refused with the record named, and nothing is stored."""
    with pytest.raises(HistoryError, match=r"drill\.jsonl: feedback of 张伟: satisfaction .* got 120; not added"):
        db.add(recorded, feedback=[{"name": "张伟", "satisfaction": 120}])
    assert db.counts()["drills"] == 0


def test_a_date_filter_that_is_not_a_date_is_refused(db: History) -> None:
    """--since takes YYYY-MM-DD; anything else is one clear error."""
    with pytest.raises(HistoryError, match="--since: 'last spring' is not a date"):
        db.results(since="last spring")


def test_an_unknown_output_format_is_refused() -> None:
    """--format is table, csv or json."""
    with pytest.raises(HistoryError, match="unknown format 'xml'"):
        format_rows([{"a": 1}], "xml")


def test_a_table_lines_up_chinese_names() -> None:
    """Columns stay aligned when a cell holds wide (Chinese) characters."""
    text = format_rows([{"person": "张伟", "n": 1}, {"person": "Li", "n": 22}], "table")
    lines = text.splitlines()
    assert lines == ["person   n", "------  --", "张伟     1", "Li      22"]


def test_a_role_play_and_the_tabletop_of_the_same_file_are_scored_each_as_itself(tmp_path: Path) -> None:
    """History scores a role-play record with its role-play rubric, even after a tabletop of the same file."""
    from engine.runtime import RecordWriter, header_for
    from scoring.evaluation import evaluate
    from scoring.history import History

    scores = {}
    paths = {}
    for name, setup in (
        ("tabletop", prepare("leak-complaint")),
        ("roleplay", prepare("leak-complaint", persona="busy")),
    ):
        path = tmp_path / f"{name}.jsonl"
        drill = setup.drill(seed=3, mode="observe")
        writer = RecordWriter(path, header_for(setup, seed=3, mode="observe", source="test"), setup)
        drill.subscribe(writer.write)
        drill.start()
        play_random(drill, 3)
        writer.close()
        scores[name] = evaluate(drill.events, setup.scenarios(3)).score
        paths[name] = path
    with History("sqlite:///" + (tmp_path / "h.sqlite3").as_posix()) as history:
        for name in ("tabletop", "roleplay"):
            assert history.add(paths[name])
        stored = {row["scenario"]: row["score"] for row in history.results()}
    assert stored == {"leak-complaint": scores["tabletop"], "leak-complaint-roleplay": scores["roleplay"]}


def test_history_add_of_a_filed_drill_brings_its_rating_up_to_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``drillsim history add`` again after a late rating: one line says what changed; once more, nothing."""
    from tui.cli import main

    url = f"sqlite:///{tmp_path / 'h.db'}"
    path = write_record(tmp_path / "drill.jsonl", "elevator-entrapment", passing=True)
    assert main(["history", "add", str(path), "--db", url]) == 0
    assert capsys.readouterr().out == f"{path}: added to history\n"
    append_rating(path, "drill", "U", "王教练")
    assert main(["history", "add", str(path), "--db", url]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"{path}: already in history; score and rating brought up to date") and "-> " in said
    assert said.rstrip().endswith(" U)")
    assert main(["history", "add", str(path), "--db", url]) == 0
    assert capsys.readouterr().out == f"{path}: already in history; nothing changed\n"


def test_history_add_takes_several_records_or_a_folder_and_stores_every_good_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A training officer files a folder of records at once: each good one is stored, a bad one is named
    in one line and the rest still go in; exit 1 says something was refused. Named again, nothing doubles."""
    from tui.cli import main

    url = url_in(tmp_path)
    folder = tmp_path / "records"
    folder.mkdir()
    good = [
        write_record(folder / "a.jsonl", "elevator-entrapment", passing=True),
        write_record(folder / "c.jsonl", "elevator-entrapment", passing=False, seed=4),
    ]
    (folder / "b.jsonl").write_text("not a record\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not looked at\n", encoding="utf-8")
    assert main(["history", "add", str(folder), "--db", url]) == 1
    captured = capsys.readouterr()
    assert captured.out == "".join(f"{path}: added to history\n" for path in good)
    assert captured.err.splitlines() == [
        f"drillsim: {folder / 'b.jsonl'}:1: not a valid record line; not added to history",
        "drillsim: 1 of 3 records not added (see above)",
    ]
    with History(url) as db:
        assert len(db.results()) == 2
    assert main(["history", "add", *map(str, good), str(good[0]), "--db", url]) == 0
    assert capsys.readouterr().out.count("already in history; nothing changed") == 2  # named twice, added once
    assert main(["history", "add", *map(str, good), "--makes-up", str(good[0]), "--db", url]) == 2
    assert "--makes-up takes one RECORD" in capsys.readouterr().err
    with History(url) as db:
        assert len(db.results()) == 2
