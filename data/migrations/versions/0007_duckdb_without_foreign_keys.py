"""DuckDB: the contract tables lose their last FOREIGN KEY constraints

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:30:00

Why: DuckDB runs an UPDATE of a row whose table has an index on an updated column (the importer's
upsert sets every column it was given, keys of indexes included) as a delete and an insert, and a
foreign key referencing that row refuses the delete ("key ... is still referenced"). A monthly
extract in which a planner left or moved was refused as a whole. 0006 already made its new tables
without foreign keys on DuckDB; this rebuilds the older ones (staff, assignments, archives,
trainings, certificates, rewards) the same way, keeping every column, primary key, index and
row. The importer checks every reference against the batch and the store before it writes, and it
is the only writer of these tables. PostgreSQL keeps its foreign keys (it updates in place).

DuckDB has no ALTER TABLE ... DROP CONSTRAINT, so each table is copied aside, dropped, created
again from its own catalogue DDL without the FOREIGN KEY clauses, refilled and re-indexed, inside
the migration's one transaction (a failure leaves the database at 0006). Referencing tables go
first: a table cannot be dropped while another's foreign key names it.
"""

from __future__ import annotations

import re

from alembic import op
from sqlalchemy import text

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# ", FOREIGN KEY (a) REFERENCES t(b)" as DuckDB prints it in duckdb_tables().sql.
_FK_CLAUSE = re.compile(r",\s*FOREIGN KEY\s*\([^)]*\)\s*REFERENCES\s+[^()]+\([^)]*\)", re.I)


def _referencing_order(conn: object) -> list[str]:
    """Tables holding foreign keys, those that nothing references (any more) first."""
    rows = conn.execute(  # type: ignore[attr-defined]
        text(
            "SELECT table_name, referenced_table FROM duckdb_constraints() "
            "WHERE constraint_type = 'FOREIGN KEY'"
        )
    ).all()
    holders = {r[0] for r in rows}
    edges = {(r[0], r[1]) for r in rows}
    order: list[str] = []
    while holders - set(order):
        for table in sorted(holders - set(order)):
            # Drop `table` only after every other holder that references it has been rebuilt.
            if all(src in order for src, dst in edges if dst == table and src != table):
                order.append(table)
                break
        else:  # a cycle (none in this schema): take the rest in any order, DuckDB will say
            order.extend(sorted(holders - set(order)))
    return order


def _rebuild_without_foreign_keys(conn: object, table: str) -> None:
    run = conn.execute  # type: ignore[attr-defined]
    ddl = run(
        text("SELECT sql FROM duckdb_tables() WHERE table_name = :t"), {"t": table}
    ).scalar_one()
    indexes = [
        r[0]
        for r in run(
            text("SELECT sql FROM duckdb_indexes() WHERE table_name = :t AND sql IS NOT NULL"),
            {"t": table},
        ).all()
    ]
    before = run(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
    run(text(f'CREATE TEMPORARY TABLE "_0007_{table}" AS SELECT * FROM "{table}"'))
    run(text(f'DROP TABLE "{table}"'))
    run(text(_FK_CLAUSE.sub("", ddl)))
    run(text(f'INSERT INTO "{table}" SELECT * FROM "_0007_{table}"'))
    run(text(f'DROP TABLE "_0007_{table}"'))
    for index in indexes:
        run(text(index))
    after = run(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
    if after != before:  # cannot happen; a migration that loses rows must not commit
        raise RuntimeError(f"0007: {table} had {before} rows, has {after} after the rebuild")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "duckdb":
        return
    for table in _referencing_order(conn):
        _rebuild_without_foreign_keys(conn, table)


def downgrade() -> None:
    # The foreign keys are not put back: with them, DuckDB refuses the updates this fixed.
    pass
