"""W withdraws a mis-keyed decision in the live drill, after asking; the withdrawal is recorded and replays."""

from __future__ import annotations

from engine.format import ActionDone, DecisionWithdrawn
from engine.runtime import verify
from tests.tui.harness import Console, Wall, new_session, run
from tui.app import DrillsimApp
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.live import LiveScreen


def test_w_withdraws_the_last_decision_whose_action_has_not_finished_and_the_record_replays(wall: Wall) -> None:
    """Talking to the passengers keyed by mistake: W, Y withdraws it; it is offered again; the record verifies."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(session))
        await console.choose("control_room", "talk_to_passengers")
        await console.press("w")
        dialog = await console.reach(ConfirmDialog)
        assert "Control room operator: Intercom" in dialog.question
        await console.press("y")
        await console.reach(LiveScreen)
        withdrawals = [e for e in session.drill.events if isinstance(e, DecisionWithdrawn)]
        assert [w.action for w in withdrawals] == ["talk_to_passengers"]
        assert any("Withdrawn" in n for n in console.notified())
        session.drill.advance_to(10.0)
        await console.settle()
        assert not any(isinstance(e, ActionDone) and e.action == "talk_to_passengers" for e in session.drill.events)
        assert "0|control_room|talk_to_passengers" in console.offered()

    run(DrillsimApp(lang="en"), steps)
    session.close()
    assert verify(session.path).ok


def test_with_nothing_under_way_w_says_a_finished_action_cannot_be_withdrawn(wall: Wall) -> None:
    """No decision is running: W asks nothing and says why, in Chinese."""

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(new_session(wall=wall)))
        await console.press("w")
        assert console.notified("warning") == ["没有可撤回的决策：已完成的行动不能撤回"]
        assert not isinstance(console.app.screen, ConfirmDialog)

    run(DrillsimApp(lang="zh"), steps)
