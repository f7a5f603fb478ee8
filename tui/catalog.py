"""What the start screen lists: drill plans and scenarios found, and recent records.

Plain Python (no Textual), so it is tested and timed on its own. Content is found in the built-in
library and in any folders given on the command line; a file that does not load is listed as a
problem (one line), never a crash. Records are the console's own folder's, newest first.

Loading and validating every file takes the better part of a second (pydantic models, YAML), so
the start screen first shows what :func:`cached` remembers from last time, keyed by each file's
size and modification time, and a worker then runs :func:`scan` to catch any change. Nothing here
imports the engine's models at module level.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.paths import cache_dir, library_dirs, records_dir

if TYPE_CHECKING:
    from engine.format import Plan, Scenario

Words = dict[str, str]
"""A text in both languages: ``{"zh": ..., "en": ...}``."""

CACHE_VERSION = 2


@dataclass(frozen=True)
class Entry:
    """A plan or a scenario that can be run."""

    path: Path
    kind: str
    """``plan``, ``scenario`` or ``roleplay`` (a scenario's customer-service dialogue)."""
    id: str
    title: Words
    summary: Words | None
    minutes: float
    """The longest the drill can run (its time limit, counting later starts)."""
    roles: tuple[Words, ...]
    objectives: tuple[Words, ...]
    incidents: tuple[Words, ...]
    speed: float = 1.0
    mode: str = "observe"
    personas: tuple[tuple[str, Words], ...] = ()
    """For a role-play: the owner personas (id, label) the trainee may meet."""


@dataclass
class Catalog:
    """Entries found, and the files that could not be loaded."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _words(text: Any) -> Words:
    return {k: v for k, v in (("zh", text.zh), ("en", text.en)) if v}


def _scenario_objectives(model: Scenario) -> tuple[Words, ...]:
    return tuple(_words(o.label) for o in model.rubric.objectives.values()) if model.rubric else ()


def content_files(folders: Iterable[Path] = ()) -> list[Path]:
    """The YAML files of the given folders (or files), then of the built-in library."""
    files: list[Path] = []
    for folder in [*folders, *library_dirs()]:
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


def _stamp(files: list[Path]) -> list[list[Any]]:
    stamps = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue
        stamps.append([str(path.resolve()), info.st_size, info.st_mtime_ns])
    return stamps


def _cache_file() -> Path:
    return cache_dir() / "catalog.json"


def cached(folders: Iterable[Path] = ()) -> Catalog | None:
    """The catalog as last scanned, if no file has changed since (else None: call :func:`scan`)."""
    files = content_files(folders)
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION or data.get("files") != _stamp(files):
            return None
        entries = [
            Entry(
                Path(e["path"]),
                e["kind"],
                e["id"],
                e["title"],
                e["summary"],
                float(e["minutes"]),
                tuple(e["roles"]),
                tuple(e["objectives"]),
                tuple(e["incidents"]),
                float(e["speed"]),
                e["mode"],
                tuple((str(p[0]), p[1]) for p in e.get("personas", [])),
            )
            for e in data["entries"]
        ]
        return Catalog(entries, list(data.get("problems", [])))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save(files: list[Path], catalog: Catalog) -> None:
    data = {
        "version": CACHE_VERSION,
        "files": _stamp(files),
        "entries": [
            {
                "path": str(e.path),
                "kind": e.kind,
                "id": e.id,
                "title": e.title,
                "summary": e.summary,
                "minutes": e.minutes,
                "roles": list(e.roles),
                "objectives": list(e.objectives),
                "incidents": list(e.incidents),
                "speed": e.speed,
                "mode": e.mode,
                "personas": [list(p) for p in e.personas],
            }
            for e in catalog.entries
        ],
        "problems": catalog.problems,
    }
    try:
        target = _cache_file()
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        partial.replace(target)
    except OSError:
        pass  # a cache that cannot be written only costs time next start


def scan(folders: Iterable[Path] = ()) -> Catalog:
    """Load every file: plans first, then scenarios, each sorted by id (first folder wins an id)."""
    from engine.errors import DrillError
    from engine.format import Plan, Scenario, load

    catalog = Catalog()
    seen: set[tuple[str, str]] = set()
    files = content_files(folders)
    plans: list[Entry] = []
    scenarios: list[Entry] = []
    roleplays: list[Entry] = []
    loaded_scenarios: dict[Path, Scenario] = {}
    for path in files:
        try:
            loaded = load(path)
        except DrillError as exc:
            catalog.problems.append(str(exc).splitlines()[0])
            continue
        model = loaded.model
        if isinstance(model, Scenario):
            loaded_scenarios[path.resolve()] = model
            key = ("scenario", model.id)
            if key in seen:
                continue
            seen.add(key)
            if model.dialogue is not None:
                roleplays.append(_roleplay_entry(path, model))
            if model.roleplay_only:
                continue
            scenarios.append(
                Entry(
                    path,
                    "scenario",
                    model.id,
                    _words(model.title),
                    _words(model.summary),
                    float(model.limit),
                    tuple(_words(r.label) for r in model.roles.values() if r.kind == "staff"),
                    _scenario_objectives(model),
                    (_words(model.title),),
                )
            )
        elif isinstance(model, Plan):
            key = ("plan", model.id)
            if key in seen:
                continue
            entry = _plan_entry(path, model, loaded_scenarios)
            if entry is None:
                catalog.problems.append(f"{path}: a scenario it names cannot be loaded")
                continue
            seen.add(key)
            plans.append(entry)
    catalog.entries = (
        sorted(plans, key=lambda e: e.id)
        + sorted(roleplays, key=lambda e: e.id)
        + sorted(scenarios, key=lambda e: e.id)
    )
    _save(files, catalog)
    return catalog


def _roleplay_entry(path: Path, model: Scenario) -> Entry:
    from engine.format import STEPS

    dialogue = model.dialogue
    assert dialogue is not None
    return Entry(
        path,
        "roleplay",
        model.id,
        _words(model.title),
        _words(model.summary),
        0.0,
        (_words(model.roles[dialogue.trainee].label),),
        tuple(_words(label) for _sid, label, _moves in STEPS),
        (_words(model.title),),
        1.0,
        "observe",
        tuple((pid, _words(p.label)) for pid, p in sorted(dialogue.personas.items())),
    )


def _plan_entry(path: Path, plan: Plan, loaded: dict[Path, Scenario]) -> Entry | None:
    from engine.errors import DrillError
    from engine.format import find, load_scenario

    titles: list[Words] = []
    roles: dict[str, Words] = {}
    minutes = 0.0
    for incident in plan.incidents:
        try:
            found = find(incident.scenario, near=path.parent).resolve()
            scenario = loaded.get(found) or load_scenario(found).model
        except DrillError:
            return None
        titles.append(_words(scenario.title))
        minutes = max(minutes, incident.start + float(scenario.limit))
        for rid, role in scenario.roles.items():
            if role.kind == "staff":
                roles.setdefault(rid, _words(role.label))
    return Entry(
        path,
        "plan",
        plan.id,
        _words(plan.title),
        _words(plan.summary) if plan.summary else None,
        minutes,
        tuple(roles.values()),
        tuple(_words(o) for o in plan.objectives),
        tuple(titles),
        plan.speed,
        plan.mode,
    )


@dataclass(frozen=True)
class RecordInfo:
    """A record on disk, as the start screen lists it."""

    path: Path
    drill: str
    when: str
    status: str
    """``done``, ``cut`` (cut short: can be resumed) or ``bad``."""
    forked: bool = False


def recent_records(folder: Path | None = None, limit: int = 50) -> list[RecordInfo]:
    """The newest records first. Reads only each file's first and last line.

    Each header is read as the engine's :class:`engine.format.RecordHeader`, which brings in the
    engine's format (a moment's import): the start screen calls this in a worker.
    """
    folder = folder or records_dir()
    paths = sorted(folder.glob("*.jsonl"), key=lambda p: p.stat().st_mtime, reverse=True)[:limit]
    return [_info(p) for p in paths]


def _info(path: Path) -> RecordInfo:
    from engine.errors import DrillError
    from engine.format import parse_header

    try:
        with path.open("rb") as handle:
            header = parse_header(json.loads(handle.readline()))
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - 4096))
            tail = handle.read().splitlines()
    except (OSError, ValueError, RecursionError, AttributeError, DrillError):
        return RecordInfo(path, path.stem, "", "bad")
    when = header.wall_start[:16].replace("T", " ")
    return RecordInfo(path, header.id, when, "done" if _ended(tail) else "cut", header.fork is not None)


def _ended(tail: list[bytes]) -> bool:
    """Whether the last line of a record (read from its end) is the drill's end: a torn line is not."""
    from engine.errors import DrillError
    from engine.format import DrillEnded, parse_event

    try:
        return isinstance(parse_event(json.loads(tail[-1])), DrillEnded)
    except (IndexError, ValueError, RecursionError, AttributeError, DrillError):
        return False
