"""Drill history: finished drills stored in a database, and the questions a training plan asks of them.

A drill goes into history only when someone says so (``drillsim run ... --record --person ...`` or
``drillsim history add RECORD``), and only whole and verified: the record is read, its checksum
chain checked (a signed record's with the site key), its decisions re-executed on the sources it
carries and every event compared, and the drill scored *before* the database is touched, then every
row of the drill is written in one transaction. An altered, cut-short or unchecked (signed, no key
here) record is refused with one message and nothing written; a write killed half-way is rolled
back by the database, never half-kept. Whether the record was signed is kept with the drill, and
assessments can be required to be signed.

Adding is idempotent. A drill is known by :func:`record_key`: from format 2 on, the drill's
identity in its header (``drill_id``), so a copy whose lines were edited and chained again is the
same drill, and is refused as a second, different record of it (history keeps the checksum of the
filed record's ``drill_end`` line to tell). A version 1 record is known by the checksums of its
header and last line plus its wall-clock start. The same file added twice is stored once, also when
two processes add it at the same moment: :mod:`scoring.database` makes the database safe to share
(locks, retries, the driver).

Why SQLAlchemy Core and not an ORM: the rows are plain facts that are written once and queried in
bulk, and Core keeps one code path for the SQLite file under the user's data directory and a
PostgreSQL server (``--db``) shared by a company's sites. The schema is versioned: a
``schema_version`` table and a numbered list of :data:`MIGRATIONS`, each applied in its own
transaction when a database is opened. A database newer than this code is refused, not guessed at.

Statistics (pass rates, weak tasks, the retraining rule) count assessments only: practice runs are
rehearsals and stay out of them, though :meth:`History.results` lists them. Feedback from the hot
wash is about the course, so it counts from any drill unless a ``kind`` is asked for.

Why one module of this size: the schema, the writer and the queries share the table objects and
change together (a migration touches all three); if it grows further, it splits along those lines.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_dir
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    case,
    delete,
    extract,
    func,
    insert,
    or_,
    select,
    update,
)

from engine.display import cells
from engine.errors import RecordError
from engine.format import DrillEnded, Finding
from engine.runtime import Record, check, check_chain, read
from scoring import columns as words
from scoring.database import HistoryError as HistoryError  # raised here too; callers import it from history
from scoring.database import open_engine, reading, reason, transact
from scoring.evaluation import evaluate

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.sql.elements import ColumnElement

    from engine.runtime import CompiledScenario, Verification


Value = str | int | float | bool | None
"""A value in a result row: plain data that prints, writes to CSV and serialises to JSON as is."""

Row = dict[str, Value]
"""One result row, column name -> value, in display order."""

KINDS = ("practice", "assessment")
"""What a drill was for. Only assessments count in the statistics."""

WEAK = ("S", "M", "U")
"""Task ratings that are not a clean pass: "keep rating S/M/U" means these."""

SATISFACTION_FLOOR = 80.0
"""The training plan's rule: a course whose mean satisfaction is under this is reworked."""

FAILED_IN_A_ROW = 3
"""The training plan's rule: this many failed assessments in a row and a person is retrained."""


# Schema ---------------------------------------------------------------------------------------

metadata = MetaData()
"""The schema at the latest version (what :data:`MIGRATIONS` build, in order)."""

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

drills = Table(
    "drills",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(32), nullable=False, unique=True),
    Column("title", String(200), nullable=False),  # the plan's id, or the lone scenario's
    Column("mode", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("team", String(200)),
    Column("site", String(200)),
    Column("started_at", DateTime, nullable=False),  # UTC, naive: portable across SQLite and PostgreSQL
    Column("score", Float, nullable=False),
    Column("rating", String(1), nullable=False),
    Column("passed", Boolean, nullable=False),
    Column("outcome", String(20)),
    Column("sim_minutes", Float, nullable=False),
    Column("engine", String(40)),
    Column("source", Text),  # where the record was added from, to find it again for a report
    Column("added_at", DateTime, nullable=False),
    CheckConstraint("kind IN ('practice', 'assessment')", name="ck_drills_kind"),
)
Index("ix_drills_started_at", drills.c.started_at)
Index("ix_drills_kind_started_at", drills.c.kind, drills.c.started_at)
Index("ix_drills_team", drills.c.team)
Index("ix_drills_site", drills.c.site)
Index("ix_drills_title", drills.c.title)

incidents = Table(
    "incidents",
    metadata,
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("scenario", String(200), nullable=False),
    Column("version", String(40)),
    Column("digest", String(80)),
    Column("outcome", String(20)),
    Column("score", Float, nullable=False),
    Column("rating", String(1), nullable=False),
    Column("passed", Boolean, nullable=False),
    PrimaryKeyConstraint("drill_id", "idx"),
)
Index("ix_incidents_scenario", incidents.c.scenario)

people = Table(
    "participants",
    metadata,
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("role", String(100), nullable=False),  # "" when not given
    PrimaryKeyConstraint("drill_id", "name", "role"),
)
Index("ix_participants_name", people.c.name)

