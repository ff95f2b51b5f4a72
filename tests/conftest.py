"""Shared fixtures: real databases, never mocks.

`engine` runs each test on DuckDB (a fresh file) and on PostgreSQL (a throwaway database made for
this run at WEALTH_TEST_PG, default 127.0.0.1:5432 as `postgres`). With CI=true an unreachable
PostgreSQL fails the run; elsewhere those cases are skipped with the reason shown.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from data.db import upgrade
from data.engine import make_engine
from data.schema import metadata

PG_SERVER = os.environ.get("WEALTH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
BACKENDS = os.environ.get("WEALTH_TEST_BACKENDS", "duckdb,postgresql").split(",")
IN_CI = os.environ.get("CI", "").lower() == "true"
# Tables the product fills on upgrade and that tests must not wipe.
KEEP = {"alembic_version", "settings", "calendar_days"}


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A throwaway PostgreSQL database for this test run; its URL."""
    name = f"wealth_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "no server"
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_SERVER} is required in CI and unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {PG_SERVER} unreachable: {exc}")
    url = f"{PG_SERVER}/{name}"
    upgrade(make_engine(url))
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def clear_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name not in KEEP:
                conn.execute(table.delete())
        conn.execute(text("UPDATE settings SET updated_at = NULL, updated_by = NULL"))


def reset_settings(engine: Engine) -> None:
    from data.settings import SETTINGS

    with engine.begin() as conn:
        for spec in SETTINGS:
            conn.execute(
                text("UPDATE settings SET value = :v WHERE name = :n"),
                {"v": str(spec.default), "n": spec.name},
            )


@pytest.fixture(scope="session")
def duckdb_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated DuckDB file made once; each test gets a copy (migrating costs ~0.4 s)."""
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of an empty, migrated database on each backend."""
    if request.param == "duckdb":
        path = tmp_path_factory.mktemp("db") / "test.duckdb"
        shutil.copyfile(request.getfixturevalue("duckdb_template"), path)
        return f"duckdb:///{path}"
    url = request.getfixturevalue("pg_database")
    engine = make_engine(url)
    clear_tables(engine)
    reset_settings(engine)
    engine.dispose()
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


# --- the dashboard's page tests (tests/test_page_*.py) --------------------------------------------


@pytest.fixture(scope="session")
def tiny_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `tiny` demo data set's CSV files, generated once (the generator is deterministic): a
    test copies the folder (`shutil.copytree`) instead of generating its own."""
    from data.demo import generate

    folder = tmp_path_factory.mktemp("tiny_csv") / "tiny"
    generate("tiny", folder)
    return folder


@pytest.fixture(scope="session")
def tiny_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file with the `tiny` demo data and a director, a head and a planner account."""
    from tests.ui_support import build_tiny_db

    return build_tiny_db(tmp_path_factory.mktemp("tiny_app"))


@pytest.fixture
def app_db(
    tiny_db_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """WEALTH_DB_URL pointed at a fresh copy of the tiny database; Streamlit caches emptied, since
    AppTest runs the app in this process and the engine is a cached resource."""
    import streamlit as st

    from tests.ui_support import copy_db

    url = copy_db(tiny_db_template, tmp_path)
    monkeypatch.setenv("WEALTH_DB_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()
    st.cache_data.clear()


# --- the browser tests (tests/test_e2e_*.py; the helpers are in tests/e2e_support.py) -----------
# Declared here, not in e2e_support, so that every module of a test session shares one Chromium
# and one server on the tiny demo data (a fixture imported into two modules would be two).


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from tests.e2e_support import launch

    with launch() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def tiny_served(
    tiny_db_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """(server URL, database URL): `python -m ui.serve` on a copy of the tiny demo data."""
    from tests.e2e_support import serve_copy

    with serve_copy(tiny_db_template, tmp_path_factory.mktemp("e2e_tiny")) as served:
        yield served


@pytest.fixture(scope="session")
def tiny_server(tiny_served: tuple[str, str]) -> str:
    return tiny_served[0]


@pytest.fixture(autouse=True)
def _reset_peak_memory() -> None:
    """Each test's peak memory is its own (docs/reliability.md's "cases" lines report it)."""
    from tests.reliability import reset_peak

    reset_peak()
