"""Many command lines through one fresh interpreter: a table of invocations for the price of one start-up.

Starting Python and importing the engine takes about half a second; a table of fifty command lines
run one process each spends most of its time there. :func:`run_each` starts one interpreter that
calls the command line's ``main`` for each invocation in turn, in its folder, with its output
captured, its exit code (returned or raised with ``SystemExit``) kept, and at most :data:`TIMEOUT`
seconds each. The invocations still run apart from the tests (a payload that ran, or a crash,
cannot touch the test process), and each gets a fresh warnings registry, so what a process would
print once shows for every invocation. What only a fresh process shows (its start-up, the modules
it imports) is tested by running ``python -m ...`` itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT

TIMEOUT = 20
"""Seconds one invocation may take before it counts as hung."""

_CHILD = r"""
import contextlib, importlib, io, json, os, signal, sys, traceback, warnings

main = importlib.import_module(sys.argv[1]).main
alarm = hasattr(signal, "SIGALRM")


class Hung(BaseException):
    pass  # not an Exception: the command line must not catch it as an internal error


def hung(signum, frame):
    raise Hung


if alarm:
    signal.signal(signal.SIGALRM, hung)
results = []
for cwd, args in json.load(sys.stdin):
    os.chdir(cwd)
    out, err = io.StringIO(), io.StringIO()
    if alarm:
        signal.alarm(int(sys.argv[2]))
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    except Hung:
        code = "hung"
    except SystemExit as exc:  # as the interpreter exits: None is 0, a message goes to stderr with 1
        code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else 1
        if not isinstance(exc.code, int | None):
            err.write(f"{exc.code}\n")
    except Exception:  # as the interpreter would: the traceback on stderr, exit 1
        err.write(traceback.format_exc())
        code = 1
    finally:
        if alarm:
            signal.alarm(0)
    results.append({"returncode": code, "stdout": out.getvalue(), "stderr": err.getvalue()})
print(json.dumps(results))
"""
"""The child: runs ``main`` of the module named in argv[1] on each (folder, arguments) read from stdin."""


@dataclass(frozen=True)
class Outcome:
    """What one invocation printed and returned (``"hung"`` if it ran past :data:`TIMEOUT`)."""

    returncode: int | str
    stdout: str
    stderr: str


def run_each(
    module: str, invocations: Sequence[tuple[Path, Sequence[str]]], env: Mapping[str, str] | None = None
) -> list[Outcome]:
    """``python -m MODULE ARGS...`` in each folder, all through ``MODULE.main`` in one fresh interpreter.

    Args:
        module: The command line's module (``engine.tools.cli``, ``tui.cli``); it has ``main(argv)``.
        invocations: (folder to run in, arguments), in order.
        env: The interpreter's environment (default: this one's).

    Returns:
        One outcome per invocation, in order.
    """
    jobs = [(str(folder), list(args)) for folder, args in invocations]
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), environment.get("PYTHONPATH")) if p)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, module, str(TIMEOUT)],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=TIMEOUT * len(jobs) + 30,
        env=environment,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [Outcome(**outcome) for outcome in json.loads(done.stdout)]
