"""What every screen of the console shares: the app it belongs to and the language it speaks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from tui.app import DrillsimApp


class ConsoleScreen(Screen[None]):
    """A screen of the drillsim console."""

    @property
    def dsapp(self) -> DrillsimApp:
        """The console app (typed)."""
        from tui.app import DrillsimApp

        assert isinstance(self.app, DrillsimApp)
        return self.app

    @property
    def lang(self) -> str:
        """The console's language now: ``zh`` or ``en``."""
        return self.dsapp.lang
