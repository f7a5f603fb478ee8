"""The training officer's ledger (台账): the programme kept, attendance, corrective actions to
closure, quarterly reviews, and the Excel and Word files managers and inspectors ask for.

It reads history (:mod:`scoring.history`, the same database) and a training programme file
(``programme/1``, :mod:`engine.format.programme`), and adds two things to the database (schema
migration 2): make-up links and corrective actions.

The package, by concept:

* :mod:`.periods`: months, quarters, halves and years;
* :mod:`.store`: :class:`Ledger`, history plus the ledger's reads and writes;
* :mod:`.compliance`, :mod:`.attendance`, :mod:`.actions`: what the programme asks and what was
  done, who came, what must be corrected (pure functions of what the store reads);
* :mod:`.review`: the quarterly review (季度复盘) as a document of headed blocks, like a report;
* :mod:`.document`, :mod:`.word`, :mod:`.excel`: Markdown and HTML of such a document, Word files
  of it and of a drill report, and the spreadsheets (演练台账, a person's training record);
* :mod:`.cli`: ``drillsim actions`` and ``drillsim review``, and the ledger's views of ``history``.

Import from here; the modules may move.
"""

from scoring.ledger.actions import Area, areas_of, proposal, proposals, raise_from
from scoring.ledger.attendance import Roll, rates, rolls
from scoring.ledger.compliance import Due, compliance
from scoring.ledger.periods import Span, quarter, span_of, spans
from scoring.ledger.schema import ELEMENTS, STATUSES
from scoring.ledger.store import Action, Drill, Ledger

__all__ = [
    "ELEMENTS",
    "STATUSES",
    "Action",
    "Area",
    "Drill",
    "Due",
    "Ledger",
    "Roll",
    "Span",
    "areas_of",
    "compliance",
    "proposal",
    "proposals",
    "quarter",
    "raise_from",
    "rates",
    "rolls",
    "span_of",
    "spans",
]
