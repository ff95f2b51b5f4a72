"""A drill-through lists exactly the rows that make its figure, for every metric of the catalogue
at every level (issue: "熊莉瑶 · Overdue work items · 11" listed all her 282 work items).

- a count lists the rows it counts: as many rows as the figure;
- a ratio lists its denominator's rows, and the rows its numerator counts are those matching
  `drill_filter` (as many as the numerator);
- a sum lists the rows it adds up; a change lists both periods' rows; idle days list members.

Both data sets, both backends, a month and a quarter.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from metrics.core.catalogue import CATALOGUE, Metric
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.core.spec import Agg, Change, DaysBefore, Ratio, Value
from metrics.core.values import is_null
from metrics.measures.layer import matches
from metrics.measures.tables import drill, drill_filter, health, scorecard, supervision
from tests import supervision_data
from tests.golden_data import insert_golden

EVERYTHING = Scope.everything()
TABLES = {"appraisal": scorecard, "supervision": supervision, "health": health}


def _expected_from_rows(agg: Agg, rows: pd.DataFrame) -> Any:
    """What the rows say, counted by hand: the row count for a count, the column's sum for a sum."""
    if agg.fn in ("count", "distinct"):
        return len(rows)
    assert agg.fn == "sum" and agg.column is not None
    total = sum((Decimal(str(v)) for v in rows[agg.column] if not is_null(v)), Decimal(0))
    return total / agg.divide_by


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("1e-9")


def check_metric(conn: Any, metric: Metric, period: Period, tables: dict[Any, Any]) -> int:
    """Every entity of every level of `metric`: its drilled rows against its figure."""
    checked = 0
    for level in metric.levels:
        key = (metric.kind, level)
        if key not in tables:
            tables[key] = TABLES[metric.kind](conn, period, level, EVERYTHING)
        table = tables[key].set_index("entity_id")
        for entity_id in table.index:
            rows = drill(conn, metric.id, level, entity_id, period, EVERYTHING)
            compute = metric.compute
            where = (metric.id, level, entity_id, str(period))
            if isinstance(compute, Value):
                assert _close(
                    _expected_from_rows(compute.agg, rows), table.at[entity_id, metric.id]
                ), where
            elif isinstance(compute, Ratio):
                num, den = (
                    table.at[entity_id, f"{metric.id}__num"],
                    table.at[entity_id, f"{metric.id}__den"],
                )
                counted = rows[matches(rows, drill_filter(metric.id))] if len(rows) else rows
                assert _close(_expected_from_rows(compute.den, rows), den), where
                assert _close(_expected_from_rows(compute.num, counted), num), where
                if compute.den.fn == "count":
                    assert len(rows) == den, where
            elif isinstance(compute, Change):
                now = rows[rows["period"] == "P"] if len(rows) else rows
                prev = rows[rows["period"] == "P-1"] if len(rows) else rows
                change = _expected_from_rows(compute.agg, now) - _expected_from_rows(
                    compute.agg, prev
                )
                assert _close(change, table.at[entity_id, metric.id]), where
            elif isinstance(compute, DaysBefore):
                figure = table.at[entity_id, metric.id]
                per_row = [v for v in rows[metric.id] if not is_null(v)]
                assert (max(per_row) if per_row else None) == (
                    None if is_null(figure) else figure
                ), where
            checked += 1
    return checked


@pytest.mark.parametrize("period", ["2025-09", "2025Q3"])
def test_scorecard_drills_are_exact(engine: Engine, period: str) -> None:
    with engine.begin() as conn:
        insert_golden(conn)
    tables: dict[Any, Any] = {}
    with engine.connect() as conn:
        checked = sum(
            check_metric(conn, m, Period.parse(period), tables)
            for m in CATALOGUE
            if m.kind == "appraisal"
        )
    assert checked > 100


@pytest.mark.parametrize("period", ["2025-09", "2025Q3"])
def test_supervision_and_health_drills_are_exact(engine: Engine, period: str) -> None:
    with engine.begin() as conn:
        supervision_data.insert_data(conn)
    tables: dict[Any, Any] = {}
    with engine.connect() as conn:
        checked = sum(
            check_metric(conn, m, Period.parse(period), tables)
            for m in CATALOGUE
            if m.kind in ("supervision", "health")
        )
    assert checked > 100


def test_overdue_lists_only_overdue_items(engine: Engine) -> None:
    """The reported case: the overdue figure's rows are the overdue items, not all items."""
    with engine.begin() as conn:
        supervision_data.insert_data(conn)
    quarter = Period.parse("2025Q3")
    with engine.connect() as conn:
        table = supervision(conn, quarter, "staff", EVERYTHING).set_index("entity_id")
        for staff_id in table.index:
            rows = drill(conn, "work_items_overdue", "staff", staff_id, quarter, EVERYTHING)
            assert len(rows) == table.at[staff_id, "work_items_overdue"]
            assert set(rows["overdue"]) <= {1}
        assert table["work_items_overdue"].sum() > 0
