"""The set-up screen opens ready to type in its first field, and the chosen mode shows by its mark, not its colour."""

from __future__ import annotations

from textual.widgets import Input, RadioButton

from tests.tui.harness import Console, run
from tui.app import DrillsimApp
from tui.screens.setup import SetupScreen


def marks(setup: SetupScreen) -> dict[str, str]:
    """The mark drawn inside each rules-mode button."""
    return {b.id or "": b.BUTTON_INNER for b in setup.query(RadioButton) if (b.id or "").startswith("mode-")}


def test_the_set_up_form_opens_with_its_first_field_focused_and_names_typed_at_once_land_there() -> None:
    """Typing straight after the form shows fills the team name (the first field), not nothing."""

    async def steps(console: Console) -> None:
        await console.press("enter")
        setup = await console.reach(SetupScreen)
        await console.until(lambda: isinstance(setup.focused, Input), "a focused field")
        assert setup.focused is setup.query_one("#team-name", Input)
        await console.pilot.press(*"Red")
        assert setup.query_one("#team-name", Input).value == "Red"

    run(DrillsimApp(lang="en"), steps)


def test_strict_and_observe_are_told_apart_by_a_filled_or_hollow_mark() -> None:
    """The chosen rules mode is drawn ● and the other ○, and the marks follow the choice."""

    async def steps(console: Console) -> None:
        await console.press("enter")  # the evening lift entrapment: observe by default
        setup = await console.reach(SetupScreen)
        await console.until(lambda: bool(setup.query("#mode-strict")), "the form")
        assert marks(setup) == {"mode-strict": "○", "mode-observe": "●"}
        setup.query_one("#mode-strict", RadioButton).value = True
        await console.settle()
        assert marks(setup) == {"mode-strict": "●", "mode-observe": "○"}

    run(DrillsimApp(lang="zh"), steps)
