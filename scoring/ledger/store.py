"""The ledger's side of the history database: drills as the ledger reads them, make-up links and
corrective actions.

:class:`Ledger` is a :class:`~scoring.history.History` (same database, same URL, same migrations
and the same safe transactions of :mod:`scoring.database`) with the reads and writes the training
officer's questions need. What it answers is left to pure functions of what it reads
(:mod:`.compliance`, :mod:`.attendance`, :mod:`.actions`, :mod:`.review`), so each is tested
without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import insert, or_, select, update

from engine.format import base_id, roleplay_id
from scoring.database import transact
from scoring.history import History, HistoryError, drills, feedback, incidents, people, task_ratings
from scoring.ledger.schema import ELEMENTS, STATUSES, action_log, actions, makeups

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

T = TypeVar("T")


@dataclass(frozen=True)
class Drill:
    """A drill as the ledger sees it."""

    id: int
    key: str
    title: str
    """The plan's id, or the lone scenario's."""
    started_at: datetime
    """UTC, as history keeps it."""
    kind: str
    site: str | None
    team: str | None
    score: float
    rating: str
    passed: bool
    source: str | None
    scenarios: tuple[str, ...] = ()
    """The scenario ids it ran (a role-play's as its scenario's)."""
    people: tuple[tuple[str, str], ...] = ()
    """(name, role) of everyone who took part."""
    makes_up: int | None = None
    """The id of the drill whose absentees it makes up for, if it is a make-up drill."""

    @property
    def day(self) -> date:
        """The day it was held."""
        return self.started_at.date()

    @property
    def names(self) -> set[str]:
        """Who took part."""
        return {name for name, _ in self.people}

    def ran(self, ids: Sequence[str]) -> bool:
        """Whether the drill was one of ``ids`` (its plan, or any of its scenarios)."""
        return base_id(self.title) in ids or any(s in ids for s in self.scenarios)


@dataclass(frozen=True)
class Action:
    """A corrective action (整改措施) as stored."""

    id: int
    issue: str
    action: str
    owner: str
    due: date | None
    status: str
    element: str | None = None
    drill: str | None = None
    """Key of the drill it was raised from."""
    drill_day: date | None = None
    area: str | None = None
    scenario: str | None = None
    task: str | None = None
    site: str | None = None
    team: str | None = None
    verified_by: str | None = None
    """Key of the drill that verified it."""
    raised_at: datetime | None = None
    closed_at: datetime | None = None
    log: tuple[tuple[datetime, str, str], ...] = field(default=())
    """(when, status, note) for every change, oldest first."""

    def overdue(self, as_of: date) -> bool:
        """Whether it is past its due day and not yet done."""
        return self.due is not None and self.due < as_of and self.status in ("open", "in-progress")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _day(value: date | str | None, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise HistoryError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from exc


class Ledger(History):
    """History, with the training officer's ledger on top (see the module docstring)."""

    def __enter__(self) -> Ledger:
        return self

    # Drills -----------------------------------------------------------------------------------

    def drills(
        self,
        start: date | None = None,
        end: date | None = None,
        *,
        site: str | None = None,
        team: str | None = None,
        person: str | None = None,
    ) -> list[Drill]:
        """Drills held from ``start`` to ``end`` (days, both included), oldest first, practice runs too."""
        conditions: list[Any] = []
        if start is not None:
            conditions.append(drills.c.started_at >= datetime(start.year, start.month, start.day))
        if end is not None:
            conditions.append(drills.c.started_at < datetime.combine(end, datetime.max.time()))
        if site:
            conditions.append(or_(drills.c.site == site, drills.c.site.is_(None)))
        if team:
            conditions.append(drills.c.team == team)
        if person:
            conditions.append(drills.c.id.in_(select(people.c.drill_id).where(people.c.name == person)))
        with self._tx("read drills") as conn:
            rows = conn.execute(select(drills).where(*conditions).order_by(drills.c.started_at, drills.c.id)).all()
            ids = [r.id for r in rows]
            ran: dict[int, list[str]] = defaultdict(list)
            who: dict[int, list[tuple[str, str]]] = defaultdict(list)
            links: dict[int, int] = {}
            for chunk in range(0, len(ids), 500):  # keep IN lists within every database's limits
                part = ids[chunk : chunk + 500]
                for inc in conn.execute(
                    select(incidents.c.drill_id, incidents.c.scenario)
                    .where(incidents.c.drill_id.in_(part))
                    .order_by(incidents.c.drill_id, incidents.c.idx)
                ):
                    ran[inc.drill_id].append(base_id(inc.scenario))
                for p in conn.execute(
                    select(people.c.drill_id, people.c.name, people.c.role)
                    .where(people.c.drill_id.in_(part))
                    .order_by(people.c.drill_id, people.c.name)
                ):
                    who[p.drill_id].append((p.name, p.role))
                for link in conn.execute(select(makeups).where(makeups.c.drill_id.in_(part))):
                    links[link.drill_id] = link.original_id
        return [
            Drill(
                id=r.id,
                key=r.key,
                title=r.title,
                started_at=r.started_at,
                kind=r.kind,
                site=r.site,
                team=r.team,
                score=float(r.score),
                rating=r.rating,
                passed=bool(r.passed),
                source=r.source,
                scenarios=tuple(ran[r.id]),
                people=tuple(who[r.id]),
                makes_up=links.get(r.id),
            )
            for r in rows
        ]

    def drill_id(self, record: str | Path) -> int:
        """The id of a stored drill, given its record file or key.

        Raises:
            HistoryError: No such drill in history.
        """
        key = self.key_of(record)
        found = self._drill_id(key)
        if found is None:
            raise HistoryError(f"no drill {str(record)!r} in history; add its record first (drillsim history add)")
        return found

    def link_makeup(self, drill: str | Path, original: str | Path) -> None:
        """Say that ``drill`` is a make-up drill (补训) for the absentees of ``original``.

        Raises:
            HistoryError: Either drill is not in history, or they are the same drill.
        """
        made, of = self.drill_id(drill), self.drill_id(original)
        if made == of:
            raise HistoryError("a drill cannot make up for itself")

        def store(conn: Connection) -> None:
            conn.execute(makeups.delete().where(makeups.c.drill_id == made))
            conn.execute(insert(makeups).values(drill_id=made, original_id=of))

        self._write("link a make-up drill", store)

    def task_statuses(self, scenario: str, task: str, after: datetime, team: str | None = None) -> list[Drill]:
        """Drills after ``after`` that performed ``task`` of ``scenario`` on time, oldest first."""
        query = (
            select(task_ratings.c.drill_id)
            .select_from(
                task_ratings.join(
                    incidents,
                    (incidents.c.drill_id == task_ratings.c.drill_id) & (incidents.c.idx == task_ratings.c.incident),
                )
            )
            .where(
                task_ratings.c.task == task,
                task_ratings.c.status.in_(("done", "out-of-order")),
                incidents.c.scenario.in_((scenario, roleplay_id(scenario))),
            )
        )
        with self._tx("read task ratings") as conn:
            ids = {int(r.drill_id) for r in conn.execute(query)}
        # A make-up drill is for the absentees of another, not the team: it verifies nothing.
        return [d for d in self.drills(team=team) if d.id in ids and d.started_at > after and d.makes_up is None]

    def weak_tasks_of(self, ids: Sequence[int]) -> dict[int, list[tuple[str, str, str]]]:
        """Drill id -> (scenario, task, rating) of each critical task it rated below P."""
        found: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        query = (
            select(task_ratings.c.drill_id, incidents.c.scenario, task_ratings.c.task, task_ratings.c.rating)
            .select_from(
                task_ratings.join(
                    incidents,
                    (incidents.c.drill_id == task_ratings.c.drill_id) & (incidents.c.idx == task_ratings.c.incident),
                )
            )
            .where(task_ratings.c.rating != "P")
            .order_by(task_ratings.c.drill_id, task_ratings.c.incident, task_ratings.c.task)
        )
        wanted = list(ids)
        with self._tx("read task ratings") as conn:
            for chunk in range(0, len(wanted), 500):
                for r in conn.execute(query.where(task_ratings.c.drill_id.in_(wanted[chunk : chunk + 500]))):
                    found[r.drill_id].append((base_id(r.scenario), r.task, r.rating))
        return found

    def task_rows(self, start: date, end: date, site: str | None = None) -> list[dict[str, Any]]:
        """Every critical task rated in an assessment held from ``start`` to ``end``."""
        conditions: list[Any] = [
            drills.c.kind == "assessment",
            drills.c.started_at >= datetime(start.year, start.month, start.day),
            drills.c.started_at < datetime.combine(end, datetime.max.time()),
        ]
        if site:
            conditions.append(or_(drills.c.site == site, drills.c.site.is_(None)))
        query = (
            select(incidents.c.scenario, task_ratings.c.task, task_ratings.c.rating, task_ratings.c.status)
            .select_from(
                task_ratings.join(drills, task_ratings.c.drill_id == drills.c.id).join(
                    incidents,
                    (incidents.c.drill_id == task_ratings.c.drill_id) & (incidents.c.idx == task_ratings.c.incident),
                )
            )
            .where(*conditions)
        )
        with self._tx("read task ratings") as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def feedback_rows(self, start: date, end: date, site: str | None = None) -> list[dict[str, Any]]:
        """Hot-wash satisfaction given on drills held from ``start`` to ``end``: title and score each."""
        conditions: list[Any] = [
            drills.c.started_at >= datetime(start.year, start.month, start.day),
            drills.c.started_at < datetime.combine(end, datetime.max.time()),
        ]
        if site:
            conditions.append(or_(drills.c.site == site, drills.c.site.is_(None)))
        query = (
            select(drills.c.title, feedback.c.satisfaction)
            .select_from(feedback.join(drills, feedback.c.drill_id == drills.c.id))
            .where(*conditions)
        )
        with self._tx("read feedback") as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # Corrective actions -----------------------------------------------------------------------

    def raise_action(
        self,
        issue: str,
        owner: str,
        *,
        action: str = "",
        due: date | str | None = None,
        drill: str | Path | None = None,
        area: str | None = None,
        scenario: str | None = None,
        task: str | None = None,
        element: str | None = None,
        site: str | None = None,
        team: str | None = None,
        note: str = "",
    ) -> int:
        """Record a corrective action, open; its number.

        The drill's site and team are used when none are given. This is what the console's debrief
        calls for each area for improvement it raises.

        Raises:
            HistoryError: An empty issue or owner, a bad date or element, or an unknown drill.
        """
        if not issue.strip():
            raise HistoryError("a corrective action needs the issue it corrects")
        if not owner.strip():
            raise HistoryError("a corrective action needs an owner (--owner)")
        # An area's issue is the report's own wording (as long as the scenario's texts make it); one
        # typed by hand is held to a paragraph.
        _fits(issue=issue if area is None else None, action=action, note=note, owner=owner, site=site, team=team)
        if element is not None and element not in ELEMENTS:
            raise HistoryError(f"unknown element {element!r}; one of: {', '.join(ELEMENTS)}")
        when = _day(due, "--due")
        drill_id = self.drill_id(drill) if drill is not None else None
        if drill_id is not None and (site is None or team is None):
            with self._tx("read a drill") as conn:
                filed = conn.execute(select(drills.c.site, drills.c.team).where(drills.c.id == drill_id)).one()
            site = site if site is not None else filed.site
            team = team if team is not None else filed.team
        now = _now()

        def store(conn: Connection) -> int:
            made = conn.execute(
                insert(actions).values(
                    drill_id=drill_id,
                    area=area,
                    scenario=base_id(scenario) if scenario else None,
                    task=task,
                    site=site,
                    team=team,
                    issue=issue.strip(),
                    action=action.strip(),
                    element=element,
                    owner=owner.strip(),
                    due=when,
                    status="open",
                    raised_at=now,
                    updated_at=now,
                )
            ).inserted_primary_key
            if made is None:
                raise HistoryError(f"history database {self.where}: it gave no number to the new action")
            number = int(made[0])
            conn.execute(insert(action_log).values(action_id=number, at=now, status="open", note=note or "raised"))
            return number

        return int(self._write("store a corrective action", store))

    def update_action(
        self,
        number: int,
        *,
        status: str | None = None,
        owner: str | None = None,
        due: date | str | None = None,
        action: str | None = None,
        verified_by: str | Path | None = None,
        note: str = "",
    ) -> Action:
        """Change a corrective action; every change is logged. Returns it as it now is.

        Raises:
            HistoryError: No such action, an unknown status, an empty owner, a bad date, an unknown drill.
        """
        if status is not None and status not in STATUSES:
            raise HistoryError(f"unknown status {status!r}; one of: {', '.join(STATUSES)}")
        if owner is not None and not owner.strip():
            raise HistoryError("--owner: give a name")
        _fits(owner=owner, action=action, note=note)
        changes: dict[str, Any] = {}
        if status is not None:
            changes["status"] = status
            changes["closed_at"] = _now() if status == "verified" else None
        if owner is not None:
            changes["owner"] = owner.strip()
        if due is not None:
            changes["due"] = _day(due, "--due")
        if action is not None:
            changes["action"] = action.strip()
        if verified_by is not None:
            changes["verified_by"] = self.drill_id(verified_by)
        now = _now()
        said = note or ", ".join(f"{k}: {v}" for k, v in changes.items() if k not in ("closed_at", "verified_by"))
        if "verified_by" in changes:
            said = (said + "; " if said else "") + f"verified by drill {self.key_of(str(verified_by))}"

        def store(conn: Connection) -> None:
            current = conn.scalar(select(actions.c.status).where(actions.c.id == number))
            if current is None:
                raise HistoryError(f"no corrective action {number}; see drillsim actions list")
            conn.execute(update(actions).where(actions.c.id == number).values(updated_at=now, **changes))
            conn.execute(
                insert(action_log).values(action_id=number, at=now, status=changes.get("status", current), note=said)
            )

        self._write("update a corrective action", store)
        return self.action(number)

    def action(self, number: int) -> Action:
        """One corrective action.

        Raises:
            HistoryError: No such action.
        """
        found = [a for a in self.actions() if a.id == number]
        if not found:
            raise HistoryError(f"no corrective action {number}; see drillsim actions list")
        return found[0]

    def actions(self, *, status: Sequence[str] = (), site: str | None = None, team: str | None = None) -> list[Action]:
        """Corrective actions, by number, with their logs."""
        raised = drills.alias("raised")
        verifier = drills.alias("verifier")
        conditions: list[Any] = []
        if status:
            conditions.append(actions.c.status.in_(list(status)))
        if site:
            conditions.append(or_(actions.c.site == site, actions.c.site.is_(None)))
        if team:
            conditions.append(actions.c.team == team)
        query = (
            select(actions, raised.c.key.label("drill_key"), raised.c.started_at, verifier.c.key.label("verifier_key"))
            .select_from(
                actions.outerjoin(raised, actions.c.drill_id == raised.c.id).outerjoin(
                    verifier, actions.c.verified_by == verifier.c.id
                )
            )
            .where(*conditions)
            .order_by(actions.c.id)
        )
        logs: dict[int, list[tuple[datetime, str, str]]] = defaultdict(list)
        with self._tx("read corrective actions") as conn:
            rows = conn.execute(query).all()
            for r in conn.execute(select(action_log).order_by(action_log.c.action_id, action_log.c.id)):
                logs[r.action_id].append((r.at, r.status, r.note))
        return [
            Action(
                id=r.id,
                issue=r.issue,
                action=r.action,
                owner=r.owner,
                due=r.due,
                status=r.status,
                element=r.element,
                drill=r.drill_key,
                drill_day=r.started_at.date() if r.started_at else None,
                area=r.area,
                scenario=r.scenario,
                task=r.task,
                site=r.site,
                team=r.team,
                verified_by=r.verifier_key,
                raised_at=r.raised_at,
                closed_at=r.closed_at,
                log=tuple(logs[r.id]),
            )
            for r in rows
        ]

    def raised_at(self, item: Action) -> datetime:
        """When the drill an action was raised from was held (or when the action was raised)."""
        if item.drill is None:
            return item.raised_at or _now()
        with self._tx("read a drill") as conn:
            found = conn.scalar(select(drills.c.started_at).where(drills.c.key == item.drill))
        return found if found is not None else item.raised_at or _now()

    def _write(self, doing: str, work: Callable[[Connection], T]) -> T:
        """One writing transaction (retried while the database is busy, see :mod:`scoring.database`)."""
        return transact(self._engine, doing, work, write=True)


LONGEST = {"issue": 2000, "action": 2000, "note": 2000, "owner": 200, "site": 200, "team": 200}
"""Most characters of each text of a corrective action: a name fits the database's column on every
backend (SQLite would store more, PostgreSQL refuse it), a statement is a paragraph, not a file."""


def _fits(**texts: str | None) -> None:
    """Refuse a text longer than :data:`LONGEST` allows, naming the option it came from."""
    for what, text in texts.items():
        if text is not None and len(text.strip()) > LONGEST[what]:
            raise HistoryError(f"--{what}: {len(text.strip()):,} characters; at most {LONGEST[what]:,}")
