"""The drill room, as the facilitator sees it: how to join, who is in, and the decisions waiting.

Opened over the live screen with its room key; the drill's clock keeps running underneath. The top
is the :class:`~tui.widgets.join_card.JoinCard` (QR code when the terminal is tall enough, the
join code, the address), then the link to send and the evaluators' link (which must never reach
the projector). Below, two lists: the people in the room (connected or not; ``d`` removes the one
highlighted) and, when decisions wait for the facilitator, the proposals (``a`` accepts the one
highlighted, ``x`` rejects it). Tab moves between the lists.

The lists follow the room through a Textual timer that reads :meth:`room.drillroom.DrillRoom.people`
and :meth:`~room.drillroom.DrillRoom.pending_list` on the console's thread (the server's thread
only fills them, under the room's lock) and redraws only when what they say has changed. Accepting
runs the decision on the console's thread too, like every session call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from engine.display import sim_time
from tui import keys
from tui.i18n import pick, tr
from tui.widgets.footer import ConsoleFooter
from tui.widgets.join_card import QR_ROWS, JoinCard
from tui.wrapping import Wrapped

if TYPE_CHECKING:
    from tui.room_link import RoomLink

REFRESH = 0.25
"""Seconds between two looks at who is in and what waits."""

QR_NEED = QR_ROWS + 14
"""Terminal rows the dialog needs to draw the QR code and still keep its lists in view."""


class RoomDialog(Screen[None]):
    """Who is in the room and what waits; accept, reject, remove.

    A full screen rather than a modal one: it needs every row for the QR code, and the console's
    own keys (F1 help, F2 language, F3 theme) must keep working while it shows; a modal screen
    would hold them back.

    Args:
        link: The open room.
        lang: The console's language now (``relabel`` follows it when it changes).
    """

    BINDINGS = keys.bindings("room", "en")

    def __init__(self, link: RoomLink, lang: str) -> None:
        super().__init__()
        self.link = link
        self.lang = lang
        self._people: list[dict[str, Any]] = []
        self._pending: list[dict[str, Any]] = []
        self._signature: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="room-box"):
            yield Static(id="room-title")
            yield JoinCard(id="room-card")
            yield Static(id="room-links")
            with Horizontal(id="room-lists"):
                with Vertical():
                    yield Static(id="people-title", classes="section-title")
                    yield OptionList(id="people")
                with Vertical():
                    yield Static(id="pending-title", classes="section-title")
                    yield OptionList(id="pending")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        self.redraw()
        self.set_interval(REFRESH, self.follow)
        room = self.link.room
        target = "#pending" if room is not None and room.approve else "#people"
        self.query_one(target, OptionList).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.redraw()

    def relabel(self) -> None:
        """Everything in the console's new language (the app calls this on F2)."""
        self.lang = str(getattr(self.app, "lang", self.lang))
        keys.localise(self, self.lang)
        self.redraw()

    # Drawing -----------------------------------------------------------------------------------

    def redraw(self) -> None:
        """Draw the card and the links, then the lists."""
        link, lang = self.link, self.lang
        room = link.room
        if room is None:  # the room closed under the dialog (the drill ended)
            self.dismiss(None)
            return
        mode = tr("room.mode.wait" if room.approve else "room.mode.now", lang)
        self.query_one("#room-title", Static).update(Text(f"{tr('room.title', lang)} · {mode}", style="bold"))
        self.query_one("#room-card", JoinCard).show(
            code=link.code,
            join_url=link.join_url,
            base_url=link.base_url,
            lang=lang,
            qr_fits=self.app.size.height >= QR_NEED,
            qr_need=QR_NEED,
        )
        lines = Text(tr("room.link", lang, url=link.join_url))
        lines.append("\n" + tr("room.evaluators", lang, url=link.evaluator_url), style="dim")
        self.query_one("#room-links", Static).update(Wrapped(lines))
        self._signature = None
        self.follow()

    def follow(self) -> None:
        """Redraw the lists if who is in, or what waits, has changed since the last look."""
        room = self.link.room
        if room is None:
            self.dismiss(None)
            return
        lang = self.lang
        people = room.people(lang)
        pending = room.pending_list(lang) if room.approve else []
        signature = (
            lang,
            tuple((p["id"], p["name"], p["role_label"], p["connected"]) for p in people),
            tuple(p["id"] for p in pending),
        )
        if signature == self._signature:
            return
        self._signature = signature
        self._people, self._pending = people, pending
        self._fill_people()
        self._fill_pending(room.approve)

    def _fill_people(self) -> None:
        lang = self.lang
        widget = self.query_one("#people", OptionList)
        self.query_one("#people-title", Static).update(tr("room.people", lang, n=len(self._people)))
        keep = widget.highlighted_option.id if widget.highlighted_option is not None else None
        widget.clear_options()
        if not self._people:
            widget.add_option(Option(Wrapped(tr("room.nobody", lang)), disabled=True))
            return
        items = []
        for person in self._people:
            mark, state = ("●", "room.online") if person["connected"] else ("○", "room.offline")
            text = Text(f"{mark} ")
            text.append(str(person["name"]), style="bold")
            text.append(f"  {person['role_label']} · {tr(state, lang)}")
            items.append(Option(Wrapped(text), id=str(person["id"])))
        widget.add_options(items)
        ids = [str(p["id"]) for p in self._people]
        widget.highlighted = ids.index(keep) if keep in ids else 0

    def _fill_pending(self, approve: bool) -> None:
        lang = self.lang
        widget = self.query_one("#pending", OptionList)
        self.query_one("#pending-title", Static).update(tr("room.pending", lang, n=len(self._pending)))
        keep = widget.highlighted_option.id if widget.highlighted_option is not None else None
        widget.clear_options()
        if not self._pending:
            empty = tr("room.no_pending" if approve else "room.no_approval", lang)
            widget.add_option(Option(Wrapped(empty), disabled=True))
            return
        items = []
        for item in self._pending:
            text = Text(f"{sim_time(float(item['t']))} ")
            text.append(str(item["who"]), style="bold")
            text.append(f"（{item['role']}）" if lang == "zh" else f" ({item['role']})")
            text.append(f"\n  {item['what']}")
            if item["note"]:
                text.append(f"\n  “{item['note']}”", style="italic")
            items.append(Option(Wrapped(text), id=str(item["id"])))
        widget.add_options(items)
        ids = [str(p["id"]) for p in self._pending]
        widget.highlighted = ids.index(keep) if keep in ids else 0

    # Keys --------------------------------------------------------------------------------------

    def _highlighted(self, selector: str, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
        widget = self.query_one(selector, OptionList)
        option = widget.highlighted_option
        if option is None or option.id is None:
            return None
        return next((row for row in rows if str(row["id"]) == option.id), None)

    def action_accept(self) -> None:
        """Accept the highlighted proposal: the decision is made now, in the participant's name."""
        room, lang = self.link.room, self.lang
        item = self._highlighted("#pending", self._pending)
        if room is None or item is None:
            self.notify(tr("room.pick_pending", lang), severity="warning")
            return
        outcome = room.accept(str(item["id"]))
        if outcome is None:  # taken meanwhile (the participant was removed)
            self.follow()
            return
        what, who = str(item["what"]), str(item["who"])
        if outcome.status == "accepted":
            self.notify(tr("room.accepted", lang, who=who, what=what), markup=False)
        elif outcome.status == "refused":
            why = "；".join(pick(reason, lang) for reason in outcome.reasons)
            self.notify(tr("room.refused", lang, what=what, why=why), severity="error", timeout=8, markup=False)
        else:
            self.notify(tr("room.unavailable", lang, what=what), severity="warning", markup=False)
        self.follow()

    def action_reject(self) -> None:
        """Reject the highlighted proposal (a note records what was proposed and that it was not taken)."""
        room, lang = self.link.room, self.lang
        item = self._highlighted("#pending", self._pending)
        if room is None or item is None:
            self.notify(tr("room.pick_pending", lang), severity="warning")
            return
        if room.reject(str(item["id"])):
            self.notify(tr("room.rejected", lang, who=item["who"], what=item["what"]), markup=False)
        self.follow()

    def action_remove(self) -> None:
        """Remove the highlighted person: their phone's session stops working at once."""
        room, lang = self.link.room, self.lang
        person = self._highlighted("#people", self._people)
        if room is None or person is None:
            self.notify(tr("room.pick_person", lang), severity="warning")
            return
        if room.remove(str(person["id"])):
            self.notify(tr("room.removed", lang, who=person["name"]), markup=False)
        self.follow()

    def action_close(self) -> None:
        """Back to the drill (the room stays open)."""
        self.dismiss(None)
