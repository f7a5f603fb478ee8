"""The training programme format, version 1 (``programme/1``): which drills each team must hold, how
often, and who must attend.

A training officer writes one programme per year or per company (培训计划 / 年度演练计划): the sites
and their teams with each team's roster, then the requirements, such as "a fire evacuation drill every
quarter for every team", "the emergency module twice a year", "role-play practice monthly for the
customer-service staff". The ledger (:mod:`scoring.ledger`) compares history against it: done, due
and overdue per team and period, and attendance against the roster.

Why it is a content format beside scenarios and plans, not a settings file of the ledger: it is
written by hand in an editor like them, so it gets the same loader (located errors, all at once,
unknown keys listed), the same ``drillsim validate`` and a JSON Schema (``drillsim schema
programme``). The format stays free of history: it names drills by scenario or plan id and teams
and sites by the names drills are filed under (``--team``, ``--site``), and nothing here reads a
database or the scenario library (the ledger checks that the drills it names exist).

Dates are written ``2026-01-01`` (the reader keeps them as text; YAML 1.1 date magic is off).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator

from engine.format.model import Frozen, Ident, Slug, Text, Version, _version_text

FORMAT_PROGRAMME = "programme/1"
"""Schema name of a v1 training programme file."""

PERIODS = ("month", "quarter", "half-year", "year")
"""How often a requirement recurs: calendar months, quarters, halves (January-June, July-December), years."""

Period = Literal["month", "quarter", "half-year", "year"]
"""A requirement's period (see :data:`PERIODS`)."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A person's, team's or site's name, as the records and history write it."""


def _iso_day(value: object) -> object:
    """Only ``YYYY-MM-DD`` text is a day (pydantic would read a number as seconds since 1970)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-01") from exc
    if isinstance(value, date):
        return value
    raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")


Day = Annotated[date, BeforeValidator(_iso_day)]
"""A calendar day, written ``2026-03-31``."""


class Member(Frozen):
    """Someone on a team's roster: expected at the team's drills while on it."""

    name: Name
    """Their name, as drills list participants."""
    role: str | None = None
    """Their post (岗位), e.g. 保安, 客服, 工程: what a requirement's ``attend`` names."""
    joined: Day | None = None
    """First day on the team (expected at drills from then on); default: always."""
    left: Day | None = None
    """Last day on the team; default: still on it."""

    def on_roster(self, day: date) -> bool:
        """Whether the member was on the team on ``day``."""
        return (self.joined is None or self.joined <= day) and (self.left is None or day <= self.left)


class Team(Frozen):
    """A team (班组, 部门) that holds drills together."""

    name: Name
    """The team's name, as drills are filed under it (``--team``)."""
    title: Text | None = None
    """How reports name it, when not by ``name``."""
    members: list[Member | Name] = Field(default_factory=list)
    """The roster: each a name, or ``{name, role, joined, left}``."""

    @property
    def roster(self) -> list[Member]:
        """The members, each as a :class:`Member` (a bare name is one with no role or dates)."""
        return [m if isinstance(m, Member) else Member(name=m) for m in self.members]


class Site(Frozen):
    """A site (项目, 小区) and its teams."""

    name: Name
    """The site's name, as drills are filed under it (``--site``)."""
    title: Text | None = None
    """How reports name it, when not by ``name``."""
    teams: list[Team] = Field(min_length=1)
    """Its teams."""


class Requirement(Frozen):
    """A drill some teams must hold, and how often."""

    label: Text
    """What the requirement is, as the ledger names it (e.g. 消防疏散演练，每季度一次)."""
    drills: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(min_length=1)
    """Scenario or plan ids: a drill of any of them (its plan, or any of its incidents) counts."""
    every: Period
    """How often: ``month``, ``quarter``, ``half-year`` or ``year``."""
    times: Annotated[int, Field(ge=1, le=31)] = 1
    """How many drills each period (a make-up drill does not count as one)."""
    teams: list[Name] = Field(default_factory=list)
    """Which teams, as ``team`` or ``site/team``; default: every team of every site."""
    attend: list[Name] = Field(default_factory=list)
    """Which posts must attend (members' ``role``); default: the whole roster."""
    kind: Literal["any", "practice", "assessment"] = "any"
    """Which drills count: ``assessment`` for 考核 only, ``any`` for practice too."""
    must_pass: bool = False
    """Only a passed drill counts."""
    source: str | None = None
    """The clause of the training plan behind it, for an auditor."""


