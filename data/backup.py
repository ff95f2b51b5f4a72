"""Backups that restore: `python -m data backup --out DIR` / `python -m data restore DIR`.

A backup is one Parquet file per table plus `manifest.json` (the schema revision, and per table
its row count, a content hash of its rows and the file's checksum). It is read in one transaction
(DuckDB's snapshot; PostgreSQL's REPEATABLE READ), through an ordinary connection, so the
dashboard keeps running: on DuckDB the backup waits for the file like an import does
(`WEALTH_DB_LOCK_WAIT`), on PostgreSQL it reads beside the users. No pg_dump is needed.

A restore checks every file against the manifest, brings the target to the current schema,
refuses a different schema revision and a database holding data (unless `force`), then replaces
every table in one transaction and compares each table's content hash with the manifest before
committing: a restore that would not give back exactly the backed-up rows writes nothing.

The content hash is the sha256 of the rows in primary-key order, each value in a canonical text
form, so it is the same whatever file or engine the rows went through.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, Engine, Table, func, select, text

from data.schema import metadata

MANIFEST = "manifest.json"
FORMAT = "wealth-backup/1"
# Filled by every upgrade (defaults, the working-day calendar): a database holding only these is
# empty as far as a restore is concerned.
FILLED_ON_UPGRADE = {"settings", "calendar_days"}
_CHUNK = 5000


class BackupError(ValueError):
    """A refused backup or restore (one line, for the command line)."""


@dataclass(frozen=True)
class TableSummary:
    name: str
    rows: int
    sha256: str


def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def _ordered(table: Table):  # type: ignore[no-untyped-def]
    keys = list(table.primary_key.columns) or list(table.columns)
    return select(*table.columns).order_by(*keys)


def table_hash(conn: Connection, table: Table) -> TableSummary:
    """Row count and content hash of one table."""
    digest = hashlib.sha256()
    rows = 0
    for row in conn.execute(_ordered(table)):
        digest.update(json.dumps([_canonical(v) for v in row], ensure_ascii=False).encode())
        digest.update(b"\n")
        rows += 1
    return TableSummary(table.name, rows, digest.hexdigest())


def content_hashes(conn: Connection) -> dict[str, TableSummary]:
    return {t.name: table_hash(conn, t) for t in metadata.sorted_tables}


def _revision(conn: Connection) -> str | None:
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # noqa: BLE001 - no schema at all
        return None


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _reading(engine: Engine) -> Connection:
    conn = engine.connect()
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def backup(engine: Engine, out: Path) -> dict[str, TableSummary]:
    """Write every table of `engine` to `out` (a new or empty folder); the tables' summaries."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"{out} exists and is not an empty folder: give a new one")
    out.mkdir(parents=True, exist_ok=True)
    summaries: dict[str, TableSummary] = {}
    files: dict[str, str] = {}
    with _reading(engine) as conn, conn.begin():
        revision = _revision(conn)
        for table in metadata.sorted_tables:
            result = conn.execute(_ordered(table))
            names = list(result.keys())
            rows = result.all()
            columns = {n: pa.array([r[i] for r in rows]) for i, n in enumerate(names)}
            path = out / f"{table.name}.parquet"
            pq.write_table(pa.table(columns) if rows else _empty(names), path)
            files[table.name] = _file_sha(path)
            summaries[table.name] = table_hash(conn, table)
    manifest = {
        "format": FORMAT,
        "revision": revision,
        "engine": engine.dialect.name,
        "taken_at": dt.datetime.now().isoformat(timespec="seconds"),
        "tables": {
            name: {"rows": s.rows, "sha256": s.sha256, "file_sha256": files[name]}
            for name, s in summaries.items()
        },
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return summaries


def _empty(names: list[str]) -> pa.Table:
    return pa.table({n: pa.array([], type=pa.null()) for n in names})


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} is not a backup: cannot read {MANIFEST} ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not a backup of this product ({MANIFEST} format)")
    expected = {t.name for t in metadata.sorted_tables}
    if set(manifest.get("tables", {})) != expected:
        raise BackupError(f"{folder}: the backup's tables are not this version's tables")
    for name, entry in manifest["tables"].items():
        path = folder / f"{name}.parquet"
        if not path.is_file() or _file_sha(path) != entry["file_sha256"]:
            raise BackupError(f"{path.name} is missing or was changed after the backup")
    return manifest


