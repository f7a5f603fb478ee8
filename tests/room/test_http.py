"""The room over HTTP: every refusal, and the happy paths, as a phone's browser meets them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from engine.format import DecisionMade, Evaluated, NoteMade
from engine.runtime import read, verify
from room import EVALUATOR, Site, create_app
from room.security import CSP
from tests.engine.hostile import edited, lines_of, write_lines
from tests.room.conftest import join, make_client, open_drill, options

if TYPE_CHECKING:
    from starlette.testclient import TestClient

ORIGIN = {"origin": "http://testserver"}
JSON = {"accept": "application/json"}


def decisions(site: Site) -> list[DecisionMade]:
    """The decisions in the only drill's record."""
    room = next(iter(site.rooms.values()))
    return [e for e in read(room.session.path).events if isinstance(e, DecisionMade)]


def sse(text: str) -> list[tuple[str, dict[str, Any], str | None]]:
    """(event, data, id) of each message of an event stream's text."""
    found = []
    for block in text.split("\n\n"):
        kind, data, seq = "message", None, None
        for row in block.splitlines():
            if row.startswith("event: "):
                kind = row[7:]
            elif row.startswith("data: "):
                data = json.loads(row[6:])
            elif row.startswith("id: "):
                seq = row[4:]
        if data is not None:
            found.append((kind, data, seq))
    return found


# Serving ------------------------------------------------------------------------------------------


def test_healthz_answers_ok(client: TestClient) -> None:
    """GET /healthz is 200 ``ok``: what a reverse proxy or a monitor checks."""
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


@pytest.mark.parametrize("path", ["/", "/healthz", "/no/such/page", "/static/room.css"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    """CSP without inline script, nosniff, frame denial and no referrer, on pages, errors and files."""
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP and "frame-ancestors 'none'" in CSP
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"


def test_pages_have_no_inline_script_and_load_only_packaged_files(client: TestClient, site: Site) -> None:
    """Every page's scripts and styles come from /static (the CSP would block anything else)."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    for path in ["/", f"/r/{room.token}", f"/p/{site.keys.practice}", f"/f/{site.keys.facilitator}"]:
        html = client.get(path).text
        assert "<script>" not in html and "onclick" not in html and "style=" not in html
        assert '<script src="/static/room.js" defer></script>' in html
        assert "http://" not in html.split("<main")[0]  # no CDN, no web font in the head


# Refusals -----------------------------------------------------------------------------------------


def test_an_unknown_path_is_a_plain_404_page_in_chinese(client: TestClient) -> None:
    """A wrong URL gets the room's own page, in Chinese, with nothing about the server."""
    response = client.get("/r/../../etc/passwd")
    assert response.status_code == 404
    assert "没有这个页面" in response.text and "Traceback" not in response.text


def test_a_wrong_token_is_the_same_404_as_an_unknown_path(client: TestClient, site: Site) -> None:
    """Guessing a room's token learns nothing: 404 for the page, the stream and the forms."""
    open_drill(site)
    fake = "A" * 22
    assert client.get(f"/r/{fake}").status_code == 404
    assert client.get(f"/r/{fake}/stream").status_code == 404
    assert client.post(f"/r/{fake}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN).status_code == 404
    assert client.get(f"/e/{fake}").status_code == 404
    assert client.get(f"/f/{fake}").status_code == 404
    assert client.get(f"/p/{fake}").status_code == 404
    assert client.get(f"/c/{fake}").status_code == 404


def test_a_wrong_method_is_a_405_page(client: TestClient) -> None:
    """POST where only GET is served: the room's 405 page."""
    response = client.post("/healthz")
    assert response.status_code == 405 and "不能这样打开" in response.text


def test_deciding_without_having_joined_is_refused(client: TestClient, site: Site) -> None:
    """No device session cookie (no token of one's own): 403, and nothing in the record."""
    room = open_drill(site)
    response = client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN)
    assert response.status_code == 403
    assert decisions(site) == []


def test_a_participant_cannot_decide_for_another_role(client: TestClient, site: Site) -> None:
    """The security guard may not take the control room's action: 403, nothing recorded."""
    room = open_drill(site)
    join(client, room, "王五", "security")
    response = client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers={**ORIGIN, **JSON})
    assert response.status_code == 403
    assert "没有权限" in response.json()["error"]
    assert decisions(site) == []


def test_an_evaluator_cannot_decide_and_a_participant_cannot_rate(client: TestClient, app: Any, site: Site) -> None:
    """Each credential does its own job only."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    rate = client.post(f"/e/{room.eval_token}/rate", data={"target": "0|drill", "rating": "P"}, headers=ORIGIN)
    assert rate.status_code == 403
    evaluator = make_client(app)
    evaluator.post(f"/e/{room.eval_token}/join", data={"name": "评估员甲"}, headers=ORIGIN)
    decide = evaluator.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN)
    assert decide.status_code == 403


def test_nothing_can_be_decided_once_the_drill_is_over(client: TestClient, site: Site) -> None:
    """After the facilitator ends the drill: decisions and new joins are 409."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    room.session.halt()
    room.pump()
    response = client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN)
    assert response.status_code == 409 and "演练没有在进行" in response.text
    other = client.post(f"/r/{room.token}/join", data={"name": "李四", "role": "security"}, headers=ORIGIN)
    assert other.status_code == 409
    assert decisions(site) == []


