"""An engine error while the clock runs (the events cap, a number that is not finite) stops the drill, not the console."""

from __future__ import annotations

import pytest

import engine.runtime.run
from engine.format import DecisionMade
from engine.runtime import read
from tests.tui.harness import Console, Wall, new_session, run
from tui.app import DrillsimApp
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_drill_stopped_by_the_events_cap_says_why_keeps_its_record_and_goes_on_to_the_debrief(
    monkeypatch: pytest.MonkeyPatch, wall: Wall, lang: str
) -> None:
    """The cap reached while the clock runs: a clear error, the clock stopped, the record kept; E opens the debrief."""

    async def steps(console: Console) -> None:
        session = new_session(wall=wall)
        await console.open(LiveScreen(session))
        live = console.live
        assert session.submit("control_room", "log_alarm").accepted
        monkeypatch.setattr(engine.runtime.run, "MAX_EVENTS", session.drill.seq + 3)
        session.clock.resume()
        wall.advance(600)
        await console.until(lambda: live.stopped is not None, "the drill to stop")
        assert "events" in (live.stopped or "")
        errors = console.notified("error")
        assert len(errors) == 1 and (live.stopped or "?") in errors[0]
        assert session.clock.paused
        kept = read(session.path)
        assert any(isinstance(e, DecisionMade) and e.action == "log_alarm" for e in kept.events)
        await console.press("space")  # nothing more can happen: the clock stays stopped
        assert session.clock.paused
        await console.press("e")
        await console.reach(DebriefScreen)

    run(DrillsimApp(lang=lang), steps)
