"""the appraisal cycle: published results, their versions (corrections), acknowledgements and
inquiries

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-07 09:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "result_publications",
        sa.Column("publication_id", sa.String(length=36), nullable=False),
        sa.Column("scheme_id", sa.String(length=36), nullable=False),
        sa.Column("scheme_version", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("signed_off_by", sa.String(length=64), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("publication_id", name=op.f("pk_result_publications")),
    )
    op.create_index(
        op.f("ix_result_publications_scheme_id_period"),
        "result_publications",
        ["scheme_id", "period"],
        unique=True,
    )
    op.create_table(
        "result_versions",
        sa.Column("publication_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("scheme_version", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.String(length=36), nullable=False),
        sa.Column("previous_snapshot_id", sa.String(length=36), nullable=True),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("changed", sa.Text(), nullable=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("publication_id", "version", name=op.f("pk_result_versions")),
    )
    op.create_table(
        "result_responses",
        sa.Column("response_id", sa.String(length=36), nullable=False),
        sa.Column("publication_id", sa.String(length=36), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("kpi", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("result_version", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answered_seq", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_result_responses")),
    )
    op.create_index(
        op.f("ix_result_responses_publication_id_staff_id"),
        "result_responses",
        ["publication_id", "staff_id"],
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_result_responses_publication_id_staff_id"), table_name="result_responses"
    )
    op.drop_table("result_responses")
    op.drop_table("result_versions")
    op.drop_index(op.f("ix_result_publications_scheme_id_period"), table_name="result_publications")
    op.drop_table("result_publications")
