"""The console's screen flow, in one place: which screen each intent opens, and how.

Screens never import one another. A screen that is done, or that the user wants to leave, posts an
intent (:mod:`tui.messages`); it bubbles up to the app, which hands it to :meth:`Router.route`.
The whole flow reads here:

=================  ==========================  ========================  ============================
intent             posted by                   opens                     how
=================  ==========================  ========================  ============================
OpenSetup          start                       set-up                    on top
RunDrill           set-up                      live drill                in place of the set-up
DrillFinished      live drill                  debrief                   in place of the live drill
StartRolePlay      start; role-play result     role-play                 on top; in place of a result
RolePlayFinished   role-play                   role-play result          in place of the role-play
ResumeDrill        start; ``--resume``         live drill or role-play   on top
OpenReplay         start, debrief, result;     replay (at an event or    on top
                   ``--replay``                a time, if asked)
OpenDebrief        replay                      debrief                   on top
ForkFrom           replay                      live drill (a fork)       on top
GoBack             set-up, replay              the screen under it       closes the one on top
GoHome             debrief, role-play result   start                     closes all above it
=================  ==========================  ========================  ============================

A screen that follows another in the same drill takes its place, so Escape from a debrief never
lands on a finished drill; a screen opened to look at something goes on top, and going back
closes it. Help (the app's F1) opens over any screen through :meth:`Router.help`; a notice covers
the console while the terminal is too small (:meth:`Router.fit`).

Only the start screen is imported up front. The others are imported the first time they open:
the live and role-play screens bring in the runtime and scoring, which the first paint of the
start screen must not wait for (``benchmarks/console.py`` times it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.messages import (
    DrillFinished,
    ForkFrom,
    GoBack,
    GoHome,
    Intent,
    OpenDebrief,
    OpenReplay,
    OpenSetup,
    ResumeDrill,
    RolePlayFinished,
    RunDrill,
    StartRolePlay,
)
from tui.screens.start import StartScreen

if TYPE_CHECKING:
    from pathlib import Path

    from engine.errors import DrillError
    from tui.app import DrillsimApp


class Router:
    """Opens, replaces and closes the console's screens as intents ask.

    Args:
        app: The console app whose screen stack this router drives.
    """

    def __init__(self, app: DrillsimApp) -> None:
        self.app = app

    def begin(self, *, resume: Path | None = None, open_record: Path | None = None) -> None:
        """The first screens: the start screen, then the drill to resume or the record to replay, if any."""
        self.app.push_screen(StartScreen())
        if resume is not None:
            self.route(ResumeDrill(resume))
        elif open_record is not None:
            self.route(OpenReplay(open_record))

    def route(self, intent: Intent) -> None:
        """Go where ``intent`` asks (under the too-small notice, if it shows: it stays on top)."""
        from tui.screens.too_small import TooSmallScreen

        covered = isinstance(self.app.screen, TooSmallScreen)
        if covered:
            self.app.pop_screen()
        self._route(intent)
        if covered:
            self.fit(*self.app.size)

    def _route(self, intent: Intent) -> None:
        app = self.app
        match intent:
            case OpenSetup(entry=entry):
                from tui.screens.setup import SetupScreen

                app.push_screen(SetupScreen(entry))
            case RunDrill(session=session, approve=approve):
                from tui.screens.live import LiveScreen

                app.switch_screen(LiveScreen(session, approve=approve))
            case StartRolePlay():
                self._roleplay(intent)
            case ResumeDrill(path=path):
                self._resume(path)
            case DrillFinished(path=path):
                from tui.screens.debrief import DebriefScreen

                app.switch_screen(DebriefScreen(path))
            case RolePlayFinished(path=path, trainee=trainee):
                from tui.screens.roleplay_result import RolePlayResultScreen

                app.switch_screen(RolePlayResultScreen(path, trainee))
            case OpenReplay(path=path, seq=seq, t=t):
                from tui.screens.replay import ReplayScreen

                app.push_screen(ReplayScreen(path, seq=seq, t=t))
            case OpenDebrief(path=path):
                from tui.screens.debrief import DebriefScreen

                app.push_screen(DebriefScreen(path))
            case ForkFrom(path=path, seq=seq):
                self._fork(path, seq)
            case GoBack():
                app.pop_screen()
            case GoHome():
                self._home()
            case _:
                raise TypeError(f"no route for {type(intent).__name__}")

    def fit(self, width: int, height: int) -> None:
        """Cover the console with a notice while the terminal is too small; take it away when it grows."""
        from tui.screens.too_small import TooSmallScreen, too_small

        app = self.app
        if too_small(width, height):
            if not isinstance(app.screen, TooSmallScreen):
                app.push_screen(TooSmallScreen())
            return
        while isinstance(app.screen, TooSmallScreen):
            app.pop_screen()

    def help(self) -> None:
        """Show the keys of the screen on top (help never opens over itself)."""
        from tui.screens.help import HelpScreen
        from tui.screens.too_small import TooSmallScreen

        if not isinstance(self.app.screen, (HelpScreen, TooSmallScreen)):
            self.app.push_screen(HelpScreen(self.app.screen))

    # Routes that start a drill ---------------------------------------------------------------------

    def _roleplay(self, intent: StartRolePlay) -> None:
        from engine.errors import DrillError
        from tui.screens.roleplay import RolePlayScreen, begin_roleplay
        from tui.screens.roleplay_result import RolePlayResultScreen

        app = self.app
        app.trainee = intent.trainee
        try:
            session = begin_roleplay(intent.path, persona=intent.persona, mode=intent.mode, trainee=intent.trainee)
        except DrillError as exc:
            self._failed(exc)
            return
        screen = RolePlayScreen(session, intent.trainee)
        if isinstance(app.screen, RolePlayResultScreen):  # practising again: the result gives way
            app.switch_screen(screen)
        else:
            app.push_screen(screen)

    def _resume(self, path: Path) -> None:
        from engine.errors import DrillError
        from engine.runtime import Session

        try:
            session = Session.resume(path)
        except DrillError as exc:
            self._failed(exc, timeout=10)
            return
        if session.header.roleplay:
            from tui.screens.roleplay import RolePlayScreen

            people = session.header.participants
            self.app.push_screen(RolePlayScreen(session, people[0].get("name", "") if people else ""))
        else:
            from tui.screens.live import LiveScreen

            self.app.push_screen(LiveScreen(session, banner="resumed"))

    def _fork(self, path: Path, seq: int) -> None:
        from engine.errors import DrillError
        from engine.runtime import Session
        from tui.screens.live import LiveScreen

        try:
            session = Session.fork(path, seq)
        except DrillError as exc:
            self._failed(exc)
            return
        self.app.push_screen(LiveScreen(session))

    def _failed(self, exc: DrillError, timeout: float | None = None) -> None:
        """Say in one line why a drill could not start (it quotes files and values: text, not markup)."""
        self.app.notify(str(exc).splitlines()[0], severity="error", timeout=timeout, markup=False)

    # Going back ------------------------------------------------------------------------------------

    def _home(self) -> None:
        app = self.app
        if not any(isinstance(screen, StartScreen) for screen in app.screen_stack):
            app.switch_screen(StartScreen())
            return
        while not isinstance(app.screen, StartScreen):
            app.pop_screen()
