"""drillsim's engine: the scenario format, its loader, and the drill runtime.

The engine knows nothing of any user interface; the console and the command line drive it through
:class:`engine.runtime.run.Drill` (``advance_to``, ``submit``, ``subscribe``).
"""

__version__ = "0.1.0"
"""Engine version, written into every record."""
