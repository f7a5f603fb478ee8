"""The blocks a report's document is made of, and the blocks both styles share.

A section is a heading and a list of blocks; a block is plain data with a ``type``: ``table``
(with a ``variant``: ``data``, ``fields`` for item/details pairs, ``form`` for blanks to fill in on
paper, ``matrix`` for the capability ratings), ``paragraph``, ``subheading``, ``list``, ``verdict``
(score, pass mark, conclusion, rating) or ``chart`` (the timeline, drawn by the HTML renderer).
Each renderer knows these types and nothing about styles; each style (:mod:`.cn`, :mod:`.hseep`)
arranges them, using the pieces here where both say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scoring.report.words import WORDS, colon, ids, minute, num, word

Content = dict[str, Any]
"""A report's content: plain data that survives a JSON round trip unchanged."""


def table(
    columns: list[str], rows: list[list[str]], variant: str = "data", widths: Sequence[int] = ()
) -> dict[str, Any]:
    """A table block; ``widths`` (percent per column) keep blank columns wide enough to write in on paper."""
    return {"type": "table", "variant": variant, "columns": columns, "rows": rows, "widths": list(widths)}


def para(text: str) -> dict[str, Any]:
    """A paragraph block."""
    return {"type": "paragraph", "text": text}


def sub(text: str) -> dict[str, Any]:
    """A subheading block."""
    return {"type": "subheading", "text": text}


def bullets(items: list[str]) -> dict[str, Any]:
    """A bulleted list block."""
    return {"type": "list", "items": items}


def section(key: str, lang: str, blocks: list[dict[str, Any]], *, appendix: bool = False) -> dict[str, Any]:
    """A section: its id (a vocabulary key), its heading in ``lang``, and its blocks."""
    return {"id": key, "heading": word(key, lang), "appendix": appendix, "blocks": blocks}


def overview_rows(c: Content, hseep: bool) -> list[list[str]]:
    """The overview's item/details rows, for a manager: what, when (local time), where, who, how it ended.

    The AAR adds mission area, hazards, sponsor and point of contact. Ids, the seed, the engine and
    the record file are in the technical appendix (:func:`technical`).
    """
    o, lang = c["overview"], c["lang"]
    rows = [[word("name", lang), o["name"]], [word("date", lang), o["date"]]]
    if o["started"]:
        rows.append([word("started", lang), o["started"]])
    rows.append([word("scope", lang), o["scope"]])
    if hseep:
        rows.append([word("mission", lang), word("mission.value", lang)])
        hazards = _join((h for s in o["scenarios"] for h in s["hazards"]), lang)
        rows.append([word("hazard", lang), hazards or word("none", lang)])
    rows.append([word("scenario", lang), "\n".join(str(s["title"]) for s in o["scenarios"])])
    if o["kind"]:
        rows.append(
            [word("kind", lang), word(f"kind.{o['kind']}", lang) if f"kind.{o['kind']}" in WORDS else o["kind"]]
        )
    if o["site"]:
        rows.append([word("site", lang), str(o["site"])])
    if o["team"]:
        rows.append([word("orgs" if hseep else "team", lang), team_text(o["team"], lang)])
    if o["participants"]:
        rows.append([word("participants", lang), "、".join(person_text(p) for p in o["participants"])])
    if hseep:
        rows += [[word("sponsor", lang), ""], [word("poc", lang), ""]]
    mode = f"mode.{o['mode']}"
    rows += [
        [word("mode", lang), word(mode, lang) if mode in WORDS else str(o["mode"])],
        [word("duration", lang), minute(o["duration"])],
        [word("outcome", lang), o["outcome_text"]],
    ]
    if not o["complete"]:
        rows.append([word("record", lang), word("record.cut", lang)])
    return rows


