"""Drive the real console under Textual's Pilot, and build the drills the tests start from.

Pytest here has no asyncio plugin, so each test is a plain function that hands its steps to
:func:`run`; the steps get a :class:`Console`: the app, its pilot, and every notification the app
raised (caught as messages, so a toast that has timed out is still there to check). Waiting is
always for something: the workers to finish, the message queues to drain, or a condition on the
app's state; never a bare sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, OptionList
from textual.worker import WorkerCancelled

from engine.format import Event
from engine.runtime import Record, Session, Setup, header_for, prepare, read
from tests.conftest import ROOT
from tui.app import DrillsimApp
from tui.screens.live import LiveScreen

S = TypeVar("S", bound=Screen[Any])

SIZE = (80, 24)
"""The terminal every test runs in: the smallest the console is meant for."""

ELEVATOR = ROOT / "scenarios" / "elevator-entrapment.yaml"
"""The lift entrapment: short, with a rubric, rule-breaking actions and hidden variables."""


@dataclass(frozen=True)
class Home:
    """Where a test's console keeps its files."""

    records: Path
    cache: Path
    keymap: Path
    history_url: str


class Wall:
    """A wall clock for :class:`engine.runtime.clock.Clock` that moves only when told to."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self) -> float:
        """The pinned time, in seconds."""
        return self.seconds

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` of wall time pass."""
        self.seconds += seconds


@functools.cache
def _prepared(content: Path) -> Setup:
    """The content loaded once per test run (a set-up is never changed by a drill)."""
    return prepare(str(content))


def new_session(
    content: Path = ELEVATOR,
    *,
    mode: str = "strict",
    seed: int = 1,
    speed: float = 1.0,
    wall: Wall | None = None,
) -> Session:
    """A new drill, paused at minute 0, recorded in the console's records folder."""
    setup = _prepared(content)
    header = header_for(setup, seed=seed, mode=mode, source="console")
    if wall is None:
        return Session.begin(setup, header, speed=speed)
    return Session.begin(setup, header, speed=speed, now=wall.now)


MISTAKE = (
    (0.2, "control_room", "log_alarm"),
    (0.5, "control_room", "fill_fault_log"),  # paperwork before people: a finding in observe mode
    (1.0, "control_room", "talk_to_passengers"),
    (1.0, "security", "go_to_site"),
)
"""A short start of the lift entrapment with one mistake: (minute, role, action)."""


def recorded(decisions: Sequence[tuple[float, str, str]] = MISTAKE, *, until: float = 3.0, end: bool = True) -> Path:
    """A record of the lift entrapment in observe mode: ``decisions``, a bookmark, then halted at ``until``.

    With ``end=False`` the record is left cut short at ``until``, as when a console dies.
    """
    session = new_session(mode="observe", wall=Wall())
    for t, role, action in decisions:
        session.drill.advance_to(t)
        assert session.submit(role, action).accepted
    session.note("", kind="bookmark")
    session.drill.advance_to(until)
    if end:
        session.halt()
    session.close()
    return session.path


E = TypeVar("E", bound=Event)
"""An event kind."""


def events_of(record: Path | Record, of: type[E], /, **fields: Any) -> list[E]:
    """A record's events of kind ``of`` whose fields match."""
    found = read(record) if isinstance(record, Path) else record
    return [e for e in found.events if isinstance(e, of) and all(getattr(e, k) == v for k, v in fields.items())]


@dataclass
class Console:
    """The app under test, its pilot, and the notifications raised so far."""

    app: DrillsimApp
    pilot: Pilot[None]
    notices: list[Notification] = field(default_factory=list)

    async def settle(self) -> None:
        """Wait for every worker to finish (or be cancelled) and every message to be handled.

        A cancelled worker is the app's own doing (an exclusive worker started again, such as the
        start screen re-reading the records folder when it comes back), not a failure.
        """
        for worker in list(self.app.workers):
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await self.pilot.pause()

    async def press(self, *keys: str) -> None:
        """Press keys (each handled before the next), then wait for any worker they started."""
        await self.pilot.press(*keys)
        if any(not worker.is_finished for worker in self.app.workers):
            await self.settle()

    async def until(self, condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
        """Let the app run until ``condition`` holds (it fails the test after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            await self.pilot.pause(0.02)
        await self.pilot.pause()

    def on(self, kind: type[S]) -> S:
        """The screen on top, which must be a ``kind``."""
        screen = self.app.screen
        assert isinstance(screen, kind), f"expected {kind.__name__}, the console shows {type(screen).__name__}"
        return screen

    async def reach(self, kind: type[S]) -> S:
        """Wait until a ``kind`` screen is on top (screens change a callback after the key), then settle."""
        await self.until(lambda: isinstance(self.app.screen, kind), f"the {kind.__name__}")
        await self.settle()
        return self.on(kind)

    @property
    def live(self) -> LiveScreen:
        """The live screen, which must be on top."""
        return self.on(LiveScreen)

    async def open(self, screen: Screen[Any]) -> None:
        """Push ``screen`` and let it mount."""
        await self.app.push_screen(screen)
        await self.settle()

    async def type_into(self, selector: str, text: str) -> None:
        """Replace what an input holds by typing ``text`` into it."""
        widget = self.app.screen.query_one(selector, Input)
        widget.focus()
        await self.pilot.pause()
        await self.pilot.press("end", "ctrl+u", *text)  # ctrl+u: delete all left of the cursor
        assert widget.value == text

    def offered(self) -> set[str]:
        """The actions the live screen offers now, as ``incident|role|action``."""
        return {str(o.id) for o in self.live.query_one("#actions", OptionList).options if o.id}

    async def choose(self, role: str, action: str, incident: int = 0, *, arrows: bool = True) -> None:
        """Move to ``role``'s ``action`` in the live screen's actions list, and press Enter.

        With ``arrows=False`` the highlight is put on the action directly (as a mouse would), which
        saves a long script many key presses; Enter still decides.
        """
        widget = self.live.query_one("#actions", OptionList)
        wanted = f"{incident}|{role}|{action}"
        ids = [option.id for option in widget.options]
        assert wanted in ids, f"{role}/{action} is not offered now; offered: {[i for i in ids if i]}"
        target = ids.index(wanted)
        widget.focus()
        if not arrows:
            widget.highlighted = target
        for _ in range(len(ids)):
            if widget.highlighted == target:
                break
            await self.pilot.press("down" if (widget.highlighted or 0) < target else "up")
        assert widget.highlighted == target
        await self.press("enter")

    def notified(self, severity: str | None = None) -> list[str]:
        """Messages of the notifications raised so far (of one severity, if given)."""
        return [n.message for n in self.notices if severity is None or n.severity == severity]


Steps = Callable[[Console], Awaitable[None]]
"""What a test does with the console, as an async function of it."""


def run(app: DrillsimApp, steps: Steps, *, size: tuple[int, int] = SIZE) -> None:
    """Run ``app`` headless at ``size`` (:data:`SIZE` unless told) and drive it with ``steps``; app errors fail the test."""
    notices: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification)

    async def main() -> None:
        async with app.run_test(size=size, message_hook=hook) as pilot:
            console = Console(app, pilot, notices)
            await console.settle()
            await steps(console)

    asyncio.run(main())
