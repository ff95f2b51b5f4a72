"""Drill-through: the drilled rows re-aggregate to the scorecard's figure, for every entity."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from metrics.core.catalogue import appraisal_ids
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.core.values import is_null
from metrics.measures.tables import drill, reaggregate, scorecard
from tests.golden_data import insert_golden

EVERYTHING = Scope.everything()


@pytest.fixture
def golden(engine: Engine) -> Engine:
    with engine.begin() as conn:
        insert_golden(conn)
    return engine


def _same(a: object, b: object) -> bool:
    if is_null(a):
        return is_null(b)
    if isinstance(a, float):
        return isinstance(b, float) and math.isclose(a, b, rel_tol=1e-12)
    return a == b


@pytest.mark.parametrize("period", ["2025-09", "2025Q3"])
def test_every_figure_reaggregates_from_its_rows(golden: Engine, period: str) -> None:
    p = Period.parse(period)
    with golden.connect() as conn:
        for level in ("staff", "sub_branch", "branch"):
            table = scorecard(conn, p, level, EVERYTHING).set_index("entity_id")  # type: ignore[arg-type]
            for entity_id in table.index:
                for metric_id in appraisal_ids():
                    rows = drill(conn, metric_id, level, entity_id, p, EVERYTHING)  # type: ignore[arg-type]
                    got = reaggregate(metric_id, rows)
                    want = table.at[entity_id, metric_id]
                    assert _same(want, got), (level, entity_id, metric_id, want, got)


def test_drilled_rows_say_why(golden: Engine) -> None:
    p = Period.parse("2025-09")
    with golden.connect() as conn:
        stock = drill(conn, "aum_stock", "staff", "P1", p, EVERYTHING)
        assert list(stock["client_id"]) == ["C01", "C05", "C06"]
        assert stock.set_index("client_id").at["C05", "aum_missing"]  # no September AUM row
        inc = drill(conn, "aum_increment", "staff", "P1", p, EVERYTHING)
        assert sorted(set(inc["period"])) == ["P", "P-1"]
        assert len(inc[inc["period"] == "P-1"]) == 7
        ret = drill(conn, "retention_rate", "staff", "P1", p, EVERYTHING).set_index("client_id")
        assert ret["retained"].to_dict() == {
            "C01": 1,
            "C02": 1,
            "C03": 1,
            "C04": 0,
            "C05": 0,
            "C06": 1,
            "C16": 0,
        }
        arc = drill(conn, "archive_rate", "staff", "P2", p, EVERYTHING).set_index("client_id")
        assert arc["archived"].to_dict() == {"C07": 0, "C08": 1, "C14": 0}
        rewards = drill(conn, "reward_points", "staff", "P1", p, EVERYTHING)
        assert sorted(rewards["signed_points"]) == [Decimal("-3"), Decimal("10")]
        # C01 is in P1's and A2's books: once in SB1's drill.
        sb1 = drill(conn, "top_clients", "sub_branch", "SB1", p, EVERYTHING)
        assert list(sb1["client_id"]) == ["C01", "C07", "C08", "C14"]


def test_drill_respects_scope(golden: Engine) -> None:
    p = Period.parse("2025-09")
    with golden.connect() as conn:
        assert drill(conn, "aum_stock", "staff", "P3", p, Scope.org("SB1")).empty
        assert drill(conn, "needs_collected", "staff", "P1", p, Scope.staff("P2")).empty
        assert drill(conn, "aum_stock", "sub_branch", "SB2", p, Scope.org("SB1")).empty
        assert not drill(conn, "aum_stock", "staff", "P1", p, Scope.staff("P1")).empty


def test_unknown_metric(golden: Engine) -> None:
    with golden.connect() as conn, pytest.raises(ValueError, match="unknown metric"):
        drill(conn, "nonsense", "staff", "P1", Period.parse("2025-09"), EVERYTHING)
