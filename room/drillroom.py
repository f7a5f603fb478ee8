"""One live drill opened to the room: who is in it, what they may do, and the way in to the session.

A :class:`DrillRoom` wraps a running :class:`engine.runtime.Session` (the console's, or one the
server began) and is the only thing in the room that calls it. Everything a phone does becomes one
session call, so it lands in the same record as the console's inputs: a decision carries the
participant's name (``by``) and device session (``device``), an evaluator's rating is an
``evaluation`` event with the same two fields, a join and a rejected proposal are notes.

Two languages at once: what a phone shows is in that phone's page language (an answer that
arrives later, such as the facilitator's accept or reject, is kept as a :data:`Message` and put
into words when the page shows it); what goes into the record (the join and reject notes) is in
the room's :attr:`DrillRoom.lang`, the facilitator's language, so one record reads in one language.

Why the inbox: the session belongs to the thread that drives it. When the console holds it, the
server runs on a thread of its own and must never touch the session directly; it queues a call,
and the console's tick runs :meth:`DrillRoom.pump` (drain the queue, copy a :class:`Snapshot`)
on its own thread. When the server drives the session itself (``drillsim serve``), the call runs
at once on the server's thread, and a ticker pumps the clock. Pages render from the snapshot
only, so they never read a situation half-changed.

Live updates: :attr:`DrillRoom.changed` is an :class:`asyncio.Event` replaced each time the
snapshot changes; every open stream waits on it and then reads the new events by ``seq``.

Closing: :meth:`DrillRoom.close` (the server stopping, the facilitator closing the room) wakes
every stream the same way; each sends its last update and a ``closed`` event and returns, so the
server's shutdown never waits for a keep-alive, and the phones say why they stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from engine.errors import DrillError, EngineError
from engine.runtime import Submission
from engine.runtime.session import wall
from room.i18n import pick, tr
from room.views import Snapshot, role_label, staff_roles

if TYPE_CHECKING:
    from engine.format import AnyEvent
    from engine.runtime import Session

T = TypeVar("T")

Message = Callable[[str], str]
"""A message for a person, put into words in the language their page is shown in."""

CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
"""Join-code letters: no 0/O, 1/I/L, 2/Z, 5/S or 8/B to misread on a projector."""

CODE_LENGTH = 6
"""Join-code length: 26^6 is about 3e8 codes; guessing is also rate-limited per connection."""

CONSOLE_TIMEOUT = 10.0
"""Seconds a queued call waits for the console to pump before the phone is told to retry."""

CONNECTED_GRACE = 20.0
"""Seconds after its last request or stream during which a phone still counts as connected."""

EVALUATOR = "evaluator"
"""The role an evaluator holds in the room (not a scenario role: it decides nothing)."""


class RoomError(DrillError):
    """A room request refused: the message is for the log; :attr:`status` and :attr:`key` for the page.

    Attributes:
        status: The HTTP status it maps to.
        key: The i18n key of the explanation shown to the person.
    """

    def __init__(self, message: str, status: int, key: str) -> None:
        super().__init__(message)
        self.status = status
        self.key = key


def _closed_error() -> RoomError:
    return RoomError("the room is closed", 409, "error.closed")


@dataclass
class Participant:
    """Someone in the room on one device.

    Attributes:
        id: The device session's id, recorded with every decision (not a secret).
        secret: The cookie that proves this device session (never recorded or shown).
        name: The name given when joining.
        role: The scenario role held, or :data:`EVALUATOR`.
    """

    id: str
    secret: str
    name: str
    role: str
    joined: str
    last_seen: float = field(default_factory=time.monotonic)
    streams: int = 0
    removed: bool = False
    rated: dict[tuple[int, str], str] = field(default_factory=dict)
    """An evaluator's own latest rating per (incident, target), to show beside the latest of anyone's."""
    flash: str | Message | None = None
    """The last answer to this participant (shown once on the next page); see :meth:`take_flash`."""

    def take_flash(self, lang: str) -> str | None:
        """The last answer, in ``lang`` (the page's language), and forget it (it is shown once)."""
        flash, self.flash = self.flash, None
        return flash(lang) if callable(flash) else flash

    @property
    def evaluator(self) -> bool:
        """Whether this participant rates rather than decides."""
        return self.role == EVALUATOR

    @property
    def connected(self) -> bool:
        """Whether the phone is here now: a live stream, or a request moments ago."""
        return self.streams > 0 or time.monotonic() - self.last_seen < CONNECTED_GRACE


@dataclass(frozen=True)
class Pending:
    """A participant's decision waiting for the facilitator's accept or reject."""

    id: str
    participant: Participant
    incident: int
    action: str
    note: str | None
    t: float
    wall: str


@dataclass(frozen=True)
class Outcome:
    """What became of a participant's decision.

    Attributes:
        status: ``accepted``, ``refused``, ``unavailable`` (the engine's verdicts), ``pending``
            (waiting for the facilitator) or ``rejected`` (the facilitator said no).
        why: For ``unavailable``: the engine's reason code.
        reasons: For ``refused``: each broken rule's explanation in both languages.
        seq: The decision event's sequence number, once it is in the record.
    """

    status: Literal["accepted", "refused", "unavailable", "pending", "rejected"]
    why: str | None = None
    reasons: tuple[dict[str, str], ...] = ()
    seq: int | None = None

    def message(self, what: str, lang: str) -> str:
        """The answer as the participant reads it, in ``lang``."""
        if self.status == "refused":
            sep = "; " if lang == "en" else "；"
            return tr("verdict.refused", lang, what=what, why=sep.join(pick(r, lang) for r in self.reasons))
        if self.status == "unavailable":
            return tr("verdict.unavailable", lang, what=what, why=tr(f"why.{self.why}", lang))
        return tr(f"verdict.{self.status}", lang, what=what)


def new_code() -> str:
    """A short join code for the projector (unguessable enough with rate limits; the link is the key)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class DrillRoom:
    """A live drill that phones can join.

    Args:
        session: The running session (paused or not).
        approve: Whether participants' decisions wait for the facilitator's accept or reject.
        external: Whether another thread (the console) drives the session and calls :meth:`pump`.
        drives_clock: Whether :meth:`pump` also ticks the session's clock (the server's own drills).
        lang: The language of the notes the room writes into the record (the facilitator's:
            ``zh`` or ``en``); what each phone shows follows that phone's own language.
    """

    def __init__(
        self,
        session: Session,
        *,
        approve: bool = False,
        external: bool = False,
        drives_clock: bool = False,
        lang: str = "zh",
    ) -> None:
        self.session = session
        self.lang = lang if lang in ("zh", "en") else "zh"
        """The record's language: the notes the room writes (joins, rejected proposals) are in it."""
        self.scenarios = session.scenarios
        self.approve = approve
        self.external = external
        self.drives_clock = drives_clock
        self.id = secrets.token_hex(4)
        """Short id for the facilitator's pages (not a credential)."""
        self.token = secrets.token_urlsafe(16)
        """The participants' credential in the join link (128 bits)."""
        self.eval_token = secrets.token_urlsafe(16)
        """The evaluators' credential (a separate link: evaluators see the critical tasks)."""
        self.code = new_code()
        self.roles = staff_roles(self.scenarios)
        plan = session.setup.plan
        self.roster: dict[str, list[str]] = {r: list(n) for r, n in plan.model.team.items()} if plan else {}
        self.participants: dict[str, Participant] = {}
        self.pending: dict[str, Pending] = {}
        self.snapshot = Snapshot.of(session)
        self._lock = threading.RLock()
        self._inbox: queue.SimpleQueue[tuple[Callable[[], Any], asyncio.Future[Any]]] = queue.SimpleQueue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.changed = asyncio.Event()
        """Set (and replaced) each time the snapshot changes; streams wait on it."""
        self.closed = False
        """Whether the room was closed (see :meth:`close`): streams end, inputs are refused."""
        self._dirty = False
        self._wake_scheduled = False
        self._refreshed = time.monotonic()
        session.subscribe(self._on_event)

    # Binding to the server's loop --------------------------------------------------------------

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Tell the room which event loop its streams wait on (the server does this at start)."""
        self._loop = loop

    def _on_event(self, _event: AnyEvent) -> None:
        self._dirty = True

    def _wake(self) -> None:
        self._wake_scheduled = False
        old, self.changed = self.changed, asyncio.Event()
        old.set()

    def _schedule_wake(self) -> None:
        if self._loop is None or self._wake_scheduled:
            return
        self._wake_scheduled = True
        try:
            self._loop.call_soon_threadsafe(self._wake)
        except RuntimeError:  # the loop has closed: nobody is listening any more
            self._wake_scheduled = False

    def close(self) -> None:
        """Close the room to phones (any thread): every stream says so and ends; inputs are refused.

        The session is untouched (the console's stays the console's). Calls still waiting for the
        console are answered at once with a refusal rather than left to time out, since nobody may
        pump again. Closing twice does nothing more.
        """
        self.closed = True
        self._refuse_waiting()
        self._schedule_wake()

    def _refuse_waiting(self) -> None:
        while True:
            try:
                _call, future = self._inbox.get_nowait()
            except queue.Empty:
                return
            self._settle(future, None, _closed_error())

    # Driving (on the session's thread) ---------------------------------------------------------

    def pump(self) -> None:
        """Run queued calls, tick the clock if this room drives it, and refresh the snapshot.

        Call it on the thread that drives the session: the console calls it from its tick; the
        server's ticker calls it for drills it began itself.
        """
        while True:
            try:
                call, future = self._inbox.get_nowait()
            except queue.Empty:
                break
            try:
                result = call()
            except Exception as exc:  # noqa: BLE001 - handed to the waiting request, which answers for it
                self._settle(future, None, exc)
            else:
                self._settle(future, result, None)
        if self.drives_clock and not self.session.finished and not self.session.clock.paused:
            self.session.tick()
        self.refresh()

    def _settle(self, future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
        def done() -> None:
            if future.done():
                return
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits for the answer
                self._loop.call_soon_threadsafe(done)

    def refresh(self, *, force: bool = False) -> None:
        """Copy a new snapshot if anything happened (or a second has passed: the clock moves)."""
        now = time.monotonic()
        if not (force or self._dirty or now - self._refreshed >= 1.0):
            return
        self._dirty = False
        self._refreshed = now
        self.snapshot = Snapshot.of(self.session)
        self._schedule_wake()

    async def run(self, call: Callable[[], T]) -> T:
        """Run ``call`` on the session's thread and return its result.

        Raises:
            RoomError: The console did not take the call in time (503), or the room is closed (409).
        """
        if self.closed:
            raise _closed_error()
        if not self.external:
            result = call()
            self.refresh(force=True)
            return result
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._inbox.put((call, future))
        if self.closed:  # closed while queueing: nobody will pump it
            self._refuse_waiting()
        try:
            return await asyncio.wait_for(future, CONSOLE_TIMEOUT)
        except TimeoutError as exc:
            raise RoomError("the console did not take the input in time", 503, "error.500") from exc

    # People --------------------------------------------------------------------------------------

    def join(self, name: str, role: str) -> Participant:
        """Let someone in with a name and a role (a scenario's staff role, or :data:`EVALUATOR`).

        Raises:
            RoomError: Unknown role (400), an empty name (400), or the room is closed (409).
        """
        if self.closed:
            raise _closed_error()
        name = " ".join(name.split())[:40]
        if not name:
            raise RoomError("a participant needs a name", 400, "error.400")
        if role != EVALUATOR and role not in self.roles:
            raise RoomError(f"unknown role {role!r}", 400, "error.400")
        person = Participant(secrets.token_hex(4), secrets.token_urlsafe(24), name, role, wall())
        with self._lock:
            self.participants[person.secret] = person
        return person

    def find(self, secret: str | None) -> Participant | None:
        """The participant whose device session this is (None if unknown or removed)."""
        if not secret:
            return None
        with self._lock:
            person = self.participants.get(secret)
        if person is None or person.removed:
            return None
        person.last_seen = time.monotonic()
        return person

    def remove(self, person_id: str) -> bool:
        """The facilitator removes someone: their device session stops working at once."""
        with self._lock:
            for person in self.participants.values():
                if person.id == person_id and not person.removed:
                    person.removed = True
                    for key in [k for k, p in self.pending.items() if p.participant is person]:
                        del self.pending[key]
                    self._dirty = True
                    self._schedule_wake()
                    return True
        return False

    def people(self, lang: str = "zh") -> list[dict[str, Any]]:
        """Who is in the room: name, role, device id, whether connected now (for the facilitator)."""
        with self._lock:
            found = [p for p in self.participants.values() if not p.removed]
        return [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "role_label": tr("eval.title", lang) if p.evaluator else role_label(self.scenarios, p.role, lang),
                "connected": p.connected,
            }
            for p in found
        ]

    # What participants do ----------------------------------------------------------------------

    def _check_running(self) -> None:
        if self.closed:
            raise _closed_error()
        if self.session.finished:
            raise RoomError("the drill is not running", 409, "error.409")

    def check_decision(self, person: Participant, incident: int, action: str) -> None:
        """Refuse a decision its sender may not make: not their role, or no drill running.

        Raises:
            RoomError: 403 for an evaluator or another role's action (or an unknown one), 409 when
                the drill is over.
        """
        self._check_running()
        if person.evaluator:
            raise RoomError("an evaluator does not decide", 403, "error.403")
        if not 0 <= incident < len(self.scenarios):
            raise RoomError(f"no incident {incident}", 400, "error.400")
        act = self.scenarios[incident].model.actions.get(action)
        if act is None or act.role != person.role:
            raise RoomError(f"{person.name} ({person.role}) may not decide {action!r}", 403, "error.403")

    async def decide(self, person: Participant, incident: int, action: str, note: str | None) -> Outcome:
        """A participant's decision: applied now, or queued for the facilitator (see :attr:`approve`).

        Raises:
            RoomError: As :meth:`check_decision`.
        """
        self.check_decision(person, incident, action)
        if self.approve:
            item = Pending(secrets.token_hex(4), person, incident, action, note, self.snapshot.t, wall())
            with self._lock:
                self.pending[item.id] = item
            self._dirty = True
            self._schedule_wake()
            return Outcome("pending")
        return await self.run(lambda: self._submit(person, incident, action, note))

    def _submit(self, person: Participant, incident: int, action: str, note: str | None) -> Outcome:
        if self.session.finished:
            raise RoomError("the drill is not running", 409, "error.409")
        self.session.tick()
        verdict = self.session.drill.submit(
            Submission(person.role, action, incident, "room", note or None, wall(), by=person.name, device=person.id)
        )
        reasons = tuple(dict(b.reason().detail) for b in verdict.breaches) if verdict.status == "refused" else ()
        return Outcome(verdict.status, verdict.why, reasons, verdict.seq)  # type: ignore[arg-type]  # the engine's three

    def pending_list(self, lang: str = "zh") -> list[dict[str, Any]]:
        """Decisions waiting for the facilitator, oldest first."""
        with self._lock:
            items = list(self.pending.values())
        return [
            {
                "id": p.id,
                "who": p.participant.name,
                "role": role_label(self.scenarios, p.participant.role, lang),
                "what": self.action_label(p.incident, p.action, lang),
                "note": p.note or "",
                "t": p.t,
            }
            for p in items
        ]

    def accept(self, pending_id: str) -> Outcome | None:
        """The facilitator accepts a waiting decision: it is made now (call on the session's thread)."""
        with self._lock:
            item = self.pending.pop(pending_id, None)
        if item is None:
            return None
        try:
            outcome = self._submit(item.participant, item.incident, item.action, item.note)
        except (RoomError, EngineError):
            outcome = Outcome("unavailable", "ended")
        item.participant.flash = self._answer(outcome, item)
        self.refresh(force=True)
        return outcome

    def _answer(self, outcome: Outcome, item: Pending) -> Message:
        """The facilitator's answer to a waiting decision, for the participant's page in its language."""
        return lambda lang: outcome.message(self.action_label(item.incident, item.action, lang), lang)

    def reject(self, pending_id: str) -> bool:
        """The facilitator rejects a waiting decision; a note records the proposal and the answer."""
        with self._lock:
            item = self.pending.pop(pending_id, None)
        if item is None:
            return False
        person = item.participant
        if not self.session.finished:
            lang = self.lang
            who = tr(
                "note.who", lang, name=person.name, role=role_label(self.scenarios, person.role, lang), device=person.id
            )
            what = self.action_label(item.incident, item.action, lang)
            self.session.note(tr("note.rejected", lang, who=who, what=what), incident=item.incident)
        person.flash = self._answer(Outcome("rejected"), item)
        self.refresh(force=True)
        return True

    async def rate(self, person: Participant, incident: int, target: str, rating: str | None, note: str) -> int:
        """An evaluator's rating or observation, recorded as an ``evaluation`` event.

        The event carries who rated (``by``: the name given when joining) and from which device
        session (``device``), so the debrief and the reports show each evaluator's ratings apart.

        Raises:
            RoomError: Not an evaluator (403), or the target, incident or rating is unknown (400).
        """
        if not person.evaluator:
            raise RoomError("only an evaluator rates", 403, "error.403")

        def call() -> int:
            try:
                return self.session.rate(
                    target, rating, incident=incident, note=note or None, by=person.name, device=person.id
                )
            except EngineError as exc:
                raise RoomError(str(exc), 400, "error.400") from exc

        seq = await self.run(call)
        if rating:
            person.rated[(incident, target)] = rating
        return seq

    async def announce(self, person: Participant) -> None:
        """Record that someone joined (a note: who, which role, which device session)."""
        lang = self.lang
        role = tr("eval.title", lang) if person.evaluator else role_label(self.scenarios, person.role, lang)
        text = tr("note.joined", lang, who=tr("note.who", lang, name=person.name, role=role, device=person.id))
        await self.run(lambda: self.session.note(text))

    def action_label(self, incident: int, action: str, lang: str) -> str:
        """An action's label in ``lang``."""
        act = self.scenarios[incident].model.actions.get(action) if 0 <= incident < len(self.scenarios) else None
        return pick(act.label, lang) if act else action

    # For the facilitator -------------------------------------------------------------------------

    def title(self, lang: str) -> str:
        """The drill's title (the plan's, or the lone scenario's)."""
        plan = self.session.setup.plan
        if plan is not None:
            return pick(plan.model.title, lang)
        return pick(self.scenarios[0].model.title, lang)

    @property
    def finished(self) -> bool:
        """Whether the drill is over."""
        return self.snapshot.finished