def test_an_oversized_body_is_refused(client: TestClient, site: Site) -> None:
    """A body past the limit is 413 whether declared or streamed, and the decision never lands."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    big = "action=0%7Clog_alarm&note=" + "x" * 20_000
    response = client.post(
        f"/r/{room.token}/decide", content=big, headers={**ORIGIN, "content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413 and "太长" in response.text
    assert decisions(site) == []


def test_json_nested_too_deep_is_a_400(client: TestClient, site: Site) -> None:
    """Brackets nested past what Python's JSON reader recurses (within the size limit) are bad input, not a crash."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    deep = "[" * 4000 + "]" * 4000
    response = client.post(
        f"/r/{room.token}/decide", content=deep, headers={**ORIGIN, "content-type": "application/json"}
    )
    assert response.status_code == 400 and "Traceback" not in response.text
    assert decisions(site) == []


@pytest.mark.parametrize(
    "body",
    [{"action": "log_alarm"}, {"action": "0|log alarm; drop"}, {"action": "0|log_alarm", "note": "x" * 501}, {}],
)
def test_a_malformed_decision_is_a_400(client: TestClient, site: Site, body: dict[str, str]) -> None:
    """Bodies are validated (pydantic) before anything reaches the session."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    assert client.post(f"/r/{room.token}/decide", data=body, headers=ORIGIN).status_code == 400
    assert decisions(site) == []


def test_a_form_posted_from_another_site_is_refused(client: TestClient, site: Site) -> None:
    """A cross-origin POST (a page elsewhere submitting to the room) is 403."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    response = client.post(
        f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers={"origin": "http://evil.example"}
    )
    assert response.status_code == 403
    assert decisions(site) == []


def test_a_removed_participant_can_no_longer_act(client: TestClient, site: Site) -> None:
    """The facilitator removes someone: their device session stops working at once."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    person = room.people()[0]
    assert room.remove(person["id"])
    response = client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN)
    assert response.status_code == 403
    assert room.people() == []


def test_requests_past_the_rate_limit_are_429(site: Site) -> None:
    """Each connection has a budget; past it, a 429 page, then the budget refills."""
    with make_client(create_app(site, rate=0.5, burst=3)) as strict:
        codes = [strict.get("/").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


def test_an_unexpected_error_shows_no_internal_detail(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug answers with the 500 page: no traceback, no exception text."""

    def broken(_token: str) -> None:
        raise RuntimeError("secret internal detail /home/drills")

    monkeypatch.setattr(site, "by_token", broken)
    with make_client(create_app(site), raise_server_exceptions=False) as c:
        response = c.get("/r/" + "A" * 22)
    assert response.status_code == 500
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    assert "服务器出了问题" in response.text
    assert response.headers["x-frame-options"] == "DENY"


def test_only_packaged_static_files_are_served(client: TestClient) -> None:
    """The static mount serves the room's own files and nothing beside them."""
    assert client.get("/static/room.js").status_code == 200
    for path in [
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/static/../../pyproject.toml",
        "/static/templates/base.html",
    ]:
        assert client.get(path).status_code == 404


# Happy paths --------------------------------------------------------------------------------------


