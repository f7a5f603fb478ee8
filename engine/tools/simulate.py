"""Monte Carlo over seeded drills: what a scenario does when many trainees (or a policy) play it.

Each run is a full drill with its own seed (``seed``, ``seed + 1``, ...) and a policy choosing the
decisions. Nothing of a run is kept but counts: outcomes, endings, a histogram of durations (in
tenths of a minute), a histogram of findings per run, which rules and kinds fired, which states
were visited and which actions were taken or refused, and which runs stalled (reached the time
limit). Memory therefore stays flat however many runs there are.

A sweep pays only for what it reads: its drills number their variable steps without making them
(``quiet_steps``; the step count is in the drill's sequence number), and the command line scores them
the score-only way (``scoring.scorecard.score_only``: the same figures as the full evaluation).

Every aggregate is an integer count, and merging two aggregates is exact and order-free, so the
result for a given seed range is identical whether it is computed in one process or split over
``jobs`` processes in chunks: the ``--jobs`` guarantee is by construction, not by luck.
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.format import (
    ActionBegun,
    AnyEvent,
    DecisionMade,
    Finding,
    IncidentEnded,
    IncidentStarted,
    StateChanged,
    incident_names,
)
from engine.runtime import Drill, Setup, play_random, prepare
from engine.tools.outcomes import SCORED

POLICIES = ("random", "idle")
"""``random`` picks uniformly among the actions offered at random times; ``idle`` decides nothing."""

STALLED_KEPT = 10
"""How many stalled seeds are listed (the smallest ones)."""


@dataclass
class Aggregate:
    """Counts over runs; see the module docstring."""

    runs: int = 0
    events: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    endings: Counter[str] = field(default_factory=Counter)
    durations: Counter[int] = field(default_factory=Counter)
    findings_per_run: Counter[int] = field(default_factory=Counter)
    finding_kinds: Counter[str] = field(default_factory=Counter)
    runs_with_rule: Counter[str] = field(default_factory=Counter)
    states: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    stalled: int = 0
    stalled_seeds: list[int] = field(default_factory=list)
    scores: Counter[int] = field(default_factory=Counter)
    ratings: Counter[str] = field(default_factory=Counter)
    passed: int = 0

    def merge(self, other: Aggregate) -> None:
        """Add ``other``'s counts to these."""
        self.runs += other.runs
        self.events += other.events
        for name in ("outcomes", "endings", "durations", "findings_per_run", "finding_kinds", "runs_with_rule"):
            getattr(self, name).update(getattr(other, name))
        for name in ("states", "actions", "refused"):
            getattr(self, name).update(getattr(other, name))
        self.scores.update(other.scores)
        self.ratings.update(other.ratings)
        self.passed += other.passed
        self.stalled += other.stalled
        self.stalled_seeds = sorted(self.stalled_seeds + other.stalled_seeds)[:STALLED_KEPT]


class _Run:
    """Listens to one drill and keeps only what the aggregate needs."""

    __slots__ = ("actions", "ends", "findings", "keep", "kept", "kinds", "refused", "rules", "states")

    def __init__(self, keep: bool = False) -> None:
        self.keep = keep
        self.kept: list[AnyEvent] = []
        self.findings = 0
        self.kinds: set[str] = set()
        self.rules: set[str] = set()
        self.states: set[str] = set()
        self.actions: set[str] = set()
        self.refused: set[str] = set()
        self.ends: list[tuple[int, str | None, str]] = []

    def __call__(self, event: AnyEvent) -> None:
        kind = type(event)
        if self.keep and kind in SCORED:
            self.kept.append(event)
        # Most events (variables stepping, timers, actions done) count and nothing more: one
        # dictionary look-up sends the few that matter on, rather than a match over every kind.
        note = _NOTES.get(kind)
        if note is not None:
            note(self, event)

    def _finding(self, event: Finding) -> None:
        self.findings += 1
        self.rules.add(event.rule)
        self.kinds.add(f"{event.rule}/{event.kind}")

    def _state(self, event: StateChanged) -> None:
        self.states.add(f"{event.incident}:{event.to}")

    def _start(self, event: IncidentStarted) -> None:
        self.states.add(f"{event.incident}:{event.state}")

    def _decision(self, event: DecisionMade) -> None:
        if event.status == "accepted":
            self.actions.add(f"{event.incident}:{event.action}")
        elif event.status == "refused":
            self.refused.add(f"{event.incident}:{event.action}")

    def _begun(self, event: ActionBegun) -> None:
        # An outside party's automatic action has no decision; that it began is what counts.
        self.actions.add(f"{event.incident}:{event.action}")

    def _end(self, event: IncidentEnded) -> None:
        self.ends.append((event.incident, event.ending, event.outcome))


