"""Hostile files through the real command line: the acceptance list of the hardening issue.

Each file below is something an attacker or a broken editor could hand to ``drillsim``: Python
tags, alias bombs, 20,000-deep nesting, a 30 MB file, bytes that are not UTF-8, conditions that are
Python payloads. For every one, ``drillsim validate`` must exit 1 with a clean message naming the
file (no traceback), finish promptly (a 20 s timeout, not a timing assertion), and never run the
payload; ``drillsim run`` must exit 2 with exactly one clean error line.

The files go through the command line's ``main`` in a separate interpreter, one for all the files
of a command (``tests/batch.py``: a fresh one per file would spend most of the module's time
starting Python); the tests at the end run ``python -m engine.tools.cli`` itself, one process each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.batch import TIMEOUT, Outcome, run_each

MARKER = "PWNED"
"""File a payload would create if it ran; its absence is the proof that nothing ran."""

MINIMAL = """\
schema: scenario/1
id: tiny-drill
version: "1.0"
category: fire
title: {en: Tiny drill}
summary: {en: A fire in a bin.}
roles:
  guard: {kind: staff, label: {en: Guard}}
variables:
  smoke_level: {type: int, initial: 0, min: 0, max: 100}
initial: alarm
states:
  alarm: {narration: {en: The alarm sounds.}}
endings:
  safe: {outcome: success, narration: {en: Everyone is out.}}
actions:
  evacuate:
    role: guard
    label: {en: Evacuate}
    stage: handle
    life: life-safety
    when: WHEN
    effects: {smoke_level: EFFECT}
    goto: safe
dynamics:
  smoke_rises: {var: smoke_level, rate: RATE}
