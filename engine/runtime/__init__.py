"""The drill runtime: a compiled scenario run on a simulated clock, its record, and what is read from it.

- :func:`prepare` turns a scenario or plan into a :class:`Setup`; :meth:`Setup.drill` builds a
  :class:`Drill` (SimPy owns sim time, ``transitions`` the state of each incident, :mod:`rules`
  the two rules);
- :class:`Session` is a live drill with its record on disk and its clock (what the console drives);
- :mod:`record` writes and reads records, verifies and replays them (:func:`open_verified` is
  every reader's way in); :mod:`signing` holds the site key that signs them;
- :class:`Situation` and :class:`Timeline` are what a screen or a report reads from the events.

The runtime imports the format, never the author's tools.
"""

from engine.runtime.clock import SPEEDS, Clock
from engine.runtime.compile import CompiledScenario, compiled
from engine.runtime.drive import Pacer, play_random, play_script
from engine.runtime.record import (
    Opened,
    Record,
    RecordWriter,
    Verification,
    check,
    check_chain,
    first_broken_link,
    header_for,
    new_drill_id,
    open_verified,
    read,
    replay,
    same_event,
    setup_from,
    sources_of,
    verify,
)
from engine.runtime.run import Drill, Listener, Option, Submission, Verdict
from engine.runtime.session import Origin, Session
from engine.runtime.setup import Setup, prepare
from engine.runtime.signing import SiteKey, default_key_path, new_site_key, site_key
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
    "Opened",
    "Option",
    "Origin",
    "Pacer",
    "Record",
    "RecordWriter",
    "Session",
    "Setup",
    "SiteKey",
    "Situation",
    "Submission",
    "Timeline",
    "Verdict",
    "Verification",
    "check",
    "check_chain",
    "compiled",
    "default_key_path",
    "first_broken_link",
    "header_for",
    "new_drill_id",
    "new_site_key",
    "open_verified",
    "play_random",
    "play_script",
    "prepare",
    "read",
    "replay",
    "same_event",
    "setup_from",
    "site_key",
    "sources_of",
    "verify",
]
