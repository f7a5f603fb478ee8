"""What difference did each decision make: alternatives forked from a record, played on by a good trainee.

For every decision of a record, and every critical task the team never did, the analysis builds a
few *alternatives* and measures each against what the team did:

- ``on-time``: the decision at the moment the good trainee makes it (:mod:`engine.runtime.trainee`),
  when the team made it more than :data:`TOLERANCE` later, or before the good trainee would have;
- ``omitted``: the decision not made at all (what it was worth, for a good one);
- ``instead``: where the decision broke a rule (a finding it caused, or a refusal), the rule-abiding
  thing the good trainee would have had that role do at that moment;
- ``made``: a critical task the team never did, made when the good trainee would have.

Each alternative *forks* the record: every input before the fork is replayed on the record's seed
(the situation is exactly the team's), the randomness after it is seeded afresh, and the good
trainee plays the rest. Its *baseline* forks at the same point and plays the same way, except that
the decision in question is kept as the team made it (or, for a task, never made). Drill ``i`` of
both draws from the same post-fork seed, derived from (record seed, fork point, ``i``): common
random numbers, so the paired difference measures the decision rather than the dice, and its t
interval (:mod:`engine.tools.stats`) says how sure that is. The seed names the fork point rather
than the alternative so that every alternative at one point shares its baseline's dice.

Whether an alternative is better, worse or unclear is decided by the first of these that surely
changed (its interval leaves out zero): the share of drills ending in failure (people hurt), the
share ending badly at all (failure or stopped by the time limit), the score, then the key measures
(each something to keep low: how many surely fell, less how many surely rose). An alternative is
*proposed as good* only when it is better and breaks no rule (none of its own decisions, nor any of
the good trainee's after it, causes a finding or a refusal, in any drill). The ranking puts those
first, by the same criteria; then the alternatives that would have been worse (what the team's
good decisions were worth), the worst first; then the rest.

Which alternatives, forked where: :mod:`engine.tools.alternatives`; what each drill came to:
:mod:`engine.tools.outcomes`.

Runs are independent and seeded by their place, so the result is the same for any ``jobs``: work is
split by (alternative, seeds) over a process pool and put back in order. Facilitator inputs after a
fork (ratings, notes, fired injects, a halt) belong to the drill that happened and are left out.
Scoring lives above the engine, so the caller passes a scorer (``scoring.scorecard.score_only``).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import random
import signal
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from engine.format import DrillEnded
from engine.runtime import Record, Setup, open_verified, read, setup_from
from engine.runtime.record import apply_input
from engine.runtime.trainee import SOURCE, GoodTrainee, Player, good_trainee
from engine.tools import stats
from engine.tools.alternatives import ALTERNATIVE, TEAM, TOLERANCE, Alternative, Arm, Fork, plan
from engine.tools.outcomes import BAD, Collector, Measure, Run, Scorer, measures_of, summary

__all__ = [
    "ALTERNATIVE",
    "BAD",
    "FORMAT",
    "TEAM",
    "TOLERANCE",
    "Alternative",
    "Arm",
    "Fork",
    "analyse",
    "plan",
    "post_fork_seed",
    "run_arm",
]

FORMAT = "drillsim-whatif/1"
"""Name and version of the result's format (``drillsim whatif --json``)."""


# Running: one forked drill per (arm, seed) ------------------------------------------------------------


def post_fork_seed(seed: int, fork: Fork, i: int) -> int:
    """The seed of the randomness after ``fork`` in drill ``i`` (the same in every process)."""
    digest = hashlib.blake2b(f"{seed}|{fork.key}|{i}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def run_arm(
    record: Record,
    setup: Setup,
    trainee: GoodTrainee,
    arm: Arm,
    i: int,
    measures: Sequence[Measure],
    scorer: Scorer | None,
) -> Run:
    """Fork ``record`` at ``arm.fork``, reseed, and let the good trainee play it to the end."""
    header = record.header
    drill = setup.drill(seed=header.seed, mode=header.mode, keep=False)
    collector = Collector(measures, frozenset({SOURCE, ALTERNATIVE}))
    drill.subscribe(collector)
    drill.start()
    before = arm.fork.before
    for event in record.events:
        if before is not None and event.seq >= before:
            break
        if event.input:
            if drill.finished:
                break
            drill.advance_to(float(event.t))
            apply_input(drill, event)
    if not drill.finished:
        drill.advance_to(arm.fork.t)
        drill.rng = random.Random(post_fork_seed(header.seed, arm.fork, i))
        Player(drill, trainee, arm.overrides).play()
    scored = scorer(collector.kept, setup.scenarios(header.seed)) if scorer is not None else None
    return Run(
        outcome=drill.outcome or "timeout",
        score=None if scored is None else float(scored["score"]),
        rating=None if scored is None else str(scored["rating"]),
        passed=None if scored is None else bool(scored["passed"]),
        measures=collector.figures(),
        broke=collector.broke,
    )


_WORKER: dict[str, Any] = {}


