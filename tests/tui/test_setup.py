"""The set-up screen: what the facilitator fills in is what the record's header says."""

from __future__ import annotations

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