def test_a_participant_joins_by_code_and_a_decision_reaches_the_record(client: TestClient, site: Site) -> None:
    """Code -> link -> name and role -> decide: the record has the decision with who and which device."""
    room = open_drill(site)
    found = client.post("/join", data={"code": room.code.lower()}, headers=ORIGIN, follow_redirects=False)
    assert found.headers["location"] == f"/r/{room.token}"
    page = client.get(f"/r/{room.token}")
    assert ("你的角色" in page.text and "监控" in page.text) or "control" in page.text
    join(client, room, "张三", "control_room")
    assert "0|log_alarm" in options(client.get(f"/r/{room.token}").text)
    response = client.post(
        f"/r/{room.token}/decide", data={"action": "0|log_alarm", "note": "先记录"}, headers={**ORIGIN, **JSON}
    )
    assert response.json()["status"] == "accepted"
    (made,) = decisions(site)
    person = room.people()[0]
    assert (made.role, made.action, made.source, made.note, made.by, made.device) == (
        "control_room",
        "log_alarm",
        "room",
        "先记录",
        "张三",
        person["id"],
    )
    assert made.wall is not None
    notes = [e for e in read(room.session.path).events if isinstance(e, NoteMade)]
    assert any("张三" in n.text and person["id"] in n.text for n in notes)  # the join is in the record too
    assert verify(room.session.path).ok  # replay re-makes the decision with who and device


def test_a_strict_refusal_is_explained_in_the_participants_language(client: TestClient, site: Site) -> None:
    """Opening the landing door with the car between floors: refused, and the page says why, in Chinese or English."""
    room = open_drill(site)
    join(client, room, "王五", "security")
    for lang, word in (("zh", "不能这样做"), ("en", "Refused")):
        response = client.post(
            f"/r/{room.token}/decide?lang={lang}", data={"action": "0|open_landing_door"}, headers={**ORIGIN, **JSON}
        )
        body = response.json()
        assert body["status"] == "refused" and body["message"].startswith(word)
    assert [d.status for d in decisions(site)] == ["refused", "refused"]


def test_with_approval_a_decision_waits_for_the_facilitator(client: TestClient, site: Site) -> None:
    """Approval on: pending until accepted (then it is made); a rejection is recorded as a note."""
    room = open_drill(site, approve=True)
    join(client, room, "张三", "control_room")
    first = client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers={**ORIGIN, **JSON})
    assert first.json()["status"] == "pending"
    second = client.post(f"/r/{room.token}/decide", data={"action": "0|call_119"}, headers={**ORIGIN, **JSON})
    assert second.json()["status"] == "pending"
    assert decisions(site) == []
    waiting = room.pending_list()
    assert [p["who"] for p in waiting] == ["张三", "张三"]
    outcome = room.accept(waiting[0]["id"])
    assert outcome is not None and outcome.status == "accepted"
    assert room.reject(waiting[1]["id"])
    assert [(d.action, d.by) for d in decisions(site)] == [("log_alarm", "张三")]
    notes = [e.text for e in read(room.session.path).events if isinstance(e, NoteMade)]
    assert any("未采纳" in n and "张三" in n for n in notes)
    assert room.pending_list() == []


