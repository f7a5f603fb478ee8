"""The console's messages: the drill's events on their way up to a screen, and screens' intents.

Two kinds of message travel up through the console, and both are declared here:

- **The drill's events.** The drill calls its listeners synchronously, inside ``advance_to`` or
  ``submit``; the console collects the events of one tick into a batch and posts a single
  :class:`DrillEvents`, so that a burst of events at 30x speed costs one refresh, not one per event.
  This is the one boundary where engine events (:data:`engine.format.AnyEvent`) become Textual
  messages; screens read them by their type, never as dicts.
- **Intents.** A screen that is done, or that the user wants to leave, says where to by posting an
  :class:`Intent`: :class:`DrillFinished`, :class:`OpenReplay`, :class:`ForkFrom`, :class:`GoHome`...
  The intent bubbles up to the app, which hands it to :class:`tui.router.Router`, the one place that
  knows which screen comes next and whether it goes on top or replaces the current one. So no screen
  imports another (a test holds them to it), and the console's flow reads in one module.

Intents are plain dataclasses (Textual supports them), so the router can ``match`` on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from engine.format import AnyEvent
    from engine.runtime import Session
    from tui.catalog import Entry


# The drill's events -----------------------------------------------------------------------------


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


# Intents: where a screen wants the console to go --------------------------------------------------


class Intent(Message):
    """A screen asks the console to go somewhere; the app routes every intent (:mod:`tui.router`)."""


@dataclass
class OpenSetup(Intent):
    """Set up a drill plan or scenario from the catalog: who plays, staffing, mode, speed."""

    entry: Entry
    """What was chosen on the start screen."""


@dataclass
class RunDrill(Intent):
    """Run a drill live (the set-up made its session); the set-up gives way to it."""

    session: Session
    approve: bool = False
    """Whether decisions from phones in the drill room wait for the facilitator's accept or reject."""


@dataclass
class StartRolePlay(Intent):
    """Begin a customer-service role-play: a new conversation with a new record.

    Opened from the start screen, it goes on top; asked for from a role-play's result ("again"), it
    replaces the result.
    """

    path: str
    """The role-play's scenario file, as given (a record keeps it as it was given)."""
    persona: str | None
    """The owner met; None lets the drill's seed pick one."""
    mode: str
    """``strict`` (red-line replies are stopped) or ``observe``."""
    trainee: str
    """Who practises (the console offers the name again next time)."""


@dataclass
class ResumeDrill(Intent):
    """Go on with a drill that was cut short: live, or the role-play conversation it was."""

    path: Path
    """The record."""


@dataclass
class DrillFinished(Intent):
    """A live drill is over (its session closed): on to its debrief, in place of the live screen."""

    path: Path
    """The drill's record."""


@dataclass
class RolePlayFinished(Intent):
    """A role-play conversation is over (its session closed): on to its result, in its place."""

    path: Path
    """The conversation's record."""
    trainee: str
    """Who practised (their earlier results are shown beside this one)."""


@dataclass
class OpenReplay(Intent):
    """Replay a record, event by event, on top of the current screen.

    It opens at the end of the record, or at the moment asked for: an event (the debrief's what-if
    names the team's decision by its ``seq``), else a sim time.
    """

    path: Path
    seq: int | None = None
    """Open with the cursor on this event (its ``seq``)."""
    t: float | None = None
    """Or on the last event at or before this sim time (minutes)."""


@dataclass
class OpenDebrief(Intent):
    """Show the debrief of a record on top of the current screen."""

    path: Path


@dataclass
class ForkFrom(Intent):
    """Start a live drill from just before one decision of a record, to try another choice."""

    path: Path
    """The record forked."""
    seq: int
    """The ``seq`` of the decision replaced (it and everything after it)."""


@dataclass
class GoBack(Intent):
    """Close the current screen, back to the one under it."""


@dataclass
class GoHome(Intent):
    """Back to the start screen, closing everything above it."""
