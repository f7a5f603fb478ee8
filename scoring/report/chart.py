"""The timeline chart of a debrief report: the drill over sim time, as one inline SVG.

Lanes, top to bottom: the situation (hazards, state changes, the ending), injects, one lane per
role with its decisions (a dot when decided, a bar while it waited for staff and while it ran),
the SLA deadlines (one row per clock, from start to due, ✓ when met, ✗ when missed) and the
findings (one row per rule, coloured: life first, red line, the report-handle-feedback loop,
deadlines). A decision that caused a finding takes that finding's colour, so a reader sees at a
glance which choices went wrong.

The chart is drawn from the report's ``timeline`` entries alone (each names its lane), so it needs
no scenario and no record. It is sized for an A4 page: a 1000-unit-wide ``viewBox`` that scales to
the text width, with labels placed greedily on a few label lines under their marker, shortened
with "…" when they would run into the next one; every marker keeps its full text as a tooltip.
Times are written as the console's clock writes them (``mm:ss``).

No two labels may overlap, and the chart cannot measure the fonts the reader's browser picks. So a
text's width is estimated from above (:func:`text_width`): a wide or full-width character, and an
ambiguous one that CJK fonts set full width ("…", quotation marks, "·", "—"), takes a whole em; a
wide Latin letter one too, a capital 0.8 em and any other character 0.64 em: as wide as the widest
common sans-serif font (DejaVu Sans) sets them.
A label is placed only where that estimate, plus a gap, clears every label already on its line.
All text is escaped.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.display import sim_time

_CJK_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "Noto Sans SC"'
)
_LATIN_FONTS = '"Noto Sans", "Segoe UI", "Helvetica Neue", Arial'

FONTS = f"{_CJK_FONTS}, {_LATIN_FONTS}, sans-serif"
"""Font families for Chinese reports: common CJK fonts (Linux, macOS, Windows) first, then Latin ones."""


def fonts(lang: str) -> str:
    """The font-family list for ``lang``: English text takes Latin fonts first (a CJK font would set its
    quotation marks full width) and keeps the CJK ones for any Chinese in it."""
    return FONTS if lang == "zh" else f"{_LATIN_FONTS}, {_CJK_FONTS}, sans-serif"


RULE_COLOURS = {
    "life-first": "#c62828",
    "red-line": "#6a1b9a",
    "emotion-first": "#ad1457",
    "report-handle-feedback": "#e65100",
    "deadline": "#b7791f",
}
"""Colour of each rule's findings (and of the decisions that caused them)."""

RULE_ORDER = ("life-first", "red-line", "emotion-first", "report-handle-feedback", "deadline")
"""Worst first: a decision that broke two rules shows the first one's colour."""

_RULE_NAMES = {
    "life-first": ("生命优先", "life first"),
    "red-line": ("服务红线", "red line"),
    "emotion-first": ("先处理情绪", "emotion first"),
    "report-handle-feedback": ("闭环", "loop"),
    "deadline": ("时限", "deadline"),
}
_LEGEND = {
    "decision": ("决策", "decision"),
    "refused": ("被拒绝/不可选", "refused / unavailable"),
    "wait": ("等待人员", "waiting for staff"),
    "run": ("执行中", "in progress"),
    "met": ("时限达成", "deadline met"),
    "missed": ("超时", "deadline missed"),
    "axis": ("模拟时间（分:秒）", "sim time (mm:ss)"),
    "empty": ("（无事件）", "(no events)"),
}

_DECISION = "#1f4e79"
_INJECT = "#00838f"
_SITUATION = "#546e7a"
_OK = "#2e7d32"
_MISS = "#c62828"
_GRID = "#dde3ea"

_FS = 13.0
"""Label font size in viewBox units (about 9 px once scaled to an A4 text width)."""
_LINE = 15.0
"""Height of one label line."""
_GUTTER = 168.0
"""Width of the lane names column."""


def _word(table: Mapping[str, tuple[str, str]], key: str, lang: str) -> str:
    zh, en = table[key]
    return zh if lang == "zh" else en


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


_WIDE_LATIN = frozenset("MWmw@%")
"""Latin characters that take up to an em in common sans-serif fonts."""


def char_width(ch: str) -> float:
    """An upper estimate of a character's advance, in ems (see the module docstring)."""
    if unicodedata.east_asian_width(ch) in ("W", "F", "A") or ch in _WIDE_LATIN:
        return 1.0
    if ch.isupper():
        return 0.8
    return 0.64


