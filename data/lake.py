"""Publishing the committed facts to a Parquet lake and switching Spark's catalog to them (issue 16).

With `WEALTH_LAKE` set (a local folder; an `s3://` path where DuckDB's httpfs or pyarrow can
write), every import that commits a change publishes each contract table (and the working-day
calendar, which the KPIs read beside the facts) from the transactional store as Parquet: a
DuckDB store by its own COPY, a PostgreSQL one (or any other) read in bounded chunks and written
by pyarrow, file for file the same layout and column types:

    {lake}/{table}/v{version}/part-0.parquet                   master tables
    {lake}/{table}/v{version}/part_month=m2025-09/data_0.parquet   event tables, one folder a month

Why publish the committed state rather than the batch: what the database holds after the commit
is by construction upserted by the contract's keys, idempotent and all-or-nothing (the importer's
rules); copying it keeps those rules in one place. A version is a UTC time stamp, so versions sort
by age.

When `WEALTH_FACTS_URL` is a Spark URL (`spark+pyhive://host:port/db`), each version is declared
as an external table `{table}__v{version}` of that database, then `{table}` (a view) is replaced
by one reading the new version: a reader of `{table}` sees either the old version or the new one,
never files being written. Why views and not `ALTER TABLE ... SET LOCATION`: a partitioned table's
months would have to be registered again after the move (MSCK REPAIR), a window in which the table
reads partly empty; a view is replaced in one metastore call, and the versioned table has its
months registered (MSCK REPAIR) before any view reads it. The switch is per table: between the first and the last
of the ~20 view replacements (milliseconds) a query may read one table new and another old;
that is why the dashboard computes from stored results keyed by the data version, which the
import changes before the figures are warmed again.

The previous version is kept until the next publication (a query that started on it can finish);
older versions, and versions a crashed publication left half written, are dropped then. A crash
before the switch leaves every view on the previous version.

    python -m data.lake [--db URL]     publish the store's current facts again (after a failure)
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    Numeric,
    Table,
    select,
    text,
)
from sqlalchemy.types import TypeEngine

from data import tables
from data.contract import TABLES
from data.engine import facts_engine, is_duckdb, make_engine

log = logging.getLogger("wealth.lake")

LAKE_ENV_VAR = "WEALTH_LAKE"
HOLD_ENV_VAR = "WEALTH_LAKE_HOLD"
VERSION_PROPERTY = "wealth.lake_version"
PARTITION = "part_month"
# Master data: few rows, read whole; their dates are not events a month's query filters on.
UNPARTITIONED = {"org_units", "staff", "clients", "assignments", "trainings", "care_dates"}


class LakeError(RuntimeError):
    """Publishing failed; the lake and the catalog still serve the previous version."""


def lake_root() -> str | None:
    return os.environ.get(LAKE_ENV_VAR) or None


def published_tables() -> list[tuple[Table, str | None]]:
    """(table, the column its months come from, None: not partitioned), in contract order."""
    out: list[tuple[Table, str | None]] = []
    for contract in TABLES:
        table = contract.model
        month = None
        if contract.name not in UNPARTITIONED:
            month = next(c.name for c in contract.columns if c.event and c.required)
        out.append((table, month))
    out.append((tables.calendar_days, None))  # a few thousand days; the KPIs join it with the facts
    return out


def new_version() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")


def _q(name: str) -> str:
    return f'"{name}"'


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def write_version(conn: Connection, root: str, version: str) -> dict[str, tuple[str, bool]]:
    """Every published table of the store as Parquet under `root`;
    {table: (folder, written in month folders)}. DuckDB copies with its own writer; any other
    store (PostgreSQL) is read in bounded chunks and written with pyarrow, in the same layout."""
    write = _copy_table if is_duckdb(conn.engine) else _stream_table
    folders: dict[str, tuple[str, bool]] = {}
    for table, month in published_tables():
        folder = f"{root.rstrip('/')}/{table.name}/v{version}"
        if "://" not in folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
        folders[table.name] = (folder, write(conn, table, month, folder))
    return folders


def _copy_table(conn: Connection, table: Table, month: str | None, folder: str) -> bool:
    """One table by DuckDB's COPY; whether it was written in month folders."""
    columns = ", ".join(_q(c.name) for c in table.columns)
    rows = conn.exec_driver_sql(f"SELECT count(*) FROM {_q(table.name)}").scalar_one()
    if month is None or not rows:
        # An empty table is one file all the same: Spark takes the columns from it.
        query = f"SELECT {columns} FROM {_q(table.name)}"
        target, options = f"{folder}/part-0.parquet", "FORMAT parquet"
    else:
        # 'm2025-09' rather than '2025-09': Spark infers a partition value's type, and a
        # bare year-month could be read as a number or a date on some versions.
        query = (
            f"SELECT {columns}, 'm' || strftime({_q(month)}, '%Y-%m') AS {PARTITION} "
            f"FROM {_q(table.name)}"
        )
        target, options = folder, f"FORMAT parquet, PARTITION_BY ({PARTITION})"
    conn.exec_driver_sql(f"COPY ({query}) TO {_sql_string(target)} ({options})")
    return month is not None and bool(rows)


