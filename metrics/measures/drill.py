"""Drill-through: the source rows behind one entity's figure, and the figure recomputed from them.

The rows come from the very row sources the scorecard aggregates (`metrics.scorecard`), filtered
to one entity, so a drilled table always adds up to the number it explains. Supervision and health
metrics are drilled by their own modules, which export `DRILLS` and `REAGGREGATE`; they are
imported lazily so that this module works before (and without) them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, literal, union_all

from data.settings import load_settings
from metrics.core.catalogue import BY_ID
from metrics.core.entities import Level
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures import scorecard as sc

Settings = dict[str, Decimal]
# (level, scope, period, settings) -> the row source of every entity of the level.
RowSource = Callable[[Level, Scope, Period, Settings], Select]


def _stock(level: Level, scope: Scope, period: Period, settings: Settings) -> Select:
    return sc.stock_rows(level, scope, period.end, settings)


def _stock_both(level: Level, scope: Scope, period: Period, settings: Settings) -> Select:
    """The client rows of both stocks, tagged 'P' (book at e) and 'P-1' (book at e(P-1))."""
    now = sc.stock_rows(level, scope, period.end, settings)
    prev = sc.stock_rows(level, scope, period.prev().end, settings)
    return (
        union_all(
            now.add_columns(literal("P").label("period")),
            prev.add_columns(literal("P-1").label("period")),
        )
        .subquery("stocks")
        .select()
    )


def _top(source: RowSource) -> RowSource:
    def rows(level: Level, scope: Scope, period: Period, settings: Settings) -> Select:
        sub = source(level, scope, period, settings).subquery("stock")
        return sub.select().where(sub.c.is_top == 1)

    return rows


def _retention(level: Level, scope: Scope, period: Period, settings: Settings) -> Select:
    return sc.retention_rows(level, scope, period, settings)


def _archive(level: Level, scope: Scope, period: Period, settings: Settings) -> Select:
    return sc.archive_rows(level, scope, period.end, settings)


def _events(fn: Callable[[Level, Scope, Period], Select]) -> RowSource:
    def rows(level: Level, scope: Scope, period: Period, settings: Settings) -> Select:
        return fn(level, scope, period)

    return rows


SOURCES: dict[str, RowSource] = {
    "aum_stock": _stock,
    "aum_increment": _stock_both,
    "top_clients": _top(_stock),
    "top_clients_increment": _top(_stock_both),
    "retention_rate": _retention,
    "satisfaction": _events(sc.survey_rows),
    "archive_rate": _archive,
    "needs_collected": _events(sc.needs_rows),
    "plans_produced": _events(sc.plans_rows),
    "training_completion": _events(sc.training_rows),
    "training_score": _events(sc.training_rows),
    "certificates": _events(sc.certificate_rows),
    "reward_points": _events(sc.reward_rows),
}


def _money_sum(values: Any) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal(0)).quantize(sc.CENT)


def _by_period(rows: pd.DataFrame, tag: str) -> pd.DataFrame:
    return rows[rows["period"] == tag]


def _mean(values: Any) -> float | None:
    present = [Decimal(v) for v in values if v is not None and not pd.isna(v)]
    return sc.ratio(sum(present, Decimal(0)), len(present))


REAGGREGATORS: dict[str, Callable[[pd.DataFrame], Any]] = {
    "aum_stock": lambda r: _money_sum(r["aum"]),
    "aum_increment": lambda r: (
        _money_sum(_by_period(r, "P")["aum"]) - _money_sum(_by_period(r, "P-1")["aum"])
    ),
    "top_clients": len,
    "top_clients_increment": lambda r: len(_by_period(r, "P")) - len(_by_period(r, "P-1")),
    "retention_rate": lambda r: sc.ratio(int(r["retained"].sum()), len(r)),
    "satisfaction": lambda r: _mean(r["score"]),
    "archive_rate": lambda r: sc.ratio(int(r["archived"].sum()), len(r)),
    "needs_collected": len,
    "plans_produced": len,
    "training_completion": lambda r: sc.ratio(
        sum((Decimal(v) for v in r["hours_credited"]), Decimal(0)),
        sum((Decimal(v) for v in r["hours_required"]), Decimal(0)),
    ),
    "training_score": lambda r: _mean(r["score"]),
    "certificates": len,
    "reward_points": lambda r: sum((Decimal(v) for v in r["signed_points"]), Decimal(0)).quantize(
        sc.CENT
    ),
}


def _module_table(name: str, attr: str) -> dict[str, Callable[..., Any]]:
    try:
        module = importlib.import_module(f"metrics.measures.{name}")
    except ImportError:
        return {}
    return dict(getattr(module, attr, {}))


def _delegate(attr: str, metric_id: str) -> Callable[..., Any]:
    for name in ("supervision", "health"):
        fn = _module_table(name, attr).get(metric_id)
        if fn is not None:
            return fn
    if metric_id in BY_ID:
        raise ValueError(f"no drill-through for {metric_id} yet")
    raise ValueError(f"unknown metric {metric_id!r}")


def drill(
    conn: Connection,
    metric_id: str,
    level: Level,
    entity_id: str,
    period: Period,
    scope: Scope | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The rows that produce `metric_id` for one entity of `level` in `period`.

    An entity outside `scope` has no rows. Client-level metrics list clients (with their AUM and
    flags: `retained`, `archived`, `is_top`, `aum_missing`); event metrics list the event rows;
    increments list both stocks with a `period` column ('P' / 'P-1'). Supervision and health
    metrics are delegated to `metrics.supervision.DRILLS` / `metrics.health.DRILLS`, called as
    `fn(conn, level, entity_id, period, scope, settings)`.
    """
    scope = Scope.everything() if scope is None else scope
    settings = load_settings(conn) if settings is None else settings
    source = SOURCES.get(metric_id)
    if source is None:
        return _delegate("DRILLS", metric_id)(conn, level, entity_id, period, scope, settings)
    sub = source(level, scope, period, settings).subquery("drill")
    query = sub.select().where(sub.c.entity_id == entity_id)
    order = [
        c for c in ("period", "client_id", "staff_id", "at", "on", "course", "name") if c in sub.c
    ]
    query = query.order_by(*(sub.c[c] for c in order))
    result = conn.execute(query)
    return pd.DataFrame(result.fetchall(), columns=list(result.keys()))


def reaggregate(metric_id: str, rows: pd.DataFrame) -> Any:
    """Recompute a metric's figure from its drilled rows (in Python, without SQL)."""
    fn = REAGGREGATORS.get(metric_id)
    if fn is None:
        return _delegate("REAGGREGATE", metric_id)(rows)
    return fn(rows)
