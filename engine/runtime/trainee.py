"""The good trainee: a player that does what a scenario's correct sequence does, reacting to the drill.

A what-if forks a record at a decision and has to play the rest of the drill somehow. Replaying the
team's later decisions would carry their mistakes into every alternative; a fixed timetable would
make decisions the forked situation no longer calls for (the passengers are out, the contractor is
late). So the rest is played by a *good trainee*: the scenario's correct script
(``scenarios/scripts/<id>.correct.yaml``, or ``<id>.roleplay.yaml`` for a role-play), read as
intentions rather than a timetable. Each intention is made at the first moment when

- its minute has come (``t``, counted from its incident's start: the earliest it is made),
- what it waits for holds (the script's ``when`` and ``after``),
- the action is on offer (its state, its condition, not already started), and
- deciding it would break no rule (a good trainee never does what strict mode would refuse).

An intention whose action has already started (the team did it before the fork, or an outside
party did) is dropped. A scenario without a correct script falls back on its rubric: each critical
task's first action, as soon as it is on offer and breaks no rule.

A what-if changes one decision and keeps the rest good; :class:`Never` and :class:`At` say how:
an action the trainee must never take, or must take at exactly a given minute whatever the
situation (the team's own choice, kept as it was). Like every driver, the player only calls the
drill's public API, so what it plays is what the console would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import ContentError, Problem
from engine.format import (
    ActionBegun,
    ActionDone,
    AnyEvent,
    Decision,
    DecisionMade,
    IncidentEnded,
    IncidentStarted,
    InjectDelivered,
    StateChanged,
    ValuesChanged,
    VariableStepped,
    compile_expression,
    load_script,
)
from engine.format.expressions import ACTIONS, NOW, STATE, Compiled
from engine.format.model import After
from engine.paths import library_dirs
from engine.runtime.drive import REACTION, Advance
from engine.runtime.run import Drill, Incident, Submission

if TYPE_CHECKING:
    from engine.runtime.compile import CAction, CompiledScenario
    from engine.runtime.setup import Setup

SOURCE = "trainee"
"""What the good trainee's decisions name as their source."""


@dataclass(frozen=True, slots=True)
class Intention:
    """One thing the good trainee means to do.

    Attributes:
        incident: Index of the incident in the drill.
        role: Who decides.
        action: The action's id.
        t: The earliest minute, counted from the incident's start.
        when: A condition that must hold first (the script's ``when``).
        after: An inject or a finished action it waits for (the script's ``after``).
        note: The script's rationale, kept in the decision log.
    """

    incident: int
    role: str
    action: str
    t: float = 0.0
    when: str | None = None
    after: After | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Never:
    """Never take ``action`` in ``incident`` (a decision left out)."""

    incident: int
    action: str


@dataclass(frozen=True, slots=True)
class At:
    """Decide ``action`` at exactly sim minute ``t`` (absolute), whatever the situation then.

    The team's own choice kept as it was: it is made even if it breaks a rule or is not on offer
    (then the drill records that, as it did for the team). A minute already past means at once.
    """

    incident: int
    role: str
    action: str
    t: float
    source: str | None = None
    """What the decision names as its source (default: the player's)."""


Override = Never | At
"""How one alternative differs from the good trainee's own play."""


@dataclass(frozen=True)
class GoodTrainee:
    """The good-trainee behaviour of every incident of a drill.

    Attributes:
        intentions: In the order they are considered (script order: by minute, then file order).
        origins: Per incident, where its intentions come from: the script's path, ``rubric`` or
            ``none``.
    """

    intentions: tuple[Intention, ...]
    origins: tuple[str, ...]

    def intention(self, incident: int, action: str) -> Intention | None:
        """The intention to take ``action`` in ``incident``, if the good trainee has one."""
        return next((i for i in self.intentions if i.incident == incident and i.action == action), None)


