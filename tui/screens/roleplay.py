"""Customer-service role-play: the owner speaks, the trainee answers, the clock runs.

The conversation is a drill of the scenario's dialogue (see :mod:`engine.format.dialogue`), held by a
:class:`engine.runtime.session.Session` like any live drill, so it is recorded, replayable and scored the
same way. The owner's anger and patience are meters; silence costs patience, so the clock runs
while the trainee thinks. The trainee picks a reply, or types their own words (``t``), which the
coach judges with one key. When the call is over, the follow-up call closes the loop days later in
sim time; the result screen then shows the five steps, the lines that hurt and the anger curve.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from engine.display import REPLIES, wrap
from engine.format import (
    AFTER_CALL,
    CALL_BACK,
    MOVES,
    ActionDone,
    AnyEvent,
    DecisionMade,
    Finding,
    IncidentStarted,
    StateChanged,
    VariableStepped,
)
from engine.runtime import Session
from scoring.roleplay import mood_word
from tui import keys
from tui.dialogs.judge import JudgeDialog
from tui.dialogs.text_entry import TextDialog
from tui.i18n import pick, tr
from tui.messages import DrillEvents, RolePlayFinished
from tui.screens.base import SessionScreen
from tui.widgets.clock_bar import clock_text
from tui.widgets.footer import ConsoleFooter
from tui.widgets.situation_view import meter
from tui.wrapping import Wrapped

if TYPE_CHECKING:
    from engine.format import Dialogue

SPEED = 2.0
"""Role-play clock speed: thinking time costs the owner's patience twice as fast as real time."""

MIN_REPLIES = REPLIES.lines
"""Rows the reply list keeps at least: the longest reply the linter allows shows whole, and the rest scroll."""

MIN_TALK = 4
"""Rows the conversation keeps at least."""

KEPT = 50
"""Entries of the conversation remembered to size it (far more than ever fit on the screen)."""

BULLET = "· "
"""Each reply starts with it, and its wrapped lines are indented under the text: one reply ends where
the next bullet begins."""


