"""The HSEEP After-Action Report / Improvement Plan (AAR/IP), as sections.

1 Exercise Overview, 2 Analysis of Capabilities (verdict, the capability matrix rated P/S/M/U,
critical tasks, the score breakdown), 3 Strengths and Areas for Improvement by Objective (each
objective's strengths and areas, then those tied to none, the evaluator notes and the hot wash),
and the appendices: A the Improvement Plan (one row per area, its POETE columns left blank),
B the participants, C the timeline with its event numbers, D the technical values (record, seed,
engine, ids), which the body never names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scoring.ratings import CODES, label
from scoring.report.blocks import (
    Content,
    breakdown_table,
    bullets,
    chart,
    feedback_table,
    incident_rows,
    notes_block,
    objectives_block,
    overview_rows,
    para,
    section,
    strength_items,
    sub,
    table,
    tasks_table,
    team_text,
    technical,
    timeline_table,
    verdict,
)
from scoring.report.words import colon, minute, num, word


def sections(c: Content) -> list[dict[str, Any]]:
    """The AAR/IP's sections and appendices, from a report's facts."""
    lang = c["lang"]
    capabilities = [
        verdict(c),
        _capability_matrix(c),
        para(colon(word("legend", lang), ("；" if lang == "zh" else "; ").join(label(x, lang) for x in CODES), lang)),
        *incident_rows(c),
    ]
    tasks = tasks_table(c)
    if tasks is not None:
        capabilities += [sub(word("tasks", lang)), tasks]
    capabilities += [sub(word("breakdown", lang)), breakdown_table(c)]
    ip_columns = ["issue", "action", "element", "org", "poc", "start_date", "end_date"]
    ip_rows = [[f"{r['area']} {r['issue']}", "", "", "", "", "", ""] for r in c["improvement_plan"]]
    o = c["overview"]
    people = [[p["name"], p["role_label"] or p["role"]] for p in o["participants"]]
    participants: list[dict[str, Any]] = []
    if o["team"] or o["site"]:
        rows = [[word("team", lang), team_text(o["team"], lang)]] if o["team"] else []
        rows += [[word("site", lang), str(o["site"])]] if o["site"] else []
        participants.append(table([word("item", lang), word("details", lang)], rows, "fields"))
    participants.append(
        table(
            [word("person", lang), word("role", lang)],
            people or [["", ""] for _ in range(4)],
            "data" if people else "form",
        )
    )
    return [
        section(
            "hseep.overview",
            lang,
            [
                table([word("item", lang), word("details", lang)], overview_rows(c, True), "fields"),
                sub(word("objectives", lang)),
                objectives_block(c),
                sub(word("course", lang)),
                chart(c),
            ],
        ),
        section("hseep.capabilities", lang, capabilities),
        section("hseep.objectives", lang, _hseep_objective_blocks(c)),
        section(
            "hseep.ip",
            lang,
            [
                para(word("poete", lang)),
                table([word(k, lang) for k in ip_columns], ip_rows or [[""] * 7], "form", (29, 17, 11, 12, 11, 10, 10)),
            ],
            appendix=True,
        ),
        section("hseep.participants", lang, participants, appendix=True),
        section("hseep.timeline", lang, [timeline_table(c)], appendix=True),
        section("hseep.technical", lang, technical(c), appendix=True),
    ]


def _capability_matrix(c: Content) -> dict[str, Any]:
    """Objectives (or, without a rubric, the plan's objectives to mark by hand) against P/S/M/U."""
    lang = c["lang"]
    rows: list[list[str]] = []

    def mark(code: str | None) -> list[str]:
        return ["●" if code == x else "" for x in CODES]

    for inc in c["evaluation"]["incidents"]:
        for o in inc["objectives"]:
            rows.append([o["label"], num(o["score"]), *mark(o["rating"]["code"])])
    if not rows:
        rows = [[f"{o} {word('matrix.unrated', lang)}", "", *mark(None)] for o in c["overview"]["objectives"]]
    e = c["evaluation"]
    rows.append([word("matrix.overall", lang), num(e["score"]), *mark(e["rating"]["code"])])
    return table([word("objective", lang), word("score", lang), *CODES], rows, "matrix")


def _areas_table(c: Content, areas: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Areas for improvement with their reference and analysis, and a blank root cause."""
    lang = c["lang"]
    rows = [
        [
            a["id"],
            a["observation"] + (f"\n{minute(a['t'])}" if a["t"] is not None else ""),
            a["reference"],
            a["analysis"],
            "",
        ]
        for a in areas
    ]
    columns = [word(k, lang) for k in ("no", "observation", "reference", "analysis", "root_cause")]
    return table(columns, rows, widths=(7, 33, 22, 20, 18))


def _hseep_objective_blocks(c: Content) -> list[dict[str, Any]]:
    """Section 3: strengths and areas under each objective, then those tied to none."""
    lang = c["lang"]
    groups: list[tuple[str, str | None, int | None]] = [
        (o["label"], o["id"], inc["index"]) for inc in c["evaluation"]["incidents"] for o in inc["objectives"]
    ]
    blocks: list[dict[str, Any]] = []
    leftover_title = word("group.general" if groups else "group.whole", lang)
    for number, (title, oid, incident) in enumerate([*groups, (leftover_title, None, None)], start=1):
        if oid is None:
            strengths = [s for s in c["strengths"] if s["objective"] is None]
            areas = [a for a in c["areas"] if a["objective"] is None]
            if groups and not strengths and not areas:
                continue
        else:
            strengths = [s for s in c["strengths"] if s["objective"] == oid and s["incident"] == incident]
            areas = [a for a in c["areas"] if a["objective"] == oid and a["incident"] == incident]
        blocks.append(sub(f"3.{number} {title}"))
        blocks.append(para(word("strengths", lang) + ("：" if lang == "zh" else ":")))
        blocks.append(bullets(strength_items(strengths)) if strengths else para(word("strengths.none", lang)))
        blocks.append(para(word("areas", lang) + ("：" if lang == "zh" else ":")))
        blocks.append(_areas_table(c, areas) if areas else para(word("areas.none", lang)))
    blocks += [sub(word("notes", lang)), notes_block(c)]
    if c["feedback"]:
        blocks += [sub(word("hotwash", lang)), feedback_table(c)]
    return blocks