def technical(c: Content) -> list[dict[str, Any]]:
    """The appendix of technical values: what identifies the record and replays the drill, and the
    recorded events behind each observation (the report's body names none of them)."""
    o, lang = c["overview"], c["lang"]
    rows = [
        [word("record", lang), o["record_file"]],
        [word("technical.record_id", lang), str(o["record"])],
        [word("technical.started", lang), str(o["wall_start"])],
        [word("engine", lang), str(o["engine"])],
        [word("seed", lang), str(o["seed"])],
        [word("technical.scenario", lang), "\n".join(f"{s['id']} {s['version']}" for s in o["scenarios"])],
    ]
    if o["plan"]:
        rows.append([word("technical.plan", lang), f"{o['plan']['id']} {o['plan']['version']}"])
    rows.append([word("locale", lang), str(o["locale"] or word("locale.default", lang))])
    if o["staffing"]:
        rows.append([word("technical.staffing", lang), ", ".join(f"{k}={v}" for k, v in o["staffing"].items())])
    blocks: list[dict[str, Any]] = [
        para(word("technical.note", lang)),
        table([word("item", lang), word("details", lang)], rows, "fields"),
        sub(word("technical.ids", lang)),
    ]
    ids_rows = [[a["id"], minute(a["t"]), ids(a["events"])] for a in c["areas"] if a["events"]]
    if ids_rows:
        blocks.append(table([word(k, lang) for k in ("no", "time", "events")], ids_rows, widths=(12, 14, 74)))
    else:
        blocks.append(para(word("technical.none", lang)))
    return blocks


def _join(items: Iterable[str], lang: str) -> str:
    """Items in a row: separated by a full-width semicolon in Chinese, "; " in English."""
    return ("；" if lang == "zh" else "; ").join(items)


def team_text(team: Any, lang: str = "en") -> str:
    """A team as one line (a plan's team maps roles to names)."""
    if isinstance(team, dict):
        sep = "、" if lang == "zh" else ", "
        return _join(
            (colon(str(k), sep.join(map(str, v)) if isinstance(v, list) else str(v), lang) for k, v in team.items()),
            lang,
        )
    return str(team)


def person_text(person: Mapping[str, str]) -> str:
    """The name with the role in full-width brackets after it, or the name alone."""
    role = person.get("role_label") or person.get("role")
    return f"{person['name']}（{role}）" if role else person["name"]


def objectives_block(c: Content) -> dict[str, Any]:
    """The objectives as a list, or a paragraph saying there are none."""
    items = c["overview"]["objectives"]
    return bullets(items) if items else para(word("objectives.none", c["lang"]))


def verdict(c: Content) -> dict[str, Any]:
    """Score, pass mark, conclusion and rating, shown side by side."""
    e, lang = c["evaluation"], c["lang"]
    return {
        "type": "verdict",
        "passed": e["passed"],
        "rows": [
            [word("score", lang), num(e["score"])],
            [word("pass_mark", lang), num(e["pass_mark"])],
            [word("conclusion", lang), word("passed" if e["passed"] else "failed", lang)],
            [word("rating", lang), e["rating"]["label"]],
        ],
    }


def incident_rows(c: Content) -> list[dict[str, Any]]:
    """Per incident: score, the automatic and the evaluator's rating, and the caps that applied."""
    lang, blocks = c["lang"], []
    many = len(c["evaluation"]["incidents"]) + len(c["evaluation"].get("not_started", [])) > 1
    for inc in c["evaluation"]["incidents"]:
        if many:
            blocks.append(sub(f"{inc['title']}"))
        rows = (
            [[word("score", lang), num(inc["score"])], [word("pass_mark", lang), num(inc["pass_mark"])]] if many else []
        )
        rows += [
            [word("auto", lang), inc["auto_rating"]["label"]],
            [
                word("evaluator", lang),
                inc["evaluator_rating"]["label"] if inc["evaluator_rating"] else word("none", lang),
            ],
            *([[word("evaluators", lang), raters_text(inc["raters"], lang)]] if inc["raters"] else []),
            [word("final", lang), inc["rating"]["label"]],
            [word("caps", lang), "\n".join(inc["caps"]) or word("caps.none", lang)],
        ]
        blocks.append(table([word("item", lang), word("details", lang)], rows, "fields"))
    for inc in c["evaluation"].get("not_started", []):
        blocks.append(sub(f"{inc['title']}"))
        blocks.append(para(word("not_started", lang)))
    return blocks


