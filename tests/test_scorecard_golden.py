"""Golden tests: the scorecard against an independent Python implementation, whole tables.

Every metric of every entity, at staff, sub-branch and branch level, for a month and a quarter, on
DuckDB and PostgreSQL. A few figures are also worked out by hand below, so that the oracle itself
is checked against paper.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from metrics.core.catalogue import BY_ID, appraisal_ids
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.core.values import is_null
from metrics.measures.tables import columns, scorecard
from tests.golden_data import GOLDEN_PERIODS, insert_golden
from tests.golden_oracle import expected_scorecard

LEVELS = ("staff", "sub_branch", "branch")


@pytest.fixture
def golden(engine: Engine) -> Engine:
    with engine.begin() as conn:
        insert_golden(conn)
    return engine


def compute(engine: Engine, period: str, level: str, scope: Scope | None = None) -> pd.DataFrame:
    with engine.connect() as conn:
        return scorecard(conn, Period.parse(period), level, scope or Scope.everything())  # type: ignore[arg-type]


def same(actual: Any, expected: Any) -> bool:
    if expected is None:
        return is_null(actual)
    if isinstance(expected, float):
        return isinstance(actual, float) and math.isclose(actual, expected, rel_tol=1e-12)
    if isinstance(expected, Decimal):
        return isinstance(actual, Decimal) and actual == expected
    return actual == expected


def assert_tables_equal(frame: pd.DataFrame, expected: list[dict[str, Any]]) -> None:
    assert list(frame.columns) == columns("appraisal")
    assert list(frame["entity_id"]) == [r["entity_id"] for r in expected]
    mismatches = [
        f"{row['entity_id']}.{col}: got {frame.at[i, col]!r}, expected {row[col]!r}"
        for i, row in enumerate(expected)
        for col in frame.columns
        if not same(frame.at[i, col], row[col])
    ]
    assert not mismatches, "\n".join(mismatches)


def test_oracle_agrees_with_hand_computation() -> None:
    """Figures worked out on paper from the comments in tests/golden_data.py."""
    staff = {r["entity_id"]: r for r in expected_scorecard("2025-09", "staff")}
    p1 = staff["P1"]
    # book(P1, 09-30) = C01 3,000,000.00 + C05 (no Sep row: 0) + C06 2,999,999.99; C02 (end_on =
    # e), C03 (moved 09-15), C04 (closed 09-10), C15 (ended 08-31), C16 (closed on e) are out.
    assert p1["aum_stock"] == Decimal("5999999.99")
    assert p1["aum_gaps"] == 1  # C05: in the book, no September row, counted as 0
    # book(P1, 08-31) = C01 3.2M, C02 0.8M, C03 1.2M, C04 0.9M, C05 5M, C06 3.0M, C16 0.9M = 15M.
    assert p1["aum_increment"] == Decimal("-9000000.01")
    assert (p1["top_clients"], p1["top_clients_increment"]) == (
        1,
        -2,
    )  # C01 now; C01, C05, C06 then
    # Base: the 7 clients above (all >= 500k at 08-31); retained: C01, C02 (exactly 500k, now
    # with P2), C03 (now with P3), C06 -> 4 / 7; C04 and C16 closed, C05 has AUM 0.
    assert (p1["retention_rate__num"], p1["retention_rate__den"]) == (4, 7)
    assert p1["satisfaction"] == pytest.approx(82.75)  # (80 + 85.5) / 2; 10-01 00:00 is out
    assert p1["archive_rate"] == 1.0  # C01 has a live archive
    assert p1["needs_collected"] == 3  # N1, N2, N3 (09-30 23:59:59); N5 is 10-01
    assert p1["training_completion"] == 1.0  # min(12, 10) / 10
    assert p1["certificates"] == 1  # CFP; AFP expires on e, 基金从业 expired
    assert p1["reward_points"] == Decimal("7")  # 10 - 3
    # P2: C07 archive sealed on e, C08 archive created on e, C14 archive created after e -> 1/3.
    assert (staff["P2"]["archive_rate__num"], staff["P2"]["archive_rate__den"]) == (1, 3)
    # SB1 = P1 + P2 + A2: C01 is in both P1's and A2's book and counts once.
    sb1 = next(r for r in expected_scorecard("2025-09", "sub_branch") if r["entity_id"] == "SB1")
    assert sb1["aum_stock"] == Decimal("25699999.99")
    assert sb1["top_clients"] == 4  # C01, C07, C08, C14
    # Q3: P4 left on 07-15; base at 06-30 = C11 (600k), retained with P3 at e.
    q3 = {r["entity_id"]: r for r in expected_scorecard("2025Q3", "staff")}
    assert q3["P4"]["retention_rate"] == 1.0
    assert q3["P1"]["training_completion"] == 0.5  # (10 + 5) / (10 + 20)
    assert q3["P1"]["training_score"] == 90.0  # the unscored course is left out
    # BR: C10 (primary P3 in SB2, secondary A1 at BR) counts once.
    br = expected_scorecard("2025-09", "branch")[0]
    assert br["aum_stock"] == Decimal("40400000.48")


@pytest.mark.parametrize("period", GOLDEN_PERIODS)
def test_whole_scorecard_matches_oracle(golden: Engine, period: str) -> None:
    for level in LEVELS:
        assert_tables_equal(compute(golden, period, level), expected_scorecard(period, level))


def test_types_and_nulls(golden: Engine) -> None:
    frame = compute(golden, "2025-09", "sub_branch").set_index("entity_id")
    for metric_id in appraisal_ids():
        unit = BY_ID[metric_id].unit
        values = frame[metric_id].tolist()
        if unit == "yuan":
            assert all(isinstance(v, Decimal) and v == v.quantize(Decimal("0.01")) for v in values)
            assert all(v.as_tuple().exponent == -2 for v in values)  # type: ignore[union-attr]
        elif unit == "count":
            assert frame[metric_id].dtype == "Int64" and not frame[metric_id].isna().any()
        elif unit in ("ratio", "score"):
            assert frame[metric_id].dtype == "Float64"  # one null convention: pd.NA
    # SB3 has no members: stocks are 0, ratios and means null.
    sb3 = frame.loc["SB3"]
    assert sb3["aum_stock"] == Decimal("0.00") and sb3["top_clients"] == 0
    assert all(sb3[m] is pd.NA for m in ("retention_rate", "satisfaction", "archive_rate"))
    assert all(sb3[m] is pd.NA for m in ("training_completion", "training_score"))


def test_scope_limits_rows(golden: Engine) -> None:
    head = compute(golden, "2025-09", "staff", Scope.org("SB1"))
    assert list(head["entity_id"]) == ["A2", "P1", "P2"]
    planner = compute(golden, "2025-09", "staff", Scope.staff("P1"))
    assert list(planner["entity_id"]) == ["P1"]
    assert planner.loc[0, "aum_stock"] == Decimal("5999999.99")
    assert compute(golden, "2025-09", "sub_branch", Scope.staff("P1")).empty
    units = compute(golden, "2025-09", "sub_branch", Scope.org("SB2"))
    assert list(units["entity_id"]) == ["SB2"]


def test_settings_drive_thresholds(golden: Engine) -> None:
    from data.settings import defaults

    settings = defaults() | {"tier.black_gold": Decimal("3000000.01")}
    with golden.connect() as conn:
        frame = scorecard(conn, Period.parse("2025-09"), "staff", Scope.everything(), settings)
    # C01 sits exactly on 3,000,000.00: no longer black-gold one fen higher.
    assert frame.set_index("entity_id").at["P1", "top_clients"] == 0