# Rows read and written at a time by the streamed writer: a chunk of the widest table is a few
# tens of MB in Python objects, whatever the table's size.
STREAM_ROWS = 50_000


def arrow_schema(table: Table) -> pa.Schema:
    """The Parquet columns DuckDB's COPY writes for `table`'s columns (Spark reads either)."""
    return pa.schema([(c.name, _arrow_type(c.type)) for c in table.columns])


def _arrow_type(kind: TypeEngine[Any]) -> pa.DataType:
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, BigInteger):
        return pa.int64()
    if isinstance(kind, Integer):
        return pa.int32()
    if isinstance(kind, Float):
        return pa.float64()
    if isinstance(kind, Numeric):
        return pa.decimal128(kind.precision or 18, kind.scale or 0)
    if isinstance(kind, DateTime):
        return pa.timestamp("us")
    if isinstance(kind, Date):
        return pa.date32()
    return pa.string()


def _stream_table(conn: Connection, table: Table, month: str | None, folder: str) -> bool:
    """One table read in chunks of `STREAM_ROWS` (a server-side cursor on PostgreSQL) and written
    as DuckDB's COPY would: one file, or one folder a month. Rows come in month order, so one
    month's file is open at a time and a month is written in large row groups."""
    schema = arrow_schema(table)
    query = select(*table.columns)
    if month is not None:
        query = query.order_by(table.c[month])
    result = conn.execute(query.execution_options(stream_results=True, yield_per=STREAM_ROWS))
    writer: pq.ParquetWriter | None = None
    current = None
    written = False
    try:
        for chunk in result.partitions():
            columns = list(zip(*chunk, strict=True))
            if month is None:
                if writer is None:
                    writer = pq.ParquetWriter(f"{folder}/part-0.parquet", schema)
                writer.write_table(_chunk_table(columns, schema))
                continue
            keys = [f"m{value:%Y-%m}" for value in columns[schema.get_field_index(month)]]
            start = 0
            while start < len(keys):
                end = start
                while end < len(keys) and keys[end] == keys[start]:
                    end += 1
                if keys[start] != current:
                    if writer is not None:
                        writer.close()
                    current = keys[start]
                    part = f"{folder}/{PARTITION}={current}"
                    if "://" not in part:
                        Path(part).mkdir(parents=True, exist_ok=True)
                    writer = pq.ParquetWriter(f"{part}/data_0.parquet", schema)
                assert writer is not None
                writer.write_table(_chunk_table([c[start:end] for c in columns], schema))
                written = True
                start = end
        if writer is None:
            # An empty table is one file all the same: Spark takes the columns from it.
            pq.write_table(schema.empty_table(), f"{folder}/part-0.parquet")
    finally:
        if writer is not None:
            writer.close()
    return written


