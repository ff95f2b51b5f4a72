"""How a metric is computed, as data (the "measures" of a semantic layer, as in MetricFlow).

A catalogue record (`metrics.core.catalogue`) says what a KPI means; its `compute` field says how
it is computed, with the pieces below, and the measure layer (`metrics.measures.layer`) turns them
into SQL, the drill-through and the re-aggregation of drilled rows. Nothing here knows SQL: a row
source is named, and its Core select lives in `metrics.measures.sources`.

- `Agg`: one aggregation over the rows of one row source, optionally filtered (`where`): a count,
  a count of distinct values, a sum, the earliest or the latest value.
- `Value(agg)`: the figure is that aggregate.
- `Ratio(num, den)`: num / den over the same row source, null when den is 0; both parts are kept
  (`<id>__num`, `<id>__den`) so that a unit's ratio is always sum(num) / sum(den). A mean is the
  ratio of a sum to a count (`mean()`).
- `Change(agg)`: the aggregate in P minus the same aggregate in P-1 (each on its own rows).
- `DaysBefore(agg)`: calendar days from the aggregated date to e (`idle_days`).
- `Exceeds(metric, setting)`: a flag, the metric's figure above a setting (staff rows only).

A filter is a tuple of terms, all of which must hold: a column name (a 0/1 flag column of the row
source, true when 1) or a `(column, value)` pair (equality).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Term = str | tuple[str, str]
# `(column, NOT_NULL)`: the column has a value.
NOT_NULL = "__not_null__"
Filter = tuple[Term, ...]
AggFn = Literal["count", "distinct", "sum", "min", "max"]
# The Python type an aggregate is read as: exact decimals for money and points, ints for counts.
Cast = Literal["int", "decimal", "money", "float", "date"]


@dataclass(frozen=True)
class Agg:
    source: str
    fn: AggFn
    column: str | None = None
    where: Filter = ()
    cast: Cast = "int"
    # Seconds to minutes and the like: the aggregate is divided by this (exactly) when read.
    divide_by: int = 1


def count(source: str, *where: Term) -> Agg:
    return Agg(source, "count", None, tuple(where), "int")


def distinct(source: str, column: str, *where: Term) -> Agg:
    return Agg(source, "distinct", column, tuple(where), "int")


def total(source: str, column: str, *where: Term, cast: Cast = "int", divide_by: int = 1) -> Agg:
    return Agg(source, "sum", column, tuple(where), cast, divide_by)


def earliest(source: str, column: str, *where: Term) -> Agg:
    return Agg(source, "min", column, tuple(where), "date")


@dataclass(frozen=True)
class Value:
    agg: Agg


@dataclass(frozen=True)
class Ratio:
    num: Agg
    den: Agg

    def __post_init__(self) -> None:
        # The drill-through lists the denominator's rows and marks those of the numerator.
        if self.num.source != self.den.source:
            raise ValueError("a ratio's numerator and denominator come from one row source")


def mean(source: str, column: str, *, cast: Cast = "decimal", divide_by: int = 1) -> Ratio:
    """Mean of `column` over the rows where it is not null: sum / count of the column."""
    present: Filter = ((column, NOT_NULL),)
    return Ratio(
        total(source, column, cast=cast, divide_by=divide_by),
        Agg(source, "count", column, present, "int"),
    )


@dataclass(frozen=True)
class Change:
    agg: Agg


@dataclass(frozen=True)
class DaysBefore:
    agg: Agg


@dataclass(frozen=True)
class Exceeds:
    metric: str
    setting: str


Compute = Value | Ratio | Change | DaysBefore


@dataclass(frozen=True)
class Detail:
    """A column shown beside a metric (a split by channel, a data-quality count, a flag)."""

    id: str
    compute: Compute | Exceeds
    levels: tuple[str, ...] = ("staff", "sub_branch", "branch")


def split(prefix: str, agg: Agg, column: str, values: tuple[str, ...]) -> tuple[Detail, ...]:
    """`<prefix>_<value>` for each value of `column`: the aggregate over that value's rows."""
    return tuple(
        Detail(f"{prefix}_{value}", Value(replace(agg, where=(*agg.where, (column, value)))))
        for value in values
    )


def aggs_of(compute: Compute | Exceeds) -> tuple[tuple[Agg, int], ...]:
    """The (aggregate, period shift) pairs a computation reads: shift 0 = P, -1 = P-1."""
    if isinstance(compute, Value | DaysBefore):
        return ((compute.agg, 0),)
    if isinstance(compute, Ratio):
        return ((compute.num, 0), (compute.den, 0))
    if isinstance(compute, Change):
        return ((compute.agg, 0), (compute.agg, -1))
    return ()
