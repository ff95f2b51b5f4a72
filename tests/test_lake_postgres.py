"""Publishing to the lake from a PostgreSQL store (issue 16): the same files as from DuckDB.

The `tiny` demo data set is imported through the real importer into a DuckDB file and into a
PostgreSQL database, each with WEALTH_LAKE set, so each import publishes (DuckDB by its own COPY,
PostgreSQL read in chunks and written by pyarrow). Every published table is then read back with
DuckDB's read_parquet from both lakes and compared whole: the month folders, the column types and
every row. PostgreSQL is read in chunks of 7 rows here, so that chunks end inside a month and a
month begins inside a chunk.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from sqlalchemy import Engine

from data import lake
from data.db import upgrade
from data.demo import DEMO_AS_OF, generate
from data.engine import FACTS_ENV_VAR, make_engine
from data.importer import load_dir
from tests.conftest import clear_tables, reset_settings


@pytest.fixture
def postgres(pg_database: str) -> Iterator[Engine]:
    engine = make_engine(pg_database)
    clear_tables(engine)
    reset_settings(engine)
    yield engine
    clear_tables(engine)
    engine.dispose()


def _import(engine: Engine, data: Path, lake_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(lake.LAKE_ENV_VAR, str(lake_root))
    report = load_dir(engine, data, as_of=DEMO_AS_OF, quarantine_root=data.parent / "q")
    assert report.committed and not report.warnings, report.warnings


def _version(root: Path, table: str) -> Path:
    (only,) = (root / table).glob("v*")  # one import: one version
    return only


def _relation(folder: Path, partitioned: bool) -> str:
    files = str(folder / "**" / "*.parquet")
    return f"read_parquet('{files}', hive_partitioning = {str(partitioned).lower()})"


def test_a_postgresql_store_publishes_the_same_lake_as_duckdb(
    postgres: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FACTS_ENV_VAR, raising=False)
    monkeypatch.setattr(lake, "STREAM_ROWS", 7)
    data = tmp_path / "tiny"
    generate("tiny", data)
    duck = make_engine(f"duckdb:///{tmp_path / 'store.duckdb'}")
    upgrade(duck)
    _import(duck, data, tmp_path / "lake_duckdb", monkeypatch)
    _import(postgres, data, tmp_path / "lake_postgres", monkeypatch)
    duck.dispose()

    db = duckdb.connect()
    partitioned_rows = 0
    for table, month in lake.published_tables():
        ours = _version(tmp_path / "lake_postgres", table.name)
        theirs = _version(tmp_path / "lake_duckdb", table.name)
        listing = sorted(p.name for p in ours.iterdir())
        assert listing == sorted(p.name for p in theirs.iterdir()), table.name
        partitioned = month is not None and listing != ["part-0.parquet"]
        a, b = _relation(ours, partitioned), _relation(theirs, partitioned)
        assert (
            db.sql(f"DESCRIBE SELECT * FROM {a}").fetchall()
            == db.sql(f"DESCRIBE SELECT * FROM {b}").fetchall()
        ), table.name
        rows = db.sql(f"SELECT count(*) FROM {b}").fetchone()
        assert rows is not None
        for first, second in ((a, b), (b, a)):
            extra = db.sql(f"SELECT * FROM {first} EXCEPT ALL SELECT * FROM {second}").fetchall()
            assert extra == [], (table.name, extra[:3])
        if partitioned:
            partitioned_rows += rows[0]
            # Each row in its own month's folder.
            in_month = f"'m' || strftime(\"{month}\", '%Y-%m')"
            wrong = db.sql(f"SELECT count(*) FROM {a} WHERE part_month <> {in_month}").fetchone()
            assert wrong == (0,), table.name
    assert partitioned_rows > 1000  # the tiny data set's events: many chunks of 7 rows
