"""The live screen: the clock, decisions by role, strict-mode refusals, injects, notes, ratings, views.

Each test starts the lift entrapment with the engine's API on a pinned wall clock and opens the
real live screen on it; everything after that goes through keys.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from textual.widgets import Footer, OptionList, Static

from engine.format import DecisionMade, Evaluated, InjectDelivered, InjectFired, NoteMade
from engine.runtime import Session
from tests.tui.harness import Console, E, Steps, Wall, new_session, run
from tui.app import DrillsimApp
from tui.dialogs.inject_picker import InjectDialog
from tui.dialogs.text_entry import TextDialog
from tui.i18n import pick
from tui.screens.base import TICK
from tui.screens.live import LiveScreen
from tui.widgets.clock_bar import ClockBar

FEW_TICKS = 3 * TICK
"""Long enough for the screen's clock to tick a few times."""


def events(session: Session, of: type[E], /, **fields: Any) -> list[E]:
    """The drill's events of kind ``of`` whose fields match."""
    return [e for e in session.drill.events if isinstance(e, of) and all(getattr(e, k) == v for k, v in fields.items())]


def live_test(session: Session, steps: Steps, lang: str = "en") -> None:
    """Run the console in ``lang`` with a live screen on ``session``, then ``steps``."""

    async def go(console: Console) -> None:
        await console.open(LiveScreen(session))
        await steps(console)

    run(DrillsimApp(lang=lang), go)


# The clock ---------------------------------------------------------------------------------------