def script_for(
    scenario_path: str, scenario_id: str, *, roleplay: bool = False, near: Sequence[Path] = ()
) -> Path | None:
    """The good-trainee script of a scenario: ``scripts/<id>.correct.yaml`` beside it, if any.

    A scenario read from a record (its path names the record, ``RECORD#file``) has no folder of
    its own: its script is looked for in ``near`` (e.g. the folder the record's header names),
    then in the shipped library. A scenario file of one's own is played by the script beside it
    (or in ``near``) only: a shipped script of the same id may not fit an edited copy. A script's
    decisions for actions the scenario no longer has are left out by :func:`good_trainee`.
    """
    name = f"{scenario_id}.roleplay.yaml" if roleplay else f"{scenario_id}.correct.yaml"
    own = Path(scenario_path)
    folders = [own.parent, *near] if own.is_file() else [*near, *library_dirs()]
    for folder in folders:
        candidate = folder / "scripts" / name
        if candidate.is_file():
            return candidate
    return None


def good_trainee(
    setup: Setup, scripts: dict[int, Sequence[Decision]] | None = None, *, near: Sequence[Path] = ()
) -> GoodTrainee:
    """The good trainee for a drill set-up, from each scenario's correct script or else its rubric.

    Args:
        setup: What the drill runs.
        scripts: Decisions to use for some incidents instead of the scripts found beside their
            scenarios (their ``incident`` field is ignored: each list is for the incident it is keyed by).
        near: Folders to look in for the scripts of scenarios read from a record (:func:`script_for`).

    Raises:
        ContentError: A script beside a scenario cannot be loaded.
    """
    intentions: list[Intention] = []
    origins: list[str] = []
    for index, source in enumerate(setup.sources):
        model = source.model
        decisions: Sequence[Decision] | None = (scripts or {}).get(index)
        origin = "given"
        if decisions is None:
            path = script_for(source.path, model.id, roleplay=index in setup.personas, near=near)
            if path is not None:
                script = load_script(path).model
                if script.scenario not in (None, model.id):
                    message = f"this script is for '{script.scenario}', not '{model.id}'"
                    raise ContentError([Problem(str(path), 0, 0, "scenario", message)])
                decisions = script.decisions
                origin = str(path)
        if decisions is not None:
            ordered = sorted(enumerate(decisions), key=lambda item: (item[1].t, item[0]))
            intentions += [
                Intention(index, d.role, d.action, d.t, d.when, d.after, d.note)
                for _, d in ordered
                if d.action in model.actions or index in setup.personas
            ]
            origins.append(origin)
        elif model.rubric is not None:
            seen: set[str] = set()
            for objective in model.rubric.objectives.values():
                for task in objective.tasks.values():
                    action = task.actions[0]
                    if action not in seen:
                        seen.add(action)
                        intentions.append(Intention(index, model.actions[action].role, action))
            origins.append("rubric")
        else:
            origins.append("none")
    return GoodTrainee(tuple(intentions), tuple(origins))


_CONDITIONS: dict[tuple[str, str, str | None, str], Compiled] = {}


def _condition(sc: CompiledScenario, text: str) -> Compiled:
    """A script's ``when``, compiled once per scenario version (a what-if plays thousands of drills)."""
    key = (sc.model.id, sc.digest, sc.locale, text)
    found = _CONDITIONS.get(key)
    if found is None:
        found = _CONDITIONS[key] = compile_expression(text, sc.names, want="bool")
    return found


_READS: dict[tuple[str, str, str | None, str, str | None, bool], frozenset[str]] = {}

DELIVERED = "@delivered"
"""Pseudo-name of a change: an inject was delivered (what ``after: {inject: ...}`` waits for)."""


def _reads(sc: CompiledScenario, act: CAction, when: Compiled | None, inject: str | None) -> frozenset[str]:
    """Every name whose change can make an intention ready: what its wait reads, what the action's
    offer reads, what the rules it could break read (its forbidden conditions, and for property or
    paperwork the hazards), the state, and the actions started or done (stages, requirements)."""
    key = (sc.model.id, sc.digest, sc.locale, act.id, None if when is None else when.source, inject is not None)
    found = _READS.get(key)
    if found is None:
        names = {STATE, ACTIONS, *act.reads, *(when.reads if when else ())}
        for rule in act.forbidden:
            names |= rule.reads
        if act.life in ("property", "admin"):
            for hazard in sc.hazards:
                names |= hazard.reads
        if inject is not None:
            names.add(DELIVERED)
        found = _READS[key] = frozenset(names)
    return found


