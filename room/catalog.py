"""What the room offers: the drill plans and scenarios a facilitator can open, and the role-plays.

Loaded once when the server starts (the built-in library, then the folders given to ``serve``),
through the engine's loader; a file that does not load is skipped with one line on the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.errors import DrillError
from engine.format import Plan, Scenario, load
from engine.paths import library_dirs

Words = dict[str, str]
"""A text in both languages."""


@dataclass(frozen=True)
class Entry:
    """A plan, a scenario, or a scenario's role-play.

    Attributes:
        key: Short stable id used in forms (``plan:<id>``, ``scenario:<id>``, ``roleplay:<id>``).
        path: The file.
        kind: ``plan``, ``scenario`` or ``roleplay``.
        title: Its title.
        personas: For a role-play: (persona id, label).
    """

    key: str
    path: Path
    kind: str
    title: Words
    summary: Words
    mode: str = "observe"
    speed: float = 1.0
    personas: tuple[tuple[str, Words], ...] = ()


def _words(text: object) -> Words:
    return {k: str(v) for k in ("zh", "en") if (v := getattr(text, k, None))}


def content_files(folders: Iterable[Path]) -> list[Path]:
    """YAML files of the given folders (or files), then of the built-in library."""
    files: list[Path] = []
    for folder in [*folders, *library_dirs()]:
        if folder.is_file():
            files.append(folder)
        elif folder.is_dir():
            files.extend(sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml")))
    return files


def scan(folders: Iterable[Path] = ()) -> tuple[list[Entry], list[str]]:
    """Every plan, scenario and role-play found (first folder wins an id), and the files that failed."""
    entries: list[Entry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in content_files(folders):
        try:
            model = load(path).model
        except DrillError as exc:
            problems.append(str(exc).splitlines()[0])
            continue
        if isinstance(model, Plan):
            key = f"plan:{model.id}"
            if key not in seen:
                seen.add(key)
                entries.append(
                    Entry(key, path, "plan", _words(model.title), _words(model.summary), model.mode, model.speed)
                )
        elif isinstance(model, Scenario):
            if model.dialogue is not None and f"roleplay:{model.id}" not in seen:
                seen.add(f"roleplay:{model.id}")
                personas = tuple((pid, _words(p.label)) for pid, p in model.dialogue.personas.items())
                entries.append(
                    Entry(
                        f"roleplay:{model.id}",
                        path,
                        "roleplay",
                        _words(model.title),
                        # The trainee sees the briefing, never the summary (it says what is trained).
                        _words(model.dialogue.briefing),
                        "strict",
                        personas=personas,
                    )
                )
            key = f"scenario:{model.id}"
            if not model.roleplay_only and key not in seen:
                seen.add(key)
                entries.append(Entry(key, path, "scenario", _words(model.title), _words(model.summary)))
    return entries, problems