class RolePlayScreen(SessionScreen):
    """One conversation with one owner."""

    END_QUESTION = "rp.end_confirm"

    BINDINGS = keys.bindings("roleplay", "en")

    def __init__(self, session: Session, trainee: str) -> None:
        super().__init__(session)
        self.trainee = trainee
        self.sc = session.scenarios[0]
        base = session.setup.sources[0].model
        assert base.dialogue is not None
        self.dialogue: Dialogue = base.dialogue
        self.persona_id = str(session.setup.for_seed(session.header.seed).personas[0])
        self.persona = self.dialogue.personas[self.persona_id]
        self.coach = True
        self._options: tuple[str, ...] | None = None
        self._mood = float(self.sc.initial_values.get("mood", 0))
        self._recent: list[tuple[str, str]] = []
        """The conversation's newest entries as ``(who, plain text)``: who is ``owner``, ``you`` or ``""``."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(id="rp-top")
        with Horizontal(id="rp-body"):
            with Vertical(id="rp-main"):
                yield RichLog(id="rp-talk", wrap=True, markup=False, min_width=20, auto_scroll=False)
                yield Static(id="rp-replies-title", classes="section-title")
                yield OptionList(id="rp-replies")
            yield Static(id="rp-coach", classes="controller")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        talk = self.query_one("#rp-talk", RichLog)
        for event in self.session.drill.events:
            self._say(talk, event)
        self.collector.take()
        self.relabel()
        self.query_one("#rp-replies", OptionList).focus()
        self.session.clock.resume()  # the owner is already talking: silence costs patience from now
        self.start_clock()

    def relabel(self) -> None:
        """Redraw in the current language."""
        self.sub_title = self.heading(self.trainee)
        self.query_one("#rp-replies-title", Static).update(tr("rp.replies", self.lang))
        self._options = None
        self.redraw()

    # Clock and events --------------------------------------------------------------------------

    def on_drill_events(self, message: DrillEvents) -> None:
        talk = self.query_one("#rp-talk", RichLog)
        for event in message.events:
            self._say(talk, event)
        self.redraw()
        self.finish_once()

    def _say(self, talk: RichLog, event: AnyEvent) -> None:
        """One event as the conversation reads."""
        lang = self.lang
        model = self.sc.model
        owner = pick(model.roles[self.dialogue.owner].label, lang)
        colon = "：" if lang == "zh" else ": "
        match event:
            case IncidentStarted(state=state):
                said = owner + colon + pick(model.states[state].narration, lang)
                self._write(talk, Text(said, style="bold yellow"), who="owner")
            case StateChanged(to=to) if to == AFTER_CALL:
                self._write(talk, Text(tr("rp.call_over", lang), style="dim"))
            case StateChanged(to=to) if to in model.states:
                narration = pick(model.states[to].narration, lang)
                if to in self.dialogue.turns:
                    self._write(talk, Text(owner + colon + narration, style="bold yellow"), who="owner")
                else:
                    self._write(talk, Text(narration, style="italic"))
            case StateChanged(to=to) if to in model.endings:
                self._write(talk, Text(pick(model.endings[to].narration, lang), style="bold reverse"))
            case DecisionMade():
                self._said(talk, event)
            case ActionDone(changes=changes) if "mood" in changes:
                new = float(changes["mood"])
                delta = new - self._mood
                self._mood = new
                if delta:
                    style = "red" if delta > 0 else "green"
                    self._write(talk, Text(f"   {tr('rp.anger', lang)} {delta:+.0f} → {new:.0f}", style=style))
            case VariableStepped(var="mood", value=value):
                self._mood = float(value)
            case Finding(detail=detail):
                self._write(talk, Text("⚠ " + (detail.get(lang) or next(iter(detail.values()), "")), style="red"))

    def _said(self, talk: RichLog, decision: DecisionMade) -> None:
        """What the trainee said (or tried to say: a refused reply is struck through, with why)."""
        lang = self.lang
        colon = "：" if lang == "zh" else ": "
        act = self.sc.model.actions.get(decision.action)
        said = decision.note or (pick(act.label, lang) if act else decision.action)
        move = act.spoken.judged_as if act is not None and act.spoken is not None else None
        if move is not None:
            said += "（" + tr("rp.judged", lang, move=pick(MOVES[move].label, lang)) + "）"
        if decision.action == CALL_BACK and decision.status == "accepted":
            days = f"{self.dialogue.follow_up_after / 1440:g}"
            self._write(talk, Text(tr("rp.days_later", lang, days=days), style="dim"))
        style = "bold" if decision.status == "accepted" else "strike dim"
        who = "you" if decision.status == "accepted" else "refused"
        self._write(talk, Text(tr("rp.you", lang) + colon + said, style=style), who=who)
        if decision.status == "refused":
            why = "；".join((r.detail.get(lang) or next(iter(r.detail.values()))) for r in decision.reasons or [])
            self._write(talk, Text("✗ " + why, style="bold red"))

    def _write(self, talk: RichLog, text: Text, *, who: str = "") -> None:
        """Add ``text`` to the conversation (``who``: ``owner``, ``you``, ``refused`` or nobody), and
        remember it for :meth:`_fit_talk`."""
        self._recent = [*self._recent[-(KEPT - 1) :], (who, text.plain)]
        talk.write(Wrapped(text))

    # Drawing -----------------------------------------------------------------------------------

    def redraw(self) -> None:
        self.draw_clock()
        self._draw_options()
        self._draw_coach()
        self._fit_talk()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_talk)

    def _fit_talk(self) -> None:
        """Give the conversation the rows its newest exchange needs, and the replies the rest.

        The newest exchange is the trainee's reply the owner answered, and the answer: both show whole
        when they fit. If not, the owner's latest words do (a scenario's line takes at most
        :data:`engine.display.TALK`'s rows), and the replies keep at least :data:`MIN_REPLIES` rows to
        scroll through. Rows the replies do not need go to the conversation. When refused replies
        pile up under the owner's words, the words stay at the top and the newest lines scroll; once
        the trainee's reply is said, the conversation shows its end.
        """
        talk = self.query_one("#rp-talk", RichLog)
        replies = self.query_one("#rp-replies", OptionList)
        main = self.query_one("#rp-main").size.height
        width = talk.scrollable_content_region.width  # what the conversation's lines were wrapped to
        if main <= 0 or width <= 0:
            return
        room = max(MIN_TALK, main - 1 - MIN_REPLIES)  # 1: the replies' title

        def rows(entries: list[tuple[str, str]]) -> int:
            return sum(len(wrap(text, width)) for _who, text in entries)

        whos = [who for who, _text in self._recent]
        owner = max((i for i, who in enumerate(whos) if who == "owner"), default=0)
        waiting = "you" in whos[owner + 1 :]  # the trainee has answered; the owner's reply is to come
        answered = max((i for i, who in enumerate(whos[:owner]) if who == "you"), default=owner)
        want = rows(self._recent[owner if waiting else answered :])
        if want > room:
            want = rows(self._recent[owner:])
        lines = max(1, replies.size.width - len(BULLET) - 2)  # less the bullet's hang and a scrollbar
        needed = sum(len(wrap(str(o.prompt), lines)) for o in replies.options)
        height = max(MIN_TALK, min(want, room), main - 1 - needed)
        if talk.styles.height is None or talk.styles.height.value != height:
            talk.styles.height = height
        since_owner = rows(self._recent[owner:])  # the conversation scrolls here, not as it is written
        if since_owner > height and not waiting:  # refusals after the owner's words: the words stay on top
            top = max(0, len(talk.lines) - since_owner)
            talk.call_after_refresh(talk.scroll_to, y=top, animate=False)
        else:
            talk.call_after_refresh(talk.scroll_end, animate=False)

    def draw_clock(self) -> None:
        lang = self.lang
        values = self.session.situation.incidents[0].values
        anger, patience = float(values.get("mood", 0)), float(values.get("patience", 0))
        word = mood_word(anger, self.dialogue.calm_below, self.dialogue.escalate_at)
        clock = self.session.clock
        state = "■" if self.session.finished else "⏸" if clock.paused else "▶"
        top = Text()
        top.append(pick(self.persona.label, lang) + "\n", style="bold")
        colour = "red" if anger >= self.dialogue.calm_below else "green"
        top.append(f"{tr('rp.anger', lang)} ")
        top.append(meter(anger, 0, 100), style=colour)
        top.append(f" {anger:.0f} {tr('rp.mood.' + word, lang)}   ", style="bold " + colour)
        top.append(f"{tr('rp.patience', lang)} ")
        top.append(meter(patience, 0, 100), style="yellow" if patience < 30 else "cyan")
        top.append(f" {patience:.0f}   {state} {clock_text(self.session.now)} ×{clock.speed:g}")
        self.query_one("#rp-top", Static).update(top, layout=False)

    def _draw_options(self) -> None:
        drill = self.session.drill
        options = tuple(o.action for o in drill.options() if not o.coach_judged)
        if drill.finished or self.session.situation.work:
            options = ()  # while a reply is being said, the owner has not answered yet
        if options == self._options:
            return
        self._options = options
        widget = self.query_one("#rp-replies", OptionList)
        widget.clear_options()
        lang = self.lang
        # Shuffled by the drill's seed and the turn: the best reply is not always the first one, so
        # practice does not become memorising positions (display order only; the record is unchanged).
        order = list(options)
        random.Random(f"{self.session.header.seed}:{self.session.situation.incidents[0].state}").shuffle(order)
        labels = {a: BULLET + pick(self.sc.model.actions[a].label, lang) for a in order}
        items = [Option(Wrapped(labels[a], hang=" " * len(BULLET)), id=a) for a in order]
        widget.add_options(items)
        if items:
            widget.highlighted = 0

    def _draw_coach(self) -> None:
        lang = self.lang
        text = Text()
        text.append(pick(self.persona.label, lang) + "\n", style="bold")
        text.append(pick(self.persona.about, lang) + "\n")
        if self.persona.cares:
            text.append(f"\n{tr('rp.cares', lang)}\n", style="bold")
            for care in self.persona.cares:
                text.append(f" • {pick(care, lang)}\n")
        text.append(f"\n{tr('rp.steps', lang)}\n", style="bold")
        decided = self.session.situation.incidents[0].decided
        rubric = self.sc.model.rubric
        for objective in rubric.objectives.values() if rubric else ():
            for task in objective.tasks.values():
                done = any(a in decided for a in task.actions)
                text.append(f" {'✓' if done else '·'} {pick(task.label, lang)}\n", style="green" if done else "dim")
        self.query_one("#rp-coach", Static).update(Wrapped(text))

    # Replies -----------------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.say(str(event.option.id))

    def _judged_action(self, move: str) -> str:
        """The free-reply action a coach's judgement ``move`` stands for (declared by the expansion)."""
        for action_id, act in self.sc.model.actions.items():
            if act.spoken is not None and act.spoken.judged_as == move:
                return action_id
        raise LookupError(f"the role-play has no free reply judged as {move!r}")

    def say(self, action: str, note: str | None = None) -> None:
        """The trainee says a reply (or the coach's judged free reply) now."""
        if self.session.finished:
            return
        verdict = self.safely(lambda: self.session.submit(self.dialogue.trainee, action, 0, note))
        if verdict is not None and verdict.accepted and action == CALL_BACK:
            self.flush()
            self.safely(self.session.run_to_end)  # days pass; nothing can be decided meanwhile
        elif verdict is not None and verdict.accepted:
            self.safely(self._answer)
        self.flush()

    def _answer(self) -> None:
        """Saying a reply takes its minutes of sim time, but no waiting in the room: straight to the
        owner's answer. Silence before the next reply runs on the clock again."""
        self.session.jump_to(self.session.now + 0.001)  # the reply begins (SimPy starts it next step)
        ends = [w.until for w in self.session.situation.busy() if w.until is not None]
        if ends:
            self.session.jump_to(max(ends) + 0.001)

    def action_type_reply(self) -> None:
        """Say it in your own words; the coach then judges it with one key."""
        lang = self.lang
        if self.session.finished or self.session.situation.incidents[0].state not in self.dialogue.turns:
            return

        def judged(said: str, move: str | None) -> None:
            if move is not None:
                self.say(self._judged_action(move), note=said)

        def typed(said: str | None) -> None:
            if said:
                labels = {m: pick(spec.label, lang) for m, spec in MOVES.items()}
                self.app.push_screen(JudgeDialog(tr("rp.judge", lang), said, labels), lambda m: judged(said, m))

        self.app.push_screen(TextDialog(tr("rp.type_prompt", lang)), typed)

    def action_toggle_coach(self) -> None:
        """Show or hide the coach's panel (the persona's notes and the five steps)."""
        self.coach = not self.coach
        self.query_one("#rp-coach").display = self.coach

    def finish(self) -> None:
        """On to the result."""
        self.session.close()
        self.post_message(RolePlayFinished(self.session.path, self.trainee))


def begin_roleplay(
    path: str, *, persona: str | None, mode: str, trainee: str, seed: int | None = None, record: Path | None = None
) -> Session:
    """A new role-play session: the scenario at ``path`` against ``persona`` (None: the seed picks one).

    Raises:
        DrillError: The scenario cannot be loaded, has no dialogue, or the record cannot be created.
    """
    from engine.runtime import header_for, prepare

    setup = prepare(path, persona=persona, roleplay=True)
    seed = seed if seed is not None else random.randrange(1, 1_000_000)
    dialogue = setup.sources[0].model.dialogue
    assert dialogue is not None
    people = [{"name": trainee, "role": dialogue.trainee}] if trainee else []
    header = header_for(setup, seed=seed, mode=mode, source="console", participants=people, kind="practice")
    return Session.begin(setup.for_seed(seed), header, path=record, speed=SPEED)
