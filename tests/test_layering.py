"""The architecture's one-way dependencies, enforced on every module (deferred imports included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = {
    "engine": {"textual", "tui", "scoring"},
    "scoring": {"textual", "tui"},
}
"""Package -> top-level modules it must never import."""

INNER = {
    "engine/format": {"engine.runtime", "engine.tools"},
    "engine/runtime": {"engine.tools"},
}
"""Inside the engine: the format never imports the runtime or the tools; the runtime never the tools."""


def imported_roots(path: Path) -> set[str]:
    """Top-level names of every import in a file, at any depth of the syntax tree."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__":
            roots.add("__import__")
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_the_core_never_imports_the_ui(package: str) -> None:
    """engine/ imports neither textual, tui nor scoring; scoring imports neither textual nor tui."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & (FORBIDDEN[package] | {"__import__"}))
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def imported_modules(path: Path) -> set[str]:
    """Full dotted names of every absolute import in a file, at any depth of the syntax tree."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("folder", sorted(INNER))
def test_the_engine_layers_import_only_downwards(folder: str) -> None:
    """engine.format imports neither the runtime nor the tools; engine.runtime does not import the tools."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in imported_modules(path)
            if any(name == banned or name.startswith(banned + ".") for banned in INNER[folder])
        )
        for path in (ROOT / folder).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_each_engine_package_has_a_front_door() -> None:
    """engine.format, engine.runtime and engine.tools each declare their public names in __all__."""
    import importlib

    for name in ("engine.format", "engine.runtime", "engine.tools"):
        module = importlib.import_module(name)
        exported = getattr(module, "__all__", None)
        assert exported, name
        assert all(hasattr(module, item) for item in exported), name


def test_the_package_names_resolve_inside_this_repository() -> None:
    """The generic names engine, scoring and tui are ours, not some installed namesake."""
    import engine
    import scoring
    import tui

    for module in (engine, scoring, tui):
        assert Path(module.__file__ or "").resolve().is_relative_to(ROOT)


def test_content_folders_hold_yaml_only() -> None:
    """scenarios/ and drills/ are data: no Python in them, ever."""
    for folder in ("scenarios", "drills"):
        stray = [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix not in (".yaml", ".yml", ".md")]
        assert stray == []


def test_nothing_in_the_core_calls_eval_or_exec() -> None:
    """Scenario files are data: the core has no eval, exec or compile of source text."""
    for package in ("engine", "scoring"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            calls = {
                node.func.id
                for node in ast.walk(tree)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            }
            assert not calls & {"eval", "exec", "compile"}, path