def holds_data(conn: Connection) -> list[str]:
    """The tables (other than those every upgrade fills) that hold rows."""
    return [
        t.name
        for t in metadata.sorted_tables
        if t.name not in FILLED_ON_UPGRADE
        and conn.execute(select(func.count()).select_from(t)).scalar()
    ]


def restore(engine: Engine, folder: Path, *, force: bool = False) -> dict[str, TableSummary]:
    """Replace every table of `engine` by the backup in `folder` (see the module docstring)."""
    from data.db import upgrade

    manifest = read_manifest(folder)
    upgrade(engine)
    with engine.connect() as conn:
        revision = _revision(conn)
        filled = holds_data(conn)
    if revision != manifest["revision"]:
        raise BackupError(
            f"the backup is of schema {manifest['revision']}, this database is at "
            f"{revision}: restore it with the version that made it"
        )
    if filled and not force:
        raise BackupError(
            f"the database holds data ({', '.join(filled[:4])}"
            f"{', ...' if len(filled) > 4 else ''}): restore into an empty one, or give "
            "--force to replace everything in it"
        )
    if filled and engine.dialect.name == "duckdb":
        # DuckDB refuses to delete a row in the transaction that deleted the rows referring to
        # it (its foreign-key limitation), so the old rows go in transactions of their own,
        # children first. Before anything is deleted, the backup is restored into a scratch
        # file and checked, so the replacement that follows is known to succeed.
        _rehearse(folder, manifest)
        for table in reversed(metadata.sorted_tables):
            with engine.begin() as conn:
                conn.execute(table.delete())
        filled = []
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name in filled or table.name in FILLED_ON_UPGRADE:
                conn.execute(table.delete())
        return _load_all(conn, folder, manifest)


def _load_all(conn: Connection, folder: Path, manifest: dict[str, Any]) -> dict[str, TableSummary]:
    for table in metadata.sorted_tables:
        _load(conn, table, folder / f"{table.name}.parquet")
    restored = content_hashes(conn)
    for name, entry in manifest["tables"].items():
        got = restored[name]
        if (got.rows, got.sha256) != (entry["rows"], entry["sha256"]):
            raise BackupError(
                f"table {name} would not be restored exactly ({got.rows} rows, "
                f"{entry['rows']} backed up): nothing was written"
            )
    return restored


def _rehearse(folder: Path, manifest: dict[str, Any]) -> None:
    import tempfile

    from data.db import upgrade
    from data.engine import make_engine

    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"duckdb:///{Path(scratch) / 'rehearsal.duckdb'}")
        try:
            upgrade(engine)
            with engine.begin() as conn:
                for table in reversed(metadata.sorted_tables):
                    if table.name in FILLED_ON_UPGRADE:
                        conn.execute(table.delete())
                _load_all(conn, folder, manifest)
        finally:
            engine.dispose()


def _load(conn: Connection, table: Table, path: Path) -> None:
    data = pq.read_table(path)
    if data.num_rows == 0:
        return
    if conn.dialect.name == "duckdb":
        # DuckDB reads the Parquet file itself: millions of rows in seconds, not row by row.
        columns = ", ".join(f'"{c}"' for c in data.column_names)
        source = str(path).replace("'", "''")
        conn.exec_driver_sql(
            f"INSERT INTO \"{table.name}\" ({columns}) SELECT {columns} FROM read_parquet('{source}')"
        )
        return
    rows = data.to_pylist()
    for start in range(0, len(rows), _CHUNK):
        conn.execute(table.insert(), rows[start : start + _CHUNK])