def text_width(text: str, size: float = _FS) -> float:
    """Width of ``text`` at font ``size``, estimated from above: a label this wide never runs over."""
    return sum(char_width(ch) for ch in text) * size


def fit(text: str, width: float, size: float = _FS) -> str:
    """``text`` shortened with "…" to fit ``width``."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…" if out else ""


@dataclass
class _Mark:
    """One marker on a track, and the label that goes under it."""

    x: float
    label: str
    title: str
    colour: str
    shape: str = "dot"
    x0: float | None = None
    """Start of a bar ending at ``x1`` (a decision waiting then running; an SLA clock)."""
    x1: float | None = None
    wait_until: float | None = None


@dataclass(frozen=True)
class _Scale:
    """Sim minutes to x: ``0`` at the gutter's edge, ``end`` at the right margin (later times are clamped)."""

    left: float
    right: float
    end: float

    def x(self, t: float) -> float:
        return self.left + (self.right - self.left) * max(0.0, min(float(t), self.end)) / self.end


class _Canvas:
    """Collects SVG elements (lane backgrounds apart, so they go under the grid) and the running height."""

    def __init__(self, width: float, scale: _Scale) -> None:
        self.width = width
        self.scale = scale
        self.back: list[str] = []
        self.parts: list[str] = []
        self.y = 0.0

    def text(
        self, x: float, y: float, text: str, *, size: float = _FS, fill: str = "#222", anchor: str = "start"
    ) -> None:
        """A label with a white halo, so it stays readable where it crosses a bar or a grid line."""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" text-anchor="{anchor}"'
            f' stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">{_e(text)}</text>'
        )

    def add(self, element: str) -> None:
        self.parts.append(element)


def _nice_step(span: float) -> float:
    for step in (0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 240, 480, 720, 1440):
        if span / step <= 12:
            return float(step)
    return 1440.0 * math.ceil(span / 1440 / 12)


def timeline_svg(
    content_or_entries: Mapping[str, Any] | Sequence[Mapping[str, Any]], lang: str = "zh", width: float = 1000.0
) -> str:
    """The timeline chart, as an ``<svg>`` element to inline in HTML (or save as a file).

    The axis runs to the last event: a clock still running when the drill ended is drawn to the
    edge with an arrow, so a 30-minute SLA does not squeeze a 15-minute drill.

    Args:
        content_or_entries: A report's content (its ``timeline`` is used) or the entries themselves.
        lang: ``zh`` or ``en``, for the legend and the axis.
        width: Width of the ``viewBox``; the element itself scales to its container.

    Returns:
        SVG markup with every text escaped.
    """
    if isinstance(content_or_entries, Mapping):
        entries: Sequence[Mapping[str, Any]] = content_or_entries.get("timeline", [])
    else:
        entries = content_or_entries
    last = max((float(e[k]) for e in entries for k in ("t", "begin", "done") if e.get(k) is not None), default=0.0)
    last = last or 1.0
    step = _nice_step(last)
    scale = _Scale(_GUTTER, width - 24.0, max(step, math.ceil(last / step - 1e-9) * step))
    canvas = _Canvas(width, scale)
    top = 34.0
    canvas.text(scale.left, 14, _word(_LEGEND, "axis", lang), size=12, fill="#555")
    canvas.y = top + 4
    lanes = _lanes(entries)
    for number, (lane, lane_label, items) in enumerate(lanes):
        y0 = canvas.y
        if lane == "deadlines":
            _deadlines(canvas, items, lang)
        elif lane == "findings":
            _findings(canvas, items, lang)
        else:
            canvas.y += 4
            _track(canvas, [_mark(item, scale) for item in items])
        canvas.y += 6
        if number % 2:
            canvas.back.append(
                f'<rect x="0" y="{y0:.1f}" width="{width:g}" height="{canvas.y - y0:.1f}" fill="#f4f6f9"/>'
            )
        canvas.add(f'<line x1="0" y1="{canvas.y:.1f}" x2="{width:g}" y2="{canvas.y:.1f}" stroke="{_GRID}"/>')
        canvas.parts.append(
            f'<text x="{scale.left - 10:.1f}" y="{y0 + 16:.1f}" font-size="13" fill="#222" text-anchor="end"'
            f' font-weight="600">{_e(fit(lane_label, scale.left - 16))}</text>'
        )
    if not lanes:
        canvas.text((scale.left + scale.right) / 2, canvas.y + 20, _word(_LEGEND, "empty", lang), anchor="middle")
        canvas.y += 30
    grid = [f'<line x1="{scale.left:.1f}" y1="{top:.1f}" x2="{scale.right:.1f}" y2="{top:.1f}" stroke="#888"/>']
    for k in range(round(scale.end / step) + 1):
        x = scale.x(k * step)
        grid.append(f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{canvas.y:.1f}" stroke="{_GRID}"/>')
        grid.append(
            f'<text x="{x:.1f}" y="{top - 6:.1f}" font-size="12" fill="#555" text-anchor="middle">'
            f"{sim_time(k * step)}</text>"
        )
    height = canvas.y + 12
    legend, legend_height = _legend(width, height, lang)
    title = _word(_LEGEND, "axis", lang)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height + legend_height:.0f}" width="100%"'
        f' role="img" aria-label="{_e(title)}" font-family="{_e(fonts(lang))}"><title>{_e(title)}</title>'
        + "".join(canvas.back + grid + canvas.parts)
        + legend
        + "</svg>"
    )


