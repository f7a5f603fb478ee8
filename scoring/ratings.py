"""HSEEP ratings: the four codes with their exact labels, their order, score bands and caps.

The labels are the doctrine's own words and are never paraphrased (one open tool renders S/M/U as
"Satisfactory/Marginal/Unsatisfactory", which is wrong). The Chinese renderings say what the
doctrine means in the words a Chinese evaluator uses ("问题", not a translated "挑战"), and put
the code before them with a full-width colon, as Chinese forms do.
"""

from __future__ import annotations

from engine.format import Text

CODES = ("P", "S", "M", "U")
"""Best to worst."""

LABELS: dict[str, Text] = {
    "P": Text(zh="完成且无明显问题", en="Performed without Challenges"),
    "S": Text(zh="完成，但存在一些问题", en="Performed with Some Challenges"),
    "M": Text(zh="完成，但存在重大问题", en="Performed with Major Challenges"),
    "U": Text(zh="未能完成", en="Unable to be Performed"),
}
"""Code -> exact label."""

BANDS = ((90.0, "P"), (80.0, "S"), (60.0, "M"), (0.0, "U"))
"""Score -> rating before caps: 90 and up P, the pass mark 80 S, 60 M, below U."""


def band(score: float) -> str:
    """The rating a score earns on its own."""
    for floor, code in BANDS:
        if score >= floor:
            return code
    return "U"


def worst(*codes: str) -> str:
    """The worst of some ratings."""
    return max(codes, key=CODES.index)


def label(code: str, lang: str = "en") -> str:
    """``P Performed without Challenges``; in Chinese the code, a full-width colon and the label."""
    return f"{code}：{LABELS[code].get(lang)}" if lang == "zh" else f"{code} {LABELS[code].get(lang)}"
