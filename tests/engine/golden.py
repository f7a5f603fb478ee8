"""Fingerprints of the events the engine makes for every scenario and plan of a frozen content copy.

The engine's hot path is tuned for speed (Monte Carlo, what-if); tuning must never change what a
drill records. ``tests/fixtures/engine_v1`` holds a copy of the shipped content as it was before the
tuning, and ``fingerprints.json`` the digest of every event of every drill the engine of that time
made from it: per file, 1,000 random-policy drills (seeds 0-999, strict and observe alternately),
50 runs of its correct script, and random drills in which decisions are withdrawn while they run
(a facilitator's correction interrupts an action half way). ``test_fast_paths`` recomputes them with today's engine.

Run this file to write the fingerprints (only with the engine they are meant to pin)::

    python tests/engine/golden.py --write
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from engine.errors import DrillError, EngineError
from engine.format import load_script
from engine.runtime import Drill, Setup, Submission, play_random, play_script, prepare

CONTENT = Path(__file__).resolve().parents[1] / "fixtures" / "engine_v1"
"""The frozen content copy (scenarios and plans side by side, correct scripts in ``scripts/``)."""

FINGERPRINTS = CONTENT / "fingerprints.json"


def setup_of(path: Path) -> Setup:
    """A scenario or plan's set-up; a role-play-only scenario is played as its role-play."""
    setup = prepare(str(path))
    try:
        setup.scenarios(0)
    except DrillError:
        setup = prepare(str(path), roleplay=True)
    return setup


def play_withdrawing(drill: Drill, seed: int) -> None:
    """A random trainee whose facilitator now and then withdraws a decision that is still running."""
    rng = random.Random(f"withdraw:{seed}")
    accepted: list[int] = []
    while not drill.finished:
        drill.advance_to(drill.now + rng.expovariate(0.5))
        if drill.finished:
            break
        if accepted and rng.random() < 0.3:
            with contextlib.suppress(EngineError):  # its action had finished: nothing to withdraw
                drill.withdraw(accepted.pop(rng.randrange(len(accepted))))
            continue
        options = [o for o in drill.options() if not o.coach_judged]
        if options:
            pick = options[rng.randrange(len(options))]
            verdict = drill.submit(Submission(pick.role, pick.action, pick.incident, "policy"))
            if verdict.status == "accepted":
                accepted.append(verdict.seq)


def fingerprint(path: Path, seeds: range, scripted: range, withdrawing: range = range(0)) -> dict[str, Any]:
    """The digest of every event of ``seeds`` random drills, ``scripted`` correct-script runs and
    ``withdrawing`` random drills with withdrawals."""
    setup = setup_of(path)
    digest = hashlib.blake2b(digest_size=16)
    events = 0

    def play(seed: int, mode: str, how: Callable[[Drill], None]) -> None:
        nonlocal events
        drill = setup.drill(seed=seed, mode=mode)
        drill.start()
        how(drill)
        for event in drill.events:
            digest.update(json.dumps(event.to_json(), ensure_ascii=False, separators=(",", ":")).encode())
        events += len(drill.events)

    for seed in seeds:
        play(seed, "observe" if seed % 2 else "strict", partial(play_random, seed=seed))
    script = CONTENT / "scripts" / f"{path.stem}.correct.yaml"
    if script.is_file():
        decisions = load_script(script).model.decisions
        for seed in scripted:
            play(seed, "observe", lambda d: play_script(d, decisions))
    for seed in withdrawing:
        play(seed, "observe", partial(play_withdrawing, seed=seed))
    return {"events": events, "digest": digest.hexdigest()}


def files() -> list[Path]:
    """Every scenario and plan of the content copy."""
    return sorted(CONTENT.glob("*.yaml"))


def main() -> None:
    if "--write" not in sys.argv:
        print(__doc__)
        return
    found = {}
    for path in files():
        found[path.name] = {
            "short": fingerprint(path, range(50), range(5), range(20)),
            "long": fingerprint(path, range(1000), range(50), range(200)),
        }
        print(path.name, found[path.name], flush=True)
    FINGERPRINTS.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
