"""A report's content: the facts of a recorded drill, and the document one style makes of them.

:func:`build` reads the record's header and events, scores them with
:func:`scoring.evaluation.evaluate` and returns the report's *content* as plain data, in two layers:

* **the facts**, as data with raw numbers and event ids: ``overview``, ``evaluation``,
  ``breakdown``, ``strengths``, ``areas`` (for improvement), ``improvement_plan``, ``timeline``,
  ``evaluator_notes`` and ``feedback`` (:mod:`.facts`, :mod:`.observations`, :mod:`.timeline`).
  A tool that files reports away reads these;
* **the document**, ``sections``: the facts laid out for one style (:mod:`.cn` or :mod:`.hseep`) in
  one language, as headed blocks of ready-made strings (tables, lists, paragraphs, the chart).

Renderers only walk ``sections``, so the Markdown, the HTML and the JSON always say the same thing
and a new style is a new section builder, never a new renderer. That is also how a record opened
unverified is marked on every page: its warning is the first section (and ``integrity`` in the
facts). Every blank a facilitator fills in by hand (corrective action, owner, due date, root cause,
self-assessment) is an empty cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.errors import DrillError
from engine.runtime import setup_from
from scoring.evaluation import evaluate
from scoring.report import cn, hseep
from scoring.report.blocks import Content, para
from scoring.report.facts import Facts, breakdown, evaluation, evaluator_notes, feedback, overview
from scoring.report.observations import areas, strengths
from scoring.report.timeline import timeline
from scoring.report.whatif import section as whatif_section
from scoring.report.words import word

if TYPE_CHECKING:
    from datetime import tzinfo

    from engine.runtime import Record, Setup

FORMAT = "drillsim-report/1"
"""Name and version of the content format (the JSON output)."""

STYLES = ("cn", "hseep")
"""``cn``: a 评估报告 after AQ/T 9009 and GB/T 46792; ``hseep``: an HSEEP AAR/IP."""

LANGS = ("zh", "en")
"""Languages of headings and fixed words."""


class ReportError(DrillError):
    """A report was asked for in an unknown style, language or format."""


_WARNING = {"zh": "警告：本记录未经核验", "en": "Warning: this record is not verified"}


def build(
    record: Record,
    lang: str,
    style: str,
    tz: tzinfo | None = None,
    *,
    setup: Setup | None = None,
    warning: str | None = None,
    whatif: Mapping[str, Any] | None = None,
) -> Content:
    """The report of a recorded drill, as plain data.

    Args:
        record: The drill's record (:func:`engine.runtime.open_verified` reads and verifies it).
        lang: ``zh`` or ``en``: the language of headings, fixed words and scenario texts.
        style: ``cn`` (评估报告) or ``hseep`` (AAR/IP).
        tz: The zone to show a start time recorded in UTC in (None: the machine's own zone). A
            start time recorded with its own UTC offset is shown as recorded.
        setup: What it ran (default: rebuilt from the record, :func:`engine.runtime.setup_from`).
        warning: Why the record must not be trusted (opened unverified, or signed and not
            checked): the report opens with it, on every page.
        whatif: A what-if analysis of the record (:func:`scoring.whatif.whatif`): adds its
            section before the appendices, and the result itself as ``whatif``.

    Returns:
        The content; see the module docstring. ``render(content, "json")`` dumps it unchanged.

    Raises:
        ReportError: Unknown language or style.
        RecordError: The record's scenarios have changed since the drill (see :func:`setup_from`).
        ContentError: A scenario of the record cannot be found or loaded.
    """
    if lang not in LANGS:
        raise ReportError(f"unknown report language {lang!r}; use {' or '.join(LANGS)}")
    if style not in STYLES:
        raise ReportError(f"unknown report style {style!r}; use {' or '.join(STYLES)}")
    setup = setup or setup_from(record)
    scenarios = setup.scenarios()
    result = evaluate(record.events, scenarios)
    facts = Facts(record, scenarios, result, setup.plan.model if setup.plan else None, lang, tz)
    content: Content = {
        "format": FORMAT,
        "style": style,
        "lang": lang,
        "title": word(f"title.{style}" + (".roleplay" if facts.roleplay else ""), lang),
        "overview": overview(facts),
        "evaluation": evaluation(facts),
        "breakdown": breakdown(facts),
        "strengths": strengths(facts),
        "areas": areas(facts),
        "timeline": timeline(facts),
        "evaluator_notes": evaluator_notes(facts),
        "feedback": feedback(facts),
    }
    content["improvement_plan"] = [
        {
            "area": a["id"],
            "issue": a["observation"],
            "corrective_action": "",
            "capability_element": "",
            "owner": "",
            "organisation": "",
            "point_of_contact": "",
            "start_date": "",
            "due_date": "",
        }
        for a in content["areas"]
    ]
    content["integrity"] = {
        "verified": warning is None,
        "signed": record.header.signed,
        "warning": warning,
    }
    sections = (cn.sections if style == "cn" else hseep.sections)(content)
    if warning is not None:
        sections.insert(0, section_warning(lang, warning))
    if whatif is not None:
        content["whatif"] = dict(whatif)
        at = next((n for n, s in enumerate(sections) if s["appendix"]), len(sections))
        sections.insert(at, whatif_section(whatif, style, lang))
    content["sections"] = sections
    return content


def section_warning(lang: str, warning: str) -> dict[str, Any]:
    """The section a report opens with when its record is not to be trusted."""
    return {"id": "warning", "heading": _WARNING[lang], "appendix": False, "blocks": [para(warning)]}
