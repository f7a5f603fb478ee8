"""The notice shown instead of the console when the terminal is too small to drive a drill.

Below :data:`MIN_SIZE` the live screen's actions list falls off the bottom or its panels overlap,
and a drill cannot be played; the console says so, in its language, and what size it needs. The
router puts this screen on top when the terminal shrinks below the minimum and takes it away when it
grows again (:meth:`tui.router.Router.fit`). A drill under it is held: its clock stops while nobody
can see it, and goes on when the notice goes (unless it was paused already).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tui.i18n import tr
from tui.screens.base import SessionScreen, console_of

MIN_SIZE = (80, 16)
"""Columns and rows the console needs. 80 columns: the wide dialogs are 76 and the linter measures
scenario text at 76 cells. 16 rows: the live screen still shows a few feed lines and four actions,
the role-play four replies (80x24 is the size the console is designed and tested for)."""


def too_small(width: int, height: int) -> bool:
    """Whether a terminal of ``width`` x ``height`` is below :data:`MIN_SIZE`."""
    return width < MIN_SIZE[0] or height < MIN_SIZE[1]


class TooSmallScreen(Screen[None]):
    """A full-screen notice: the terminal's size now, the size needed."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; }
    TooSmallScreen > Static { width: 100%; height: auto; content-align: center middle; text-align: center; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.held: SessionScreen | None = None
        """The drill whose clock this notice stopped (started again when it goes)."""

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.describe()
        below = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        if isinstance(below, SessionScreen) and below.hold():
            self.held = below

    def on_unmount(self) -> None:
        if self.held is not None:
            self.held.release()
            self.held = None

    def on_resize(self, _event: events.Resize) -> None:
        self.describe()

    def describe(self) -> None:
        """Say how big the terminal is and how big it needs to be."""
        lang = console_of(self.app).lang
        width, height = self.app.size
        text = tr("app.too_small", lang, w=width, h=height, need_w=MIN_SIZE[0], need_h=MIN_SIZE[1])
        self.query_one("#too-small", Static).update(Text(text, style="bold"))

    def relabel(self) -> None:
        """Redraw in the console's language now."""
        self.describe()
