"""The quarterly review (季度复盘): one document per quarter and site (or the company), that turns the
quarter's drills into the next quarter's plan.

Its sections: the quarter at a glance; drills held against the programme; assessment pass rates and
their trend against the quarter before; weak critical tasks; people due for retraining (three failed
assessments in a row); attendance per team, flagged under the programme's target; participant
satisfaction, courses under 80 flagged for rework; open and overdue corrective actions; and the next
quarter's plan, drawn from all of the above.

The review is a *document* of the same headed blocks a debrief report is made of
(:mod:`scoring.report.blocks`: tables, lists, paragraphs), so one Markdown, HTML and Word renderer
serves both (:mod:`.document`, :mod:`.word`). :func:`build` reads the ledger once and is otherwise a
function of what it read and the day it is told (``as_of``); it reads no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from engine import __version__
from engine.errors import ContentError
from engine.format import Programme, base_id, find, load_scenario
from scoring.history import FAILED_IN_A_ROW, SATISFACTION_FLOOR
from scoring.ledger.actions import proposals, status_label
from scoring.ledger.attendance import rates, rolls
from scoring.ledger.compliance import compliance, local_day
from scoring.ledger.periods import Span, previous, span_of
from scoring.ledger.store import Drill, Ledger
from scoring.ledger.words import word, yes_no
from scoring.report.blocks import bullets, para, table
from scoring.report.words import colon

Document = dict[str, Any]
"""A document: ``title``, ``subtitle``, ``lang``, ``sections`` (each ``{id, heading, appendix, blocks}``)
and ``footer``; plain data that survives a JSON round trip."""

WEAK = ("S", "M", "U")
"""Task ratings below a clean pass."""


def _section(key: str, lang: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": key, "heading": word(key, lang), "appendix": False, "blocks": blocks}


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _labels(ids: Sequence[str], lang: str) -> dict[str, str]:
    """Scenario (or plan) id -> its title, and ``scenario:task`` -> the task's label, where loadable."""
    found: dict[str, str] = {}
    for sid in set(ids):
        try:
            model = load_scenario(find(sid)).model
        except ContentError:
            continue
        found[sid] = model.title.get(lang)
        if model.rubric is not None:
            for objective in model.rubric.objectives.values():
                for tid, task in objective.tasks.items():
                    found[f"{sid}:{tid}"] = task.label.get(lang)
    return found


