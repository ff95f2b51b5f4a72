"""A table of raw rows with what a person needs to work with it: a text filter, a filter on the
rows that count (each yes/no column: e.g. only the breached requests, only the clients not
contacted), and a CSV download of exactly the rows left on screen.

Kept apart from `ui/tables.py` because the download goes through `ui.common` (audited, masked by
the viewer's scope), which itself draws tables."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import common, raw_rows, state, tables
from ui.i18n import labels, t


def _only_label(choice: str) -> str:
    if not choice:
        return t("rows.all")
    column, value = choice.rsplit("=", 1)
    return t("rows.only_yes" if value == "1" else "rows.only_no", column=raw_rows.header(column))


def show(
    frame: pd.DataFrame,
    *,
    key: str,
    ctx: state.Context,
    what: str,
    filename: str,
    name_is_client: bool = False,
    **kwargs: Any,
) -> pd.DataFrame:
    """Filters, the table and its download; returns the rows left after filtering."""
    shown, config = raw_rows.present(frame)
    flags = [c for c in shown.columns if c in raw_rows.FLAGS]
    left, right = st.columns(2)
    text = left.text_input(t("rows.filter"), key=f"{key}_text").strip()
    options = ["", *(f"{c}={v}" for c in flags for v in ("1", "0"))]
    choice = ""
    if flags:
        choice = right.selectbox(
            t("rows.only"), options, format_func=labels(options, _only_label), key=f"{key}_only"
        )
    keep = pd.Series(True, index=shown.index)
    if text:
        cells = shown.astype(str)
        keep &= cells.apply(lambda c: c.str.contains(text, case=False, regex=False)).any(axis=1)
    if choice:
        column, value = choice.rsplit("=", 1)
        keep &= shown[column].fillna(False).astype(bool) == (value == "1")
    if text or choice:
        st.caption(t("rows.count", n=int(keep.sum()), total=len(shown)))
    tables.table(shown[keep], column_config=config, key=key, **kwargs)
    rows = frame[keep.to_numpy()]
    common.csv_download(
        rows, filename, key=f"{key}_download", ctx=ctx, what=what, name_is_client=name_is_client
    )
    return rows


__all__ = ["show"]
