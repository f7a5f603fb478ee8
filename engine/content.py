"""Finding content and turning it into a ready drill.

One function answers "where is scenario X?": an explicit path first, then the folder of the file
that refers to it, then the shipped library (the repository's ``scenarios/`` and ``drills/`` in a
checkout, or the copy installed inside the ``engine`` package by a wheel). Everything that builds a
drill from a scenario or a plan goes through :func:`build`, so the CLI, the console, replay and
Monte Carlo all get the same drill from the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from engine.checks import names_of
from engine.compile import CompiledScenario, compiled
from engine.dialogue import base_id, expand, persona_for, roleplay_id
from engine.errors import ContentError, ExpressionError, Problem
from engine.expressions import compile_expression, did_you_mean
from engine.loader import Loaded, load, load_scenario
from engine.model import Plan, Scenario, Script
from engine.paths import library_dirs
from engine.run import Drill


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
class Setup:
    """Everything needed to start a drill, and to write a record header that reproduces it."""

    sources: list[Loaded[Scenario]]
    starts: list[float]
    plan: Loaded[Plan] | None = None
    staffing: dict[str, int] = field(default_factory=dict)
    locale: str | None = None
    triggers: dict[int, tuple[int, str]] = field(default_factory=dict)
    """Incident index -> (index of the incident it waits for, condition over that incident)."""
    personas: dict[int, str | None] = field(default_factory=dict)
    """Incidents played as role-play (their scenario's dialogue), with the owner persona to meet
    (None: one chosen by the drill's seed)."""

    def for_seed(self, seed: int) -> Setup:
        """The same set-up with every role-play persona decided (a seed picks those left open)."""
        if all(p is not None for p in self.personas.values()):
            return self
        chosen: dict[int, str | None] = {}
        for index, persona in self.personas.items():
            dialogue = self.sources[index].model.dialogue
            assert dialogue is not None
            chosen[index] = persona if persona is not None else persona_for(dialogue, seed)
        return replace(self, personas=chosen)

    def scenarios(self, seed: int | None = None) -> list[CompiledScenario]:
        """Compiled scenarios (cached across drills); role-plays for the persona set or ``seed``'s."""
        setup = self if seed is None else self.for_seed(seed)
        found = []
        for index, source in enumerate(setup.sources):
            if index in setup.personas:
                dialogue = source.model.dialogue
                assert dialogue is not None
                persona = setup.personas[index] or persona_for(dialogue, 0)
                model = _roleplay(source.model, source.digest, persona)
                found.append(compiled(model, f"{source.digest}#{persona}", self.locale))
            else:
                found.append(compiled(source.model, source.digest, self.locale))
        return found

    def drill(self, *, seed: int, mode: str, keep: bool = True) -> Drill:
        """A fresh, unstarted drill."""
        scenarios = self.scenarios(seed)
        triggers = {
            index: (source, compile_expression(when, scenarios[source].names, want="bool").run)
            for index, (source, when) in self.triggers.items()
        }
        return Drill(
            list(zip(scenarios, self.starts, strict=True)),
            seed=seed,
            mode=mode,
            staffing=self.staffing,
            keep=keep,
            triggers=triggers,
        )

    @property
    def title_id(self) -> str:
        """The id a record is filed under: the plan's, or the lone scenario's (its role-play's)."""
        if self.plan:
            return self.plan.model.id
        scenario_id = self.sources[0].model.id
        return roleplay_id(scenario_id) if 0 in self.personas else scenario_id


def _check_locale(sources: list[Loaded[Scenario]], locale: str | None, where: str | None = None) -> None:
    """A locale must be one that some parameter of the drill's scenarios has values for."""
    if locale is None:
        return
    known = sorted({name for s in sources for p in s.model.parameters.values() for name in p.locales})
    if locale not in known:
        listed = ", ".join(known) if known else "none: its figures are the same everywhere"
        message = f"unknown locale '{locale}'{did_you_mean(locale, known)}; known: {listed}"
        raise ContentError([Problem(where or sources[0].path, 0, 0, "", message)])


_ROLEPLAYS: dict[tuple[str, str], Scenario] = {}


def _roleplay(model: Scenario, digest: str, persona: str) -> Scenario:
    """The expansion of a dialogue for one persona (cached by content digest: it builds a whole model)."""
    key = (digest, persona)
    found = _ROLEPLAYS.get(key)
    if found is None:
        found = _ROLEPLAYS[key] = expand(model, persona)
    return found


def prepare(name: str, *, locale: str | None = None, persona: str | None = None, roleplay: bool = False) -> Setup:
    """Load a scenario or a plan (with its scenarios) into a :class:`Setup`.

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
        return Setup([loaded], [0.0], locale=locale, personas={0: persona} if plays else {})
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
    return Setup(
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
