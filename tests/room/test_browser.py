"""The room in a real browser: Debian's chromium, headless, at a phone's size (390x844).

Driven by Playwright's Python package with the system browser (never a downloaded one). The server
runs on a thread on a free loopback port; the test reads the session and the record in-process to
check that what the phone did arrived. Skipped, with the reason, when chromium is not installed.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from engine.format import DecisionMade, Evaluated
from engine.runtime import read
from room import RoomServer, Site
from tests.room.conftest import open_drill

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM = "/usr/bin/chromium"
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("ROOM_SHOTS", "/tmp/room-shots"))
"""Where the pages' screenshots go (looked at by people, not compared)."""

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and shutil.which("chromium") is None,
    reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium fonts-noto-cjk)",
)


@pytest.fixture
def server(site: Site) -> Iterator[RoomServer]:
    """The room served on a free loopback port for the length of a test."""
    running = RoomServer(site, host="127.0.0.1", port=0)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless chromium, the system's."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A fresh phone-sized page (its own cookies), in Chinese."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors


def shot(page: Page, name: str) -> None:
    """Save a screenshot of what the phone shows (390x844)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def test_a_phone_joins_by_link_and_its_decision_reaches_the_session(
    server: RoomServer, site: Site, phone: Page
) -> None:
    """At 390x844: open the link, name and role, press an action; the session has the decision, the page says so."""
    room = open_drill(site)
    room.session.skip()
    room.pump()
    phone.goto(server.join_url(room))
    phone.get_by_label("你的姓名").fill("张三")
    phone.locator("input[value=control_room]").check()
    phone.get_by_role("button", name="加入演练").click()
    phone.wait_for_selector("#actions button")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    phone.get_by_label("理由（可选）").fill("先记录再安抚")
    phone.locator("#actions button[value='0|log_alarm']").click()
    phone.wait_for_selector("#flash:not([hidden])")
    assert "已执行" in phone.locator("#flash").inner_text()
    made = [e for e in room.session.drill.events if isinstance(e, DecisionMade)]
    assert [(d.action, d.by, d.note, d.source) for d in made] == [("log_alarm", "张三", "先记录再安抚", "room")]
    phone.wait_for_function("document.querySelector('#feed').innerText.includes('接警记录')")
    shot(phone, "participant")
    phone.locator("#feed").scroll_into_view_if_needed()
    shot(phone, "participant-feed")


def test_an_evaluators_rating_from_a_phone_lands_in_the_record(server: RoomServer, site: Site, phone: Page) -> None:
    """At 390x844: the evaluator link, a name, S with an observation on a critical task: an evaluation event by them."""
    room = open_drill(site)
    phone.goto(server.evaluator_url(room))
    phone.get_by_label("你的姓名").fill("评估员甲")
    phone.get_by_role("button", name="加入演练").click()
    task = phone.locator("form.task").first
    task.locator("input[value=S]").check()
    task.locator("textarea").fill("安抚及时，语气平稳")
    task.get_by_role("button", name="记录评估").click()
    phone.wait_for_selector("#flash:not([hidden])")
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "evaluator")
    rated = [e for e in read(room.session.path).events if isinstance(e, Evaluated)]
    assert [(e.rating, e.note, e.by) for e in rated] == [("S", "安抚及时，语气平稳", "评估员甲")]
    assert rated[0].wall is not None and rated[0].device == room.people()[0]["id"]
    assert "你的评级：S" in task.locator(".taskstatus").inner_text()


def test_a_practice_role_play_is_played_to_its_result_and_found_in_history(
    server: RoomServer, site: Site, phone: Page
) -> None:
    """At 390x844: pick the role-play, answer until the call ends, see the result; history has it."""
    phone.goto(f"{site.base_url}/p/{site.keys.practice}")
    card = phone.locator("section.card", has=phone.locator("input[value='roleplay:leak-complaint']"))
    card.get_by_label("你的姓名").fill("李四")
    card.get_by_role("button", name="开始通话").click()
    phone.wait_for_selector("ol.chat")
    first = True
    for _ in range(20):
        practice = next(iter(site.hall.live.values()), None)
        if practice is None:
            break
        buttons = phone.locator("#replies button[name=action]")
        values = [buttons.nth(i).get_attribute("value") or "" for i in range(buttons.count())]
        good = next(v for v in values if not practice.session.drill.breaches(0, v))
        if first:
            shot(phone, "practice-chat")
            first = False
        phone.locator(f"#replies button[value='{good}']").click()
        phone.wait_for_load_state()
    phone.wait_for_url("**/result")
    phone.wait_for_selector("svg.chart polyline.curve")
    assert "五个步骤" in phone.content()
    for save in site.saves:
        save.result(timeout=30)
    rows = site.history.results(person="李四", kind="practice")
    assert len(rows) == 1
    phone.reload()
    shot(phone, "practice-result")
    phone.locator("svg.chart").first.scroll_into_view_if_needed()
    shot(phone, "practice-result-chart")


def test_a_phone_is_told_calmly_when_the_room_closes_and_stops_reconnecting(
    server: RoomServer, site: Site, phone: Page
) -> None:
    """At 390x844: the server stops under an open page; it says the facilitator closed the room, and stays quiet."""
    room = open_drill(site)
    streams: list[str] = []
    phone.on("request", lambda r: streams.append(r.url) if "/stream" in r.url else None)
    phone.goto(server.join_url(room))
    phone.get_by_label("你的姓名").fill("张三")
    phone.locator("input[value=control_room]").check()
    phone.get_by_role("button", name="加入演练").click()
    phone.wait_for_selector("#actions button")
    person = next(iter(room.participants.values()))
    deadline = time.monotonic() + 15
    while person.streams == 0 and time.monotonic() < deadline:  # the page's event stream is open
        time.sleep(0.05)
    assert person.streams == 1
    server.stop()
    # A locator waits in Playwright's own world: the page's CSP forbids the eval a string predicate needs.
    phone.locator("#flash", has_text="导调已关闭演练室").wait_for(timeout=5000)
    assert phone.locator("#state").inner_text() == "演练室已关闭"
    assert phone.locator("#actions button").first.is_disabled()
    opened = len(streams)
    phone.wait_for_timeout(3000)  # longer than the stream's retry (2 s): a reconnecting page would have tried
    assert len(streams) == opened
    assert "导调已关闭演练室" in phone.locator("#flash").inner_text()  # not replaced by "reconnecting"
    shot(phone, "participant-closed")


def test_a_practice_page_says_when_the_server_is_gone(server: RoomServer, site: Site, phone: Page) -> None:
    """At 390x844: mid-call, the server stops; after two missed polls the chat says the connection is lost."""
    phone.goto(f"{site.base_url}/p/{site.keys.practice}")
    card = phone.locator("section.card", has=phone.locator("input[value='roleplay:leak-complaint']"))
    card.get_by_label("你的姓名").fill("王五")
    card.get_by_role("button", name="开始通话").click()
    phone.wait_for_selector("ol.chat")
    assert phone.locator("#flash").is_hidden()
    server.stop()
    phone.locator("#flash", has_text="与服务器的连接断开了").wait_for(timeout=15_000)
    shot(phone, "practice-lost")
