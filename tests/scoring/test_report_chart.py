"""The timeline chart's layout: however crowded the drill, no two labels overlap.

Labels are measured as the chart measures them (an estimate from above) and, where a headless
Chromium is installed, as the browser actually sets them with the fonts it finds.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.runtime import read
from scoring.report import build, timeline_svg
from scoring.report.chart import text_width
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "records_v1"

_TEXT = re.compile(r"<text ([^>]*)>([^<]*)</text>")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_LEGEND = re.compile(
    r'<g transform="translate\(([\d.]+),([\d.]+)\)">.*?<text x="20" y="4" font-size="12"[^>]*>([^<]*)</text></g>'
)


@dataclass(frozen=True)
class Box:
    """Where a label's glyphs go, in the chart's units: its advance across, its em box up and down."""

    left: float
    right: float
    top: float
    bottom: float
    text: str

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share any area."""
        return (
            self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom
        )


def label_boxes(svg: str) -> list[Box]:
    """Every ``<text>`` of the chart but the legend's, as the box its estimated width gives it."""
    boxes = []
    for attrs, body in _TEXT.findall(_LEGEND.sub("", svg)):
        a = dict(_ATTR.findall(attrs))
        text = html.unescape(body)
        size = float(a.get("font-size", 13))
        width = text_width(text, size)
        x, y = float(a["x"]), float(a["y"])
        left = {"start": x, "middle": x - width / 2, "end": x - width}[a.get("text-anchor", "start")]
        boxes.append(Box(left, left + width, y - 0.88 * size, y + 0.12 * size, text))
    return boxes


def legend_boxes(svg: str) -> list[Box]:
    """The legend's labels, placed by their groups' translation."""
    boxes = []
    for gx, gy, body in _LEGEND.findall(svg):
        text = html.unescape(body)
        left, baseline = float(gx) + 20, float(gy) + 4
        boxes.append(Box(left, left + text_width(text, 12), baseline - 0.88 * 12, baseline + 0.12 * 12, text))
    return boxes


def overlapping(boxes: Sequence[Box]) -> list[tuple[str, str]]:
    """Pairs of labels whose boxes overlap."""
    return [(a.text, b.text) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)]


def crowded(lang: str) -> list[dict[str, Any]]:
    """A drill where everything happens at once: four roles deciding every few seconds, injects,
    findings of every rule, a dozen deadlines and the situation changing, all within six minutes."""
    zh = lang == "zh"
    entries: list[dict[str, Any]] = []
    seq = itertools.count(1)

    def add(t: float, **entry: Any) -> None:
        entries.append({"t": t, "seq": next(seq), "incident": 0, "text": entry.get("label", "")} | entry)

    words = [
        "通知维保单位并报电梯识别码和被困人数",
        "对讲安抚：告知不会坠落，勿扒门",
        "Call the contractor's 24 h line",
        "WWW MMM",
    ]
    for role in range(4):
        for k in range(14):
            t = 0.2 + k * 0.35 + role * 0.05
            label = words[(role + k) % len(words)] if zh else words[2 + (k % 2)]
            add(
                t,
                kind="decision",
                lane=f"role:{role}",
                lane_label=f"角色{role}" if zh else f"Role {role}",
                lane_rank=10 + role,
                label=label,
                status="accepted" if k % 3 else "refused",
                begin=t + 0.1,
                done=t + 0.6,
                rules=["life-first"] if k % 4 == 0 else [],
            )
    for k in range(10):
        add(
            0.1 + k * 0.4,
            kind="inject",
            lane="injects",
            lane_label="注入信息",
            lane_rank=1,
            label="业主来电：“楼上在漏水…”",
        )
        add(
            0.15 + k * 0.4,
            kind="state",
            lane="situation",
            lane_label="态势",
            lane_rank=0,
            label="乘客情绪激动——要求立刻开门",
        )
    rules = ("life-first", "red-line", "emotion-first", "report-handle-feedback", "deadline")
    for k in range(30):
        add(
            0.3 + k * 0.15,
            kind="finding",
            lane="findings",
            lane_label="发现问题",
            lane_rank=1000,
            rule=rules[k % 5],
            breach="forbidden",
            breach_label="禁止行为" if zh else "forbidden act",
            label=rules[k % 5],
        )
    for k in range(12):
        timer = {"kind": "timer", "lane": "deadlines", "lane_label": "时限要求", "lane_rank": 900, "timer": f"c{k}"}
        add(0.2 * k, status="started", due=0.2 * k + 3 + k % 4, label=f"第{k}项时限：三分钟内通话安抚", **timer)
        add(0.2 * k + 2.5, status="met" if k % 2 else "missed", label=f"第{k}项时限：三分钟内通话安抚", **timer)
    add(5.9, kind="end", lane="situation", lane_label="态势", lane_rank=0, label="失败", outcome="failure")
    return entries


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_two_labels_of_a_crowded_chart_overlap(lang: str) -> None:
    """Dozens of events within seconds of each other: every label placed clears every other one."""
    svg = timeline_svg(crowded(lang), lang)
    boxes = label_boxes(svg) + legend_boxes(svg)
    assert len(boxes) > 60
    assert overlapping(boxes) == []


