"""A staff pool: SimPy's ``Resource`` reduced to what a drill asks of it, with the same queue entries.

A drill asks a pool for one person at a time (:meth:`Pool.request`), gives people back
(:meth:`Pool.release`) and gives up a place in the line (:meth:`Request.cancel`). ``simpy.Resource``
does this through general put and get queues: each request and each release is an event object
with its own queue of callbacks, a look-up of the active process, and a pass over both queues.
In a Monte Carlo sweep that machinery cost about a tenth of a run for a handful of staff requests.

This class keeps SimPy's behaviour to the letter, because the records depend on it:

- a request is granted at once when fewer people are busy than the pool has, and then puts an
  entry on the drill's queue at the current instant (SimPy's granted ``Request`` event), on which
  the waiter is told;
- a release frees the person at once, and puts an entry on the queue at the current instant
  (SimPy's ``Release`` event); only when that entry is processed is the next in line served;
- each time the line is looked at (a new request, a processed release), only its head is tried,
  as SimPy's ``_trigger_put`` does: a new request may be served before the line's head only in
  the instant between a release and its entry, and never jumps ahead of someone waiting;
- a request cancelled once granted stays granted (SimPy's ``cancel`` only leaves an untriggered one).

The entries go on the queue through :meth:`Clockwork.call_at` at the same time, priority and
order as SimPy's events did, so what runs when is unchanged (``tests/engine/test_staff.py``
compares the two on random sequences; ``tests/engine/test_fast_paths.py`` holds whole drills to
the events they made with SimPy's pools).
"""

from __future__ import annotations

from collections.abc import Callable

from engine.runtime.clockwork import Clockwork


class Request:
    """A request for one person of a pool: granted now, later, or given up.

    Attributes:
        pool: The pool asked.
        triggered: Whether it has been granted (it holds a person until released).
        callbacks: Called with the request when its grant is processed (a waiter's continuation).
    """

    __slots__ = ("callbacks", "pool", "triggered")

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.triggered = False
        self.callbacks: list[Callable[[Request], None]] = []

    def cancel(self) -> None:
        """Give up the place in the line (nothing, once granted: release it instead)."""
        if not self.triggered:
            self.pool.line.remove(self)

    def _granted(self) -> None:
        for callback in self.callbacks:
            callback(self)


class Pool:
    """People of one kind on shift: ``capacity`` at a time; see the module docstring.

    Args:
        env: The drill's environment (whose queue the grants and releases go on).
        capacity: How many can be busy at once (at least 1).
    """

    __slots__ = ("capacity", "env", "line", "users")

    def __init__(self, env: Clockwork, capacity: int) -> None:
        self.env = env
        self.capacity = capacity
        self.users: list[Request] = []
        """Granted requests not yet released, in the order they were granted."""
        self.line: list[Request] = []
        """Requests waiting, first come first."""

    def request(self) -> Request:
        """Ask for one person: granted now if someone is free and nobody waits before (:attr:`Request.triggered`)."""
        request = Request(self)
        self.line.append(request)
        self._serve_head()
        return request

    def release(self, request: Request) -> None:
        """Give back the person ``request`` holds; the next in line is served when this is processed."""
        if request in self.users:  # as SimPy: releasing what is not held is no error
            self.users.remove(request)
        self.env.call_at(self.env.now, self._released)

    def _released(self) -> None:
        self._serve_head()

    def _serve_head(self) -> None:
        """Grant the head of the line if someone is free (SimPy tries the head only, each time)."""
        line = self.line
        if line and len(self.users) < self.capacity:
            head = line.pop(0)
            self.users.append(head)
            head.triggered = True
            self.env.call_at(self.env.now, head._granted)
