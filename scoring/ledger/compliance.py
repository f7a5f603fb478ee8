"""Compliance: for each team, each requirement of the programme and each period so far, whether the
drills it asks for were held: done, due (the period is running) or overdue (it ended short).

A pure function of a programme, the drills in history and a day (``as_of``): the same inputs always
give the same answer, and nothing here reads a clock or a database. A drill counts for a team's
requirement when it was filed under that team (and its site, when it has one), ran one of the
requirement's scenarios or plans, fell in the period, and is of the kind asked (and passed, if
``must_pass``). A make-up drill (补训) counts for no requirement: it exists for the absentees of
another drill, not as the team's drill of the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date

from engine.format import Programme, Requirement, Site, Team
from scoring.history import Row
from scoring.ledger.periods import Span, spans
from scoring.ledger.store import Drill

STATUSES = ("done", "due", "overdue")
"""Where a requirement stands for one period: held; not yet, and the period is running; not, and it ended."""


@dataclass(frozen=True)
class Due:
    """One team's requirement for one period, and the drills that satisfied it."""

    site: Site
    team: Team
    requirement: str
    """The requirement's id."""
    rule: Requirement
    period: Span
    held: tuple[Drill, ...]
    status: str

    def row(self, lang: str) -> Row:
        """As a result row (for tables, CSV, JSON and spreadsheets)."""
        return {
            "site": self.site.name,
            "team": self.team.name,
            "requirement": self.requirement,
            "label": self.rule.label.get(lang),
            "period": self.period.name,
            "due_by": self.period.end.isoformat(),
            "needed": self.rule.times,
            "held": len(self.held),
            "status": self.status,
            "drills": ", ".join(f"{d.key} ({local_day(d).isoformat()}, {d.score:g})" for d in self.held),
        }


def local_day(drill: Drill) -> date:
    """The day a drill was held where the ledger is kept (history stores UTC)."""
    return drill.started_at.replace(tzinfo=UTC).astimezone().date()


def belongs(drill: Drill, site: Site, team: Team) -> bool:
    """Whether ``drill`` was held by ``team`` of ``site`` (a drill filed without a site matches by team)."""
    return drill.team == team.name and drill.site in (None, site.name)


def counts_for(drill: Drill, rule: Requirement) -> bool:
    """Whether ``drill`` is the kind of drill ``rule`` asks for (whoever held it, whenever)."""
    if drill.makes_up is not None or not drill.ran(rule.drills):
        return False
    if rule.kind != "any" and drill.kind != rule.kind:
        return False
    return drill.passed or not rule.must_pass


def compliance(programme: Programme, drills: Sequence[Drill], as_of: date, *, site: str | None = None) -> list[Due]:
    """Every team's requirements, for each period of the programme begun by ``as_of``.

    Args:
        programme: The training programme.
        drills: Drills from history (any order; those of other teams are ignored).
        as_of: The day to judge on, as it stood then: drills held later do not count, periods that
            start later are not listed; a period running on it is ``due`` until done, one that ended
            before it is ``overdue`` if not done.
        site: Only this site's teams.
    """
    found: list[Due] = []
    for where, team in programme.teams():
        if site is not None and where.name != site:
            continue
        ours = [d for d in drills if belongs(d, where, team) and local_day(d) <= as_of]
        for rid, rule in programme.requirements.items():
            if not programme.applies(rule, where, team):
                continue
            for period in spans(rule.every, programme.starts, programme.ends):
                if period.start > as_of:
                    break
                held = tuple(d for d in ours if counts_for(d, rule) and period.holds(local_day(d)))
                status = "done" if len(held) >= rule.times else "overdue" if period.end < as_of else "due"
                found.append(Due(where, team, rid, rule, period, held, status))
    return found
