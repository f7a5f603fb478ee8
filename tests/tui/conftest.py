"""Fixtures for the console's tests: a private home for records, caches, key map and history.

Every test gets its own folders (nothing touches the real home), a pinned wall clock to hand to the
sessions a test builds itself, and the shipped catalog scanned once per test run: the start screen
rescans the library in a worker each time it opens, and that second of loading would be paid by
every test without changing anything they check.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

import scoring.history
import tui.screens.start
from tests.tui.harness import Home, Wall
from tui.catalog import Catalog, scan

_SCANS: dict[tuple[Path, ...], Catalog] = {}
"""Catalogs already scanned in this test run, by the folders asked for."""


def _scan_once(folders: Iterable[Path] = ()) -> Catalog:
    key = tuple(folders)
    if key not in _SCANS:
        _SCANS[key] = scan(key)
    return _SCANS[key]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """Records, cache, key map, history and every platform folder under ``tmp_path``."""
    place = Home(
        records=tmp_path / "records",
        cache=tmp_path / "cache",
        keymap=tmp_path / "keymap.toml",
        history_url="sqlite:///" + (tmp_path / "history.sqlite3").as_posix(),
    )
    monkeypatch.setenv("DRILLSIM_RECORDS", str(place.records))
    monkeypatch.setenv("DRILLSIM_CACHE", str(place.cache))
    monkeypatch.setenv("DRILLSIM_KEYMAP", str(place.keymap))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / "xdg" / name.lower()))
    for name in ("DRILLSIM_HEADLESS", "DRILLSIM_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(scoring.history, "default_url", lambda: place.history_url)
    monkeypatch.setattr(tui.screens.start, "scan", _scan_once)
    return place


@pytest.fixture
def wall() -> Wall:
    """A wall clock that moves only when the test says."""
    return Wall()
