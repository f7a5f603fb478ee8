"""Keys: the help screen and the command palette come from the registry; users remap keys by id."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable

from tests.tui.harness import Console, Home, Wall, new_session, run
from tui import keys
from tui.app import DrillsimApp
from tui.screens.help import HelpScreen
from tui.screens.live import LiveScreen
from tui.screens.start import StartScreen

LIVE_IDS = {k.id for k in keys.KEYS if k.scope in ("live", "app")}
"""Every binding in force on the live screen: its own and the app's."""


def bookmarks(screen: LiveScreen) -> int:
    """How many bookmarks the live drill has."""
    return len(screen.session.situation.bookmarks())


def test_f1_lists_every_binding_of_the_live_screen_and_of_the_app(wall: Wall) -> None:
    """The help opened on the live screen has one row per registry id in force there, with its key."""

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(new_session(wall=wall)))
        await console.press("f1")
        table = (await console.reach(HelpScreen)).query_one("#help-table", DataTable)
        rows = [table.get_row_at(row) for row in range(table.row_count)]
        assert {str(row[2]) for row in rows} == LIVE_IDS
        assert len(rows) == len(LIVE_IDS)
        keys_of = {str(row[2]): str(row[0]) for row in rows}
        assert keys_of["live.bookmark"] == "b"
        await console.press("escape")
        await console.reach(LiveScreen)  # help has closed

    run(DrillsimApp(lang="en"), steps)


def test_the_command_palette_offers_the_live_screen_commands_and_runs_the_one_chosen(wall: Wall) -> None:
    """Ctrl+P lists every live and app binding by id; searching 'bookm' and Enter bookmarks the drill."""

    async def steps(console: Console) -> None:
        await console.open(LiveScreen(new_session(wall=wall)))
        await console.press("ctrl+p")
        await console.settle()
        found = (await console.reach(CommandPalette)).query_one(CommandList)
        offered = {str(o.prompt).splitlines()[-1] for o in found.options}
        assert offered == LIVE_IDS
        await console.pilot.press(*"bookm")
        await console.settle()
        assert [str(o.prompt).splitlines()[0] for o in found.options] == ["Bookmark"]
        await console.press("enter")
        assert bookmarks(await console.reach(LiveScreen)) == 1

    run(DrillsimApp(lang="en"), steps)


@pytest.mark.parametrize("line", ['live.bookmark = "k"', "live.bookmark = ' k '", '"live.bookmark" = "k"'])
def test_a_key_map_names_bindings_by_id_written_plain_or_quoted(home: Home, line: str) -> None:
    """An id written plain is a TOML dotted key (a nested table), quoted it is one key: both name the binding."""
    home.keymap.write_text(f"[keys]\n{line}\n", encoding="utf-8")
    assert keys.load_keymap() == {"live.bookmark": "k"}


def test_a_user_key_map_remaps_a_binding_by_its_id(home: Home, wall: Wall) -> None:
    """With live.bookmark = "k" in the key map, k bookmarks and b no longer does."""
    home.keymap.write_text('[keys]\nlive.bookmark = "k"\n', encoding="utf-8")

    async def steps(console: Console) -> None:
        assert console.notified("warning") == []
        await console.open(LiveScreen(new_session(wall=wall)))
        await console.press("k")
        assert bookmarks(console.live) == 1
        await console.press("b")
        assert bookmarks(console.live) == 1

    run(DrillsimApp(lang="en"), steps)


def test_a_bad_key_map_is_reported_and_the_console_starts_with_the_default_keys(home: Home, wall: Wall) -> None:
    """A key map naming an unknown binding gives one warning naming the file; the default keys work."""
    home.keymap.write_text('[keys]\n"live.bookmrak" = "k"\n', encoding="utf-8")

    async def steps(console: Console) -> None:
        console.on(StartScreen)
        warnings = console.notified("warning")
        assert len(warnings) == 1
        assert str(home.keymap) in warnings[0] and "live.bookmrak" in warnings[0]
        await console.open(LiveScreen(new_session(wall=wall)))
        await console.press("b")
        assert bookmarks(console.live) == 1

    run(DrillsimApp(lang="en"), steps)
