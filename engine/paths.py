"""Where things live on disk: the shipped library, the console's records, its caches.

Kept free of heavy imports (no pydantic, no SimPy): the console's first screen needs these paths
before anything else is loaded.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

_HERE = Path(__file__).resolve().parent


def library_dirs() -> list[Path]:
    """Folders of the shipped library, in search order (those that exist)."""
    candidates = [
        _HERE.parent / "scenarios",
        _HERE.parent / "drills",
        _HERE / "content" / "scenarios",
        _HERE / "content" / "drills",
    ]
    return [c for c in candidates if c.is_dir()]


def records_dir() -> Path:
    """Where the console keeps records: ``DRILLSIM_RECORDS``, else the user's data folder."""
    explicit = os.environ.get("DRILLSIM_RECORDS")
    folder = Path(explicit) if explicit else Path(user_data_dir("drillsim", appauthor=False)) / "records"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_dir() -> Path:
    """Where the console keeps what it can rebuild (``DRILLSIM_CACHE``, else the user's cache folder)."""
    explicit = os.environ.get("DRILLSIM_CACHE")
    folder = Path(explicit) if explicit else Path(user_cache_dir("drillsim", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_record_path(drill_id: str, seed: int, folder: Path | None = None, *, suffix: str = "") -> Path:
    """A fresh file name for a record: the drill id, the local date and time, the seed."""
    folder = folder or records_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"{drill_id}-{stamp}-s{seed}{suffix}"
    path = folder / f"{base}.jsonl"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}.jsonl"
        n += 1
    return path
