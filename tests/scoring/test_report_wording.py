"""A report is written for a manager: local start time, the ending as a word, ids in an appendix;
in Chinese, no English word and no internal id; sim time written one way.

Every record the previous version wrote (tests/fixtures/records_v1) is rendered in Chinese, in both
styles, as Markdown and as HTML. The technical appendix is where ids and file names belong, so it is
left out of the check; what the scenario's own Chinese text says (a standard's number, 96333, B1) is
the scenario's to say.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from engine.runtime import Record, read, setup_from
from scoring.report import build, render
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "records_v1"
RECORDS = sorted(FIXTURES.glob("*.jsonl"))
SHANGHAI = ZoneInfo("Asia/Shanghai")

LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_\-:./]*")
"""A run of ASCII letters (with what an id or a code may carry)."""

ALLOWED = re.compile(r"[PSMU]|A\d+|[A-D]|UTC|App")
"""What a Chinese report may show in Latin letters of its own: the HSEEP ratings P/S/M/U, the
numbers of its observations (A1, A2...), its appendices' letters (附录A-D), the zone of the start
time (UTC+8), and "App", as Chinese writes the phone app a report comes in through."""

TECHNICAL = {"cn": "附录二 技术信息", "hseep": "附录D 技术信息"}
"""The appendix that holds the record's technical values, by style."""


def _strings(node: Any, under: str = "") -> Iterator[str]:
    """Every Chinese text and source title of a scenario (or plan), as dumped by pydantic."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, str(key))
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, under)
    elif isinstance(node, str) and under in ("zh", "title"):
        yield node


def content_words(record: Record) -> set[str]:
    """The Latin runs the drill's scenarios themselves write in their Chinese texts and source titles."""
    words: set[str] = set()
    for sc in setup_from(record).scenarios():
        for text in _strings(sc.model.model_dump()):
            words.update(LATIN.findall(text))
    return words


