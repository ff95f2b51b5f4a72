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


def _code_version() -> str:
    """A hash of the sources a frame depends on: the metrics layer and the data layer."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for folder in ("metrics", "data"):
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
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


def fetch(engine: Engine, request: Request, version: str | None = None) -> pd.DataFrame:
    """The request's frame: stored for the data version, else computed and stored.

    `version` is the caller's current data version (the dashboard reads it every few seconds):
    a frame stored under it is returned after one lookup. A computed frame is stored under the
    version read in the same transaction as its settings and figures, so a frame is never kept
    under a version its figures do not belong to."""
    key = request.key()
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
