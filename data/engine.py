"""The one gateway to the database: URL resolution, engine creation, and DuckDB's one-writer rule.

`--db URL`, else `WEALTH_DB_URL`, else the embedded default (a DuckDB file beside the project).
The imported CRM facts and every KPI query may live elsewhere: `WEALTH_FACTS_URL` (unset: the same
database), e.g. a Spark Thrift Server or Kyuubi reading the lake (`facts_engine`, `facts_connection`).
DuckDB lets one process hold the file for writing at a time, so DuckDB engines use no pool
(every connection is short-lived and releases the file) and opening a connection waits and
retries while another process (a scheduled import, say) holds it, then fails with a clear message.
The dashboard's engine also keeps the file open for a few idle seconds (`keep_open`, see
`_Keeper`), so that a page's dozen reads share one warm database instead of opening it a dozen
times, while a waiting import still gets the file as soon as the dashboard is idle.
"""

from __future__ import annotations

import atexit
import copy
import logging
import os
import random
import re
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "var" / "wealth.duckdb"
ENV_VAR = "WEALTH_DB_URL"
FACTS_ENV_VAR = "WEALTH_FACTS_URL"
# PostgreSQL connections a process keeps open, and opens beyond them under load.
PG_POOL_SIZE = int(os.environ.get("WEALTH_PG_POOL", "10"))
PG_POOL_OVERFLOW = int(os.environ.get("WEALTH_PG_POOL_OVERFLOW", "30"))
LOCK_WAIT_SECONDS = float(os.environ.get("WEALTH_DB_LOCK_WAIT", "30"))
# How long the dashboard keeps a DuckDB file open after its last query (0: never).
KEEP_OPEN_SECONDS = float(os.environ.get("WEALTH_DB_KEEP_OPEN", "3"))

log = logging.getLogger("wealth.engine")

# Spark SQL over HiveServer2 (`spark+pyhive://host:10000/db`, data/spark_dialect.py, needs
# requirements-spark.txt): registered by name only, so nothing is imported unless a URL names it.
# Why here as well as pyproject.toml's `[project.entry-points."sqlalchemy.dialects"]`: entry
# points exist only for an installed distribution, and the project runs from its checkout; every
# process that opens an engine imports this module first, which has the same effect.
registry.register("spark.pyhive", "data.spark_dialect", "SparkDialect")
registry.register("spark", "data.spark_dialect", "SparkDialect")


class DatabaseBusyError(RuntimeError):
    """Another process holds the DuckDB file for writing for longer than we were willing to wait."""


class ImportRunning(DatabaseBusyError):
    """The dashboard stands aside while another process imports into its DuckDB file."""

    def __init__(self, path: str) -> None:
        super().__init__(f"an import into {path} is in progress; figures refresh when it ends")


def resolve_url(url: str | None = None) -> str:
    if url:
        return url
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    return f"duckdb:///{DEFAULT_DB_PATH}"