def offered(inc: Incident, act: CAction) -> bool:
    """Whether ``act`` may be decided in ``inc`` now (the drill's own test, less the role)."""
    if inc.ended or not inc.live:
        return False
    if act.states is not None and inc.state not in act.states:
        return False
    if not act.repeatable and act.id in inc.started:
        return False
    return act.when is None or bool(act.when(inc))


RUN_ON = 60.0
"""Sim minutes the player lets a drill run at a time while every intention left waits for a change."""


class _Slot:
    """An intention bound to one drill: its incident, action and compiled wait, looked up once.

    ``known`` says the intention was found not ready with its minute already come, and nothing it
    reads has changed since: it is not ready now either (see :meth:`Player.decide_now`).
    """

    __slots__ = ("act", "clocked", "done", "inc", "inject", "intention", "known", "reads", "when")

    def __init__(self, drill: Drill, intention: Intention) -> None:
        self.intention = intention
        self.inc = inc = drill.incidents[intention.incident]
        self.act = inc.sc.actions[intention.action]
        compiled = None if intention.when is None else _condition(inc.sc, intention.when)
        self.when = None if compiled is None else compiled.run
        after = intention.after
        self.inject = None if after is None else after.inject
        self.done = None if after is None else after.done
        self.reads = _reads(inc.sc, self.act, compiled, self.inject)
        self.clocked = NOW in self.reads
        self.known = False


