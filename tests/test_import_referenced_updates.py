"""A monthly extract that changes referenced rows (a planner leaves or moves, an org unit is
renamed, a client closes): it imports on both engines, an old DuckDB file is upgraded in place
(migration 0007) without losing a row, and a constraint the importer does not know of refuses the
batch with a plain sentence, the database unchanged, the refusal audited."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select, text

from data import audit
from data.db import alembic_config
from data.demo import DEMO_AS_OF
from data.engine import make_engine
from data.importer import ImportRefused, load_dir
from data.schema import Client, OrgUnit, Staff
from tests import reliability


def _rewrite(path: Path, change: dict[str, dict[str, str]], key: str) -> None:
    """Set columns of the rows whose `key` is in `change` (CSV in, CSV out)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = list(rows[0])
    for row in rows:
        row.update(change.get(row[key], {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _first(path: Path, column: str, value: str) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(r for r in csv.DictReader(handle) if r[column] == value)


@pytest.fixture
def demo(tiny_csv: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "extract"
    shutil.copytree(tiny_csv, folder)
    return folder


def _changed_extract(demo: Path, tmp_path: Path) -> tuple[Path, str, str, str]:
    """Next month's extract: a planner left (and moved), a sub-branch renamed, a client closed."""
    folder = tmp_path / "next"
    shutil.copytree(demo, folder)
    planner = _first(folder / "staff.csv", "role", "planner")
    other_unit = next(
        r["org_id"]
        for r in csv.DictReader((folder / "org_units.csv").open(encoding="utf-8"))
        if r["kind"] == "sub_branch" and r["org_id"] != planner["org_id"]
    )
    _rewrite(
        folder / "staff.csv",
        {planner["staff_id"]: {"left_on": "2026-10-20", "org_id": other_unit}},
        "staff_id",
    )
    _rewrite(folder / "org_units.csv", {other_unit: {"name": "新名字支行"}}, "org_id")
    client = _first(folder / "clients.csv", "closed_on", "")["client_id"]
    _rewrite(folder / "clients.csv", {client: {"closed_on": "2026-10-25"}}, "client_id")
    return folder, planner["staff_id"], other_unit, client


def test_an_extract_changing_referenced_rows_imports(
    engine: Engine, demo: Path, tmp_path: Path
) -> None:
    first = load_dir(engine, demo, as_of=DEMO_AS_OF, quarantine_root=tmp_path / "q")
    assert first.exit_code == 0
    folder, staff_id, unit, client = _changed_extract(demo, tmp_path)
    report = load_dir(engine, folder, as_of=DEMO_AS_OF, quarantine_root=tmp_path / "q")
    assert report.committed and report.exit_code == 0
    updated = {f.table: f.updated for f in report.files if f.updated}
    assert updated == {"staff": 1, "org_units": 1, "clients": 1}
    with engine.connect() as conn:
        row = conn.execute(
            select(Staff.left_on, Staff.org_id).where(Staff.staff_id == staff_id)
        ).one()
        assert tuple(row) == (dt.date(2026, 10, 20), unit)
        assert conn.execute(select(OrgUnit.name).where(OrgUnit.org_id == unit)).scalar() == (
            "新名字支行"
        )
        assert conn.execute(
            select(Client.closed_on).where(Client.client_id == client)
        ).scalar() == dt.date(2026, 10, 25)
    reliability.record_case(
        "1", "an extract changing a referenced staff row, org unit and client", engine.dialect.name,
        tried=sum(f.read for f in report.files), test="test_import_referenced_updates.py",
    )  # fmt: skip


def _table_hashes(engine: Engine) -> dict[str, tuple[int, str]]:
    """Per table: rows and a hash of their content in a fixed order (every column)."""
    out = {}
    with engine.connect() as conn:
        # The tables the database has (an old file lacks the later migrations' tables).
        for name in sorted(inspect(conn).get_table_names()):
            rows = sorted(repr(tuple(r)) for r in conn.execute(text(f'SELECT * FROM "{name}"')))
            out[name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return out


def test_an_old_duckdb_file_is_upgraded_in_place(demo: Path, tmp_path: Path) -> None:
    """A file made at 0006 (with DuckDB foreign keys) and loaded: 0007 keeps every row, index and
    primary key, drops the foreign keys, and the changed extract then imports."""
    url = f"duckdb:///{tmp_path / 'old.duckdb'}"
    engine = make_engine(url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006")
    from data.calendar import ensure_calendar
    from data.settings import ensure_defaults

    with engine.begin() as conn:
        ensure_defaults(conn)
        ensure_calendar(conn)
    # Load at 0006 with the importer (its statements work on the old schema too).
    assert load_dir(engine, demo, as_of=DEMO_AS_OF, quarantine_root=tmp_path / "q").committed

    def catalogue() -> tuple[int, list[tuple[str, str]], list[tuple[str, str]]]:
        with engine.connect() as conn:
            fks = conn.execute(
                text(
                    "SELECT count(*) FROM duckdb_constraints() "
                    "WHERE constraint_type = 'FOREIGN KEY'"
                )
            ).scalar_one()
            indexes = conn.execute(
                text("SELECT table_name, index_name FROM duckdb_indexes() ORDER BY 1, 2")
            ).all()
            keys = conn.execute(
                text(
                    "SELECT table_name, constraint_text FROM duckdb_constraints() "
                    "WHERE constraint_type = 'PRIMARY KEY' ORDER BY 1, 2"
                )
            ).all()
        return fks, [tuple(i) for i in indexes], [tuple(k) for k in keys]

    fks_before, indexes_before, keys_before = catalogue()
    assert fks_before == 8  # staff, assignments x2, archives x2, trainings, certificates, rewards
    before = _table_hashes(engine)
    with engine.begin() as conn:  # 0006 -> 0007 alone: later migrations change other tables
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
    fks_after, indexes_after, keys_after = catalogue()
    assert fks_after == 0
    assert (indexes_after, keys_after) == (indexes_before, keys_before)
    after = _table_hashes(engine)
    assert {k: v for k, v in after.items() if k != "alembic_version"} == {
        k: v for k, v in before.items() if k != "alembic_version"
    }
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0007"
    folder, staff_id, _unit, _client = _changed_extract(demo, tmp_path)
    report = load_dir(engine, folder, as_of=DEMO_AS_OF, quarantine_root=tmp_path / "q")
    assert report.exit_code == 0 and {f.table: f.updated for f in report.files if f.updated} == {
        "staff": 1,
        "org_units": 1,
        "clients": 1,
    }
    engine.dispose()


def test_a_constraint_the_importer_does_not_know_refuses_the_batch_plainly(
    engine: Engine, tmp_path: Path
) -> None:
    """A unique index added by a DBA (two clients with one phone): the batch is refused with a
    sentence naming the file, no database message; nothing written; the refusal audited."""
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "clients.csv").write_text(
        "client_id,name,phone,opened_on\n"
        "0000001,王芳,13800001234,2019-01-01\n"
        "0000002,刘洋,13800001234,2019-02-01\n",
        encoding="utf-8",
    )
    with engine.begin() as conn:
        conn.execute(text("CREATE UNIQUE INDEX ux_test_phone ON clients (phone)"))
    with pytest.raises(ImportRefused) as refused:
        load_dir(engine, folder, as_of=DEMO_AS_OF, user="ops", quarantine_root=tmp_path / "q")
    message = str(refused.value)
    assert message == (
        "the database refused the batch while writing clients.csv "
        "(a constraint of the stored data); nothing was written"
    )
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM clients")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM import_history")).scalar() == 0
        events = audit.search(conn, action=audit.IMPORT)
    assert list(events["username"]) == ["ops"]
    assert '"committed": false' in events["detail"].iloc[0]
    reliability.record_case(
        "1", "a constraint the importer does not know: the batch refused plainly",
        engine.dialect.name, tried=2, refused=2, test="test_import_referenced_updates.py",
    )  # fmt: skip
