"""Backups that restore (issue 14, item 10): `python -m data backup --out DIR` then
`python -m data restore DIR` into an empty database gives back every table exactly (a content
hash of every table compared), on DuckDB and PostgreSQL; a restore onto a database holding data
is refused unless `--force`; a changed backup file is refused; the audit chain survives."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from data import audit, audit_chain
from data.accounts import create_user
from data.backup import content_hashes
from data.demo import DEMO_AS_OF
from data.engine import make_engine
from data.importer import load_dir
from data.schema import metadata
from tests import reliability
from tests.conftest import PG_SERVER
from tests.ui_support import ROOT


def data_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def independent_hashes(engine: Engine) -> dict[str, tuple[int, str]]:
    """Every table's rows, hashed here without the product's code: each row's values as text,
    the rows sorted, so the expectation does not come from the code under test."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = sorted(
                "\x1f".join("\x00" if v is None else str(v) for v in row)
                for row in conn.execute(table.select())
            )
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


@pytest.fixture
def other_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database on the same engine as `db_url`."""
    if db_url.startswith("duckdb"):
        yield f"duckdb:///{tmp_path / 'restored.duckdb'}"
        return
    name = f"wealth_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{PG_SERVER}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def loaded(engine: Engine, tiny_csv: Path, tmp_path: Path) -> Engine:
    """The tiny demo data, accounts and some audit events: every kind of column."""
    shutil.copytree(tiny_csv, tmp_path / "tiny")
    load_dir(engine, tmp_path / "tiny", as_of=DEMO_AS_OF, quarantine_root=tmp_path / "q")
    with engine.begin() as conn:
        create_user(conn, "boss", "director", password="correct horse battery")
        audit.record(conn, "boss", audit.EXPORT, "x", {"rows": 3})
    return engine


def test_round_trip_gives_back_every_table(
    loaded: Engine, db_url: str, other_url: str, tmp_path: Path
) -> None:
    before = independent_hashes(loaded)
    assert before["clients"][0] > 0 and before["audit_log"][0] > 0
    with loaded.connect() as conn:
        product_before = content_hashes(conn)
    loaded.dispose()
    folder = tmp_path / "backup"

    done = data_cli("backup", "--out", str(folder), "--db", db_url)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert {n: e["rows"] for n, e in manifest["tables"].items()} == {
        n: rows for n, (rows, _) in before.items()
    }

    restored = data_cli("restore", str(folder), "--db", other_url)
    assert restored.returncode == 0, restored.stderr
    target = make_engine(other_url)
    try:
        assert independent_hashes(target) == before
        with target.connect() as conn:
            assert {n: (s.rows, s.sha256) for n, s in content_hashes(conn).items()} == {
                n: (s.rows, s.sha256) for n, s in product_before.items()
            }
        assert audit_chain.seal_and_verify(target).ok
    finally:
        target.dispose()

    # Again onto the now non-empty database: refused, one line, nothing changed; --force works.
    again = data_cli("restore", str(folder), "--db", other_url)
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1 and "Traceback" not in again.stderr
    assert "holds data" in again.stderr and "--force" in again.stderr
    target = make_engine(other_url)
    with target.begin() as conn:
        conn.execute(text("DELETE FROM contacts"))
    after_delete = independent_hashes(target)
    target.dispose()
    assert after_delete["contacts"][0] == 0
    refused = data_cli("restore", str(folder), "--db", other_url)
    assert refused.returncode == 2
    target = make_engine(other_url)
    assert independent_hashes(target) == after_delete  # the refusal wrote nothing
    target.dispose()
    forced = data_cli("restore", str(folder), "--db", other_url, "--force")
    assert forced.returncode == 0, forced.stderr
    target = make_engine(other_url)
    assert independent_hashes(target) == before
    target.dispose()
    reliability.record_case(
        "10", f"backup, restore, restore again: {len(before)} tables' content hashes equal",
        make_engine(db_url).dialect.name, tried=4, refused=2,
        test="test_backup_restore.py (the commands run as child processes)",
    )  # fmt: skip


def test_a_changed_backup_file_is_refused(loaded: Engine, db_url: str, tmp_path: Path) -> None:
    loaded.dispose()
    folder = tmp_path / "backup"
    assert data_cli("backup", "--out", str(folder), "--db", db_url).returncode == 0
    # Backing up into a folder that is not empty is refused too.
    busy = data_cli("backup", "--out", str(folder), "--db", db_url)
    assert busy.returncode == 2 and "not an empty folder" in busy.stderr
    with (folder / "clients.parquet").open("ab") as f:
        f.write(b"\0")
    fresh = tmp_path / "fresh.duckdb"
    done = data_cli("restore", str(folder), "--db", f"duckdb:///{fresh}")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "error: clients.parquet is missing or was changed after the backup"
    )


def test_backup_while_the_dashboard_holds_the_file(
    duckdb_template: Path, tiny_csv: Path, tmp_path: Path
) -> None:
    """DuckDB: the dashboard's engine keeps the file open a few idle seconds; the backup waits
    for it like an import does and then succeeds, without the dashboard being stopped."""
    shutil.copyfile(duckdb_template, tmp_path / "live.duckdb")
    url = f"duckdb:///{tmp_path / 'live.duckdb'}"
    engine = make_engine(url)
    shutil.copytree(tiny_csv, tmp_path / "tiny")
    load_dir(engine, tmp_path / "tiny", as_of=DEMO_AS_OF, quarantine_root=tmp_path / "q")
    engine.dispose()
    dashboard = make_engine(url, keep_open=1.0)
    with dashboard.connect() as conn:
        clients = conn.execute(text("SELECT count(*) FROM clients")).scalar()
    done = data_cli("backup", "--out", str(tmp_path / "b"), "--db", url)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["clients"]["rows"] == clients
    with dashboard.connect() as conn:  # and the dashboard goes on reading afterwards
        assert conn.execute(text("SELECT count(*) FROM clients")).scalar() == clients
    dashboard.dispose()