def _init_worker(path: str, trainee: GoodTrainee, arms: list[Arm], scorer: Scorer | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle, once
    record = read(path)
    setup = setup_from(record)
    _WORKER.update(
        record=record,
        setup=setup,
        trainee=trainee,
        arms=arms,
        scorer=scorer,
        measures=measures_of(setup, record.header.seed),
    )


def _work(item: tuple[int, int, int]) -> tuple[int, int, list[Run]]:
    arm, first, last = item
    w = _WORKER
    runs = [
        run_arm(w["record"], w["setup"], w["trainee"], w["arms"][arm], i, w["measures"], w["scorer"])
        for i in range(first, last)
    ]
    return arm, first, runs


def _items(arms: int, seeds: int, size: int) -> list[tuple[int, int, int]]:
    return [(a, lo, min(lo + size, seeds)) for a in range(arms) for lo in range(0, seeds, size)]


# The analysis ----------------------------------------------------------------------------------------


def analyse(
    path: str | Path,
    *,
    seeds: int = 200,
    jobs: int = 1,
    scorer: Scorer | None = None,
    trainee: GoodTrainee | None = None,
    progress: Callable[[int, int], None] | None = None,
    alternatives: Sequence[Alternative] | None = None,
    unverified: bool = False,
) -> dict[str, Any]:
    """The what-if analysis of a record, as plain data (the ``--json`` output).

    Args:
        path: The record.
        seeds: Drills per alternative (and per baseline).
        jobs: Worker processes (1: run here). The result is the same for any number.
        scorer: Scores each drill (a module-level function, so worker processes can use it).
        trainee: The good trainee (default: from the scenarios' correct scripts, else their rubrics).
        progress: Called with (drills done, drills in all).
        alternatives: Play these instead of those :func:`plan` finds (a tool's or a test's own).
        unverified: Analyse a record that does not verify (altered, cut short) anyway; the
            result's ``warning`` then says why it must not be trusted.

    Raises:
        RecordError: The record cannot be read, or does not verify (unless ``unverified``).
        ContentError: A scenario of the record cannot be loaded.
    """
    opened = open_verified(path, unverified=unverified)
    record, setup = opened.record, opened.setup
    # Scripts of the scenarios the record carries: beside the file it was run from, else shipped.
    near = [Path(record.header.source).parent] if record.header.source else []
    trainee = trainee or good_trainee(setup, near=near)
    seed = record.header.seed
    unplaced: list[dict[str, Any]] = []
    if alternatives is None:
        alternatives, unplaced = plan(record, setup, trainee)
    arms = list(dict.fromkeys(arm for alt in alternatives for arm in (alt.arm, alt.baseline)))
    index = {arm: n for n, arm in enumerate(arms)}
    measures = measures_of(setup, seed)
    results: list[list[Run | None]] = [[None] * seeds for _ in arms]
    items = _items(len(arms), seeds, max(10, seeds // 4))
    done = 0
    if jobs <= 1 or len(items) <= 1:
        for arm, first, last in items:
            for i in range(first, last):
                results[arm][i] = run_arm(record, setup, trainee, arms[arm], i, measures, scorer)
            done += last - first
            if progress:
                progress(done, len(arms) * seeds)
    else:
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        with context.Pool(jobs, initializer=_init_worker, initargs=(str(path), trainee, arms, scorer)) as pool:
            for arm, first, runs in pool.imap_unordered(_work, items):
                results[arm][first : first + len(runs)] = runs
                done += len(runs)
                if progress:
                    progress(done, len(arms) * seeds)
    played = [[r for r in rows if r is not None] for rows in results]
    actual = _actual(record, setup, measures, scorer)
    rows = [_compare(alt, played[index[alt.arm]], played[index[alt.baseline]], measures) for alt in alternatives]
    _rank(rows)
    scenarios = setup.scenarios(seed)
    for row in rows:
        row["action_label"] = _label(scenarios[row["incident"]], row["action"])
        row["instead_label"] = _label(scenarios[row["incident"]], row["instead"]) if row["instead"] else None
    return {
        "format": FORMAT,
        "record": str(path),
        "scenario": record.header.id or setup.title_id,
        "title": setup.titles(),
        "seed": seed,
        "mode": record.header.mode,
        "seeds": seeds,
        "confidence": stats.CONFIDENCE,
        "trainee": list(trainee.origins),
        "measures": [_measure_info(m, scenarios) for m in measures],
        "actual": actual,
        "alternatives": rows,
        "not_placed": [
            {
                **u,
                "label": _task_label(scenarios[u["incident"]], u["task"])
                or _label(scenarios[u["incident"]], u["action"]),
            }
            for u in unplaced
        ],
        "warning": opened.warning,
        "drills": len(arms) * seeds,
    }


def _measure_info(m: Measure, scenarios: Sequence[Any]) -> dict[str, Any]:
    sc = scenarios[m.incident]
    variable = sc.model.variables[m.var]
    label = variable.label
    return {
        "key": f"{m.incident}.{m.var}",
        "incident": m.incident,
        "scenario": sc.model.id,
        "var": m.var,
        "how": m.how,
        "unit": variable.unit,
        "label": {"zh": label.zh or m.var, "en": label.en or m.var} if label else {"zh": m.var, "en": m.var},
    }


def _task_label(sc: Any, task: str) -> dict[str, str] | None:
    """A critical task's name (a role-play's tasks are the steps, its actions whole sentences)."""
    rubric = sc.model.rubric
    for objective in rubric.objectives.values() if rubric else ():
        found = objective.tasks.get(task)
        if found is not None and found.label is not None:
            return {lang: found.label.get(lang) or task for lang in ("zh", "en")}
    return None


def _label(sc: Any, action: str) -> dict[str, str]:
    act = sc.model.actions.get(action)
    if act is None:
        return {"zh": action, "en": action}
    return {"zh": act.label.zh or action, "en": act.label.en or action}


def _actual(record: Record, setup: Setup, measures: Sequence[Measure], scorer: Scorer | None) -> dict[str, Any]:
    """What the record itself shows: one drill, as it happened."""
    collector = Collector(measures)
    outcome = None
    for event in record.events:
        collector(event)
        if isinstance(event, DrillEnded):
            outcome = event.outcome
    scored = scorer(collector.kept, setup.scenarios(record.header.seed)) if scorer is not None else None
    return {
        "outcome": outcome,
        "score": None if scored is None else scored["score"],
        "rating": None if scored is None else scored["rating"],
        "passed": None if scored is None else scored["passed"],
        "measures": {f"{m.incident}.{m.var}": v for m, v in zip(measures, collector.figures(), strict=True)},
    }


def _compare(alt: Alternative, runs: list[Run], base: list[Run], measures: Sequence[Measure]) -> dict[str, Any]:
    """One alternative against its baseline: both summaries, the paired differences, and the verdict."""

    def share(pick: Callable[[Run], bool]) -> dict[str, Any]:
        return stats.difference([float(pick(r)) for r in runs], [float(pick(r)) for r in base])

    diff: dict[str, Any] = {
        "failure": share(lambda r: r.outcome == "failure"),
        "bad": share(lambda r: r.outcome in BAD),
        "success": share(lambda r: r.outcome == "success"),
        "measures": {},
    }
    if runs and runs[0].score is not None:
        diff["score"] = stats.difference([r.score or 0.0 for r in runs], [r.score or 0.0 for r in base], 2)
        diff["passed"] = share(lambda r: bool(r.passed))
    for k, m in enumerate(measures):
        pairs = [(r.measures[k], b.measures[k]) for r, b in zip(runs, base, strict=True)]
        kept = [(a, b) for a, b in pairs if a is not None and b is not None]
        if kept:
            diff["measures"][f"{m.incident}.{m.var}"] = stats.difference([a for a, _ in kept], [b for _, b in kept])
    breaks = any(r.broke for r in runs)
    verdict = _verdict(diff)
    return {
        "kind": alt.kind,
        "incident": alt.incident,
        "action": alt.action,
        "role": alt.role,
        "seq": alt.seq,
        "t": alt.t,
        "at": alt.at,
        "instead": alt.instead,
        "task": alt.task,
        "fork": {"t": alt.arm.fork.t, "before": alt.arm.fork.before},
        "breaks_rule": breaks,
        "verdict": verdict,
        "good": verdict == "better" and not breaks,
        "alternative": summary(runs, measures),
        "as_done": summary(base, measures),
        "difference": diff,
    }


def _criteria(diff: dict[str, Any]) -> list[float]:
    """The sure differences, in order of importance, each signed so that more is better (0: not sure).

    Fewer drills ending in failure (people hurt) first, then fewer ending badly at all (failure or
    stopped by the time limit), then a higher score, then the measures (each a thing to keep low:
    time trapped, water depth, anger), counted by how many are surely lower less how many higher.
    """

    def sure(d: dict[str, Any], sign: float) -> float:
        return sign * d["mean"] if d["sure"] else 0.0

    measures = [d for d in diff["measures"].values() if d["sure"]]
    return [
        sure(diff["failure"], -1.0),
        sure(diff["bad"], -1.0),
        sure(diff["score"], 1.0) if "score" in diff else 0.0,
        float(sum(1 for d in measures if d["mean"] < 0) - sum(1 for d in measures if d["mean"] > 0)),
    ]


def _verdict(diff: dict[str, Any]) -> str:
    """``better``, ``worse`` or ``unclear``: the first criterion that is surely different decides."""
    for value in _criteria(diff):
        if value > 0:
            return "better"
        if value < 0:
            return "worse"
    return "unclear"


def _rank(rows: list[dict[str, Any]]) -> None:
    """Sort the rows by how much they matter and number them (see the module docstring)."""

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        criteria = _criteria(row["difference"])
        if row["good"]:
            return (0, *(-c for c in criteria), row["seq"] or 0)
        if row["verdict"] == "worse":  # the worse, the more the team's own choice was worth
            return (1, *criteria, row["seq"] or 0)
        return (2, 0.0, 0.0, 0.0, 0.0, row["seq"] or 0)

    rows.sort(key=key)
    for n, row in enumerate(rows, start=1):
        row["rank"] = n