class Programme(Frozen):
    """A training programme: sites, teams and rosters, and the drills each must hold."""

    schema_: Literal["programme/1"] = Field(alias="schema")
    """Format name and version: ``programme/1``."""
    id: Slug
    """Stable id."""
    version: Version
    """Content version, in quotes."""

    _version = field_validator("version", mode="before")(_version_text)
    title: Text
    """Name of the programme (e.g. 2026 年度应急演练计划)."""
    starts: Day
    """First day it applies."""
    ends: Day
    """Last day it applies."""
    attendance_target: Annotated[float, Field(ge=0, le=100)] = 95.0
    """Attendance rate (%) under which a team's quarter is flagged (the training plan's 95)."""
    sites: list[Site] = Field(min_length=1)
    """The sites and their teams."""
    requirements: dict[Ident, Requirement] = Field(min_length=1)
    """What must be held, by id."""

    def teams(self) -> list[tuple[Site, Team]]:
        """Every team with its site, in file order."""
        return [(site, team) for site in self.sites for team in site.teams]

    def applies(self, requirement: Requirement, site: Site, team: Team) -> bool:
        """Whether ``requirement`` is one of ``team``'s."""
        return not requirement.teams or any(ref in (team.name, f"{site.name}/{team.name}") for ref in requirement.teams)


def check_programme(programme: Programme) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross references a model cannot check field by field: (path in the file, message) each.

    Periods run forwards, team names are unique, every team a requirement names exists and every
    post it asks to attend is someone's post.
    """
    found: list[tuple[tuple[str | int, ...], str]] = []
    if programme.ends < programme.starts:
        found.append((("ends",), f"the programme ends ({programme.ends}) before it starts ({programme.starts})"))
    names: dict[str, list[str]] = {}
    for s, site in enumerate(programme.sites):
        seen: set[str] = set()
        for t, team in enumerate(site.teams):
            if team.name in seen:
                found.append((("sites", s, "teams", t, "name"), f"team {team.name!r} is listed twice at {site.name}"))
            seen.add(team.name)
            names.setdefault(team.name, []).append(site.name)
            people: set[str] = set()
            for m, member in enumerate(team.roster):
                where: tuple[str | int, ...] = ("sites", s, "teams", t, "members", m)
                if member.name in people:
                    found.append(((*where, "name"), f"{member.name} is on the {team.name} roster twice"))
                people.add(member.name)
                if member.joined and member.left and member.left < member.joined:
                    found.append(((*where, "left"), f"{member.name} leaves ({member.left}) before joining"))
    if len({site.name for site in programme.sites}) < len(programme.sites):
        found.append((("sites",), "a site is listed twice; list each site once with all its teams"))
    posts = {m.role for _, team in programme.teams() for m in team.roster if m.role}
    for rid, req in programme.requirements.items():
        for i, ref in enumerate(req.teams):
            site_name, _, team_name = ref.rpartition("/")
            sites = names.get(team_name, [])
            if not sites or (site_name and site_name not in sites):
                known = ", ".join(sorted(names)) or "none"
                found.append((("requirements", rid, "teams", i), f"no team {ref!r} in the programme; teams: {known}"))
        for i, post in enumerate(req.attend):
            if post not in posts:
                known = ", ".join(sorted(posts)) or "none (give members a role)"
                found.append((("requirements", rid, "attend", i), f"nobody's role is {post!r}; roles: {known}"))
    return found
