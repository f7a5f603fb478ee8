"""The situation panel: each incident's phase, loop stage, meters and values, hazards, staff, findings.

It draws a :class:`engine.runtime.situation.Situation`, so the live screen and the replay screen show the
same moment the same way. In projector view it leaves out what only the controller should see
(hidden variables, upcoming injects).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import Static

from engine.display import sim_time, with_unit
from engine.runtime import STAGES, CompiledScenario, IncidentView, Situation
from tui.i18n import colon, pick, tr
from tui.wrapping import Wrapped

BAR = 10
"""Cells of a meter's bar."""

STAGE_MARK = {"zh": ("报", "处", "馈"), "en": ("R", "H", "F")}


def meter(value: float, low: float, high: float, width: int = BAR) -> str:
    """A bar of ``width`` cells filled in proportion to where ``value`` sits between the bounds."""
    span = high - low
    share = 0.0 if span <= 0 else min(1.0, max(0.0, (value - low) / span))
    filled = round(share * width)
    return "█" * filled + "░" * (width - filled)


def show_value(spec: Any, value: Any, lang: str) -> str:
    """A variable's value as the room reads it (enum labels, yes/no, units)."""
    if isinstance(value, bool):
        text = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    elif isinstance(value, str):
        label = spec.labels.get(value)
        text = label.get(lang) if label else value
    elif isinstance(value, float):
        text = f"{value:.3g}"
    else:
        text = str(value)
    return with_unit(text, spec.unit, lang)


def loop_marks(stages: set[str], lang: str) -> Text:
    """The loop's three stages, done ones ticked: ``报✓ 处✓ 馈·``."""
    out = Text()
    for stage, mark in zip(STAGES, STAGE_MARK["zh" if lang == "zh" else "en"], strict=True):
        done = stage in stages
        out.append(f"{mark}{'✓' if done else '·'} ", style="bold green" if done else "dim")
    return out


class SituationView(Static):
    """Draws the situation. Set :attr:`situation`, :attr:`lang`, :attr:`projector`, then :meth:`redraw`."""

    def __init__(self, scenarios: Sequence[CompiledScenario], *, values_only: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenarios = scenarios
        self.values_only = values_only
        """Draw only the plain values (the live screen puts them below the controller's panels)."""
        self.situation: Situation | None = None
        self.lang = "zh"
        self.projector = False
        self._lines = -1

    def redraw(self) -> None:
        """Render the current situation."""
        if self.situation is not None:
            text = self.render_situation(self.situation)
            lines = text.plain.count("\n")
            # Same number of lines: same height (nearly always), so spare the screen a relayout.
            self.update(Wrapped(text), layout=lines != self._lines)
            self._lines = lines

    def render_situation(self, sit: Situation) -> Text:
        """Phase, loop and meters first, then staff and findings, then the other values (least urgent)."""
        out = Text()
        if self.values_only:
            for inc in sit.incidents:
                out.append_text(self.render_values(inc))
            return out
        for inc in sit.incidents:
            out.append_text(self.render_incident(inc))
        out.append_text(self.render_staff(sit))
        out.append_text(self.render_findings(sit))
        return out

    def render_incident(self, inc: IncidentView) -> Text:
        lang = self.lang
        model = self.scenarios[inc.index].model
        many = len(self.scenarios) > 1
        out = Text(("#" + str(inc.index + 1) + " " if many else "") + pick(model.title, lang) + "\n", style="bold")
        if not inc.live and not inc.ended:
            out.append("  …\n", style="dim")
            return out
        place = model.states.get(inc.state) or model.endings.get(inc.state)
        label = pick(place.label, lang) if place is not None and place.label else inc.state
        out.append(f"{label}  ", style="bold cyan")
        out.append_text(loop_marks(inc.stages, lang))
        out.append("\n")
        for hazard_id in sorted(inc.hazards):
            out.append(f"⚠ {pick(model.hazards[hazard_id].label, lang)}\n", style="bold red")
        for name, spec in model.variables.items():
            value = inc.values.get(name)
            bounded = spec.min is not None and spec.max is not None
            if spec.show != "meter" or not isinstance(value, (int, float)) or not bounded:
                continue
            low, high = float(spec.min or 0), float(spec.max or 0)
            share = (float(value) - low) / max(1e-9, high - low)
            colour = "red" if share >= 0.7 else "yellow" if share >= 0.4 else "green"
            out.append(f"{pick(spec.label, lang) if spec.label else name} ")
            out.append(meter(float(value), low, high), style=colour)
            out.append(f" {show_value(spec, value, lang)}\n")
        return out

    def render_values(self, inc: IncidentView) -> Text:
        """The variables shown as plain values (hidden ones in controller view only, dimmed)."""
        lang = self.lang
        model = self.scenarios[inc.index].model
        out = Text()
        if not inc.live and not inc.ended:
            return out
        for name, spec in model.variables.items():
            if spec.show == "meter" or (spec.show == "hidden" and self.projector):
                continue
            value = inc.values.get(name)
            if value is None:
                continue
            label = pick(spec.label, lang) if spec.label else name
            text = f"{label}{colon(lang)}{show_value(spec, value, lang)}\n"
            out.append(text, style="dim" if spec.show == "hidden" else "")
        if out:
            out = Text(f"\n{tr('live.situation', lang)}\n", style="bold") + out
        return out

    def render_staff(self, sit: Situation) -> Text:
        lang = self.lang
        out = Text(f"{tr('live.staff', lang)}\n", style="bold")
        busy, waiting = sit.busy(), sit.waiting()
        if not busy and not waiting:
            out.append(f"  {tr('live.idle', lang)}\n", style="dim")
        for work in busy:
            model = self.scenarios[work.incident].model
            role = model.roles.get(work.role)
            act = model.actions.get(work.action)
            who = pick(role.label, lang) if role else work.role
            what = pick(act.label, lang) if act else work.action
            left = max(0.0, (work.until or sit.t) - sit.t)
            out.append(f"  {who}{colon(lang)}{what} ", style="")
            out.append(f"~{sim_time(left)}\n", style="dim")
        for work in waiting:
            model = self.scenarios[work.incident].model
            pool = model.staff.get(work.pool or "")
            act = model.actions.get(work.action)
            out.append(
                f"  ⏳ {tr('live.waiting', lang)} {pick(pool.label, lang) if pool else work.pool}{colon(lang)}"
                f"{pick(act.label, lang) if act else work.action}\n",
                style="yellow",
            )
        return out

    def render_findings(self, sit: Situation) -> Text:
        lang = self.lang
        count = f"（{len(sit.findings)}）" if lang == "zh" else f" ({len(sit.findings)})"
        out = Text(f"\n{tr('live.findings', lang)}{count}\n", style="bold")
        if not sit.findings:
            out.append(f"  {tr('live.no_findings', lang)}\n", style="dim")
        for finding in sit.findings[-6:]:
            detail = finding.detail
            text = detail.get(lang) or next(iter(detail.values()), "")
            out.append(f"  {sim_time(finding.t)} ⚠ {text}\n", style="red")
        return out
