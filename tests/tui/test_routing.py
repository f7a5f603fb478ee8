"""The console's screen flow lives in the router: screens post intents and never import one another."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tui.messages
from tests.conftest import ROOT
from tui.messages import Intent

SCREENS = ROOT / "tui" / "screens"

SHARED = {"tui.screens.base"}
"""What every screen builds on (the screen base classes): not another screen."""

ABOVE = {"tui.app", "tui.router"}
"""What drives the screens: a screen that imported it would point back up the flow."""


def imported_modules(path: Path) -> set[str]:
    """Full dotted names of every absolute import in a file, deferred and type-only ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))  # relative: never used here, always suspect
    return found


def banned(name: str) -> bool:
    """Whether a screen may not import ``name``: another screen, or the app and router above it."""
    if name.startswith("."):
        return True
    if any(name == up or name.startswith(up + ".") for up in ABOVE):
        return True
    if not name.startswith("tui.screens."):
        return False
    return ".".join(name.split(".")[:3]) not in SHARED


@pytest.mark.parametrize("path", sorted(SCREENS.glob("*.py")), ids=lambda p: p.name)
def test_a_screen_imports_no_other_screen_nor_the_app(path: Path) -> None:
    """No module of tui/screens imports another screen, the app or the router: screens post intents instead."""
    assert sorted(name for name in imported_modules(path) if banned(name)) == []


def routed_classes() -> set[str]:
    """Names of the intent classes the router's ``match`` has a case for."""
    tree = ast.parse((ROOT / "tui" / "router.py").read_text(encoding="utf-8"))
    return {
        node.cls.id for node in ast.walk(tree) if isinstance(node, ast.MatchClass) and isinstance(node.cls, ast.Name)
    }


def test_every_intent_has_a_route() -> None:
    """Each intent declared in tui.messages has its case in the router, so no screen's request goes nowhere."""
    declared = {
        name
        for name, value in vars(tui.messages).items()
        if isinstance(value, type) and issubclass(value, Intent) and value is not Intent
    }
    assert declared, "tui.messages declares no intents"
    assert declared - routed_classes() == set()
