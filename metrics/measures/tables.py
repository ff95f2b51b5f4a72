"""The metric tables of the product: the scorecard (appraisal KPIs), supervision and portfolio
health, per staff member, sub-branch or branch — each a call of the measure layer with the metrics
of one kind of the catalogue.

Money and points are exact `Decimal`s, counts `Int64`, ratios and means `Float64` with `pd.NA`
for "no base" (`metrics.core.values`); every ratio and mean has its exact `__num` / `__den`.
"""

from __future__ import annotations

from collections.abc import Collection
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from data.settings import SETTINGS, load_settings
from metrics.core.catalogue import BY_ID, Kind, kind_ids
from metrics.core.entities import Level
from metrics.core.periods import Period
from metrics.core.scope import Scope, scoped
from metrics.measures import layer

if TYPE_CHECKING:
    import pandas as pd

Settings = dict[str, Decimal]
DESCRIPTIVE = layer.DESCRIPTIVE
SETTING_NAMES = tuple(spec.name for spec in SETTINGS)


def resolve_settings(conn: Connection, settings: Settings | None) -> Settings:
    """The given settings over the stored ones (None or {} = the stored ones)."""
    if settings and all(name in settings for name in SETTING_NAMES):
        return settings
    return {**load_settings(conn), **(settings or {})}


def columns(kind: Kind, level: Level = "staff") -> list[str]:
    """The columns of a whole table of `kind`, in order."""
    return layer.columns([BY_ID[i] for i in kind_ids(kind)], level)


def _table(
    conn: Connection,
    kind: Kind,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings | None,
    metrics: Collection[str] | None,
) -> pd.DataFrame:
    return layer.table(
        conn,
        period,
        level,
        scope,
        resolve_settings(conn, settings),
        kind=kind,
        metrics=None if metrics is None else list(metrics),
    )


@scoped
def table_columns(
    conn: Connection,
    kind: Kind,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings | None = None,
) -> layer.Columns:
    """The whole table of `kind` as plain Python columns (`layer.table_columns`): the same figures
    as `scorecard`, `supervision`, `health` and `compliance`, for a caller that needs no frame
    (the command line, which then starts without importing pandas)."""
    return layer.table_columns(
        conn, period, level, scope, resolve_settings(conn, settings), kind=kind
    )


@scoped
def scorecard(
    conn: Connection,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings | None = None,
    metrics: Collection[str] | None = None,
) -> pd.DataFrame:
    """The appraisal KPIs of every entity of `level` inside `scope`, one row each."""
    return _table(conn, "appraisal", period, level, scope, settings, metrics)


@scoped
def supervision(
    conn: Connection,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings | None = None,
    metrics: Collection[str] | None = None,
) -> pd.DataFrame:
    """The supervision metrics of every entity of `level` in `scope` for period P; `metrics`
    limits the table to those ids (with their parts and details): the same figures, fewer
    row sources to compute."""
    return _table(conn, "supervision", period, level, scope, settings, metrics)


@scoped
def health(
    conn: Connection,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings | None = None,
    metrics: Collection[str] | None = None,
) -> pd.DataFrame:
    """The portfolio-health metrics of every sub-branch or branch in `scope` at the end of P."""
    return _table(conn, "health", period, level, scope, settings, metrics)


@scoped
def compliance(
    conn: Connection,
    period: Period,
    level: Level,
    scope: Scope,
    settings: Settings | None = None,
    metrics: Collection[str] | None = None,
) -> pd.DataFrame:
    """The life-cycle compliance figures (lifecycle.md) of every entity of `level` in `scope`:
    openings, first contacts, care, quarterly reports, acquisition and the exception counts."""
    return _table(conn, "compliance", period, level, scope, settings, metrics)


@scoped
def drill(
    conn: Connection,
    metric_id: str,
    level: Level,
    entity_id: str,
    period: Period,
    scope: Scope,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The rows that make one entity's figure (see `layer.drill`)."""
    return layer.drill(
        conn, metric_id, level, entity_id, period, scope, resolve_settings(conn, settings)
    )


reaggregate = layer.reaggregate
drill_filter = layer.drill_filter
