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
