"""The drill room from the console: one key opens it, phones join over real HTTP, the facilitator decides.

Each test runs the real console on the lift entrapment with the room bound to 127.0.0.1 on a free
port (the console's host override), and talks to it as a phone does: ``httpx`` over loopback,
from the same event loop as the app, so the console's tick keeps running while a request waits
for it. Nothing is faked between the phone and the session's record.
"""

from __future__ import annotations

import io
import re
import socket
import threading
from collections.abc import Awaitable, Callable

import httpx
import pytest
from rich.console import Console as RichConsole
from textual.widgets import RadioButton

from engine.format import DecisionMade, NoteMade
from engine.runtime import Session
from room.qr import qr_text
from tests.tui.harness import Console, E, new_session, run
from tui.app import DrillsimApp
from tui.dialogs.room import RoomDialog
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen
from tui.screens.setup import SetupScreen
from tui.widgets.join_card import QR_ROWS, JoinCard, big

BIG = (120, 45)
"""A projector's terminal: tall enough for the QR code."""


def events(session: Session, of: type[E], **fields: object) -> list[E]:
    """The drill's events of kind ``of`` whose fields match."""
    return [e for e in session.drill.events if isinstance(e, of) and all(getattr(e, k) == v for k, v in fields.items())]


def live(console: Console) -> LiveScreen:
    """The live screen, on top or under the room's dialog."""
    return next(s for s in console.app.screen_stack if isinstance(s, LiveScreen))


def room_threads() -> list[threading.Thread]:
    """The room servers' threads still alive."""
    return [t for t in threading.enumerate() if t.name == "drillsim-room" and t.is_alive()]


def screen_text(console: Console) -> str:
    """What the terminal shows, characters only."""
    width, height = console.app.size
    out = RichConsole(width=width, height=height, record=True, file=io.StringIO(), color_system=None)
    out.print(console.app.screen._compositor.render_update(full=True))
    return out.export_text()


def room_test(
    session: Session,
    steps: Callable[[Console, httpx.AsyncClient], Awaitable[None]],
    *,
    approve: bool = False,
    lang: str = "en",
    size: tuple[int, int] = (80, 24),
    port: int = 0,
) -> None:
    """The console on a live screen of ``session``, its room bound to loopback; ``steps`` get a web client."""

    async def go(console: Console) -> None:
        await console.open(LiveScreen(session, approve=approve))
        async with httpx.AsyncClient(timeout=5) as client:
            await steps(console, client)

    run(DrillsimApp(lang=lang, room_host="127.0.0.1", room_port=port), go, size=size)


async def open_room(console: Console) -> RoomDialog:
    """Press the room key and wait for the room's dialog."""
    await console.press("r")
    return await console.reach(RoomDialog)


async def join(client: httpx.AsyncClient, url: str, name: str, role: str) -> None:
    """Join through the link as a phone does (the client keeps the device cookie)."""
    page = await client.get(url)
    assert page.status_code == 200 and 'name="name"' in page.text
    joined = await client.post(f"{url}/join", data={"name": name, "role": role})
    assert joined.status_code == 303, joined.text
    assert client.cookies, "no device cookie"


async def propose(client: httpx.AsyncClient, url: str, action: str, note: str = "") -> dict[str, object]:
    """Submit a decision from the phone; the room's answer as JSON."""
    answer = await client.post(
        f"{url}/decide", data={"action": action, "note": note}, headers={"accept": "application/json"}
    )
    assert answer.status_code == 200, answer.text
    result: dict[str, object] = answer.json()
    return result