def is_duckdb(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "duckdb"


def _holder(exc: BaseException) -> str:
    """Which process holds the file, as DuckDB names it ("... held in /usr/bin/python3 (PID 7)"):
    the dashboard, another import, a notebook. Without it, a guess would mislead."""
    found = re.search(r"held in (\S+) \(PID (\d+)\)", str(exc))
    return f" ({Path(found.group(1)).name}, pid {found.group(2)})" if found else ""


def import_running_elsewhere(path: str) -> bool:
    from data.locks import import_running_elsewhere as running  # locks imports this module

    return running(path)


def _is_lock_error(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


class _Keeper:
    """One spare connection that keeps a DuckDB file's database instance alive between queries.

    Why: DuckDB opens a file's instance when the first connection of a process opens and closes
    it with the last one, so with no pool every query started a cold instance (tens of ms, and
    an empty buffer cache: the data read again from disk). While the spare is open, new
    connections join the open instance in well under a millisecond. It is closed `seconds`
    after the last connection is returned, so the file is free for another process's import
    shortly after the dashboard goes idle (an import waits `WEALTH_DB_LOCK_WAIT` for it)."""

    def __init__(self, seconds: float, database: str = "") -> None:
        self.seconds = seconds
        self.database = database
        self.lock = threading.Lock()
        self.spare: Any = None
        self.timer: threading.Timer | None = None
        self.in_use = 0  # connections handed out and not yet returned
        self.due = 0.0  # monotonic time at which the spare may be closed

    def hold(self, open_spare: Any) -> None:
        with self.lock:
            self.in_use += 1
            if self.spare is None:
                try:
                    self.spare = open_spare()
                except Exception:  # noqa: BLE001 - only a missed speed-up
                    log.debug("could not keep the database open", exc_info=True)

    def returned(self, *_args: Any) -> None:
        # Called for every connection a page returns: only moves the deadline. One timer runs at
        # a time (a new thread per query cost about 2 ms, a page makes dozens of queries).
        with self.lock:
            self.in_use = max(0, self.in_use - 1)
            self.due = time.monotonic() + self.seconds
            if self.spare is not None and self.timer is None:
                self._arm(self.seconds)
            standing_aside = self.in_use == 0 and self.import_waiting()
        if standing_aside:
            self.release()  # an import waits for the file: free it now, not in a few seconds

    def import_waiting(self) -> bool:
        return bool(self.database) and import_running_elsewhere(self.database)

    def _arm(self, delay: float) -> None:
        self.timer = threading.Timer(delay, self._expire)
        self.timer.daemon = True
        self.timer.start()

    def _expire(self) -> None:
        with self.lock:
            self.timer = None
            if self.spare is None or self.in_use:  # in use: its return arms the timer again
                return
            remaining = self.due - time.monotonic()
            if remaining > 0:  # used since the timer was set: wait for the rest
                self._arm(remaining)
                return
            spare, self.spare = self.spare, None
            # Closed under the lock, so that `close_at_exit` waits for a close in progress: a
            # DuckDB connection still closing in a daemon thread when the interpreter ends aborts
            # the process ("terminate called without an active exception", exit 134).
            spare.close()

    def release(self, *_args: Any) -> None:
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            spare, self.spare = self.spare, None
        if spare is not None:
            spare.close()


_KEEPERS: weakref.WeakKeyDictionary[Engine, _Keeper] = weakref.WeakKeyDictionary()


@atexit.register
def close_at_exit() -> None:
    """Close every kept connection in the main thread before the interpreter ends.

    Why: the keepers' timers are daemon threads; one that fires while the interpreter finalises
    would close (or leave) a DuckDB connection in a thread being torn down, and DuckDB's C++
    side then aborts the whole process after all its work is done (seen at the end of test runs
    as exit code 134)."""
    for keeper in list(_KEEPERS.values()):
        keeper.release()


def keeper_of(engine: Engine) -> _Keeper | None:
    """The engine's keeper (None: it keeps nothing open)."""
    return _KEEPERS.get(engine)


def _retry_on_lock(engine: Engine, wait: float, keep_open: float = 0.0) -> None:
    """Make every new DuckDB connection wait politely while another process holds the file
    (and, with `keep_open`, keep the file open that many seconds after the last query)."""
    path = engine.url.database
    keeper = _Keeper(keep_open, path or "") if keep_open > 0 else None
    if keeper is not None:
        _KEEPERS[engine] = keeper
        event.listen(engine, "checkin", keeper.returned)
        event.listen(engine, "engine_disposed", keeper.release)

    @event.listens_for(engine, "do_connect")
    def connect(dialect: Any, _rec: Any, cargs: tuple[Any, ...], cparams: dict[str, Any]) -> Any:
        if keeper is not None and path and import_running_elsewhere(path):
            # The dashboard (the keeping engine) stands aside for an import: it frees the file
            # and says so at once, rather than reopening it on every click and keeping the
            # import waiting until it gives up.
            keeper.release()
            raise ImportRunning(path)
        deadline = time.monotonic() + wait
        delay = 0.05
        original = copy.deepcopy(cparams)  # duckdb-engine pops its own keys from the dict
        while True:
            try:
                conn = dialect.connect(*cargs, **copy.deepcopy(original))
                if keeper is not None:
                    keeper.hold(lambda: dialect.connect(*cargs, **copy.deepcopy(original)))
                return conn
            except Exception as exc:
                if not _is_lock_error(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise DatabaseBusyError(
                        f"the database file {path} is held by another process"
                        f"{_holder(exc)}; waited {wait:.0f} s"
                    ) from None
                time.sleep(delay + random.uniform(0, delay))
                delay = min(delay * 2, 1.0)


def _quote_duckdb_keywords(engine: Engine) -> None:
    # duckdb-engine quotes identifiers by PostgreSQL's list, but DuckDB also reserves `at`
    # (the contract's timestamp column name).
    preparer = engine.dialect.identifier_preparer
    preparer.reserved_words = set(preparer.reserved_words) | {"at"}


def make_engine(
    url: str | None = None,
    *,
    lock_wait: float | None = None,
    keep_open: float = 0.0,
    memory_limit: str | None = None,
) -> Engine:
    """An engine for `url` (resolved as above). DuckDB files get their folder created; with
    `keep_open` seconds, the file stays open that long after the last query (the dashboard);
    with `memory_limit` (DuckDB's form, '1GB'), every connection's database is opened with that
    limit on its buffers (an import's whole process, not only its transaction)."""
    resolved = resolve_url(url)
    if is_duckdb(resolved):
        path = make_url(resolved).database or ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if path == ":memory:":
            duck = create_engine(resolved)
        else:
            # A file this process may not write (a reporting account's copy, a read-only mount)
            # is opened read-only: DuckDB would otherwise refuse to open it at all, and the
            # readers (`python -m metrics ...`) need no write (data.db.upgrade writes only when
            # the schema is behind).
            read_only = Path(path).exists() and not os.access(path, os.W_OK)
            connect_args: dict[str, Any] = {"read_only": True} if read_only else {}
            if memory_limit:
                # At open, not by SET: the database of a file lives only while a connection
                # is open (no pool), so a SET lasts one connection, and the next one (the
                # figures an import prepares after its commit) would take DuckDB's default,
                # 80% of the machine's memory, for its buffer cache.
                connect_args["config"] = {"memory_limit": memory_limit}
            # No pool, so no reset on return either: the connection is closed right after (which
            # ends any transaction), and DuckDB answers the reset's rollback of a connection
            # without a transaction with an exception, about 5 ms a query.
            duck = create_engine(
                resolved,
                poolclass=NullPool,
                pool_reset_on_return=None,
                **({"connect_args": connect_args} if connect_args else {}),
            )
            _retry_on_lock(duck, LOCK_WAIT_SECONDS if lock_wait is None else lock_wait, keep_open)
        _quote_duckdb_keywords(duck)
        return duck
    if resolved.startswith("postgresql://"):
        resolved = "postgresql+psycopg://" + resolved[len("postgresql://") :]
    if resolved.startswith("postgresql"):
        # One dashboard process serves every user, and each page computes its frames on a few
        # threads at once (ui/state.prefetch): SQLAlchemy's default pool (5 + 10 overflow) made
        # the 16th concurrent query wait 30 s and fail with 20 users browsing. 10 kept + 30 on
        # demand stays well inside PostgreSQL's default of 100 connections.
        engine = create_engine(
            resolved,
            pool_pre_ping=True,
            pool_size=PG_POOL_SIZE,
            max_overflow=PG_POOL_OVERFLOW,
        )
    else:
        engine = create_engine(resolved, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _utc_naive(dbapi_conn: Any, _record: Any) -> None:
            # Timestamps are local wall-clock times without zone (contract); keep them so.
            with dbapi_conn.cursor() as cur:
                cur.execute("SET TIME ZONE 'Asia/Shanghai'")
            dbapi_conn.commit()

    return engine


def execute_without_pandas(engine: Engine) -> None:
    """Keep DuckDB from importing pandas when it binds a statement's parameters (a single-threaded
    command's engine only, e.g. `python -m metrics scorecard`).

    Why: DuckDB's Python client (1.4 and later) imports pandas on every execute with parameters,
    only to tell `pandas.NA` and `pandas.NaT` from other values (duckdb/duckdb#18658); that import
    is about a third of a read-only command's start-up, which needs no pandas at all. In a process
    that has not imported pandas no parameter can be a pandas value, so while DuckDB binds we mark
    pandas as absent (`sys.modules["pandas"] = None`, Python's own "not importable" entry) and take
    the mark away right after; DuckDB then binds as it does where pandas is not installed, and
    retries the import on its next execute. Once the process imports pandas (an exceptions
    register, say) nothing is hidden any more. Not for a multi-threaded process: another thread
    importing pandas during a statement would be refused."""
    if not is_duckdb(engine):
        return

    def hide(*_args: Any) -> None:
        if "pandas" not in sys.modules:
            sys.modules["pandas"] = None  # type: ignore[assignment]

    def show(*_args: Any) -> None:
        if "pandas" in sys.modules and sys.modules["pandas"] is None:
            del sys.modules["pandas"]

    event.listen(engine, "before_cursor_execute", hide)
    event.listen(engine, "after_cursor_execute", show)
    event.listen(engine, "handle_error", show)


_FACTS_ENGINES: dict[str, Engine] = {}
_FACTS_LOCK = threading.Lock()


def facts_url() -> str | None:
    """The facts store's URL when it is a database of its own (None: the facts live beside the
    transactional state, as for a branch on one DuckDB file)."""
    return os.environ.get(FACTS_ENV_VAR) or None


def facts_engine(state: Engine) -> Engine:
    """The engine the KPI queries run on: `state` itself unless WEALTH_FACTS_URL names another
    database. One engine per facts URL and process (Spark connections are pooled: opening a
    HiveServer2 session costs a round trip and a session on the server)."""
    url = facts_url()
    if url is None or make_url(url) == state.url:
        return state
    with _FACTS_LOCK:
        if url not in _FACTS_ENGINES:
            _FACTS_ENGINES[url] = make_engine(url)
        return _FACTS_ENGINES[url]


@contextmanager
def facts_connection(state: Engine, conn: Connection) -> Iterator[Connection]:
    """A connection for the KPI queries of a request that holds `conn` on `state`: `conn`
    itself when the facts live there (so nothing changes for a single database: the figures
    are read in the same transaction as the data version and the settings), else one on the
    facts engine."""
    facts = facts_engine(state)
    if facts is state:
        yield conn
        return
    with facts.connect() as other:
        yield other


def db_label(engine: Engine) -> str:
    """A display form of the engine's database, without any password."""
    return engine.url.render_as_string(hide_password=True)
