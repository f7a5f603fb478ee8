"""History shared by several processes at once: nothing lost, nothing doubled, no error.

Each worker is a separate process that opens the history for every add, as separate ``drillsim
history add`` commands do, and all start together at a barrier. The races run on SQLite and on a
real PostgreSQL server the tests start for themselves (skipped, with the reason, where PostgreSQL
cannot be installed).
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.runtime import check, read
from scoring.history import History, HistoryError
from tests.scoring import postgres
from tests.scoring.test_history import START, url_in, write_record

RACES = 20
"""Races of two first adds on a new database, per backend."""

Outcome = tuple[str, str, str]
"""What one add came to: ("added" | "present" | "error", database URL, record or message)."""


def _adder(rounds: list[tuple[str, list[str]]], start: Any, results: Any) -> None:
    """A worker process: for each round, wait for the others, then add each record in its own open."""
    outcomes: list[Outcome] = []
    for _url, paths in rounds[:1]:
        for path in paths:  # verify once before the races (loading and compiling its scenario), so that
            check(read(path))  # the writes, not the loading, collide
    for url, paths in rounds:
        start.wait(timeout=120)
        for path in paths:
            try:
                with History(url) as db:
                    outcomes.append(("added" if db.add(path) else "present", url, path))
            except HistoryError as exc:
                outcomes.append(("error", url, str(exc)))
    results.put(outcomes)


def _race(plans: list[list[tuple[str, list[str]]]]) -> list[Outcome]:
    """Run one worker process per plan, all rounds in step; every add's outcome."""
    spawn = multiprocessing.get_context("spawn")  # a clean interpreter, as a second drillsim would be
    start = spawn.Barrier(len(plans))
    results = spawn.Queue()
    workers = [spawn.Process(target=_adder, args=(plan, start, results)) for plan in plans]
    for worker in workers:
        worker.start()
    try:
        outcomes = [outcome for _ in workers for outcome in results.get(timeout=600)]
    finally:
        for worker in workers:
            worker.join(timeout=60)
            if worker.is_alive():
                worker.kill()
    assert all(worker.exitcode == 0 for worker in workers)
    return outcomes


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """100 finished drills, each a different drill in history (they ran at different times)."""
    folder = tmp_path_factory.mktemp("records")
    return [
        str(
            write_record(
                folder / f"drill-{i:03}.jsonl",
                "elevator-entrapment",
                passing=False,
                seed=3,
                when=START + timedelta(hours=i),
            )
        )
        for i in range(100)
    ]


@pytest.fixture(scope="module")
def server() -> Iterator[postgres.Server]:
    """A PostgreSQL server of the tests' own, stopped at the end."""
    why = postgres.unavailable()
    if why is not None:
        pytest.skip(why)
    started = postgres.Server()
    try:
        yield started
    finally:
        started.stop()


def _counts(url: str) -> dict[str, int]:
    with History(url) as db:
        return db.counts()


def test_four_processes_adding_twenty_five_drills_each_to_one_sqlite_file_store_all_hundred(
    tmp_path: Path, records: list[str]
) -> None:
    """4 x 25 concurrent adds on one SQLite file: 100 rows, no error."""
    url = url_in(tmp_path)
    outcomes = _race([[(url, records[w * 25 : (w + 1) * 25])] for w in range(4)])
    assert [o for o in outcomes if o[0] == "error"] == []
    assert Counter(o[0] for o in outcomes) == {"added": 100}
    assert _counts(url)["drills"] == 100


def _first_adds(urls: list[str], records: list[str]) -> None:
    """Two processes race to be first on each new database: both add one drill, then one each of their own."""
    shared, mine, theirs = records[:3]
    outcomes = _race([[(url, [shared, mine]) for url in urls], [(url, [shared, theirs]) for url in urls]])
    assert [o for o in outcomes if o[0] == "error"] == []
    for url in urls:
        mine_here = Counter((o[0], o[2]) for o in outcomes if o[1] == url)
        # The drill both added is stored once: one add stored it, the other found it there.
        assert mine_here == {("added", shared): 1, ("present", shared): 1, ("added", mine): 1, ("added", theirs): 1}
        counts = _counts(url)
        assert counts["drills"] == 3
        assert counts["incidents"] == 3


def test_two_first_adds_racing_on_a_new_sqlite_database_lose_nothing(tmp_path: Path, records: list[str]) -> None:
    """20 races of two processes creating and filling a new SQLite history at once: nothing lost or doubled."""
    folders = [tmp_path / f"race-{i:02}" for i in range(RACES)]
    for folder in folders:
        folder.mkdir()
    _first_adds([url_in(folder) for folder in folders], records)


def test_two_first_adds_racing_on_a_new_postgresql_database_lose_nothing(
    server: postgres.Server, records: list[str]
) -> None:
    """The same 20 races on PostgreSQL, where the schema lock serialises creating the tables."""
    names = [f"race_{i:02}" for i in range(RACES)]
    server.create(*names)
    _first_adds([server.url(name) for name in names], records)


def test_four_processes_adding_twenty_five_drills_each_to_one_postgresql_database_store_all_hundred(
    server: postgres.Server, records: list[str]
) -> None:
    """4 x 25 concurrent adds on one PostgreSQL database: 100 rows, no error."""
    server.create("four_by_25")
    url = server.url("four_by_25")
    outcomes = _race([[(url, records[w * 25 : (w + 1) * 25])] for w in range(4)])
    assert [o for o in outcomes if o[0] == "error"] == []
    assert _counts(url)["drills"] == 100


def test_a_missing_postgresql_driver_is_named_with_the_extra_that_installs_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without psycopg, --db postgresql://... says what to install instead of "No module named 'psycopg'"."""
    monkeypatch.setitem(sys.modules, "psycopg", None)
    for url in ("postgresql://trainer:secret@db.example/history", "postgresql+psycopg://trainer@db.example/history"):
        with pytest.raises(HistoryError) as caught:
            History(url)
        message = str(caught.value)
        assert "driver (psycopg) is not installed; install it with: pip install 'drillsim[postgres]'" in message
        assert "secret" not in message and "\n" not in message


def test_a_database_that_stays_busy_is_one_clear_error_after_a_bounded_wait(
    tmp_path: Path, records: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holding the write lock throughout: the add gives up after a few tries, saying why."""
    import sqlite3

    from scoring import database

    url = url_in(tmp_path)
    History(url).close()
    monkeypatch.setattr(database, "BUSY_SECONDS", 0.05)
    monkeypatch.setattr(database, "ATTEMPTS", 2)
    holder = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with History(url) as db, pytest.raises(HistoryError) as caught:
            db.add(records[0])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "stayed busy through 2 tries" in str(caught.value)
    assert _counts(url)["drills"] == 0


def test_a_postgresql_server_that_cannot_be_reached_is_one_line() -> None:
    """libpq's two-line complaint (the failure, then a hint) comes out as one line."""
    pytest.importorskip("psycopg", reason="the PostgreSQL driver is missing (pip install -e '.[test]' brings it)")
    with pytest.raises(HistoryError) as caught:
        History("postgresql://trainer@127.0.0.1:1/history")
    message = str(caught.value)
    assert "\n" not in message and "Connection refused" in message
