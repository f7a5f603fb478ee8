"""Closing the room: every open stream tells its phone and ends, so stopping the server is quick.

Streams are read over real HTTP (a :class:`RoomServer` on a free loopback port, an httpx client on
a thread per phone), as the stop under test is uvicorn's own shutdown; the rest goes through the
test client.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from engine.format import DecisionMade
from engine.paths import new_record_path
from engine.runtime import Session, header_for, prepare
from room import DrillRoom, RoomServer, Site
from room.i18n import tr
from tests.room.conftest import join, open_drill

if TYPE_CHECKING:
    from starlette.testclient import TestClient

ORIGIN = {"origin": "http://testserver"}
ROOM_THREAD = "drillsim-room"
"""The name of the thread a :class:`RoomServer` serves from."""


class Phone(threading.Thread):
    """A participant's phone on a real connection: joins, then reads its event stream until it ends.

    Attributes:
        events: (kind, data) of each event received, in order.
        error: What cut the stream short, if anything did (None when it ended as a response should).
    """

    def __init__(self, base: str, room: DrillRoom, name: str, role: str, lang: str = "zh") -> None:
        super().__init__(name=f"phone {name}", daemon=True)
        self.base, self.room, self.person, self.role, self.lang = base, room, name, role, lang
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.error: Exception | None = None
        self.viewing = threading.Event()
        """Set once the stream has sent its first view (the phone is following the room)."""

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.base, headers={"origin": self.base}, timeout=httpx.Timeout(10)) as client:
                client.post(f"/r/{self.room.token}/join", data={"name": self.person, "role": self.role})
                with client.stream("GET", f"/r/{self.room.token}/stream?lang={self.lang}") as response:
                    kind = "message"
                    for row in response.iter_lines():
                        if row.startswith("event: "):
                            kind = row[7:]
                        elif row.startswith("data: "):
                            self.events.append((kind, json.loads(row[6:])))
                            if kind == "view":
                                self.viewing.set()
        except httpx.HTTPError as exc:
            self.error = exc
        finally:
            self.viewing.set()

    @property
    def last(self) -> str | None:
        """The kind of the last event received."""
        return self.events[-1][0] if self.events else None


@pytest.fixture
def server(site: Site) -> Iterator[RoomServer]:
    """The room served on a free loopback port (stopped at the end if the test did not)."""
    running = RoomServer(site, host="127.0.0.1", port=0)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def phones_following(server: RoomServer, room: DrillRoom, count: int, lang: str = "zh") -> list[Phone]:
    """``count`` phones joined to ``room``, each with its stream open and its first view received."""
    roles = room.roles
    phones = [Phone(server.site.base_url, room, f"参演者{i}", roles[i % len(roles)], lang) for i in range(count)]
    for phone in phones:
        phone.start()
        assert phone.viewing.wait(20), "the stream did not open"
        assert phone.error is None, phone.error
    return phones


def kinds(text: str) -> list[str]:
    """The kind of each event in an event stream's text, in order."""
    return [row[7:] for row in text.splitlines() if row.startswith("event: ")]


def room_threads() -> list[threading.Thread]:
    """The room servers' threads still alive."""
    return [t for t in threading.enumerate() if t.name == ROOM_THREAD and t.is_alive()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_stream_open_when_the_server_stops_is_told_the_room_closed_and_ends(
    server: RoomServer, site: Site, lang: str
) -> None:
    """Its last event is ``closed``, worded in the phone's language, and the response ends cleanly."""
    room = open_drill(site)
    (phone,) = phones_following(server, room, 1, lang)
    server.stop()
    phone.join(timeout=5)
    assert not phone.is_alive()
    assert phone.error is None
    assert phone.last == "closed"
    data = phone.events[-1][1]
    assert data == {"message": tr("room.closed", lang), "state": tr("room.state_closed", lang)}
    assert ("导调已关闭演练室" in data["message"]) == (lang == "zh")
    assert ("facilitator closed the drill room" in data["message"]) == (lang == "en")


def test_stop_returns_promptly_with_three_streams_open_and_leaves_no_thread(server: RoomServer, site: Site) -> None:
    """No waiting for a keep-alive or for uvicorn's graceful timeout (2 s): every phone is told at once."""
    room = open_drill(site)
    phones = phones_following(server, room, 3)
    began = time.monotonic()
    server.stop()
    took = time.monotonic() - began
    assert took < 1.5, f"stop() took {took:.2f} s"
    assert room_threads() == []
    for phone in phones:
        phone.join(timeout=5)
        assert (phone.last, phone.error) == ("closed", None)


def test_stop_twice_is_harmless(server: RoomServer, site: Site) -> None:
    """The console may stop the room more than once (on the drill's end, then on quitting)."""
    room = open_drill(site)
    server.stop()
    server.stop()
    assert room.closed and room_threads() == []


def test_a_finished_drill_still_ends_with_end_and_not_closed(client: TestClient, site: Site) -> None:
    """``end`` (the drill is over) and ``closed`` (the room was closed under it) stay distinct."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    room.session.halt()
    room.pump()
    room.close()
    seen = kinds(client.get(f"/r/{room.token}/stream").text)
    assert seen[-1] == "end" and "closed" not in seen


def test_a_room_closed_under_a_running_drill_ends_its_streams_and_refuses_inputs(
    client: TestClient, site: Site
) -> None:
    """The stream's last update, then ``closed``; decisions, joins, the page and the join code are refused."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    room.close()
    assert kinds(client.get(f"/r/{room.token}/stream").text)[-2:] == ["view", "closed"]
    decided = client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN)
    assert decided.status_code == 409 and "导调已关闭演练室" in decided.text
    assert not [e for e in room.session.drill.events if isinstance(e, DecisionMade)]
    page = client.get(f"/r/{room.token}")
    assert page.status_code == 409 and "导调已关闭演练室" in page.text
    other = client.post(f"/r/{room.token}/join", data={"name": "李四", "role": "security"}, headers=ORIGIN)
    assert other.status_code == 409
    assert site.by_code(room.code) is None


def test_a_phones_input_waiting_for_the_console_is_refused_at_once_when_the_room_closes(
    client: TestClient, site: Site, tmp_path: Path
) -> None:
    """A console-driven room: a decision queued for the console's next pump is answered 409 on close, not after 10 s."""
    setup = prepare("scenarios/elevator-entrapment.yaml")
    header = header_for(setup, seed=3, mode="strict", source="console")
    session = Session.begin(setup, header, path=new_record_path(setup.title_id, 3, site.records))
    try:
        room = site.open_room(session, external=True)
        room.pump()
        person = room.join("张三", "control_room")
        client.cookies.set(f"ds_r{room.id}", person.secret)
        answer: list[httpx.Response] = []
        sender = threading.Thread(
            target=lambda: answer.append(
                client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN)
            )
        )
        sender.start()
        deadline = time.monotonic() + 10
        while room._inbox.empty() and time.monotonic() < deadline:  # the call is queued
            time.sleep(0.01)
        began = time.monotonic()
        room.close()
        sender.join(timeout=5)
        assert time.monotonic() - began < 3
        assert answer and answer[0].status_code == 409
        room.pump()  # the console's next tick runs nothing that was refused
        assert not [e for e in session.drill.events if isinstance(e, DecisionMade)]
    finally:
        session.close()
