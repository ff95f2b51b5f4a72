"""Which store a statement belongs to: the imported facts, or the transactional state (issue 16).

The facts are the contract's tables and the working-day calendar the KPIs join with them (what
`data.lake` publishes); everything else (accounts, audit, settings, schemes, snapshots, stored
results, import history, subscriptions) is the state. With `WEALTH_FACTS_URL` naming a database
of its own, every read of the facts goes there, whoever makes it: a KPI table, a pack's unit
names, a snapshot's visible staff, the sidebar's lists, an account's staff check. Rather than
each caller opening a second connection (and one forgetting to), the metrics layer's one gateway
(`metrics.core.sql`) asks `route` for the connection a statement runs on: a statement on the
facts runs on a facts connection that lives as long as the caller's state connection.

With one database (a branch, and every default) nothing is inspected and nothing changes: the
facts connection is the state connection itself, in the same transaction.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.sql import visitors
from sqlalchemy.sql.expression import TableClause

from data.engine import facts_engine, facts_url

# Where a state connection keeps its facts connection: the pool record's `info`, which is the
# same dictionary as `Connection.info` and is handed to the pool's checkin event.
_KEY = "wealth.facts_connection"


class MixedStoresError(RuntimeError):
    """One statement reads facts and state tables together: with two stores it cannot run."""


@cache
def fact_tables() -> frozenset[str]:
    """The tables that live in the facts store (imported here: `data.contract` is a heavy
    import that a command reading only the state does not need)."""
    from data.contract import TABLES
    from data.tables import calendar_days

    return frozenset({t.name for t in TABLES} | {calendar_days.name})


def tables_of(statement: Any) -> set[str]:
    """The names of the tables a Core statement reads or writes (its CTEs and subqueries too)."""
    return {e.name for e in visitors.iterate(statement) if isinstance(e, TableClause)}


def _close_facts(_dbapi_conn: Any, record: Any) -> None:
    """When the state connection goes back to its pool (or is closed), so does its facts one:
    a facts connection outliving its request would keep a DuckDB facts file open."""
    if record is None:
        return
    facts = record.info.pop(_KEY, None)
    if facts is not None:
        facts.close()


def facts_of(conn: Connection) -> Connection:
    """The connection on which `conn`'s request reads the facts: `conn` itself when the facts
    live in its database, else one on the facts engine, opened once and closed with `conn`."""
    facts = facts_engine(conn.engine)
    if facts is conn.engine:
        return conn
    found: Connection | None = conn.info.get(_KEY)
    if found is None or found.closed:
        found = facts.connect()
        conn.info[_KEY] = found
        _close_with(conn.engine)
    return found


def _close_with(state: Engine) -> None:
    if not event.contains(state, "checkin", _close_facts):
        event.listen(state, "checkin", _close_facts)


def route(conn: Connection, statement: Any) -> Connection:
    """The connection `statement` must run on: the facts connection when it names a facts
    table, `conn` otherwise (and always when there is one store)."""
    if facts_url() is None or facts_engine(conn.engine) is conn.engine:
        return conn
    names = tables_of(statement)
    facts = names & fact_tables()
    if not facts:
        return conn
    if names - facts:
        raise MixedStoresError(
            f"one statement reads facts ({', '.join(sorted(facts))}) and state "
            f"({', '.join(sorted(names - facts))}) tables: with WEALTH_FACTS_URL set they live "
            "in two databases"
        )
    return facts_of(conn)
