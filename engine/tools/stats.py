"""Summaries of many drills' figures, and how sure a difference between two sets of them is.

What-if analyses and staffing sweeps report means, spreads and differences over a few hundred
seeded drills. Nothing here draws a random number: an interval for a difference is Student's t
over the paired differences (drill ``i`` of an alternative against drill ``i`` of what the team
did, played on the same post-fork seed), so the same figures always give the same interval, in any
process and in any order. The t quantile comes from the Cornish-Fisher expansion of the normal one
(Abramowitz and Stegun 26.7.5), within 0.001 of the exact value from 3 degrees of freedom up, which
is far finer than the noise of a few hundred drills; no SciPy is needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist
from typing import Any

CONFIDENCE = 0.95
"""The interval's confidence level."""


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (``df`` >= 1)."""
    z = NormalDist().inv_cdf(p)
    if df >= 1_000_000:
        return z
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) * math.sqrt(2 / (4 * p * (1 - p)))
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def mean(values: Sequence[float]) -> float:
    """The arithmetic mean (0 for nothing)."""
    return math.fsum(values) / len(values) if values else 0.0


def sd(values: Sequence[float]) -> float:
    """The sample standard deviation (0 for fewer than two values)."""
    n = len(values)
    if n < 2:
        return 0.0
    m = mean(values)
    return math.sqrt(math.fsum((v - m) ** 2 for v in values) / (n - 1))


def quantile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile by linear interpolation between order statistics (0 for nothing)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def spread(values: Sequence[float], digits: int = 2) -> dict[str, float]:
    """Mean, standard deviation and the 10th, 50th and 90th percentiles, min and max, rounded."""
    if not values:
        return {}
    return {
        "mean": round(mean(values), digits),
        "sd": round(sd(values), digits),
        "min": round(min(values), digits),
        "p10": round(quantile(values, 0.1), digits),
        "p50": round(quantile(values, 0.5), digits),
        "p90": round(quantile(values, 0.9), digits),
        "max": round(max(values), digits),
    }


def difference(after: Sequence[float], before: Sequence[float], digits: int = 3) -> dict[str, Any]:
    """The mean of the paired differences ``after[i] - before[i]`` and its t interval.

    Returns:
        ``mean``, ``low``, ``high`` (the :data:`CONFIDENCE` interval), ``n`` and ``sure``: whether
        the interval leaves out zero (the difference is more than the play of chance).
    """
    pairs = [a - b for a, b in zip(after, before, strict=True)]
    n = len(pairs)
    m = mean(pairs)
    if n < 2:
        return {"mean": round(m, digits), "low": round(m, digits), "high": round(m, digits), "n": n, "sure": False}
    half = t_quantile(0.5 + CONFIDENCE / 2, n - 1) * sd(pairs) / math.sqrt(n)
    low, high = m - half, m + half
    return {
        "mean": round(m, digits),
        "low": round(low, digits),
        "high": round(high, digits),
        "n": n,
        "sure": low > 0 or high < 0,
    }
