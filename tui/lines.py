"""How a timeline line looks on the console: findings and refusals red, injects and notes yellow."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from tui.wrapping import Wrapped


def style_of(event: Mapping[str, object]) -> str:
    """The style of a timeline line for ``event``."""
    kind = event["type"]
    if kind == "finding" or (kind == "decision" and event.get("status") == "refused"):
        return "bold red"
    if kind in ("inject", "note", "fire"):
        return "yellow"
    if kind == "decision":
        return "bold"
    if kind in ("end", "drill_end", "halt"):
        return "bold reverse"
    return ""


def styled(event: Mapping[str, object], line: str) -> Wrapped:
    """``line`` (from :class:`engine.runtime.timeline.Timeline`) styled by the kind of ``event``, CJK-wrapped."""
    return Wrapped(Text(line, style=style_of(event)))
