"""The what-if section of a report, "关键决策影响分析" / "What would have changed the outcome".

It words a what-if result (:func:`scoring.whatif.whatif`, ``drillsim-whatif/1``) as report blocks:
a paragraph on how the figures were made, the alternatives proposed as good in rank order (the
changes that would have mattered most first), the team's decisions whose omission would have made
things worse, and what could not be tried. Each row also says what its rank rests on (:func:`basis`:
the first difference that decided it, in the ranking's own order), so that a row with no change in
score is not a puzzle. Each row names the team's decision by its event number
and minute, as the timeline annex does, so the reader can find it in the replay. The same rows give
the command line's listing (:func:`lines`) and the console's debrief (:func:`rows`).

Its vocabulary is kept here rather than in :mod:`.words`: the section is an add-on that only
reports asked for with a what-if carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.display import with_unit
from scoring.report.words import minute, pick

HEADINGS = {
    "cn": ("七、关键决策影响分析", "7. What would have changed the outcome"),
    "hseep": ("4 关键决策影响分析", "4 What would have changed the outcome"),
}
"""The section's heading in each style (it comes after the style's numbered sections)."""

_W: dict[str, tuple[str, str]] = {
    "method": (
        "方法：按演练记录在每个决策处分叉，分叉前完全按原记录重演，分叉后由“优秀学员”（本情景的正确处置流程，"
        "随情况反应而非照表执行）继续处置。每个方案模拟 {n} 次，分叉后的随机因素每次不同；与“保持团队原做法、"
        "其余同样正确处置”的 {n} 次逐次配对比较，方括号内为 {c}% 置信区间。违反规则的方案从不列为建议。",
        "How: the record is forked at each decision; everything before the fork replays exactly as it happened,"
        " and a good trainee (the scenario's correct procedure, reacting to events rather than following a"
        " timetable) plays on. Each alternative is played {n} times with fresh chance after the fork and"
        " compared drill by drill with {n} drills that keep the team's own choice and play the rest as well;"
        " brackets give {c}% intervals. An alternative that breaks a rule is never proposed.",
    ),
    "ranking": (
        "排序：先列建议的方案，再列做对了的决策（去掉后最差的在前），最后是其余方案（按决策先后）。前两组内依次比较："
        "失败占比、失败或超时占比、得分，最后是关键指标（明显下降的个数减去明显上升的个数）；只有置信区间不含 0 的"
        "差别才算数。“影响依据”一栏写出决定该行结论的那一项：得分没有明显变化的方案，可能因为失败占比或关键指标而"
        "排在前面。",
        "Ranking: the proposals first, then the decisions that paid off (the one whose loss hurts most first),"
        " then the rest (in the order the decisions came). Within the first two, rows are compared by the share"
        " of drills ending in failure, then the share ending in failure or at the time limit, then the score,"
        " then the key measures (how many surely fell less how many surely rose); a difference counts only when"
        ' its interval leaves out zero. "Why it ranks" names the difference that decided the row: an'
        " alternative with no clear change in score can rank high on its failures or its key measures.",
    ),
    "actual": ("本次演练实际结局：{outcome}{score}。", "What happened in this drill: {outcome}{score}."),
    "actual.score": ("，得分 {score}（{rating}）", ", score {score} ({rating})"),
    "good": ("最值得改变的决策（按影响排序）", "The changes that would have mattered most, in order"),
    "good.none": (
        "没有哪个替代方案能明显改善结局、得分或关键指标。",
        "No alternative would surely have improved the outcome, the score or the key measures.",
    ),
    "worse": (
        "做对了的决策（与“只去掉这一步、其余照样正确处置”相比，去掉它结果会更差）",
        "Decisions that paid off (compared with leaving out just that one and playing the rest well:"
        " without it, it would have gone worse)",
    ),
    "unclear": (
        "另有 {n} 个替代方案与团队做法相比没有明显差别。",
        "{n} other alternatives made no clear difference to what the team did.",
    ),
    "unplaced": (
        "以下未完成的关键任务在本次演练中始终不具备执行条件，无法模拟：{tasks}",
        "These critical tasks were never done and their moment never came in this drill, so they could not"
        " be tried: {tasks}",
    ),
    "rank": ("排名", "Rank"),
    "team": ("团队做法", "What the team did"),
    "alternative": ("替代方案", "Alternative"),
    "outcome": ("结局（替代 / 此处照原做法）", "Outcome (alternative / team's choice)"),
    "basis": ("影响依据", "Why it ranks"),
    "basis.failure": ("失败占比 {d}", "share failed {d}"),
    "basis.bad": ("失败或超时占比 {d}", "share failed or timed out {d}"),
    "basis.score": ("得分 {d}", "score {d}"),
    "basis.score.same": ("得分无明显变化", "no clear change in score"),
    "basis.none": ("无明显差别", "no clear difference"),
    "basis.even": (
        "无明显差别（关键指标有升有降：{m}）",
        "no clear difference (the key measures moved both ways: {m})",
    ),
    "score": ("得分变化", "Score change"),
    "measures": ("关键指标变化", "Key measures"),
    "never": ("未做", "never done"),
    "did": ("{seq}（{t}）{label}", "{seq} at {t}: {label}"),
    "did.short": ("{seq}（{t}）", "{seq} at {t}"),
    "on-time": ("提前到 {at} 做：{label}", "{label}, at {at}"),
    "on-time.later": ("等时机成熟再做：{label}", "{label}, only once the time is right"),
    "omitted": ("不做：{label}", "Not: {label}"),
    "instead": ("{at} 改为：{other}", "{other}, at {at} instead"),
    "made": ("在 {at} 做：{label}", "{label}, at {at}"),
    "broke": ("（违反规则，不作建议）", " (breaks a rule: not proposed)"),
    "outcome.success": ("成功", "success"),
    "outcome.partial": ("部分完成", "partial"),
    "outcome.failure": ("失败", "failure"),
    "outcome.timeout": ("超时", "time limit"),
    "outcome.not-started": ("未开始", "not started"),
    "bad": ("失败或超时 {d}", "failure or time limit {d}"),
    "heading.cli": ("关键决策影响分析", "What would have changed the outcome"),
    "cli.meta": (
        "{scenario}，种子 {seed}，每个方案 {n} 次模拟，共 {drills} 次（{c}% 置信区间）",
        "{scenario}, seed {seed}, {n} drills per alternative, {drills} in all ({c}% intervals)",
    ),
    "cli.proposed": ("建议", "proposed"),
    "cli.worse": ("原做法更好", "as done was better"),
    "cli.unclear": ("无明显差别", "no clear difference"),
    "cli.broke": ("违反规则", "breaks a rule"),
}


def w(key: str, lang: str) -> str:
    """This section's word for ``key`` in ``lang``."""
    zh, en = _W[key]
    return zh if lang == "zh" else en


