"""A small virtual terminal, and the hooks that tell the console's benchmarks when a change is on screen.

"On screen" means on the terminal. The apps run headless (80x24), which skips the very last step
of a frame: turning the compositor's update into the escape sequences written to the terminal.
:class:`Frames` hooks ``App._display`` to do that step anyway (its cost is counted, as on a real
terminal), stamps the time, and feeds the sequences into a :class:`Terminal` (a character grid); a
change counts as shown at the stamp of the first frame after which the awaited text is in that
grid. So a figure is "until the characters on the terminal would change", message round trips,
deferred scrolls and the screen's 60 fps update timer included; never "until a handler returned".
:class:`Updates` times what the screen did meanwhile: each screen update (layout, render, encoding).

Not a benchmark itself: ``first_screen.py``, ``key_press.py`` and ``replay_seek.py`` import it.
Textual is imported only where it is used, so that importing this module costs a fresh process
(the first-screen benchmark's child) next to nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from figures import pct

if TYPE_CHECKING:
    from textual.app import App

SIZE = (80, 24)
"""The terminal the benchmarks run the console in: the smallest it is meant for."""

WAIT_LIMIT = 5.0
"""Seconds to wait for a change to show before giving up on it (counted as missed)."""

GIVE_UP = 5
"""Missed changes after which a loop stops (the screen is stuck: the rest would only wait)."""

_ESCAPE = re.compile(
    r"\x1b\[(?P<params>[0-9;?]*)[ -/]*(?P<final>[@-~])"  # CSI: cursor moves, colours
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: hyperlinks
    r"|\x1b[@-Z\\-_]"  # any other escape
    r"|(?P<newline>\n)"
)


class Terminal:
    """A character grid that applies what the app would write to the terminal (text and moves)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells = [[" "] * width for _ in range(height)]
        self.x = self.y = 0

    def feed(self, data: str) -> None:
        """Apply what the app wrote: text lands at the cursor, cursor moves are followed, styles ignored."""
        position = 0
        for match in _ESCAPE.finditer(data):
            self._text(data[position : match.start()])
            position = match.end()
            if match.group("newline"):
                self.x, self.y = 0, self.y + 1
            elif match.group("final") == "H":
                row, _, col = (match.group("params") or "1;1").partition(";")
                self.y, self.x = int(row or 1) - 1, int(col or 1) - 1
        self._text(data[position:])

    def _text(self, text: str) -> None:
        from rich.cells import get_character_cell_size

        for char in text:
            size = get_character_cell_size(char)
            if size == 0:
                continue
            if 0 <= self.y < self.height and 0 <= self.x < self.width:
                self.cells[self.y][self.x] = char
                if size == 2 and self.x + 1 < self.width:
                    self.cells[self.y][self.x + 1] = ""
            self.x += size

    def text(self) -> str:
        """What the grid shows, line by line."""
        return "\n".join("".join(row) for row in self.cells)


class Frames:
    """Hooks an app's display: every frame is encoded as for a terminal, stamped and kept."""

    def __init__(self, app: App[Any], on_frame: Callable[[float, str], None] | None = None) -> None:
        from textual._compositor import CompositorUpdate

        self.frames: list[tuple[float, str]] = []
        self.term = Terminal(*SIZE)
        self.fed = 0
        self.found = -1
        """Index of the frame the last successful :meth:`showing` returned."""
        original = app._display

        def display(screen: Any, update: Any) -> None:
            original(screen, update)
            if isinstance(update, CompositorUpdate):
                data = update.render_segments(app.console)
                stamp = time.perf_counter()
                self.frames.append((stamp, data))
                if on_frame is not None:
                    on_frame(stamp, data)

        app._display = display  # type: ignore[method-assign, assignment]

    def mark(self) -> int:
        """The index the next frame will have."""
        return len(self.frames)

    def showing(self, snippets: list[str], start: int) -> float | None:
        """Time of the first frame from ``start`` on after which every snippet is on screen."""
        while self.fed < len(self.frames):
            stamp, data = self.frames[self.fed]
            self.term.feed(data)
            self.fed += 1
            if self.fed - 1 >= start:
                screen = self.term.text()
                if all(s in screen for s in snippets):
                    self.found = self.fed - 1
                    return stamp
        return None

    async def wait_showing(self, snippets: list[str], start: int) -> float | None:
        """:meth:`showing`, waiting up to :data:`WAIT_LIMIT` seconds for the frame to come."""
        import asyncio

        deadline = time.perf_counter() + WAIT_LIMIT
        while time.perf_counter() < deadline:
            found = self.showing(snippets, start)
            if found is not None:
                return found
            await asyncio.sleep(0.001)
        return None


class Updates:
    """Times Textual's screen updates (layout, render, terminal encoding) while :attr:`active`.

    Installed on the ``Screen`` class before the app starts (a screen's update timer keeps the
    bound method it was created with); :meth:`remove` puts the originals back.
    """

    def __init__(self) -> None:
        from textual.screen import Screen

        self.active = False
        self.updates: list[float] = []
        self.layouts: list[float] = []
        self._originals = (Screen._on_timer_update, Screen._refresh_layout)
        update, layout = self._originals

        def timed_update(screen: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return update(screen, *args, **kwargs)
            finally:
                if self.active:
                    self.updates.append(time.perf_counter() - start)

        def timed_layout(screen: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return layout(screen, *args, **kwargs)
            finally:
                if self.active:
                    self.layouts.append(time.perf_counter() - start)

        Screen._on_timer_update = timed_update  # type: ignore[method-assign, assignment]
        Screen._refresh_layout = timed_layout  # type: ignore[method-assign, assignment]

    def remove(self) -> None:
        """Put Textual's own methods back."""
        from textual.screen import Screen

        Screen._on_timer_update, Screen._refresh_layout = self._originals  # type: ignore[method-assign]

    def summary(self, frames_until: list[int]) -> str:
        """One line: frames until a change showed, and what a screen update costs."""
        import statistics

        if not self.updates:
            return "no screen updates timed"
        return (
            f"frames until visible: median {statistics.median(frames_until) if frames_until else float('nan'):g};"
            f" a screen update takes median {statistics.median(self.updates) * 1000:.1f} ms,"
            f" p95 {pct(self.updates, 0.95) * 1000:.1f} ms; {len(self.layouts)} of {len(self.updates)} updates"
            f" re-laid out the whole screen (layout and render: median"
            f" {statistics.median(self.layouts or [0.0]) * 1000:.1f} ms)"
        )


@dataclass
class Timed:
    """Latencies of one kind of interaction, and what the screen did meanwhile."""

    updates: Updates
    latencies: list[float] = field(default_factory=list)
    missed: int = 0
    frames_until: list[int] = field(default_factory=list)
    """Frames drawn from the start of each interaction to the one that showed it (that one included)."""
    note: str = ""
    profiler: Any = None
