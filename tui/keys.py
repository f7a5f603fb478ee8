"""Every key binding of the console, declared once.

Each binding has a stable id (``live.pause``), a default key, the action it runs, and a description
in both languages. Screens take their ``BINDINGS`` from here; the footer, the help screen and the
command palette all read the same entries, so they cannot disagree. The footer has 80 columns at
most: it shows each screen's main keys under a short label (``short``), the rest only in the help
and the palette (``show=False``), which always give the full description. Users remap keys by id in a
small TOML file (see :func:`keymap_path`), applied with Textual's ``App.set_keymap``.

Switching language live rewrites the descriptions of the bindings already on each screen (Textual
keeps a copy per node); :func:`localise` is the one place that knows how.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from platformdirs import user_config_dir
from textual.binding import Binding, BindingType

from tui.i18n import tr

if TYPE_CHECKING:
    from textual.dom import DOMNode


@dataclass(frozen=True)
class Key:
    """One binding: id, default key, action, and the i18n key of its description.

    ``short`` is the i18n key of the footer's label when ``words`` is too long for it; ``group``
    that of a label shared with the next key (the footer shows ``←→ Step`` for two keys).
    """

    id: str
    key: str
    action: str
    words: str
    show: bool = True
    priority: bool = False
    key_display: str | None = None
    short: str | None = None
    group: str | None = None

    @property
    def scope(self) -> str:
        """Where it applies: ``app``, ``start``, ``setup``, ``live``, ``room``, ``debrief``, ``replay``..."""
        return self.id.partition(".")[0]


KEYS: tuple[Key, ...] = (
    # Everywhere
    Key("app.help", "f1,question_mark", "help", "app.help", key_display="F1"),
    Key("app.lang", "f2", "toggle_language", "app.lang", key_display="F2"),
    Key("app.theme", "f3", "toggle_theme", "app.theme", show=False, key_display="F3"),
    Key("app.quit", "ctrl+q", "quit", "app.quit", priority=True),
    # Textual adds its own palette key, described in English, unless the app binds the action itself.
    Key("app.palette", "ctrl+p", "command_palette", "app.palette", show=False, priority=True),
    # Start
    Key("start.setup", "enter", "choose", "start.setup", show=False),
    Key("start.switch", "tab", "switch", "start.switch", show=False),
    Key("start.resume", "c", "resume", "start.resume"),
    # Set-up
    Key("setup.start", "ctrl+s", "start", "setup.start", priority=True),
    Key("setup.back", "escape", "back", "app.back"),
    # Live drill
    Key("live.pause", "space", "toggle_pause", "live.pause", priority=True, short="live.pause.short"),
    Key("live.faster", "plus,equals_sign", "faster", "live.faster", show=False, key_display="+"),
    Key("live.slower", "minus", "slower", "live.slower", show=False, key_display="-"),
    Key("live.skip", "n", "skip", "live.skip", show=False),
    Key("live.inject", "i", "inject", "live.inject"),
    Key("live.note", "m", "note", "live.note", show=False),
    Key("live.bookmark", "b", "bookmark", "live.bookmark", show=False),
    Key("live.rate_p", "1", "rate('P')", "live.rate_p", show=False),
    Key("live.rate_s", "2", "rate('S')", "live.rate_s", show=False),
    Key("live.rate_m", "3", "rate('M')", "live.rate_m", show=False),
    Key("live.rate_u", "4", "rate('U')", "live.rate_u", show=False),
    Key("live.next_task", "right_square_bracket", "task(1)", "live.next_task", show=False, key_display="]"),
    Key("live.prev_task", "left_square_bracket", "task(-1)", "live.prev_task", show=False, key_display="["),
    Key("live.view", "v", "toggle_view", "live.toggle_view", short="live.toggle_view.short"),
    Key("live.withdraw", "w", "withdraw", "live.withdraw", show=False),
    Key("live.end", "e", "end", "live.end", short="live.end.short"),
    Key("live.room", "r", "room", "live.room", short="live.room.short"),
    # The drill room's dialog (opened with live.room)
    Key("room.accept", "a", "accept", "room.accept"),
    Key("room.reject", "x", "reject", "room.reject"),
    Key("room.remove", "d", "remove", "room.remove"),
    Key("room.close", "escape", "close", "room.close"),
    # Role-play
    Key("roleplay.type", "t", "type_reply", "rp.type"),
    Key("roleplay.pause", "space", "toggle_pause", "live.pause", priority=True, short="live.pause.short"),
    Key("roleplay.faster", "plus,equals_sign", "faster", "live.faster", show=False, key_display="+"),
    Key("roleplay.slower", "minus", "slower", "live.slower", show=False, key_display="-"),
    Key("roleplay.coach", "v", "toggle_coach", "rp.coach", short="rp.coach.short"),
    Key("roleplay.end", "e", "end", "rp.end", short="rp.end.short"),
    # Role-play result
    Key("rpresult.again", "a", "again", "rp.again", short="rp.again.short"),
    Key("rpresult.new", "n", "new_owner", "rp.new", short="rp.new.short"),
    Key("rpresult.replay", "r", "replay", "debrief.replay"),
    Key("rpresult.back", "escape", "back", "debrief.new", short="debrief.new.short"),
    # Debrief
    Key("debrief.export", "x", "export", "debrief.export", short="debrief.export.short"),
    Key("debrief.history", "h", "save", "debrief.history", short="debrief.history.short"),
    Key("debrief.replay", "r", "replay", "debrief.replay"),
    Key("debrief.new", "escape", "new", "debrief.new", short="debrief.new.short"),
    Key("debrief.whatif_seeds", "s", "whatif_seeds", "whatif.seeds", show=False),  # the what-if tab says it
    Key("debrief.whatif_replay", "enter", "whatif_replay", "whatif.replay", show=False),
    Key("debrief.actions", "a", "raise_actions", "debrief.actions", short="debrief.actions.short"),
    # Replay
    Key("replay.back", "left", "step(-1)", "replay.back", key_display="←", priority=True, group="replay.step"),
    Key("replay.forward", "right", "step(1)", "replay.forward", key_display="→", priority=True, group="replay.step"),
    Key("replay.back10", "shift+left,pageup", "step(-10)", "replay.back10", show=False, priority=True),
    Key("replay.forward10", "shift+right,pagedown", "step(10)", "replay.forward10", show=False, priority=True),
    Key("replay.start", "home", "seek_start", "replay.start", show=False, priority=True),
    Key("replay.end", "end", "seek_end", "replay.end", show=False, priority=True),
    Key("replay.next_finding", "f", "jump('finding', 1)", "replay.next_finding", short="replay.next_finding.short"),
    Key("replay.prev_finding", "F", "jump('finding', -1)", "replay.prev_finding", show=False),
    Key("replay.next_bookmark", "b", "jump('bookmark', 1)", "replay.next_bookmark", show=False),
    Key("replay.next_decision", "d", "jump('decision', 1)", "replay.next_decision", short="replay.next_decision.short"),
    Key("replay.fork", "k", "fork", "replay.fork", short="replay.fork.short"),
    Key("replay.debrief", "g", "debrief", "replay.debrief", show=False),
    Key("replay.back_screen", "escape", "back", "app.back"),
)
"""The registry."""

BY_ID = {k.id: k for k in KEYS}


def _words(k: Key, lang: str) -> tuple[str, str, Binding.Group | None]:
    """What a binding says of ``k`` in ``lang``: the footer's label, the full description, the group's label."""
    group = Binding.Group(tr(k.group, lang), compact=True) if k.group else None
    return tr(k.short or k.words, lang), tr(k.words, lang), group


PAUSE_KEYS = frozenset({"live.pause", "roleplay.pause"})
"""The bindings that pause and resume the clock: the footer names what pressing them would do."""


def _described(binding: Binding, lang: str, *, paused: bool = False) -> Binding:
    """``binding`` (of the registry) described in ``lang`` (the pause key as 继续/Resume while ``paused``)."""
    description, tooltip, group = _words(BY_ID[str(binding.id)], lang)
    if paused and binding.id in PAUSE_KEYS:
        description = tr("live.resume.short", lang)
    return dataclasses.replace(binding, description=description, tooltip=tooltip, group=group)


def bindings(scope: str, lang: str) -> list[BindingType]:
    """Textual bindings for one scope, described in ``lang``."""
    return [
        _described(Binding(k.key, k.action, show=k.show, priority=k.priority, key_display=k.key_display, id=k.id), lang)
        for k in KEYS
        if k.scope == scope
    ]


def describe(binding_id: str, lang: str) -> str:
    """The full description of a binding of the registry, for the help screen and the palette."""
    return tr(BY_ID[binding_id].words, lang)


def shown_key(node: DOMNode, binding_id: str) -> str:
    """The key bound now (after the user's key map) to ``binding_id`` on ``node``, as the footer shows it."""
    for found in node._bindings.key_to_bindings.values():
        for binding in found:
            if binding.id == binding_id:
                return node.app.get_key_display(binding)
    return BY_ID[binding_id].key.split(",")[0]


def localise(node: DOMNode, lang: str, *, paused: bool = False) -> None:
    """Describe the bindings already on ``node`` in ``lang`` (keeps any remapped keys).

    ``paused``: the clock stands still, so the pause key is labelled for what it would do (继续/Resume).
    """
    # Textual copies a class's bindings into each node; rewriting that copy is the only way to
    # change a description without re-creating the screen.
    key_to_bindings = node._bindings.key_to_bindings
    for key, found in key_to_bindings.items():
        key_to_bindings[key] = [_described(b, lang, paused=paused) if b.id in BY_ID else b for b in found]


def keymap_path() -> Path:
    """The user's key map: ``DRILLSIM_KEYMAP``, else ``keymap.toml`` in the user's config folder."""
    explicit = os.environ.get("DRILLSIM_KEYMAP")
    return Path(explicit) if explicit else Path(user_config_dir("drillsim", appauthor=False)) / "keymap.toml"


class KeymapError(ValueError):
    """The key map file cannot be used (the console starts with the default keys and says why)."""


class KeymapLimitError(KeymapError):
    """The key map file is beyond any real one's size or nesting: ``drillsim console`` refuses to start."""


MAX_BYTES = 64 * 1024
"""Largest key map read. A full one, every binding remapped with a comment, is under 4 KB."""

MAX_DEPTH = 3
"""Deepest nesting of the format: ``[keys]``, then a dotted id's two parts (``live.pause = "p"``)."""


def _depth(value: object) -> int:
    """How deeply ``value`` nests tables and arrays (a plain value is 0)."""
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _read(path: Path) -> dict[str, object]:
    """The key map's TOML, read within :data:`MAX_BYTES` and :data:`MAX_DEPTH`."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as exc:
        raise KeymapError(exc.strerror or str(exc)) from exc
    if len(raw) > MAX_BYTES:
        raise KeymapLimitError(f'larger than {MAX_BYTES // 1024} KB; a key map is a few lines of binding-id = "key"')
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except RecursionError as exc:  # tomllib recurses once per nested array or inline table
        raise KeymapLimitError(f"nested deeper than the format's {MAX_DEPTH} levels") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise KeymapError(str(exc)) from exc
    if _depth(data) > MAX_DEPTH:
        raise KeymapLimitError(f'nested deeper than the format\'s {MAX_DEPTH} levels ([keys], then id = "key")')
    return data


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """Read ``[keys]`` from the key map file: ``binding-id = "key"``. Missing file: no changes.

    Raises:
        KeymapError: The file is not TOML, or names an unknown binding, or a key is not text.
        KeymapLimitError: The file is larger than :data:`MAX_BYTES` or nested deeper than :data:`MAX_DEPTH`.
    """
    path = path or keymap_path()
    if not path.is_file():
        return {}
    data = _read(path)
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        raise KeymapError('[keys] must be a table of binding-id = "key"')
    pairs: list[tuple[str, object]] = []
    for name, value in keys.items():  # live.pause = "p" is a dotted key: TOML nests it as {"live": {"pause": "p"}}
        if isinstance(value, dict):
            pairs.extend((f"{name}.{sub}", key) for sub, key in value.items())
        else:
            pairs.append((name, value))
    result: dict[str, str] = {}
    for binding_id, key in pairs:
        if binding_id not in BY_ID:
            raise KeymapError(f"unknown binding id '{binding_id}'")
        if not isinstance(key, str) or not key.strip():
            raise KeymapError(f"the key for '{binding_id}' must be text such as \"ctrl+p\"")
        result[binding_id] = key.strip()
    return result
