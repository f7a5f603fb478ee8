"""How a timeline line looks on the console: findings and refusals red, injects and notes yellow."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text


def styled(event: Mapping[str, object], line: str) -> Text:
    """``line`` (from :class:`engine.timeline.Timeline`) styled by the kind of ``event``."""
    kind = event["type"]
    if kind == "finding" or (kind == "decision" and event.get("status") == "refused"):
        return Text(line, style="bold red")
    if kind in ("inject", "note", "fire"):
        return Text(line, style="yellow")
    if kind == "decision":
        return Text(line, style="bold")
    if kind in ("end", "drill_end", "halt"):
        return Text(line, style="bold reverse")
    return Text(line)
