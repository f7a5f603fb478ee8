"""The set-up screen: who plays which role, how many people each pool has, rules mode, purpose, speed.

Staffing per pool is what the engine's SimPy resources get: two guards on a night shift means two
things a guard can do at once. Everything else goes into the record header, so the debrief and the
history know who was in the room.

It also asks how the drill room takes decisions from phones, should the facilitator open it during
the drill (the live screen's room key): at once, or only once the facilitator accepts each one.
"""

from __future__ import annotations

import dataclasses
import random
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Header, Input, Label, RadioButton, RadioSet, Select, Static

from engine import limits
from engine.runtime import SPEEDS
from tui import keys
from tui.catalog import Entry
from tui.i18n import colon, pick, tr
from tui.messages import GoBack, RunDrill
from tui.screens.base import ConsoleScreen
from tui.widgets.footer import ConsoleFooter
from tui.widgets.marked_radio import MarkedRadioButton

LONGEST_NAMES = 5 * limits.NAME
"""Most characters in one role's field of names (a few people, each name at most :data:`engine.limits.NAME`)."""

if TYPE_CHECKING:
    from engine.runtime import Setup


class SetupScreen(ConsoleScreen):
    """Fill in the team and the options, then start the drill."""

    BINDINGS = keys.bindings("setup", "en")

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry
        self.setup: Setup | None = None
        self.roles: list[tuple[str, dict[str, str]]] = []
        self.pools: list[tuple[str, dict[str, str], int]] = []
        self.approve = False
        """Whether decisions from phones wait for the facilitator (the form's choice, kept across F2)."""

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield VerticalScroll(id="setup-form")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        keys.localise(self, self.lang)
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        """Load and compile the drill's content (a moment's work, kept off the UI thread)."""
        from engine.errors import DrillError
        from engine.runtime import prepare

        try:
            setup = prepare(str(self.entry.path))
            setup.scenarios()
        except DrillError as exc:
            self.app.call_from_thread(self._failed, str(exc).splitlines()[0])
            return
        self.app.call_from_thread(self._loaded, setup)

    def _failed(self, message: str) -> None:
        self.notify(message, severity="error", markup=False)
        self.post_message(GoBack())

    def _loaded(self, setup: Setup) -> None:
        self.setup = setup
        roles: dict[str, dict[str, str]] = {}
        pools: dict[str, tuple[dict[str, str], int]] = {}
        for sc in setup.scenarios():
            for rid, role in sc.model.roles.items():
                if role.kind == "staff":
                    roles.setdefault(rid, {"zh": role.label.zh or "", "en": role.label.en or ""})
            for pid, pool in sc.model.staff.items():
                cap = setup.staffing.get(pid, sc.capacities.get(pid, 1))
                pools.setdefault(pid, ({"zh": pool.label.zh or "", "en": pool.label.en or ""}, cap))
        self.roles = list(roles.items())
        self.pools = [(pid, label, cap) for pid, (label, cap) in pools.items()]
        self.build_form()

    def build_form(self) -> None:
        lang = self.lang
        form = self.query_one("#setup-form", VerticalScroll)
        form.remove_children()
        plan = self.setup.plan.model if self.setup and self.setup.plan else None
        team = plan.team if plan else {}
        heading = f"{tr('setup.title', lang)}{colon(lang)}{pick(self.entry.title, lang)}"
        widgets: list[Any] = [Static(Text(heading, style="bold"))]
        widgets.append(
            Horizontal(
                Label(tr("setup.team_name", lang), classes="field-label"),
                Input(id="team-name", classes="field", compact=True, max_length=limits.TEAM),
                classes="field-row",
            )
        )
        widgets.append(Label(tr("setup.team", lang), classes="section-title"))
        for rid, label in self.roles:
            widgets.append(
                Horizontal(
                    Label(Text(pick(label, lang)), classes="field-label"),
                    Input(
                        value="，".join(team.get(rid, [])),
                        id=f"role-{rid}",
                        classes="field",
                        compact=True,
                        max_length=LONGEST_NAMES,
                        placeholder=tr("setup.names", lang),
                    ),
                    classes="field-row",
                )
            )
        widgets.append(Label(tr("setup.staffing", lang), classes="section-title"))
        for pid, label, cap in self.pools:
            widgets.append(
                Horizontal(
                    Label(Text(pick(label, lang)), classes="field-label"),
                    Input(value=str(cap), id=f"pool-{pid}", type="integer", classes="field small", compact=True),
                    classes="field-row",
                )
            )
        mode = plan.mode if plan else "strict"
        kind = plan.kind if plan else "practice"
        widgets.append(Label(tr("setup.mode", lang), classes="section-title"))
        widgets.append(
            RadioSet(
                MarkedRadioButton(tr("setup.mode.strict", lang), value=mode == "strict", id="mode-strict"),
                MarkedRadioButton(tr("setup.mode.observe", lang), value=mode == "observe", id="mode-observe"),
                id="mode",
            )
        )
        widgets.append(Label(tr("setup.kind", lang), classes="section-title"))
        widgets.append(
            RadioSet(
                MarkedRadioButton(tr("setup.kind.practice", lang), value=kind == "practice", id="kind-practice"),
                MarkedRadioButton(tr("setup.kind.assessment", lang), value=kind == "assessment", id="kind-assessment"),
                id="kind",
            )
        )
        widgets.append(Label(tr("setup.room", lang), classes="section-title"))
        widgets.append(
            RadioSet(
                MarkedRadioButton(tr("setup.room.now", lang), value=not self.approve, id="approve-now"),
                MarkedRadioButton(tr("setup.room.wait", lang), value=self.approve, id="approve-wait"),
                id="room-approve",
            )
        )
        speed = plan.speed if plan else self.entry.speed
        options = [(f"{s:g}x", s) for s in sorted({*SPEEDS, speed})]
        widgets.append(Label(tr("setup.speed", lang), classes="section-title"))
        widgets.append(Select(options, value=speed, allow_blank=False, id="speed", compact=True, classes="small"))
        widgets.append(Label(tr("setup.seed", lang), classes="section-title"))
        seed = str(random.randrange(1, 10000))
        widgets.append(Input(value=seed, id="seed", type="integer", classes="field small", compact=True))
        keys_hint = "（Ctrl+S）" if lang == "zh" else " (Ctrl+S)"
        widgets.append(Button(tr("setup.start", lang) + keys_hint, id="start", variant="primary"))
        form.mount_all(widgets)
        # The form is mounted on the next refresh: focus its first field then, so names typed at once land there.
        self.call_after_refresh(self._focus_first)

    def _focus_first(self) -> None:
        fields = self.query(Input)
        if fields and not isinstance(self.focused, Input):
            fields.first().focus()

    def relabel(self) -> None:
        """Rebuild the form in the new language (values typed so far are kept)."""
        if self.setup is None:
            return
        kept = {w.id: w.value for w in self.query(Input) if w.id}
        self.approve = self._approve()
        self.build_form()

        def restore() -> None:
            for widget in self.query(Input):
                if widget.id in kept:
                    widget.value = kept[widget.id]

        self.call_after_refresh(restore)

    # Starting ----------------------------------------------------------------------------------

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()

    def action_back(self) -> None:
        """Back to the start screen."""
        self.post_message(GoBack())

    def _number(self, widget_id: str, field: str) -> int | None:
        text = self.query_one(f"#{widget_id}", Input).value.strip()
        try:
            return int(text)
        except ValueError:
            self.notify(tr("setup.bad_number", self.lang, field=field), severity="error", markup=False)
            return None

    def action_start(self) -> None:
        """Start the drill with what the form says."""
        if self.setup is None:
            return
        from engine.errors import DrillError
        from engine.runtime import Session, header_for

        staffing: dict[str, int] = {}
        for pid, label, _cap in self.pools:
            value = self._number(f"pool-{pid}", pick(label, self.lang))
            if value is None:
                return
            staffing[pid] = max(0, value)
        seed = self._number("seed", tr("setup.seed", self.lang))
        if seed is None:
            return
        people = []
        for rid, _label in self.roles:
            for name in _names(self.query_one(f"#role-{rid}", Input).value):
                people.append({"name": name, "role": rid})
        mode = "strict" if self.query_one("#mode-strict", RadioButton).value else "observe"
        kind = "assessment" if self.query_one("#kind-assessment", RadioButton).value else "practice"
        speed_value = self.query_one("#speed", Select).value
        speed = float(speed_value) if isinstance(speed_value, (int, float)) else 1.0
        team = self.query_one("#team-name", Input).value.strip() or None
        setup = dataclasses.replace(self.setup, staffing=staffing)
        try:
            header = header_for(
                setup, seed=seed, mode=mode, source="console", participants=people, team=team, kind=kind
            )
            session = Session.begin(setup, header, speed=speed)
        except DrillError as exc:
            self.notify(str(exc).splitlines()[0], severity="error", markup=False)
            return
        self.post_message(RunDrill(session, approve=self._approve()))

    def _approve(self) -> bool:
        """Whether the form says decisions from phones wait for the facilitator."""
        found = self.query("#approve-wait").results(RadioButton)
        return next((button.value for button in found), self.approve)


def _names(text: str) -> list[str]:
    for sep in "，、;；":
        text = text.replace(sep, ",")
    return [n.strip() for n in text.split(",") if n.strip()]