_NOTES: dict[type, Callable[[_Run, Any], None]] = {
    Finding: _Run._finding,
    StateChanged: _Run._state,
    IncidentStarted: _Run._start,
    DecisionMade: _Run._decision,
    ActionBegun: _Run._begun,
    IncidentEnded: _Run._end,
}
"""The event kinds a run notes something of, and what it notes."""


Scorer = Callable[[list[AnyEvent], list[Any]], dict[str, Any]]
"""Gives ``score``, ``rating`` and ``passed`` from a run's events and its compiled scenarios."""


def run_seeds(setup: Setup, seeds: range, policy: str, mode: str, scorer: Scorer | None = None) -> Aggregate:
    """Play one drill per seed and aggregate them."""
    total = Aggregate()
    for seed in seeds:
        scenarios = setup.scenarios(seed)  # a role-play meets the persona its seed picks
        # Nothing here reads a variable step: they are numbered (and counted) but not made.
        drill = setup.drill(seed=seed, mode=mode, keep=False, quiet_steps=True)
        run = _Run(keep=scorer is not None)
        drill.subscribe(run)
        drill.start()
        _play(drill, seed, policy)
        total.runs += 1
        total.events += drill.seq
        total.outcomes[drill.outcome or "timeout"] += 1
        total.durations[round(drill.now * 10)] += 1
        total.findings_per_run[run.findings] += 1
        total.finding_kinds.update(run.kinds)
        total.runs_with_rule.update(run.rules)
        total.states.update(run.states)
        total.actions.update(run.actions)
        total.refused.update(run.refused)
        for index, ending, outcome in run.ends:
            total.endings[f"{index}:{ending or outcome}"] += 1
        if scorer is not None:
            scored = scorer(run.kept, scenarios)
            total.scores[round(scored["score"])] += 1
            total.ratings[scored["rating"]] += 1
            total.passed += bool(scored["passed"])
        if any(outcome == "timeout" for _, _, outcome in run.ends):
            total.stalled += 1
            if len(total.stalled_seeds) < STALLED_KEPT:
                total.stalled_seeds.append(seed)
    return total


def _play(drill: Drill, seed: int, policy: str) -> None:
    if policy == "random":
        play_random(drill, seed)
    else:
        drill.run_to_end()


# Parallel runs --------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(
    name: str,
    locale: str | None,
    policy: str,
    mode: str,
    scorer: Scorer | None,
    persona: str | None = None,
    roleplay: bool = False,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
    _WORKER.update(
        setup=prepare(name, locale=locale, persona=persona, roleplay=roleplay), policy=policy, mode=mode, scorer=scorer
    )


def _work(chunk: tuple[int, int]) -> Aggregate:
    return run_seeds(_WORKER["setup"], range(*chunk), _WORKER["policy"], _WORKER["mode"], _WORKER["scorer"])


