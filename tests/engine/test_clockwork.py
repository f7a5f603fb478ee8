"""The drill's SimPy environment: absolute-time callbacks, exact stops, and nothing left behind."""

from __future__ import annotations

from simpy.events import NORMAL, URGENT

from engine.runtime.clockwork import LATE, Callback, Clockwork


def recorder(env: Clockwork, seen: list[tuple[float, str]], name: str) -> Callback:
    def call() -> None:
        seen.append((env.now, name))

    return call


def test_a_callback_runs_at_the_absolute_time_it_was_given_whatever_the_time_now() -> None:
    """call_at(t) runs at t itself, not at now + (t - now), which floating point may round elsewhere."""
    env = Clockwork()
    seen: list[tuple[float, str]] = []
    env.run_until(2.904)  # where a paced console happened to stop
    t = 46.6
    assert env.now + (t - env.now) != t  # the drift a delay would carry
    env.call_at(t, recorder(env, seen, "x"))
    env.run_until(50.0)
    assert seen == [(46.6, "x")]


def test_run_until_stands_at_exactly_the_time_asked_and_leaves_no_spent_stop_behind() -> None:
    """After run_until(t), now is t and the next thing due is a real one (or nothing)."""
    env = Clockwork()
    env.run_until(2.5)
    assert env.now == 2.5
    assert env.peek() == float("inf")
    env.call_at(4.0, lambda: None)
    env.run_until(3.0)
    assert (env.now, env.peek()) == (3.0, 4.0)


def test_at_the_stopping_time_only_what_was_already_urgent_runs() -> None:
    """An urgent event already due at t runs before the stop; ordinary ones, and urgent ones scheduled later, wait."""
    env = Clockwork()
    seen: list[tuple[float, str]] = []
    env.call_at(1.0, recorder(env, seen, "normal"), NORMAL)
    env.call_at(1.0, recorder(env, seen, "urgent"), URGENT)

    def later() -> None:
        env.call_at(1.0, recorder(env, seen, "urgent, scheduled during the run"), URGENT)

    env.call_at(0.5, later)
    env.run_until(1.0)
    assert seen == [(1.0, "urgent")]
    env.run_until(2.0)
    assert seen[1:] == [(1.0, "urgent, scheduled during the run"), (1.0, "normal")]


def test_late_callbacks_see_everything_else_due_at_their_instant_first() -> None:
    """LATE (deadline checks) runs after ordinary events of the same instant, even ones scheduled after it."""
    env = Clockwork()
    seen: list[tuple[float, str]] = []
    env.call_at(5.0, recorder(env, seen, "deadline"), LATE)
    env.call_at(5.0, recorder(env, seen, "action done"))
    env.run_until(6.0)
    assert [name for _t, name in seen] == ["action done", "deadline"]


def test_stop_ends_the_run_where_it_is() -> None:
    """stop() (the drill ended) ends run_until early; time stays at the moment it stopped."""
    env = Clockwork()
    seen: list[tuple[float, str]] = []
    env.call_at(1.0, lambda: env.stop())
    env.call_at(3.0, recorder(env, seen, "after the end"))
    env.run_until(10.0)
    assert env.now == 1.0 and seen == []
