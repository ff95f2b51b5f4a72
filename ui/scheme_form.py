"""The scheme editor's grids: the frames given to `st.data_editor`, their column settings, and
the rows read back as a scheme's `items` / `grades`.

Why this is more than `pd.DataFrame(items)`:
- Streamlit's number cell refuses a decimal point in a column whose Arrow type is an integer
  (it sets the step to 1), so `0.95` typed in a Target built from `1000000` became `95`. Every
  number column is therefore float64, whatever the stored values look like.
- A row added to the grid starts empty; a required column left empty (the rule) made the row
  invalid, so the defaults a new item takes are set in the column settings instead.
- The frame given to the grid must be the same on every rerun, or Streamlit resets the grid
  and forgets rows typed so far: it is built from the stored scheme only, never from the edits.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from metrics.appraisal import schemes
from metrics.core.catalogue import appraisal_ids
from ui.i18n import labels, metric_name, t

NUMBERS = ("weight", "target", "cap", "gate", "max_score")


# The grid's columns: per-person targets (指标分解) have their own grids (`ui.target_grid`).
GRID_FIELDS = tuple(f for f in schemes.ITEM_FIELDS if f != "targets")


def items_frame(scheme: schemes.Scheme) -> pd.DataFrame:
    frame = pd.DataFrame([item.to_dict() for item in scheme.items], columns=list(GRID_FIELDS))
    return frame.astype({column: "float64" for column in NUMBERS})


def grades_frame(scheme: schemes.Scheme) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"grade": g, "share": float(s)} for g, s in scheme.grades], columns=["grade", "share"]
    )
    return frame.astype({"grade": "object", "share": "float64"})


def item_columns() -> dict[str, Any]:
    kpis = appraisal_ids()
    return {
        "kpi": st.column_config.SelectboxColumn(
            t("schemes.col_kpi"),
            options=kpis,
            format_func=labels(kpis, metric_name),
            required=True,
        ),
        "weight": st.column_config.NumberColumn(t("schemes.col_weight"), min_value=0),
        "target": st.column_config.NumberColumn(t("schemes.col_target")),
        "rule": st.column_config.SelectboxColumn(
            t("schemes.col_rule"),
            options=schemes.RULES,
            format_func=labels(list(schemes.RULES), lambda r: t(f"schemes.rule.{r}")),
            default="linear",
        ),
        "cap": st.column_config.NumberColumn(
            t("schemes.col_cap"), help=t("schemes.cap_help"), default=float(schemes.DEFAULT_CAP)
        ),
        "gate": st.column_config.NumberColumn(t("schemes.col_gate")),
        "max_score": st.column_config.NumberColumn(t("schemes.col_max")),
    }


def grade_columns() -> dict[str, Any]:
    return {
        "grade": st.column_config.TextColumn(t("schemes.col_grade")),
        "share": st.column_config.NumberColumn(t("schemes.col_share"), min_value=0, max_value=1),
    }


def _clean(value: Any) -> Any:
    """A grid cell as the scheme parser reads it: empty cells (None / NaN) are None; a float is
    passed by its shortest text (0.95, not 0.9499999999999999555910790149937)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value


def item_rows(edited: pd.DataFrame) -> list[dict[str, Any]]:
    """The grid's rows as scheme items; a row left wholly empty (just added) is not an item."""
    rows = [{str(k): _clean(v) for k, v in r.items()} for r in edited.to_dict("records")]
    return [r for r in rows if any(r.get(k) is not None for k in ("kpi", "weight", "target"))]


def grade_rows(edited: pd.DataFrame) -> dict[str, Any]:
    return {
        str(r["grade"]).strip(): _clean(r["share"])
        for r in edited.to_dict("records")
        if _clean(r["grade"]) is not None
    }


def weights_total(rows: list[dict[str, Any]]) -> float:
    return float(pd.to_numeric(pd.Series([r.get("weight") for r in rows]), errors="coerce").sum())
