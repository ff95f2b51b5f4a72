"""security: a per-username sign-in gate (an atomic throttle) and a hash chain over the audit log

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 09:30:00

`signin_gate` holds one row per username tried; a sign-in updates that row first, so parallel
attempts for one name are serialized by the database (PostgreSQL waits on the row lock, DuckDB
refuses the second writer with a conflict) before any password is checked.

`audit_log` gains `seq`, `prev_hash` and `row_hash`; `audit_head` keeps the last link. Rows
already in the log are chained here, in time order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_gate",
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("touched_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_signin_gate")),
    )
    op.add_column("audit_log", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_log", sa.Column("row_hash", sa.String(length=64), nullable=True))
    op.create_table(
        "audit_head",
        sa.Column("chain", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_head")),
    )
    from data.audit_chain import seal_pending

    seal_pending(op.get_bind())


def downgrade() -> None:
    op.drop_table("audit_head")
    op.drop_column("audit_log", "row_hash")
    op.drop_column("audit_log", "prev_hash")
    op.drop_column("audit_log", "seq")
    op.drop_table("signin_gate")
