"""The Chinese-style report, 应急演练评估报告 (after AQ/T 9009 and GB/T 46792), as sections.

一、演练概况 (overview, objectives, the course of the exercise as a chart), 二、评估 (verdict, ratings,
objectives, critical tasks, the score breakdown), 三、演练点评 (strengths, evaluator notes, a form for
the facilitator's critique), 四、参演人员自评 (hot-wash feedback, or a blank form), 五、存在问题 (the
areas for improvement), 六、整改措施 (a form with one row per problem), then two appendices: 附录一
the timeline with its event numbers, 附录二 the technical values (record, seed, engine, ids). The
body is for a manager and names no internal id; a role-play is titled 客服情景演练评估报告.
"""

from __future__ import annotations

from typing import Any

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
    technical,
    timeline_table,
    verdict,
)
from scoring.report.words import minute, num, word


def sections(c: Content) -> list[dict[str, Any]]:
    """The 评估报告's sections, from a report's facts."""
    lang = c["lang"]
    evaluation = [verdict(c), *incident_rows(c)]
    for heading, found in (("by_objective", _objectives_table(c)), ("tasks", tasks_table(c))):
        if found is not None:
            evaluation += [sub(word(heading, lang)), found]
    evaluation += [sub(word("breakdown", lang)), breakdown_table(c)]
    problems: list[dict[str, Any]] = [para(word("problems.none", lang))]
    if c["areas"]:
        problems = [
            table(
                [word(k, lang) for k in ("no", "observation", "reference", "time")],
                [[a["id"], a["observation"], a["reference"], minute(a["t"])] for a in c["areas"]],
                widths=(7, 55, 28, 10),
            )
        ]
    corrective = table(
        [word(k, lang) for k in ("no", "issue", "action", "owner", "due")],
        [[r["area"], r["issue"], "", "", ""] for r in c["improvement_plan"]] or [["", "", "", "", ""]],
        "form",
        (7, 38, 27, 14, 14),
    )
    return [
        section(
            "cn.overview",
            lang,
            [
                table([word("item", lang), word("details", lang)], overview_rows(c, False), "fields"),
                sub(word("objectives", lang)),
                objectives_block(c),
                sub(word("course", lang)),
                chart(c),
            ],
        ),
        section("cn.evaluation", lang, evaluation),
        section(
            "cn.critique",
            lang,
            [
                sub(word("strengths", lang)),
                bullets(strength_items(c["strengths"])) if c["strengths"] else para(word("strengths.none", lang)),
                sub(word("notes", lang)),
                notes_block(c),
                sub(word("critique.form", lang)),
                table([word("critic", lang), word("comments", lang)], [["", ""], ["", ""]], "form"),
            ],
        ),
        section(
            "cn.self",
            lang,
            ([] if c["feedback"] else [para(word("self.blank", lang))]) + [feedback_table(c)],
        ),
        section("cn.problems", lang, problems),
        section("cn.corrective", lang, [corrective]),
        section("cn.appendix", lang, [timeline_table(c)], appendix=True),
        section("cn.technical", lang, technical(c), appendix=True),
    ]


def _objectives_table(c: Content) -> dict[str, Any] | None:
    """Each objective's score and rating; None without a rubric."""
    lang = c["lang"]
    rows = [
        [o["label"], num(o["score"]), o["rating"]["label"]]
        for inc in c["evaluation"]["incidents"]
        for o in inc["objectives"]
    ]
    return table([word("objective", lang), word("score", lang), word("rating", lang)], rows) if rows else None
