"""The history database as several drillsim processes share it: opened, locked and retried safely.

History is one SQLite file per user by default, and one PostgreSQL database for a company's sites;
either way, several ``drillsim`` processes may write to it at once (a facilitator adding records
while a scheduled job adds the night's drills, two consoles finishing together). This module is
what makes that safe, so that :mod:`scoring.history` only says what to read and write:

- **SQLite** runs in WAL mode (readers never wait for the writer, nor the writer for readers), with
  foreign keys on. A transaction that writes begins with ``BEGIN IMMEDIATE``: it takes the write
  lock before reading, so "is this drill already stored?" and the insert that follows see the same
  database, and two writers queue on SQLite's busy timeout instead of failing when one upgrades its
  read lock. (pysqlite's own transaction handling is switched off: it would open transactions only
  before INSERT/UPDATE/DELETE, leaving DDL and the reads of a write outside them.) WAL needs a
  local file system; the ``-wal`` and ``-shm`` files beside the database are part of it.
- **PostgreSQL** serialises schema creation and migration with a transaction-scoped advisory lock
  (``pg_advisory_xact_lock``): two first opens of a new database would otherwise both create the
  same tables, and one would fail. Adding the same drill twice at once is settled by the unique key
  (the loser sees the winner's row). The driver is psycopg 3, an extra: ``pip install
  'drillsim[postgres]'``; a bare ``postgresql://`` URL uses it.
- **Retries are bounded.** A transaction that finds the database busy (SQLite's lock wait ran out, a
  PostgreSQL deadlock or serialisation failure) is run again from the start, a few times with a
  growing pause; after that the error says the database stayed busy, in one line.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError

from engine.errors import DrillError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.pool import ConnectionPoolEntry

T = TypeVar("T")


class HistoryError(DrillError):
    """History cannot do what was asked: a record it refuses, or a database it cannot use.

    The storage branch of the one exception tree; the message names the record or database.
    """


EXTRA = "pip install 'drillsim[postgres]'"
"""How to install the PostgreSQL driver, as messages say it."""

DRIVERS = {
    "psycopg": f"install it with: {EXTRA}",
    "psycopg2": f"write postgresql://... to use psycopg instead, installed with: {EXTRA}",
}
"""Driver modules drillsim knows, and what to do when one is missing."""

BUSY_SECONDS = 10.0
"""How long one SQLite transaction waits for another process's write lock before it is retried."""

ATTEMPTS = 4
"""How many times a transaction is tried when the database is busy (so at most about 40 s in all)."""

SCHEMA_LOCK = 0x6472696C6C73696D
"""PostgreSQL advisory lock key that serialises schema work ("drillsim" in ASCII)."""

_WRITE = "drillsim_write"
"""Execution option of a connection whose next transaction writes (SQLite: BEGIN IMMEDIATE)."""


_WRITE_AS = "give a file path (SQLite) or a URL such as postgresql://user@host/db"


def open_engine(url: str) -> Engine:
    """A SQLAlchemy engine for ``url`` (or an SQLite file at a plain path), set up for several processes at once.

    Raises:
        HistoryError: The URL is malformed, or names a database whose driver is not installed.
    """
    if url and "://" not in url:  # a plain path: an SQLite file there
        url = "sqlite:///" + Path(url).expanduser().absolute().as_posix()
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise HistoryError(f"--db {url!r}: not a usable database URL ({exc}); {_WRITE_AS}") from exc
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver of drillsim[postgres]
    shown = parsed.render_as_string(hide_password=True)
    try:
        engine = create_engine(parsed)
    except ModuleNotFoundError as exc:
        hint = DRIVERS.get((exc.name or "").split(".")[0])
        how = f"; {hint}" if hint else ""
        raise HistoryError(f"history database {shown}: its driver ({exc.name}) is not installed{how}") from exc
    except (SQLAlchemyError, ValueError, ImportError) as exc:
        raise HistoryError(f"--db {shown!r}: not a usable database URL ({exc}); {_WRITE_AS}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun by _sqlite_begin, see the module
    cursor = dbapi_conn.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_SECONDS * 1000)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