task_ratings = Table(
    "task_ratings",
    metadata,
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), nullable=False),
    Column("incident", Integer, nullable=False),
    Column("task", String(100), nullable=False),
    Column("objective", String(100), nullable=False),
    Column("status", String(30), nullable=False),
    Column("score", Float, nullable=False),
    Column("rating", String(1), nullable=False),
    Column("auto_rating", String(1), nullable=False),
    Column("evaluator_rating", String(1)),
    PrimaryKeyConstraint("drill_id", "incident", "task"),
)
Index("ix_task_ratings_task", task_ratings.c.task)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), nullable=False),
    Column("incident", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("rule", String(60), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("action", String(100)),
    Column("timer", String(100)),
    Column("t", Float, nullable=False),
)
Index("ix_findings_drill", findings.c.drill_id)
Index("ix_findings_rule_kind", findings.c.rule, findings.c.kind)

feedback = Table(
    "feedback",
    metadata,
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("satisfaction", Integer, nullable=False),
    Column("helped", Text, nullable=False),
    Column("improve", Text, nullable=False),
    PrimaryKeyConstraint("drill_id", "name"),
    CheckConstraint("satisfaction BETWEEN 0 AND 100", name="ck_feedback_satisfaction"),
)

integrity = Table(
    "drill_integrity",
    metadata,
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True, autoincrement=False),
    Column("signed", String(40)),  # the site key id whose HMAC was checked; NULL: an unsigned record
    Column("chain", String(64), nullable=False),  # chk of the drill_end line: which copy of the drill was filed
)
"""How each drill's record was checked when it was filed (schema version 2; older drills have no row)."""


