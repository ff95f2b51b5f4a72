"""Alembic environment: runs on the connection handed over by `data.db.upgrade`."""

from __future__ import annotations

from alembic import context
from alembic.ddl.postgresql import PostgresqlImpl

from data.schema import metadata


class DuckDBImpl(PostgresqlImpl):
    """duckdb-engine speaks the PostgreSQL dialect; tell Alembic so."""

    __dialect__ = "duckdb"
    # DuckDB has no transactional DDL for some ALTERs; each migration commits on its own.
    transactional_ddl = False


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations run through data.db.upgrade(engine)")
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=False)
    with context.begin_transaction():
        context.run_migrations()


run()
