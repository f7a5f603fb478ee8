"""The top bar of the live screen: clock, speed, the next deadlines counting down, loop, score."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from engine.display import cells, sim_time
from engine.runtime import CompiledScenario, Situation
from tui.i18n import colon, pick, tr

clock_text = sim_time
"""Sim minutes as ``mm:ss`` (or ``h:mm:ss`` past an hour): the one way the console writes sim time."""


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells (wide characters count two), with an ellipsis if cut."""
    if cells(text) <= width:
        return text
    out = ""
    for char in text:
        if cells(out + char) > width - 1:
            break
        out += char
    return out + "…"


class ClockBar(Static):
    """Two lines: state of the clock and score; the next deadlines."""

    def __init__(self, scenarios: Sequence[CompiledScenario], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.scenarios = scenarios
        self._shown: Text | None = None

    def show(
        self,
        sit: Situation,
        *,
        now: float,
        speed: float,
        paused: bool,
        lang: str,
        score: tuple[float, str] | None,
        banner: str = "",
    ) -> None:
        """Redraw from the situation and the clock."""
        line = Text()
        if sit.finished:
            line.append(f" ■ {tr('live.over', lang)} ", style="bold reverse")
        elif paused:
            line.append(f" ⏸ {tr('live.paused', lang)} ", style="bold reverse yellow")
        else:
            line.append(f" ▶ {tr('live.running', lang)} ", style="bold reverse green")
        line.append(f"  {clock_text(now)}  ×{speed:g}", style="bold")
        if score is not None:  # points earned so far; the rating means something only at the end
            rating = (f"（{score[1]}）" if lang == "zh" else f" ({score[1]})") if sit.finished else ""
            line.append(f"   {tr('live.score', lang)} {score[0]:.0f}/100{rating}", style="bold")
        if banner:
            line.append(f"   {banner}", style="italic")
        line.append("\n")
        deadlines = sit.running_deadlines()
        line.append(tr("live.deadlines", lang) + colon(lang), style="bold")
        if not deadlines:
            line.append(tr("live.no_deadlines", lang), style="dim")
        width = max(20, self.content_region.width or self.size.width or 78)
        used = cells(line.plain.rsplit("\n", 1)[-1])
        for index, deadline in enumerate(deadlines):
            left = deadline.due - now
            time = clock_text(left)
            # Each deadline left gets an equal share of what remains of the line; a label is clipped
            # to its share (with an ellipsis), and when even a short label no longer fits, "+N" says
            # how many more there are.
            share = (width - used) // (len(deadlines) - index) - cells(time) - 2
            if share < 6:
                line.append(f"+{len(deadlines) - index}", style="bold")
                break
            timer = self.scenarios[deadline.incident].model.timers.get(deadline.timer)
            label = clip(pick(timer.label, lang) if timer else deadline.timer, share)
            style = "bold red" if left < 2 else "yellow" if left < 5 else ""
            text = f"{label} {time}  "
            line.append(text, style=style)
            used += cells(text)
        if line != self._shown:  # called at every 10 Hz tick: an unchanged bar is not redrawn
            self._shown = line
            self.update(line, layout=False)  # two lines, always: no relayout of the screen