def team_text(row: Mapping[str, Any], lang: str, *, short: bool = False) -> str:
    """What the team did about this decision: ``#12 at 5.8: Call the contractor``, or never done.

    With ``short``, the action is left out where the alternative names it already (all but an
    ``instead``, whose alternative names the other action): ``#12 at 5.8``, ``never done``.
    """
    label = pick(row.get("action_label"), lang) or row["action"]
    short = short and row["kind"] != "instead"
    if row["seq"] is None:
        if short:
            return w("never", lang)
        return f"{w('never', lang)}：{label}" if lang == "zh" else f"{w('never', lang)}: {label}"
    if short:
        return w("did.short", lang).format(seq=f"#{row['seq']}", t=minute(row["t"]))
    return w("did", lang).format(seq=f"#{row['seq']}", t=minute(row["t"]), label=label)


def alternative_text(row: Mapping[str, Any], lang: str) -> str:
    """The alternative in words: ``Not: Open the landing door``, ``Call 119, at 4``."""
    label = pick(row.get("action_label"), lang) or row["action"]
    kind = row["kind"]
    if kind == "on-time" and row["at"] is None:
        text = w("on-time.later", lang).format(label=label)
    elif kind == "instead":
        other = pick(row.get("instead_label"), lang) or row["instead"]
        text = w("instead", lang).format(at=minute(row["at"]), other=other)
    else:
        text = w(kind, lang).format(label=label, at=minute(row["at"]))
    return text + (w("broke", lang) if row["breaks_rule"] else "")


CRITERIA = ("failure", "bad", "score", "measures")
"""What the ranking compares, in its order (:func:`engine.tools.whatif` module notes): the share of
drills ending in failure, the share ending in failure or at the time limit, the score, then the key
measures (how many surely fell, less how many surely rose)."""


def basis(row: Mapping[str, Any]) -> dict[str, Any]:
    """What a row's verdict and rank rest on: the first of :data:`CRITERIA` that surely changed.

    Returns ``{"by": criterion or None, "measures": [keys of the measures that surely changed]}``;
    ``by`` is None when nothing surely changed (the row is ranked among the rest, by decision order).
    It reads the paired differences the analysis made and changes nothing of them.
    """
    diff = row["difference"]
    changed = [key for key, d in diff["measures"].items() if d["sure"]]
    by: str | None = None
    for name in CRITERIA[:3]:
        d = diff.get(name)
        if d is not None and d["sure"] and d["mean"] != 0:
            by = name
            break
    else:
        fell = sum(1 for key in changed if diff["measures"][key]["mean"] < 0)
        if fell != len(changed) - fell:
            by = "measures"
    return {"by": by, "measures": changed}


