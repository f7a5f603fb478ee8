"""Staffing stress test: how a drill goes against the staff on duty, played by a good trainee.

"Can tonight's two guards handle the rainstorm cascade?" ``drillsim simulate PLAN --staff
security=1,2,3`` plays the plan's good trainee (:mod:`engine.runtime.trainee`) many times at each
staffing level and reports the outcome, the score and the key measures against it, as a table,
a small bar chart (in the terminal, and as inline SVG in ``--html`` pages).

A good trainee leaves the decisions out of the question: what changes between levels is only how
long the work waits for hands. Every level plays the same seeds (``seed``, ``seed + 1``...), so
the levels differ by their staff, not by their luck. Several ``--staff`` options sweep every
combination. As in every Monte Carlo here, each drill is independent and seeded by its place, so
the result is the same for any ``jobs``.
"""

from __future__ import annotations

import html
import itertools
import multiprocessing
import signal
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from engine.display import with_unit
from engine.errors import DrillError
from engine.runtime import Setup, prepare
from engine.runtime.trainee import GoodTrainee, Player, good_trainee
from engine.tools import stats
from engine.tools.outcomes import Collector, Measure, Run, Scorer, measures_of, summary

FORMAT = "drillsim-staffing/1"
"""Name and version of the result's format (``--json``)."""


class StaffingError(DrillError):
    """A ``--staff`` option cannot be read."""


def parse(options: Sequence[str]) -> dict[str, list[int]]:
    """``["security=1,2,3", "control_room=1"]`` as ``{"security": [1, 2, 3], "control_room": [1]}``.

    Raises:
        StaffingError: An option is not ``POOL=N[,M...]`` with whole numbers from 0 to 1000.
    """
    found: dict[str, list[int]] = {}
    for option in options:
        pool, sep, values = option.partition("=")
        pool = pool.strip()
        try:
            levels = [int(v) for v in values.split(",")] if sep and pool else []
        except ValueError:
            levels = []
        if not levels or any(not 0 <= n <= 1000 for n in levels):
            raise StaffingError(
                f"--staff {option!r}: write POOL=N[,M...] with whole numbers of people, e.g. security=1,2,3"
            )
        if pool in found:
            raise StaffingError(f"--staff names pool '{pool}' twice")
        found[pool] = list(dict.fromkeys(levels))
    return found


def levels(sweep: dict[str, list[int]]) -> list[dict[str, int]]:
    """Every combination of the swept pools' levels, in the order given."""
    pools = list(sweep)
    return [dict(zip(pools, combo, strict=True)) for combo in itertools.product(*(sweep[p] for p in pools))]


def play(
    setup: Setup, trainee: GoodTrainee, seed: int, mode: str, measures: Sequence[Measure], scorer: Scorer | None
) -> Run:
    """One drill of ``setup`` played from the start by the good trainee."""
    drill = setup.drill(seed=seed, mode=mode, keep=False)
    collector = Collector(measures)
    drill.subscribe(collector)
    drill.start()
    Player(drill, trainee).play()
    scored = scorer(collector.kept, setup.scenarios(seed)) if scorer is not None else None
    return Run(
        outcome=drill.outcome or "timeout",
        score=None if scored is None else float(scored["score"]),
        rating=None if scored is None else str(scored["rating"]),
        passed=None if scored is None else bool(scored["passed"]),
        measures=collector.figures(),
        broke=False,
    )


_WORKER: dict[str, Any] = {}