def _chunks(first: int, runs: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(first, first + runs, size):
        yield start, min(start + size, first + runs)


def simulate(
    name: str,
    *,
    runs: int,
    seed: int = 1,
    policy: str = "random",
    mode: str = "observe",
    jobs: int = 1,
    locale: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    scorer: Scorer | None = None,
    persona: str | None = None,
    roleplay: bool = False,
) -> Aggregate:
    """Run ``runs`` drills of a scenario or plan, seeds ``seed`` .. ``seed + runs - 1``.

    Args:
        name: Scenario or plan (path or shipped id).
        runs: Number of drills.
        seed: First seed.
        policy: One of :data:`POLICIES`.
        mode: ``strict`` or ``observe``.
        jobs: Worker processes (1: run here).
        locale: Per-locale parameter values.
        progress: Called with (runs done, runs in all) as chunks complete.
        scorer: Scores each run (a module-level function, so worker processes can use it).
        persona: Play the scenario's role-play against this owner persona.
        roleplay: Play its role-play, each run meeting the persona its seed picks.

    Raises:
        ContentError: The scenario or plan cannot be loaded.
    """
    setup = prepare(name, locale=locale, persona=persona, roleplay=roleplay)  # errors surface before any fork
    size = max(50, min(2000, runs // (jobs * 16) if jobs > 1 else 500))
    chunks = list(_chunks(seed, runs, size))
    total = Aggregate()
    if jobs <= 1:
        for chunk in chunks:
            total.merge(run_seeds(setup, range(*chunk), policy, mode, scorer))
            if progress:
                progress(total.runs, runs)
        return total
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(
        jobs, initializer=_init_worker, initargs=(name, locale, policy, mode, scorer, persona, roleplay)
    ) as pool:
        for part in pool.imap_unordered(_work, chunks):
            total.merge(part)
            if progress:
                progress(total.runs, runs)
    return total


# Reporting ------------------------------------------------------------------------------------


def percentiles(histogram: Counter[int], scale: float = 1.0) -> dict[str, float]:
    """min, p50, p90, p99 and max of a histogram of integer keys (divided by ``scale``)."""
    total = sum(histogram.values())
    if not total:
        return {}
    keys = sorted(histogram)
    out = {"min": keys[0] / scale, "max": keys[-1] / scale}
    for label, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99)):
        rank, seen = q * total, 0
        for key in keys:
            seen += histogram[key]
            if seen >= rank:
                out[label] = key / scale
                break
    return out


def report(aggregate: Aggregate, setup: Setup, *, seconds: float | None = None) -> dict[str, Any]:
    """The simulation result as plain data (the ``--json`` output).

    States, endings and actions are named ``incident.id``: the scenario id for a lone scenario,
    the plan's incident names for a plan.
    """
    names = incident_names(setup.plan.model) if setup.plan else [setup.sources[0].model.id]
    models = [sc.model for sc in setup.scenarios()]  # a role-play's turns and replies, whatever the persona
    states_all = [f"{i}:{s}" for i, m in enumerate(models) for s in (*m.states, *m.endings)]
    actions_all = [f"{i}:{a}" for i, m in enumerate(models) for a in m.actions]

    def named(key: str) -> str:
        index, _, rest = key.partition(":")
        return f"{names[int(index)]}.{rest}"

    runs = aggregate.runs or 1
    result: dict[str, Any] = {
        "scenario": setup.title_id,
        "runs": aggregate.runs,
        "events": aggregate.events,
        "outcomes": {k: {"runs": v, "share": round(v / runs, 4)} for k, v in sorted(aggregate.outcomes.items())},
        "endings": {named(k): v for k, v in sorted(aggregate.endings.items())},
        "sim_minutes": percentiles(aggregate.durations, 10.0),
        "findings_per_run": percentiles(aggregate.findings_per_run),
        "runs_with_finding": {k: v for k, v in sorted(aggregate.runs_with_rule.items())},
        "finding_kinds": {k: v for k, v in sorted(aggregate.finding_kinds.items())},
        "coverage": {
            "states": f"{sum(1 for s in states_all if aggregate.states[s])}/{len(states_all)}",
            "actions": f"{sum(1 for a in actions_all if aggregate.actions[a])}/{len(actions_all)}",
            "states_never_visited": [named(s) for s in states_all if not aggregate.states[s]],
            "actions_never_taken": [named(a) for a in actions_all if not aggregate.actions[a]],
        },
        "stalled": {"runs": aggregate.stalled, "first_seeds": aggregate.stalled_seeds},
    }
    if aggregate.scores:
        result["score"] = percentiles(aggregate.scores)
        result["ratings"] = dict(sorted(aggregate.ratings.items()))
        result["passed"] = {"runs": aggregate.passed, "share": round(aggregate.passed / runs, 4)}
    if seconds is not None:
        result["seconds"] = round(seconds, 2)
        result["runs_per_second"] = round(aggregate.runs / seconds, 1) if seconds else None
    return result


def labels(setup: Setup, lang: str) -> dict[str, str]:
    """What a person reads for each name the result uses: ``incident.state``, ``incident.action`` and the
    drill's id -> its label or title in ``lang`` (a role-play's replies by what the trainee says)."""
    names = incident_names(setup.plan.model) if setup.plan else [setup.sources[0].model.id]
    title = setup.plan.model.title if setup.plan else setup.sources[0].model.title
    found = {setup.title_id: title.get(lang)}
    for name, sc in zip(names, setup.scenarios(), strict=True):
        model = sc.model
        places = {sid: state.label for sid, state in model.states.items()}
        places |= {eid: ending.label for eid, ending in model.endings.items()}
        for sid, label in places.items():
            if label is not None:
                found[f"{name}.{sid}"] = label.get(lang)
        for aid, action in model.actions.items():
            found[f"{name}.{aid}"] = action.label.get(lang)
    return found


class ProgressBar:
    """A one-line progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.live = sys.stderr.isatty()

    def finish(self) -> None:
        """End the bar's line (after an interruption, so the next message starts on its own line)."""
        if self.live:
            sys.stderr.write("\n")
            sys.stderr.flush()

    def __call__(self, done: int, total: int) -> None:
        if not self.live:
            return
        width = 30
        filled = int(width * done / max(total, 1))
        rate = done / max(time.monotonic() - self.started, 1e-9)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} runs  {rate:,.0f} runs/s")
        sys.stderr.flush()
        if done >= total:
            sys.stderr.write("\n")
