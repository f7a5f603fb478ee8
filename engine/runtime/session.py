"""A live drill as the console runs it: the drill, its record on disk, its clock, and its situation.

The console (or any other front end) holds one :class:`Session` per drill and calls
:meth:`Session.tick` from its UI loop; everything a facilitator does (decide, rate, note, inject,
pause, skip, end) is one method here that goes through the engine's public API, stamps the wall
time, and lands in the record at once.

Three ways to get a session:

- :meth:`Session.begin`: a new drill from a set-up, with a new record;
- :meth:`Session.resume`: a drill whose console died (crash, closed terminal, ``kill -9``) goes on
  from its record: the recorded inputs are re-executed, every event is checked against the record,
  and new events are appended to the same file, the checksum chain unbroken;
- :meth:`Session.fork`: a what-if: the inputs of a record up to a chosen decision are re-executed,
  and the drill continues live from just before it, into a new record that names its origin.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from engine.errors import RecordError
from engine.format.events import FORMAT, AnyEvent, ForkRef, RecordHeader
from engine.paths import new_record_path
from engine.runtime.clock import Clock
from engine.runtime.record import (
    RecordWriter,
    apply_input,
    first_broken_link,
    new_drill_id,
    open_verified,
    read,
    same_event,
    setup_from,
)
from engine.runtime.run import Drill, Listener, Submission, Verdict
from engine.runtime.setup import Setup
from engine.runtime.signing import site_key
from engine.runtime.situation import Situation


def wall() -> str:
    """The wall-clock stamp put on inputs (UTC, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Origin:
    """Where a forked drill branched off: the record, and the input it replaced."""

    path: str
    seq: int
    t: float


class Session:
    """One live drill with its record. Use :meth:`begin`, :meth:`resume` or :meth:`fork` to get one.

    Attributes:
        setup: What runs.
        drill: The engine's drill.
        header: The record header.
        path: The record file.
        clock: Wall clock to sim minutes.
        situation: The situation now (folded from every event so far).
    """

    def __init__(self, setup: Setup, drill: Drill, header: RecordHeader, path: Path, clock: Clock) -> None:
        self.setup = setup
        self.drill = drill
        self.header = header
        self.path = path
        self.clock = clock
        self.scenarios = setup.scenarios(header.seed)  # a role-play meets the persona of its seed
        self.situation = Situation(self.scenarios)
        self._writer: RecordWriter | None = None
        self._listeners: list[Listener] = []
        self.origin: Origin | None = None
        """Where a forked session branched off (None otherwise)."""
        drill.subscribe(self._on_event)

    # Getting one ------------------------------------------------------------------------------

    @classmethod
    def begin(
        cls,
        setup: Setup,
        header: RecordHeader,
        *,
        path: Path | None = None,
        speed: float = 1.0,
        now: Callable[[], float] | None = None,
    ) -> Session:
        """Start a new drill (paused at minute 0) and its record.

        Args:
            setup: What runs.
            header: The record header (:func:`engine.runtime.record.header_for`); its seed and mode are used.
            path: Record file (default: a new file in :func:`records_dir`).
            speed: Sim minutes per wall minute.
            now: Wall clock, for tests.

        Raises:
            RecordError: The record file cannot be created.
        """
        path = path or new_record_path(setup.title_id, header.seed)
        header = replace(header, speed=speed)  # a resumed drill goes on at the speed it had
        drill = setup.drill(seed=header.seed, mode=header.mode)
        session = cls(setup, drill, header, path, _clock(speed, 0.0, now))
        session._writer = RecordWriter(path, header, setup)
        drill.start()
        return session

    @classmethod
    def resume(cls, path: str | Path, *, speed: float | None = None, now: Callable[[], float] | None = None) -> Session:
        """Go on with a drill whose console stopped: re-execute its record and append to it.

        The record must be intact (its chain unbroken: a signed one needs its site key, to check
        it and to go on signing) and unfinished; a torn last line, left by a crash in the middle of
        writing it, is cut off first. Resume is the one reader that takes a record cut short: every
        recorded event is re-executed and checked as it goes. The drill resumes paused, at the sim
        minute of the last recorded event, and a ``resumed`` note marks the interruption.

        Raises:
            RecordError: The record is altered, finished, or the replay does not match it.
            ContentError: Its scenarios cannot be loaded.
        """
        record = read(path)
        broken = first_broken_link(record) or record.damage
        if broken is not None:
            raise RecordError(f"{path}: cannot resume: {broken}")
        if record.complete:
            raise RecordError(f"{path}: this drill has already ended; open it in replay instead")
        setup = setup_from(record)
        header = record.header
        drill = setup.drill(seed=header.seed, mode=header.mode)
        last_t = float(record.events[-1].t) if record.events else 0.0
        # Just past the last recorded minute: everything due at it is processed, as it was live.
        resume_at = math.nextafter(last_t, math.inf)
        speed = speed or float(header.speed or 1.0)
        session = cls(setup, drill, header, Path(path), _clock(speed, resume_at, now))
        checker = _Checker(record.events, str(path))
        drill.subscribe(checker)
        drill.start()
        for event in record.events:
            if event.input:
                drill.advance_to(float(event.t))
                apply_input(drill, event)
        drill.advance_to(resume_at)
        checker.done()
        _mend_tail(Path(path), torn=bool(record.notes))  # so that the next line starts on a line of its own
        session._writer = RecordWriter.append(path, record.last_chk, header)
        for event in checker.extra:  # due at the last minute, but the console stopped before writing them
            session._writer.write(event)
        checker.extra.clear()
        checker.off = True
        if drill.finished:
            session.clock.pause()
        else:
            session.note("", kind="resumed")
        return session

    @classmethod
    def fork(
        cls,
        path: str | Path,
        before_seq: int,
        *,
        record_path: Path | None = None,
        speed: float | None = None,
        now: Callable[[], float] | None = None,
    ) -> Session:
        """Branch a new live drill off a record just before the input numbered ``before_seq``.

        Every input before it is re-executed (the situation is exactly as it was), that input and
        everything after are left out, and the new drill waits, paused, at that input's sim minute
        for a different choice. Its record is new (a new drill, signed with the site key if there is
        one, carrying its sources); its header names the origin under ``fork``.

        Raises:
            RecordError: The record does not verify, or ``before_seq`` is not one of its inputs.
            ContentError: Its scenarios cannot be loaded.
        """
        try:
            opened = open_verified(path, partial=True)
        except RecordError as exc:
            raise RecordError(f"cannot fork: {exc}") from exc
        record, setup = opened.record, opened.setup
        target = next((e for e in record.events if e.seq == before_seq), None)
        if target is None or not target.input:
            raise RecordError(f"{path}: event {before_seq} is not a decision or other input; fork at an input")
        at = float(target.t)
        speed = speed or float(record.header.speed or 1.0)
        key = site_key()
        header = replace(
            record.header,
            format=FORMAT,
            drill_id=new_drill_id(),
            signed=key.id if key is not None else None,
            plan=record.header.plan if setup.plan is not None else None,  # a v1 plan no longer found is not carried
            fork=ForkRef(record=str(path), seq=before_seq, t=target.t, digest=record.header_chk),
            wall_start=wall(),
            speed=speed,
        )
        path_out = record_path or new_record_path(setup.title_id, header.seed, suffix="-fork")
        drill = setup.drill(seed=header.seed, mode=header.mode)
        session = cls(setup, drill, header, path_out, _clock(speed, at, now))
        session._writer = RecordWriter(path_out, header, setup)
        session.origin = Origin(str(path), before_seq, at)
        drill.start()
        for event in record.events:
            if event.seq >= before_seq:
                break
            if event.input:
                drill.advance_to(float(event.t))
                apply_input(drill, event)
        drill.advance_to(at)
        return session

    # Listening ---------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` with each new event (after it is on disk and folded into the situation)."""
        self._listeners.append(listener)

    def _on_event(self, event: AnyEvent) -> None:
        if self._writer is not None:
            self._writer.write(event)
        self.situation.apply(event)
        for listener in self._listeners:
            listener(event)

    # Driving -----------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """Current sim minute."""
        return self.drill.now

    @property
    def finished(self) -> bool:
        """Whether the drill has ended."""
        return self.drill.finished

    def tick(self) -> None:
        """Advance the drill to where the clock says; call it from the UI loop."""
        if not self.drill.finished:
            # Thousandths of a minute (60 ms of sim time): decisions read as plain numbers in the record.
            self.drill.advance_to(round(self.clock.target(), 3))
            if self.drill.finished:
                self.clock.pause()

    def skip(self) -> float | None:
        """Jump to the next scheduled event and process it; returns the new sim minute.

        The drill stops at the next hundredth of a minute after the event, so that a decision made
        then comes after it (as it would have live) and reads as a plain number in the record.
        """
        t = self.drill.next_event_time()
        if t is None:
            return None
        target = math.floor(t * 100 + 1) / 100
        if target <= t:
            target = math.nextafter(t, math.inf)
        self.drill.advance_to(target)
        self.clock.jump(self.drill.now)
        if self.drill.finished:
            self.clock.pause()
        return self.drill.now

    def jump_to(self, t: float) -> None:
        """Move sim time forward to ``t`` at once (a reply's speaking time), then go on at the clock's pace."""
        if not self.drill.finished:
            self.drill.advance_to(round(t, 3))
            self.clock.jump(self.drill.now)
            if self.drill.finished:
                self.clock.pause()

    def run_to_end(self) -> None:
        """Play out the rest with no further decisions possible (a follow-up call days later)."""
        self.drill.run_to_end()
        self.clock.jump(self.drill.now)
        self.clock.pause()

    def submit(self, role: str, action: str, incident: int = 0, note: str | None = None) -> Verdict:
        """A decision by the team, made now."""
        self.tick()
        return self.drill.submit(Submission(role, action, incident, "ui", note, wall()))

    def rate(
        self,
        target: str,
        rating: str | None,
        *,
        incident: int = 0,
        note: str | None = None,
        by: str | None = None,
        device: str | None = None,
    ) -> int:
        """A rating (P/S/M/U) or observation for a task, an inject or the drill.

        ``by`` and ``device`` say who rated from which device session (an evaluator in the drill
        room); both unset, it is the facilitator's own rating.
        """
        return self.drill.evaluate(
            target, incident=incident, rating=rating, note=note, wall=wall(), by=by, device=device
        )

    def note(self, text: str, *, kind: str = "note", incident: int | None = None) -> int:
        """A facilitator's note, bookmark or spoken inject, at the current sim minute."""
        return self.drill.note(text, kind=kind, incident=incident, wall=wall())

    def fire(self, incident: int, inject: str) -> int:
        """Deliver a scenario inject now."""
        self.tick()
        return self.drill.fire(incident, inject, wall=wall())

    def withdraw(self, decision: int) -> int:
        """Withdraw an accepted decision (its ``seq``) whose action has not finished: a mis-keyed one."""
        self.tick()
        return self.drill.withdraw(decision, wall=wall())

    def halt(self) -> None:
        """End the drill now."""
        if not self.drill.finished:
            self.tick()
        if not self.drill.finished:  # the tick may have reached the drill's end
            self.drill.halt(wall=wall())
        self.clock.pause()

    def close(self) -> None:
        """Close the record file (the drill may be unfinished: it can be resumed)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class _Checker:
    """While resuming: every event the replay produces must be the recorded one, in order."""

    def __init__(self, recorded: list[AnyEvent], path: str) -> None:
        self.recorded = recorded
        self.path = path
        self.index = 0
        self.off = False
        self.extra: list[AnyEvent] = []

    def __call__(self, event: AnyEvent) -> None:
        if self.off:
            return
        if self.index >= len(self.recorded):
            self.extra.append(event)  # due at the last recorded minute but never written
            return
        want = self.recorded[self.index]
        if not same_event(want, event):
            raise RecordError(
                f"{self.path}: cannot resume: event {want.seq} does not replay the same"
                " (the scenario or the engine has changed since)"
            )
        self.index += 1

    def done(self) -> None:
        if self.index < len(self.recorded):
            raise RecordError(
                f"{self.path}: cannot resume: the replay stops at event {self.index} of {len(self.recorded)}"
            )


def _clock(speed: float, sim: float, now: Callable[[], float] | None) -> Clock:
    return Clock(speed, sim=sim, paused=True) if now is None else Clock(speed, sim=sim, paused=True, now=now)


def _mend_tail(path: Path, *, torn: bool) -> None:
    """Make the file end with a newline: cut a torn last line, or end a whole one that lost its newline."""
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return
    with path.open("r+b") as handle:
        if torn:
            handle.truncate(data.rfind(b"\n") + 1)
        else:
            handle.seek(0, os.SEEK_END)
            handle.write(b"\n")
