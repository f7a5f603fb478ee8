"""How a timeline line looks on the console: findings and refusals red, injects and notes yellow."""

from __future__ import annotations

from rich.text import Text

from engine.format import (
    AnyEvent,
    DecisionMade,
    DrillEnded,
    DrillHalted,
    Finding,
    IncidentEnded,
    InjectDelivered,
    InjectFired,
    NoteMade,
)
from tui.wrapping import Wrapped


def style_of(event: AnyEvent) -> str:
    """The style of a timeline line for ``event``."""
    match event:
        case Finding() | DecisionMade(status="refused"):
            return "bold red"
        case InjectDelivered() | NoteMade() | InjectFired():
            return "yellow"
        case DecisionMade():
            return "bold"
        case IncidentEnded() | DrillEnded() | DrillHalted():
            return "bold reverse"
        case _:
            return ""


def styled(event: AnyEvent, line: str) -> Wrapped:
    """``line`` (from :class:`engine.runtime.timeline.Timeline`) styled by the kind of ``event``, CJK-wrapped."""
    return Wrapped(Text(line, style=style_of(event)))
