"""What the console's screens share: the app's state and language; for those that drive a drill, its clock.

Screens know the app only through :class:`ConsoleApp`, the little of it they read, and never
import it: the app imports the router, the router the screens, and nothing points back up. Where a
screen wants to go next, it posts an intent (:mod:`tui.messages`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

from textual.app import App
from textual.screen import Screen

from tui import keys
from tui.dialogs.confirm import ConfirmDialog
from tui.i18n import pick, tr
from tui.messages import Collector, DrillEvents

if TYPE_CHECKING:
    from engine.errors import EngineError
    from engine.runtime import Session

T = TypeVar("T")


@runtime_checkable
class ConsoleApp(Protocol):
    """What a screen may read of the console app."""

    lang: str
    """The console's language now: ``zh`` or ``en`` (the app relabels every screen when it changes)."""
    folders: list[Path]
    """Folders (or files) of scenarios and plans listed beside the built-in library."""
    trainee: str
    """The last name given for a role-play (offered again next time)."""
    room_host: str | None
    """Where a live drill's room listens (None: this machine's address on its network)."""
    room_port: int
    """The room's first port to try (0: any free one)."""


def console_of(app: App[object]) -> ConsoleApp:
    """``app`` as the console app that it is."""
    assert isinstance(app, ConsoleApp), f"{type(app).__name__} is not the drillsim console"
    return app


class ConsoleScreen(Screen[None]):
    """A screen of the drillsim console."""

    @property
    def dsapp(self) -> ConsoleApp:
        """The console app's shared state (typed)."""
        return console_of(self.app)

    @property
    def lang(self) -> str:
        """The console's language now: ``zh`` or ``en``."""
        return self.dsapp.lang


TICK = 0.1
"""Seconds between clock ticks of a screen that drives a drill."""


class SessionScreen(ConsoleScreen):
    """A screen that drives a live drill: the clock's tick, the batch of events, the clock keys, ending.

    Subclasses draw (:meth:`draw_clock`, ``on_drill_events``) and say where the drill goes when it is
    over (:meth:`finish`); the ending question is :attr:`END_QUESTION` (an i18n key).
    """

    END_QUESTION = "live.end_confirm"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.collector = Collector()
        session.subscribe(self.collector)
        self._done = False
        self._held = False
        self._pause_words: tuple[bool, str] | None = None
        """(paused, language) the pause key's footer label was last written for."""
        self.stopped: str | None = None
        """Why the engine stopped the drill (its events cap, a number that is not finite), if it did."""

    def heading(self, *extra: str) -> str:
        """The header's subtitle: what is being played (the plan's or scenario's title), the team, ``extra``.

        The record's file name is no heading for a room: the debrief's export and the start screen's
        list of records are where a facilitator finds the file.
        """
        setup = self.session.setup
        title = pick((setup.plan.model if setup.plan else setup.sources[0].model).title, self.lang)
        parts = [title, self.session.header.team or "", *extra]
        return " · ".join(p for p in parts if p)

    def start_clock(self) -> None:
        """Start ticking (call once mounted)."""
        self.set_interval(TICK, self.tick)

    def on_unmount(self) -> None:
        self.session.close()

    def tick(self) -> None:
        """Advance to where the clock says and hand the new events to the screen."""
        if not self.session.clock.paused:
            self.safely(self.session.tick)
        self.flush()
        self.draw_clock()
        self.word_pause()

    def word_pause(self) -> None:
        """Name the pause key for what it would do now (继续/Resume while paused), when that changed."""
        now = (self.session.clock.paused, self.lang)
        if now != self._pause_words:
            self._pause_words = now
            keys.localise(self, self.lang, paused=now[0])
            self.refresh_bindings()

    def safely(self, step: Callable[[], T]) -> T | None:
        """Run ``step`` (a session call that moves the drill); an engine error stops the drill, not the console.

        The drill cannot go on past such an error (its SimPy process is broken), so the clock stops,
        the events so far stay in the record, and the screen says why; ending goes on to the debrief
        of what was recorded.
        """
        from engine.errors import EngineError

        if self.stopped is not None:
            return None
        try:
            return step()
        except EngineError as exc:
            self._stop(exc)
            return None

    def _stop(self, exc: EngineError) -> None:
        self.stopped = str(exc).splitlines()[0]
        self.session.clock.pause()
        self.flush()
        self.session.close()  # what was recorded is kept, flushed to disk
        self.notify(tr("live.stopped", self.lang, why=self.stopped), severity="error", timeout=30, markup=False)

    def flush(self) -> None:
        """Post the events gathered since the last flush as one message."""
        batch = self.collector.take()
        if batch:
            self.post_message(DrillEvents(batch))

    def finish_once(self) -> None:
        """Go to :meth:`finish` the first time the drill is seen over."""
        if self.session.finished and not self._done:
            self._done = True
            self.finish()

    def hold(self) -> bool:
        """Stop the clock while the drill cannot be seen (a too-small terminal); True if it was running."""
        if self.session.finished or self.session.clock.paused:
            return False
        self.session.clock.pause()
        self._held = True
        return True

    def release(self) -> None:
        """Start the clock again after :meth:`hold`, if it was held."""
        if self._held and not self.session.finished:
            self.session.clock.resume()
        self._held = False
        self.draw_clock()

    def draw_clock(self) -> None:
        """Redraw what shows the clock."""
        raise NotImplementedError

    def finish(self) -> None:
        """The drill is over: on to what follows."""
        raise NotImplementedError

    def action_toggle_pause(self) -> None:
        """Pause or resume sim time."""
        if not self.session.finished and self.stopped is None:
            self.session.clock.toggle()
        self.draw_clock()
        self.word_pause()

    def action_faster(self) -> None:
        """Step the clock up a speed."""
        self.session.clock.faster()
        self.draw_clock()

    def action_slower(self) -> None:
        """Step the clock down a speed."""
        self.session.clock.slower()
        self.draw_clock()

    def action_end(self) -> None:
        """End the drill now (asks first)."""
        if self.session.finished or self.stopped is not None:
            self.finish()
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.safely(self.session.halt)
                self.flush()
                if self.stopped is not None:
                    self.finish()

        lang = self.lang
        question = ConfirmDialog(tr(self.END_QUESTION, lang), tr("dlg.yes", lang), tr("dlg.no", lang))
        self.app.push_screen(question, done)
