"""The facilitator's console and the ``drillsim`` command.

This package's ``__init__`` stays free of Textual so that headless commands start fast; only the
console's own modules import it.
"""
