"""A drill that ends by itself: played right to its natural end, or left running to its time limit.

The clock runs at 60x on a pinned wall clock, so one wall second the test lets pass is exactly one
sim minute, and each decision of a correct script is entered through the actions list at the very
minute the script gives.
"""

from __future__ import annotations

from pathlib import Path

from engine.format import DecisionMade, DrillEnded, DrillHalted
from engine.runtime import read
from tests.conftest import CORRECT
from tests.tui.harness import Console, Wall, events_of, new_session, run
from tui.app import DrillsimApp
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen


def test_a_drill_played_right_ends_by_itself_and_the_debrief_shows_a_pass(wall: Wall, mini_path: Path) -> None:
    """The mini lift's correct decisions, entered at their minutes, close the case; the debrief opens on its own with a pass."""
    session = new_session(mini_path, wall=wall, mode="strict", seed=1, speed=60)

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(session))
        await console.press("space")
        for t, role, action in CORRECT:
            wall.seconds = t
            wanted = f"0|{role}|{action}"

            def offered(wanted: str = wanted) -> bool:
                return wanted in console.offered()

            await console.until(offered, f"{wanted} at minute {t:g}")
            assert not session.finished
            await console.choose(role, action, arrows=False)
        wall.advance(0.5)  # the last decision takes effect as the clock moves on
        debrief = await console.reach(DebriefScreen)
        assert debrief.evaluation is not None
        assert debrief.evaluation.passed and debrief.evaluation.score == 100
        assert "passed" in str(debrief.query_one("#summary").render())

    run(DrillsimApp(lang="en"), steps)
    decided = events_of(session.path, DecisionMade)
    assert [(e.t, e.role, e.action, e.status, e.source) for e in decided] == [
        (t, role, action, "accepted", "ui") for t, role, action in CORRECT
    ]
    record = read(session.path)
    assert not events_of(record, DrillHalted)
    assert [(e.t, e.outcome) for e in events_of(record, DrillEnded)] == [(17, "success")]


def test_a_drill_left_running_ends_at_its_time_limit_and_opens_the_debrief(wall: Wall) -> None:
    """With the passengers reassured and nothing else done, the drill runs to its 120-minute limit, then the debrief opens."""
    session = new_session(wall=wall, speed=60)

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(session))
        for role, action in (
            ("control_room", "log_alarm"),
            ("control_room", "talk_to_passengers"),
            ("security", "go_to_site"),
        ):
            await console.choose(role, action, arrows=False)
        await console.press("space")
        wall.seconds = 125.0
        debrief = await console.reach(DebriefScreen)
        assert debrief.evaluation is not None and not debrief.evaluation.passed

    run(DrillsimApp(lang="en"), steps)
    record = read(session.path)
    assert not events_of(record, DrillHalted)
    assert [(e.t, e.outcome) for e in events_of(record, DrillEnded)] == [(120, "timeout")]
