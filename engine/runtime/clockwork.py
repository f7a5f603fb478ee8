"""The drill's SimPy environment: plain SimPy, plus the three kinds of scheduling a drill needs.

A drill schedules far more bare callbacks (an inject due, the next dynamics step, a deadline check,
an incident's start) than it runs processes, and it is driven from outside in slices of sim time
(``advance_to(t)``). SimPy's public API offers neither at the precision a record needs:
``env.timeout(t - now)`` and ``env.run(until=t)`` both place an event at ``now + (t - now)``, which
in floating point is not always ``t``, so the time of an event would depend on where a paced
console last stopped, and a replay would not reproduce the record. This subclass is the one place
that reaches into SimPy's queue to do it exactly; nothing else in the engine touches SimPy's
private fields.

What it adds:

- :meth:`Clockwork.call_at`: call a function at an absolute sim time, with a priority (the function
  itself is the queue entry, where SimPy would put an event: no event object, no generator, no
  ``Initialize`` event);
- :meth:`Clockwork.run_until`: process everything ordered before a stop placed at exactly ``t``
  (as ``run(until=...)`` with an urgent stop event would), then stand at ``t``, with no spent
  stop left on the queue to read as something still due;
- :meth:`Clockwork.run_to_end`: process everything left (``run()``);
- :meth:`Clockwork.stop`: end the current run once what is already due before it has run (the
  drill ended).

The ordering is SimPy's own (time, then priority, then scheduling order): records made before this
class existed are reproduced byte for byte (``tests/engine/test_record_compat.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from heapq import heappop, heappush
from operator import attrgetter
from types import FunctionType, MethodType
from typing import TYPE_CHECKING

import simpy
from simpy.core import StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority

LATE = EventPriority(NORMAL + 1)
"""Priority of checks that must see everything else due at their instant first (deadlines)."""

Callback = Callable[[], None]
"""What :meth:`Clockwork.call_at` calls, with no argument."""

_BARE = frozenset({partial, MethodType, FunctionType})
"""Types of what :meth:`Clockwork.call_at` puts on the queue itself; every other entry is a SimPy event."""


class Clockwork(simpy.Environment):
    """A ``simpy.Environment`` with absolute-time callbacks and exact stops; see the module docstring."""

    if TYPE_CHECKING:

        @property
        def now(self) -> float:
            """The current sim time."""

    else:
        # SimPy's ``now``, read by a getter written in C (no Python call): a drill reads the time for
        # every event it makes.
        now = property(attrgetter("_now"), doc="The current sim time.")

    def call_at(self, t: float, callback: Callback, priority: EventPriority = NORMAL) -> None:
        """Call ``callback`` at exactly sim time ``t`` (now, if ``t`` has passed).

        The callback is the queue entry itself (SimPy's entries are ``(time, priority, id, event)``;
        the id is unique, so the last field is never compared): it costs no event object. A drill
        schedules a few dozen of these per run, each of them once.

        Args:
            t: The absolute sim time.
            callback: Called with no argument when its turn comes.
            priority: :data:`~simpy.events.URGENT` runs before ordinary events due at the same
                instant, :data:`LATE` after them; same time and priority run in scheduling order.
        """
        if callback.__class__ not in _BARE:
            callback = partial(callback)  # a callable of another kind: the queue tells entries by type
        now = self._now
        entry = (now if now > t else t, priority, next(self._eid), callback)
        heappush(self._queue, entry)  # type: ignore[misc]  # SimPy's stubs know event entries only

    def run_until(self, t: float) -> None:
        """Process everything due before ``t`` and stand at exactly ``t``, or stop early at :meth:`stop`.

        Equivalent to ``run(until=stop)`` with an urgent stop event scheduled now at ``t``: events at
        ``t`` that were already scheduled as urgent (an incident due to open at ``t``) run; anything
        else due at ``t``, and anything scheduled at ``t`` from here on, waits for the next run. The
        stop is a position in the queue's order, not an event, so nothing of it is left behind.

        Args:
            t: Sim time to stop at; must not be before now.
        """
        # Where the stop event would sort, had one been scheduled: time, priority, then the unique
        # id decide, never the event.
        if self._steps((t, URGENT, next(self._eid))):
            self._now = t

    def run_to_end(self) -> None:
        """Process everything on the queue, or stop early at :meth:`stop` (``run()`` with no ``until``)."""
        self._steps(None)

    def _steps(self, bound: tuple[float, EventPriority, int] | None) -> bool:
        """Process events in order while the next one sorts before ``bound`` (None: all); False if stopped.

        SimPy's ``step()`` inlined: a drill processes a few dozen events per advance, tens of thousands
        a second in Monte Carlo, and the call per event (with its ``try`` for an empty queue, which
        the loop's own test makes needless) was a tenth of the engine's time. An entry of
        :meth:`call_at` is called; what a SimPy event does is SimPy's to the letter: its callbacks
        in order, the rest of them put back when one stops the run, and a failed event nobody
        defused raised again.
        """
        queue = self._queue
        bare = _BARE
        while queue and (bound is None or queue[0] < bound):
            self._now, _, _, event = heappop(queue)
            if event.__class__ in bare:
                event()  # type: ignore[operator]  # an entry of call_at: a function, method or partial
                continue
            callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]  # processed, as SimPy marks it
            try:
                for callback in callbacks:
                    callback(event)
            except StopSimulation:
                # As SimPy does: what was left to call runs when the drill is next run (it never is).
                event.callbacks = callbacks[callbacks.index(callback) + 1 :]
                self.schedule(event, EventPriority(-1))
                return False
            if not event._ok and not hasattr(event, "_defused"):
                exc = type(event._value)(*event._value.args)
                exc.__cause__ = event._value
                raise exc
        return True

    def stop(self) -> None:
        """End the current :meth:`run_until` or :meth:`run_to_end` after the events already due before this one."""
        event = Event(self)
        assert event.callbacks is not None  # a fresh event has its list
        event.callbacks.append(StopSimulation.callback)
        event.succeed()