def _lanes(entries: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, list[Mapping[str, Any]]]]:
    """Entries grouped by lane, lanes in rank order (situation, injects, roles, deadlines, findings)."""
    lanes: dict[str, tuple[int, int, str, list[Mapping[str, Any]]]] = {}
    for entry in entries:
        lane = str(entry.get("lane") or "other")
        if lane not in lanes:
            lanes[lane] = (int(entry.get("lane_rank", 500)), len(lanes), str(entry.get("lane_label") or lane), [])
        lanes[lane][3].append(entry)
    ordered = sorted(lanes.items(), key=lambda kv: (kv[1][0], kv[1][1]))
    return [(lane, name, items) for lane, (_, _, name, items) in ordered]


def _mark(entry: Mapping[str, Any], scale: _Scale) -> _Mark:
    kind, x = entry.get("kind"), scale.x(entry["t"])
    title = f"{sim_time(entry['t'])} #{entry['seq']} {entry.get('text', '')}"
    label = str(entry.get("label") or "")
    if kind == "decision":
        if entry.get("status") != "accepted":
            return _Mark(x, label, title, "#8a8a8a", "refused")
        rules = [r for r in RULE_ORDER if r in entry.get("rules", [])]
        colour = RULE_COLOURS[rules[0]] if rules else _DECISION
        begin, done = entry.get("begin"), entry.get("done")
        waited = scale.x(begin) if begin is not None and begin > entry["t"] else None
        return _Mark(
            x, label, title, colour, "dot", x0=x, x1=None if done is None else scale.x(done), wait_until=waited
        )
    if kind == "inject":
        return _Mark(x, label, title, _INJECT, "diamond")
    if kind == "end":
        return _Mark(x, label, title, _MISS if entry.get("outcome") == "failure" else _OK, "square")
    if kind == "hazard":
        return _Mark(x, label, title, _MISS if entry.get("active") else _SITUATION, "triangle")
    return _Mark(x, label, title, _SITUATION, "tick")


