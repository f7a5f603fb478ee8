"""The drill runtime: a compiled scenario run on a simulated clock, its record, and what is read from it.

- :func:`prepare` turns a scenario or plan into a :class:`Setup`; :meth:`Setup.drill` builds a
  :class:`Drill` (SimPy owns sim time, ``transitions`` the state of each incident, :mod:`rules`
  the two rules);
- :class:`Session` is a live drill with its record on disk and its clock (what the console drives);
- :mod:`record` writes and reads records, verifies and replays them;
- :class:`Situation` and :class:`Timeline` are what a screen or a report reads from the events.

The runtime imports the format, never the author's tools.
"""

from engine.runtime.clock import SPEEDS, Clock
from engine.runtime.compile import CompiledScenario, compiled
from engine.runtime.drive import Pacer, play_random, play_script
from engine.runtime.record import (
    Record,
    RecordWriter,
    first_broken_link,
    header_for,
    read,
    replay,
    same_event,
    setup_from,
    verify,
)
from engine.runtime.run import Drill, Listener, Option, Submission, Verdict
from engine.runtime.session import Origin, Session
from engine.runtime.setup import Setup, prepare
from engine.runtime.situation import STAGES, IncidentView, Index, Situation
from engine.runtime.timeline import Timeline

__all__ = [
    "SPEEDS",
    "STAGES",
    "Clock",
    "CompiledScenario",
    "Drill",
    "IncidentView",
    "Index",
    "Listener",
    "Option",
    "Origin",
    "Pacer",
    "Record",
    "RecordWriter",
    "Session",
    "Setup",
    "Situation",
    "Submission",
    "Timeline",
    "Verdict",
    "compiled",
    "first_broken_link",
    "header_for",
    "play_random",
    "play_script",
    "prepare",
    "read",
    "replay",
    "same_event",
    "setup_from",
    "verify",
]
