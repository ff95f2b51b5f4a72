"""What an import leaves behind: an audit row for a command-line import too, no copy of an
uploaded file (imported or refused), and a read-only database still readable by `metrics`."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from data import audit
from data.cli import main as data_main
from data.importer import QUARANTINE_ROOT, import_sources, sources_in_file
from tests import reliability
from tests.test_importer import AS_OF, BASE, write

ROOT = Path(__file__).resolve().parent.parent


def test_a_command_line_import_is_audited(engine: Engine, db_url: str, tmp_path: Path) -> None:
    folder = write(tmp_path / "base", BASE)
    code = data_main(
        ["load", str(folder), "--db", db_url, "--as-of", str(AS_OF), "--user", "nightly"]
    )
    assert code == 0
    bad = write(
        tmp_path / "bad", {"staff.csv": "staff_id,name,role,org_id\n000999,某,boss,B01S01\n"}
    )
    code = data_main(["load", str(bad), "--db", db_url, "--as-of", str(AS_OF), "--all-or-nothing"])
    assert code == 2
    with engine.connect() as conn:
        events = audit.search(conn, action=audit.IMPORT).sort_values("at")
        batches = [r[0] for r in conn.exec_driver_sql("SELECT batch_id FROM import_history")]
    assert list(events["username"]) == ["nightly", "(command line)"]
    assert events["target"].iloc[0] == batches[0]
    assert ['"committed": true' in d for d in events["detail"]] == [True, False]
    reliability.record_case(
        "8", "command-line imports (one committed, one refused) both audited", engine.dialect.name,
        tried=2, refused=1, test="test_import_housekeeping.py",
    )  # fmt: skip


def _uploads() -> set[str]:
    folder = QUARANTINE_ROOT.parent / "uploads"
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "clients"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_uploads_leave_no_file_behind(engine: Engine, tmp_path: Path) -> None:
    """An uploaded workbook (imported, then a refused one) is read from memory: nothing is
    written under var/uploads (it used to keep every upload for ever)."""
    before = _uploads()
    good = _xlsx([["client_id", "name", "opened_on"], ["0000009", "王芳", "2019-01-01"]])
    found, notes = sources_in_file(Path("clients.xlsx"), good)
    assert notes == []
    report = import_sources(engine, found, as_of=AS_OF, quarantine_root=tmp_path / "q")
    assert report.exit_code == 0 and report.files[0].inserted == 1
    found, notes = sources_in_file(Path("clients.xlsx"), b"PK\x03\x04 not really a zip")
    report = import_sources(engine, found, as_of=AS_OF, quarantine_root=tmp_path / "q")
    assert report.files[0].refused == "not a readable .xlsx workbook (BadZipFile)"
    found, notes = sources_in_file(Path("other.xlsx"), b"garbage")
    assert found == [] and notes == [
        "other.xlsx: not a readable .xlsx workbook (BadZipFile); ignored"
    ]
    assert _uploads() == before
    reliability.record_case(
        "8", "uploads (imported, refused, ignored) leave no file in var/uploads",
        engine.dialect.name, tried=3, refused=2, test="test_import_housekeeping.py",
    )  # fmt: skip


@pytest.fixture
def immutable_copy(tmp_path: Path) -> Path:
    """A loaded DuckDB file that not even root may write (chattr +i): what a read-only mount or
    a reporting account's permissions give. Made writable again afterwards."""
    path = tmp_path / "readonly.duckdb"
    from data.db import upgrade
    from data.engine import make_engine
    from data.importer import load_dir

    engine = make_engine(f"duckdb:///{path}")
    upgrade(engine)
    assert load_dir(engine, write(tmp_path / "base", BASE), as_of=AS_OF).exit_code == 0
    engine.dispose()
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed: cannot make a file read-only for root")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=True)


def test_metrics_commands_read_a_read_only_database(immutable_copy: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "metrics", "supervision", "--period", "2026-09", "--db",
         f"duckdb:///{immutable_copy}", "--level", "sub_branch"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("entity_id,") and [line.split(",")[0] for line in lines[1:]] == [
        "B01S01"
    ]
    reliability.record_case(
        "8", "a metrics command on an immutable (chattr +i) database file", "DuckDB",
        tried=1, test="test_import_housekeeping.py",
    )  # fmt: skip
