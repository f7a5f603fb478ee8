"""Chinese screens carry Chinese words and clock times: no English status codes, internal ids or decimal minutes."""

from __future__ import annotations

import re

from textual.widgets import DataTable

from engine.display import sim_time
from tests.tui.harness import Console, recorded, run
from tui.app import DrillsimApp
from tui.screens.debrief import DebriefScreen

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
