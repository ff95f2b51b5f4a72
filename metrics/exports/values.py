"""Cell values for exports, one formatter per medium (the screen's is `ui.format`):

- `machine_text`: exact text for the command line and CSV (money with exactly two decimals,
  counts as integers, ratios and means as the shortest text that reads back as the same float,
  points as the exact decimal, null as None — an empty CSV cell, JSON `null`);
- `print_text`: text for a printed page (money in 万元, ratios as percentages, 2 decimals);
- `neutralise`: text that a spreadsheet would run as a formula (`= + - @`, tab, CR first) gets a
  leading `'`, so an exported name such as `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from metrics.core.catalogue import BY_ID
from metrics.core.values import decimal_or_none, is_null

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WAN = 10_000


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def unit_of(column: str) -> str | None:
    """A column's unit: the catalogue's for a metric id, `count` for its splits, else None."""
    metric = BY_ID.get(column)
    if metric is not None:
        return metric.unit
    for prefix in ("contacts_", "work_items_"):
        if column.startswith(prefix) and not column.endswith("rate"):
            return "count"
    return None


def machine_text(column: str, value: Any) -> str | None:
    """The exact text of one cell (None = null), by the metric's unit in the catalogue."""
    if is_null(value):
        return None
    unit = unit_of(column)
    if unit is None:
        return str(value)
    if unit == "yuan":
        amount = decimal_or_none(value) or Decimal(0)
        return f"{amount.quantize(Decimal('0.01')):.2f}"
    if unit == "points":
        points = decimal_or_none(value) or Decimal(0)
        text = format(points.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if unit in ("count", "days") and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def number_or_none(value: Any) -> float | None:
    """A cell as a number for a workbook, None for text and nulls."""
    if is_null(value) or isinstance(value, str | bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def plain_text(value: Any) -> str:
    if is_null(value):
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def print_text(unit: str, value: Any) -> str:
    """A cell as text for a printed page (money in 万元, ratios in %)."""
    if unit == "text":
        return plain_text(value)
    number = number_or_none(value)
    if number is None:
        return value if isinstance(value, str) else ""
    if unit == "yuan":
        return f"{number / WAN:,.2f}"
    if unit == "ratio":
        return f"{number:.1%}"
    if unit in ("count", "rank", "days"):
        return f"{number:,.0f}"
    return f"{number:,.2f}"
