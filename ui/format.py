"""Number formats in the reader's language: money in millions / billions of yuan in English and in
万元 / 亿元 in Chinese (how a Chinese bank reads money), percentages, and a dash for a null figure.

Pure functions (no Streamlit), so they are tested directly.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from metrics.core.catalogue import BY_ID
from metrics.core.values import is_null

NULL = "—"
WAN = 10_000
YI = 100_000_000
MILLION = 1_000_000
BILLION = 1_000_000_000


def _float(value: Any) -> float:
    return float(Decimal(value)) if isinstance(value, Decimal) else float(value)


def money(value: Any, lang: str, *, signed: bool = False) -> str:
    """The dashboard's one money format, as each language reads money: millions and billions of
    yuan in English ('¥12.35 M', '¥2.19 bn', '¥950' below a million), 万元 / 亿元 in Chinese
    ('1,234.57万元', '2.50亿元', '950元')."""
    if is_null(value):
        return NULL
    v = _float(value)
    sign = "+" if signed and v > 0 else "-" if v < 0 else ""
    size = abs(v)
    if lang == "zh":
        if size >= YI:
            return f"{sign}{size / YI:,.2f}亿元"
        if size >= WAN:
            return f"{sign}{size / WAN:,.2f}万元"
        return f"{sign}{size:,.0f}元"
    if size >= BILLION:
        return f"{sign}¥{size / BILLION:,.2f} bn"
    if size >= MILLION:
        return f"{sign}¥{size / MILLION:,.2f} M"
    return f"{sign}¥{size:,.0f}"


def money_compact(value: Any, lang: str) -> str:
    """For a headline tile, where a long figure is cut off ('2,172.5…' lost its 万元): the same
    units as `money` with fewer digits in Chinese from 1,000万元 on ('2,173万元')."""
    if lang != "zh" or is_null(value):
        return money(value, lang)
    size = abs(_float(value))
    if WAN * 1000 <= size < YI:
        sign = "-" if _float(value) < 0 else ""
        return f"{sign}{size / WAN:,.0f}万元"
    return money(value, lang)


def count(value: Any, *, signed: bool = False) -> str:
    if is_null(value):
        return NULL
    return f"{int(value):+,}" if signed else f"{int(value):,}"


def percent(value: Any, digits: int = 1) -> str:
    if is_null(value):
        return NULL
    return f"{_float(value) * 100:.{digits}f}%"


def number(value: Any, digits: int = 1, *, signed: bool = False) -> str:
    if is_null(value):
        return NULL
    return f"{_float(value):+,.{digits}f}" if signed else f"{_float(value):,.{digits}f}"


def points(value: Any, lang: str, *, signed: bool = False) -> str:
    if is_null(value):
        return NULL
    v = _float(value)
    text = f"{v:+,.1f}" if signed else f"{v:,.1f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def metric_value(metric_id: str, value: Any, lang: str, *, compact: bool = False) -> str:
    """A figure formatted by its catalogue unit (`compact`: money shortened for a tile)."""
    metric = BY_ID.get(metric_id)
    unit = metric.unit if metric else "count"
    if unit == "yuan":
        return money_compact(value, lang) if compact else money(value, lang)
    if unit == "ratio":
        return percent(value)
    if unit in ("count", "days"):
        return count(value)
    if unit == "points":
        return points(value, lang)
    return number(value)


def delta(metric_id: str, now: Any, prev: Any, lang: str) -> str | None:
    """The change from `prev` to `now` as a signed text (percentage points for a ratio); None
    when either side is null, so that no arrow is drawn."""
    if is_null(now) or is_null(prev):
        return None
    metric = BY_ID.get(metric_id)
    unit = metric.unit if metric else "count"
    diff = _float(now) - _float(prev)
    if unit == "yuan":
        return money(diff, lang, signed=True)
    if unit == "ratio":
        pp = "个百分点" if lang == "zh" else " pp"
        return f"{diff * 100:+.1f}{pp}"
    if unit in ("count", "days"):
        return count(round(diff), signed=True)
    return number(diff, signed=True)


def money_scale(lang: str) -> tuple[float, str]:
    """(divisor, unit label) for money columns of a table or a chart axis, with the units of
    `money`: millions of yuan in English, 万元 in Chinese (two decimals in both)."""
    return (WAN, "万元") if lang == "zh" else (MILLION, "¥ M")


def day(value: Any, lang: str) -> str:
    if is_null(value):
        return NULL
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return (
            f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else f"{value:%Y-%m-%d}"
        )
    return str(value)


def period_label(label: str, lang: str) -> str:
    """'2026Q3' -> '2026年第3季度', '2026-09' -> '2026年9月', '2026' -> '2026年' in Chinese; a
    period to date ('2026~2026-10') says so in both languages."""
    if "~" in label:
        from ui.i18n import t

        whole, _, upto = label.partition("~")
        shown = t("periods.to_date", period=period_label(whole, lang), end=period_label(upto, lang))
        return shown
    if lang != "zh":
        return label
    if "Q" in label:
        year, quarter = label.split("Q")
        return f"{year}年第{quarter}季度"
    if "-" in label:
        year, month = label.split("-")
        return f"{year}年{int(month)}月"
    return f"{label}年"
