"""The one convention for figures in a metric frame, whatever the family (DESIGN.md rule 3).

- money (`yuan`) and `points`: exact `Decimal` (an object column), never null;
- counts and days: pandas' nullable `Int64`;
- ratios, scores, minutes: pandas' nullable `Float64`, computed from exact parts;
- flags: pandas' nullable `boolean`;
- a missing figure is `pd.NA` ("no base this period"), never NaN, never 0.

`is_null` recognises every null a frame, a snapshot or a caller may hold (None, NA, NaN, NaT),
so that the CLI, the packs and the pages decide "null" the same way.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import sys
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")
DTYPES = {"int": "Int64", "float": "Float64", "bool": "boolean"}


def is_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, Decimal):
        return value.is_nan()
    # pandas' NA and NaT, without importing pandas: a process that has not imported it (the
    # command line's tables) holds neither.
    pd = sys.modules.get("pandas")
    return pd is not None and (value is pd.NA or value is pd.NaT)


def decimal_or_none(value: Any) -> Decimal | None:
    """An exact decimal, None for a null. Floats (numpy's too) go through their shortest repr,
    so 0.95 is Decimal('0.95'), not the binary float's 53-digit expansion."""
    kind = type(value)
    if kind is Decimal or kind is int:  # the common cases first: this runs per figure
        return value if kind is Decimal else Decimal(value)
    if is_null(value):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    if isinstance(value, numbers.Real):
        return Decimal(repr(float(value)))
    return Decimal(str(value))


def as_decimal(value: Any) -> Decimal:
    """An exact decimal; None (no rows) is 0."""
    found = decimal_or_none(value)
    return Decimal(0) if found is None else found


def as_money(value: Any) -> Decimal:
    """Yuan to the fen; None (no rows) is 0."""
    return as_decimal(value).quantize(CENT)


def as_int(value: Any) -> int:
    if type(value) is int:
        return value
    return 0 if is_null(value) else int(value)


def ratio(num: Any, den: Any) -> float | None:
    """num / den in exact decimals, then a float; None when the denominator is empty or 0."""
    if type(num) is int and type(den) is int:
        # Python's int division is correctly rounded: the same float as the exact quotient's.
        return None if den == 0 else num / den
    if is_null(den) or as_decimal(den) == 0:
        return None
    return float(as_decimal(num) / as_decimal(den))


def days_before(day: dt.date, earlier: Any) -> int | None:
    """Calendar days from `earlier` to `day`; None when there is no date."""
    if is_null(earlier):
        return None
    return (day - earlier).days


def column(values: list[Any], kind: str) -> Any:
    """A frame column of `kind` ('int', 'float', 'bool', or 'object' for decimals and dates),
    with None as the null."""
    import pandas as pd

    if kind in DTYPES:
        return pd.array(values, dtype=DTYPES[kind])  # type: ignore[call-overload]
    return pd.Series(values, dtype="object").array
