"""The drill's staff pool serves, queues and frees people exactly as ``simpy.Resource`` did."""

from __future__ import annotations

from typing import Any

import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.runtime.clockwork import Clockwork
from engine.runtime.staff import Pool

# One step of a script: ask (with a capacity-free pool), give back the n-th held request, give up
# the n-th waiting one, or let time pass (processing what is due, grants and releases included).
Step = tuple[str, int]
STEPS = st.lists(
    st.tuples(st.sampled_from(["request", "release", "cancel", "wait", "wait-a-moment"]), st.integers(0, 5)),
    max_size=40,
)


def play(make: Any, capacity: int, steps: list[Step]) -> list[tuple[Any, ...]]:
    """Run ``steps`` on a pool made by ``make`` and log everything that can be seen from outside."""
    env = Clockwork()
    pool = make(env, capacity)
    log: list[tuple[Any, ...]] = []
    requests: list[Any] = []
    cancelled: list[Any] = []

    def told(number: int) -> Any:
        return lambda _request: log.append(("granted", number, env.now))

    for kind, n in steps:
        if kind == "request":
            request = pool.request()
            number = len(requests)
            requests.append(request)
            log.append(("asked", number, request.triggered))
            if not request.triggered:
                request.callbacks.append(told(number))
        elif kind == "release":
            held = [r for r in requests if r.triggered and r in pool.users]
            if held:
                pool.release(held[n % len(held)])
        elif kind == "cancel":
            waiting = [r for r in requests if not r.triggered and r not in cancelled]
            if waiting:
                cancelled.append(waiting[n % len(waiting)])
                cancelled[-1].cancel()
        else:
            # A moment: only what is due now; a wait: a whole minute.
            env.run_until(env.now + (1e-9 if kind == "wait-a-moment" else 1.0))
        log.append(("state", env.now, env.peek(), len(pool.users), [r.triggered for r in requests]))
    return log


def simpy_pool(env: Clockwork, capacity: int) -> simpy.Resource:
    return simpy.Resource(env, capacity=capacity)


@settings(max_examples=300, deadline=None)
@given(capacity=st.integers(1, 3), steps=STEPS)
def test_the_pool_grants_queues_and_frees_as_simpy_resource_does(capacity: int, steps: list[Step]) -> None:
    """Any sequence of asks, releases, cancellations and waits gives the same grants at the same times."""
    assert play(Pool, capacity, steps) == play(simpy_pool, capacity, steps)


def test_a_freed_person_goes_to_the_head_of_the_line_when_the_release_is_processed() -> None:
    """Released now, the next in line is served by the release's own entry, at the same instant."""
    env = Clockwork()
    pool = Pool(env, 1)
    first = pool.request()
    second = pool.request()
    assert (first.triggered, second.triggered) == (True, False)
    pool.release(first)
    assert not second.triggered  # not yet: the release is an entry on the queue
    env.run_until(env.now + 1e-9)
    assert second.triggered and pool.users == [second]
