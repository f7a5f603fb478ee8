"""Where engine events become Textual messages: the one boundary between the drill and the UI.

The drill calls its listeners synchronously, inside ``advance_to`` or ``submit``; the console
collects the events of one tick into a batch and posts a single :class:`DrillEvents`, so that a
burst of events at 30x speed costs one refresh, not one per event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from engine.format import AnyEvent


class DrillEvents(Message):
    """Events the drill produced since the last batch, in order."""

    def __init__(self, events: list[AnyEvent]) -> None:
        super().__init__()
        self.events = events


class Collector:
    """A drill listener that keeps events until the screen takes them as one batch."""

    def __init__(self) -> None:
        self.pending: list[AnyEvent] = []

    def __call__(self, event: AnyEvent) -> None:
        self.pending.append(event)

    def take(self) -> list[AnyEvent]:
        """The events gathered since the last call."""
        taken, self.pending = self.pending, []
        return taken
