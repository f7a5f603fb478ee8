"""The console's clock: maps the wall clock to sim minutes, with pause and speed.

The engine never reads a clock; whoever drives a drill live asks this object which sim minute the
wall clock says it is and calls ``Drill.advance_to`` with it. The mapping is a line through an
anchor (a wall instant and the sim minute it stood for) with a slope of ``speed`` sim minutes per
wall minute. Pausing freezes the sim minute; resuming and changing speed re-anchor at the current
minute, so sim time never jumps or runs backwards. The wall clock is injected, so tests and
benchmarks drive it by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from engine.errors import EngineError

SPEEDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
"""The speeds the console steps through (sim minutes per wall minute)."""


class Clock:
    """Sim minutes from the wall clock.

    Args:
        speed: Sim minutes per wall minute (1 is real time; 30 plays half an hour in a minute).
        sim: The sim minute to start from.
        paused: Start paused (the console starts a drill paused until the facilitator says go).
        now: The wall clock, in seconds (``time.monotonic`` by default).
    """

    def __init__(
        self,
        speed: float = 1.0,
        *,
        sim: float = 0.0,
        paused: bool = True,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        _check(speed)
        self._now = now
        self._speed = speed
        self._sim0 = sim
        self._wall0 = now()
        self._paused = paused

    @property
    def speed(self) -> float:
        """Sim minutes per wall minute."""
        return self._speed

    @property
    def paused(self) -> bool:
        """Whether sim time is frozen."""
        return self._paused

    def target(self) -> float:
        """The sim minute the wall clock says it is now."""
        if self._paused:
            return self._sim0
        return self._sim0 + (self._now() - self._wall0) * self._speed / 60.0

    def pause(self) -> None:
        """Freeze sim time where it is."""
        if not self._paused:
            self.jump(self.target())
            self._paused = True

    def resume(self) -> None:
        """Let sim time run again from where it was frozen."""
        if self._paused:
            self._wall0 = self._now()
            self._paused = False

    def toggle(self) -> bool:
        """Pause if running, resume if paused; returns whether it is now paused."""
        if self._paused:
            self.resume()
        else:
            self.pause()
        return self._paused

    def set_speed(self, speed: float) -> None:
        """Change speed without a jump: sim time goes on from where it is, at the new rate."""
        _check(speed)
        self.jump(self.target())
        self._speed = speed

    def jump(self, sim: float) -> None:
        """Re-anchor at sim minute ``sim`` (after skipping to the next event, or after a drill stops early)."""
        self._sim0 = sim
        self._wall0 = self._now()

    def faster(self) -> float:
        """Step up to the next speed of :data:`SPEEDS` (none above: stay); returns the new speed."""
        self.set_speed(next((s for s in SPEEDS if s > self._speed), self._speed))
        return self._speed

    def slower(self) -> float:
        """Step down to the previous speed of :data:`SPEEDS` (none below: stay); returns the new speed."""
        self.set_speed(next((s for s in reversed(SPEEDS) if s < self._speed), self._speed))
        return self._speed


def _check(speed: float) -> None:
    if not 0 < speed <= 3600:
        raise EngineError(f"speed {speed:g} is out of range; use more than 0 and at most 3600 sim minutes a minute")
