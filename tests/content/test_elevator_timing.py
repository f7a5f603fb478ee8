"""The lift contractor's timing: it sets off when the team calls, and arrives as 96333 data say.

Published figures (facts.md E10): Jinan Q4 2020 mean arrival 10.33 min, 99.79% within 30 min, mean
rescue 7.30 min after arrival; Shenzhen and Guangzhou about 15-16 min. The drill's default locale
follows Jinan, ``metro`` the southern cities; both have a late tail, so escalation can happen.
"""

from __future__ import annotations

from statistics import mean

import pytest

from engine.format import ActionBegun, ActionDone, Decision, DecisionMade
from engine.runtime import play_script, prepare
from tests.conftest import ROOT

ELEVATOR = ROOT / "scenarios" / "elevator-entrapment.yaml"
TEAM = [
    Decision(t=0, role="control_room", action="log_alarm"),
    Decision(t=0.5, role="control_room", action="talk_to_passengers"),
    Decision(t=0.5, role="security", action="go_to_site"),
    Decision(t=1.5, role="control_room", action="notify_maintenance"),
    Decision(t=2.5, role="control_room", action="call_120", when="passenger_unwell and passengers > 0"),
]


def _timings(locale: str | None, seeds: range) -> list[tuple[float, float]]:
    """(arrival after the call, rescue after arrival) per seed, when the technician freed them."""
    setup = prepare(str(ELEVATOR), locale=locale)
    found = []
    for seed in seeds:
        drill = setup.drill(seed=seed, mode="observe", keep=True)
        drill.start()
        play_script(drill, TEAM)
        done = {e.action: e.t for e in drill.events if isinstance(e, ActionDone)}
        if "tech_release" in done:
            found.append(
                (
                    done["maintenance_travel"] - done["notify_maintenance"],
                    done["tech_release"] - done["maintenance_travel"],
                )
            )
    return found


def test_the_contractor_sets_off_when_told_and_nobody_plays_its_moves() -> None:
    """The contractor's dispatch begins the moment the call ends, later call or not, with no decision of its own."""
    setup = prepare(str(ELEVATOR))
    for told in (1.5, 8.0):
        drill = setup.drill(seed=3, mode="observe")
        drill.start()
        play_script(
            drill,
            [
                Decision(t=0, role="control_room", action="log_alarm"),
                Decision(t=told, role="control_room", action="notify_maintenance"),
            ],
        )
        begun = next(e.t for e in drill.events if isinstance(e, ActionBegun) and e.action == "maintenance_dispatch")
        assert begun == told + 1
        outside = {"maintenance", "backup_maintenance", "fire_119", "medical_120"}
        assert [e for e in drill.events if isinstance(e, DecisionMade) and e.role in outside] == []


@pytest.mark.parametrize(
    ("locale", "arrival", "late"),
    [(None, (9.3, 11.3), (0, 3)), ("metro", (14.3, 16.7), (1, 25))],
    ids=["jinan", "metro"],
)
def test_arrival_and_rescue_follow_published_96333_figures(
    locale: str | None, arrival: tuple[float, float], late: tuple[int, int]
) -> None:
    """Mean arrival near the locale's figure, some arrivals late, rescue about 7.3 min and never the same twice."""
    timings = _timings(locale, range(1, 301))
    arrivals = [a for a, _ in timings]
    rescues = [r for _, r in timings]
    assert arrival[0] <= mean(arrivals) <= arrival[1]
    assert late[0] <= sum(a > 30 for a in arrivals) <= late[1]
    assert 6.5 <= mean(rescues) <= 8.1
    assert len({round(r, 1) for r in rescues}) > 20
