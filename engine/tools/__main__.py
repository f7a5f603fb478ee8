"""``python -m engine.tools``: the headless commands."""

import sys

from engine.tools.cli import main

sys.exit(main())