def test_the_clock_stays_paused_until_space_then_runs_at_the_chosen_speed_until_space_again(
    wall: Wall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new drill is frozen at minute 0 (nothing redrawn); Space runs it at the speed '+'/'-' chose; Space freezes it."""
    session = new_session(wall=wall, speed=1)

    async def steps(console: Console) -> None:
        bar = console.live.query_one(ClockBar)
        drawn: list[object] = []
        update = bar.update

        def counted(content: Any = "", *, layout: bool = True) -> None:
            drawn.append(content)
            update(content, layout=layout)

        monkeypatch.setattr(bar, "update", counted)
        wall.advance(120)
        await console.pilot.pause(FEW_TICKS)
        assert session.clock.paused and session.now == 0
        assert drawn == [], "a paused clock bar is redrawn at every tick"

        await console.press("plus", "plus", "plus", "plus", "plus")
        assert session.clock.speed == 60
        await console.press("space")
        assert not session.clock.paused
        assert "RUNNING" in str(drawn[-1])
        wall.advance(6)  # 6 s at 60 sim minutes a minute
        await console.until(lambda: session.now >= 6, "six sim minutes")
        assert session.now == pytest.approx(6)
        await console.press("minus")
        assert session.clock.speed == 30
        wall.advance(2)  # 2 s at 30x
        await console.until(lambda: session.now >= 7, "one more sim minute")
        assert session.now == pytest.approx(7)

        await console.press("space")
        assert session.clock.paused
        wall.advance(60)
        await console.pilot.pause(FEW_TICKS)
        assert session.now == pytest.approx(7)

    live_test(session, steps)


def test_n_skips_to_just_past_the_next_scheduled_event(wall: Wall) -> None:
    """'n' makes the next scheduled event happen and stops at the next hundredth of a minute after it."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        for _ in range(3):
            due = session.drill.next_event_time()
            assert due is not None
            seen = len(session.drill.events)
            await console.press("n")
            assert session.now == math.floor(due * 100 + 1) / 100
            happened = session.drill.events[seen:]
            assert happened and all(e.t == due for e in happened)
        assert session.now > 1
        assert session.clock.paused

    live_test(session, steps)


# Deciding ----------------------------------------------------------------------------------------


def test_decisions_chosen_in_the_actions_list_are_recorded_for_each_role(wall: Wall) -> None:
    """Enter on an action decides it for its role, now, as an accepted decision from the console."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        await console.choose("control_room", "log_alarm")
        await console.choose("security", "go_to_site")
        await console.choose("control_room", "talk_to_passengers")
        decided = events(session, DecisionMade, status="accepted", source="ui")
        assert [(e.role, e.action) for e in decided] == [
            ("control_room", "log_alarm"),
            ("security", "go_to_site"),
            ("control_room", "talk_to_passengers"),
        ]
        assert {"log_alarm", "go_to_site", "talk_to_passengers"} <= session.situation.incidents[0].decided

    live_test(session, steps)


def test_a_rule_breaking_action_is_refused_in_strict_mode_and_the_room_told_why_in_its_language(wall: Wall) -> None:
    """In strict mode an action marked ⚠ is refused, and the notification gives the rule in the console's language."""
    session = new_session(wall=wall, mode="strict")
    action = "open_landing_door"
    breaches = session.drill.breaches(0, action)
    assert breaches, "opening the landing door with the car between floors must break a rule"
    label = session.scenarios[0].model.actions[action].label

    async def steps(console: Console) -> None:
        actions = console.live.query_one("#actions", OptionList)
        marked = {str(o.id) for o in actions.options if o.id and str(o.prompt).endswith("⚠")}
        assert f"0|security|{action}" in marked
        assert "0|control_room|log_alarm" not in marked
        for lang, refused in (("zh", "已拒绝："), ("en", "Refused: ")):
            if console.app.lang != lang:
                await console.press("f2")
            await console.choose("security", action)
            message = console.notified("error")[-1]
            assert message.startswith(refused + pick(label, lang))
            for breach in breaches:
                assert pick(breach.detail, lang) in message
        assert len(events(session, DecisionMade, action=action, status="refused", source="ui")) == 2
        assert action not in session.situation.incidents[0].decided

    live_test(session, steps, "zh")


# Injects, notes, bookmarks, ratings -------------------------------------------------------------


def test_i_delivers_a_scenario_inject_or_records_a_spoken_one(wall: Wall) -> None:
    """'i' then Enter on a listed inject records a 'fire', then its 'inject'; typed text is an inject note instead."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        await console.press("i")
        listed = (await console.reach(InjectDialog)).query_one("#injects", OptionList).options
        inject = str(listed[0].id).partition(":")[2]
        assert not events(session, InjectDelivered, inject=inject)
        await console.press("enter")
        await console.reach(LiveScreen)  # the dialog has closed
        fired = events(session, InjectFired, inject=inject)
        delivered = events(session, InjectDelivered, inject=inject)
        assert len(fired) == 1 and len(delivered) == 1
        assert fired[0].seq < delivered[0].seq
        assert inject in session.situation.incidents[0].delivered

        await console.press("i")
        await console.reach(InjectDialog)
        await console.type_into("#spoken", "Smoke")
        await console.press("enter")
        await console.reach(LiveScreen)  # the dialog has closed
        assert [e.text for e in events(session, NoteMade, kind="inject")] == ["Smoke"]
        assert len(events(session, InjectFired)) == 1

    live_test(session, steps)


def test_m_writes_a_note_and_b_bookmarks_the_moment(wall: Wall) -> None:
    """'m', text and Enter record a note at the current minute; 'b' records an empty note of kind 'bookmark'."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        await console.press("n")
        await console.press("m")
        await console.reach(TextDialog)
        await console.pilot.press(*"slow")
        await console.press("enter")
        await console.reach(LiveScreen)  # the dialog has closed
        assert [(e.t, e.text) for e in events(session, NoteMade, kind="note")] == [(session.now, "slow")]
        assert "Note recorded" in console.notified()
        await console.press("b")
        assert [(e.t, e.text) for e in events(session, NoteMade, kind="bookmark")] == [(session.now, "")]
        assert len(session.situation.bookmarks()) == 1

    live_test(session, steps)


def test_keys_1_to_4_rate_the_highlighted_critical_task(wall: Wall) -> None:
    """']' moves to the next task; '1' rates it P and '4' U, each an evaluation of task:<id>."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        tasks = console.live.query_one("#tasks", OptionList)
        assert tasks.highlighted == 0
        await console.press("right_square_bracket")
        assert tasks.highlighted == 1
        option = tasks.highlighted_option
        assert option is not None
        task = str(option.id).partition("|")[2]
        await console.press("1")
        await console.press("4")
        rated = events(session, Evaluated, target=f"task:{task}")
        assert [e.rating for e in rated] == ["P", "U"]
        assert session.situation.ratings[(0, f"task:{task}")] == "U"

    live_test(session, steps)


# Views and language ------------------------------------------------------------------------------


def test_projector_view_hides_what_only_the_controller_may_see(wall: Wall) -> None:
    """'v' hides the controller-only panels, the hidden variables and the ⚠ marks; 'v' again shows them."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        live = console.live
        controller = list(live.query(".controller"))
        values = live.query_one("#values", Static)
        actions = live.query_one("#actions", OptionList)

        def warned() -> bool:
            return any(str(o.prompt).endswith("⚠") for o in actions.options)

        assert controller and all(w.display for w in controller)
        assert "Time trapped" in str(values.content) and warned()
        await console.press("v")
        assert live.projector
        assert not any(w.display for w in controller)
        assert "Time trapped" not in str(values.content)
        assert "People trapped" in str(values.content)
        assert not warned()
        await console.press("v")
        assert all(w.display for w in controller)
        assert "Time trapped" in str(values.content) and warned()

    live_test(session, steps)


def test_f2_switches_the_footer_and_the_screen_to_the_other_language_at_once(wall: Wall) -> None:
    """F2 relabels the keys in the footer and the screen's texts, on the same screen and drill."""
    session = new_session(wall=wall)

    async def steps(console: Console) -> None:
        live = console.live
        title = live.query_one("#actions-title", Static)
        footer = live.query_one(Footer)

        def described() -> str:
            """What the footer's keys say, as drawn."""
            return " | ".join(str(key.render()) for key in footer.query("FooterKey"))

        assert str(title.content) == "可选行动"
        await console.until(lambda: "注入" in described(), "the footer drawn")  # it composes its keys after a refresh
        await console.press("f2")
        assert console.app.lang == "en"
        assert console.live is live and live.session is session
        assert str(title.content) == "Actions now"
        await console.until(lambda: "Inject" in described(), "the footer in English")  # it recomposes after a refresh
        assert "注入" not in described()
        prompts = [str(o.prompt) for o in live.query_one("#actions", OptionList).options]
        assert any("Log the alarm" in p for p in prompts)
        await console.press("f2")
        assert str(title.content) == "可选行动"
        await console.until(lambda: "注入" in described(), "the footer in Chinese")

    live_test(session, steps, "zh")
