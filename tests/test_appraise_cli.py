"""`python -m metrics appraise | snapshot | export` in a subprocess, on the golden DuckDB file."""

from __future__ import annotations

import csv
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from data.accounts import create_user
from data.db import upgrade
from data.engine import make_engine
from tests.golden_data import insert_golden
from tests.test_appraisal import SCHEME_YAML
from tests.test_metrics_cli import assert_refused, run


def shown(total: str) -> str:
    """A total as a display rounds it: 2 decimals, half-up."""
    return str(Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@pytest.fixture(scope="module")
def golden_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"duckdb:///{tmp_path_factory.mktemp('appraise') / 'golden.duckdb'}"
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        insert_golden(conn)
        create_user(conn, "p1", "planner", staff_id="P1", password=None, email="p1@example.cn")
    engine.dispose()
    return url


@pytest.fixture
def scheme_file(tmp_path: Path) -> Path:
    path = tmp_path / "q3.yaml"
    path.write_text(SCHEME_YAML, encoding="utf-8")
    return path


def test_appraise_csv_and_json(golden_url: str, scheme_file: Path) -> None:
    result = run("appraise", "--scheme", str(scheme_file), "--period", "2025Q3", "--db", golden_url)
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == [
        "entity_id", "total", "rank", "grade", "score_aum_increment", "score_retention_rate",
        "score_archive_rate", "score_training_completion", "name", "org_id", "role",
    ]  # fmt: skip
    # Totals are written unrounded (cli.md); rounded, they are the hand-computed figures.
    assert [(r[0], shown(r[1]), r[2], r[3]) for r in table[1:]] == [
        ("P1", "33.33", "3", "B"), ("P2", "86.00", "1", "A"),
        ("P3", "61.60", "2", "B"), ("P4", "20.00", "4", "B"),
    ]  # fmt: skip
    assert abs(Fraction(table[1][1]) - (20 + Fraction(40, 3))) < Fraction(1, 10**20)  # P1
    as_json = run(
        "appraise", "--scheme", str(scheme_file), "--period", "2025Q3", "--db", golden_url,
        "--format", "json", "--as", "p1",
    )  # fmt: skip
    assert as_json.returncode == 0, as_json.stderr
    rows = json.loads(as_json.stdout)
    assert [(r["entity_id"], round(r["total"], 2), r["rank"]) for r in rows] == [("P1", 33.33, 3)]


def test_refusals_are_one_line(golden_url: str, scheme_file: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SCHEME_YAML.replace("weight: 40", "weight: 35"), encoding="utf-8")
    assert_refused(
        run("appraise", "--scheme", str(bad), "--period", "2025Q3", "--db", golden_url),
        "weights add up to 95, not 100",
    )
    assert_refused(
        run("appraise", "--scheme", str(scheme_file), "--period", "2025-09", "--db", golden_url),
        "cycle is quarter",
    )
    assert_refused(
        run(
            "appraise",
            "--scheme",
            str(tmp_path / "none.yaml"),
            "--period",
            "2025Q3",
            "--db",
            golden_url,
        ),
        "cannot read scheme file",
    )
    assert_refused(
        run("export", "--snapshot", "nope", "--format", "csv", "--out", str(tmp_path / "x.csv"), "--db", golden_url),
        "no snapshot nope",
    )  # fmt: skip


def test_snapshot_then_export(golden_url: str, scheme_file: Path, tmp_path: Path) -> None:
    result = run("snapshot", "--scheme", str(scheme_file), "--period", "2025Q3", "--db", golden_url)
    assert result.returncode == 0, result.stderr
    snapshot_id, sha = result.stdout.strip().split("\t")
    assert len(sha) == 64
    out = tmp_path / "pack.xlsx"
    done = run(
        "export",
        "--snapshot",
        snapshot_id,
        "--format",
        "xlsx",
        "--out",
        str(out),
        "--db",
        golden_url,
    )
    assert done.returncode == 0, done.stderr
    summary = openpyxl.load_workbook(out)["汇总 Summary"]
    assert sha in [c.value for c in summary["B"]]
    mine = tmp_path / "mine.csv"
    own = run(
        "export", "--snapshot", snapshot_id, "--format", "csv", "--out", str(mine),
        "--db", golden_url, "--as", "p1",
    )  # fmt: skip
    assert own.returncode == 0, own.stderr
    lines = mine.read_bytes().decode("utf-8-sig").splitlines()
    p1 = lines[1].split(",")
    assert len(lines) == 2 and p1[0] == "P1" and shown(p1[1]) == "33.33" and p1[2:4] == ["3", "B"]
    table = run(
        "snapshot",
        "--table",
        "health",
        "--level",
        "branch",
        "--period",
        "2025-09",
        "--db",
        golden_url,
    )
    assert table.returncode == 0, table.stderr


def test_appraise_with_per_person_targets_from_a_csv(
    golden_url: str, scheme_file: Path, tmp_path: Path
) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text("staff_id,kpi,target\nP3,aum_increment,3600000\n", encoding="utf-8")
    result = run(
        "appraise", "--scheme", str(scheme_file), "--period", "2025Q3", "--db", golden_url,
        "--targets", str(targets),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = {r[0]: r for r in list(csv.reader(io.StringIO(result.stdout)))[1:]}
    # P3's AUM increment of about 2,700,000 earned 40 x 2.7M / 5M = 21.60 against the scheme's
    # target; against their own 3.6M it earns 40 x 0.75 = 30: total 61.60 - 21.60 + 30 = 70.00.
    assert shown(rows["P3"][1]) == "70.00" and shown(rows["P3"][4]) == "30.00"
    # The others keep the scheme's target and their hand-computed totals.
    assert [shown(rows[p][1]) for p in ("P1", "P2", "P4")] == ["33.33", "86.00", "20.00"]
    targets.write_text("staff_id,kpi,target\nP3,satisfaction,1\nP2,aum_increment,x\n")
    refused = run(
        "appraise", "--scheme", str(scheme_file), "--period", "2025Q3", "--db", golden_url,
        "--targets", str(targets),
    )  # fmt: skip
    assert_refused(refused, "targets.csv line 2: 'satisfaction' is not an item of the scheme")
    assert "line 3: target must be a number" in refused.stderr


def test_a_target_for_someone_the_scheme_does_not_cover_is_refused_by_its_line(
    golden_url: str, scheme_file: Path, tmp_path: Path
) -> None:
    """As the editor's upload: a mistyped staff id (or a person outside the scheme's role) is
    said, not kept as a target nobody is held to; nothing is appraised."""
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "staff_id,kpi,target\nP3,aum_increment,3600000\nP33,aum_increment,1000000\n",
        encoding="utf-8",
    )
    refused = run(
        "appraise", "--scheme", str(scheme_file), "--period", "2025Q3", "--db", golden_url,
        "--targets", str(targets),
    )  # fmt: skip
    assert_refused(refused, "targets.csv line 3: P33 is not among the staff listed")
    assert "line 2" not in refused.stderr and not refused.stdout
