"""The live drill: the clock runs, the room decides, the facilitator steers and rates.

The screen owns a :class:`engine.runtime.session.Session`. A 10 Hz interval calls ``session.tick()`` (the
engine's ``advance_to`` under the hood); the events of each tick come back as one
:class:`tui.messages.DrillEvents` message, which updates the feed, the situation, the actions open
now, the tasks and the score. Every facilitator key is one session call, written to the record
before the screen changes, so closing the terminal at any moment loses nothing.

The room key opens the drill to phones (:mod:`tui.room_link`): a web server on a thread of its
own, started by a worker so the clock never waits for it. From then on each tick also runs what
phones sent (on this thread, like every session call), the controller view shows one line about
the room (join code, who is online, what waits) and the projector view shows how to join: the QR
code when the terminal is tall enough, "扫码参演", the join code in big letters and the address.
The room closes when the drill does, or when the screen goes.
"""

from __future__ import annotations

import time
from typing import Any

from rich.markup import escape
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from engine.display import sim_time
from engine.format import AnyEvent, ValuesChanged, VariableStepped
from engine.runtime import Session, Timeline
from tui import keys
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.inject_picker import Choice, InjectDialog
from tui.dialogs.room import RoomDialog
from tui.dialogs.text_entry import TextDialog
from tui.i18n import pick, tr
from tui.lines import style_of
from tui.messages import DrillEvents, DrillFinished
from tui.room_link import RoomLink
from tui.screens.base import SessionScreen
from tui.widgets.clock_bar import ClockBar
from tui.widgets.feed import Feed
from tui.widgets.footer import ConsoleFooter
from tui.widgets.join_card import QR_ROWS, JoinCard, spaced
from tui.widgets.situation_view import SituationView
from tui.wrapping import Wrapped

SCORE_EVERY = 0.25
"""Least seconds between two live score computations (scoring reads the whole record)."""

QUIET = (VariableStepped, ValuesChanged)
"""Events that never change the score: no rescoring for a batch of only these."""

PROJECTOR_QR_NEED = QR_ROWS + 19
"""Terminal rows the projector view needs to show the room's QR code and still the drill under it."""


