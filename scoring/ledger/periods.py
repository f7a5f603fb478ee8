"""Calendar periods: the months, quarters, halves and years a programme's requirements recur over.

A period is a span of whole days, both ends included, named as the ledger prints it (``2026-03``,
``2026Q1``, ``2026H1``, ``2026``). Periods are calendar periods, not rolling windows: "every quarter"
means a drill in January-March, another in April-June, as training plans and inspectors count them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine.errors import DrillError

MONTHS = {"month": 1, "quarter": 3, "half-year": 6, "year": 12}
"""Length of each kind of period, in months."""


class PeriodError(DrillError):
    """A quarter or date given on the command line is not one."""


@dataclass(frozen=True, order=True)
class Span:
    """A calendar period: first and last day (both included) and its name."""

    start: date
    end: date
    name: str

    def holds(self, when: date | datetime) -> bool:
        """Whether ``when`` falls in the period."""
        day = when.date() if isinstance(when, datetime) else when
        return self.start <= day <= self.end

    def after(self) -> date:
        """The day after the period (its end as a half-open bound)."""
        return self.end + timedelta(days=1)


def _name(every: str, year: int, month: int) -> str:
    if every == "month":
        return f"{year}-{month:02}"
    if every == "quarter":
        return f"{year}Q{(month - 1) // 3 + 1}"
    if every == "half-year":
        return f"{year}H{(month - 1) // 6 + 1}"
    return str(year)


def span_of(every: str, day: date) -> Span:
    """The period of kind ``every`` that ``day`` falls in."""
    months = MONTHS[every]
    first = (day.month - 1) // months * months + 1
    start = date(day.year, first, 1)
    nxt = first + months
    after = date(day.year + 1, 1, 1) if nxt > 12 else date(day.year, nxt, 1)
    return Span(start, after - timedelta(days=1), _name(every, day.year, first))


def spans(every: str, starts: date, ends: date) -> list[Span]:
    """Every period of kind ``every`` that overlaps ``starts``-``ends``, in order."""
    found: list[Span] = []
    day = starts
    while day <= ends:
        span = span_of(every, day)
        found.append(span)
        day = span.after()
    return found


_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")


def quarter(text: str) -> Span:
    """A quarter written ``2026Q4`` (or ``2026-Q4``).

    Raises:
        PeriodError: Not a quarter.
    """
    found = _QUARTER.match(text)
    if found is None:
        raise PeriodError(f"--quarter: {text!r} is not a quarter; write it as 2026Q4")
    year, number = int(found[1]), int(found[2])
    return span_of("quarter", date(year, 3 * number - 2, 1))


def day(text: str, option: str = "--as-of") -> date:
    """A day written ``YYYY-MM-DD``.

    Raises:
        PeriodError: Not a date.
    """
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise PeriodError(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from exc


def previous(span: Span) -> Span:
    """The period of the same kind just before ``span``."""
    kind = next(k for k, n in MONTHS.items() if span_of(k, span.start) == span)
    return span_of(kind, span.start - timedelta(days=1))
