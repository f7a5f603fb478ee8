"""What a hostile (or careless) hand can do to a record file: edit, delete, swap, append, truncate, re-chain.

Shared by the engine's and scoring's hostile-record tests. Each alteration takes a record file and
changes it in place; every one of them must be refused by every reader.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.runtime import signing

Alteration = Callable[[Path], None]
"""Changes a record file in place."""


def lines_of(path: Path) -> list[str]:
    """The record's lines, without their newlines."""
    return path.read_text(encoding="utf-8").splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    """Write lines back, each ending in a newline."""
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def dumps(data: dict[str, Any]) -> str:
    """A line as the record writer writes it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def edited(line: str) -> str:
    """The line with one value changed to another that is still well-formed (the chain, not the reader, must notice)."""
    data = json.loads(line)
    if data.get("type") == "content":
        data["text"] += "\n# edited\n"
    elif data.get("type") == "header":
        data["seed"] += 1
    else:
        data["t"] += 1
    return dumps(data)


def rechained(lines: list[str], secret: bytes | None = None) -> list[str]:
    """The lines with every ``chk`` computed again (plain, or under ``secret``): what a forger does."""
    out = []
    chk = signing.SEED
    for line in lines:
        data = json.loads(line)
        data.pop("chk", None)
        core = dumps({k: v for k, v in data.items() if not k.startswith("wall")})
        chk = signing.link(chk, core, secret)
        out.append(dumps({**data, "chk": chk}))
    return out


def _edit(index: int) -> Alteration:
    def alter(path: Path) -> None:
        lines = lines_of(path)
        lines[index] = edited(lines[index])
        write_lines(path, lines)

    return alter


def _delete(index: int) -> Alteration:
    def alter(path: Path) -> None:
        lines = lines_of(path)
        del lines[index]
        write_lines(path, lines)

    return alter


def _swap(index: int) -> Alteration:
    def alter(path: Path) -> None:
        lines = lines_of(path)
        lines[index], lines[index + 1] = lines[index + 1], lines[index]
        write_lines(path, lines)

    return alter


def _truncate(keep: int) -> Alteration:
    def alter(path: Path) -> None:
        write_lines(path, lines_of(path)[:keep])

    return alter


def _cut_mid_line(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.rstrip("\n").rfind("\n") + 20], encoding="utf-8")


def _append_garbage(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write("rm -rf / # not a record line\n")


def _append_garbage_without_newline(path: Path) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"seq": 999, "t"')


def _nest(index: int) -> Alteration:
    """Line ``index`` replaced by brackets nested far deeper than Python's JSON reader recurses."""

    def alter(path: Path) -> None:
        lines = lines_of(path)
        lines[index] = "[" * 20_000 + "]" * 20_000
        write_lines(path, lines)

    return alter


def _append_a_copy_of_the_last_line(path: Path) -> None:
    lines = lines_of(path)
    write_lines(path, [*lines, lines[-1]])


def _append_a_chained_decision(path: Path) -> None:
    """A decision after the drill's end, chained as the writer would (plain chain)."""
    lines = lines_of(path)
    last = json.loads(lines[-1])
    decision = {"seq": last["seq"] + 1, "t": last["t"], "type": "decision", "status": "accepted", "incident": 0}
    decision |= {"role": "control", "action": "log", "source": "ui"}
    write_lines(path, rechained([*lines, dumps(decision)]))


def alterations(lines: int) -> list[tuple[str, Alteration]]:
    """Every alteration of a record of ``lines`` lines: each line edited, deleted, swapped with the next,
    the record cut after each line, cut mid-line, lines nested too deep to read, and four kinds of
    appended lines."""
    found: list[tuple[str, Alteration]] = []
    for index in range(lines):
        found.append((f"edit line {index + 1}", _edit(index)))
        found.append((f"delete line {index + 1}", _delete(index)))
        if index + 1 < lines:
            found.append((f"swap lines {index + 1} and {index + 2}", _swap(index)))
            found.append((f"truncate after line {index + 1}", _truncate(index + 1)))
    found += [
        ("cut mid-line", _cut_mid_line),
        ("append garbage", _append_garbage),
        ("a line nested 20,000 deep", _nest(1)),
        ("a last line nested 20,000 deep", _nest(lines - 1)),
        ("append a torn line", _append_garbage_without_newline),
        ("append a copy of the last line", _append_a_copy_of_the_last_line),
        ("append a chained decision", _append_a_chained_decision),
    ]
    return found