class LiveScreen(SessionScreen):
    """Run one drill."""

    BINDINGS = keys.bindings("live", "en")

    def __init__(self, session: Session, *, banner: str = "", approve: bool = False) -> None:
        super().__init__(session)
        self.approve = approve
        """Whether decisions from phones wait for the facilitator's accept (the set-up's choice)."""
        self.link: RoomLink | None = None
        """The drill room, once the room key has opened it."""
        self._room_seen: set[str] = set()
        self._room_status = ""
        self.projector = False
        self.banner = banner
        self.score: tuple[float, str] | None = None
        self._scored_at = 0.0
        self._options: tuple[tuple[int, str, str], ...] | None = None
        self._tasks: list[tuple[int, str]] = []
        self._task_signature: tuple[str, tuple[str, ...]] | None = None
        self._upcoming = ""

    # Layout ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        scenarios = self.session.scenarios
        yield Header(show_clock=False)
        yield ClockBar(scenarios, id="clock")
        yield JoinCard(id="join-card")
        with Horizontal(id="live-body"):
            with VerticalScroll(id="side"):
                yield Static(id="room-status")
                yield SituationView(scenarios, id="situation")
                yield Static(id="tasks-title", classes="controller section-title")
                yield OptionList(id="tasks", classes="controller")
                yield Static(id="upcoming", classes="controller")
                yield SituationView(scenarios, values_only=True, id="values")
            with Vertical(id="main"):
                yield Feed(id="feed")
                yield Static(id="actions-title", classes="section-title")
                yield OptionList(id="actions")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        self.collector.take()  # the past is drawn from the drill's events (a resumed or forked drill has one)
        self.relabel()
        self.call_after_refresh(self.query_one("#feed", Feed).show)  # once the feed knows its size
        self.query_one("#actions", OptionList).focus()
        if self.session.origin is not None:
            self.notify(tr("live.forked", self.lang, t=sim_time(self.session.origin.t)))
        elif self.banner == "resumed":
            self.notify(tr("live.resumed", self.lang))
        self.draw_room()
        self.start_clock()

    def relabel(self) -> None:
        """Redraw every text in the current language."""
        self.sub_title = self.heading()
        self.timeline = Timeline(self.session.scenarios, self.lang)
        feed = self.query_one("#feed", Feed)
        feed.lines.clear()
        for event in self.session.drill.events[-1000:]:  # the feed in the new language
            self._feed_line(feed, event)
        feed.show()
        self.query_one("#actions-title", Static).update(tr("live.actions", self.lang))
        self.query_one("#tasks-title", Static).update(tr("live.rubric", self.lang))
        self._options = None
        self._task_signature = None
        self._room_status = ""
        self.redraw(rescore=True)
        self.draw_room()

    # The clock ---------------------------------------------------------------------------------

    def on_drill_events(self, message: DrillEvents) -> None:
        feed = self.query_one("#feed", Feed)
        for event in message.events:
            self._feed_line(feed, event)
        feed.show()
        rescore = not all(isinstance(e, QUIET) for e in message.events)
        self.redraw(rescore=rescore)
        self.finish_once()

    def _feed_line(self, feed: Feed, event: AnyEvent) -> None:
        line = self.timeline.line(event)
        if line is None:
            return
        feed.add(Text(line, style=style_of(event)))

    # Drawing -----------------------------------------------------------------------------------

    def redraw(self, *, rescore: bool = False) -> None:
        """Redraw the situation, the actions, the tasks and the clock bar."""
        if rescore:
            self._rescore()
        for view in self.query(SituationView):
            view.situation = self.session.situation
            view.lang = self.lang
            view.projector = self.projector
            view.redraw()
        self._draw_actions()
        self._draw_tasks()
        self._draw_upcoming()
        self.draw_clock()

    def _rescore(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._scored_at < SCORE_EVERY and self.score is not None:
            self.set_timer(SCORE_EVERY, lambda: self._rescore(force=True))
            return
        self._scored_at = now
        from scoring.evaluation import evaluate

        result = evaluate(self.session.drill.events, self.session.scenarios)
        self.score = (result.score, result.rating)

    def draw_clock(self) -> None:
        clock = self.session.clock
        self.query_one("#clock", ClockBar).show(
            self.session.situation,
            now=self.session.now,
            speed=clock.speed,
            paused=clock.paused,
            lang=self.lang,
            score=None if self.projector else self.score,
            banner=(
                "■ " + tr("live.broken", self.lang)
                if self.stopped is not None
                else tr("live.projector", self.lang)
                if self.projector
                else ""
            ),
        )

    def _draw_actions(self) -> None:
        drill = self.session.drill
        options = tuple((o.incident, o.role, o.action) for o in drill.options()) if not drill.finished else ()
        if options == self._options:
            return
        self._options = options
        widget = self.query_one("#actions", OptionList)
        keep = widget.highlighted_option.id if widget.highlighted_option is not None else None
        widget.clear_options()
        lang = self.lang
        many = len(self.session.scenarios) > 1
        by_role: dict[tuple[int, str], list[tuple[int, str, str]]] = {}
        for option in options:
            by_role.setdefault((option[0], option[1]), []).append(option)
        items: list[Option] = []
        for (incident, role), group in by_role.items():
            model = self.session.scenarios[incident].model
            role_label = pick(model.roles[role].label, lang) if role in model.roles else role
            head = f"── {'#' + str(incident + 1) + ' ' if many else ''}{role_label}"
            items.append(Option(Wrapped(Text(head, style="bold")), disabled=True))
            for _inc, _role, action in group:
                label = pick(model.actions[action].label, lang)
                warn = "" if self.projector or not drill.breaches(incident, action) else "  ⚠"
                items.append(Option(Wrapped(f"  {label}{warn}"), id=f"{incident}|{role}|{action}"))
        if not items:
            items.append(Option(Wrapped(tr("live.no_actions", lang)), disabled=True))
        widget.add_options(items)
        ids = [o.id for o in items]
        if keep is not None and keep in ids:
            widget.highlighted = ids.index(keep)
        else:
            first = next((i for i, o in enumerate(items) if not o.disabled), None)
            widget.highlighted = first

    def _draw_tasks(self) -> None:
        widget = self.query_one("#tasks", OptionList)
        lang = self.lang
        sit = self.session.situation
        tasks: list[tuple[int, str]] = []
        items: list[Option] = []
        for index, sc in enumerate(self.session.scenarios):
            rubric = sc.model.rubric
            if rubric is None:
                continue
            for objective in rubric.objectives.values():
                for tid, task in objective.tasks.items():
                    done = any(a in sit.incidents[index].decided for a in task.actions)
                    rating = sit.ratings.get((index, f"task:{tid}"))
                    mark = "✓" if done else "·"
                    text = f"{mark} {pick(task.label, lang)}" + (f" [{rating}]" if rating else "")
                    items.append(Option(Wrapped(text), id=f"{index}|{tid}"))
                    tasks.append((index, tid))
        signature = (lang, tuple(str(o.prompt) for o in items))
        if signature == self._task_signature:
            return  # unchanged: rebuilding the list every tick would cost a repaint for nothing
        self._task_signature = signature
        keep = widget.highlighted
        widget.clear_options()
        if items:
            widget.add_options(items)
            widget.highlighted = min(keep or 0, len(items) - 1)
        else:
            widget.add_option(Option(Wrapped(tr("live.no_task", lang)), disabled=True))
        self._tasks = tasks

    def _draw_upcoming(self) -> None:
        lang = self.lang
        lines = [f"[b]{tr('live.upcoming', lang)}[/b]"]
        now = self.session.now
        for inc in self.session.drill.incidents:
            if inc.ended:
                continue
            for inject in inc.sc.injects:
                if inject.id in inc.delivered:
                    continue
                model = inc.sc.model.injects[inject.id]
                when = sim_time(inc.start_at + inject.at) if inject.at is not None else tr("live.on_condition", lang)
                if inject.at is not None and inc.start_at + inject.at < now:
                    continue
                text = pick(model.message, lang)
                lines.append(f"{when} {text[:60]}")
        text = "\n".join([lines[0], *(escape(x) for x in lines[1:6])])
        if text != self._upcoming:
            self._upcoming = text
            self.query_one("#upcoming", Static).update(text)

    # Deciding ----------------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "actions" and event.option.id:
            incident, role, action = str(event.option.id).split("|")
            self.decide(int(incident), role, action)
        elif event.option_list.id == "tasks":
            pass  # highlighting is enough: 1-4 rate the highlighted task

    def decide(self, incident: int, role: str, action: str) -> None:
        """Submit the team's decision now; tell the room what became of it."""
        if self.session.finished:
            return
        verdict = self.safely(lambda: self.session.submit(role, action, incident))
        if verdict is None:
            return
        model = self.session.scenarios[incident].model
        lang = self.lang
        what = pick(model.actions[action].label, lang)
        if verdict.status == "refused":
            why = "；".join(pick(b.detail, lang) for b in verdict.breaches)
            self.notify(tr("live.refused", lang, what=what, why=why), severity="error", timeout=8, markup=False)
        elif verdict.status == "unavailable":
            self.notify(tr("live.unavailable", lang, what=what), severity="warning", markup=False)
        else:
            self._focus_task(incident, action)
        self.flush()

    def _focus_task(self, incident: int, action: str) -> None:
        rubric = self.session.scenarios[incident].model.rubric
        if rubric is None:
            return
        for objective in rubric.objectives.values():
            for tid, task in objective.tasks.items():
                if action in task.actions and (incident, tid) in self._tasks:
                    self.query_one("#tasks", OptionList).highlighted = self._tasks.index((incident, tid))
                    return

    # Facilitator's keys ------------------------------------------------------------------------

    def action_skip(self) -> None:
        """Jump to the next thing that will happen."""
        if not self.session.finished:
            self.safely(self.session.skip)
            self.flush()
            self.draw_clock()

    def action_rate(self, rating: str) -> None:
        """Rate the highlighted critical task P, S, M or U."""
        widget = self.query_one("#tasks", OptionList)
        if not self._tasks or widget.highlighted is None:
            self.notify(tr("live.no_task", self.lang), severity="warning")
            return
        incident, tid = self._tasks[widget.highlighted]
        self.session.rate(f"task:{tid}", rating, incident=incident)
        label = ""
        rubric = self.session.scenarios[incident].model.rubric
        for objective in rubric.objectives.values() if rubric else ():
            if tid in objective.tasks:
                label = pick(objective.tasks[tid].label, self.lang)
        self.notify(tr("live.rated", self.lang, task=label, rating=rating), markup=False)
        self.flush()

    def action_task(self, step: int) -> None:
        """Move the task highlight (which task 1-4 rate)."""
        widget = self.query_one("#tasks", OptionList)
        if self._tasks:
            widget.highlighted = ((widget.highlighted or 0) + step) % len(self._tasks)

    def action_bookmark(self) -> None:
        """Mark this moment for the debrief."""
        self.session.note("", kind="bookmark")
        self.notify(tr("live.bookmarked", self.lang, t=sim_time(self.session.now)))
        self.flush()

    def action_note(self) -> None:
        """Write down an observation (the clock keeps running)."""

        def done(text: str | None) -> None:
            if text:
                self.session.note(text)
                self.notify(tr("live.noted", self.lang))
                self.flush()

        self.app.push_screen(TextDialog(tr("dlg.note", self.lang)), done)

    def action_inject(self) -> None:
        """Deliver one of the scenario's injects now, or announce one of your own."""
        if self.session.finished:
            return
        lang = self.lang
        choices = []
        for inc in self.session.drill.incidents:
            if not inc.live or inc.ended:
                continue
            for inject in inc.sc.injects:
                if inject.id not in inc.delivered:
                    choices.append((inc.index, inject.id, pick(inc.sc.model.injects[inject.id].message, lang)))

        def done(choice: Choice | None) -> None:
            if choice is None or self.session.finished:
                return
            if choice[0] == "scenario" and len(choice) == 3:
                incident, inject = int(choice[1]), str(choice[2])
                self.safely(lambda: self.session.fire(incident, inject))
            elif len(choice) == 2:
                self.session.note(str(choice[1]), kind="inject")
            self.flush()

        self.app.push_screen(
            InjectDialog(tr("dlg.inject", lang), tr("dlg.inject.free", lang), tr("dlg.inject.none", lang), choices),
            done,
        )

    def action_withdraw(self) -> None:
        """Withdraw the latest decision whose action has not finished (a mis-keyed one), after asking."""
        if self.session.finished or self.stopped is not None:
            return
        lang = self.lang
        running = self.session.drill.withdrawable()
        if not running:
            self.notify(tr("live.nothing_to_withdraw", lang), severity="warning")
            return
        seq, incident, action = max(running)
        decision = next((e for e in reversed(self.session.drill.events) if e.seq == seq), None)
        model = self.session.scenarios[incident].model
        role = getattr(decision, "role", "")
        who = pick(model.roles[role].label, lang) if role in model.roles else role
        what = pick(model.actions[action].label, lang)
        when = sim_time(float(decision.t)) if decision is not None else ""

        def done(yes: bool | None) -> None:
            if not yes or self.session.finished:
                return
            from engine.errors import EngineError

            try:
                self.session.withdraw(seq)
            except EngineError:  # it finished while the question was open
                self.notify(tr("live.nothing_to_withdraw", self.lang), severity="warning")
                return
            self.notify(tr("live.withdrawn", self.lang, what=what), markup=False)
            self._options = None
            self.flush()

        question = tr("live.withdraw_confirm", lang, t=when, who=who, what=what)
        self.app.push_screen(ConfirmDialog(question, tr("dlg.yes", lang), tr("dlg.no", lang)), done)

    def action_toggle_view(self) -> None:
        """Projector view (for the room) or controller view (everything)."""
        self.projector = not self.projector
        self.set_class(self.projector, "projector")
        self._options = None
        self.redraw()
        self.draw_room()

    def finish(self) -> None:
        """The drill is over: the room closes (phones see the end), then on to the debrief."""
        self.session.close()
        self.close_room()
        self.post_message(DrillFinished(self.session.path))

    # The drill room ----------------------------------------------------------------------------

    def action_room(self) -> None:
        """Open the drill to phones (the first time), then show how to join, who is in and what waits."""
        lang = self.lang
        if self.link is not None:
            if self.link.serving:
                self.app.push_screen(RoomDialog(self.link, lang))
            return  # still starting: the dialog opens when it listens
        if self.session.finished or self.stopped is not None:
            self.notify(tr("room.over", lang), severity="warning")
            return
        self.link = RoomLink(self.dsapp.room_host, self.dsapp.room_port)
        self.notify(tr("room.starting", lang))
        self._listen(self.link)

    @work(thread=True, exclusive=True, group="room")
    def _listen(self, link: RoomLink) -> None:
        """Start the room's server (off the console's thread: the web stack loads the first time)."""
        try:
            link.listen()
        except Exception as exc:  # noqa: BLE001 - one line for the facilitator, never a traceback
            why = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
            self._hand_back(link, lambda: self._room_failed(link, why))
            return
        self._hand_back(link, lambda: self._room_listening(link))

    def _hand_back(self, link: RoomLink, step: Any) -> None:
        """Run ``step`` on the console's thread; if the console has gone, close what was opened."""
        try:
            self.app.call_from_thread(step)
        except RuntimeError:  # the app stopped while the server started
            link.stop()

    def _room_failed(self, link: RoomLink, why: str) -> None:
        if self.link is link:
            self.link = None
        port = link.taken[-1] if link.taken else link.port
        self.notify(tr("room.cannot", self.lang, host=link.host, port=port, why=why), severity="error", markup=False)

    def _room_listening(self, link: RoomLink) -> None:
        """The server listens: put the drill in it (here, on the session's thread) and show the dialog."""
        if self.link is not link or self.session.finished or not self.is_attached:
            link.stop()  # the drill ended, or the screen went, while the server started
            return
        lang = self.lang
        if link.taken:
            taken = "、".join(map(str, link.taken)) if lang == "zh" else ", ".join(map(str, link.taken))
            self.notify(tr("room.port_taken", lang, taken=taken, port=link.port), severity="warning")
        link.open(self.session, approve=self.approve, lang=lang)
        self.notify(tr("room.opened", lang, url=link.base_url), markup=False)
        self.draw_room()
        self.app.push_screen(RoomDialog(link, lang))

    def tick(self) -> None:
        """Run what phones sent, then the clock's tick; then follow the room."""
        link = self.link
        if link is not None and link.serving:
            link.pump()
        super().tick()
        if link is not None and link.serving:
            self._follow_room()

    def _follow_room(self) -> None:
        """Tell the facilitator of each new proposal, and keep the room's status line current."""
        room = self.link.room if self.link is not None else None
        if room is None:
            return
        lang = self.lang
        if room.approve:
            told = isinstance(self.app.screen, RoomDialog)  # its list shows every proposal already
            for item in room.pending_list(lang):
                if item["id"] in self._room_seen:
                    continue
                self._room_seen.add(str(item["id"]))
                if told:
                    continue
                self.notify(
                    tr("room.proposed", lang, who=item["who"], role=item["role"], what=item["what"]),
                    timeout=8,
                    markup=False,
                )
        self.draw_room()

    def draw_room(self) -> None:
        """The room's line (controller view) or how to join (projector view); neither before it opens."""
        link = self.link
        serving = link is not None and link.serving
        card = self.query_one("#join-card", JoinCard)
        status = self.query_one("#room-status", Static)
        card.display = serving and self.projector
        status.display = serving and not self.projector
        if link is None or link.room is None or not serving:
            return
        lang = self.lang
        if self.projector:
            card.show(
                code=link.code,
                join_url=link.join_url,
                base_url=link.base_url,
                lang=lang,
                qr_fits=self.app.size.height >= PROJECTOR_QR_NEED,
                qr_need=PROJECTOR_QR_NEED,
            )
            return
        room = link.room
        online = sum(1 for person in room.people(lang) if person["connected"])
        if room.approve:
            text = tr("room.status", lang, code=spaced(link.code), online=online, pending=len(room.pending))
        else:
            text = tr("room.status.now", lang, code=spaced(link.code), online=online)
        if text != self._room_status:
            self._room_status = text
            status.update(Text(text, style="bold"))

    def on_resize(self, _event: events.Resize) -> None:
        self.draw_room()  # the QR code shows on the projector only in a tall enough terminal

    def close_room(self) -> None:
        """Close the drill room, if open: phones get a last update and the server stops."""
        link, self.link = self.link, None
        if link is None:
            return
        if isinstance(self.app.screen, RoomDialog):
            self.app.pop_screen()
        link.stop()

    def on_unmount(self) -> None:
        self.close_room()  # the base class then closes the session