def _shape(mark: _Mark, y: float) -> str:
    x, c = mark.x, mark.colour
    if mark.shape == "diamond":
        return f'<path d="M{x:.1f},{y - 6:.1f} l6,6 l-6,6 l-6,-6 Z" fill="{c}"/>'
    if mark.shape == "square":
        return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{c}"/>'
    if mark.shape == "triangle":
        return f'<path d="M{x:.1f},{y - 6:.1f} l6,11 l-12,0 Z" fill="{c}"/>'
    if mark.shape == "tick":
        return f'<rect x="{x - 1.5:.1f}" y="{y - 7:.1f}" width="3" height="14" fill="{c}"/>'
    if mark.shape == "refused":
        return (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#fff" stroke="{c}" stroke-width="1.5"/>'
            f'<path d="M{x - 3:.1f},{y - 3:.1f} l6,6 m0,-6 l-6,6" stroke="{c}" stroke-width="1.5"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{c}" stroke="#fff" stroke-width="1"/>'


def _track(canvas: _Canvas, marks: Sequence[_Mark], *, lines: int = 3) -> None:
    """Markers on one line, their labels on up to ``lines`` lines beneath, placed greedily left to right.

    A label goes on the first line where it does not touch the label before it; failing that it
    slides right a little (with a leader line), and failing that it is left out: the marker's
    tooltip and the report's timeline table still carry it.
    """
    y, right = canvas.y + 8, canvas.scale.right
    for mark in marks:
        if mark.x0 is None or mark.x1 is None:
            continue
        start = mark.x0
        if mark.wait_until is not None:
            canvas.add(
                f'<line x1="{mark.x0:.1f}" y1="{y:.1f}" x2="{mark.wait_until:.1f}" y2="{y:.1f}" stroke="{mark.colour}"'
                ' stroke-width="2" stroke-dasharray="3 2" opacity="0.7"/>'
            )
            start = mark.wait_until
        canvas.add(
            f'<rect x="{start:.1f}" y="{y - 3:.1f}" width="{max(mark.x1 - start, 0.0):.1f}" height="6" rx="2"'
            f' fill="{mark.colour}" opacity="0.3"/>'
        )
    ends = [-1e9] * lines
    used, seen = 0, set()
    for mark in sorted(marks, key=lambda m: m.x):
        canvas.add(f"<g><title>{_e(mark.title)}</title>{_shape(mark, y)}</g>")
        if (round(mark.x), mark.label) in seen:
            continue  # the same words at the same moment (a state change and the ending it reaches)
        seen.add((round(mark.x), mark.label))
        x = max(canvas.scale.left, mark.x - 4)
        row = next((r for r in range(lines) if ends[r] + 6 <= x), None)
        if row is None:
            row = min(range(lines), key=lambda r: ends[r])
            x = ends[row] + 6
            if x - mark.x > 60:
                continue
        text = fit(mark.label, min(right + 20 - x, 230.0))
        if not text:
            continue
        baseline = y + 5 + _LINE * (row + 1)
        if x - mark.x > 8:
            canvas.add(
                f'<line x1="{mark.x:.1f}" y1="{y + 6:.1f}" x2="{x:.1f}" y2="{baseline - 9:.1f}" stroke="#aaa"'
                ' stroke-width="0.8"/>'
            )
        canvas.text(x, baseline, text, fill="#333")
        ends[row] = x + text_width(text)
        used = max(used, row + 1)
    canvas.y = y + 8 + _LINE * used + 2


def _clocks(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """SLA clocks from timer entries: start, due, and how and when each ended (if it did)."""
    clocks: list[dict[str, Any]] = []
    running: dict[tuple[int, str], dict[str, Any]] = {}
    for item in items:
        key = (int(item.get("incident", 0)), str(item.get("timer")))
        if item.get("status") == "started":
            clock = {"label": str(item.get("label", "")), "start": float(item["t"]), "end": None, "status": "running"}
            clock["due"] = float(item.get("due", item["t"]))
            running[key] = clock
            clocks.append(clock)
        elif key in running:
            running.pop(key).update(end=float(item["t"]), status=item.get("status"))
    return clocks


def _deadlines(canvas: _Canvas, items: Sequence[Mapping[str, Any]], lang: str) -> None:
    """One row per SLA clock: a bar from start to due, ✓ where it was met, ✗ at the due time if missed."""
    scale = canvas.scale
    y = canvas.y + 4
    for clock in _clocks(items):
        cy = y + 10
        x0, xd = scale.x(clock["start"]), scale.x(clock["due"])
        beyond = clock["due"] > scale.end
        canvas.add(
            f'<line x1="{x0:.1f}" y1="{cy:.1f}" x2="{xd:.1f}" y2="{cy:.1f}" stroke="#90a4ae" stroke-width="3"'
            ' stroke-linecap="round"/>'
        )
        title = f"{clock['label']}: {sim_time(clock['start'])} → {sim_time(clock['due'])}"
        if beyond:  # still running when the drill ended
            canvas.add(f'<path d="M{xd:.1f},{cy - 5:.1f} l8,5 l-8,5 Z" fill="#90a4ae"/>')
        else:
            canvas.add(f'<line x1="{xd:.1f}" y1="{cy - 6:.1f}" x2="{xd:.1f}" y2="{cy + 6:.1f}" stroke="#607d8b"/>')
        mark_x = xd
        if clock["status"] == "met" and clock["end"] is not None:
            mark_x = scale.x(clock["end"])
            canvas.add(
                f"<g><title>{_e(title)} ✓ {sim_time(clock['end'])}</title>"
                f'<circle cx="{mark_x:.1f}" cy="{cy:.1f}" r="6" fill="{_OK}"/>'
                f'<path d="M{mark_x - 3:.1f},{cy:.1f} l2,3 l4.5,-6" stroke="#fff" stroke-width="1.8" fill="none"/></g>'
            )
        elif clock["status"] == "missed":
            canvas.add(
                f'<g><title>{_e(title)} ✗</title><circle cx="{xd:.1f}" cy="{cy:.1f}" r="6" fill="{_MISS}"/>'
                f'<path d="M{xd - 3:.1f},{cy - 3:.1f} l6,6 m0,-6 l-6,6" stroke="#fff" stroke-width="1.8"/></g>'
            )
        due = sim_time(clock["due"])
        text = clock["label"] + ((f"（{due}）" if lang == "zh" else f" ({due})") if beyond else "")
        after = max(xd, mark_x) + 10
        if after + min(text_width(text, 12), 200) <= canvas.width - 4:
            canvas.text(after, cy + 4, fit(text, canvas.width - 4 - after, 12), size=12, fill="#37474f")
        elif x0 - 10 - scale.left > min(text_width(text, 12), 120):
            canvas.text(x0 - 10, cy + 4, fit(text, x0 - 10 - scale.left, 12), size=12, fill="#37474f", anchor="end")
        else:  # a long clock: the label sits on its own bar
            canvas.text(x0 + 10, cy + 4, fit(text, max(xd - x0 - 24, 80.0), 12), size=12, fill="#37474f")
        y += 20
    canvas.y = y + 2


def _findings(canvas: _Canvas, items: Sequence[Mapping[str, Any]], lang: str) -> None:
    """One row per rule that was broken; findings at the same moment share a marker and list their ids."""
    canvas.y += 18  # the lane's name sits above the first row
    rules = [r for r in RULE_ORDER if any(i.get("rule") == r for i in items)]
    rules += sorted({str(i.get("rule")) for i in items} - set(RULE_ORDER))
    for rule in rules:
        colour = RULE_COLOURS.get(rule, "#444")
        groups: dict[int, list[Mapping[str, Any]]] = {}
        for item in (i for i in items if i.get("rule") == rule):
            groups.setdefault(round(canvas.scale.x(item["t"]) / 4), []).append(item)
        marks = [
            _Mark(
                canvas.scale.x(group[0]["t"]),
                _finding_label(group),
                "\n".join(f"{sim_time(g['t'])} #{g['seq']} {g.get('text', '')}" for g in group),
                colour,
            )
            for _, group in sorted(groups.items())
        ]
        name = _RULE_NAMES.get(rule, (rule, rule))
        canvas.text(
            canvas.scale.left - 10,
            canvas.y + 12,
            name[0] if lang == "zh" else name[1],
            size=11,
            fill=colour,
            anchor="end",
        )
        _track(canvas, marks, lines=2)


def _finding_label(group: Sequence[Mapping[str, Any]]) -> str:
    """What went wrong at one moment (禁止行为, 超时...), and how many times if more than once.

    Event numbers stay out of the chart: the report's body names none (its appendix does)."""
    kinds = list(dict.fromkeys(str(g.get("breach_label") or "") for g in group if g.get("breach_label")))
    text = "/".join(kinds)
    return f"{text} ×{len(group)}" if len(group) > 1 else text


def _legend(width: float, y: float, lang: str) -> tuple[str, float]:
    """The key under the chart, wrapped to the width; and its height."""
    dot = '<circle cx="6" cy="0" r="5" fill="{}"/>'
    items: list[tuple[str, str]] = [
        (dot.format(_DECISION), _word(_LEGEND, "decision", lang)),
        (
            '<circle cx="6" cy="0" r="5" fill="#fff" stroke="#8a8a8a" stroke-width="1.5"/>',
            _word(_LEGEND, "refused", lang),
        ),
        (
            f'<line x1="0" y1="0" x2="14" y2="0" stroke="{_DECISION}" stroke-width="2" stroke-dasharray="3 2"/>',
            _word(_LEGEND, "wait", lang),
        ),
        (f'<rect x="0" y="-3" width="14" height="6" fill="{_DECISION}" opacity="0.3"/>', _word(_LEGEND, "run", lang)),
        (dot.format(_OK), _word(_LEGEND, "met", lang)),
        (dot.format(_MISS), _word(_LEGEND, "missed", lang)),
        *((dot.format(RULE_COLOURS[r]), _word(_RULE_NAMES, r, lang)) for r in RULE_ORDER),
    ]
    parts, x, row = [], 12.0, 0
    for icon, text in items:
        span = 38 + text_width(text, 12)
        if x + span > width - 8:
            x, row = 12.0, row + 1
        parts.append(
            f'<g transform="translate({x:.1f},{y + 10 + row * 18:.1f})">{icon}'
            f'<text x="20" y="4" font-size="12" fill="#333">{_e(text)}</text></g>'
        )
        x += span
    return "".join(parts), 22.0 + row * 18