class Player:
    """Plays a good trainee on one drill, from wherever the drill stands.

    Args:
        drill: A started drill (fresh, or forked from a record).
        trainee: What to do.
        overrides: Actions never to take, or to take at a set minute.
        source: What the decisions name as their source.
    """

    def __init__(
        self, drill: Drill, trainee: GoodTrainee, overrides: Iterable[Override] = (), *, source: str = SOURCE
    ) -> None:
        self.drill = drill
        self.source = source
        overrides = list(overrides)
        skipped = {(o.incident, o.action) for o in overrides}
        self.fixed = sorted((o for o in overrides if isinstance(o, At)), key=lambda o: o.t)
        count = len(drill.incidents)
        self.pending = [
            _Slot(drill, i)
            for i in trainee.intentions
            if (i.incident, i.action) not in skipped
            and i.incident < count
            and i.action in drill.incidents[i.incident].sc.actions
        ]
        # What changed since the intentions were last looked at, from the drill's own events (a
        # drill that leaves its variable steps unmade cannot say, so then everything is looked at).
        self.changed: set[str] = set()
        self.tracking = not drill.quiet_steps
        self.watched: frozenset[str] = frozenset()
        """What the intentions found not ready read (set by :meth:`next_moment`): a change to it stops a run."""
        self.armed = False
        self.stopped: float | None = None
        if self.tracking:
            drill.subscribe(self._note)

    def _note(self, event: AnyEvent) -> None:
        changed = self.changed
        if isinstance(event, VariableStepped):
            changed.add(event.var)
        elif isinstance(event, ValuesChanged):
            changed.update(event.changes)
        elif isinstance(event, ActionDone):
            changed.update(event.changes)
            changed.add(ACTIONS)
        elif isinstance(event, InjectDelivered):
            changed.update(event.changes)
            changed.add(DELIVERED)
        elif isinstance(event, StateChanged):
            changed.add(STATE)
        elif isinstance(event, DecisionMade | ActionBegun):
            changed.add(ACTIONS)
        elif isinstance(event, IncidentStarted | IncidentEnded):
            for slot in self.pending:
                slot.known = False
            self._stop()
            return
        if self.armed and not changed.isdisjoint(self.watched):
            self._stop()

    def _stop(self) -> None:
        """Something an intention reads changed: end the current advance after this instant."""
        if self.armed:
            self.armed = False
            self.stopped = self.drill.env.now
            self.drill.env.stop()

    def ready(self, intention: Intention) -> bool:
        """Whether the trainee would decide ``intention`` now; see the module docstring."""
        return self._ready(_Slot(self.drill, intention), self.drill.env.now)

    def _ready(self, slot: _Slot, now: float) -> bool:
        inc = slot.inc
        if not inc.live or inc.ended or now < inc.start_at + slot.intention.t:
            return False
        # From here on only the situation can make it ready: note that it is not, until it changes.
        slot.known = self.tracking and not slot.clocked
        if slot.when is not None and not slot.when(inc):
            return False
        if slot.inject is not None and slot.inject not in inc.delivered:
            return False
        if slot.done is not None and slot.done not in inc.done:
            return False
        if offered(inc, slot.act) and not self.drill.breaches(inc.index, slot.act.id):
            slot.known = False
            return True
        return False

    def decide_now(self) -> None:
        """Make every decision due now: the set ones, then each ready intention, in order."""
        drill = self.drill
        now = drill.env.now
        while self.fixed and self.fixed[0].t <= now and not drill.finished:
            o = self.fixed.pop(0)
            if not drill.incidents[o.incident].ended:
                drill.submit(Submission(o.role, o.action, o.incident, o.source or self.source))
        pending = self.pending
        changed = self.changed
        n = 0
        while n < len(pending) and not drill.finished:
            slot = pending[n]
            inc, act = slot.inc, slot.act
            if slot.known and changed.isdisjoint(slot.reads):
                n += 1  # found not ready, and nothing it reads has changed since: still not ready
            elif inc.ended or (not act.repeatable and act.id in inc.started):
                del pending[n]  # done with: its incident ended, or its action started (by anyone)
            elif self._ready(slot, now):
                del pending[n]
                i = slot.intention
                drill.submit(Submission(i.role, i.action, i.incident, self.source, i.note))
                n = 0  # a decision can open the way for one before it: look again from the first
            else:
                n += 1
        changed.clear()  # every intention left has been looked at since the last change

    def next_moment(self) -> float | None:
        """When something may next be due: a set decision, an intention's minute, or just after the
        next event (when an intention waits for the situation); None when nothing is left to do."""
        drill = self.drill
        now = drill.env.now
        soonest = self.fixed[0].t if self.fixed else None
        waiting = False
        watched: set[str] = set()
        for slot in self.pending:
            inc = slot.inc
            at = inc.start_at + slot.intention.t
            if inc.live and at > now:
                if soonest is None or at < soonest:
                    soonest = at
            elif slot.known:
                watched |= slot.reads  # waits for a change of what it reads: play() stops for one
            else:
                waiting = True
        self.watched = frozenset(watched)
        if waiting:
            upcoming = drill.next_event_time()
            if upcoming is not None:
                after = max(upcoming, now) + REACTION
                if soonest is None or after < soonest:
                    soonest = after
        return soonest

    def play(self, advance: Advance | None = None) -> None:
        """Play until nothing is left to decide, then let the drill finish.

        Intentions found not ready are looked at again just after whatever they read changes, as
        a waiting script decision is (:data:`~engine.runtime.drive.REACTION` after the event). The
        drill is not stepped event by event for them: it runs on, and the events tell the player
        when something they read changed; the player then stops the run after that instant and
        looks a moment later. Events that change nothing they read (most variable steps) cost the
        player nothing. With a pacer (``advance``) the run cannot be stopped early, so then it steps.

        Args:
            advance: Moves the drill to a minute (a pacer's ``advance_to``); the drill's own by default.
        """
        drill = self.drill
        step = advance or drill.advance_to
        stoppable = advance is None and self.tracking
        if not stoppable:
            for slot in self.pending:
                slot.clocked = True  # never known: stepped event by event, as a script would be
        while not drill.finished:
            self.decide_now()
            if drill.finished:
                break
            moment = self.next_moment()
            if moment is None:
                if not (stoppable and self.pending):
                    break
                moment = drill.env.now + RUN_ON  # only known intentions are left: run on until one may be due
            self.stopped = None
            self.armed = stoppable and bool(self.watched)
            step(moment)
            self.armed = False
            if self.stopped is not None and not drill.finished:
                step(self.stopped + REACTION)
        drill.run_to_end()


def play_good(drill: Drill, trainee: GoodTrainee, overrides: Iterable[Override] = (), *, source: str = SOURCE) -> None:
    """Play ``trainee`` on ``drill`` from where it stands to the end; see :class:`Player`."""
    Player(drill, trainee, overrides, source=source).play()
