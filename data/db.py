"""Bringing a database to the current schema: Alembic migrations, settings defaults, calendar.

`upgrade(engine)` is idempotent and runs on every start (dashboard and command line), so a
database made by an older version is upgraded in place.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, select

from data.calendar import ensure_calendar
from data.schema import Client
from data.settings import ensure_defaults

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.begin() as conn:
        ensure_defaults(conn)
        ensure_calendar(conn)


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return not conn.execute(select(func.count()).select_from(Client)).scalar()
