"""Chinese screens carry Chinese words and clock times: no English status codes, internal ids or decimal minutes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from textual.command import CommandInput, CommandPalette
from textual.widgets import DataTable, Footer

from engine.display import sim_time
from engine.format import load_scenario
from engine.runtime import Session, header_for, prepare
from room import views as room_views
from tests.conftest import ROOT
from tests.tui.harness import ELEVATOR, Console, Wall, recorded, run
from tui.app import DrillsimApp
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen
from tui.screens.roleplay import begin_roleplay
from tui.screens.start import StartScreen
from tui.widgets import situation_view

CODES = re.compile(r"\b(done|missed|late|auto|task:|deadline/|life-first/)|′")
"""What the debrief used to show on a Chinese screen: status codes, internal ids, decimal minutes."""


def test_sim_time_is_written_as_the_clock_writes_it() -> None:
    """Minutes as mm:ss, hours as h:mm:ss."""
    assert [sim_time(m) for m in (0, 4.08, 9.2, 61.5)] == ["00:00", "04:05", "09:12", "1:01:30"]


def test_the_chinese_debrief_tables_hold_no_english_codes_nor_decimal_minutes() -> None:
    """Breakdown and tasks: headers, statuses and times in Chinese words and mm:ss."""
    path = recorded()

    async def steps(console: Console) -> None:
        debrief = await console.reach(DebriefScreen)
        await console.until(lambda: debrief.evaluation is not None, "the debrief")
        for table_id in ("#breakdown", "#tasks-table"):
            table = debrief.query_one(table_id, DataTable)
            texts = [str(c.label) for c in table.columns.values()]
            texts += [str(v) for row in range(table.row_count) for v in table.get_row_at(row)]
            assert texts and not [t for t in texts if CODES.search(t)], table_id
        times = [str(debrief.query_one("#tasks-table", DataTable).get_row_at(r)[1]) for r in range(3)]
        assert all(re.fullmatch(r"\d\d:\d\d|—", t) for t in times), times

    app = DrillsimApp(lang="zh")
    app.router.begin = lambda **_kw: app.push_screen(DebriefScreen(path))  # type: ignore[method-assign,assignment]
    run(app, steps)


def test_the_live_header_names_the_drill_and_the_team_in_the_consoles_language_not_the_record_file() -> None:
    """The projector shows the scenario's title and the team; F2 retitles it; the file name is not there."""
    setup = prepare(str(ELEVATOR))
    header = header_for(setup, seed=1, mode="strict", source="console", team="一号楼班组")
    session = Session.begin(setup, header, speed=1.0, now=Wall().now)

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(session))
        live = console.live
        assert live.sub_title == "电梯困人：轿厢停在两层之间 · 一号楼班组"
        assert session.path.stem not in live.sub_title
        await console.press("f2")
        assert live.sub_title == f"{setup.sources[0].model.title.en} · 一号楼班组"

    run(DrillsimApp(lang="zh"), steps)


def test_the_records_list_names_each_drill_by_its_title_not_its_id() -> None:
    """A drill's record and a role-play's are listed under their titles in the console's language."""
    recorded()
    talk = begin_roleplay(str(ROOT / "scenarios" / "leak-complaint.yaml"), persona=None, mode="strict", trainee="")
    talk.close()

    async def steps(console: Console) -> None:
        start = console.on(StartScreen)
        await console.until(lambda: start.records_read and len(start.records) == 2, "the records")
        await console.until(lambda: start.query_one("#records", DataTable).row_count == 2, "the records list")
        table = start.query_one("#records", DataTable)
        names = {str(table.get_row_at(r)[1]) for r in range(table.row_count)}
        assert names == {"电梯困人：轿厢停在两层之间", "业主来电：天花板漏水，楼上无人"}

    run(DrillsimApp(lang="zh"), steps)


def test_the_command_palette_is_named_and_searched_in_chinese() -> None:
    """The footer calls Ctrl+P 命令, not Textual's "palette", and the palette's prompt is Chinese."""

    async def steps(console: Console) -> None:
        start = console.on(StartScreen)
        footer = " ".join(str(key.render()) for key in start.query_one(Footer).query("FooterKey"))
        assert "命令" in footer and "palette" not in footer
        await console.press("ctrl+p")
        palette = await console.reach(CommandPalette)
        assert palette.query_one(CommandInput).placeholder == "搜索命令…"

    run(DrillsimApp(lang="zh"), steps)


@pytest.mark.parametrize("show", [situation_view.show_value, room_views.show_value], ids=["console", "room"])
@pytest.mark.parametrize(
    ("variable", "zh", "en"),
    [("water_spread", "35%", "35%"), ("tech_eta_min", "35 分钟", "35 min")],
)
def test_meters_and_values_carry_their_units_in_the_screens_language(
    show: Callable[[Any, Any, str], str], variable: str, zh: str, en: str
) -> None:
    """The leak complaint's spread reads 35%, the technician's arrival 35 分钟: no 'percent', no 'min' in Chinese."""
    spec = load_scenario(ROOT / "scenarios" / "leak-complaint.yaml").model.variables[variable]
    assert (show(spec, 35, "zh"), show(spec, 35, "en")) == (zh, en)