def _chunk_table(columns: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_arrays(
        [pa.array(values, type=f.type) for values, f in zip(columns, schema, strict=True)],
        schema=schema,
    )


def _hold_point() -> None:
    """Tests of crash safety stop a publication here, every version written and declared, just
    before the switch: with WEALTH_LAKE_HOLD=path (a FIFO), announce `path.ready` and wait."""
    hold = os.environ.get(HOLD_ENV_VAR)
    if hold:
        Path(hold + ".ready").write_text(str(os.getpid()))
        with open(hold) as fifo:
            fifo.read()


def _bq(name: str) -> str:
    return f"`{name}`"


_VERSION_IN_PROPERTIES = re.compile(rf"{re.escape(VERSION_PROPERTY)}=(\d+)")


def catalog_state(spark: Connection, database: str) -> tuple[set[str], dict[str, str]]:
    """Every table and view of `database`, and the version each published view reads: one
    statement (each catalog call costs a round trip and a metastore lookup, ~0.3-2 s)."""
    names: set[str] = set()
    versions: dict[str, str] = {}
    for row in spark.execute(text(f"SHOW TABLE EXTENDED IN {_bq(database)} LIKE '*'")):
        name, information = str(row[1]), str(row[3])
        names.add(name)
        found = _VERSION_IN_PROPERTIES.search(information)
        if found:
            versions[name] = found.group(1)
    return names, versions


def switch_catalog(
    spark: Connection, database: str, folders: dict[str, tuple[str, bool]], version: str
) -> None:
    """Declare the new version's tables, then point every view at them (see the module's text)."""
    db = _bq(database)
    spark.execute(text(f"CREATE DATABASE IF NOT EXISTS {db}"))
    tables = {t.name: t for t, _m in published_tables()}
    names, previous = catalog_state(spark, database)
    for name, (folder, partitioned) in folders.items():
        # Created over existing files: Spark takes the columns (and the partition column) from
        # them, but registers no month in the metastore: the repair does, before any reader
        # can see the table (a partitioned table without its months reads empty).
        versioned = f"{db}.{_bq(f'{name}__v{version}')}"
        spark.execute(
            text(f"CREATE TABLE IF NOT EXISTS {versioned} USING parquet LOCATION '{folder}'")
        )
        if partitioned:
            spark.execute(text(f"MSCK REPAIR TABLE {versioned}"))
    _hold_point()
    for name in folders:
        columns = ", ".join(_bq(c.name) for c in tables[name].columns)
        if name in names and name not in previous:
            # A table of that name not made here (an older set-up declared plain tables).
            spark.execute(text(f"DROP TABLE IF EXISTS {db}.{_bq(name)}"))
        spark.execute(
            text(
                f"CREATE OR REPLACE VIEW {db}.{_bq(name)} "
                f"TBLPROPERTIES ('{VERSION_PROPERTY}' = '{version}') "
                f"AS SELECT {columns} FROM {db}.{_bq(f'{name}__v{version}')}"
            )
        )
    # The previous version stays until the next publication; older ones and any a crash left
    # go (external tables: dropping one forgets it, the files are removed below).
    for name, (folder, _partitioned) in folders.items():
        keep = {version, previous.get(name)}
        pattern = re.compile(rf"^{re.escape(name)}__v(\d+)$")
        for other in sorted(names):
            found = pattern.match(other)
            if found and found.group(1) not in keep:
                spark.execute(text(f"DROP TABLE IF EXISTS {db}.{_bq(other)}"))
        _prune_files(folder.rsplit("/", 1)[0], keep)


def _prune_files(parent: str, keep: set[str | None]) -> None:
    """Remove the version folders of one table other than `keep` (a local lake; on HDFS or S3
    the bank's own retention removes unreferenced folders)."""
    if "://" not in parent and Path(parent).is_dir():
        for folder in Path(parent).glob("v*"):
            if folder.name[1:] not in keep:
                shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class Published:
    version: str
    write_seconds: float  # the Parquet files
    switch_seconds: float  # the catalog: tables declared, months registered, views replaced


def publish(state: Engine, root: str, catalog: Engine | None = None) -> Published:
    """Publish the store's committed facts as a new version; switch `catalog` (a Spark engine)
    to it when given."""
    version = new_version()
    started = time.perf_counter()
    # One snapshot of the store for every table (PostgreSQL's default, read committed, would let
    # an import committed between two tables in; DuckDB's transactions are snapshots anyway).
    options = {} if is_duckdb(state) else {"isolation_level": "REPEATABLE READ"}
    with state.connect().execution_options(**options) as conn, conn.begin():
        folders = write_version(conn, root, version)
    written = time.perf_counter()
    if catalog is not None:
        database = catalog.url.database or "default"
        with catalog.connect() as spark:
            switch_catalog(spark, database, folders, version)
    else:
        # Files only (an external catalog reads them): the newest version and the one before.
        for folder, _partitioned in folders.values():
            parent = folder.rsplit("/", 1)[0]
            if "://" not in parent:
                older = sorted(p.name[1:] for p in Path(parent).glob("v*") if p.name[1:] < version)
                _prune_files(parent, {version, *older[-1:]})
    return Published(version, written - started, time.perf_counter() - written)


def spark_catalog(state: Engine) -> Engine | None:
    """The facts engine when it is Spark (the catalog to switch), else None (files only)."""
    facts = facts_engine(state)
    return facts if facts.dialect.name == "spark" else None


def after_commit(state: Engine, changed: int) -> list[str]:
    """The importer's hook, after a batch committed: publish when a lake is configured and the
    batch changed something. A failure is one line for the import's report (the batch itself
    is committed; the lake keeps serving the previous version)."""
    root = lake_root()
    if root is None or not changed:
        return []
    try:
        done = publish(state, root, spark_catalog(state))
    except Exception as exc:  # noqa: BLE001 - any failure: one line, the previous version stays
        log.exception("publishing to the lake failed")
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        return [
            f"the batch is committed but publishing to the lake failed ({first}); the lake keeps "
            "its previous version: run `python -m data.lake` to publish again"
        ]
    log.info("published lake version %s under %s", done.version, root)
    return []


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data.lake", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--db", help="the transactional store (default: WEALTH_DB_URL)")
    args = parser.parse_args(argv)
    root = lake_root()
    if root is None:
        print(f"no lake: set {LAKE_ENV_VAR} to a folder", file=sys.stderr)
        return 2
    from data.importer import DUCKDB_IMPORT_MEMORY

    # Within the import's memory (WEALTH_IMPORT_MEMORY), as when `python -m data load` publishes:
    # DuckDB's own default is 80 % of the machine's memory.
    state = make_engine(args.db, memory_limit=DUCKDB_IMPORT_MEMORY)
    try:
        done = publish(state, root, spark_catalog(state))
    except Exception as exc:  # noqa: BLE001 - one line, no traceback
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
        print(f"publishing failed: {first}; the previous version stays", file=sys.stderr)
        return 1
    print(
        f"published version {done.version} under {root} (files {done.write_seconds:.1f} s, "
        f"catalog {done.switch_seconds:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