@dataclass(frozen=True)
class Migration:
    """One step of the schema, applied once, in its own transaction."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1(conn: Connection) -> None:
    # Version 1 is the current metadata. When a later migration alters a table, freeze these
    # definitions into this function first, so that version 1 keeps meaning what it meant.
    metadata.create_all(conn, tables=[drills, incidents, people, task_ratings, findings, feedback])


def _v2(conn: Connection) -> None:
    from scoring.ledger.schema import create  # the ledger's tables live with the ledger; they point at drills

    create(conn)


def _v3(conn: Connection) -> None:
    metadata.create_all(conn, tables=[integrity])


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "drills, incidents, participants, task ratings, findings, feedback", _v1),
    Migration(2, "ledger: make-up links, corrective actions and their log", _v2),
    Migration(3, "drill integrity: signed or not, and which copy of the record was filed", _v3),
)
"""Every schema step, numbered from 1 without gaps; append, never edit a released one."""

LATEST = MIGRATIONS[-1].version
"""The schema version this code writes and reads."""


# Where history lives --------------------------------------------------------------------------


def default_url() -> str:
    """The SQLite file under the user's data directory (the folder is created if needed)."""
    folder = Path(user_data_dir("drillsim", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + (folder / "history.sqlite3").as_posix()


# Reading a record into rows -------------------------------------------------------------------


def record_key(record: Record) -> str:
    """The identity of a drill in history: the same drill always has the same key.

    Format 2: from the header's ``drill_id`` (an edited and re-chained copy is the same drill).
    Format 1: from the checksums of the header and the last line, and the wall-clock start.

    Raises:
        HistoryError: The record has no checksums to build a key from.
    """
    if record.header.drill_id is not None:
        return hashlib.blake2b(f"drill:{record.header.drill_id}".encode(), digest_size=8).hexdigest()
    # The checksums belong to the lines as written, not to the header and events they hold.
    first = str(record.lines[0].get("chk") or "") if record.lines else ""
    parts = (first, record.last_chk, record.header.wall_start)
    if not parts[0] or not parts[1]:
        raise HistoryError(f"{record.path}: the record has no checksums; it cannot be added to history")
    return hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=8).hexdigest()


@dataclass
class _Drill:
    """Everything history stores about one drill, computed before the database is touched."""

    key: str
    row: dict[str, Any]
    children: list[tuple[Table, list[dict[str, Any]]]] = field(default_factory=list)


class Refused(HistoryError, RecordError):
    """A record history will not file because it is not what the drill wrote, or cannot be checked.

    A :class:`RecordError` too: the command line refuses it as every reader refuses an altered
    record (exit 1), not as bad input.
    """


def _refuse(path: str, why: str) -> HistoryError:
    return HistoryError(f"{path}: {why}; not added to history")


def _refuse_record(path: str, why: str) -> Refused:
    return Refused(f"{path}: {why}; not added to history")


def _people(path: str, value: object) -> list[dict[str, str]]:
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise _refuse(path, "'participants' must be a list of {name, role}")
    people: dict[tuple[str, str], dict[str, str]] = {}
    for item in value:
        if not isinstance(item, Mapping) or not str(item.get("name") or "").strip():
            raise _refuse(path, f"a participant needs a name, got {item!r}")
        name, role = str(item["name"]).strip(), str(item.get("role") or "").strip()
        people[name, role] = {"name": name, "role": role}
    return list(people.values())


def _satisfaction(where: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise HistoryError(f"{where}: satisfaction must be a whole number from 0 to 100, got {value!r}")
    if value != int(value) or not 0 <= value <= 100:
        raise HistoryError(f"{where}: satisfaction must be a whole number from 0 to 100, got {value!r}")
    return int(value)


def _opinions(path: str, value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise _refuse(path, "'feedback' must be a list of {name, satisfaction, helped, improve}")
    rows: dict[str, dict[str, Any]] = {}
    for item in value:
        if not isinstance(item, Mapping) or not str(item.get("name") or "").strip():
            raise _refuse(path, f"feedback needs the name of who gave it, got {item!r}")
        name = str(item["name"]).strip()
        try:
            score = _satisfaction(f"{path}: feedback of {name}", item.get("satisfaction"))
        except HistoryError as exc:
            raise _refuse(path, str(exc).removeprefix(f"{path}: ")) from exc
        rows[name] = {
            "name": name,
            "satisfaction": score,
            "helped": str(item.get("helped") or ""),
            "improve": str(item.get("improve") or ""),
        }
    return list(rows.values())


def _utc(stamp: object, fallback: datetime) -> datetime:
    if not isinstance(stamp, str):
        return fallback
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return fallback
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def _checked(path: str | Path) -> Record:
    """Read a record and make sure it is whole as far as reading tells: readable, chain unbroken, finished.

    The replay (:func:`_verified`) comes after the look-up, so that adding a filed drill again is cheap.
    """
    name = str(path)
    try:
        record = read(path)
        broken, signature = check_chain(record)
    except RecordError as exc:
        raise Refused(f"{exc}; not added to history") from exc
    if broken is not None:
        raise _refuse_record(name, broken)
    if signature == "unchecked":
        raise _refuse_record(
            name,
            f"signed with site key {record.header.signed}, not checked: no site key {record.header.signed} here"
            " (history files only records it can check)",
        )
    if record.damage is not None:
        raise _refuse_record(name, record.damage)
    if record.notes:
        raise _refuse_record(name, "; ".join(record.notes))
    if not record.complete:
        raise _refuse_record(
            name, "the drill did not finish (the record has no drill_end); only finished drills are kept"
        )
    return record


def _verified(record: Record) -> tuple[Verification, list[CompiledScenario]]:
    """The replay half of verification: every event must come out the same on the record's own sources."""
    name = record.path
    try:
        verification, setup = check(record)
    except RecordError as exc:
        raise _refuse_record(name, str(exc).removeprefix(f"{name}: ")) from exc
    if not verification.ok or setup is None:
        raise _refuse_record(name, verification.message)
    return verification, setup.scenarios()


def _load(
    record: Record,
    scenarios: list[CompiledScenario],
    *,
    participants: Sequence[Mapping[str, str]] | None,
    team: str | None,
    site: str | None,
    kind: str | None,
    opinions: Sequence[Mapping[str, object]] | None,
) -> _Drill:
    """Score a checked record into the rows history keeps; raises :class:`HistoryError` if it cannot."""
    name = record.path
    path = Path(record.path)
    header = record.header
    kind = kind or header.kind
    if kind not in KINDS:
        raise _refuse(name, f"unknown kind {kind!r}; a drill is one of: {', '.join(KINDS)}")
    try:
        result = evaluate(record.events, scenarios)
    except (KeyError, TypeError, ValueError) as exc:
        raise _refuse(name, f"the record does not fit the scenario it names ({exc})") from exc
    finding_rows = [
        {"incident": e.incident, "seq": e.seq, "rule": e.rule, "kind": e.kind}
        | {"action": e.action, "timer": e.timer, "t": float(e.t)}
        for e in record.events
        if isinstance(e, Finding)
    ]
    mtime = datetime.fromtimestamp(Path(path).stat().st_mtime, UTC).replace(tzinfo=None)
    now = datetime.now(UTC).replace(tzinfo=None)
    heads = header.incidents
    drill = _Drill(
        key=record_key(record),
        row={
            "title": header.id or result.incidents[0].scenario,
            "mode": header.mode,
            "kind": kind,
            "seed": header.seed,
            "team": team if team is not None else header.team,
            "site": site if site is not None else header.site,
            # A wall_start that is not a time: the file's time is the best guess of when it ran.
            "started_at": _utc(header.wall_start, mtime),
            "score": result.score,
            "rating": result.rating,
            "passed": result.passed,
            "outcome": next((e.outcome for e in record.events if isinstance(e, DrillEnded)), None),
            "sim_minutes": float(record.events[-1].t),
            "engine": header.engine,
            "source": str(Path(path).resolve()),
            "added_at": now,
        },
    )
    drill.children = [
        (
            incidents,
            [
                {
                    "idx": inc.index,
                    "scenario": inc.scenario,
                    "version": heads[inc.index].version if inc.index < len(heads) else None,
                    "digest": heads[inc.index].digest if inc.index < len(heads) else None,
                    "outcome": inc.outcome,
                    "score": inc.score,
                    "rating": inc.rating,
                    "passed": inc.passed,
                }
                for inc in result.incidents
            ],
        ),
        (people, _people(name, participants if participants is not None else header.participants)),
        (
            task_ratings,
            [
                {
                    "incident": inc.index,
                    "task": task.id,
                    "objective": task.objective,
                    "status": task.status,
                    "score": task.score,
                    "rating": task.rating,
                    "auto_rating": task.auto_rating,
                    "evaluator_rating": task.evaluator_rating,
                }
                for inc in result.incidents
                for task in inc.tasks
            ],
        ),
        (findings, finding_rows),
        (feedback, _opinions(name, opinions if opinions is not None else header.feedback)),
    ]
    return drill


def _version(conn: Connection) -> int:
    """The schema version recorded in the database (0 before the first migration)."""
    if not conn.dialect.has_table(conn, schema_version.name):
        return 0
    return int(conn.scalar(select(func.max(schema_version.c.version))) or 0)


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One step of writing a drill (a seam for the tests that kill a write half-way)."""
    if rows:
        conn.execute(insert(table), rows)


# Queries --------------------------------------------------------------------------------------


def _since(value: date | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return _since(datetime.fromisoformat(value))
    except ValueError as exc:
        raise HistoryError(f"--since: {value!r} is not a date (YYYY-MM-DD)") from exc


def quarter_of(year: int, month: int) -> str:
    """The calendar quarter a month falls in, as ``2025-Q3``."""
    return f"{year}-Q{(month - 1) // 3 + 1}"


def _day(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


class History:
    """Finished drills in a database, and the training plan's questions about them.

    Args:
        url: A SQLAlchemy database URL (``sqlite:///path``, ``postgresql://user@host/db``, which
            needs ``pip install 'drillsim[postgres]'``); default: :func:`default_url`.

    Raises:
        HistoryError: The database cannot be opened, or its schema is newer than this code.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self._engine: Engine = open_engine(self.url)
        self.where = self._engine.url.render_as_string(hide_password=True)
        """The database, as messages name it (no password)."""
        try:
            self.migrate()
        except BaseException:
            self._engine.dispose()
            raise

    def close(self) -> None:
        """Release the database connections."""
        self._engine.dispose()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _tx(self, doing: str) -> AbstractContextManager[Connection]:
        """One read-only transaction; a database failure becomes one clear :class:`HistoryError`."""
        return reading(self._engine, doing)

    # Schema -----------------------------------------------------------------------------------

    def version(self) -> int:
        """The database's schema version (0 for an empty database)."""
        with self._tx("read the schema version") as conn:
            return _version(conn)

    def migrate(self) -> list[int]:
        """Bring the schema to :data:`LATEST`, one migration per transaction; the versions applied.

        Several processes may open a new database at once: each migration re-reads the version
        under the schema lock (see :mod:`scoring.database`), so it is applied once, by one of them.

        Raises:
            HistoryError: The database is at a newer version than this code knows.
        """
        current = self.version()
        if current > LATEST:
            raise HistoryError(
                f"history database {self.where} is at schema version {current}, but this drillsim knows"
                f" versions up to {LATEST}; upgrade drillsim to use it (nothing was changed)"
            )
        applied = []
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue

            def step(conn: Connection, migration: Migration = migration) -> bool:
                schema_version.create(conn, checkfirst=True)
                if _version(conn) >= migration.version:
                    return False  # another process applied it since we looked
                migration.apply(conn)
                conn.execute(
                    insert(schema_version).values(
                        version=migration.version,
                        description=migration.description,
                        applied_at=datetime.now(UTC).replace(tzinfo=None),
                    )
                )
                return True

            if transact(self._engine, f"apply schema migration {migration.version}", step, schema=True):
                applied.append(migration.version)
        return applied

    # Writing ----------------------------------------------------------------------------------

    def add(
        self,
        record_path: str | Path,
        *,
        participants: Sequence[Mapping[str, str]] | None = None,
        team: str | None = None,
        site: str | None = None,
        kind: str | None = None,
        feedback: Sequence[Mapping[str, object]] | None = None,
        require_signed: bool = False,
    ) -> bool:
        """Store a finished drill; ``False`` if it is already there (nothing changes then).

        The keyword arguments replace the header's fields of the same name (the header's are used
        when they are ``None``).

        Args:
            require_signed: Refuse an assessment whose record is not signed with the site key.

        Raises:
            HistoryError: The record is unreadable, altered, cut short, signed with a key that is
                not here, a different copy of a drill already filed, or (``require_signed``) an
                unsigned assessment; or the database failed. Nothing is written in either case.
        """
        record = _checked(record_path)
        name = record.path
        key = record_key(record)
        chain = record.end_chk or record.last_chk
        filed = self._filed(key)
        if filed is not None:
            if filed[1] is not None and filed[1] != chain:
                raise _refuse_record(
                    name,
                    f"another record of this drill (drill_id {record.header.drill_id}) is already in history,"
                    " and its lines differ from this one's: one of them was altered",
                )
            return False
        if require_signed and (kind or record.header.kind) == "assessment" and record.header.signed is None:
            raise _refuse_record(name, "an assessment whose record is not signed (--require-signed)")
        verification, scenarios = _verified(record)
        drill = _load(record, scenarios, participants=participants, team=team, site=site, kind=kind, opinions=feedback)
        signed = record.header.signed if verification.signature == "signed" else None

        def store(conn: Connection) -> bool:
            if conn.scalar(select(drills.c.id).where(drills.c.key == drill.key)) is not None:
                return False
            stored = conn.execute(insert(drills).values(key=drill.key, **drill.row)).inserted_primary_key
            if stored is None:
                raise HistoryError(f"history database {self.where}: it gave no id to the new drill")
            drill_id = stored[0]
            for table, rows in drill.children:
                _insert(conn, table, [{**row, "drill_id": drill_id} for row in rows])
            _insert(conn, integrity, [{"drill_id": drill_id, "signed": signed, "chain": chain}])
            return True

        def settle(exc: IntegrityError) -> bool:
            if self._drill_id(drill.key) is not None:
                return False  # another process stored the same drill in the meantime
            raise HistoryError(f"history database {self.where}: cannot store {record_path}: {reason(exc)}") from exc

        return transact(self._engine, f"store {record_path}", store, write=True, settle=settle)

    def rescore(self, record_path: str | Path) -> bool:
        """Bring a filed drill's score and ratings up to date with its record; ``False`` if it is not filed.

        Ratings may be appended to a record after its drill ended (a coach judging the own words
        of a practice call, an evaluator's late rating). The lines up to ``drill_end`` stay as they
        were, so history knows the record as the same copy of the same drill (the integrity row's
        ``chain`` is the checksum of that line), verifies the whole record again as :meth:`add`
        does, and replaces what scoring derives from it in one transaction: the drill's and each
        incident's score, rating, pass and outcome, the task ratings and the findings. Who took
        part, the team, the site, the kind, the feedback and when it was filed stay as filed; the
        ``signed`` column is set from this verification (a signed record is checked with the key).

        Raises:
            HistoryError: The record is unreadable, altered, cut short or cannot be checked, or it
                is a different copy of the filed drill; or the database failed. Nothing changes then.
        """
        record = _checked(record_path)
        name = record.path
        key = record_key(record)
        chain = record.end_chk or record.last_chk
        filed = self._filed(key)
        if filed is None:
            return False
        drill_id, filed_chain = filed
        if filed_chain is not None and filed_chain != chain:
            raise _refuse_record(
                name,
                f"another record of this drill (drill_id {record.header.drill_id}) is in history,"
                " and its lines differ from this one's: one of them was altered",
            )
        verification, scenarios = _verified(record)
        with self._tx("read a filed drill") as conn:
            stored_kind = conn.scalar(select(drills.c.kind).where(drills.c.id == drill_id))
        drill = _load(record, scenarios, participants=None, team=None, site=None, kind=stored_kind, opinions=None)
        signed = record.header.signed if verification.signature == "signed" else None
        derived = {k: drill.row[k] for k in ("score", "rating", "passed", "outcome")}
        replaced = [(table, rows) for table, rows in drill.children if table in (incidents, task_ratings, findings)]

        def store(conn: Connection) -> bool:
            conn.execute(update(drills).where(drills.c.id == drill_id).values(**derived))
            for table, rows in replaced:
                conn.execute(delete(table).where(table.c.drill_id == drill_id))
                _insert(conn, table, [{**row, "drill_id": drill_id} for row in rows])
            conn.execute(delete(integrity).where(integrity.c.drill_id == drill_id))
            _insert(conn, integrity, [{"drill_id": drill_id, "signed": signed, "chain": chain}])
            return True

        return transact(self._engine, f"rescore {record_path}", store, write=True)

    def _drill_id(self, key: str) -> int | None:
        with self._tx("look up a drill") as conn:
            found = conn.scalar(select(drills.c.id).where(drills.c.key == key))
        return None if found is None else int(found)

    def _filed(self, key: str) -> tuple[int, str | None] | None:
        """A filed drill's id and its record's chain (None: filed before history kept it), or None if not filed."""
        with self._tx("look up a drill") as conn:
            found = conn.execute(
                select(drills.c.id, integrity.c.chain)
                .select_from(drills.outerjoin(integrity, integrity.c.drill_id == drills.c.id))
                .where(drills.c.key == key)
            ).first()
        return None if found is None else (int(found[0]), found[1])

    def standing(self, record: str | Path) -> tuple[float, str] | None:
        """A filed drill's score and rating as history holds them, or None if it is not filed."""
        key = self.key_of(record)
        with self._tx("look up a drill") as conn:
            found = conn.execute(select(drills.c.score, drills.c.rating).where(drills.c.key == key)).first()
        return None if found is None else (float(found[0]), str(found[1]))

    def key_of(self, record: str | Path) -> str:
        """The key a drill is stored under: ``record`` is a record file, or already a key."""
        if Path(record).is_file():
            try:
                return record_key(read(record))
            except RecordError as exc:
                raise HistoryError(str(exc)) from exc
        return str(record)

    def add_feedback(
        self, record: str | Path, name: str, satisfaction: int, helped: str = "", improve: str = ""
    ) -> None:
        """Record (or replace) one participant's hot-wash feedback on a stored drill.

        Args:
            record: The drill's record file, or its key (as :meth:`results` shows it).
            name: Who gave the feedback.
            satisfaction: 0-100.
            helped: What helped.
            improve: What to improve.

        Raises:
            HistoryError: No such drill in history, an empty name, or a satisfaction outside 0-100.
        """
        key = self.key_of(record)
        who = name.strip()
        if not who:
            raise HistoryError("feedback needs the name of who gave it")
        score = _satisfaction(f"feedback of {who}", satisfaction)

        def store(conn: Connection) -> None:
            drill_id = conn.scalar(select(drills.c.id).where(drills.c.key == key))
            if drill_id is None:
                raise HistoryError(f"no drill {key!r} in history; add its record first (drillsim history add)")
            conn.execute(delete(feedback).where(feedback.c.drill_id == drill_id, feedback.c.name == who))
            conn.execute(
                insert(feedback).values(drill_id=drill_id, name=who, satisfaction=score, helped=helped, improve=improve)
            )

        transact(self._engine, "store feedback", store, write=True)

    # Questions --------------------------------------------------------------------------------

    def _where(
        self,
        *,
        person: str | None = None,
        team: str | None = None,
        site: str | None = None,
        scenario: str | None = None,
        since: date | str | None = None,
        kind: str | None = None,
    ) -> list[ColumnElement[bool]]:
        """Conditions on ``drills`` for the command's filters."""
        conditions: list[ColumnElement[bool]] = []
        if person:
            conditions.append(drills.c.id.in_(select(people.c.drill_id).where(people.c.name == person)))
        if team:
            conditions.append(drills.c.team == team)
        if site:
            conditions.append(drills.c.site == site)
        if scenario:
            ran = select(incidents.c.drill_id).where(incidents.c.scenario == scenario)
            conditions.append(or_(drills.c.title == scenario, drills.c.id.in_(ran)))
        start = _since(since)
        if start is not None:
            conditions.append(drills.c.started_at >= start)
        if kind:
            if kind not in KINDS:
                raise HistoryError(f"unknown kind {kind!r}; a drill is one of: {', '.join(KINDS)}")
            conditions.append(drills.c.kind == kind)
        return conditions

    def counts(self) -> dict[str, int]:
        """Rows per table: what a consistency check compares before and after."""
        with self._tx("count rows") as conn:
            return {
                table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
                for table in (drills, incidents, people, task_ratings, findings, feedback, integrity)
            }

    def results(
        self,
        person: str | None = None,
        team: str | None = None,
        scenario: str | None = None,
        since: date | str | None = None,
        kind: str | None = None,
        site: str | None = None,
    ) -> list[Row]:
        """Drills over time, oldest first: when, what, who, how it went (practice runs included)."""
        conditions = self._where(person=person, team=team, site=site, scenario=scenario, since=since, kind=kind)
        with self._tx("read results") as conn:
            rows = conn.execute(
                select(drills, integrity.c.signed.label("signed_by"), integrity.c.chain.label("checked"))
                .select_from(drills.outerjoin(integrity, integrity.c.drill_id == drills.c.id))
                .where(*conditions)
                .order_by(drills.c.started_at, drills.c.id)
            ).all()
            names: dict[int, list[str]] = defaultdict(list)
            ids = [r.id for r in rows]
            for chunk in range(0, len(ids), 500):  # keep IN lists within every database's limits
                for p in conn.execute(
                    select(people)
                    .where(people.c.drill_id.in_(ids[chunk : chunk + 500]))
                    .order_by(people.c.drill_id, people.c.name)
                ):
                    names[p.drill_id].append(f"{p.name}:{p.role}" if p.role else p.name)
        return [
            {
                "drill": r.key,
                "started": _day(r.started_at),
                "scenario": r.title,
                "kind": r.kind,
                "mode": r.mode,
                "team": r.team,
                "site": r.site,
                "people": ", ".join(names[r.id]),
                "score": r.score,
                "rating": r.rating,
                "passed": bool(r.passed),
                # yes: an HMAC checked with the site key; no: a plain chain; unknown: filed before this was kept
                "signed": "yes" if r.signed_by else ("no" if r.checked else "unknown"),
            }
            for r in rows
        ]

    def pass_rates(
        self,
        person: str | None = None,
        team: str | None = None,
        scenario: str | None = None,
        since: date | str | None = None,
        site: str | None = None,
        by_quarter: bool = False,
    ) -> list[Row]:
        """Per scenario (and calendar quarter if asked): assessments, passes, pass rate %, mean score.

        Each incident of a multi-incident drill counts for its own scenario.
        """
        conditions = self._where(person=person, team=team, site=site, since=since, kind="assessment")
        if scenario:
            conditions.append(or_(incidents.c.scenario == scenario, drills.c.title == scenario))
        groups: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0, 0.0])
        with self._tx("read pass rates") as conn:
            for r in conn.execute(
                self._grouped(
                    incidents.c.scenario,
                    [func.count(), func.sum(case((incidents.c.passed, 1), else_=0)), func.sum(incidents.c.score)],
                    conditions,
                    by_quarter,
                    join=True,
                )
            ):
                total = groups[r[0], quarter_of(int(r.year), int(r.month)) if by_quarter else ""]
                for i, value in enumerate((r[1], r[2], r[3])):
                    total[i] += float(value or 0)
        rows: list[Row] = []
        for (name, quarter), (count, passed, score) in sorted(groups.items()):
            row: Row = {"scenario": name}
            if by_quarter:
                row["quarter"] = quarter
            row.update(
                assessments=int(count),
                passed=int(passed),
                pass_rate=_percent(int(passed), int(count)),
                mean_score=round(score / count, 1) if count else None,
            )
            rows.append(row)
        return rows

    def _grouped(
        self,
        key: ColumnElement[Any],
        aggregates: list[ColumnElement[Any]],
        conditions: list[ColumnElement[bool]],
        by_quarter: bool,
        *,
        join: bool = False,
        source: Table | None = None,
    ) -> Any:
        """SELECT key, aggregates [, year, month] ... GROUP BY: months fold into quarters in Python.

        Grouping by year and month is the portable part (``extract`` compiles for SQLite and
        PostgreSQL alike); months are few, so folding them into quarters here costs nothing.
        """
        year = extract("year", drills.c.started_at).label("year")
        month = extract("month", drills.c.started_at).label("month")
        columns: list[ColumnElement[Any]] = [key, *aggregates]
        groups: list[ColumnElement[Any]] = [key]
        if by_quarter:
            columns += [year, month]
            groups += [year, month]
        base = incidents.join(drills, incidents.c.drill_id == drills.c.id) if join else drills
        if source is not None:
            base = source.join(drills, source.c.drill_id == drills.c.id)
        return select(*columns).select_from(base).where(*conditions).group_by(*groups)

    def weak_tasks(
        self,
        person: str | None = None,
        team: str | None = None,
        scenario: str | None = None,
        since: date | str | None = None,
        site: str | None = None,
        repeat: int = 2,
    ) -> list[Row]:
        """Each person's critical tasks rated S, M or U in their last ``repeat`` or more assessments in a row.

        A task counts for everyone who took part in the drill. ``ratings`` is the task's whole
        history for that person, oldest first; ``streak`` is how many of the latest are weak.
        """
        conditions = self._where(team=team, site=site, scenario=scenario, since=since, kind="assessment")
        if person:
            conditions.append(people.c.name == person)
        query = (
            select(
                people.c.name,
                incidents.c.scenario,
                task_ratings.c.task,
                task_ratings.c.rating,
                drills.c.started_at,
                drills.c.id,  # PostgreSQL: what a SELECT DISTINCT orders by must be selected
            )
            .select_from(
                task_ratings.join(drills, task_ratings.c.drill_id == drills.c.id)
                .join(
                    incidents,
                    (incidents.c.drill_id == task_ratings.c.drill_id) & (incidents.c.idx == task_ratings.c.incident),
                )
                .join(people, people.c.drill_id == drills.c.id)
            )
            .where(*conditions)
            .distinct()
            .order_by(people.c.name, incidents.c.scenario, task_ratings.c.task, drills.c.started_at, drills.c.id)
        )
        if scenario:
            query = query.where(or_(incidents.c.scenario == scenario, drills.c.title == scenario))
        history: dict[tuple[str, str, str], list[tuple[str, datetime]]] = defaultdict(list)
        with self._tx("read task ratings") as conn:
            for r in conn.execute(query):
                history[r.name, r.scenario, r.task].append((r.rating, r.started_at))
        rows: list[Row] = []
        for (name, scen, task), ratings in history.items():
            codes = [code for code, _ in ratings]
            streak = next((i for i, code in enumerate(reversed(codes)) if code not in WEAK), len(codes))
            if streak < repeat:
                continue
            rows.append(
                {
                    "person": name,
                    "scenario": scen,
                    "task": task,
                    "streak": streak,
                    "weak": sum(code in WEAK for code in codes),
                    "rated": len(codes),
                    "ratings": " ".join(codes),
                    "last": _day(ratings[-1][1]),
                }
            )
        rows.sort(key=lambda r: (str(r["person"]), -int(r["streak"] or 0), str(r["scenario"]), str(r["task"])))
        return rows

    def retraining(
        self, team: str | None = None, site: str | None = None, since: date | str | None = None
    ) -> list[Row]:
        """People whose last three assessments, in time order, all failed: the plan sends them to retraining."""
        conditions = self._where(team=team, site=site, since=since, kind="assessment")
        query = (
            select(people.c.name, drills.c.id, drills.c.started_at, drills.c.title, drills.c.score, drills.c.passed)
            .select_from(people.join(drills, people.c.drill_id == drills.c.id))
            .where(*conditions)
            .distinct()
            .order_by(people.c.name, drills.c.started_at, drills.c.id)
        )
        runs: dict[str, list[Any]] = defaultdict(list)
        with self._tx("read assessments") as conn:
            for r in conn.execute(query):
                runs[r.name].append(r)
        rows: list[Row] = []
        for name, assessed in runs.items():
            last = assessed[-FAILED_IN_A_ROW:]
            if len(last) < FAILED_IN_A_ROW or any(r.passed for r in last):
                continue
            rows.append(
                {
                    "person": name,
                    "assessments": len(assessed),
                    "failed_since": _day(last[0].started_at),
                    "last": _day(last[-1].started_at),
                    "scenarios": ", ".join(r.title for r in last),
                    "scores": ", ".join(f"{r.score:g}" for r in last),
                }
            )
        return rows

    def satisfaction(
        self,
        by_quarter: bool = False,
        scenario: str | None = None,
        since: date | str | None = None,
        team: str | None = None,
        site: str | None = None,
        kind: str | None = None,
    ) -> list[Row]:
        """Mean hot-wash satisfaction per scenario (the drill's plan or lone scenario), flagged under 80."""
        conditions = self._where(team=team, site=site, since=since, kind=kind, scenario=scenario)
        groups: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
        with self._tx("read feedback") as conn:
            for r in conn.execute(
                self._grouped(
                    drills.c.title,
                    [func.count(), func.sum(feedback.c.satisfaction)],
                    conditions,
                    by_quarter,
                    source=feedback,
                )
            ):
                total = groups[r[0], quarter_of(int(r.year), int(r.month)) if by_quarter else ""]
                total[0] += float(r[1] or 0)
                total[1] += float(r[2] or 0)
        rows: list[Row] = []
        for (name, quarter), (count, points) in sorted(groups.items()):
            mean = round(points / count, 1)
            row: Row = {"scenario": name}
            if by_quarter:
                row["quarter"] = quarter
            row.update(responses=int(count), satisfaction=mean, rework=mean < SATISFACTION_FLOOR)
            rows.append(row)
        return rows

    def comments(
        self,
        scenario: str | None = None,
        since: date | str | None = None,
        team: str | None = None,
        person: str | None = None,
    ) -> list[Row]:
        """Every hot-wash answer, oldest drill first: who, how satisfied, what helped, what to improve."""
        conditions = self._where(team=team, since=since, scenario=scenario)
        if person:
            conditions.append(feedback.c.name == person)
        query = (
            select(drills.c.title, drills.c.key, drills.c.started_at, feedback)
            .select_from(feedback.join(drills, feedback.c.drill_id == drills.c.id))
            .where(*conditions)
            .order_by(drills.c.title, drills.c.started_at, drills.c.id, feedback.c.name)
        )
        with self._tx("read feedback") as conn:
            return [
                {
                    "scenario": r.title,
                    "drill": r.key,
                    "started": _day(r.started_at),
                    "name": r.name,
                    "satisfaction": r.satisfaction,
                    "helped": r.helped,
                    "improve": r.improve,
                }
                for r in conn.execute(query)
            ]


# Output ---------------------------------------------------------------------------------------

FORMATS = ("table", "csv", "json")
"""What ``drillsim history --format`` accepts."""


def _cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _is_number(value: Value) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def format_rows(rows: Sequence[Row], fmt: str = "table", lang: str | None = None) -> str:
    """Rows as an aligned text table, CSV (with a header line) or a JSON array.

    An empty result is an empty string as a table, a header-less empty string as CSV and ``[]``
    as JSON; the command says "nothing matched" itself. With ``lang``, a table's headers and coded
    values are words of that language (:mod:`scoring.columns`); CSV and JSON keep the keys and
    codes, which programs read.

    Raises:
        HistoryError: An unknown format.
    """
    if fmt == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=2)
    if fmt not in FORMATS:
        raise HistoryError(f"unknown format {fmt!r}; one of: {', '.join(FORMATS)}")
    if not rows:
        return ""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        return out.getvalue()
    grid = [[_cell(row.get(c)) for c in columns] for row in rows]
    headers = columns
    if lang is not None:
        headers = [words.heading(c, lang) for c in columns]
        grid = [
            [words.value(c, row.get(c), lang) or text for c, text in zip(columns, line, strict=True)]
            for row, line in zip(rows, grid, strict=True)
        ]
    widths = [max(cells(h), *(cells(line[i]) for line in grid)) for i, h in enumerate(headers)]
    numeric = [all(_is_number(row.get(c)) for row in rows) for c in columns]

    def line(values: Sequence[str]) -> str:
        parts = []
        for value, width, right in zip(values, widths, numeric, strict=True):
            pad = " " * (width - cells(value))
            parts.append(pad + value if right else value + pad)
        return "  ".join(parts).rstrip()

    rule = ["-" * w for w in widths]
    return "\n".join([line(headers), line(rule), *(line(c) for c in grid)])
