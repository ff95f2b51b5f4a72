"""stored results

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_results",
        sa.Column("result_key", sa.String(length=64), nullable=False),
        sa.Column("data_version", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.Column("seconds", sa.Numeric(precision=9, scale=3), nullable=True),
        sa.PrimaryKeyConstraint("result_key", name=op.f("pk_stored_results")),
    )


def downgrade() -> None:
    op.drop_table("stored_results")
