"""The console's clock: wall seconds to sim minutes, with pause, speed and no jumps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import EngineError
from engine.runtime import SPEEDS, Clock


class Wall:
    """A wall clock the test moves by hand (seconds)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def wall() -> Wall:
    """A hand-driven wall clock."""
    return Wall()


def test_a_paused_clock_does_not_move(wall: Wall) -> None:
    """However much wall time passes, a paused clock says the same sim minute."""
    clock = Clock(30, sim=4.0, now=wall)
    assert clock.paused
    wall.step(3600)
    assert clock.target() == 4.0


@pytest.mark.parametrize(
    ("speed", "seconds", "minutes"),
    [
        (1.0, 60, 1.0),
        (1.0, 30, 0.5),
        (30.0, 60, 30.0),
        (30.0, 2, 1.0),
        (60.0, 60, 60.0),
        (5.0, 12, 1.0),
    ],
)
def test_a_running_clock_goes_speed_sim_minutes_per_wall_minute(
    wall: Wall, speed: float, seconds: float, minutes: float
) -> None:
    """After resume, sim time runs at ``speed`` sim minutes per wall minute from where it stood."""
    clock = Clock(speed, sim=10.0, now=wall)
    wall.step(500)  # time paused before the start does not count
    clock.resume()
    wall.step(seconds)
    assert clock.target() == pytest.approx(10.0 + minutes)


def test_pause_freezes_the_exact_minute_it_was_pressed_at(wall: Wall) -> None:
    """Pausing keeps the sim minute of that instant, and resuming goes on from it."""
    clock = Clock(30, paused=False, now=wall)
    wall.step(7)
    at_pause = clock.target()
    clock.pause()
    assert clock.paused and clock.target() == at_pause == pytest.approx(3.5)
    wall.step(600)
    assert clock.target() == at_pause
    clock.resume()
    assert clock.target() == at_pause
    wall.step(2)
    assert clock.target() == pytest.approx(at_pause + 1.0)


def test_toggle_pauses_and_resumes(wall: Wall) -> None:
    """Toggle flips between running and paused and says which it is now."""
    clock = Clock(60, now=wall)
    assert clock.toggle() is False
    wall.step(1)
    assert clock.toggle() is True
    wall.step(100)
    assert clock.target() == pytest.approx(1.0)


@pytest.mark.parametrize("paused", [False, True])
def test_changing_speed_re_anchors_without_a_jump(wall: Wall, paused: bool) -> None:
    """A new speed takes effect from the current minute: no jump at the change, the new rate after it."""
    clock = Clock(1, sim=2.0, paused=paused, now=wall)
    wall.step(60)
    before = clock.target()
    clock.set_speed(60)
    assert clock.speed == 60
    assert clock.target() == before
    wall.step(1)
    assert clock.target() == pytest.approx(before + (0.0 if paused else 1.0))


def test_jump_re_anchors_at_the_given_minute(wall: Wall) -> None:
    """After a skip the clock runs on from the minute it was put at."""
    clock = Clock(60, paused=False, now=wall)
    wall.step(5)
    clock.jump(42.0)
    assert clock.target() == 42.0
    wall.step(1)
    assert clock.target() == pytest.approx(43.0)


def test_faster_steps_up_through_the_speeds_and_stops_at_the_top(wall: Wall) -> None:
    """Each press goes to the next speed of SPEEDS; at the fastest it stays there."""
    clock = Clock(SPEEDS[0], now=wall)
    seen = [clock.faster() for _ in range(len(SPEEDS) + 2)]
    assert seen == [*SPEEDS[1:], SPEEDS[-1], SPEEDS[-1], SPEEDS[-1]]


def test_slower_steps_down_through_the_speeds_and_stops_at_the_bottom(wall: Wall) -> None:
    """Each press goes to the previous speed of SPEEDS; at the slowest it stays there."""
    clock = Clock(SPEEDS[-1], now=wall)
    seen = [clock.slower() for _ in range(len(SPEEDS) + 2)]
    assert seen == [*reversed(SPEEDS[:-1]), SPEEDS[0], SPEEDS[0], SPEEDS[0]]


@pytest.mark.parametrize(
    ("speed", "faster", "slower"),
    [(1.5, 2.0, 1.0), (45.0, 60.0, 30.0), (120.0, 120.0, 60.0), (0.5, 1.0, 0.5)],
)
def test_a_speed_off_the_steps_goes_to_the_neighbouring_step_and_never_the_wrong_way(
    wall: Wall, speed: float, faster: float, slower: float
) -> None:
    """From a speed not in SPEEDS, faster never slows the drill down and slower never speeds it up."""
    assert Clock(speed, now=wall).faster() == faster
    assert Clock(speed, now=wall).slower() == slower


@pytest.mark.parametrize("speed", [0.0, -1.0, 3600.5, float("inf"), float("nan")])
def test_a_speed_out_of_range_is_refused(wall: Wall, speed: float) -> None:
    """Zero, negative, absurdly fast or not-a-number speeds raise EngineError, at creation and on change."""
    with pytest.raises(EngineError, match="out of range"):
        Clock(speed, now=wall)
    clock = Clock(1, now=wall)
    with pytest.raises(EngineError, match="out of range"):
        clock.set_speed(speed)
    assert clock.speed == 1


operations = st.lists(
    st.one_of(
        st.tuples(st.just("wait"), st.floats(min_value=0, max_value=1e4, allow_nan=False)),
        st.tuples(st.sampled_from(["pause", "resume", "toggle", "faster", "slower", "look"]), st.just(0.0)),
        st.tuples(st.just("speed"), st.floats(min_value=0.01, max_value=3600)),
    ),
    max_size=40,
)


@given(start=st.floats(min_value=0, max_value=1e6), sim=st.floats(min_value=0, max_value=1e4), ops=operations)
def test_sim_time_never_runs_backwards_whatever_the_facilitator_does(
    start: float, sim: float, ops: list[tuple[str, float]]
) -> None:
    """Over any mix of pauses, resumes, speed changes and wall time passing, target() never decreases."""
    wall = Wall(start)
    clock = Clock(1, sim=sim, now=wall)
    last = clock.target()
    for op, value in ops:
        if op == "wait":
            wall.step(value)
        elif op == "speed":
            clock.set_speed(value)
        else:
            getattr(clock, op if op != "look" else "target")()
        now = clock.target()
        assert now >= last, (op, value)
        last = now