def _busy(exc: OperationalError) -> bool:
    """Whether the database refused for now (locked, deadlocked), not for good."""
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in ("40001", "40P01", "55P03"):  # serialization failure, deadlock, lock not available
        return True
    message = str(exc.orig).lower()
    return "database is locked" in message or "database table is locked" in message or "busy" in message


def reason(exc: SQLAlchemyError) -> str:
    """The driver's own words, on one line (libpq adds a hint on a second)."""
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def _failed(engine: Engine, doing: str, exc: SQLAlchemyError) -> HistoryError:
    where = engine.url.render_as_string(hide_password=True)
    return HistoryError(f"history database {where}: cannot {doing}: {reason(exc)}")


class _Retry:
    """Attempts at one transaction: a growing pause between them, and one clear error after the last."""

    def __init__(self, engine: Engine, doing: str) -> None:
        self.engine, self.doing = engine, doing
        self.attempt, self.pause = 0, 0.05

    def __iter__(self) -> Iterator[int]:
        for self.attempt in range(1, ATTEMPTS + 1):
            yield self.attempt
            # A little jitter, so that two processes that collided do not collide again in step.
            time.sleep(self.pause * (1 + (time.perf_counter_ns() % 1009) / 1009))
            self.pause *= 4

    def busy(self, exc: OperationalError) -> None:
        """Go on to the next attempt if the database was only busy; raise the clear error if not."""
        if not _busy(exc):
            raise _failed(self.engine, self.doing, exc) from exc
        if self.attempt >= ATTEMPTS:
            where = self.engine.url.render_as_string(hide_password=True)
            raise HistoryError(
                f"history database {where}: cannot {self.doing}: it stayed busy through {ATTEMPTS} tries"
                f" ({reason(exc)}); another drillsim may be holding it, try again"
            ) from exc


@contextmanager
def reading(engine: Engine, doing: str) -> Iterator[Connection]:
    """A read-only transaction for the caller's ``with`` block, begun again while the database is busy.

    Only the start is retried, as the reads are the caller's: the first read takes the snapshot
    (SQLite's shared lock or WAL read mark, the one moment a reader can be turned away, as while
    another process creates the database), and every later read of the transaction uses it.

    Raises:
        HistoryError: The database failed, or stayed busy through every attempt.
    """
    retry = _Retry(engine, doing)
    for _ in retry:
        try:
            conn = engine.connect()
        except OperationalError as exc:
            retry.busy(exc)
            continue
        except SQLAlchemyError as exc:
            raise _failed(engine, doing, exc) from exc
        try:
            trans = conn.begin()
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("SELECT count(*) FROM sqlite_master")
        except OperationalError as exc:
            conn.close()
            retry.busy(exc)
            continue
        except BaseException:
            conn.close()
            raise
        break
    try:
        with conn, trans:
            yield conn
    except SQLAlchemyError as exc:
        raise _failed(engine, doing, exc) from exc


def transact(
    engine: Engine,
    doing: str,
    work: Callable[[Connection], T],
    *,
    write: bool = False,
    schema: bool = False,
    settle: Callable[[IntegrityError], T] | None = None,
) -> T:
    """Run ``work`` in one transaction, again from the start while the database is busy.

    Args:
        engine: From :func:`open_engine`.
        doing: What the transaction does, for the error message ("store drill.jsonl").
        work: Reads and writes; it may run more than once, so it must not have other effects.
        write: The transaction writes (SQLite takes the write lock at its start).
        schema: It creates or alters tables (PostgreSQL takes the schema lock first).
        settle: What to return when a unique key refuses the write (another process got there
            first); without it, that is an error.

    Raises:
        HistoryError: The database failed, or stayed busy through every attempt.
    """
    retry = _Retry(engine, doing)
    for _ in retry:
        try:
            with engine.connect() as conn:
                if write or schema:
                    conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    if schema and conn.dialect.name == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                    return work(conn)
        except IntegrityError as exc:
            if settle is not None:
                return settle(exc)
            raise _failed(engine, doing, exc) from exc
        except OperationalError as exc:
            retry.busy(exc)
        except SQLAlchemyError as exc:
            raise _failed(engine, doing, exc) from exc
    raise AssertionError("unreachable: the last attempt returns or raises")