@pytest.mark.parametrize("room_lang", ["zh", "en"])
def test_the_facilitators_answers_reach_each_participant_in_their_language_and_the_record_in_the_rooms(
    app: Any, site: Site, room_lang: str
) -> None:
    """Accept and reject: each phone reads the answer in its own page language; the notes are in the room's language."""
    entry = site.entry("scenario:elevator-entrapment")
    assert entry is not None
    room = site.begin(entry, mode="strict", approve=True, speed=1.0, seed=7, lang=room_lang)
    room.session.clock.resume()
    room.pump()
    with make_client(app) as zh_phone, make_client(app) as en_phone:
        join(zh_phone, room, "张三", "control_room")
        join(en_phone, room, "Li Si", "control_room")
        en_phone.get(f"/r/{room.token}?lang=en")  # the English phone's page language (a cookie from now on)
        for phone, action in ((zh_phone, "0|log_alarm"), (en_phone, "0|call_119")):
            sent = phone.post(f"/r/{room.token}/decide", data={"action": action}, headers={**ORIGIN, **JSON})
            assert sent.json()["status"] == "pending"
        first, second = room.pending_list(room_lang)
        assert room.accept(first["id"]) is not None and room.reject(second["id"])
        zh_page, en_page = zh_phone.get(f"/r/{room.token}").text, en_phone.get(f"/r/{room.token}").text
    assert "已执行：" in zh_page and "Done:" not in zh_page
    assert "The facilitator did not accept: " in en_page and "导调没有采纳" not in en_page
    notes = [e.text for e in read(room.session.path).events if isinstance(e, NoteMade)]
    if room_lang == "zh":
        assert notes[:2] == [f"加入演练室：张三（{first['role']}，设备 {room.people()[0]['id']}）", notes[1]]
        assert notes[-1].startswith("未采纳 Li Si（") and notes[-1].endswith(f"的提议：{second['what']}")
    else:
        assert notes[0] == f"Joined the drill room: 张三 ({first['role']}, device {room.people()[0]['id']})"
        assert notes[-1].startswith("Not accepted: Li Si (") and notes[-1].endswith(f"proposed {second['what']}")
        assert not any("演练室" in n or "未采纳" in n for n in notes)


def test_an_evaluator_rating_lands_in_the_record(client: TestClient, site: Site) -> None:
    """P/S/M/U with an observation on a critical task: an evaluation event with sim and wall time, who and which device."""
    room = open_drill(site)
    client.post(f"/e/{room.eval_token}/join", data={"name": "评估员甲"}, headers=ORIGIN)
    page = client.get(f"/e/{room.eval_token}")
    assert "关键任务" in page.text and "0|task:voice_contact" in page.text
    response = client.post(
        f"/e/{room.eval_token}/rate",
        data={"target": "0|task:voice_contact", "rating": "S", "note": "安抚到位，但晚了两分钟"},
        headers={**ORIGIN, **JSON},
    )
    assert response.status_code == 200
    (rated,) = [e for e in read(room.session.path).events if isinstance(e, Evaluated)]
    assert (rated.target, rated.rating) == ("task:voice_contact", "S")
    assert rated.note == "安抚到位，但晚了两分钟" and rated.wall is not None
    (person,) = room.people()
    assert person["role"] == EVALUATOR
    assert (rated.by, rated.device) == ("评估员甲", person["id"])
    room.session.halt()
    room.session.close()
    assert verify(room.session.path).ok  # replay re-makes the rating with who and device
    empty = client.post(f"/e/{room.eval_token}/rate", data={"target": "0|drill"}, headers=ORIGIN)
    assert empty.status_code == 400


def test_each_evaluator_sees_their_own_rating_and_the_latest_of_anyones(app: Any, site: Site) -> None:
    """Two evaluators rate one task: each page says 'your rating', and the latest rating when it is someone else's."""
    room = open_drill(site)
    with make_client(app) as first, make_client(app) as second:
        for phone, name, rating in ((first, "评估员甲", "M"), (second, "评估员乙", "S")):
            phone.post(f"/e/{room.eval_token}/join", data={"name": name}, headers=ORIGIN)
            phone.post(
                f"/e/{room.eval_token}/rate", data={"target": "0|task:voice_contact", "rating": rating}, headers=ORIGIN
            )
        room.pump()
        mine = first.get(f"/e/{room.eval_token}").text
        theirs = second.get(f"/e/{room.eval_token}").text
    assert "你的评级：M · 最新评级：S" in mine
    assert "你的评级：S" in theirs and "最新评级" not in theirs
    rated = [(e.by, e.rating) for e in read(room.session.path).events if isinstance(e, Evaluated)]
    assert rated == [("评估员甲", "M"), ("评估员乙", "S")]


