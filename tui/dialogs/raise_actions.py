"""Raise corrective actions (整改措施) from a drill's areas for improvement: which, what, who, by when.

The facilitator ticks one or more areas, types the corrective action, its owner and a due day, and
the dialog dismisses with a :class:`RaiseRequest`, or None when cancelled. It checks what it can
before closing (an area ticked, the texts given, a real date not before the drill) and says what is
wrong in one line inside the dialog, keeping everything typed; storing is the caller's, which opens
the dialog again with the same request and the reason if the ledger refuses it.

The areas come in both languages (the report words them per language), so F2 rewords the open
dialog without losing the ticks or the typing. Everything listed is text, never markup: it quotes
the scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from tui import keys
from tui.i18n import tr
from tui.screens.base import console_of
from tui.wrapping import Wrapped


@dataclass(frozen=True)
class RaiseRequest:
    """What the facilitator asked to raise."""

    areas: tuple[str, ...]
    """The areas ticked (``A1``...), in the report's order."""
    action: str
    """The corrective action itself (整改措施)."""
    owner: str
    """Who is responsible (责任人)."""
    due: date
    """When it must be done."""


Choices = Mapping[str, Sequence[tuple[str, Text]]]
"""Language -> (area id, how the area reads) for every area, in the report's order."""

Problem = Callable[[str], str]
"""What is wrong with the request, in a language (kept as a function so that F2 rewords it)."""


class RaiseActionsDialog(ModalScreen[RaiseRequest | None]):
    """Tick areas, type the action, owner and due day; Enter on the due day or the button raises."""

    BINDINGS = [
        Binding("escape", "cancel", show=False),
        Binding("space", "tick", show=False),  # an input takes its own spaces: this is the list's
        # A modal screen hides the app's keys; the language key is the app's, under its id (remappable).
        Binding(keys.BY_ID["app.lang"].key, "app.toggle_language", show=False, id="app.lang"),
    ]

    def __init__(self, choices: Choices, *, drill_day: date, due: date, draft: RaiseRequest | None = None) -> None:
        """Start from ``draft``, or from nothing ticked or typed and ``due`` offered.

        Args:
            choices: The drill's areas for improvement, worded in each language.
            drill_day: The day the drill was held (a due day cannot be before it).
            due: The due day offered.
            draft: A request to start from (raising it failed; nothing typed is lost).
        """
        super().__init__()
        self.choices = choices
        self.drill_day = drill_day
        self.draft = draft or RaiseRequest((), "", "", due)
        self.ticked: set[str] = set(self.draft.areas)
        """The areas ticked so far."""
        self.problem: Problem | None = None
        """What stops the request now, if anything (shown under the fields)."""

    @property
    def lang(self) -> str:
        """The console's language now."""
        return console_of(self.app).lang

    def compose(self) -> ComposeResult:
        lang, draft = self.lang, self.draft
        with Vertical(classes="dialog wide", id="raise-dialog"):
            yield Label(id="raise-title")
            yield OptionList(
                *(Option(self._prompt(aid, text), id=aid) for aid, text in self.choices[lang]), id="raise-areas"
            )
            with Horizontal(classes="raise-field"):
                yield Label(id="raise-action-label")
                yield Input(value=draft.action, id="raise-action", compact=True)
            with Horizontal(classes="raise-field"):
                yield Label(id="raise-owner-label")
                yield Input(value=draft.owner, id="raise-owner", compact=True)
            with Horizontal(classes="raise-field"):
                yield Label(id="raise-due-label")
                yield Input(value=draft.due.isoformat(), placeholder="YYYY-MM-DD", id="raise-due", compact=True)
            yield Label(id="raise-problem")
            with Horizontal(classes="buttons"):
                yield Button(id="raise-ok", variant="primary", compact=True)
                yield Button(id="raise-cancel", compact=True)

    def on_mount(self) -> None:
        self.relabel()
        self.query_one("#raise-areas" if not self.draft.areas else "#raise-action").focus()

    def relabel(self) -> None:
        """Every text in the console's language (the app calls this when F2 switches it)."""
        lang = self.lang
        self.query_one("#raise-title", Label).update(Text(tr("raise.title", lang), style="bold"))
        areas = self.query_one("#raise-areas", OptionList)
        for aid, text in self.choices[lang]:
            areas.replace_option_prompt(aid, self._prompt(aid, text))
        areas.border_title = tr("raise.areas", lang)
        for field, key in (("action", "raise.action"), ("owner", "raise.owner"), ("due", "raise.due")):
            self.query_one(f"#raise-{field}-label", Label).update(tr(key, lang))
        self.query_one("#raise-ok", Button).label = tr("raise.ok", lang)
        self.query_one("#raise-cancel", Button).label = tr("raise.cancel", lang)
        self._show_problem()

    def _show_problem(self) -> None:
        said = self.problem(self.lang) if self.problem is not None else ""
        self.query_one("#raise-problem", Label).update(Text(said))

    def refuse(self, problem: Problem, field: str) -> None:
        """Say what is wrong, in the dialog, and put the cursor where it can be put right."""
        self.problem = problem
        self._show_problem()
        self.query_one(f"#raise-{field}").focus()

    def request(self) -> RaiseRequest | None:
        """The request as filled in, or None after saying (with :meth:`refuse`) what is missing or wrong."""
        areas = tuple(aid for aid, _ in self.choices[self.lang] if aid in self.ticked)
        action = self.query_one("#raise-action", Input).value.strip()
        owner = self.query_one("#raise-owner", Input).value.strip()
        typed = self.query_one("#raise-due", Input).value.strip()
        if not areas:
            self.refuse(lambda lang: tr("raise.need_area", lang), "areas")
            return None
        if not action:
            self.refuse(lambda lang: tr("raise.need_action", lang), "action")
            return None
        if not owner:
            self.refuse(lambda lang: tr("raise.need_owner", lang), "owner")
            return None
        try:
            due = date.fromisoformat(typed)
        except ValueError:
            self.refuse(lambda lang: tr("raise.bad_due", lang, value=typed[:20]), "due")
            return None
        if due < self.drill_day:
            day = self.drill_day.isoformat()
            self.refuse(lambda lang: tr("raise.early_due", lang, day=day), "due")
            return None
        return RaiseRequest(areas, action, owner, due)

    def submit(self) -> None:
        """Close with the request, if it is complete."""
        found = self.request()
        if found is not None:
            self.dismiss(found)

    def _prompt(self, aid: str, text: Text) -> Wrapped:
        """An area as listed: ticked or not, then its text (wrapped between any two CJK characters)."""
        return Wrapped(Text.assemble("[x] " if aid in self.ticked else "[ ] ", text))

    def action_tick(self) -> None:
        """Tick the highlighted area, or untick it."""
        areas = self.query_one("#raise-areas", OptionList)
        option = areas.highlighted_option
        if option is None or option.id is None or not areas.has_focus:
            return
        self.ticked ^= {option.id}
        text = dict(self.choices[self.lang])[option.id]
        areas.replace_option_prompt(option.id, self._prompt(option.id, text))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_tick()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        following = {"raise-action": "#raise-owner", "raise-owner": "#raise-due"}
        if event.input.id in following:
            self.query_one(following[event.input.id]).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "raise-ok":
            self.submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Close without raising anything."""
        self.dismiss(None)
