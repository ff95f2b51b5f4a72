"""Stored results: metric frames kept in the database for the data version they were computed on.

Why: at `branch` scale one Overview reads a dozen frames that take seconds to compute on a modest
server, and every fresh dashboard process (a restart, a second worker) or another user with the
same scope would compute them again. A frame is a pure function of its request, the data and the
code, so it is stored under

- a key: SHA-256 of the request (kind, period, level, the scope's cache key, metric subset,
  entity) and of the code version (a hash of the `metrics/` and `data/` sources, so an upgrade
  never serves a frame an older definition computed);
- the data version (`browse.data_version`: changes with every committed import and every saved
  setting), read in the same transaction as the figures and the settings they were computed with.

A stored frame is therefore either exactly what a fresh computation would return, or never read.
Frames of an older data version are deleted whenever a new one is stored. The import computes the
landing frames right after it commits (`metrics.landing.warm`), as a bank's overnight batch does;
every other frame is stored the first time somebody computes it.

Only aggregate frames are stored (no client rows: drill-throughs are computed on demand), so the
table holds nothing more personal than the figures and staff names the dashboard shows; the scope
is part of the key, so a frame is only ever served to a request with the same scope.

Storing is best effort: a failure (another process holds a DuckDB file, two workers storing the
same key at once) is logged and the computed frame is returned all the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, Engine, delete, func, insert, or_, select
from sqlalchemy.exc import DBAPIError

from data.engine import facts_connection
from data.schema import StoredResult
from data.settings import load_settings
from metrics.core import sql
from metrics.core.entities import Level
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures import browse, tables

log = logging.getLogger("wealth.results")

Kind = Literal["scorecard", "supervision", "health", "compliance", "aum_trend"]
stored = StoredResult.__table__


ROOT = Path(__file__).resolve().parents[2]  # the checkout: metrics/store/results.py


def _code_version(root: Path = ROOT) -> str:
    """A hash of the sources a frame depends on: the metrics layer and the data layer."""
    digest = hashlib.sha256()
    files = 0
    for folder in ("metrics", "data"):
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
            files += 1
    # No source found would make every release look alike (this once hashed an empty folder
    # list after the module moved a level down, and an upgrade served older definitions).
    if not files:
        raise RuntimeError(f"no metrics/ or data/ sources under {root}")
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


@dataclass(frozen=True)
class Request:
    """One metric frame: what `scorecard` / `supervision` / `health` / `aum_trend` would return.

    `period` is a period label; an AUM trend is keyed by the month its last point falls in (a
    quarter and its last month draw the same trend). `metrics` limits supervision / health to
    the statements those ids need (None: all)."""

    kind: Kind
    period: str
    level: Level
    scope: Scope
    metrics: tuple[str, ...] | None = None
    entity_id: str | None = None

    @classmethod
    def trend(cls, level: Level, entity_id: str, scope: Scope, period: Period) -> Request:
        return cls("aum_trend", f"{period.end:%Y-%m}", level, scope, entity_id=entity_id)

    def key(self) -> str:
        parts = [
            CODE_VERSION,
            self.kind,
            self.period,
            self.level,
            # Aggregates hold no personal data: a masked and an unmasked view share them.
            self.scope.rows_key(),
            None if self.metrics is None else list(self.metrics),
            self.entity_id,
        ]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    def compute(self, conn: Connection, settings: dict[str, Decimal]) -> pd.DataFrame:
        period = Period.parse(self.period)
        if self.kind == "scorecard":
            return tables.scorecard(conn, period, self.level, self.scope, settings)
        if self.kind == "supervision":
            return tables.supervision(conn, period, self.level, self.scope, settings, self.metrics)
        if self.kind == "compliance":
            return tables.compliance(conn, period, self.level, self.scope, settings, self.metrics)
        if self.kind == "health":
            return tables.health(conn, period, self.level, self.scope, settings, self.metrics)
        if self.kind == "aum_trend":
            assert self.entity_id is not None
            return browse.aum_trend(
                conn, self.level, self.entity_id, self.scope, period.end, settings
            )
        raise ValueError(f"unknown kind of result {self.kind!r}")


def encode(frame: pd.DataFrame) -> bytes:
    # Arrow IPC (Feather) keeps every dtype the metrics layer returns (Decimal, date, Int64,
    # Float64, boolean) exactly; unlike pickle, reading it cannot run code, and uncompressed it
    # reads twice as fast as Parquet (these frames are small; the read is on the page's path).
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_feather(buffer, compression="uncompressed")
    return buffer.getvalue()


def decode(payload: bytes) -> pd.DataFrame:
    return pd.read_feather(io.BytesIO(payload))


def lookup(conn: Connection, key: str, version: str) -> pd.DataFrame | None:
    payload = sql.run(
        conn,
        select(stored.c.payload).where(
            stored.c.result_key == key, stored.c.data_version == version
        ),
    ).scalar()
    if payload is None:
        return None
    try:
        return decode(payload)
    except (pa.ArrowException, OSError, ValueError):  # unreadable: computed again, then replaced
        log.warning("stored result %s is unreadable; computing it again", key[:12])
        return None


def store(engine: Engine, key: str, version: str, frame: pd.DataFrame, seconds: float) -> bool:
    """Keep `frame` for `version` (dropping every frame of another version); False if it could
    not be stored, which only costs a later recomputation."""
    payload = encode(frame)
    try:
        with engine.begin() as conn:
            sql.run(
                conn,
                delete(StoredResult).where(
                    or_(stored.c.data_version != version, stored.c.result_key == key)
                ),
            )
            sql.run(
                conn,
                insert(StoredResult).values(
                    result_key=key,
                    data_version=version,
                    payload=payload,
                    computed_at=dt.datetime.now().replace(microsecond=0),
                    seconds=Decimal(f"{seconds:.3f}"),
                ),
            )
    except DBAPIError as exc:
        log.info("result %s not stored: %s", key[:12], exc.orig or exc)
        return False
    return True


class _Flight:
    """One computation of a frame under way, which callers asking for the same frame wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.frame: pd.DataFrame | None = None  # None once done: the computation failed
        self.waiting = 0


