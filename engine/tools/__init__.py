"""The scenario author's tools and the headless command line.

:mod:`lint` finds what a valid scenario can still get wrong; :mod:`scenario_tests` runs the tests
written beside a scenario; :mod:`simulate` plays many seeded drills (Monte Carlo); :mod:`graph`
draws the state graph; :mod:`cli` is the ``drillsim`` commands that need no console
(``python -m engine.tools`` runs it).

Nothing in the format or the runtime imports this package. The command line is not imported here:
it is the one module that pulls in everything, and ``python -m engine.tools.cli`` must find it unloaded.
"""

from engine.tools.lint import CODES, MAX_LINES, WIDTH, Lint, lint_file, lint_paths
from engine.tools.scenario_tests import TestResult, run_file, run_test

__all__ = ["CODES", "MAX_LINES", "WIDTH", "Lint", "TestResult", "lint_file", "lint_paths", "run_file", "run_test"]
