"""One exception tree for the whole project.

Every error a user can meet derives from :class:`DrillError`, so the command line can turn any of
them into one clear line and an exit code. The branches follow the flow of data: content (a file
that cannot be loaded), engine (a decision or a run that cannot go on), record (a drill log that
cannot be read or does not replay). Scoring and storage add their own branches when they land.
"""

from __future__ import annotations

from dataclasses import dataclass


class DrillError(Exception):
    """Root of every error drillsim raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a content file, located as precisely as the loader can.

    Attributes:
        path: The file, as the user named it.
        line: 1-based line, or 0 when the problem concerns the whole file.
        col: 1-based column, or 0 when unknown.
        field: Dotted field path inside the document (``states.alarm.when``), or ``""``.
        message: What is wrong, with a hint where one helps.
    """

    path: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return _one_line(text)


def _one_line(text: str) -> str:
    """A problem is one line: line breaks and other control characters from the file are shown escaped."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


class ContentError(DrillError):
    """A scenario, plan or script file is not acceptable; carries every problem found at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ExpressionError(DrillError):
    """A condition or effect expression is malformed or names something undeclared.

    Raised by the expression compiler without a file position; the loader attaches one.
    """


class EngineError(DrillError):
    """A drill cannot do what was asked (unknown action, time going backwards, run finished)."""


class RecordError(DrillError):
    """A drill record cannot be read, or does not replay to the same events."""