class _Text(HTMLParser):
    """The text a reader sees in an HTML report (the SVG's labels and tooltips included), styles left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style"

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(text: str, fmt: str, style: str) -> str:
    """What a reader of the report's body and non-technical appendices sees."""
    if fmt == "md":
        head = f"## {TECHNICAL[style]}"
        body, _, rest = text.partition(head)
        return (body + rest[rest.find("\n---") :]).replace("<br>", "\n")
    body = re.sub(r'<section id="(cn|hseep)\.technical".*?</section>', "", text, flags=re.DOTALL)
    parser = _Text()
    parser.feed(body)
    return html.unescape(" ".join(parser.parts))


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_a_chinese_report_shows_no_english_word_or_internal_id(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Body and appendices (the technical one aside) in both styles, as md and html: any Latin letters
    are a rating, an observation number, an appendix letter, the zone, or the scenario's own words."""
    monkeypatch.chdir(ROOT)
    record = read(path)
    own = content_words(record)
    for style in ("cn", "hseep"):
        content = build(record, "zh", style, SHANGHAI)
        for fmt in ("md", "html"):
            seen = visible(render(content, fmt), fmt, style)
            stray = sorted({w for w in LATIN.findall(seen) if w not in own and not ALLOWED.fullmatch(w)})
            assert stray == [], f"{style} {fmt}: {stray}"


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_sim_time_is_written_one_way(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every time in a report is mm:ss (or h:mm:ss): no decimal minutes, no prime."""
    monkeypatch.chdir(ROOT)
    record = read(path)
    for lang in ("zh", "en"):
        text = render(build(record, lang, "cn", SHANGHAI), "html")
        assert "′" not in text
        assert not re.search(r"\d+\.\d+ ?(分钟|min)\b", visible(text, "html", "cn").replace("满分", ""))


def _fixture(name: str, monkeypatch: pytest.MonkeyPatch) -> Record:
    monkeypatch.chdir(ROOT)
    return read(FIXTURES / f"{name}.jsonl")


def _with_start(record: Record, wall: str) -> Record:
    """The record, as if it had started at ``wall``."""
    return replace(record, header=replace(record.header, wall_start=wall))


@pytest.mark.parametrize(
    ("wall", "tz", "lang", "shown"),
    [
        ("2026-12-04T15:56:51+00:00", SHANGHAI, "zh", "2026-12-04 23:56（北京时间/UTC+8）"),
        ("2026-12-04T15:56:51+00:00", SHANGHAI, "en", "2026-12-04 23:56 (Beijing time, UTC+8)"),
        ("2026-12-04T17:30:00+00:00", SHANGHAI, "zh", "2026-12-05 01:30（北京时间/UTC+8）"),
        ("2026-12-04T15:56:51+00:00", ZoneInfo("Asia/Singapore"), "zh", "2026-12-04 23:56（UTC+8）"),
        ("2026-07-04T15:56:51+00:00", ZoneInfo("Europe/Paris"), "en", "2026-07-04 17:56 (UTC+2)"),
        ("2026-12-04T23:56:51+08:00", ZoneInfo("Europe/Paris"), "zh", "2026-12-04 23:56（北京时间/UTC+8）"),
        ("2026-12-04T21:26:51+05:30", None, "en", "2026-12-04 21:26 (UTC+5:30)"),
    ],
)
def test_the_start_time_is_local_time_with_its_zone(
    wall: str, tz: ZoneInfo | None, lang: str, shown: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A UTC stamp is shown in the zone asked for (a day may change); a stamp with its own offset as recorded."""
    record = _with_start(_fixture("fire-evacuation.correct.s1.observe", monkeypatch), wall)
    overview = build(record, lang, "cn", tz)["overview"]
    assert overview["started"] == shown
    assert overview["date"] == shown[:10]


@pytest.mark.parametrize(
    ("name", "zh", "en"),
    [
        ("elevator-entrapment.mistakes.s1.observe", "失败（乘客坠入井道）", "failure ("),
        ("fire-evacuation.correct.s1.observe", "成功（", "success ("),
        ("leak-complaint.mistakes.s1.observe", "部分完成（", "partial ("),
        ("elevator-entrapment.correct.s3.strict", "超时", "time limit"),
    ],
)
def test_the_ending_is_a_word_with_what_happened_beside_it(
    name: str, zh: str, en: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The overview says 成功/部分完成/失败/超时 first, then the ending the scenario names."""
    record = _fixture(name, monkeypatch)
    assert build(record, "zh", "cn", SHANGHAI)["overview"]["outcome_text"].startswith(zh)
    assert build(record, "en", "hseep", SHANGHAI)["overview"]["outcome_text"].startswith(en)


@pytest.mark.parametrize("style", ["cn", "hseep"])
def test_seed_engine_record_and_event_numbers_are_in_the_technical_appendix_only(
    style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The body names no record file, seed, engine version, scenario id or event number; the appendix does."""
    record = _fixture("elevator-entrapment.mistakes.s1.observe", monkeypatch)
    markdown = render(build(record, "zh", style, SHANGHAI), "md")
    body = markdown.partition("## 附录")[0]
    technical = markdown.partition(f"## {TECHNICAL[style]}")[2]
    for value in ("elevator-entrapment.mistakes.s1.observe.jsonl", "0.1.0", "随机种子", "引擎版本"):
        assert value not in body and value in technical
    assert not re.search(r"#\d", body)
    assert re.search(r"\| A1 \| \d\d:\d\d \| #\d+", technical)
    assert "elevator-entrapment" not in body


@pytest.mark.parametrize("style", ["cn", "hseep"])
def test_a_role_play_report_is_titled_as_a_customer_service_role_play(
    style: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A role-play is not an emergency drill: its report says 客服情景演练, and an emergency drill's does not."""
    roleplay = build(_fixture("leak-complaint.roleplay.s1", monkeypatch), "zh", style, SHANGHAI)
    drill = build(_fixture("leak-complaint.correct.s1.observe", monkeypatch), "zh", style, SHANGHAI)
    assert roleplay["title"].startswith("客服情景演练") and "应急" not in roleplay["title"]
    assert "客服" not in drill["title"]
    english = build(_fixture("leak-complaint.roleplay.s1", monkeypatch), "en", style, SHANGHAI)
    assert "Customer-service role-play" in english["title"]


def test_chinese_reports_say_zhenggai_cuoshi_and_rate_in_plain_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    """整改措施, not 纠正行动; ratings in plain Chinese (问题, not a translated 挑战); no 救人任务 calque."""
    markdown = render(build(_fixture("elevator-entrapment.mistakes.s1.observe", monkeypatch), "zh", "cn"), "md")
    assert "## 六、整改措施" in markdown and "纠正" not in markdown
    assert "挑战" not in markdown and "U：未能完成" in markdown
    assert "存在未完成的人员救护任务" in markdown and "救人任务" not in markdown


def test_short_chinese_cells_may_wrap_and_only_ids_and_times_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """A status such as 超时且顺序不对 wraps in its narrow column instead of running into the time beside it."""
    page = render(build(_fixture("elevator-entrapment.mistakes.s1.observe", monkeypatch), "zh", "cn"), "html")
    assert '<td class="nw">05:48</td>' in page and '<td class="nw">A1</td>' in page
    assert "<td>超时且顺序不对</td>" in page and '<td class="nw">超时' not in page
