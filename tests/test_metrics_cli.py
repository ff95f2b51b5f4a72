"""`python -m metrics` in a subprocess, against a DuckDB file holding the golden data."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from data.db import upgrade
from data.engine import make_engine
from metrics.core.catalogue import appraisal_ids
from tests.golden_data import insert_golden

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def golden_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('cli') / 'golden.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        insert_golden(conn)
    engine.dispose()
    return url


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def assert_refused(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert words in lines[0]


def test_scorecard_csv(golden_url: str) -> None:
    result = run("scorecard", "--period", "2025-09", "--db", golden_url)
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["entity_id", *appraisal_ids(), "name", "org_id", "role"]
    ids = [row[0] for row in table[1:]]
    assert ids == sorted(ids) == ["A1", "A2", "P1", "P2", "P3", "P4"]
    rows = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    p1 = rows["P1"]
    assert p1["aum_stock"] == "5999999.99"
    assert p1["aum_increment"] == "-9000000.01"
    assert p1["top_clients"] == "1" and p1["top_clients_increment"] == "-2"
    assert float(p1["retention_rate"]) == pytest.approx(4 / 7)
    assert p1["reward_points"] == "7"
    assert p1["name"] == "经理一" and p1["role"] == "planner"
    # P4 left and has nothing in September: stocks 0, ratios null (empty cells).
    assert rows["P4"]["aum_stock"] == "0.00"
    assert rows["P4"]["retention_rate"] == "" and rows["P4"]["satisfaction"] == ""
    assert rows["A1"]["satisfaction"] == ""


def test_scorecard_json_with_nulls(golden_url: str) -> None:
    result = run(
        "scorecard",
        "--period",
        "2025Q3",
        "--level",
        "sub_branch",
        "--db",
        golden_url,
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    assert "null" in result.stdout
    rows = json.loads(result.stdout)
    assert [r["entity_id"] for r in rows] == ["SB1", "SB2", "SB3"]
    sb3 = rows[2]
    assert sb3["retention_rate"] is None and sb3["training_score"] is None
    assert sb3["aum_stock"] == 0 and sb3["top_clients"] == 0
    assert isinstance(rows[0]["top_clients"], int)
    assert list(rows[0])[: len(appraisal_ids()) + 1] == ["entity_id", *appraisal_ids()]


def test_bad_period_is_refused(golden_url: str) -> None:
    assert_refused(run("scorecard", "--period", "2025-13", "--db", golden_url), "2025-13")
    assert_refused(run("scorecard", "--period", "Q3", "--db", golden_url), "period")


def test_unreachable_database_is_refused() -> None:
    assert_refused(
        run("scorecard", "--period", "2025-09", "--db", "postgresql://nobody@127.0.0.1:1/none"),
        "database",
    )
    assert_refused(run("scorecard", "--period", "2025-09", "--db", "nosuchdb://x"), "database")


def test_unknown_user_is_refused(golden_url: str) -> None:
    assert_refused(
        run("scorecard", "--period", "2025-09", "--db", golden_url, "--as", "nobody"),
        "unknown user",
    )


def test_bad_level_is_an_argparse_error(golden_url: str) -> None:
    result = run("health", "--period", "2025-09", "--level", "staff", "--db", golden_url)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_as_user_applies_the_scope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--as` narrows the figures to what that account may see; a disabled one is refused."""
    from data.accounts import create_user, set_active
    from metrics.cli.main import main

    url = f"duckdb:///{tmp_path / 'users.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        insert_golden(conn)
        password = "a long enough password"
        create_user(conn, "boss", "director", password=password)
        create_user(conn, "head1", "head", org_id="SB1", password=password)
        create_user(conn, "p1", "planner", staff_id="P1", password=password)
        create_user(conn, "gone", "planner", staff_id="P2", password=password)
        set_active(conn, "gone", False)
    engine.dispose()
    expected = {
        "boss": ["A1", "A2", "P1", "P2", "P3", "P4"],
        "head1": ["A2", "P1", "P2"],
        "p1": ["P1"],
    }
    for user, ids in expected.items():
        assert main(["scorecard", "--period", "2025-09", "--db", url, "--as", user]) == 0
        out = capsys.readouterr().out
        assert [line.split(",")[0] for line in out.splitlines()[1:]] == ids
    assert main(["scorecard", "--period", "2025-09", "--db", url, "--as", "gone"]) == 2
    assert "unknown user" in capsys.readouterr().err
