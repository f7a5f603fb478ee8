"""The start screen: the built-in library to set up, with details of the highlighted drill."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tests.tui.harness import Console, run
from tui.app import DrillsimApp
from tui.screens.start import StartScreen

PLANS = [
    "elevator-entrapment-evening",
    "fire-evacuation-night",
    "gas-leak-night",
    "gate-tailgating-night",
    "leak-complaint-night",
    "owner-worker-dispute-evening",
    "rainstorm-cascade",
    "rainstorm-flooding-night",
    "repair-dispatch-weekend",
    "water-pipe-burst-day",
]
SCENARIOS = [
    "burst-pipe-repair",
    "elevator-entrapment",
    "fire-evacuation",
    "gas-leak",
    "gate-tailgating",
    "leak-complaint",
    "owner-worker-dispute",
    "rainstorm-flooding",
    "repair-dispatch",
]


def test_the_start_screen_lists_every_built_in_plan_first_and_every_scenario() -> None:
    """The drills table lists the 10 shipped plans first, and the 9 shipped scenarios, each kind sorted by id."""

    async def steps(console: Console) -> None:
        start = console.on(StartScreen)
        table = start.query_one("#drills", DataTable)
        assert start.catalog is not None
        entries = start.catalog.entries
        assert [(e.kind, e.id) for e in entries[: len(PLANS)]] == [("plan", p) for p in PLANS]
        assert [e.id for e in entries if e.kind == "plan"] == PLANS
        assert [e.id for e in entries if e.kind == "scenario"] == SCENARIOS
        assert table.row_count == len(entries) >= 19
        cells = {str(cell) for cell in table.get_row("elevator-entrapment|scenario")}
        assert {"scenario", "Elevator entrapment: car stopped between floors", "120 min"} <= cells
        assert "plan" in {str(cell) for cell in table.get_row_at(0)}

    run(DrillsimApp(lang="en"), steps)


def test_the_details_follow_the_highlighted_drill() -> None:
    """Below the table: the highlighted drill's summary, incidents, roles and objectives."""

    async def steps(console: Console) -> None:
        start = console.on(StartScreen)
        details = start.query_one("#details", Static)
        first = str(details.content)
        assert "control room, guards, engineering and the duty supervisor handle a lift entrapment" in first
        assert "Incidents: Elevator entrapment: car stopped between floors" in first
        assert "Roles: Control room operator, Security guard" in first
        assert "Objectives:" in first
        await console.press("down")
        second = str(details.content)
        assert "Incidents: Night fire in a high-rise home block" in second
        assert "lift entrapment" not in second

    run(DrillsimApp(lang="en"), steps)
