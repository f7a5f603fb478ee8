"""Finding content by path or id, and loading a drill's content checked as a whole.

One function answers "where is scenario X?" (:func:`find`): an explicit path first, then the
folder of the file that refers to it, then the shipped library (the repository's ``scenarios/`` and
``drills/`` in a checkout, or the copy installed inside the ``engine`` package by a wheel).

:func:`load_drill` loads what one drill runs (a scenario, or a plan with its scenarios) and checks
what only the whole can tell: a plan's staffing and team against its scenarios, its incidents'
triggers, the locale, the role-play persona. It is pure format work; turning the result into a drill
is the runtime's (:func:`engine.runtime.prepare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import ContentError, ExpressionError, Problem
from engine.format.checks import decision_problems, names_of
from engine.format.dialogue import base_id
from engine.format.expressions import compile_expression, did_you_mean
from engine.format.loader import Loaded, load, load_scenario
from engine.format.model import Plan, Scenario, Script
from engine.format.programme import Programme
from engine.paths import library_dirs


def find(name: str, *, near: Path | None = None) -> Path:
    """Locate a scenario or plan given as a path or as an id.

    Raises:
        ContentError: Nothing by that name exists.
    """
    path = Path(name)
    if path.is_file():
        return path
    folders = ([near] if near is not None else []) + library_dirs()
    for folder in folders:
        for candidate in (folder / name, folder / f"{name}.yaml", folder / f"{name}.yml"):
            if candidate.is_file():
                return candidate
    raise ContentError([Problem(name, 0, 0, "", "no such file, and no shipped scenario or plan has that id")])


@dataclass
class DrillContent:
    """What one drill runs, loaded and checked as a whole."""

    sources: list[Loaded[Scenario]]
    """The incidents' scenarios, in plan order."""
    starts: list[float]
    """The sim minute each incident begins at."""
    plan: Loaded[Plan] | None = None
    staffing: dict[str, int] = field(default_factory=dict)
    locale: str | None = None
    triggers: dict[int, tuple[int, str]] = field(default_factory=dict)
    """Incident index -> (index of the incident it waits for, condition over that incident)."""
    personas: dict[int, str | None] = field(default_factory=dict)
    """Incidents played as role-play, with the persona to meet (None: the drill's seed picks)."""


def _check_locale(sources: list[Loaded[Scenario]], locale: str | None, where: str | None = None) -> None:
    """A locale must be one that some parameter of the drill's scenarios has values for."""
    if locale is None:
        return
    known = sorted({name for s in sources for p in s.model.parameters.values() for name in p.locales})
    if locale not in known:
        listed = ", ".join(known) if known else "none: its figures are the same everywhere"
        message = f"unknown locale '{locale}'{did_you_mean(locale, known)}; known: {listed}"
        raise ContentError([Problem(where or sources[0].path, 0, 0, "", message)])


def load_drill(
    name: str, *, locale: str | None = None, persona: str | None = None, roleplay: bool = False
) -> DrillContent:
    """Load a scenario or a plan (with its scenarios), checked as a whole.

    Args:
        name: A path, or the id of a shipped scenario or plan.
        locale: Which per-locale parameter values to use.
        persona: Play the scenario's role-play against this owner persona.
        roleplay: Play the scenario's role-play, with a persona chosen by the drill's seed.

    Raises:
        ContentError: The file or a scenario it names cannot be loaded, or it has no such role-play.
    """
    path = find(name)
    loaded = load(path)
    if isinstance(loaded.model, Scenario):
        _check_locale([loaded], locale)
        dialogue = loaded.model.dialogue
        if (persona is not None or roleplay) and dialogue is None:
            message = "this scenario has no dialogue, so it has no role-play (and no personas)"
            raise ContentError([Problem(str(path), 1, 1, "dialogue", message)])
        if persona is not None and dialogue is not None and persona not in dialogue.personas:
            known = sorted(dialogue.personas)
            message = f"unknown persona '{persona}'{did_you_mean(persona, known)}; personas: {', '.join(known)}"
            raise ContentError([Problem(str(path), 1, 1, "dialogue.personas", message)])
        plays = persona is not None or roleplay or loaded.model.roleplay_only
        return DrillContent([loaded], [0.0], locale=locale, personas={0: persona} if plays else {})
    if not isinstance(loaded.model, Plan):
        raise ContentError(
            [Problem(str(path), 1, 1, "schema", "a script cannot be run on its own; pass it with --script")]
        )
    plan: Plan = loaded.model
    sources, problems = [], []
    for index, incident in enumerate(plan.incidents):
        try:
            sources.append(load_scenario(find(incident.scenario, near=path.parent)))
        except ContentError as exc:
            line, col = loaded.document.where(("incidents", index, "scenario"))
            for problem in exc.problems:
                problems.append(Problem(str(path), line, col, f"incidents.{index}.scenario", f"{problem}"))
    if problems:
        raise ContentError(problems)
    pools = {pool for s in sources for pool in s.model.staff}
    roles = {role for s in sources for role in s.model.roles}
    for section, names, what in (("staffing", pools, "staff pool"), ("team", roles, "role")):
        for key in getattr(plan, section):
            if key not in names:
                line, col = loaded.document.where((section, key), key=True)
                message = f"no scenario of this plan has a {what} '{key}'{did_you_mean(key, names)}"
                problems.append(Problem(str(path), line, col, f"{section}.{key}", message))
    if problems:
        raise ContentError(problems)
    _check_locale(sources, locale or plan.locale, str(path))
    triggers = _triggers(str(path), loaded, sources)
    return DrillContent(
        sources,
        [i.start for i in plan.incidents],
        plan=loaded,
        staffing=dict(plan.staffing),
        locale=locale or plan.locale,
        triggers=triggers,
        personas={i: None for i, s in enumerate(sources) if s.model.roleplay_only},
    )


