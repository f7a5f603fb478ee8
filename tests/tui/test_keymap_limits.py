"""A key map beyond any real one's size or nesting is refused in one line, never read whole or crashed on."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.tui.harness import Home
from tui import keys

DEEP = {
    "arrays": "a = " + "[" * 30_000 + "]" * 30_000 + "\n",
    "inline tables": "a = " + "{b = " * 8_000 + "1" + "}" * 8_000 + "\n",
    "a table too deep for the format": '[keys.live.pause]\nkey = "p"\n',
}


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_a_key_map_nested_deeper_than_the_format_is_refused(home: Home, text: str) -> None:
    """Nesting beyond [keys] and a dotted binding id is a KeymapLimitError, not a RecursionError."""
    home.keymap.write_text(text, encoding="utf-8")
    with pytest.raises(keys.KeymapLimitError, match="nested deeper than the format's 3 levels"):
        keys.load_keymap()


def test_a_huge_key_map_is_refused_without_being_read_whole(home: Home) -> None:
    """A 300 MB key map (sparse here) is refused at once: only the first 64 KB + 1 byte are read."""
    with home.keymap.open("wb") as stream:
        stream.truncate(300 * 1024 * 1024)
    began = time.monotonic()
    with pytest.raises(keys.KeymapLimitError, match="larger than 64 KB"):
        keys.load_keymap()
    assert time.monotonic() - began < 1.0


def test_a_key_map_just_under_the_limit_with_comments_is_read(home: Home) -> None:
    """A real key map padded with comments to the limit still works."""
    body = '[keys]\nlive.bookmark = "k"\n'
    home.keymap.write_text(body + "#" * (keys.MAX_BYTES - len(body) - 1) + "\n", encoding="utf-8")
    assert keys.load_keymap() == {"live.bookmark": "k"}


@pytest.mark.parametrize("text", [DEEP["arrays"], "x" * (keys.MAX_BYTES + 10)], ids=["deep", "large"])
def test_the_console_refuses_to_start_with_such_a_key_map_in_one_line_and_exit_2(home: Home, text: str) -> None:
    """``drillsim console`` names the key map and what is wrong on one line of stderr, exit status 2."""
    home.keymap.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "console"],
        cwd=ROOT,
        env=os.environ | {"DRILLSIM_HEADLESS": "1"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"drillsim: key map {home.keymap}: ")