def basis_text(result: Mapping[str, Any], row: Mapping[str, Any], lang: str) -> str:
    """Why a row ranks where it does, in words: ``no clear change in score; Time trapped -1.9 min``."""
    found = row.get("basis") or basis(row)
    by = found["by"]
    diff = row["difference"]
    labels = {m["key"]: m for m in result["measures"]}

    def changes() -> str:
        said = []
        for key in found["measures"]:
            m = labels.get(key)
            if m is not None:
                change = with_unit(_interval(diff["measures"][key], "+.1f"), m.get("unit"), lang)
                said.append(f"{pick(m['label'], lang)} {change}")
        return ("、" if lang == "zh" else ", ").join(said)

    if by is None:
        return w("basis.even", lang).format(m=changes()) if found["measures"] else w("basis.none", lang)
    parts = []
    if by in ("failure", "bad"):
        parts.append(w(f"basis.{by}", lang).format(d=_interval(diff[by], "+.0f", 100, "%")))
    elif by == "score":
        parts.append(w("basis.score", lang).format(d=score_text(row)))
    if by != "score" and "score" in diff and not diff["score"]["sure"]:
        parts.append(w("basis.score.same", lang))
    if by == "measures":
        parts.append(changes())
    return ("；" if lang == "zh" else "; ").join(p for p in parts if p)


def _interval(d: Mapping[str, Any], fmt: str, scale: float = 1.0, unit: str = "") -> str:
    """``+4.9 [+4.2, +5.6]``: the mean difference and its interval (one figure when they agree)."""
    mean, low, high = (d[k] * scale for k in ("mean", "low", "high"))
    if f"{low:{fmt}}" == f"{high:{fmt}}":
        return f"{mean:{fmt}}{unit}"
    return f"{mean:{fmt}}{unit} [{low:{fmt}}{unit}, {high:{fmt}}{unit}]"


def _shares(summary: Mapping[str, Any], lang: str) -> str:
    parts = sorted(summary["outcomes"].items(), key=lambda kv: -kv[1])
    gap = "" if lang == "zh" else " "
    return " ".join(f"{w('outcome.' + k, lang)}{gap}{v * 100:.0f}%" for k, v in parts[:2])


def outcome_text(row: Mapping[str, Any], lang: str) -> str:
    """The alternative's outcome shares against the team's, and the change in bad endings."""
    text = f"{_shares(row['alternative'], lang)} / {_shares(row['as_done'], lang)}"
    bad = row["difference"]["bad"]
    if bad["mean"] or bad["high"] or bad["low"]:
        text += "\n" + w("bad", lang).format(d=_interval(bad, "+.0f", 100, "%"))
    return text


def score_text(row: Mapping[str, Any]) -> str:
    """The change in score, with its interval."""
    d = row["difference"].get("score")
    return "" if d is None else _interval(d, "+.1f")


def measures_text(result: Mapping[str, Any], row: Mapping[str, Any], lang: str) -> str:
    """Each key measure's change, one per line: ``Time trapped -4.9 [-5.2, -4.6] min``."""
    out = []
    for m in result["measures"]:
        d = row["difference"]["measures"].get(m["key"])
        if d is None or d["mean"] == d["low"] == d["high"] == 0:
            continue  # no change at all in any drill: nothing to say
        out.append(f"{pick(m['label'], lang)} {with_unit(_interval(d, '+.1f'), m.get('unit'), lang)}")
    return "\n".join(out)


def verdict_text(row: Mapping[str, Any], lang: str) -> str:
    """What the analysis makes of an alternative: proposed, as done was better, no clear difference, or breaks a rule.

    An alternative that breaks a rule is named so whatever it would have changed: it is never proposed.
    """
    if row["breaks_rule"]:
        return w("cli.broke", lang)
    if row["good"]:
        return w("cli.proposed", lang)
    return w("cli.worse" if row["verdict"] == "worse" else "cli.unclear", lang)


