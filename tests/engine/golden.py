"""Fingerprints of the events the engine makes for every scenario and plan of a frozen content copy.

The engine's hot path is tuned for speed (Monte Carlo, what-if); tuning must never change what a
drill records. ``tests/fixtures/engine_v1`` holds a copy of the shipped content as it was before the
tuning, and ``fingerprints.json`` the digest of every event of every drill the engine of that time
made from it: per file, 1,000 random-policy drills (seeds 0-999, strict and observe alternately)
and 50 runs of its correct script. ``test_fast_paths`` recomputes them with today's engine.

Run this file to write the fingerprints (only with the engine they are meant to pin)::

    python tests/engine/golden.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from engine.errors import DrillError
from engine.format import load_script
from engine.runtime import Setup, play_random, play_script, prepare

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


def fingerprint(path: Path, seeds: range, scripted: range) -> dict[str, Any]:
    """The digest of every event of ``seeds`` random drills and ``scripted`` correct-script runs."""
    setup = setup_of(path)
    digest = hashlib.blake2b(digest_size=16)
    events = 0
    for seed in seeds:
        drill = setup.drill(seed=seed, mode="observe" if seed % 2 else "strict")
        drill.start()
        play_random(drill, seed)
        for event in drill.events:
            digest.update(json.dumps(event.to_json(), ensure_ascii=False, separators=(",", ":")).encode())
        events += len(drill.events)
    script = CONTENT / "scripts" / f"{path.stem}.correct.yaml"
    if script.is_file():
        decisions = load_script(script).model.decisions
        for seed in scripted:
            drill = setup.drill(seed=seed, mode="observe")
            drill.start()
            play_script(drill, decisions)
            for event in drill.events:
                digest.update(json.dumps(event.to_json(), ensure_ascii=False, separators=(",", ":")).encode())
            events += len(drill.events)
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
            "short": fingerprint(path, range(50), range(5)),
            "long": fingerprint(path, range(1000), range(50)),
        }
        print(path.name, found[path.name], flush=True)
    FINGERPRINTS.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