@pytest.mark.parametrize("name", ["plan.rainstorm-cascade.random.s1", "elevator-entrapment.mistakes.s1.observe"])
def test_no_two_labels_overlap_in_the_charts_of_busy_recorded_drills(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cascade played at random and the lift entrapment's classic mistakes, in both languages."""
    monkeypatch.chdir(ROOT)
    record = read(FIXTURES / f"{name}.jsonl")
    for lang in ("zh", "en"):
        svg = timeline_svg(build(record, lang, "cn"), lang)
        assert overlapping(label_boxes(svg) + legend_boxes(svg)) == []


def test_chart_times_are_written_as_the_console_clock_writes_them() -> None:
    """The axis and the tooltips say mm:ss, never decimal minutes with a prime."""
    svg = timeline_svg(crowded("zh"), "zh")
    assert "′" not in svg
    assert re.search(r">00:00</text>", svg) and re.search(r"<title>00:12 #", svg)


def test_findings_are_labelled_by_what_went_wrong_not_by_event_number() -> None:
    """A finding marker says 禁止行为 (and how many at once); event numbers stay in the appendix."""
    svg = timeline_svg(crowded("zh"), "zh")
    labels = [html.unescape(body) for _attrs, body in _TEXT.findall(svg)]
    assert any(label.startswith("禁止行为") for label in labels)
    assert not any(re.fullmatch(r"(#\d+ ?)+", label) for label in labels)


def _chromium() -> str | None:
    return shutil.which("chromium") or (str(Path("/usr/bin/chromium")) if Path("/usr/bin/chromium").exists() else None)


_MEASURE = """
<script>
const out = [...document.querySelectorAll('svg text')].map(t => {
  const b = t.getBBox(), size = parseFloat(t.getAttribute('font-size')), y = parseFloat(t.getAttribute('y'));
  const m = t.parentNode.getAttribute('transform') || '';
  const shift = m.startsWith('translate') ? m.slice(10, -1).split(',').map(Number) : [0, 0];
  return [b.x + shift[0], b.x + b.width + shift[0], y + shift[1] - 0.88 * size, y + shift[1] + 0.12 * size,
          t.textContent, size, b.width];
});
document.body.setAttribute('data-boxes', JSON.stringify(out));
</script>
"""


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed, so the fonts cannot be measured")
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_browser_setting_the_chart_with_real_fonts_finds_no_overlap_either(lang: str, tmp_path: Path) -> None:
    """Chromium measures every label it sets: none is wider than the chart's estimate, none overlaps another."""
    page = tmp_path / "chart.html"
    page.write_text(f"<!DOCTYPE html><html><body>{timeline_svg(crowded(lang), lang)}{_MEASURE}</body></html>", "utf-8")
    command = [
        str(_chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False).stdout
    found = re.search(r'data-boxes="([^"]*)"', dom)
    assert found, "chromium measured nothing"
    measured = json.loads(html.unescape(found.group(1)))
    assert len(measured) > 60
    # A glyph's ink may stand a hair past its advance (bold CJK by a third of a unit): 2% is allowed.
    wider = [(t, width, text_width(t, size)) for *_, t, size, width in measured if width > 1.02 * text_width(t, size)]
    assert wider == [], wider
    boxes = [Box(left, right, top, bottom, text) for left, right, top, bottom, text, _size, _w in measured]
    assert overlapping(boxes) == []
