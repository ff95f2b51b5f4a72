"""The one gateway every metrics query goes through: run a Core statement, get a DataFrame, a row
or a scalar, and (when somebody listens) the time it took.

Why one gateway: a place to time and trace every query (the benchmark prints them, a slow page
can be explained query by query), one way of building frames (from plain tuples, since a
DataFrame built from SQLAlchemy `Row` objects is about ten times slower, DESIGN.md), and one place
that sends every read of the facts to the facts store when it is a database of its own
(`WEALTH_FACTS_URL`, `data.stores.route`): a caller passes the request's state connection and
need not know where the facts live.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Executable

from data.stores import route

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Trace:
    """What ran while a `tracing()` block was open: (label, seconds, rows) per statement (rows
    is -1 where the caller fetches them itself)."""

    queries: list[tuple[str, float, int]] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(q[1] for q in self.queries)


_trace: ContextVar[Trace | None] = ContextVar("metrics_sql_trace", default=None)


@contextlib.contextmanager
def tracing() -> Iterator[Trace]:
    """Record every statement run through this module inside the block (this thread/context)."""
    trace = Trace()
    token = _trace.set(trace)
    try:
        yield trace
    finally:
        _trace.reset(token)


def _note(label: str, started: float, rows: int) -> None:
    trace = _trace.get()
    if trace is not None:
        trace.queries.append((label, time.perf_counter() - started, rows))


def run(conn: Connection, statement: Executable, label: str = "statement") -> Any:
    """Execute any statement (a write too); the result as SQLAlchemy returns it."""
    started = time.perf_counter()
    result = route(conn, statement).execute(statement)
    _note(label, started, max(result.rowcount, 0) if not result.returns_rows else -1)
    return result


def read(conn: Connection, query: Executable, label: str = "query") -> pd.DataFrame:
    """The statement's rows as a DataFrame, columns named as the statement's."""
    import pandas as pd  # here, not above: a command that never builds a frame skips its import

    started = time.perf_counter()
    result = route(conn, query).execute(query)
    columns = list(result.keys())
    frame = pd.DataFrame([tuple(r) for r in result], columns=columns)
    _note(label, started, len(frame))
    return frame


def records(
    conn: Connection, query: Executable, label: str = "query"
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The statement's column names and its rows as plain tuples (no pandas)."""
    started = time.perf_counter()
    result = route(conn, query).execute(query)
    names = list(result.keys())
    out = [tuple(r) for r in result]
    _note(label, started, len(out))
    return names, out


def rows(conn: Connection, query: Executable, label: str = "query") -> list[tuple[Any, ...]]:
    started = time.perf_counter()
    out = [tuple(r) for r in route(conn, query).execute(query)]
    _note(label, started, len(out))
    return out


def scalar(conn: Connection, query: Executable, label: str = "query") -> Any:
    started = time.perf_counter()
    value = route(conn, query).execute(query).scalar()
    _note(label, started, 1)
    return value