def test_a_participant_receives_their_roles_injects_and_never_hidden_values(
    client: TestClient, app: Any, site: Site
) -> None:
    """The stream carries what the projector shows plus one's own injects: not the other role's, no hidden variable."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    guard = make_client(app)
    join(guard, room, "王五", "security")
    room.session.skip()  # to the five-minute inject for security, past the alarm for the control room
    while room.session.now < 6:
        room.session.skip()
    room.session.halt()
    room.pump()
    control = sse(client.get(f"/r/{room.token}/stream").text)
    security = sse(guard.get(f"/r/{room.token}/stream").text)

    def injects(messages: list[tuple[str, dict[str, Any], str | None]]) -> set[str]:
        return {d["event"]["inject"] for k, d, _ in messages if k == "drill" and d["event"]["type"] == "inject"}

    # The control room also hears the passenger who feels unwell at minute 6; never the guards' inject.
    assert "alarm" in injects(control) and "resident_offers_help" not in injects(control)
    assert injects(security) == {"resident_offers_help"}
    for messages in (control, security):
        text = json.dumps([d for _, d, _ in messages], ensure_ascii=False)
        assert "minutes_trapped" not in text and "maintenance_overdue" not in text
        assert '"evaluation"' not in text
        assert messages[-1][0] == "end"


def test_a_phone_that_drops_picks_up_where_it_was(client: TestClient, site: Site) -> None:
    """Reconnecting with Last-Event-ID sends only what came after it."""
    room = open_drill(site)
    join(client, room, "张三", "control_room")
    client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers=ORIGIN)
    seen = room.snapshot.count
    client.post(f"/r/{room.token}/decide", data={"action": "0|talk_to_passengers"}, headers=ORIGIN)
    room.session.halt()
    room.pump()
    again = sse(client.get(f"/r/{room.token}/stream", headers={"last-event-id": str(seen)}).text)
    seqs = [int(s) for k, _, s in again if k == "drill" and s]
    assert seqs and min(seqs) > seen
    assert any(d["event"].get("action") == "talk_to_passengers" for k, d, _ in again if k == "drill")
    assert not any(
        d["event"].get("action") == "log_alarm"
        for k, d, _ in again
        if k == "drill" and d["event"]["type"] == "decision"
    )


def test_the_facilitator_sees_who_is_connected_and_the_join_qr(client: TestClient, app: Any, site: Site) -> None:
    """The facilitator's page: join code, QR code, links, who is here, remove."""
    fac = f"/f/{site.keys.facilitator}"
    opened = client.post(
        f"{fac}/open",
        data={"entry": "scenario:elevator-entrapment", "mode": "strict", "approve": "wait"},
        headers=ORIGIN,
    )
    assert opened.status_code == 200
    room = next(iter(site.rooms.values()))
    assert room.approve
    phone = make_client(app)
    join(phone, room, "张三", "control_room")
    page = client.get(f"{fac}/room/{room.id}").text
    assert room.code[:3] in page and "<svg" in page and room.token in page and "张三" in page and "在线" in page
    person = room.people()[0]
    client.post(f"{fac}/room/{room.id}/remove", data={"id": person["id"]}, headers=ORIGIN)
    assert room.people() == []
    client.post(f"{fac}/room/{room.id}/clock", data={"op": "halt"}, headers=ORIGIN)
    assert room.session.finished


def test_a_console_driven_room_runs_inputs_on_the_consoles_thread(client: TestClient, site: Site) -> None:
    """External mode: the phone's decision waits in the inbox until the console pumps, then answers."""
    import threading

    from engine.paths import new_record_path
    from engine.runtime import Session, header_for, prepare

    setup = prepare("scenarios/elevator-entrapment.yaml")
    header = header_for(setup, seed=3, mode="strict", source="console")
    session = Session.begin(setup, header, path=new_record_path(setup.title_id, 3, site.records))
    room = site.open_room(session, external=True)
    stop = threading.Event()
    pumped: list[str] = []

    def console() -> None:
        while not stop.is_set():
            pumped.append(threading.current_thread().name)
            room.pump()
            stop.wait(0.02)

    thread = threading.Thread(target=console, name="console")
    thread.start()
    try:
        join(client, room, "张三", "control_room")
        response = client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers={**ORIGIN, **JSON})
    finally:
        stop.set()
        thread.join()
    assert response.json()["status"] == "accepted"
    assert any(isinstance(e, DecisionMade) and e.by == "张三" for e in session.drill.events)
    session.close()


# Practice -------------------------------------------------------------------------------------------


def task_ratings(site: Site, task: str) -> list[tuple[str, str | None]]:
    """(rating, evaluator_rating) of ``task`` in every drill of the site's history."""
    import sqlite3
    from contextlib import closing

    assert site.db is not None
    with closing(sqlite3.connect(site.db.removeprefix("sqlite:///"))) as conn:
        query = "SELECT rating, evaluator_rating FROM task_ratings WHERE task = ?"
        return [(str(r), e) for r, e in conn.execute(query, (task,)).fetchall()]


