"""Bringing a database to the current schema: Alembic migrations, settings defaults, calendar.

`upgrade(engine)` is idempotent and runs on every start (dashboard and command line), so a
database made by an older version is upgraded in place.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, func, inspect, select, text

from data.calendar import ensure_calendar
from data.settings import ensure_defaults
from data.tables import clients

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([^'\"\s]*)['\"]?", re.M)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def head_revision() -> str:
    """The newest migration's revision, read from the migration files' text.

    Why not Alembic's script directory: importing Alembic costs about 0.1 s, a third of a
    read-only command's start, and is only needed when there is something to migrate."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        revisions.add(found["revision"])
        if found.get("down_revision") not in (None, "", "None"):
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must have one head, found {sorted(heads)}")
    return heads.pop()


def current_revision(conn: Connection) -> str | None:
    """The database's Alembic revision (None: a new database, or one never migrated)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Migrate to the newest schema (a no-op, without Alembic, when already there), then make
    sure the settings' defaults and the working-day calendar are in place."""
    with engine.connect() as conn:
        due = current_revision(conn) != head_revision()
    if due:
        from alembic import command

        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    with engine.begin() as conn:
        ensure_defaults(conn)
        ensure_calendar(conn)


def connect_current(engine: Engine) -> Connection:
    """A connection to the database at the current schema, for a command that only reads.

    The revision is read on the connection the command then uses: a DuckDB file is opened once,
    not three times as `upgrade` then `connect` would (each open reads the file's catalogue).
    Only when a migration is due does `upgrade` run (and import Alembic). The settings' defaults
    and the calendar are checked on the same connection and written only when missing."""
    conn = engine.connect()
    try:
        if current_revision(conn) == head_revision():
            ensure_defaults(conn)
            ensure_calendar(conn)
            conn.commit()
            return conn
    except BaseException:
        conn.close()
        raise
    conn.close()
    upgrade(engine)
    return engine.connect()


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not conn.execute(select(func.count()).select_from(clients)).scalar()