def rows(result: Mapping[str, Any], lang: str, *, verdict: str | None = None) -> list[list[str]]:
    """Table rows, ranked: rank, the team's decision, the alternative, why it ranks, outcome, score and measures.

    Args:
        result: A what-if result.
        lang: ``zh`` or ``en``.
        verdict: Only rows proposed as good (``good``), only those worse than the team's choice
            (``worse``), or all (None).
    """
    picked = [
        r
        for r in result["alternatives"]
        if verdict is None or (verdict == "good" and r["good"]) or (verdict == "worse" and r["verdict"] == "worse")
    ]
    return [
        [
            str(r["rank"]),
            team_text(r, lang),
            alternative_text(r, lang),
            basis_text(result, r, lang),
            outcome_text(r, lang),
            score_text(r),
            measures_text(result, r, lang),
        ]
        for r in picked
    ]


def columns(lang: str) -> list[str]:
    """The headings of :func:`rows`."""
    return [w(k, lang) for k in ("rank", "team", "alternative", "basis", "outcome", "score", "measures")]


def actual_text(result: Mapping[str, Any], lang: str) -> str:
    """What happened in the drill itself: its outcome and score, as one sentence."""
    a = result["actual"]
    outcome = w(f"outcome.{a['outcome']}", lang) if a.get("outcome") else "—"
    score = ""
    if a.get("score") is not None:
        score = w("actual.score", lang).format(score=f"{a['score']:g}", rating=a["rating"])
    return w("actual", lang).format(outcome=outcome, score=score)


def section(result: Mapping[str, Any], style: str, lang: str) -> dict[str, Any]:
    """The report section, as the document's blocks (see :mod:`scoring.report.blocks`)."""
    zh, en = HEADINGS.get(style, HEADINGS["cn"])
    n, c = result["seeds"], round(result["confidence"] * 100)
    widths = (5, 18, 18, 16, 15, 10, 18)
    blocks: list[dict[str, Any]] = [
        {
            "type": "paragraph",
            "text": w("method", lang).format(n=n, c=c) + ("" if lang == "zh" else " ") + w("ranking", lang),
        },
        {"type": "paragraph", "text": actual_text(result, lang)},
        {"type": "subheading", "text": w("good", lang)},
    ]
    good = rows(result, lang, verdict="good")
    if good:
        blocks.append({"type": "table", "variant": "data", "columns": columns(lang), "rows": good, "widths": widths})
    else:
        blocks.append({"type": "paragraph", "text": w("good.none", lang)})
    worse = rows(result, lang, verdict="worse")
    if worse:
        blocks.append({"type": "subheading", "text": w("worse", lang)})
        blocks.append({"type": "table", "variant": "data", "columns": columns(lang), "rows": worse, "widths": widths})
    rest = sum(1 for r in result["alternatives"] if not r["good"] and r["verdict"] != "worse")
    if rest:
        blocks.append({"type": "paragraph", "text": w("unclear", lang).format(n=rest)})
    if result["not_placed"]:
        blocks.append({"type": "paragraph", "text": w("unplaced", lang).format(tasks=unplaced_text(result, lang))})
    return {"id": "whatif", "heading": zh if lang == "zh" else en, "appendix": False, "blocks": blocks}


def lines(result: Mapping[str, Any], lang: str) -> list[str]:
    """The command line's listing: a heading, then each alternative in rank order, a few lines each."""
    n, c = result["seeds"], round(result["confidence"] * 100)
    out = [
        w("heading.cli", lang),
        w("cli.meta", lang).format(
            scenario=pick(result["title"], lang) if result.get("title") else result["scenario"],
            seed=result["seed"],
            n=n,
            drills=result["drills"],
            c=c,
        ),
        actual_text(result, lang),
        "",
    ]
    for r in result["alternatives"]:
        out.append(f"{r['rank']:>3}. {alternative_text(r, lang)}  [{verdict_text(r, lang)}]")
        out.append(f"     {team_text(r, lang)}")
        out.append(f"     {w('basis', lang)}{'：' if lang == 'zh' else ': '}{basis_text(result, r, lang)}")
        detail = [outcome_text(r, lang).replace("\n", "  ")]
        if score_text(r):
            detail.append(f"{w('score', lang)} {score_text(r)}")
        out.append("     " + "  ·  ".join(detail))
        measures = measures_text(result, r, lang).replace("\n", "  ·  ")
        if measures:
            out.append(f"     {measures}")
    if result["not_placed"]:
        out += ["", w("unplaced", lang).format(tasks=unplaced_text(result, lang))]
    return out


def unplaced_text(result: Mapping[str, Any], lang: str) -> str:
    """The tasks that could not be tried, each quoted (a role-play's are whole sentences), as a list."""
    names = [pick(u["label"], lang).rstrip("。.；; ") for u in result["not_placed"]]
    if lang == "zh":
        return "、".join(f"「{n}」" for n in names) + "。"
    return "; ".join(f"“{n}”" for n in names) + "."