def play_to_the_end(client: TestClient, site: Site, url: str) -> str:
    """Reply with a reply that breaks no rule until the call is over; the result page's URL."""
    for _ in range(20):
        practice = next(iter(site.hall.live.values()), None)
        if practice is None:
            break
        good = next(a for a in options(client.get(url).text) if not practice.session.drill.breaches(0, a))
        response = client.post(f"{url}/say", data={"action": good}, headers=ORIGIN)
        assert response.status_code == 200
    return f"{url}/result"


def test_a_practice_role_play_plays_to_its_result_and_goes_to_history(client: TestClient, site: Site) -> None:
    """Start, talk, result (five steps, curve), and the session is in history as practice."""
    base = f"/p/{site.keys.practice}"
    assert "漏水" in client.get(base).text or "leak" in client.get(base).text.lower()
    started = client.post(f"{base}/start", data={"entry": "roleplay:leak-complaint", "name": "李四"}, headers=ORIGIN)
    assert started.status_code == 200 and "业主" in started.text
    url = str(started.url).replace("http://testserver", "")
    result = play_to_the_end(client, site, url)
    assert not site.hall.live
    page = client.get(result)
    assert page.status_code == 200
    assert "五个步骤" in page.text and '<polyline class="curve"' in page.text
    for save in site.saves:
        save.result(timeout=30)
    rows = site.history.results(person="李四", kind="practice")
    assert [d.saved for d in site.hall.done.values()] == [""]
    assert len(rows) == 1 and rows[0]["scenario"] == "leak-complaint-roleplay"
    assert "我的练习记录" in client.get(result).text


def test_own_words_are_judged_by_the_coach_afterwards_as_recorded_inputs(client: TestClient, site: Site) -> None:
    """Own words play as the chosen move; the coach's judgement is appended and the record still verifies."""
    base = f"/p/{site.keys.practice}"
    started = client.post(f"{base}/start", data={"entry": "roleplay:leak-complaint", "name": "李四"}, headers=ORIGIN)
    url = str(started.url).replace("http://testserver", "")
    said = client.post(f"{url}/say", data={"words": "您别急，我听您说完", "move": "listen"}, headers=ORIGIN)
    assert "您别急，我听您说完" in said.text
    play_to_the_end(client, site, url)
    for save in site.saves:
        save.result(timeout=30)
    (before,) = site.history.results(person="李四", kind="practice")
    assert [judged for _, judged in task_ratings(site, "listen")] == [None]
    coach = f"/c/{site.keys.coach}"
    listing = client.get(coach).text
    assert "李四" in listing and '<span class="what">业主来电：天花板漏水' in listing  # the title, not the id
    record = next(iter(site.hall.records()))
    page = client.get(f"{coach}/r/{record.name}").text
    assert "判定这句自己的话" in page
    own = next(e for e in read(record).events if isinstance(e, DecisionMade) and e.action == "free_listen")
    step = client.post(
        f"{coach}/r/{record.name}/judge",
        data={"seq": str(own.seq), "move": "listen", "rating": "M", "coach": "王教练"},
        headers=ORIGIN,
    )
    assert step.status_code == 200 and "培训台账中的得分已更新" in step.text
    assert task_ratings(site, "listen") == [("M", "M")]  # the step's row: the coach's rating now counts
    judged = client.post(
        f"{coach}/r/{record.name}/judge",
        data={"seq": str(own.seq), "move": "interrupt", "rating": "U", "coach": "王教练"},
        headers=ORIGIN,
    )
    assert judged.status_code == 200
    last = read(record).events[-1]
    assert isinstance(last, Evaluated) and last.target == "drill" and last.rating == "U" and last.by == "王教练"
    assert "您别急，我听您说完" in (last.note or "")
    assert verify(record).ok
    (after,) = site.history.results(person="李四", kind="practice")  # the same row, rescored: not a second one
    assert (after["rating"], after["passed"]) == ("U", False)
    assert {k: v for k, v in after.items() if k not in ("rating", "passed")} == {
        k: v for k, v in before.items() if k not in ("rating", "passed")
    }
    bad = client.post(
        f"{coach}/r/..%2Fhistory.db/judge", data={"seq": "1", "move": "listen", "coach": "x"}, headers=ORIGIN
    )
    assert bad.status_code == 404
    lines = lines_of(record)  # an edited record: the coach's page and judgement refuse it
    lines[4] = edited(lines[4])
    write_lines(record, lines)
    assert client.get(f"{coach}/r/{record.name}").status_code == 404
    judged = client.post(
        f"{coach}/r/{record.name}/judge",
        data={"seq": str(own.seq), "move": "listen", "rating": "P", "coach": "王教练"},
        headers=ORIGIN,
    )
    assert judged.status_code == 400


