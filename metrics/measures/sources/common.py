"""Small SQL pieces the row sources share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Interval, Numeric, case, func, literal

MONEY = Numeric(18, 2)


def flag(condition: Any) -> ColumnElement[int]:
    """1/0 for a condition, so that sums count and drilled rows carry plain integers."""
    return case((condition, 1), else_=0)


def money(value: Any) -> ColumnElement[Any]:
    """A bound money literal typed as the AUM column, so both engines compare decimals exactly."""
    return literal(Decimal(value), MONEY)


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def hours(n: Decimal | int) -> Any:
    """An interval literal; bound as a parameter (timedelta), which DuckDB and psycopg both map
    to INTERVAL, so `timestamp + interval` means the same on both engines."""
    return literal(dt.timedelta(hours=int(n)), Interval)


def tier_expr(amount: Any, settings: dict[str, Decimal]) -> Any:
    """tier(c, d) from an AUM expression; a missing month (NULL) counts as 0, i.e. mass."""
    value = func.coalesce(amount, 0)
    return case(
        (value >= settings["tier.black_gold"], "black_gold"),
        (value >= settings["tier.platinum"], "platinum"),
        else_="mass",
    )