"""
"""A valid scenario with three holes for expressions: a condition, an effect value and a rate."""

DEEP = 20_000


def scenario(when: str = "smoke_level >= 10", effect: str = "smoke_level + 1", rate: str = "2") -> str:
    """The minimal scenario with the given expressions, each written as a YAML double-quoted string."""
    return (
        MINIMAL.replace("WHEN", json.dumps(when))
        .replace("EFFECT", json.dumps(effect))
        .replace("RATE", json.dumps(rate))
    )


def billion_laughs(levels: int = 9, fan: int = 10) -> str:
    """The classic alias bomb, as the value of a scenario field."""
    lines = ["schema: scenario/1", "l0: &l0 [" + ", ".join(["lol"] * fan) + "]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


def mapping_bomb(levels: int = 9, fan: int = 10) -> str:
    """An alias bomb made of mappings, hidden in a field a scenario really has."""
    lines = ["schema: scenario/1", "variables:", "  m0: &m0 {" + ", ".join(f"k{i}: lol" for i in range(fan)) + "}"]
    for level in range(1, levels):
        lines.append(f"  m{level}: &m{level} {{" + ", ".join(f"k{i}: *m{level - 1}" for i in range(fan)) + "}")
    return "\n".join(lines) + "\n"


def thirty_megabytes() -> bytes:
    """A 30 MB file that starts like a scenario and goes on and on."""
    line = b"# " + b"x" * 97 + b"\n"
    return b"schema: scenario/1\nnotes: |\n" + line * (30 * 1024 * 1024 // len(line))


Build = Callable[[Path], bytes]
"""Makes a hostile file's bytes; gets the marker's absolute path so a payload can aim at it."""

HOSTILE: list[tuple[str, Build]] = [
    (
        "python-object-apply",
        lambda m: f'schema: scenario/1\nid: !!python/object/apply:os.system ["touch {m}"]\n'.encode(),
    ),
    (
        "python-object-new",
        lambda m: f'schema: scenario/1\nid: !!python/object/new:builtins.open ["{m}", "w"]\n'.encode(),
    ),
    (
        "python-exec",
        lambda m: f"schema: scenario/1\nid: !!python/object/apply:builtins.exec [\"open('{m}', 'w')\"]\n".encode(),
    ),
    ("python-name", lambda m: b"schema: scenario/1\nid: !!python/name:os.system\n"),
    ("python-module", lambda m: b"schema: scenario/1\nid: !!python/module:os\n"),
    ("python-tagged-root", lambda m: f'!!python/object/apply:os.system ["touch {m}"]\n'.encode()),
    ("custom-tag", lambda m: b"schema: scenario/1\nid: !exploit x\n"),
    ("alias-bomb-lists", lambda m: billion_laughs().encode()),
    ("alias-bomb-mappings", lambda m: mapping_bomb().encode()),
    ("deep-flow-lists", lambda m: b"schema: scenario/1\nroles: " + b"[" * DEEP + b"]" * DEEP + b"\n"),
    ("deep-flow-mappings", lambda m: b"schema: scenario/1\nroles: " + b"{a: " * DEEP + b"1" + b"}" * DEEP + b"\n"),
    ("deep-unclosed", lambda m: b"[" * DEEP),
    ("thirty-megabytes", lambda m: thirty_megabytes()),
    ("invalid-utf8", lambda m: b"schema: scenario/1\nid: caf\xe9\n"),
    ("utf16", lambda m: "schema: scenario/1\nid: tiny-drill\n".encode("utf-16")),
    ("binary-junk", lambda m: bytes(range(256)) * 8),
    ("nul-byte", lambda m: b"schema: scenario/1\x00\nid: x\n"),
    ("control-character", lambda m: b"schema: scenario/1\nid: a\x07b\n"),
    ("five-thousand-digits", lambda m: scenario().encode() + b"limit: " + b"9" * 5000 + b"\n"),
    ("limit-1e999", lambda m: scenario().encode() + b"limit: 1e999\n"),
    ("limit-nan", lambda m: scenario().encode() + b"limit: NaN\n"),
    ("schema-as-list", lambda m: b"schema: [scenario/1]\n"),
    ("two-documents", lambda m: scenario().encode() + b"---\n" + scenario().encode()),
    ("when-os-system", lambda m: scenario(when=f"__import__('os').system('touch {m}') == 0").encode()),
    ("when-os-system-relative", lambda m: scenario(when=f"__import__('os').system('touch {MARKER}')").encode()),
    ("when-lambda", lambda m: scenario(when=f"(lambda: __import__('os').system('touch {m}'))() == 0").encode()),
    ("when-attribute", lambda m: scenario(when="().__class__.__bases__[0].__subclasses__()").encode()),
    ("when-dunder-builtins", lambda m: scenario(when=f"__builtins__.open('{m}', 'w')").encode()),
    ("when-eval", lambda m: scenario(when=f"eval(\"__import__('os').system('touch {m}')\")").encode()),
    ("when-exec", lambda m: scenario(when=f"exec(\"open('{m}', 'w')\")").encode()),
    ("when-open", lambda m: scenario(when=f"open('{m}', 'w') is None").encode()),
    ("when-comprehension", lambda m: scenario(when="[c for c in ().__class__.__base__.__subclasses__()]").encode()),
    ("when-walrus", lambda m: scenario(when=f"(f := open('{m}', 'w'))").encode()),
    ("when-format-string", lambda m: scenario(when="f'{().__class__}' == 'x'").encode()),
    ("when-string-format", lambda m: scenario(when="'{0.__class__}'.format(1) == 'x'").encode()),
    ("when-multiline", lambda m: scenario(when=f"smoke_level > 1\nimport os; os.system('touch {m}')").encode()),
    ("effect-os-system", lambda m: scenario(effect=f"__import__('os').system('touch {m}')").encode()),
    ("rate-lambda", lambda m: scenario(rate=f"(lambda: __import__('os').system('touch {m}'))()").encode()),
]
"""(name, bytes) of every hostile file: the issue's acceptance list and its close relatives."""


NAMES = [name for name, _build in HOSTILE]
"""The hostile files' names, one test each."""


def drillsim(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a fresh interpreter, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "engine.tools.cli", *args],
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT,
        cwd=cwd,
        env=_environment(),
        check=False,
    )


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DRILLSIM_DEBUG"}  # debug mode shows tracebacks
    env["DRILLSIM_LANG"] = "en"
    return env


def drillsim_each(command: str, files: list[Path]) -> list[Outcome]:
    """``drillsim COMMAND FILE`` for each file, in its folder, all in one fresh interpreter."""
    return run_each("engine.tools.cli", [(path.parent, [command, str(path)]) for path in files], _environment())