# Opening, joining, deciding --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), BIG], ids=["80x24", "120x45"])
def test_the_room_key_opens_the_drill_to_phones_and_a_waiting_decision_is_applied_on_accept(
    size: tuple[int, int],
) -> None:
    """r serves the drill; a phone joins and proposes; the console lists it; a accepts it into the record."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        dialog = await open_room(console)
        link = live(console).link
        assert link is not None and link.serving and len(room_threads()) == 1
        assert link.join_url.startswith(f"http://127.0.0.1:{link.port}/r/")
        code = link.code
        assert re.fullmatch(r"[A-Z0-9]{6}", code)
        text = screen_text(console)
        assert link.join_url in text
        assert f"{code[:3]} {code[3:]}" in text

        await join(client, link.join_url, "Wang Fang", "control_room")
        await console.until(lambda: "Wang Fang" in screen_text(console), "the participant in the people list")
        assert events(session, NoteMade), "joining is noted in the record"
        assert "online" in screen_text(console)

        await console.press("escape")  # back to the drill: a proposal is announced there
        await console.until(lambda: isinstance(console.app.screen, LiveScreen), "the live screen")
        answer = await propose(client, link.join_url, "0|log_alarm", "logged at the desk")
        assert answer["status"] == "pending"
        assert not events(session, DecisionMade), "a waiting decision is not made yet"
        await console.until(lambda: any("proposes" in n for n in console.notified()), "the proposal announced")
        await console.until(lambda: "1 waiting" in screen_text(console), "the status line counting it")

        dialog = await open_room(console)  # the room is open already: r shows it at once
        assert len(room_threads()) == 1
        assert [p["what"] for p in dialog._pending] == ["Log the alarm: time, lift, floor, ID code, headcount"]
        await console.press("a")
        made = events(session, DecisionMade, action="log_alarm")
        assert [(d.status, d.source, d.by, d.note) for d in made] == [
            ("accepted", "room", "Wang Fang", "logged at the desk")
        ]
        assert any("Accepted and done" in n for n in console.notified())
        await console.until(lambda: not dialog._pending, "the list emptied")

    room_test(session, steps, approve=True, size=size)
    assert not room_threads()


def test_a_rejected_proposal_is_noted_and_never_made() -> None:
    """x rejects the highlighted proposal: a note says what was proposed; no decision enters the record."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        dialog = await open_room(console)
        link = live(console).link
        assert link is not None
        await join(client, link.join_url, "Li Lei", "security")
        await propose(client, link.join_url, "0|go_to_site")
        await console.until(lambda: bool(dialog._pending), "the proposal in the console")
        await console.press("x")
        assert not events(session, DecisionMade)
        assert any("go_to_site" not in n.text and "Li Lei" in n.text for n in events(session, NoteMade))
        assert any("Rejected" in n for n in console.notified())

    room_test(session, steps, approve=True)


def test_without_approval_a_phone_s_decision_is_made_at_once_and_shows_in_the_feed() -> None:
    """Decisions apply at once unless the set-up said wait: the console's feed shows the decision."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await open_room(console)
        link = live(console).link
        assert link is not None
        await join(client, link.join_url, "Wang Fang", "control_room")
        answer = await propose(client, link.join_url, "0|log_alarm")
        assert answer["status"] == "accepted"
        assert [d.by for d in events(session, DecisionMade)] == ["Wang Fang"]
        await console.press("escape")
        await console.until(lambda: isinstance(console.app.screen, LiveScreen), "the live screen")
        await console.until(lambda: "Log the alarm" in screen_text(console), "the decision in the feed")
        assert "Wang Fang" in screen_text(console)  # the feed names who decided it, beside the role

    room_test(session, steps, approve=False)


def test_a_removed_participant_s_phone_is_refused_at_once() -> None:
    """d removes the highlighted person; their device session stops working. A name is text, never markup."""
    session = new_session()
    name = "[b]Intruder[/b]"

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        dialog = await open_room(console)
        link = live(console).link
        assert link is not None
        await join(client, link.join_url, name, "security")
        await console.until(lambda: bool(dialog._people), "the person listed")
        assert name in screen_text(console)
        console.app.screen.query_one("#people").focus()
        await console.press("d")
        assert f"Removed: {name}" in console.notified()
        answer = await client.post(f"{link.join_url}/decide", data={"action": "0|go_to_site"})
        assert answer.status_code == 403
        await console.until(lambda: not dialog._people, "the list emptied")

    room_test(session, steps, approve=True)


# Projector view ----------------------------------------------------------------------------------------


def test_the_projector_view_at_80x24_shows_the_join_code_and_address_and_says_the_qr_needs_more_rows() -> None:
    """The code in block letters, the address to type, "Scan to join"; the drill's situation stays in view."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await open_room(console)
        await console.press("escape", "v")
        link = live(console).link
        assert link is not None
        card = live(console).query_one("#join-card", JoinCard)
        assert card.display and not card.showing_qr
        text = screen_text(console)
        assert "扫码参演" in text and "Scan to join" in text
        assert link.base_url in text
        assert f"{link.code[:3]} {link.code[3:]}" in text
        assert big(link.code)[0] in text, "the code in big letters"
        assert "Too short for the QR code" in text
        assert "Elevator entrapment" in text and "Actions now" in text, "the drill must stay in view"
        assert link.evaluator_url not in text.replace("\n", ""), "the evaluators' link never reaches the projector"
        await console.press("v")
        assert not card.display

    room_test(session, steps)


