"""The ledger's tables in the history database: make-up links and corrective actions with their log.

They are added by history's schema migration 2 (:data:`scoring.history.MIGRATIONS`), on the same
``metadata``, so one ``schema_version`` covers drills and ledger alike, a new database gets them at
once, and an old one gains them the first time this drillsim opens it (under the PostgreSQL schema
lock, like every migration). The tables only ever point at ``drills``; history's own tables do not
know they exist.

What is *not* stored: the roster and the programme. The programme is a file the training officer
keeps (with each member's ``joined``/``left`` days, so last year's drills are judged by last year's
roster); attendance, absentees and compliance are worked out from it and the drills when asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, Text

from scoring.history import metadata

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

STATUSES = ("open", "in-progress", "done", "verified")
"""A corrective action's life: raised, being worked on, done by its owner, verified by a later drill
(or by whoever closes it)."""

ELEMENTS = ("planning", "organization", "equipment", "training", "exercise")
"""HSEEP's capability elements (POETE): what a corrective action changes."""

makeups = Table(
    "ledger_makeups",
    metadata,
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True),
    Column("original_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), nullable=False),
    CheckConstraint("drill_id <> original_id", name="ck_ledger_makeups_self"),
)
"""A make-up drill (补训) and the drill whose absentees it makes up for."""
Index("ix_ledger_makeups_original", makeups.c.original_id)

actions = Table(
    "ledger_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="SET NULL")),  # the drill it was raised from
    Column("area", String(20)),  # the report's area for improvement (A1, A2...)
    Column("scenario", String(200)),
    Column("task", String(100)),  # the critical task a later drill must perform on time to verify it
    Column("site", String(200)),
    Column("team", String(200)),
    Column("issue", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("element", String(20)),
    Column("owner", String(200), nullable=False),
    Column("due", Date),
    Column("status", String(20), nullable=False),
    Column("verified_by", Integer, ForeignKey("drills.id", ondelete="SET NULL")),
    Column("raised_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("closed_at", DateTime),
    CheckConstraint("status IN ('open', 'in-progress', 'done', 'verified')", name="ck_ledger_actions_status"),
)
"""Corrective actions (整改措施): the improvement plan's rows, tracked to closure."""
Index("ix_ledger_actions_status", actions.c.status)
Index("ix_ledger_actions_drill", actions.c.drill_id)

action_log = Table(
    "ledger_action_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, ForeignKey("ledger_actions.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("status", String(20), nullable=False),
    Column("note", Text, nullable=False),
)
"""Every change of a corrective action, oldest first: the audit trail an inspector asks for."""
Index("ix_ledger_action_log_action", action_log.c.action_id)

TABLES = (makeups, actions, action_log)
"""The ledger's tables, in the order they are created."""


def create(conn: Connection) -> None:
    """Migration 2: create the ledger's tables (as they are at version 2)."""
    metadata.create_all(conn, tables=list(TABLES))
