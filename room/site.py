"""A site's room: every drill open to phones, the practice hall, the catalogue, the history, the keys.

One :class:`Site` per server process. It holds the four credentials printed when the server
starts (the facilitator's, the practice link's and the coach's; each drill room has its own two),
finds a room by its link token, evaluator token or join code, and runs the ticker that moves the
clocks of the drills and conversations the server drives itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import random
import secrets
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import DrillError
from engine.paths import records_dir
from room.catalog import Entry, scan
from room.drillroom import DrillRoom, RoomError
from room.practice import Hall, Practice

if TYPE_CHECKING:
    from engine.runtime import Session
    from scoring.history import History

log = logging.getLogger("drillsim.room")

TICK = 0.1
"""Seconds between two ticks of the clocks the server drives."""

PRACTICE_EVERY = 10
"""Ticks between two moves of the practice conversations' clocks (once a second)."""


@dataclass
class Keys:
    """The site's credentials (URL path segments), fresh each start unless given."""

    facilitator: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    practice: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    coach: str = field(default_factory=lambda: secrets.token_urlsafe(16))


class Site:
    """Everything one server serves.

    Args:
        folders: More folders of scenarios and plans.
        db: History database URL (None: the default SQLite file).
        records: Where the server's records go (default: the records folder, ``room/`` under it).
        keys: Credentials (default: new random ones).
        catalog: Entries (default: scanned from ``folders`` and the library).
    """

    def __init__(
        self,
        folders: list[Path] | None = None,
        *,
        db: str | None = None,
        records: Path | None = None,
        keys: Keys | None = None,
        catalog: list[Entry] | None = None,
    ) -> None:
        self.folders = folders or []
        self.db = db
        self.keys = keys or Keys()
        self.records = records or records_dir() / "room"
        self.records.mkdir(parents=True, exist_ok=True)
        if catalog is None:
            catalog, self.problems = scan(self.folders)
        else:
            self.problems = []
        self.catalog = catalog
        self.rooms: dict[str, DrillRoom] = {}
        self.hall = Hall(self.records / "practice")
        self._history: History | None = None
        self._history_lock = threading.Lock()
        self._writer: ProcessPoolExecutor | None = None
        self.saves: list[Future[str]] = []
        """History writes under way (one worker process: SQLite takes one writer at a time anyway)."""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task[None] | None = None
        self.base_url = ""
        """How phones reach the server (``http://host:port``), for links and QR codes."""

    # Lifecycle -------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Bind the rooms to the running loop and start the ticker (the app's lifespan calls it)."""
        self._loop = asyncio.get_running_loop()
        for room in self.rooms.values():
            room.bind(self._loop)
        self._ticker = asyncio.create_task(self._tick_forever())

    def close(self) -> None:
        """Close every drill room: each open stream tells its phone and ends (any thread).

        The server calls it as it begins to shut down, before it waits for open connections: an
        event stream would otherwise hold the shutdown until its keep-alive, and then be cut off.
        """
        for room in list(self.rooms.values()):
            room.close()

    async def stop(self) -> None:
        """Close the rooms, stop the ticker, close the records of the drills and conversations the server drives."""
        self.close()  # already done by the room's server; not by every server an app may run under
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        for room in self.rooms.values():
            if not room.external:
                room.session.close()
        for practice in list(self.hall.live.values()):
            practice.session.close()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
        if self._history is not None:
            self._history.close()

    async def _tick_forever(self) -> None:
        count = 0
        while True:
            await asyncio.sleep(TICK)
            count += 1
            self.tick(practice=count % PRACTICE_EVERY == 0)

    def tick(self, *, practice: bool = True) -> None:
        """Move every clock the server drives; store conversations that ended.

        Args:
            practice: Also move the conversations' clocks (their owners lose patience in silence;
                a second is fine-grained enough, and each reply ticks its own conversation first).
        """
        for room in list(self.rooms.values()):
            if not room.external:
                room.pump()
                if room.session.finished:
                    room.session.close()
        if practice:
            for ended in self.hall.tick():
                self.store(ended)

    # Drill rooms -----------------------------------------------------------------------------------

    def open_room(
        self, session: Session, *, approve: bool = False, external: bool = True, lang: str = "zh"
    ) -> DrillRoom:
        """Open a room for a running drill (``external``: another thread, the console, drives it).

        ``lang``: the facilitator's language, in which the room's notes go into the record.
        """
        room = DrillRoom(session, approve=approve, external=external, drives_clock=not external, lang=lang)
        self.rooms[room.id] = room
        if self._loop is not None:
            room.bind(self._loop)
        return room

    def begin(
        self,
        entry: Entry,
        *,
        mode: str,
        approve: bool,
        speed: float,
        team: str | None = None,
        site: str | None = None,
        seed: int | None = None,
        lang: str = "zh",
    ) -> DrillRoom:
        """Begin a drill from the catalogue (paused at minute 0) and open its room.

        ``lang``: the facilitator's language, in which the room's notes go into the record.

        Raises:
            RoomError: The plan or scenario cannot be loaded (400).
        """
        from engine.paths import new_record_path
        from engine.runtime import Session, header_for, prepare

        try:
            setup = prepare(str(entry.path))
            seed = seed if seed is not None else random.randrange(1, 1_000_000)
            header = header_for(setup, seed=seed, mode=mode, source="room", team=team or None, site=site or None)
            path = new_record_path(setup.title_id, seed, self.records)
            session = Session.begin(setup, header, path=path, speed=speed)
        except DrillError as exc:
            raise RoomError(str(exc).splitlines()[0], 400, "error.400") from exc
        return self.open_room(session, approve=approve, external=False, lang=lang)

    def by_token(self, token: str) -> DrillRoom | None:
        """The room whose participant link this is."""
        return next((r for r in self.rooms.values() if secrets.compare_digest(r.token, token)), None)

    def by_eval_token(self, token: str) -> DrillRoom | None:
        """The room whose evaluator link this is."""
        return next((r for r in self.rooms.values() if secrets.compare_digest(r.eval_token, token)), None)

    def by_code(self, code: str) -> DrillRoom | None:
        """The room with this join code, while its drill runs and the room is open."""
        code = code.strip().upper().replace("-", "").replace(" ", "")
        return next(
            (r for r in self.rooms.values() if not (r.finished or r.closed) and secrets.compare_digest(r.code, code)),
            None,
        )

    # Practice --------------------------------------------------------------------------------------

    def roleplays(self) -> list[Entry]:
        """The role-plays a trainee can pick."""
        return [e for e in self.catalog if e.kind == "roleplay"]

    def drills(self) -> list[Entry]:
        """The plans and scenarios a facilitator can open."""
        return [e for e in self.catalog if e.kind in ("plan", "scenario")]

    def entry(self, key: str) -> Entry | None:
        """A catalogue entry by its key."""
        return next((e for e in self.catalog if e.key == key), None)

    @property
    def history(self) -> History:
        """The history database (opened on first use)."""
        with self._history_lock:  # opened once: two threads migrating one SQLite file would lock each other out
            if self._history is None:
                from scoring.history import History

                self._history = History(self.db)
        return self._history

    def store(self, practice: Practice) -> None:
        """Put a finished conversation into history, on a worker thread (scoring reads the record)."""
        hall = self.hall
        if self._writer is None:
            # A process of its own: scoring a record is pure Python work that would otherwise hold
            # the interpreter lock against every page and reply the server is answering.
            # Niced: the pages and replies people are waiting for come first.
            self._writer = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=os.nice, initargs=(10,)
            )
        job = self._writer.submit(_save, self.db, str(practice.session.path))

        def done(future: Future[str]) -> None:
            try:
                why = future.result()
            except Exception as exc:  # noqa: BLE001 - a broken worker is reported on the result page, not raised
                why = f"history worker failed: {type(exc).__name__}"
            if why:  # the page says it was not saved; the reason (English, technical) goes to the log
                log.warning("practice %s not saved to history: %s", practice.session.path.name, why)
            hall.saved(practice.id, why)

        job.add_done_callback(done)
        self.saves = [f for f in self.saves if not f.done()]
        self.saves.append(job)

    def refile(self, path: Path) -> str:
        """After a coach's judgement: bring the practice call's history row up to date; ``""`` or why not.

        The row is found by the drill's id and rescored from the judged record (its score, ratings
        and signature checked again); a call that never reached history is added now, as practice.
        Runs on the caller's thread (the coach's request waits for it).
        """
        try:
            if not self.history.rescore(path):
                self.history.add(path, kind="practice")
        except DrillError as exc:
            return str(exc).splitlines()[0]
        return ""

    def trend(self, trainee: str, title: str) -> list[dict[str, Any]]:
        """The trainee's practice results of one role-play, oldest first (last 12)."""
        try:
            rows = self.history.results(person=trainee, kind="practice", scenario=title)
        except DrillError:
            return []
        return rows[-12:]


def _save(db: str | None, path: str) -> str:
    """Add a finished practice record to history (in the worker process); ``""`` or why not."""
    from scoring.history import History

    try:
        with History(db) as history:
            history.add(path, kind="practice")
    except DrillError as exc:
        return str(exc).splitlines()[0]
    return ""


def find_practice(site: Site, practice_id: str) -> Practice | None:
    """A live conversation by its id."""
    found = site.hall.live.get(practice_id)
    if found is None:
        return None
    return found if secrets.compare_digest(found.id, practice_id) else None


__all__ = ["Keys", "RoomError", "Site", "find_practice"]