def build(
    ledger: Ledger,
    quarter: Span,
    *,
    as_of: date,
    site: str | None = None,
    programme: Programme | None = None,
    lang: str = "zh",
) -> Document:
    """The review of ``quarter`` for ``site`` (default: every site), judged as of ``as_of``.

    Args:
        ledger: The history to read.
        quarter: The quarter (:func:`scoring.ledger.quarter`).
        as_of: The day to judge on (the quarter's last day for a review written after it); corrective
            actions are overdue, and periods due, as of this day.
        site: Only this site's drills and teams.
        programme: The training programme, for the programme and attendance sections.
        lang: ``zh`` or ``en``.
    """
    before = previous(quarter)
    drills = ledger.drills(before.start, quarter.end, site=site)
    here = [d for d in drills if quarter.holds(local_day(d)) and d.makes_up is None]
    earlier = [d for d in drills if before.holds(local_day(d)) and d.makes_up is None]
    assessed = [d for d in here if d.kind == "assessment"]
    items = ledger.actions(site=site)
    open_items = [a for a in items if a.status != "verified"]
    overdue_items = [a for a in open_items if a.overdue(as_of)]
    titles = _labels([base_id(d.title) for d in drills] + [s for d in drills for s in d.scenarios], lang)
    task_rows = ledger.task_rows(quarter.start, quarter.end, site=site)
    titles.update(_labels([base_id(r["scenario"]) for r in task_rows], lang))

    overview = [
        [word("site", lang), site or word("review.company", lang)],
        [word("quarter", lang), f"{quarter.name}（{quarter.start} — {quarter.end}）"],
        [word("programme", lang), programme.title.get(lang) if programme else "—"],
        [
            word("drills_held", lang),
            word("drills_held.value", lang).format(n=len(here), a=len(assessed), p=len(here) - len(assessed)),
        ],
        [word("people_times", lang), str(sum(len(d.people) for d in here))],
        [
            word("pass_rate", lang),
            word("pass_rate.value", lang).format(
                rate=_pct(_percent(sum(d.passed for d in assessed), len(assessed))).rstrip("%"),
                passed=sum(d.passed for d in assessed),
                total=len(assessed),
            ),
        ],
        [word("open_actions", lang), word("open_actions.value", lang).format(n=len(open_items), o=len(overdue_items))],
    ]
    sections = [
        _section("review.overview", lang, [table([word("item", lang), word("details", lang)], overview, "fields")])
    ]

    # Programme -----------------------------------------------------------------------------------
    due_rows: list[list[str]] = []
    upcoming: list[str] = []
    overdue_due: list[str] = []
    if programme is None:
        sections.append(_section("review.programme", lang, [para(word("review.no_programme", lang))]))
    else:
        everything = ledger.drills(site=site)
        for d in compliance(programme, everything, as_of, site=site):
            if d.period.end < quarter.start or d.period.start > quarter.end:
                if d.status == "overdue":
                    overdue_due.append(f"{d.team.name} · {d.rule.label.get(lang)} · {d.period.name}")
                continue
            due_rows.append(
                [
                    d.team.name,
                    d.rule.label.get(lang),
                    d.period.name,
                    d.period.end.isoformat(),
                    str(d.rule.times),
                    str(len(d.held)),
                    word(f"status.{d.status}", lang),
                    "\n".join(f"{local_day(x)} {x.key}" for x in d.held),
                ]
            )
            if d.status == "overdue":
                overdue_due.append(f"{d.team.name} · {d.rule.label.get(lang)} · {d.period.name}")
        nxt = span_of("quarter", quarter.after())
        for d in compliance(programme, everything, nxt.end, site=site):
            if d.period.start <= nxt.end and d.period.end >= nxt.start and d.status != "done":
                upcoming.append(
                    word("review.next.due", lang).format(
                        team=d.team.name, what=d.rule.label.get(lang), period=d.period.name, due=d.period.end
                    )
                )
        columns = ["team", "requirement", "period", "due_by", "needed", "held", "status", "satisfied_by"]
        sections.append(
            _section(
                "review.programme",
                lang,
                [
                    table([word(k, lang) for k in columns], due_rows, widths=(12, 26, 9, 11, 7, 7, 10, 18)),
                    para(word("review.all_done", lang))
                    if not overdue_due
                    else bullets([colon(word("status.overdue", lang), x, lang) for x in overdue_due]),
                ],
            )
        )

    # Results and trend ----------------------------------------------------------------------------
    def by_title(found: list[Drill]) -> dict[str, list[Drill]]:
        groups: dict[str, list[Drill]] = defaultdict(list)
        for d in found:
            if d.kind == "assessment":
                groups[base_id(d.title)].append(d)
        return groups

    now, then = by_title(here), by_title(earlier)
    result_rows = []
    for title in sorted(set(now) | set(then)):
        ours, theirs = now.get(title, []), then.get(title, [])
        rate = _percent(sum(d.passed for d in ours), len(ours))
        old = _percent(sum(d.passed for d in theirs), len(theirs))
        change = "—" if rate is None or old is None else f"{rate - old:+g}"
        result_rows.append(
            [titles.get(title, title), str(len(ours)), str(sum(d.passed for d in ours)), _pct(rate), _pct(old), change]
        )
    columns = ["scenario", "assessments", "passed", "rate", "before", "change"]
    sections.append(
        _section(
            "review.results",
            lang,
            [table([word(k, lang) for k in columns], result_rows)]
            if result_rows
            else [para(word("review.none", lang))],
        )
    )

    # Weak tasks -------------------------------------------------------------------------------------
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in task_rows:
        key = (base_id(r["scenario"]), r["task"])
        tally[key][0] += 1
        tally[key][1] += r["rating"] in WEAK
    weak = sorted(((s, t, n, w) for (s, t), (n, w) in tally.items() if w), key=lambda x: (-x[3] / x[2], x[0], x[1]))
    weak_rows = [
        [titles.get(f"{s}:{t}", t), titles.get(s, s), str(n), str(w), _pct(_percent(w, n))] for s, t, n, w in weak
    ]
    sections.append(
        _section(
            "review.weak",
            lang,
            [table([word(k, lang) for k in ("task", "scenario", "rated", "weak")] + ["%"], weak_rows)]
            if weak_rows
            else [para(word("review.none", lang))],
        )
    )

    # Retraining -------------------------------------------------------------------------------------
    retrain = [r for r in ledger.retraining(site=site) if str(r["last"])[:10] <= quarter.end.isoformat()]
    sections.append(
        _section(
            "review.retraining",
            lang,
            [
                para(word("review.retraining.rule", lang).format(n=FAILED_IN_A_ROW)),
                table(
                    [word(k, lang) for k in ("person", "failed_since", "scenario", "scores")],
                    [
                        [str(r["person"]), str(r["failed_since"]), str(r["scenarios"]), str(r["scores"])]
                        for r in retrain
                    ],
                )
                if retrain
                else para(word("review.none", lang)),
            ],
        )
    )

    # Attendance -------------------------------------------------------------------------------------
    owed: list[str] = []
    if programme is None:
        sections.append(_section("review.attendance", lang, [para(word("review.no_programme", lang))]))
    else:
        rows = [r for r in rates(programme, rolls(programme, drills, site=site)) if r["quarter"] == quarter.name]
        owed = [str(r["owed"]) for r in rows if r["owed"]]
        target = f"{programme.attendance_target:g}%"
        sections.append(
            _section(
                "review.attendance",
                lang,
                [
                    para(word("review.attendance.target", lang).format(target=target)),
                    table(
                        [
                            word(k, lang)
                            for k in ("team", "expected", "present", "attendance", "flag", "made_up", "owed")
                        ],
                        [
                            [
                                str(r["team"]),
                                str(r["expected"]),
                                str(r["present"]),
                                _pct(r["rate"] if isinstance(r["rate"], float) else None),
                                yes_no(r["below_target"], lang),
                                str(r["made_up"]),
                                str(r["owed"]),
                            ]
                            for r in rows
                        ],
                        widths=(16, 9, 9, 10, 10, 9, 37),
                    )
                    if rows
                    else para(word("review.none", lang)),
                ],
            )
        )

    # Satisfaction -----------------------------------------------------------------------------------
    marks: dict[str, list[int]] = defaultdict(list)
    for r in ledger.feedback_rows(quarter.start, quarter.end, site=site):
        marks[base_id(r["title"])].append(int(r["satisfaction"]))
    sat_rows = []
    rework: list[str] = []
    for title, scores in sorted(marks.items()):
        mean = round(sum(scores) / len(scores), 1)
        if mean < SATISFACTION_FLOOR:
            rework.append(titles.get(title, title))
        sat_rows.append(
            [titles.get(title, title), str(len(scores)), f"{mean:g}", yes_no(mean < SATISFACTION_FLOOR, lang)]
        )
    sections.append(
        _section(
            "review.satisfaction",
            lang,
            [table([word(k, lang) for k in ("scenario", "responses", "satisfaction", "rework")], sat_rows)]
            if sat_rows
            else [para(word("review.none", lang))],
        )
    )

    # Corrective actions -----------------------------------------------------------------------------
    proposed = proposals(ledger, open_items)
    act_rows = [
        [
            str(a.id),
            a.issue,
            a.action,
            a.owner,
            a.due.isoformat() if a.due else "",
            status_label(a.status, lang),
            yes_no(a.overdue(as_of), lang),
            proposed[a.id].key if a.id in proposed else "",
        ]
        for a in open_items
    ]
    columns = ["no", "issue", "action", "owner", "due", "status", "overdue", "proposed"]
    sections.append(
        _section(
            "review.actions",
            lang,
            [table([word(k, lang) for k in columns], act_rows, widths=(6, 30, 20, 10, 10, 8, 6, 10))]
            if act_rows
            else [para(word("review.none", lang))],
        )
    )

    # Next quarter -----------------------------------------------------------------------------------
    plan: list[str] = []
    if overdue_due:
        plan.append(word("review.next.overdue", lang).format(what="；".join(overdue_due)))
    plan += upcoming
    if weak:
        plan.append(
            word("review.next.weak", lang).format(what="、".join(weak_rows[i][0] for i in range(min(3, len(weak)))))
        )
    if retrain:
        plan.append(word("review.next.retrain", lang).format(who="、".join(str(r["person"]) for r in retrain)))
    if rework:
        plan.append(word("review.next.rework", lang).format(what="、".join(rework)))
    if owed:
        plan.append(word("review.next.makeup", lang).format(who="；".join(owed)))
    if overdue_items:
        plan.append(
            word("review.next.actions", lang).format(what="、".join(f"#{a.id} {a.owner}" for a in overdue_items))
        )
    sections.append(_section("review.next", lang, [bullets(plan or [word("review.next.nothing", lang)])]))

    where = site or word("review.company", lang)
    return {
        "format": "drillsim-review/1",
        "lang": lang,
        "title": word("review.title", lang),
        "subtitle": f"{where} · {quarter.name}",
        "quarter": quarter.name,
        "site": site,
        "as_of": as_of.isoformat(),
        "sections": sections,
        "footer": word("review.footer", lang).format(engine=__version__, as_of=as_of.isoformat()),
    }