def test_the_projector_view_in_a_tall_terminal_shows_the_qr_code() -> None:
    """At 120x45 the QR code of the join link is on the projector, beside the code."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await open_room(console)
        await console.press("escape", "v")
        card = live(console).query_one("#join-card", JoinCard)
        assert card.showing_qr
        text = screen_text(console)
        qr_lines = [line for line in text.splitlines() if line.startswith(" ██")]
        assert len(qr_lines) >= QR_ROWS - 3
        link = live(console).link
        assert link is not None and big(link.code, 2)[0] in text, "the code twice as large beside the QR code"
        assert card.qr().plain == qr_text(link.join_url).rstrip("\n"), "the QR code holds the join link"
        assert "扫码参演" in text and "Too short" not in text
        assert "Elevator entrapment" in text, "the situation still shows under the code"

    room_test(session, steps, size=BIG)


# Language ---------------------------------------------------------------------------------------------


def test_f2_switches_the_room_dialog_and_the_status_line_between_chinese_and_english() -> None:
    """Every word of the room follows the console's language, live."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await open_room(console)
        assert "演练室 · 扫码参演" in screen_text(console)
        await console.press("f2")
        assert console.app.lang == "en", console.app.lang
        await console.pilot.pause()
        assert "Drill room · scan to join" in screen_text(console)
        await console.press("escape")
        await console.until(lambda: isinstance(console.app.screen, LiveScreen), "the live screen")
        assert "Room " in screen_text(console) and "online" in screen_text(console)
        await console.press("f2")
        assert "在线" in screen_text(console)

    room_test(session, steps, lang="zh")


# Ports and stopping -------------------------------------------------------------------------------------


def test_a_taken_port_is_said_in_one_line_and_the_next_one_is_used() -> None:
    """The console tries the next few ports and says which it skipped."""
    session = new_session()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]

        async def steps(console: Console, client: httpx.AsyncClient) -> None:
            await open_room(console)
            link = live(console).link
            assert link is not None and link.port > taken
            assert any(f"Port {taken} is taken" in n for n in console.notified("warning"))
            assert (await client.get(f"{link.base_url}/healthz")).text == "ok"

        room_test(session, steps, port=taken)


def test_an_address_that_is_not_this_machine_s_is_one_line_and_the_drill_goes_on() -> None:
    """No traceback: the room cannot open, the console says why, and r can be pressed again."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await console.press("r")
        await console.settle()
        assert live(console).link is None
        errors = console.notified("error")
        assert len(errors) == 1 and "Cannot open the drill room on 192.0.2.254" in errors[0]

    async def go(console: Console) -> None:
        await console.open(LiveScreen(session))
        async with httpx.AsyncClient() as client:
            await steps(console, client)

    run(DrillsimApp(lang="en", room_host="192.0.2.254", room_port=0), go)
    assert not room_threads()


def test_ending_the_drill_stops_the_room_and_no_server_thread_is_left() -> None:
    """The drill ends: phones are told, the server stops, the link refuses connections."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await open_room(console)
        link = live(console).link
        assert link is not None
        url = link.join_url
        await console.press("escape", "e", "y")
        await console.reach(DebriefScreen)
        assert not room_threads()
        with pytest.raises(httpx.ConnectError):
            await client.get(url)

    room_test(session, steps)
    assert not room_threads()


def test_the_drill_ending_while_the_dialog_is_open_closes_it_and_goes_to_the_debrief() -> None:
    """The dialog never stays over a finished drill."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await open_room(console)
        live(console).safely(session.halt)
        await console.reach(DebriefScreen)
        assert not any(isinstance(s, (RoomDialog, LiveScreen)) for s in console.app.screen_stack)
        assert not room_threads()

    room_test(session, steps)


def test_quitting_the_console_with_the_room_open_leaves_no_server_running() -> None:
    """Ctrl+Q with phones connected: the app exits, the server's thread is gone."""
    session = new_session()

    async def steps(console: Console, client: httpx.AsyncClient) -> None:
        await open_room(console)
        assert isinstance(console.app.screen, RoomDialog) and room_threads()
        await console.pilot.press("ctrl+q")

    room_test(session, steps)
    assert not room_threads()


# Set-up -------------------------------------------------------------------------------------------------


def test_the_set_up_choice_to_wait_for_the_facilitator_reaches_the_live_screen() -> None:
    """Set-up asks whether phones' decisions apply at once or wait; the live drill's room follows it."""

    async def steps(console: Console) -> None:
        await console.press("enter")
        setup = await console.reach(SetupScreen)
        assert setup.query_one("#approve-now", RadioButton).value, "at once unless the facilitator says wait"
        setup.query_one("#approve-wait", RadioButton).value = True
        await console.pilot.pause()
        await console.press("ctrl+s")
        live = await console.reach(LiveScreen)
        assert live.approve

    run(DrillsimApp(lang="en"), steps)
