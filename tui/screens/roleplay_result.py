"""After a role-play: the five steps ticked or missed and when, the lines that hurt, the anger curve.

The result is computed from the record (:func:`scoring.roleplay.summarise`), filed in history as
practice (kept apart from assessments) under the trainee's name, and shown beside the trainee's
earlier practice of the same role-play, so they see their own trend. From here: the same owner
again, another owner, or a replay of the conversation.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Sparkline, Static

from engine.display import sim_time
from engine.runtime import Timeline
from tui import keys
from tui.i18n import colon, pick, tr
from tui.messages import GoHome, OpenReplay, StartRolePlay
from tui.screens.base import ConsoleScreen
from tui.widgets.footer import ConsoleFooter
from tui.wrapping import Wrapped

if TYPE_CHECKING:
    from engine.format import Text as Text_
    from engine.runtime import Record
    from scoring.roleplay import RolePlayResult


class RolePlayResultScreen(ConsoleScreen):
    """How the conversation went."""

    BINDINGS = keys.bindings("rpresult", "en")

    def __init__(self, path: Path, trainee: str) -> None:
        super().__init__()
        self.path = Path(path)
        self.trainee = trainee
        self.record: Record | None = None
        self.result: RolePlayResult | None = None
        self.title_text: dict[str, str] = {}
        self.trend: list[dict[str, Any]] = []
        self.endings: dict[str, Text_] = {}
        """The role-play's endings' labels (from its scenario)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="rp-result"):
            yield Static(id="rp-summary")
            yield Static(id="rp-steps")
            yield Static(id="rp-curve-title", classes="section-title")
            yield Sparkline([0.0], id="rp-curve")
            yield Static(id="rp-hurts")
            yield Static(id="rp-trend")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        self.query_one("#rp-summary", Static).update(tr("replay.loading", self.lang))
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        """Score the conversation, file it as practice, and read the trainee's earlier results."""
        from engine.errors import DrillError
        from engine.runtime import read, setup_from
        from scoring.history import History
        from scoring.roleplay import summarise

        try:
            record = read(self.path)
            scenario = setup_from(record).scenarios()[0]
            result = summarise(record.events, scenario)
        except DrillError as exc:
            self.app.call_from_thread(self.notify, str(exc).splitlines()[0], severity="error", markup=False)
            return
        trend: list[dict[str, Any]] = []
        saved = False
        if self.trainee and record.complete:
            try:
                with History() as history:
                    saved = history.add(self.path)
                    trend = history.results(person=self.trainee, scenario=scenario.model.id, kind="practice")
            except DrillError as exc:
                self.app.call_from_thread(self.notify, str(exc).splitlines()[0], severity="warning", markup=False)
        base = setup_from(record).sources[0].model.title  # the role-play's, whichever owner was met
        title = {"zh": base.get("zh"), "en": base.get("en")}
        self.endings = {eid: e.label for eid, e in scenario.model.endings.items() if e.label is not None}
        self.app.call_from_thread(self._loaded, record, result, title, trend, saved)

    def _loaded(
        self, record: Record, result: RolePlayResult, title: dict[str, str], trend: list[dict[str, Any]], saved: bool
    ) -> None:
        self.record, self.result, self.title_text, self.trend = record, result, title, trend
        if saved:
            self.notify(tr("rp.saved", self.lang))
        self.relabel()

    def relabel(self) -> None:
        """Redraw in the current language."""
        result = self.result
        if result is None:
            return
        lang = self.lang
        ev = result.evaluation
        summary = Text()
        summary.append(tr("rp.result", lang, title=pick(self.title_text, lang)) + "\n", style="bold")
        verdict = tr("debrief.pass" if ev.passed else "debrief.fail", lang)
        summary.append(
            tr("debrief.score", lang, score=f"{ev.score:.0f}", rating=ev.rating, verdict=verdict) + "\n",
            style="bold green" if ev.passed else "bold red",
        )
        incident = ev.incidents[0]
        outcome = Timeline([], lang).word(incident.outcome or "")
        for item in incident.caps:
            summary.append(f"{tr('debrief.caps', lang)}{colon(lang)}{pick(item, lang)}\n", style="yellow")
        if result.ending:
            ending = pick(self.endings.get(result.ending), lang) or result.ending
            outcome_text = f"（{outcome}）" if lang == "zh" else f" ({outcome})"
            summary.append(tr("rp.ending", lang, ending=ending) + outcome_text + "\n")
        self.query_one("#rp-summary", Static).update(Wrapped(summary))
        steps = Text(tr("rp.steps", lang) + "\n", style="bold")
        for step in result.steps:
            done = step.status != "missed"
            mark = "✓" if step.status == "done" else "~" if done else "✗"
            when = f"  {sim_time(step.t)}" if step.t is not None else ""
            status = tr(f"status.{step.status}", lang)
            steps.append(f" {mark} {pick(step.label, lang)}{when}  ", style="green" if step.status == "done" else "red")
            steps.append(f"{status}\n", style="dim")
        self.query_one("#rp-steps", Static).update(Wrapped(steps))
        self.query_one("#rp-curve-title", Static).update(tr("rp.curve", lang))
        self.query_one("#rp-curve", Sparkline).data = _sampled(result.curve)
        hurts = Text(tr("rp.hurts", lang) + "\n", style="bold")
        if not result.hurts and not result.red_lines:
            hurts.append(f" {tr('rp.no_hurts', lang)}\n", style="green")
        for tried in result.red_lines:
            # Stopped by strict mode, so never said; but it was tried, and the trainee should see it.
            hurts.append(f" {sim_time(tried.t)} {tr('rp.red_line_tried', lang)} ", style="red")
            hurts.append(f"“{pick(tried.label, lang)}”\n")
            for reason in tried.reasons[:1]:
                hurts.append(f"    {pick(reason, lang)}\n", style="dim")
        for hurt in result.hurts[:5]:
            hurts.append(f" {sim_time(hurt.t)} +{hurt.rise:.0f} ", style="red")
            hurts.append(f"“{pick(hurt.label, lang)}”\n")
            if hurt.why:
                hurts.append(f"    {pick(hurt.why, lang)}\n", style="dim")
        self.query_one("#rp-hurts", Static).update(Wrapped(hurts))
        trend = Text(tr("rp.trend", lang, scenario=pick(self.title_text, lang)) + "\n", style="bold")
        if len(self.trend) <= 1:
            trend.append(f" {tr('rp.trend_none', lang)}\n", style="dim")
        for row in self.trend[-8:] if len(self.trend) > 1 else []:
            score = row.get("score")
            bar = "█" * round((score or 0) / 10)
            shown = "-" if score is None else f"{score:.0f}"
            trend.append(f" {row['started']}  {bar:<10} {shown:>3}  {row.get('rating') or ''}\n")
        self.query_one("#rp-trend", Static).update(Wrapped(trend))

    # Actions -----------------------------------------------------------------------------------

    def _again(self, same: bool) -> None:
        from engine.format import load_scenario

        if self.record is None:
            return
        incident = self.record.header.incidents[0]
        persona = incident.persona or None
        if not same:
            dialogue = load_scenario(incident.path).model.dialogue
            others = sorted(p for p in (dialogue.personas if dialogue else {}) if p != persona)
            persona = random.choice(others) if others else persona
        self.post_message(StartRolePlay(incident.path, persona, self.record.header.mode, self.trainee))

    def action_again(self) -> None:
        """Practise again with the same owner."""
        self._again(True)

    def action_new_owner(self) -> None:
        """Practise again with another owner."""
        self._again(False)

    def action_replay(self) -> None:
        """Replay the conversation event by event."""
        self.post_message(OpenReplay(self.path))

    def action_back(self) -> None:
        """Back to the start screen."""
        self.post_message(GoHome())


def _sampled(curve: tuple[tuple[float, float], ...], points: int = 60) -> list[float]:
    """The anger over the call's minutes, sampled evenly (the follow-up days later is the last point)."""
    if not curve:
        return [0.0]
    talk = [c for c in curve if c[0] <= curve[0][0] + 240] or list(curve)
    end = max(talk[-1][0], 1e-9)
    out: list[float] = []
    index = 0
    for k in range(points):
        t = end * k / (points - 1)
        while index + 1 < len(talk) and talk[index + 1][0] <= t:
            index += 1
        out.append(talk[index][1])
    if curve[-1][0] > end:
        out.append(curve[-1][1])
    return out
