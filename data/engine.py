"""The one gateway to the database: URL resolution, engine creation, and DuckDB's one-writer rule.

`--db URL`, else `WEALTH_DB_URL`, else the embedded default (a DuckDB file beside the project).
DuckDB lets one process hold the file for writing at a time, so DuckDB engines use no pool
(every connection is short-lived and releases the file) and opening a connection waits and
retries while another process (a scheduled import, say) holds it, then fails with a clear message.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "wealth.duckdb"
ENV_VAR = "WEALTH_DB_URL"
LOCK_WAIT_SECONDS = float(os.environ.get("WEALTH_DB_LOCK_WAIT", "30"))


class DatabaseBusyError(RuntimeError):
    """Another process holds the DuckDB file for writing for longer than we were willing to wait."""


def resolve_url(url: str | None = None) -> str:
    if url:
        return url
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    return f"duckdb:///{DEFAULT_DB_PATH}"


def is_duckdb(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "duckdb"


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _retry_on_lock(engine: Engine, wait: float) -> None:
    """Make every new DuckDB connection wait politely while another process holds the file."""
    path = engine.url.database

    @event.listens_for(engine, "do_connect")
    def connect(dialect: Any, _rec: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]) -> Any:
        deadline = time.monotonic() + wait
        delay = 0.05
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except Exception as exc:
                if not _is_lock_error(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise DatabaseBusyError(
                        f"the database file {path} is in use by another process "
                        f"(an import is probably running); waited {wait:.0f} s"
                    ) from None
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 1.0)


def _quote_duckdb_keywords(engine: Engine) -> None:
    # duckdb-engine quotes identifiers by PostgreSQL's list, but DuckDB also reserves `at`
    # (the contract's timestamp column name).
    preparer = engine.dialect.identifier_preparer
    preparer.reserved_words = set(preparer.reserved_words) | {"at"}


def make_engine(url: str | None = None, *, lock_wait: float | None = None) -> Engine:
    """An engine for `url` (resolved as above). DuckDB files get their folder created."""
    resolved = resolve_url(url)
    if is_duckdb(resolved):
        path = make_url(resolved).database or ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path == ":memory:":
            duck = create_engine(resolved)
        else:
            duck = create_engine(resolved, poolclass=NullPool)
            _retry_on_lock(duck, LOCK_WAIT_SECONDS if lock_wait is None else lock_wait)
        _quote_duckdb_keywords(duck)
        return duck
    if resolved.startswith("postgresql://"):
        resolved = "postgresql+psycopg://" + resolved[len("postgresql://") :]
    engine = create_engine(resolved, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _utc_naive(dbapi_conn: Any, _record: Any) -> None:
            # Timestamps are local wall-clock times without zone (contract); keep them so.
            with dbapi_conn.cursor() as cur:
                cur.execute("SET TIME ZONE 'Asia/Shanghai'")
            dbapi_conn.commit()

    return engine


def db_label(engine: Engine) -> str:
    """A display form of the engine's database, without any password."""
    return engine.url.render_as_string(hide_password=True)
