"""Attendance: who each drill expected (the roster), who took part, who was absent and whether a
make-up drill (补训) covered them; rates per team and quarter, flagged under the programme's target.

A pure function of a programme and the drills in history. A drill expects the members on its team's
roster that day (``joined``/``left``), narrowed to the posts its requirements ask to attend (a drill
that answers several requirements expects everyone any of them asks for; one that answers none
expects the whole roster). Taking part means being among the drill's participants. Names not on
the roster (a visitor, a trainer) are neither expected nor counted.

A make-up drill is linked to the drill it makes up for (``drillsim history add RECORD --makes-up
DRILL``); an absentee who takes part in it is *made up*. The rate counts attendance at the drill
itself, as the training plan's 95% does; make-ups are shown beside it, and the absentees still
owed one are listed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from engine.format import Programme, Site, Team
from scoring.history import Row
from scoring.ledger.compliance import belongs, counts_for, local_day
from scoring.ledger.periods import span_of
from scoring.ledger.store import Drill


@dataclass(frozen=True)
class Roll:
    """One drill's roll call."""

    drill: Drill
    site: Site
    team: Team
    expected: tuple[str, ...]
    present: tuple[str, ...]
    absent: tuple[str, ...]
    made_up: dict[str, str]
    """Absentee -> key of the make-up drill they took part in."""

    @property
    def quarter(self) -> str:
        """The calendar quarter the drill was held in (``2026Q1``)."""
        return span_of("quarter", local_day(self.drill)).name

    def row(self) -> Row:
        """As a result row."""
        return {
            "drill": self.drill.key,
            "day": local_day(self.drill).isoformat(),
            "title": self.drill.title,
            "site": self.site.name,
            "team": self.team.name,
            "expected": len(self.expected),
            "present": len(self.present),
            "absent": "、".join(self.absent),
            "made_up": "、".join(f"{name} ({key})" for name, key in self.made_up.items()),
        }


def expected(programme: Programme, site: Site, team: Team, drill: Drill) -> tuple[str, ...]:
    """Who ``drill`` expected of ``team``: the roster that day, narrowed to the posts asked for."""
    day = local_day(drill)
    posts: set[str] = set()
    everyone = True
    answered = [r for r in programme.requirements.values() if programme.applies(r, site, team) and counts_for(drill, r)]
    if answered and all(r.attend for r in answered):
        everyone = False
        posts = {post for r in answered for post in r.attend}
    return tuple(
        m.name for m in team.roster if m.on_roster(day) and (everyone or (m.role is not None and m.role in posts))
    )


def rolls(programme: Programme, drills: Sequence[Drill], *, site: str | None = None) -> list[Roll]:
    """The roll call of every drill the programme's teams held within its dates (make-up drills aside)."""
    makeups: dict[int, list[Drill]] = defaultdict(list)
    for d in drills:
        if d.makes_up is not None:
            makeups[d.makes_up].append(d)
    found: list[Roll] = []
    for where, team in programme.teams():
        if site is not None and where.name != site:
            continue
        for d in drills:
            if d.makes_up is not None or not belongs(d, where, team):
                continue
            if not programme.starts <= local_day(d) <= programme.ends:
                continue
            want = expected(programme, where, team, d)
            came = d.names
            absent = tuple(n for n in want if n not in came)
            made_up: dict[str, str] = {}
            for later in makeups.get(d.id, []):
                for name in absent:
                    if name in later.names and name not in made_up:
                        made_up[name] = later.key
            found.append(Roll(d, where, team, want, tuple(n for n in want if n in came), absent, made_up))
    return found


def rates(programme: Programme, found: Sequence[Roll]) -> list[Row]:
    """Attendance per site, team and quarter: drills, expected, present, rate %, below target, still owed."""
    groups: dict[tuple[str, str, str], list[Roll]] = defaultdict(list)
    for roll in found:
        groups[roll.site.name, roll.team.name, roll.quarter].append(roll)
    rows: list[Row] = []
    for (site, team, quarter), these in sorted(groups.items()):
        want = sum(len(r.expected) for r in these)
        came = sum(len(r.present) for r in these)
        rate = round(100.0 * came / want, 1) if want else None
        owed = [f"{name} ({r.drill.key})" for r in these for name in r.absent if name not in r.made_up]
        rows.append(
            {
                "site": site,
                "team": team,
                "quarter": quarter,
                "drills": len(these),
                "expected": want,
                "present": came,
                "rate": rate,
                "below_target": rate is not None and rate < programme.attendance_target,
                "made_up": sum(len(r.made_up) for r in these),
                "owed": "、".join(owed),
            }
        )
    return rows
