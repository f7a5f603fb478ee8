"""Debrief reports of a drill: an HSEEP after-action report / improvement plan, or a Chinese 评估报告.

A report is a pure function of a record: :func:`build` reads the record's header and events, scores
them with :func:`scoring.evaluation.evaluate` and returns the report's *content* as plain data (the
facts, and the document one style makes of them); :func:`render` turns that content into Markdown,
HTML or JSON. Nothing here reads a clock.

The package, by concept:

* :mod:`.words`: the bilingual vocabulary, and how a report writes minutes, ids and ratings;
* :mod:`.facts`, :mod:`.observations`, :mod:`.timeline`: what a report says, from the record;
* :mod:`.content`: :func:`build`, which puts the facts and a layout together;
* :mod:`.blocks`, :mod:`.cn`, :mod:`.hseep`: the document's blocks and the two styles' layouts;
* :mod:`.output`, :mod:`.markdown`, :mod:`.html`, :mod:`.chart`: the renderings, and the timeline
  chart the HTML embeds.

Import from here; the modules may move.
"""

from scoring.report.blocks import Content
from scoring.report.chart import FONTS, RULE_COLOURS, RULE_ORDER, fonts, timeline_svg
from scoring.report.content import FORMAT, LANGS, STYLES, ReportError, build
from scoring.report.output import FORMATS, render

__all__ = [
    "FONTS",
    "FORMAT",
    "FORMATS",
    "LANGS",
    "RULE_COLOURS",
    "RULE_ORDER",
    "STYLES",
    "Content",
    "ReportError",
    "build",
    "fonts",
    "render",
    "timeline_svg",
]