_flights: dict[tuple[str, str, str | None], _Flight] = {}
# Guards `_flights`; notified whenever a caller starts waiting for another's computation.
_flights_changed = threading.Condition()


def fetch(engine: Engine, request: Request, version: str | None = None) -> pd.DataFrame:
    """The request's frame: stored for the data version, else computed and stored.

    `version` is the caller's current data version (the dashboard reads it every few seconds):
    a frame stored under it is returned after one lookup. A computed frame is stored under the
    version read in the same transaction as its settings and figures, so a frame is never kept
    under a version its figures do not belong to.

    Single flight within the process: while one caller computes a frame, others asking for the
    same one (same database, request and version) wait for its result instead of computing it
    again side by side, which on two cores would make every one of them late. Streamlit's cache
    does the same for the sessions calling one cached function with one key; this also covers
    the callers beside it (the warm-up the Data and Settings pages run after an import or a
    saved setting, while other sessions ask for the same frames). If the computation fails,
    its caller gets the exception and one of the waiting callers computes the frame afresh (a
    failure is not handed on to the others)."""
    flight_key = (str(engine.url), request.key(), version)
    while True:
        with _flights_changed:
            flight = _flights.get(flight_key)
            if flight is None:
                flight = _flights[flight_key] = _Flight()
                break  # this caller computes
            flight.waiting += 1
            _flights_changed.notify_all()
        flight.done.wait()
        if flight.frame is not None:
            # A copy: each caller may change its frame (sort, filter in place) on its own.
            return flight.frame.copy()
        # The computation failed: try again, one of the waiting callers leading.
    try:
        frame = _fetch(engine, request, flight_key[1], version)
        # The waiters copy this one, never the caller's own (which it may change in place
        # while they copy).
        flight.frame = frame.copy()
        return frame
    finally:
        with _flights_changed:
            del _flights[flight_key]
        flight.done.set()


def waiting_for(engine: Engine, request: Request, version: str | None, count: int) -> bool:
    """Wait until `count` callers wait for another's computation of `request` (False if that
    does not happen within 30 s): lets a test hold a computation until its followers queue."""
    flight_key = (str(engine.url), request.key(), version)

    def queued() -> bool:
        flight = _flights.get(flight_key)
        return flight is not None and flight.waiting >= count

    with _flights_changed:
        return _flights_changed.wait_for(queued, timeout=30)


def _fetch(engine: Engine, request: Request, key: str, version: str | None) -> pd.DataFrame:
    with engine.connect() as conn:
        if version is not None:
            found = lookup(conn, key, version)
            if found is not None:
                return found
        current = browse.data_version(conn)
        if current != version:
            found = lookup(conn, key, current)
            if found is not None:
                return found
        started = time.perf_counter()
        settings = load_settings(conn)
        with facts_connection(engine, conn) as facts:  # the KPI queries: the facts store
            frame = request.compute(facts, settings)
        seconds = time.perf_counter() - started
    store(engine, key, current, frame, seconds)
    return frame


def count(conn: Connection) -> int:
    """How many frames are stored for the current data version."""
    version = browse.data_version(conn)
    return int(
        sql.run(
            conn, select(func.count()).select_from(stored).where(stored.c.data_version == version)
        ).scalar_one()
    )
