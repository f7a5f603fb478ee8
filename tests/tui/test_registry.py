"""One registry of keys and one table of words: complete, consistent, documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui import keys
from tui.app import DrillsimApp
from tui.dialogs.room import RoomDialog
from tui.i18n import WORDS, tr
from tui.keys import KEYS, KeymapError, load_keymap
from tui.screens.debrief import DebriefScreen
from tui.screens.live import LiveScreen
from tui.screens.replay import ReplayScreen
from tui.screens.roleplay import RolePlayScreen
from tui.screens.roleplay_result import RolePlayResultScreen
from tui.screens.setup import SetupScreen
from tui.screens.start import StartScreen

ROOT = Path(__file__).resolve().parents[2]
SCOPES = {
    "app": DrillsimApp,
    "start": StartScreen,
    "setup": SetupScreen,
    "live": LiveScreen,
    "room": RoomDialog,
    "debrief": DebriefScreen,
    "replay": ReplayScreen,
    "roleplay": RolePlayScreen,
    "rpresult": RolePlayResultScreen,
}


def test_binding_ids_are_unique_and_every_scope_has_a_screen() -> None:
    """An id names one binding, and each scope's bindings belong to a real screen."""
    ids = [k.id for k in KEYS]
    assert len(ids) == len(set(ids))
    assert {k.scope for k in KEYS} <= set(SCOPES)


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.id)
def test_every_binding_runs_an_action_its_screen_has(key: keys.Key) -> None:
    """A key whose action does not exist would do nothing when pressed."""
    name = key.action.partition("(")[0]
    owner = SCOPES[key.scope]
    assert hasattr(owner, f"action_{name}") or name in {"quit"}, f"{owner.__name__} has no action_{name}"


@pytest.mark.parametrize("scope", sorted(SCOPES))
def test_no_two_bindings_of_a_screen_share_a_key(scope: str) -> None:
    """Within one screen (and the app above it) a key does one thing."""
    seen: dict[str, str] = {}
    for key in KEYS:
        if key.scope not in (scope, "app"):
            continue
        for name in key.key.split(","):
            assert name not in seen, f"{name} is bound to both {seen[name]} and {key.id}"
            seen[name] = key.id


def test_every_word_the_console_uses_exists_in_both_languages() -> None:
    """tr() with a missing key shows the key itself; every key used in tui/ must be in the table."""
    used: set[str] = set()
    for path in (ROOT / "tui").rglob("*.py"):
        used |= set(re.findall(r"""\btr\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    used |= {k.words for k in KEYS} | {w for k in KEYS for w in (k.short, k.group) if w}
    prefixes = {key for key in used if key.endswith(".")}  # tr(f"status.{status}"): a family of words
    missing = sorted(used - prefixes - set(WORDS))
    assert not missing
    for prefix in prefixes:
        assert any(word.startswith(prefix) for word in WORDS), prefix
    for family, members in {
        "rp.mood.": ("calm", "upset", "angry", "escalating"),
        "start.kind.": ("plan", "scenario", "roleplay"),
    }.items():
        assert all(family + m in WORDS for m in members)
    for key, (zh, en) in WORDS.items():
        assert zh.strip() and en.strip(), key


def test_words_fill_their_fields_in_both_languages() -> None:
    """A word with {fields} gets them in Chinese and in English alike."""
    for key, (zh, en) in WORDS.items():
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key
    assert tr("live.bookmarked", "zh", t="03:00") == "已加书签（03:00）"


def test_the_guide_lists_every_binding() -> None:
    """docs/console.md documents each binding by id, so the guide cannot drift from the registry."""
    guide = (ROOT / "docs" / "console.md").read_text(encoding="utf-8")
    for key in KEYS:
        assert f"`{key.id}`" in guide, key.id


def test_the_guide_says_what_the_footer_shows_as_the_registry_does() -> None:
    """Each binding's row in docs/console.md gives its footer label in both languages, or "—" if only F1 has it."""
    guide = (ROOT / "docs" / "console.md").read_text(encoding="utf-8")
    rows = {m[1]: m[2] for m in re.finditer(r"^\| `([a-z0-9_.]+)` \|.*\| ([^|]+) \|$", guide, re.MULTILINE)}
    for key in KEYS:
        footer = rows[key.id]
        if key.id == "app.palette":  # the footer adds it where it fits
            assert footer.startswith(f"{tr(key.words, 'zh')} / {tr(key.words, 'en')}"), footer
        elif not key.show:
            assert footer.startswith("—"), (key.id, footer)
        else:
            words = key.group or key.short or key.words
            assert footer.startswith(f"{tr(words, 'zh')} / {tr(words, 'en')}"), (key.id, footer)


def test_a_key_map_remaps_by_id(tmp_path: Path) -> None:
    """[keys] binding-id = "key" is read as a keymap for App.set_keymap."""
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"live.bookmark" = "k"\n', encoding="utf-8")
    assert load_keymap(path) == {"live.bookmark": "k"}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[keys\n", "Expected"),
        ('[keys]\n"live.bokmark" = "k"\n', "unknown binding id 'live.bokmark'"),
        ('[keys]\n"live.bookmark" = 3\n', "must be text"),
        ('keys = "k"\n', "must be a table"),
    ],
)
def test_a_bad_key_map_is_refused_with_the_reason(tmp_path: Path, text: str, problem: str) -> None:
    """A key map that cannot be used says why (the console then starts with the default keys)."""
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KeymapError, match=re.escape(problem) if "'" in problem else problem):
        load_keymap(path)


def test_a_missing_key_map_changes_nothing(tmp_path: Path) -> None:
    """No file, no remapping."""
    assert load_keymap(tmp_path / "none.toml") == {}