def script_problems(script: Loaded[Script], scenarios: list[Scenario]) -> list[Problem]:
    """What a decision script names that the drill's scenarios do not have, located in the script."""
    path, doc, model = script.path, script.document, script.model
    problems: list[Problem] = []

    def add(where: tuple[str | int, ...], message: str) -> None:
        line, col = doc.where(where)
        problems.append(Problem(path, line, col, ".".join(str(p) for p in where), message))

    if model.scenario and len(scenarios) == 1 and model.scenario not in (scenarios[0].id, base_id(scenarios[0].id)):
        add(("scenario",), f"the script is for '{model.scenario}', not '{scenarios[0].id}'")
    for index, decision in enumerate(model.decisions):
        base: tuple[str | int, ...] = ("decisions", index)
        if decision.incident >= len(scenarios):
            add((*base, "incident"), f"there is no incident {decision.incident} in this drill")
            continue
        scenario = scenarios[decision.incident]
        action = scenario.actions.get(decision.action)
        if action is None:
            add(
                (*base, "action"),
                f"unknown action '{decision.action}'{did_you_mean(decision.action, scenario.actions)}",
            )
        elif action.role != decision.role:
            add((*base, "role"), f"'{decision.action}' is done by '{action.role}', not '{decision.role}'")
        for where, message in decision_problems(scenario, decision):
            add((*base, *where), message)
    return problems


def programme_problems(programme: Loaded[Programme]) -> list[Problem]:
    """The drills a training programme names that are neither a shipped nor a nearby scenario or plan."""
    path, doc = programme.path, programme.document
    problems: list[Problem] = []
    for rid, requirement in programme.model.requirements.items():
        for index, name in enumerate(requirement.drills):
            try:
                find(name, near=Path(path).parent)
            except ContentError:
                where = ("requirements", rid, "drills", index)
                line, col = doc.where(where)
                message = f"no scenario or plan {name!r} (neither shipped nor beside the programme)"
                problems.append(Problem(path, line, col, ".".join(str(p) for p in where), message))
    return problems


def incident_names(plan: Plan) -> list[str]:
    """The name each incident of a plan is referred to by (its ``name``, else its scenario id)."""
    return [i.name or Path(i.scenario).stem.replace("-", "_") for i in plan.incidents]


def _triggers(path: str, loaded: Loaded[Plan], sources: list[Loaded[Scenario]]) -> dict[int, tuple[int, str]]:
    """Resolve each incident's ``after`` trigger; refuse unknown names, bad conditions and cycles."""
    plan = loaded.model
    names = incident_names(plan)
    problems: list[Problem] = []
    triggers: dict[int, tuple[int, str]] = {}
    for index, incident in enumerate(plan.incidents):
        if names.count(names[index]) > 1:
            line, col = loaded.document.where(("incidents", index), key=True)
            problems.append(
                Problem(
                    path,
                    line,
                    col,
                    f"incidents.{index}",
                    f"two incidents are named '{names[index]}'; give each a distinct 'name'",
                )
            )
        if incident.after is None:
            continue
        base = ("incidents", index, "after")
        if incident.after.incident not in names or names.index(incident.after.incident) == index:
            line, col = loaded.document.where((*base, "incident"))
            others = [n for i, n in enumerate(names) if i != index]
            wanted = incident.after.incident
            message = f"unknown incident '{wanted}'{did_you_mean(wanted, others)}; incidents: {', '.join(others)}"
            problems.append(Problem(path, line, col, f"incidents.{index}.after.incident", message))
            continue
        source = names.index(incident.after.incident)
        try:
            compile_expression(incident.after.when, names_of(sources[source].model), want="bool")
        except ExpressionError as exc:
            line, col = loaded.document.where((*base, "when"))
            problems.append(Problem(path, line, col, f"incidents.{index}.after.when", str(exc)))
            continue
        triggers[index] = (source, incident.after.when)
    for index in triggers:
        seen, probe = {index}, index
        while probe in triggers:
            probe = triggers[probe][0]
            if probe in seen:
                line, col = loaded.document.where(("incidents", index, "after"))
                problems.append(
                    Problem(
                        path,
                        line,
                        col,
                        f"incidents.{index}.after",
                        "incidents wait for each other in a circle; one must start on its own",
                    )
                )
                break
            seen.add(probe)
    if problems:
        raise ContentError(problems)
    return triggers
