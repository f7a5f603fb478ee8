"""A drill set-up: what runs (from :func:`engine.format.load_drill`), compiled and ready to start.

Everything that builds a drill from a scenario or a plan goes through :func:`prepare` and
:meth:`Setup.drill`, so the CLI, the console, replay and Monte Carlo all get the same drill from the
same inputs. Compiled scenarios are cached per content digest (and persona), so building many drills
of one set-up costs one compile.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from engine.format import (
    Evaluator,
    Loaded,
    Plan,
    Scenario,
    compile_expression,
    expand,
    load_drill,
    persona_for,
    roleplay_id,
)
from engine.runtime.compile import CompiledScenario, compiled
from engine.runtime.run import Drill


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
    _triggers: dict[tuple[int, str], tuple[CompiledScenario, Evaluator]] = field(
        default_factory=dict, repr=False, compare=False
    )

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

    def drill(self, *, seed: int, mode: str, keep: bool = True, quiet_steps: bool = False) -> Drill:
        """A fresh, unstarted drill (``keep`` and ``quiet_steps`` as :class:`Drill` has them)."""
        scenarios = self.scenarios(seed)
        triggers = {
            index: (source, self._trigger(scenarios[source], when)) for index, (source, when) in self.triggers.items()
        }
        return Drill(
            list(zip(scenarios, self.starts, strict=True)),
            seed=seed,
            mode=mode,
            staffing=self.staffing,
            keep=keep,
            triggers=triggers,
            quiet_steps=quiet_steps,
        )

    def _trigger(self, scenario: CompiledScenario, when: str) -> Evaluator:
        """A trigger's condition, compiled once per scenario (not once per drill of a sweep)."""
        key = (id(scenario), when)
        found = self._triggers.get(key)
        if found is None or found[0] is not scenario:
            found = self._triggers[key] = (scenario, compile_expression(when, scenario.names, want="bool").run)
        return found[1]

    def titles(self) -> dict[str, str]:
        """The drill's name in each language (``zh``, ``en``): the plan's, else its scenarios' joined."""
        texts = [self.plan.model.title] if self.plan else [source.model.title for source in self.sources]
        return {lang: " + ".join(t.get(lang) for t in texts) for lang in ("zh", "en")}

    def pool_labels(self) -> dict[str, dict[str, str]]:
        """Each staff pool's name in each language, from the first scenario that declares it."""
        found: dict[str, dict[str, str]] = {}
        for source in self.sources:
            for pool, spec in source.model.staff.items():
                if pool not in found:
                    found[pool] = {lang: (spec.label.get(lang) if spec.label else "") or pool for lang in ("zh", "en")}
        return found

    @property
    def title_id(self) -> str:
        """The id a record is filed under: the plan's, or the lone scenario's (its role-play's)."""
        if self.plan:
            return self.plan.model.id
        scenario_id = self.sources[0].model.id
        return roleplay_id(scenario_id) if 0 in self.personas else scenario_id


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
    content = load_drill(name, locale=locale, persona=persona, roleplay=roleplay)
    return Setup(
        content.sources,
        content.starts,
        plan=content.plan,
        staffing=content.staffing,
        locale=content.locale,
        triggers=content.triggers,
        personas=content.personas,
    )
