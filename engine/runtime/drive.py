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

from engine.format import Decision
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


def play_script(drill: Drill, decisions: Sequence[Decision], *, pacer: Pacer | None = None) -> None:
    """Submit each decision at its sim minute (sorted by time, file order kept for ties), then finish."""
    advance: Advance = pacer.advance_to if pacer else drill.advance_to
    for decision in sorted(decisions, key=lambda d: d.t):
        advance(decision.t)
        if drill.finished:
            break
        drill.submit(Submission(decision.role, decision.action, decision.incident, "script", decision.note))
    if pacer:
        pacer.run_to_end()
    else:
        drill.run_to_end()


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
