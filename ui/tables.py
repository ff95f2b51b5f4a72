"""Metric frames made ready for `st.dataframe`: translated headers, each metric's definition as the
column's hover help, money in millions of yuan (English) or 万元 (Chinese), ratios as percentages, and the
good / warning / bad colouring of a scorecard.

Figures stay numbers (never preformatted text) so that sorting a column sorts by value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from metrics.core.catalogue import BY_ID
from metrics.core.values import is_null
from ui import raw_rows
from ui.format import money_scale
from ui.i18n import label, lang, metric_description, metric_name, role_name, t

# What a missing figure reads as in every table, in both languages (Streamlit's default is
# "None"); the pages' captions explain it ("— means no base this period").
NULL_TEXT = "—"

GOOD_BG = "background-color: #dcedc8"
WARN_BG = "background-color: #fff3c4"
BAD_BG = "background-color: #ffcdd2"


def _unit(column: str) -> str | None:
    metric = BY_ID.get(column)
    if metric is not None:
        return metric.unit
    if column.startswith(("contacts_", "work_items_")) and not column.endswith("rate"):
        return "count"
    return None


def display(
    frame: pd.DataFrame,
    metrics: Iterable[str],
    *,
    descriptive: Iterable[str] = (),
    units: dict[str, str] | None = None,
    rows_are_units: bool = False,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(frame to show, column_config) for `descriptive` columns followed by `metrics`;
    `rows_are_units`: each row is an org unit, so its `name` is headed "Org unit", not "Name"."""
    language = lang()
    divisor, money_unit = money_scale(language)
    unit_names = units or {}
    shown = pd.DataFrame(index=frame.index)
    config: dict[str, Any] = {}
    for column in descriptive:
        values = frame[column]
        if column == "role":
            values = values.map(role_name)
        elif column == "org_id" and "unit_names" in st.session_state:
            values = values.map(lambda v: st.session_state["unit_names"].get(v, v))
        shown[column] = values
        is_unit = column == "org_id" or (column == "name" and rows_are_units)
        config[column] = st.column_config.TextColumn(label("unit" if is_unit else column))
    for column in metrics:
        unit = _unit(column)
        name = metric_name(column)
        help_text = metric_description(column) if column in BY_ID else None
        values = pd.to_numeric(
            pd.Series([None if is_null(v) else v for v in frame[column]], index=frame.index),
            errors="coerce",
        ).astype("float64")
        if unit == "yuan":
            shown[column] = values / divisor
            fmt = "%,.2f"  # 万元 or millions of yuan (`money_scale`), never whole yuan
            config[column] = st.column_config.NumberColumn(
                f"{name} ({money_unit})", help=help_text, format=fmt
            )
        elif unit == "ratio":
            shown[column] = values * 100
            config[column] = st.column_config.NumberColumn(
                f"{name} (%)", help=help_text, format="%.1f%%"
            )
        elif unit in ("count", "days"):
            shown[column] = values
            config[column] = st.column_config.NumberColumn(name, help=help_text, format="%,d")
        else:
            shown[column] = values
            suffix = unit_names.get(column, "")
            config[column] = st.column_config.NumberColumn(
                f"{name}{suffix}", help=help_text, format="%,.1f"
            )
    return shown, config


def table(data: Any, **kwargs: Any) -> Any:
    """`st.dataframe` with the dashboard's rendering of missing values; every page uses it.

    A plain frame also gets its enum values and headers in the reader's language here, once for
    every page (an audit action, an import status, an alert reason would otherwise show as its
    code); a column a page configured itself keeps that configuration."""
    if isinstance(data, pd.DataFrame):
        data = raw_rows.translate_values(data)
        config = dict(kwargs.pop("column_config", None) or {})
        for column in data.columns:
            config.setdefault(column, st.column_config.Column(raw_rows.header(str(column))))
        kwargs["column_config"] = config
    return st.dataframe(data, placeholder=NULL_TEXT, **kwargs)


def raw(frame: pd.DataFrame, **kwargs: Any) -> Any:
    """A table of raw rows (a drill-through, a register): translated headers and values, money in
    the reader's unit, 0/1 flags as ticks, amounts as numbers that sort."""
    shown, config = raw_rows.present(frame)
    return table(shown, column_config=config, **kwargs)


def editor(data: Any, **kwargs: Any) -> Any:
    """`st.data_editor` with the same rendering of missing values as `table`."""
    return st.data_editor(data, placeholder=NULL_TEXT, **kwargs)


def raw_config(frame: pd.DataFrame) -> dict[str, Any]:
    """Headers for a frame of raw rows (a drill-through, a log): translated where known."""
    config: dict[str, Any] = {}
    for column in frame.columns:
        config[column] = st.column_config.Column(raw_rows.header(column))
    return config


def quartile_band(values: pd.Series, better: str | None) -> pd.Series:
    """'good' (best quarter), 'warning' (below the median), 'bad' (worst quarter) or ''.

    Compared within the staff shown; needs at least 4 figures and some spread to say anything."""
    numbers = pd.to_numeric(values, errors="coerce")
    present = numbers.dropna()
    out = pd.Series("", index=values.index, dtype="object")
    if better is None or len(present) < 4 or present.nunique() < 2:
        return out
    q1, median, q3 = present.quantile([0.25, 0.5, 0.75])
    if better == "lower":
        numbers, q1, median, q3 = -numbers, -q3, -median, -q1
    out[numbers >= q3] = "good"
    out[(numbers < median) & (numbers > q1)] = "warning"
    out[numbers <= q1] = "bad"
    out[numbers.isna()] = ""
    return out


def colour(shown: pd.DataFrame, source: pd.DataFrame, metrics: Iterable[str]) -> Any:
    """A Styler colouring each metric column of `shown` by `quartile_band` of `source`."""
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    css = {"good": GOOD_BG, "warning": WARN_BG, "bad": BAD_BG, "": ""}
    for column in metrics:
        metric = BY_ID.get(column)
        band = quartile_band(source[column], metric.better if metric else None)
        styles[column] = band.map(css)
    return shown.style.apply(lambda _: styles, axis=None)


def legend() -> str:
    return t("scorecards.hint")


__all__ = [
    "NULL_TEXT",
    "colour",
    "display",
    "editor",
    "legend",
    "quartile_band",
    "raw",
    "raw_config",
    "table",
]
