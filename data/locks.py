"""One import at a time per database.

DuckDB: an advisory `flock` on a file beside the database (taken without waiting, so a second
import is told at once rather than queued). PostgreSQL: a session-level advisory lock. Another
engine: no lock (documented in the README).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from data.engine import is_duckdb

PG_LOCK_KEY = 0x5745414C54  # "WEALT": an arbitrary, fixed advisory-lock key


class ImportInProgress(RuntimeError):
    def __init__(self, detail: str = "") -> None:
        super().__init__("import in progress: another import is writing to this database" + detail)


# Locks this process holds already (by database URL): the command line takes the lock before it
# first touches the database, and the importer inside it must not trip over its own lock.
_held: set[str] = set()
# The DuckDB lock files this process holds (an import from the Data page runs in the dashboard's
# own process, which shares the database instance and must not stand aside for itself).
_held_files: set[str] = set()


def lock_file(database: str) -> Path:
    """The file whose `flock` marks an import of the DuckDB file `database`."""
    return Path(database + ".import.lock")


def import_running_elsewhere(database: str) -> bool:
    """Whether another process is importing into the DuckDB file `database` (holds its import
    lock). The dashboard asks before it opens the file: it then stands aside, so the import gets
    the file (DuckDB lets one process hold it) instead of waiting on users' clicks. A probe
    with a shared lock taken and dropped at once: a few microseconds, and a crashed import's
    lock is gone with its process, so nothing stale remains."""
    path = lock_file(database)
    if str(path) in _held_files:
        return False
    try:
        handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False  # no import ever ran here
    except OSError:
        return False  # cannot tell: behave as before (open, wait if the file is held)
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)  # also drops the shared lock if it was granted
    return False


@contextmanager
def import_lock(engine: Engine) -> Iterator[None]:
    key = engine.url.render_as_string(hide_password=False)
    if key in _held:
        yield
        return
    _held.add(key)
    try:
        with _acquire(engine):
            yield
    finally:
        _held.discard(key)


@contextmanager
def _acquire(engine: Engine) -> Iterator[None]:
    if is_duckdb(engine):
        database = engine.url.database
        if not database or database == ":memory:":
            yield
            return
        path = lock_file(database)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(handle, 64, 0).decode(errors="replace").strip()
                raise ImportInProgress(f" (pid {holder})" if holder else "") from None
            os.ftruncate(handle, 0)
            os.pwrite(handle, str(os.getpid()).encode(), 0)
            _held_files.add(str(path))
            try:
                yield
            finally:
                _held_files.discard(str(path))
        finally:
            os.close(handle)  # closing releases the flock, also when the process dies
        return
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY}).scalar()
            conn.commit()
            if not got:
                raise ImportInProgress()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
                conn.commit()
        return
    yield
