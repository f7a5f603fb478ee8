"""The what-if analysis of a record, scored: what each decision changed, for a debrief.

:func:`engine.tools.whatif.analyse` forks the record at each decision and plays every alternative
on with a good trainee; the engine cannot score, so this is where the score-only path
(:func:`scoring.scorecard.score_only`) is handed to it. The console's debrief and the reports call
:func:`whatif`; :mod:`scoring.report.whatif` words the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.tools.whatif import analyse
from scoring.report.whatif import basis
from scoring.scorecard import score_only


def whatif(
    record: str | Path,
    *,
    seeds: int = 200,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    unverified: bool = False,
) -> dict[str, Any]:
    """The ranked alternatives of a recorded drill (``drillsim-whatif/1``), each scored.

    Each alternative also says what its rank rests on (``basis``: :func:`scoring.report.whatif.basis`),
    read from its differences; the analysis's figures and ranking are its own.

    Args:
        record: The record's path.
        seeds: Drills per alternative.
        jobs: Worker processes; the result is the same for any number.
        progress: Called with (drills done, drills in all), for a progress bar.
        unverified: Analyse a record that does not verify anyway (the result's ``warning`` says so).

    Raises:
        RecordError: The record cannot be read, or does not verify (unless ``unverified``).
        ContentError: A scenario of the record cannot be loaded.
    """
    result = analyse(record, seeds=seeds, jobs=jobs, scorer=score_only, progress=progress, unverified=unverified)
    for row in result["alternatives"]:
        row["basis"] = basis(row)  # what its rank rests on, for a reader of the JSON as for the reports
    return result
