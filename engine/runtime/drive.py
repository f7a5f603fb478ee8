"""Headless drivers: play a script, play a random trainee, optionally paced against the wall clock.

A driver only calls the drill's public API (``advance_to``, ``options``, ``submit``), exactly as the
console does, so a scripted or random run exercises the same code paths as a live one.

The random policy has its own generator, seeded from the drill's seed but separate from the drill's:
the drill's draws (durations) must not depend on how the decisions were chosen, so that replaying
the recorded decisions without the policy reproduces the drill exactly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence

from engine.format import Decision, compile_expression
from engine.runtime.run import Drill, Submission

Advance = Callable[[float], None]
"""Moves a drill to a sim minute: the drill's own ``advance_to``, or a paced one."""


class Pacer:
    """Advances a drill in step with the wall clock: ``speed`` sim minutes per wall minute.

    The drill is advanced in short wall-clock ticks, so events come out when they happen rather
    than in bursts, as the console's tick does.
    """

    def __init__(
        self, drill: Drill, speed: float, *, tick: float = 0.05, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.drill = drill
        self.speed = speed
        self.tick = tick
        self._sleep = sleep
        self._wall0 = time.monotonic()
        self._sim0 = drill.now

    def sim_now(self) -> float:
        """The sim minute the wall clock says it is."""
        return self._sim0 + (time.monotonic() - self._wall0) * self.speed / 60.0

    def advance_to(self, t: float) -> None:
        """Advance to ``t``, no faster than the wall clock allows."""
        while not self.drill.finished and self.drill.now < t:
            target = min(t, self.sim_now())
            if target > self.drill.now:
                self.drill.advance_to(target)
            if self.drill.now < t and not self.drill.finished:
                self._sleep(self.tick)

    def run_to_end(self) -> None:
        """Let the drill play out at pace."""
        while not self.drill.finished:
            self.advance_to(self.drill.now + self.speed * self.tick / 60.0 + 1e-9)


REACTION = 0.01
"""Sim minutes between what a waiting decision waits for and the decision (a moment, as a person
would take). A drill handles a decision before anything else due at its minute, so a decision made
at the very minute of the event it waits for would come before that event."""

Stop = tuple[float, Callable[[], None]]
"""A call made when the script reaches a sim minute, before the decisions due then (a test's checkpoint)."""


def play_script(
    drill: Drill,
    decisions: Sequence[Decision],
    *,
    pacer: Pacer | None = None,
    source: str = "script",
    stops: Sequence[Stop] = (),
) -> None:
    """Play a script's decisions, then let the drill finish.

    A decision is made at its minute ``t`` (sorted by time, file order kept for ties). One with
    ``when`` or ``after`` waits from ``t`` on until what it names holds, and is made
    :data:`REACTION` after the event that made it hold (at ``t`` itself if it already holds then).
    A waiting decision whose moment never comes is never made.

    Args:
        drill: A started drill.
        decisions: The script's decisions.
        pacer: Pace the run against the wall clock.
        source: What the decisions' events name as their source (``script``, ``test``).
        stops: Calls to make on reaching given minutes, before the decisions due then.
    """
    advance: Advance = pacer.advance_to if pacer else drill.advance_to
    # Fixed decisions and stops in time order; a stop comes before a decision at the same minute.
    timed: list[tuple[float, int, int, Decision | Callable[[], None]]] = sorted(
        [(t, 0, i, call) for i, (t, call) in enumerate(stops)] + [(d.t, 1, i, d) for i, d in enumerate(decisions)],
        key=lambda item: item[:3],
    )
    armed: list[tuple[int, Decision, Callable[[], bool]]] = []
    while not drill.finished:
        while timed and timed[0][0] <= drill.now:
            _t, _kind, index, item = timed.pop(0)
            if not isinstance(item, Decision):
                item()
            elif item.waits:
                armed.append((index, item, _waiting(drill, item)))
                armed.sort(key=lambda a: a[0])
            else:
                _submit(drill, item, source)
            if drill.finished:
                break
        for entry in [a for a in armed if a[2]()]:
            if drill.finished:
                break
            armed.remove(entry)
            _submit(drill, entry[1], source)
        if drill.finished:
            break
        targets = [timed[0][0]] if timed else []
        if armed:
            upcoming = drill.next_event_time()
            if upcoming is not None:
                targets.append(max(upcoming, drill.now) + REACTION)
        if not targets:
            break
        advance(min(targets))
    for _t, _kind, _index, item in timed:
        if not isinstance(item, Decision):
            item()  # a stop after the end still looks at how the drill ended
    if pacer:
        pacer.run_to_end()
    else:
        drill.run_to_end()


def _submit(drill: Drill, decision: Decision, source: str) -> None:
    drill.submit(Submission(decision.role, decision.action, decision.incident, source, decision.note))


def _waiting(drill: Drill, decision: Decision) -> Callable[[], bool]:
    """What a waiting decision waits for, as a check on its incident's present situation."""
    incident = drill.incidents[decision.incident]
    checks: list[Callable[[], bool]] = []
    if decision.when is not None:
        condition = compile_expression(decision.when, incident.sc.names, want="bool").run
        checks.append(lambda: incident.live and bool(condition(incident)))
    after = decision.after
    if after is not None and after.inject is not None:
        inject = after.inject
        checks.append(lambda: inject in incident.delivered)
    if after is not None and after.done is not None:
        action = after.done
        checks.append(lambda: action in incident.done)
    return lambda: all(check() for check in checks)


def play_random(drill: Drill, seed: int, *, mean_gap: float = 2.0, pacer: Pacer | None = None) -> None:
    """A random trainee: at random sim times, pick uniformly among the actions offered then.

    Rule-breaking actions are among the choices in both modes; strict mode refuses them, observe
    mode lets them happen and records the finding.

    Args:
        drill: A started drill.
        seed: The drill's seed (the policy derives its own generator from it).
        mean_gap: Average sim minutes between two decisions.
        pacer: Pace the run against the wall clock.
    """
    rng = random.Random(f"policy:{seed}")
    advance: Advance = pacer.advance_to if pacer else drill.advance_to
    while not drill.finished:
        advance(drill.now + rng.expovariate(1.0 / mean_gap))
        if drill.finished:
            break
        # A role-play's free replies are a coach's judgement of typed words, not choices on the
        # screen: a random trainee picks among the written replies.
        options = [o for o in drill.options() if not o.coach_judged]
        if options:
            pick = options[rng.randrange(len(options))]
            drill.submit(Submission(pick.role, pick.action, pick.incident, "policy"))
