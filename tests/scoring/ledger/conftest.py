"""A ledger seeded with drills made by the engine: the sample programme's three teams over two quarters.

The drills (all at 华苑小区, 2026; ✓ the scenario's correct script, ✗ a random trainee who fails):

| # | day | team | drill | people | notes |
|---|---|---|---|---|---|
| fire_sec | 02-10 | 秩序维护部 | fire-evacuation ✓ | 张伟 李强 王磊 赵敏 | |
| lift_fail | 03-05 | 秩序维护部 | elevator-entrapment ✗ | 张伟 李强 赵敏 | 王磊 absent |
| lift_makeup | 03-20 | 秩序维护部 | elevator-entrapment ✓ (practice) | 王磊 | makes up lift_fail |
| lift_pass | 05-12 | 秩序维护部 | elevator-entrapment ✓ | 张伟 李强 王磊 赵敏 | |
| fire_cs | 01-20 | 客服中心 | fire-evacuation ✓ | 陈静 刘洋 孙丽 | satisfaction 70, 72 |
| cs_01..cs_05 | 01-15 .. 05-15 | 客服中心 | leak-complaint ✓ | 陈静 刘洋 (March: + 孙丽; April: 陈静 only) | |
| pipe_eng | 03-10 | 工程部 | burst-pipe-repair ✓ (practice) | 周杰 吴刚 | before 郑浩 joined |
| gas_eng | 04-15 | 工程部 | gas-leak ✓ | 周杰 吴刚 郑浩 | |
| fire_eng | 05-20 | 工程部 | fire-evacuation ✓ | 周杰 吴刚 | 郑浩 absent |
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

import pytest

from engine.format import Decision, Programme, find, load_programme, load_script
from engine.runtime import RecordWriter, Setup, header_for, play_random, play_script, prepare
from scoring.ledger import Ledger
from tests.conftest import ROOT

PROGRAMME = ROOT / "docs" / "examples" / "programme.yaml"
"""The sample programme the seeded drills are held against."""

SITE = "华苑小区"
"""The sample's one site."""

Kind = Literal["practice", "assessment"]


@cache
def setup_of(name: str) -> Setup:
    """A shipped scenario, loaded once per test session."""
    return prepare(name)


@cache
def correct_script(name: str) -> list[Decision]:
    """The shipped correct sequence of a scenario."""
    return list(load_script(find(f"scripts/{name}.correct.yaml")).model.decisions)


def write_record(
    path: Path,
    scenario: str,
    *,
    passing: bool,
    people: tuple[str, ...],
    team: str,
    when: datetime,
    kind: Kind = "assessment",
    seed: int = 3,
    feedback: list[dict[str, Any]] | None = None,
) -> Path:
    """Run a shipped scenario headless and record it, as ``run --record`` with the team set up does."""
    setup = setup_of(scenario)
    header = replace(
        header_for(setup, seed=1 if passing else seed, mode="observe", source=scenario),
        participants=[{"name": name, "role": ""} for name in people],
        team=team,
        site=SITE,
        kind=kind,
        wall_start=when.isoformat(timespec="seconds"),
        feedback=feedback,
    )
    writer = RecordWriter(path, header, setup)
    drill = setup.drill(seed=header.seed, mode="observe")
    drill.subscribe(writer.write)
    drill.start()
    if passing:
        play_script(drill, correct_script(scenario))
    else:
        play_random(drill, seed)
    writer.close()
    return path


def at(month: int, day: int) -> datetime:
    """10:00 in Beijing on a day of 2026 (02:00 UTC: the same day in any time zone from UTC-2 to UTC+14)."""
    return datetime(2026, month, day, 4, 0, tzinfo=UTC)


SEC, CS, ENG = "秩序维护部", "客服中心", "工程部"
ALL_SEC = ("张伟", "李强", "王磊", "赵敏")

DRILLS: dict[str, dict[str, Any]] = {
    "fire_sec": {"scenario": "fire-evacuation", "passing": True, "people": ALL_SEC, "team": SEC, "when": at(2, 10)},
    "lift_fail": {
        "scenario": "elevator-entrapment",
        "passing": False,
        "people": ("张伟", "李强", "赵敏"),
        "team": SEC,
        "when": at(3, 5),
    },
    "lift_makeup": {
        "scenario": "elevator-entrapment",
        "passing": True,
        "people": ("王磊",),
        "team": SEC,
        "when": at(3, 20),
        "kind": "practice",
    },
    "lift_pass": {
        "scenario": "elevator-entrapment",
        "passing": True,
        "people": ALL_SEC,
        "team": SEC,
        "when": at(5, 12),
    },
    "fire_cs": {
        "scenario": "fire-evacuation",
        "passing": True,
        "people": ("陈静", "刘洋", "孙丽"),
        "team": CS,
        "when": at(1, 20),
        "feedback": [
            {"name": "陈静", "satisfaction": 70, "helped": "疏散路线清楚", "improve": "时间太赶"},
            {"name": "刘洋", "satisfaction": 72, "helped": "", "improve": "多练灭火器"},
        ],
    },
    **{
        f"cs_{m:02}": {
            "scenario": "leak-complaint",
            "passing": True,
            "people": {3: ("陈静", "刘洋", "孙丽"), 4: ("陈静",)}.get(m, ("陈静", "刘洋")),
            "team": CS,
            "when": at(m, 15),
            "feedback": [{"name": "陈静", "satisfaction": 90, "helped": "情景真实", "improve": ""}] if m == 1 else None,
        }
        for m in range(1, 6)
    },
    "pipe_eng": {
        "scenario": "burst-pipe-repair",
        "passing": True,
        "people": ("周杰", "吴刚"),
        "team": ENG,
        "when": at(3, 10),
        "kind": "practice",
    },
    "gas_eng": {
        "scenario": "gas-leak",
        "passing": True,
        "people": ("周杰", "吴刚", "郑浩"),
        "team": ENG,
        "when": at(4, 15),
    },
    "fire_eng": {
        "scenario": "fire-evacuation",
        "passing": True,
        "people": ("周杰", "吴刚"),
        "team": ENG,
        "when": at(5, 20),
    },
}
"""The seeded drills, by name (see the module docstring)."""


@dataclass
class Seeded:
    """The seeded ledger: its URL, the programme and each drill's record file and key."""

    url: str
    programme: Programme
    paths: dict[str, Path] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)


@pytest.fixture(scope="session")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every seeded drill's record, made once per test session."""
    folder = tmp_path_factory.mktemp("ledger-records")
    return {name: write_record(folder / f"{name}.jsonl", **spec) for name, spec in DRILLS.items()}


@pytest.fixture
def seeded(tmp_path: Path, records: dict[str, Path]) -> Iterator[Seeded]:
    """A fresh history holding every seeded drill, the make-up linked; no corrective action yet."""
    made = Seeded(f"sqlite:///{tmp_path / 'history.sqlite3'}", load_programme(PROGRAMME).model)
    with Ledger(made.url) as ledger:
        for name, path in records.items():
            assert ledger.add(path)
            made.paths[name] = path
            made.keys[name] = ledger.key_of(path)
        ledger.link_makeup(records["lift_makeup"], records["lift_fail"])
    yield made
