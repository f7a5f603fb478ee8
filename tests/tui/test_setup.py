"""The set-up screen: what the facilitator fills in is what the record's header says."""

from __future__ import annotations

from textual.events import Paste
from textual.widgets import Input, RadioButton, RadioSet

from engine.runtime import read
from tests.tui.harness import Console, run
from tui.app import DrillsimApp
from tui.screens.live import LiveScreen
from tui.screens.setup import SetupScreen


async def choose_radio(console: Console, group: str, button: str) -> None:
    """Focus a radio set, move to one of its buttons with the arrows and press Enter."""
    radios = console.app.screen.query_one(group, RadioSet)
    target = radios.query_one(button, RadioButton)
    radios.focus()
    await console.pilot.pause()
    for _ in range(len(radios.children) + 1):
        if target.has_class("-selected"):
            break
        await console.pilot.press("down")
    await console.press("enter")
    assert target.value


def test_enter_sets_up_the_drill_and_what_the_form_says_is_in_the_record_header() -> None:
    """Enter opens the highlighted drill's set-up; names per role, a pool's staffing, strict mode and the seed go into the header."""

    async def steps(console: Console) -> None:
        await console.press("enter")  # the first plan: the evening lift entrapment (observe by default)
        setup = await console.reach(SetupScreen)
        assert setup.entry.id == "elevator-entrapment-evening"
        assert setup.setup is not None
        assert [rid for rid, _label in setup.roles] == ["control_room", "security", "engineering", "supervisor"]
        assert setup.query_one("#mode-observe", RadioButton).value  # the plan's own mode
        assert setup.query_one("#pool-security", Input).value == "2"  # the plan's own staffing
        await console.type_into("#role-control_room", "Wang")
        await console.type_into("#role-security", "Li,Zhao")
        await console.type_into("#pool-security", "3")
        await console.type_into("#seed", "42")
        await choose_radio(console, "#mode", "#mode-strict")
        await console.press("ctrl+s")

        live = await console.reach(LiveScreen)
        header = read(live.session.path).header
        assert header.participants == [
            {"name": "Wang", "role": "control_room"},
            {"name": "Li", "role": "security"},
            {"name": "Zhao", "role": "security"},
        ]
        assert header.staffing["security"] == 3
        assert header.mode == "strict"
        assert header.seed == 42
        assert live.session.drill.mode == "strict"
        assert live.session.clock.paused
        assert live.session.now == 0

    run(DrillsimApp(lang="en"), steps)


def test_the_team_and_names_stop_at_the_lengths_history_keeps() -> None:
    """A pasted paragraph cannot become a team's name: typing stops at 100 characters (a role's names
    at 200), and a paste that would go past is refused whole."""

    async def steps(console: Console) -> None:
        await console.press("enter")
        setup = await console.reach(SetupScreen)
        for field, limit in (("#team-name", 100), ("#role-control_room", 200)):
            widget = setup.query_one(field, Input)
            widget.focus()
            widget.post_message(Paste("班" * (limit + 1)))  # as a terminal delivers a paste
            await console.pilot.pause()
            assert widget.value == ""
            widget.value = "班" * (limit - 1)
            widget.cursor_position = limit - 1
            await console.pilot.press("a", "b", "c")
            assert widget.value == "班" * (limit - 1) + "a"

    run(DrillsimApp(lang="en"), steps)