def tasks_table(c: Content) -> dict[str, Any] | None:
    """Every critical task with its status, sim time and ratings; None without a rubric."""
    lang = c["lang"]
    rows = [
        [
            t["label"],
            t["objective_label"],
            t["status_text"],
            minute(t["t"]),
            t["auto_rating"]["label"],
            raters_text(t["raters"], lang) or word("none", lang),
            t["rating"]["label"],
        ]
        for inc in c["evaluation"]["incidents"]
        for t in inc["tasks"]
    ]
    if not rows:
        return None
    columns = ["task", "objective", "status", "time", "auto", "evaluators", "final"]
    return table([word(k, lang) for k in columns], rows, widths=(19, 15, 11, 7, 12, 24, 12))


def raters_text(raters: Sequence[Mapping[str, Any]], lang: str) -> str:
    """Each rater's say, one line each: ``name: P — observation`` (the facilitator named as such)."""
    lines = []
    for r in raters:
        said = r["rating"]["code"] if r["rating"] else word("observed", lang)
        notes = ("；" if lang == "zh" else "; ").join(r["notes"])
        dash = " — " if notes else ""
        lines.append(colon(r["who"], f"{said}{dash}{notes}", lang))
    return "\n".join(lines)


def breakdown_table(c: Content) -> dict[str, Any]:
    """Every gain and loss of points, with its reason and when."""
    lang = c["lang"]
    rows = [
        [
            f"{b['points']:+.1f}" + (f" / {b['max']:.1f}" if b["max"] is not None else ""),
            b["what_text"],
            b["reason"],
            minute(b["t"]),
        ]
        for b in c["breakdown"]
    ]
    return table([word(k, lang) for k in ("points", "what", "reason", "time")], rows, widths=(12, 18, 60, 10))


def timeline_table(c: Content) -> dict[str, Any]:
    """Every timeline entry, one row each (the chart's data, as a table)."""
    lang = c["lang"]
    rows = [[minute(e["t"]), f"#{e['seq']}", e["lane_label"], e["text"]] for e in c["timeline"]]
    return table([word(k, lang) for k in ("time", "events", "lane", "entry")], rows, widths=(8, 8, 20, 64))


def chart(c: Content) -> dict[str, Any]:
    """Where the timeline chart goes (the HTML draws it; the Markdown says where to find it)."""
    return {"type": "chart", "caption": word("chart.caption", c["lang"]), "note": word("chart.note", c["lang"])}


def notes_block(c: Content) -> dict[str, Any]:
    """The evaluator's notes as a table, or a paragraph saying there are none."""
    lang = c["lang"]
    if not c["evaluator_notes"]:
        return para(word("notes.none", lang))
    rows = [
        [minute(n["t"]), n["who"], n["target_text"], n["rating"]["label"] if n["rating"] else "", n["note"]]
        for n in c["evaluator_notes"]
    ]
    columns = ("time", "rater", "target", "rating", "note")
    return table([word(k, lang) for k in columns], rows, widths=(9, 14, 26, 18, 33))


def strength_items(strengths: Sequence[Mapping[str, Any]]) -> list[str]:
    """Strengths as list items (their event ids are in the record; the JSON keeps them)."""
    return [s["text"] for s in strengths]


def feedback_table(c: Content) -> dict[str, Any]:
    """Participants' feedback; without any, the same table as a blank form with their names."""
    lang = c["lang"]
    columns = [word(k, lang) for k in ("person", "role", "satisfaction", "helped", "improve")]
    if c["feedback"]:
        rows = [
            [
                f["name"],
                f["role"],
                "" if f["satisfaction"] is None else str(f["satisfaction"]),
                f["helped"],
                f["improve"],
            ]
            for f in c["feedback"]
        ]
        return table(columns, rows, widths=(14, 16, 12, 29, 29))
    people = c["overview"]["participants"]
    rows = [[p["name"], p["role_label"] or p["role"], "", "", ""] for p in people] or [[""] * 5 for _ in range(4)]
    return table(columns, rows, "form", (14, 16, 12, 29, 29))


def footer(c: Content) -> str:
    """The line saying the report was made from the drill's record (which one: the technical appendix)."""
    return word("generated", c["lang"])