@dataclass(frozen=True)
class Hostile:
    """A hostile file, and the marker its payload would create (in the file's own folder)."""

    path: Path
    marker: Path


def plant(folder: Path) -> dict[str, Hostile]:
    """Write every hostile file to a folder of its own under ``folder``."""
    planted = {}
    for name, build in HOSTILE:
        home = folder / name
        home.mkdir(parents=True)
        marker = home / MARKER
        path = home / f"{name}.yaml"
        path.write_bytes(build(marker))
        planted[name] = Hostile(path, marker)
    return planted


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Hostile, Outcome]]:
    """``drillsim validate`` on every hostile file."""
    planted = plant(tmp_path_factory.mktemp("validate"))
    outcomes = drillsim_each("validate", [h.path for h in planted.values()])
    return {name: (hostile, outcome) for (name, hostile), outcome in zip(planted.items(), outcomes, strict=True)}


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Hostile, Outcome]]:
    """``drillsim run`` on every hostile file."""
    planted = plant(tmp_path_factory.mktemp("run"))
    outcomes = drillsim_each("run", [h.path for h in planted.values()])
    return {name: (hostile, outcome) for (name, hostile), outcome in zip(planted.items(), outcomes, strict=True)}


@pytest.mark.parametrize("name", NAMES)
def test_validate_refuses_a_hostile_file_cleanly_and_runs_nothing(
    name: str, validated: dict[str, tuple[Hostile, Outcome]]
) -> None:
    """``drillsim validate`` on a hostile file: exit 1, the file named, no traceback, no payload run."""
    hostile, result = validated[name]
    path, marker = hostile.path, hostile.marker
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(path))]
    assert problems, f"stderr does not name {path}:\n{result.stderr}"
    assert f"ok  {path}" not in result.stdout
    assert not marker.exists(), "the payload ran"


@pytest.mark.parametrize("name", NAMES)
def test_run_refuses_a_hostile_file_with_one_clean_error(name: str, ran: dict[str, tuple[Hostile, Outcome]]) -> None:
    """``drillsim run`` on a hostile file: exit 2 and exactly one error line naming the file, nothing run."""
    hostile, result = ran[name]
    path, marker = hostile.path, hostile.marker
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(str(path)), result.stderr
    assert result.stdout == ""
    assert not marker.exists(), "the payload ran"


def test_a_python_payload_condition_is_reported_at_its_line_and_field(tmp_path: Path) -> None:
    """The payload is refused as an expression, pointing at the condition and saying what is not allowed."""
    text = scenario(when="__import__('os').system('touch PWNED')")
    path = tmp_path / "payload.yaml"
    path.write_text(text, encoding="utf-8")
    result = drillsim("validate", str(path), cwd=tmp_path)
    line = text[: text.index("when:")].count("\n") + 1
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:{line}:11: actions.evacuate.when: ")
    assert "is not a function here" in result.stderr
    assert not (tmp_path / MARKER).exists()


def test_the_minimal_scenario_of_this_module_is_valid(tmp_path: Path) -> None:
    """The scenario the payloads are planted in is itself valid, so only the payload is refused."""
    path = tmp_path / "fine.yaml"
    path.write_text(scenario(), encoding="utf-8")
    result = drillsim("validate", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"ok  {path}  (scenario)"


def test_validate_reports_every_hostile_file_in_a_folder_and_still_passes_the_good_one(tmp_path: Path) -> None:
    """A folder of hostile files and one good file: each bad one named, the good one ok, exit 1."""
    (tmp_path / "good.yaml").write_text(scenario(), encoding="utf-8")
    names = ["python-object-apply", "alias-bomb-lists", "deep-flow-lists", "invalid-utf8", "when-os-system"]
    builders = dict(HOSTILE)
    for name in names:
        (tmp_path / f"{name}.yaml").write_bytes(builders[name](tmp_path / MARKER))
    result = drillsim("validate", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"ok  {tmp_path / 'good.yaml'}  (scenario)" in result.stdout
    for name in names:
        assert str(tmp_path / f"{name}.yaml") in result.stderr
    assert result.stderr.splitlines()[-1] == f"1 of {len(names) + 1} files valid"
    assert not (tmp_path / MARKER).exists()