def _init_worker(name: str, locale: str | None, points: list[dict[str, int]], mode: str, scorer: Scorer | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
    base = prepare(name, locale=locale)
    _WORKER.update(
        setups=[_at(base, p) for p in points],
        mode=mode,
        scorer=scorer,
        trainee=good_trainee(base),
        measures=measures_of(base, 0),
    )


def _at(base: Setup, point: dict[str, int]) -> Setup:
    return replace(base, staffing={**base.staffing, **point})


def _work(item: tuple[int, int, int]) -> tuple[int, int, list[Run]]:
    point, first, last = item
    w = _WORKER
    setup = w["setups"][point]
    measures = w["measures"]
    return point, first, [play(setup, w["trainee"], s, w["mode"], measures, w["scorer"]) for s in range(first, last)]


def sweep(
    name: str,
    staff: dict[str, list[int]],
    *,
    runs: int,
    seed: int = 1,
    mode: str | None = None,
    jobs: int = 1,
    locale: str | None = None,
    scorer: Scorer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Play ``runs`` good-trainee drills at every staffing level; the result as plain data.

    Args:
        name: Scenario or plan (path or shipped id).
        staff: Pool -> the numbers on duty to try (:func:`parse`).
        runs: Drills per level, seeds ``seed`` .. ``seed + runs - 1`` at each.
        seed: First seed.
        mode: ``strict`` or ``observe`` (default: the plan's, else observe).
        jobs: Worker processes; the result is the same for any number.
        locale: Per-locale parameter values.
        scorer: Scores each drill (a module-level function, so worker processes can use it).
        progress: Called with (drills done, drills in all).

    Raises:
        ContentError: The scenario or plan cannot be loaded.
        EngineError: A pool is not one the drill uses.
    """
    base = prepare(name, locale=locale)
    mode = mode or (base.plan.model.mode if base.plan else "observe")
    points = levels(staff)
    for point in points:
        _at(base, point).drill(seed=seed, mode=mode, keep=False)  # an unknown pool is refused here, once
    trainee = good_trainee(base)
    measures = measures_of(base, 0)
    results: list[list[Run]] = [[] for _ in points]
    size = max(10, runs // 4)
    items = [(p, lo, min(lo + size, seed + runs)) for p in range(len(points)) for lo in range(seed, seed + runs, size)]
    done = 0
    if jobs <= 1 or len(items) <= 1:
        setups = [_at(base, p) for p in points]
        for level, first, last in items:
            results[level] += [play(setups[level], trainee, s, mode, measures, scorer) for s in range(first, last)]
            done += last - first
            if progress:
                progress(done, runs * len(points))
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        parts: dict[tuple[int, int], list[Run]] = {}  # (level, first seed) -> its drills
        with context.Pool(jobs, initializer=_init_worker, initargs=(name, locale, points, mode, scorer)) as pool:
            for level, first, part in pool.imap_unordered(_work, items):
                parts[(level, first)] = part
                done += len(part)
                if progress:
                    progress(done, runs * len(points))
        for level, first, _last in items:
            results[level] += parts[(level, first)]
    scenarios = base.scenarios(seed)
    rows = []
    for point, found in zip(points, results, strict=True):
        row = {"staffing": point, **summary(found, measures)}
        scores = [r.score for r in found if r.score is not None]
        if scores:
            half = _half_width(scores)
            row["score"]["ci"] = [round(row["score"]["mean"] - half, 2), round(row["score"]["mean"] + half, 2)]
        rows.append(row)
    return {
        "format": FORMAT,
        "scenario": base.title_id,
        "title": base.titles(),
        "pools": base.pool_labels(),
        "mode": mode,
        "runs": runs,
        "seed": seed,
        "confidence": stats.CONFIDENCE,
        "staffing": {**base.staffing},
        "swept": {k: list(v) for k, v in staff.items()},
        "trainee": list(trainee.origins),
        "measures": [
            {
                "key": f"{m.incident}.{m.var}",
                "label": _text(scenarios[m.incident].model.variables[m.var].label, m.var),
                "unit": scenarios[m.incident].model.variables[m.var].unit,
                "how": m.how,
            }
            for m in measures
        ],
        "levels": rows,
    }


def _half_width(values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    return float(stats.t_quantile(0.5 + stats.CONFIDENCE / 2, len(values) - 1) * stats.sd(values) / len(values) ** 0.5)


def _text(label: Any, default: str) -> dict[str, str]:
    if label is None:
        return {"zh": default, "en": default}
    return {"zh": label.zh or default, "en": label.en or default}


# Rendering ---------------------------------------------------------------------------------------

_WORDS = {
    "title": ("人手压力测试", "Staffing stress test"),
    "meta": (
        "{scenario}：优秀学员按正确流程处置，每档人手 {runs} 次模拟（种子 {seed} 起，各档相同）",
        "{scenario}: a good trainee, {runs} drills per staffing level (seeds from {seed}, the same at each)",
    ),
    "staffing": ("在岗人数", "On duty"),
    "success": ("成功", "Success"),
    "bad": ("失败或超时", "Failure or time limit"),
    "partial": ("部分解决", "Partly resolved"),
    "score": ("得分（均值 [95%区间]）", "Score (mean [95% CI])"),
    "passed": ("合格", "Passed"),
    "chart": ("成功比例与平均得分", "Share of drills resolved, and mean score"),
}


def _w(key: str, lang: str) -> str:
    zh, en = _WORDS[key]
    return zh if lang == "zh" else en


def _level(result: dict[str, Any], point: dict[str, int], lang: str) -> str:
    """A staffing level in words: ``秩序维护员 1 人`` / ``Security guards: 1``."""
    names = result.get("pools", {})
    if lang == "zh":
        return "，".join(f"{names.get(pool, {}).get('zh', pool)} {n} 人" for pool, n in point.items())
    return ", ".join(f"{names.get(pool, {}).get('en', pool)}: {n}" for pool, n in point.items())


def _measure_heading(measure: dict[str, Any], lang: str) -> str:
    """A measure's column: its label, then its unit in words of ``lang`` if it has one."""
    unit = with_unit("", measure.get("unit"), lang).strip()
    if not unit:
        return str(measure["label"][lang])
    return f"{measure['label'][lang]}（{unit}）" if lang == "zh" else f"{measure['label'][lang]} ({unit})"


def _name(result: dict[str, Any], lang: str) -> str:
    title = result.get("title")
    return str(title[lang]) if title else str(result["scenario"])


def table(result: dict[str, Any], lang: str) -> tuple[list[str], list[list[str]]]:
    """The result as a table: a row per staffing level."""
    # Partly resolved (a near miss, losses) has a column only when some level ends so: without it a
    # level could read 0% success and 0% failure.
    partial = any(row["outcomes"].get("partial", 0.0) for row in result["levels"])
    keys = (
        ("staffing", "success", "partial", "bad", "score", "passed")
        if partial
        else ("staffing", "success", "bad", "score", "passed")
    )
    columns = [_w(k, lang) for k in keys]
    columns += [_measure_heading(m, lang) for m in result["measures"]]
    rows = []
    for row in result["levels"]:
        score = row.get("score")
        shares = [f"{row['outcomes'].get('partial', 0.0):.0%}"] if partial else []
        cells = [
            _level(result, row["staffing"], lang),
            f"{row['outcomes'].get('success', 0.0):.0%}",
            *shares,
            f"{row['bad']:.0%}",
            f"{score['mean']:.1f} [{score['ci'][0]:.1f}, {score['ci'][1]:.1f}]" if score else "-",
            f"{row['passed']:.0%}" if "passed" in row else "-",
        ]
        for m in result["measures"]:
            spread = row["measures"].get(m["key"])
            cells.append(f"{spread['mean']:.1f} (p90 {spread['p90']:.1f})" if spread else "-")
        rows.append(cells)
    return columns, rows


def text(result: dict[str, Any], lang: str, width: int = 24) -> list[str]:
    """The result for a terminal: a heading, the table, and a bar per level."""
    from engine.display import cells

    columns, rows = table(result, lang)
    widths = [max(cells(c) for c in column) for column in zip(columns, *rows, strict=True)]

    def line(items: list[str]) -> str:
        return "  ".join(item + " " * (w - cells(item)) for item, w in zip(items, widths, strict=True)).rstrip()

    out = [
        _w("title", lang),
        _w("meta", lang).format(scenario=_name(result, lang), runs=result["runs"], seed=result["seed"]),
        "",
        line(columns),
        line(["-" * w for w in widths]),
        *(line(r) for r in rows),
        "",
        _w("chart", lang),
    ]
    label_width = max(cells(_level(result, r["staffing"], lang)) for r in result["levels"])
    for row in result["levels"]:
        share = row["outcomes"].get("success", 0.0)
        filled = round(share * width)
        label = _level(result, row["staffing"], lang)
        score = f"  {row['score']['mean']:.1f}" if "score" in row else ""
        out.append(
            f"{label}{' ' * (label_width - cells(label))}  {'█' * filled}{'░' * (width - filled)} {share:.0%}{score}"
        )
    return out


def page(result: dict[str, Any], lang: str) -> str:
    """A small self-contained HTML page: the table and an SVG bar chart (no script, nothing fetched)."""
    columns, rows = table(result, lang)
    e = html.escape
    bar_h, gap, left, chart_w = 22, 8, 170, 360
    height = len(result["levels"]) * (bar_h + gap) + 30
    bars = []
    for n, row in enumerate(result["levels"]):
        y = 20 + n * (bar_h + gap)
        share = row["outcomes"].get("success", 0.0)
        bad = row["bad"]
        score = f" · {row['score']['mean']:.1f}" if "score" in row else ""
        bars.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{e(_level(result, row["staffing"], lang))}</text>'
            f'<rect x="{left}" y="{y}" width="{chart_w}" height="{bar_h}" fill="#eef1f5"/>'
            f'<rect x="{left}" y="{y}" width="{share * chart_w:.1f}" height="{bar_h}" fill="#2e7d32"/>'
            f'<rect x="{left + share * chart_w:.1f}" y="{y}" width="{bad * chart_w:.1f}" height="{bar_h}"'
            ' fill="#c62828"/>'
            f'<text x="{left + chart_w + 8}" y="{y + 15}">{share:.0%}{e(score)}</text>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + chart_w + 120} {height}" '
        f'font-family="sans-serif" font-size="12" role="img" aria-label="{e(_w("chart", lang))}">'
        + "".join(bars)
        + "</svg>"
    )
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
    title = _w("title", lang)
    meta = _w("meta", lang).format(scenario=_name(result, lang), runs=result["runs"], seed=result["seed"])
    return (
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f"<title>{e(title)} — {e(_name(result, lang))}</title><style>"
        "body{font-family:sans-serif;margin:2em;color:#1b1b1b}table{border-collapse:collapse;margin:1em 0}"
        "th,td{border:1px solid #9aa5b1;padding:4px 8px;text-align:left}th{background:#e8eef5}"
        f"</style></head><body><h1>{e(title)}</h1><p>{e(meta)}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f"<figure>{svg}<figcaption>{e(_w('chart', lang))}</figcaption></figure></body></html>\n"
    )
