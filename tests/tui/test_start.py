"""The start screen: the built-in library to set up, with details of the highlighted drill."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Static

from tests.engine.test_record_hostile import sample
from tests.tui.harness import Console, run
from tui.app import DrillsimApp
from tui.catalog import recent_records
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


def test_damaged_records_are_listed_as_such_and_never_stop_the_list(tmp_path: Path) -> None:
    """The start screen reads each record's first and last line: garbage, or brackets nested far
    deeper than Python's JSON reader recurses, mark that record bad (or not finished), nothing more."""
    deep = "[" * 20_000 + "]" * 20_000
    (tmp_path / "nested-header.jsonl").write_text(deep + "\n", encoding="utf-8")
    (tmp_path / "garbage.jsonl").write_bytes(b"\xff\xfe not a record\n")
    good = tmp_path / "drill.jsonl"
    good.write_text(sample(), encoding="utf-8")
    short = "[" * 2_000 + "]" * 2_000  # the whole last line within the 4 KiB read from the end
    (tmp_path / "nested-tail.jsonl").write_text(good.read_text(encoding="utf-8") + short + "\n", encoding="utf-8")
    found = {info.path.name: info.status for info in recent_records(tmp_path)}
    assert found == {
        "nested-header.jsonl": "bad",
        "garbage.jsonl": "bad",
        good.name: "done",
        "nested-tail.jsonl": "cut",
    }
