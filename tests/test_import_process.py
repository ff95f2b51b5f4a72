"""The importer as a process: the command line's exit codes and messages, `kill -9` in the middle
of a batch, and a second import while one runs. Real subprocesses on a real DuckDB file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data.db import upgrade
from data.engine import make_engine
from data.schema import AumMonthly, Client, ImportBatch
from tests.test_importer import BASE, content_hash, write

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "data", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def big_batch(folder: Path, clients: int = 3000, months: int = 24) -> Path:
    rows = ["client_id,name,opened_on"] + [f"{i:010d},客户{i},2020-01-01" for i in range(clients)]
    aum = ["client_id,month,avg_daily_aum"] + [
        f"{i:010d},{2024 + m // 12}-{m % 12 + 1:02d},{(i * 7919 + m * 104729) % 9000000}.{m:02d}"
        for i in range(clients)
        for m in range(months)
    ]
    return write(
        folder,
        {**BASE, "clients.csv": "\n".join(rows) + "\n", "aum_monthly.csv": "\n".join(aum) + "\n"},
    )


def wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Wait until the importer announces it reached its hold point (or died)."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"importer ended early: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("importer never reached its hold point")
        time.sleep(0.02)  # polling for an event, not a sleep standing in for one


def test_cli_exit_codes_and_messages(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    folder = write(tmp_path / "in", BASE)
    ok = run_cli("load", str(folder), "--db", db, "--as-of", "2026-10-31")
    assert ok.returncode == 0, ok.stderr
    assert "clients.csv" in ok.stdout and "committed batch" in ok.stdout
    again = run_cli("load", str(folder), "--db", db, "--as-of", "2026-10-31")
    assert again.returncode == 0 and "nothing changed: every row was already stored" in again.stdout

    bad = write(
        tmp_path / "bad", {"staff.csv": "staff_id,name,role,org_id\n000900,x,boss,B01S01\n"}
    )
    rejected = run_cli(
        "load", str(bad), "--db", db, "--as-of", "2026-10-31", "--quarantine", str(tmp_path / "q")
    )
    assert rejected.returncode == 1
    assert "line 2, role: unknown value 'boss'" in rejected.stdout
    assert "rejected rows written to" in rejected.stdout

    refused = run_cli(
        "load", str(bad), "--db", db, "--all-or-nothing", "--quarantine", str(tmp_path / "q")
    )
    assert refused.returncode == 2
    assert refused.stderr.strip().count("\n") == 0 and "Traceback" not in refused.stderr

    for args in (
        ("load", str(tmp_path / "missing"), "--db", db),
        ("load", str(folder), "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none"),
        ("load", str(folder), "--db", db, "--as-of", "31/10/2026"),
    ):
        result = run_cli(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.strip(), args
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.slow
def test_kill_9_mid_import_leaves_database_as_before(tmp_path: Path) -> None:
    db_path = tmp_path / "crash.duckdb"
    db = f"duckdb:///{db_path}"
    engine = make_engine(db)
    upgrade(engine)
    first = run_cli(
        "load", str(write(tmp_path / "base", BASE)), "--db", db, "--as-of", "2026-10-31"
    )
    assert first.returncode == 0, first.stderr
    before = content_hash(engine)
    folder = big_batch(tmp_path / "big")
    hold = tmp_path / "hold"
    os.mkfifo(hold)
    proc = subprocess.Popen(
        [sys.executable, "-m", "data", "load", str(folder), "--db", db, "--as-of", "2026-10-31"],
        cwd=ROOT,
        env={**os.environ, "WEALTH_IMPORT_HOLD": str(hold)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(Path(str(hold) + ".ready"), proc)
    # Everything is staged and upserted inside the open transaction: now the process dies.
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert content_hash(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 1
    rerun = run_cli("load", str(folder), "--db", db, "--as-of", "2026-10-31")
    assert rerun.returncode == 0, rerun.stderr
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(Client)).scalar_one() == 3000 + 2
        )  # BASE has 2
        assert conn.execute(select(func.count()).select_from(AumMonthly)).scalar_one() == 3000 * 24
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 2


def test_second_import_while_one_runs_is_refused(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'lock.duckdb'}"
    folder = write(tmp_path / "in", BASE)
    hold = tmp_path / "hold"
    os.mkfifo(hold)
    proc = subprocess.Popen(
        [sys.executable, "-m", "data", "load", str(folder), "--db", db, "--as-of", "2026-10-31"],
        cwd=ROOT,
        env={**os.environ, "WEALTH_IMPORT_HOLD": str(hold)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(Path(str(hold) + ".ready"), proc)
        second = run_cli("load", str(folder), "--db", db, "--as-of", "2026-10-31")
        assert second.returncode == 2
        assert second.stderr.startswith("error: import in progress"), second.stderr
    finally:
        with open(hold, "w") as fifo:
            fifo.write("go")
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "committed batch" in out


def test_reader_waits_for_an_import_then_succeeds(tmp_path: Path) -> None:
    """A dashboard query (here the metrics command line) while an import holds the DuckDB file
    waits politely and then answers; neither process fails, the file stays sound."""
    db = f"duckdb:///{tmp_path / 'share.duckdb'}"
    assert (
        run_cli(
            "load", str(write(tmp_path / "base", BASE)), "--db", db, "--as-of", "2026-10-31"
        ).returncode
        == 0
    )
    hold = tmp_path / "hold"
    os.mkfifo(hold)
    importer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "data",
            "load",
            str(big_batch(tmp_path / "big", clients=200, months=3)),
            "--db",
            db,
            "--as-of",
            "2026-10-31",
        ],
        cwd=ROOT,
        env={**os.environ, "WEALTH_IMPORT_HOLD": str(hold)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reader = None
    try:
        wait_for(Path(str(hold) + ".ready"), importer)
        # 2024Q1: the quarter the big batch completes (an incomplete period is refused).
        reader = subprocess.Popen(
            [sys.executable, "-m", "metrics", "scorecard", "--period", "2024Q1", "--db", db],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert reader.poll() is None  # it is waiting for the file, not failing
    finally:
        with open(hold, "w") as fifo:
            fifo.write("go")
    out, err = importer.communicate(timeout=60)
    assert importer.returncode == 0, err
    assert reader is not None
    r_out, r_err = reader.communicate(timeout=120)
    assert reader.returncode == 0, r_err
    assert r_out.splitlines()[0].startswith("entity_id,aum_stock")
    assert {line.split(",")[0] for line in r_out.splitlines()[1:]} == {"000123", "000124"}


def test_first_start_loads_demo_data_once(tmp_path: Path) -> None:
    db = f"duckdb:///{tmp_path / 'first.duckdb'}"
    env = {"WEALTH_ADMIN_PASSWORD": "correct horse battery staple"}
    first = run_cli("first-start", "--db", db, "--scale", "tiny", env=env)
    assert first.returncode == 0, first.stderr
    assert "is empty: loading the 'tiny' demo data set" in first.stdout
    engine = make_engine(db)
    with engine.connect() as conn:
        clients = conn.execute(select(func.count()).select_from(Client)).scalar_one()
    assert clients > 0
    again = run_cli("first-start", "--db", db, "--scale", "tiny", env=env)
    assert again.returncode == 0 and "loading" not in again.stdout
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Client)).scalar_one() == clients
        assert conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 1
