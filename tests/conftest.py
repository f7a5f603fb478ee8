"""Shared fixtures: a tiny scenario that exercises every engine feature, and helpers to drive it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from engine.format import Event, load_scenario
from engine.runtime import CompiledScenario, Drill, Submission, compiled, signing

ROOT = Path(__file__).resolve().parents[1]
"""The repository."""

E = TypeVar("E", bound=Event)

MINI = """\
schema: scenario/1
id: mini-lift
version: "1"
category: elevator
title: {zh: 小电梯, en: Mini lift}
summary: {zh: 测试用, en: For tests}
parameters:
  contact_min: {value: 3}
roles:
  control: {kind: staff, label: {zh: 监控, en: Control}, pool: desk}
  guard: {kind: staff, label: {zh: 保安, en: Guard}, pool: guards}
  tech: {kind: external, label: {zh: 维保, en: Technician}}
staff:
  desk: {capacity: 1, label: {zh: 值班台, en: Desk}}
  guards: {capacity: 2, label: {zh: 保安, en: Guards}}
variables:
  distress: {type: int, min: 0, max: 100, initial: 10, show: meter}
  talking: {type: bool, initial: false}
  car: {type: enum, values: [between_floors, level], initial: between_floors}
  trapped: {type: int, min: 0, max: 5, initial: 2}
initial: trapped
states:
  trapped: {narration: {zh: 两人被困, en: Two people are stuck.}}
  released: {narration: {zh: 已解救, en: They are out.}}
endings:
  closed: {outcome: success, narration: {zh: 结案, en: Case closed.}}
  fell: {outcome: failure, narration: {zh: 坠落, en: Someone fell.}}
  panic: {outcome: failure, narration: {zh: 扒门, en: They forced the door.}}
actions:
  log: {role: control, label: {zh: 登记, en: Log the alarm}, stage: report, life: support, duration: 0.5}
  talk: {role: control, label: {zh: 通话, en: Talk}, stage: handle, life: life-safety, duration: 1, effects: {talking: true}}
  patrol: {role: guard, label: {zh: 巡查, en: Patrol}, stage: handle, life: support, duration: 5, repeatable: true}
  paperwork: {role: control, label: {zh: 填表, en: Paperwork}, stage: handle, life: admin, duration: 1, staff: {}}
  open_door:
    role: guard
    label: {zh: 开厅门, en: Open the landing door}
    stage: handle
    life: support
    goto: fell
    forbidden: [{when: "car == 'between_floors'", reason: {zh: 轿厢不在平层, en: The car is between floors}}]
  level: {role: tech, label: {zh: 盘车, en: Level the car}, stage: handle, life: life-safety, in: [trapped], duration: {dist: uniform, low: 8, high: 12}, effects: {car: level}}
  release: {role: tech, label: {zh: 放人, en: Release}, stage: handle, life: life-safety, when: "car == 'level'", effects: {trapped: 0}, goto: released}
  tell: {role: control, label: {zh: 告知, en: Tell residents}, stage: feedback, life: support, in: [released], duration: 1}
  close: {role: control, label: {zh: 结案, en: Close the case}, stage: feedback, life: admin, in: [released], goto: closed}
  close_quietly: {role: control, label: {zh: 直接关单, en: Close the ticket}, stage: handle, life: admin, in: [released], goto: closed}
hazards:
  stuck: {label: {zh: 人员被困, en: People trapped}, active: "trapped > 0", requires: [talk]}
injects:
  alarm: {at: 0, from: tech, to: control, channel: alarm-panel, message: {zh: 报警, en: Alarm!}, expect: [log]}
  faint: {when: "distress >= 50", from: tech, to: control, channel: intercom, message: {zh: 头晕, en: Someone feels faint}}
dynamics:
  rising: {var: distress, rate: 5, while: "trapped > 0 and not talking"}
transitions:
  breakout: {when: "distress >= 100", in: [trapped], goto: panic}
timers:
  contact: {label: {zh: 3分钟内通话, en: Talk within 3 min}, deadline: contact_min, met: "started(talk)"}
limit: 60
"""
"""A small lift entrapment using every section of the format."""

CORRECT = [
    (0.0, "control", "log"),
    (0.5, "control", "talk"),
    (1.0, "tech", "level"),
    (15.0, "tech", "release"),
    (15.5, "control", "tell"),
    (17.0, "control", "close"),
]
"""The mini scenario's correct sequence: (minute, role, action)."""


@pytest.fixture(autouse=True)
def no_site_key(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test signs with, or checks against, a site key it did not set up (the user's own is not seen)."""
    monkeypatch.delenv("DRILLSIM_SITE_KEY", raising=False)
    monkeypatch.delenv("DRILLSIM_SITE_KEY_FILE", raising=False)
    monkeypatch.setattr(signing, "default_key_path", lambda: tmp_path_factory.getbasetemp() / "no-site-key")


@pytest.fixture
def mini_path(tmp_path: Path) -> Path:
    """The mini scenario, written to a file."""
    path = tmp_path / "mini-lift.yaml"
    path.write_text(MINI, encoding="utf-8")
    return path


@pytest.fixture
def mini(mini_path: Path) -> CompiledScenario:
    """The mini scenario, compiled."""
    loaded = load_scenario(mini_path)
    return compiled(loaded.model, loaded.digest)


@pytest.fixture
def make_drill(mini: CompiledScenario) -> Callable[..., Drill]:
    """Build and start a drill of the mini scenario."""

    def make(mode: str = "observe", seed: int = 1, **kwargs: object) -> Drill:
        drill = Drill([(mini, 0.0)], seed=seed, mode=mode, **kwargs)  # type: ignore[arg-type]
        drill.start()
        return drill

    return make


def play(drill: Drill, decisions: list[tuple[float, str, str]]) -> None:
    """Submit (minute, role, action) decisions in order, then let the drill finish."""
    for t, role, action in decisions:
        drill.advance_to(t)
        if drill.finished:
            break
        drill.submit(Submission(role, action, source="script"))
    drill.run_to_end()


def of_type(drill: Drill, kind: type[E]) -> list[E]:
    """The drill's events of one kind."""
    return [e for e in drill.events if isinstance(e, kind)]
