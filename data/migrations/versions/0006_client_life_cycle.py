"""the client life cycle (lifecycle.md): account openings, risk assessments, care dates; where a
client came from; which plan a quarterly report is on

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-02 01:00:00

The new columns are optional (older extracts without them still load). As for the other contract
tables since 0004, DuckDB gets the new tables without FOREIGN KEY constraints (an UPDATE of a
referenced row would otherwise be refused there); the importer checks every reference.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

ID = sa.String(length=64)
MONEY = sa.Numeric(precision=18, scale=2)


def _fks(table: str, *pairs: tuple[str, str]) -> list[sa.ForeignKeyConstraint]:
    """Foreign keys on PostgreSQL only (see the module docstring)."""
    if op.get_bind().dialect.name == "duckdb":
        return []
    return [
        sa.ForeignKeyConstraint(
            [column], [target], name=op.f(f"fk_{table}_{column}_{target.split('.')[0]}")
        )
        for column, target in pairs
    ]


def upgrade() -> None:
    op.add_column("clients", sa.Column("source", sa.String(length=24), nullable=True))
    op.add_column("clients", sa.Column("referred_by", ID, nullable=True))
    op.add_column("plans", sa.Column("plan_ref", ID, nullable=True))
    op.create_index(op.f("ix_plans_client_id_at"), "plans", ["client_id", "at"])
    op.create_table(
        "account_openings",
        sa.Column("opening_id", ID, nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("staff_id", ID, nullable=False),
        sa.Column("org_id", ID, nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("assets_at_opening", MONEY, nullable=False),
        sa.Column("approval_ref", sa.String(length=64), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("kyc_at", sa.DateTime(), nullable=True),
        sa.Column("risk_assessed_at", sa.DateTime(), nullable=True),
        *_fks(
            "account_openings",
            ("client_id", "clients.client_id"),
            ("staff_id", "staff.staff_id"),
            ("org_id", "org_units.org_id"),
        ),
        sa.PrimaryKeyConstraint("opening_id", name=op.f("pk_account_openings")),
    )
    op.create_index(op.f("ix_account_openings_client_id"), "account_openings", ["client_id"])
    op.create_index(
        op.f("ix_account_openings_staff_id_opened_at"), "account_openings", ["staff_id", "opened_at"]
    )
    op.create_index(op.f("ix_account_openings_opened_at"), "account_openings", ["opened_at"])
    op.create_table(
        "risk_assessments",
        sa.Column("client_id", ID, nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("risk_level", sa.String(length=4), nullable=False),
        sa.Column("staff_id", ID, nullable=True),
        *_fks("risk_assessments", ("client_id", "clients.client_id"), ("staff_id", "staff.staff_id")),
        sa.PrimaryKeyConstraint("client_id", "assessed_on", name=op.f("pk_risk_assessments")),
    )
    op.create_table(
        "care_dates",
        sa.Column("client_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("month_day", sa.String(length=5), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        *_fks("care_dates", ("client_id", "clients.client_id")),
        sa.PrimaryKeyConstraint("client_id", "kind", "month_day", "label", name=op.f("pk_care_dates")),
    )


def downgrade() -> None:
    op.drop_table("care_dates")
    op.drop_table("risk_assessments")
    op.drop_table("account_openings")
    op.drop_index(op.f("ix_plans_client_id_at"), table_name="plans")
    op.drop_column("plans", "plan_ref")
    op.drop_column("clients", "referred_by")
    op.drop_column("clients", "source")