def test_the_serve_command_is_registered_without_importing_the_room(tmp_path: Path) -> None:
    """``drillsim --help`` lists serve; building the parser imports neither room nor starlette."""
    import subprocess
    import sys

    code = (
        "import sys; from tui.cli import _headless_parser; p = _headless_parser();"
        " print('serve' in p.format_help(), 'room' in sys.modules, 'starlette' in sys.modules, 'textual' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert out.stdout.split() == ["True", "False", "False", "False"]


def test_the_chinese_feed_has_chinese_punctuation_and_outcomes_in_words(client: TestClient, site: Site) -> None:
    """Every feed line of a whole drill in Chinese: mm:ss, full-width colons, no outcome codes; English keeps its own."""
    from room.views import line

    room = open_drill(site)
    join(client, room, "张三", "control_room")
    client.post(f"/r/{room.token}/decide", data={"action": "0|log_alarm"}, headers={**ORIGIN, **JSON})
    room.session.skip()
    room.session.halt()
    events = read(room.session.path).events
    zh = [text for e in events if (text := line(e, room.scenarios, "zh")) is not None]
    en = [text for e in events if (text := line(e, room.scenarios, "en")) is not None]
    assert zh and all(re.match(r"\d\d:\d\d ", text) for text in zh)
    assert not [t for t in zh if ": " in t or re.search(r"\b(success|partial|failure|timeout)\b", t)]
    assert any("演练结束：" in t for t in zh)
    assert any("drill over: " in t for t in en)


def test_a_judgement_history_cannot_take_is_still_recorded_and_the_coach_is_told(
    client: TestClient, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """History refuses the rescore: the judgement stays in the record and the page says the score was not updated."""
    from scoring.history import History, HistoryError

    base = f"/p/{site.keys.practice}"
    started = client.post(f"{base}/start", data={"entry": "roleplay:leak-complaint", "name": "李四"}, headers=ORIGIN)
    url = str(started.url).replace("http://testserver", "")
    client.post(f"{url}/say", data={"words": "您别急，我听您说完", "move": "listen"}, headers=ORIGIN)
    play_to_the_end(client, site, url)
    for save in site.saves:
        save.result(timeout=30)

    def refuse(_self: History, _path: object) -> bool:
        raise HistoryError("history database: disk full")

    monkeypatch.setattr(History, "rescore", refuse)
    record = next(iter(site.hall.records()))
    own = next(e for e in read(record).events if isinstance(e, DecisionMade) and e.action == "free_listen")
    judged = client.post(
        f"/c/{site.keys.coach}/r/{record.name}/judge",
        data={"seq": str(own.seq), "move": "listen", "rating": "P", "coach": "王教练"},
        headers=ORIGIN,
    )
    assert judged.status_code == 200 and "得分未能更新" in judged.text and "disk full" not in judged.text
    last = read(record).events[-1]
    assert isinstance(last, Evaluated) and last.by == "王教练" and verify(record).ok


def test_the_practice_page_briefs_the_trainee_without_giving_away_what_is_trained(
    client: TestClient, site: Site
) -> None:
    """Each role-play shows its briefing (who calls, the setting); the summary's list of what is trained stays hidden."""
    base = f"/p/{site.keys.practice}"
    for lang, briefing, hidden in (
        ("zh", "9栋902的业主打来电话", "训练："),
        ("en", "the owner of 9-902 is calling", "Trains:"),
    ):
        page = client.get(f"{base}?lang={lang}").text
        assert briefing in page
        assert hidden not in page and "1002户表阀" not in page
