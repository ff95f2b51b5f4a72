"""The scheme editor's per-person targets (指标分解): one grid per item that takes a target (rows:
the staff the scheme covers, the item's default target, the person's own, empty = the default),
a CSV upload read by the command line's own parser, and a download of the targets as they stand.

Why the grids are built this way:
- The targets being edited live in the session (`held`), per scheme version, so that a grid, an
  upload and the item grid above can all change them between runs; the grids are built from
  that state, never from their own edits (as `ui.scheme_form` explains, a grid whose frame
  changes with its edits forgets them).
- Each grid has a fixed set of rows and a key, so Streamlit keeps its edits when only values
  change (the default target column follows the item grid as it is typed). An upload replaces
  the held targets and starts the grids afresh (a new `generation` in their keys).
- The target column is float64, so `0.95` stays 0.95 (see `ui.scheme_form`); a typed float is
  read back by its shortest text (6000000.0 -> 6000000).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pandas as pd
import streamlit as st

from metrics.appraisal import schemes
from metrics.appraisal.targets import targetable
from ui import messages, tables
from ui.i18n import metric_name, t
from ui.plain import plain

Targets = dict[str, dict[str, Decimal]]


def _held_key(ref: str) -> str:
    return f"_targets_{ref}"


def _generation_key(ref: str) -> str:
    return f"_targets_gen_{ref}"


def held(ref: str, base: schemes.Scheme) -> Targets:
    """The per-person targets being edited for version `ref` (first: the stored version's)."""
    key = _held_key(ref)
    if key not in st.session_state:
        st.session_state[key] = {item.kpi: dict(item.targets) for item in base.items}
    return dict(st.session_state[key])


def restart(ref: str, targets: Targets | None = None) -> None:
    """Replace the held targets (None: read the stored version again) and start the grids and
    the uploader afresh."""
    if targets is None:
        st.session_state.pop(_held_key(ref), None)
    else:
        st.session_state[_held_key(ref)] = targets
    st.session_state[_generation_key(ref)] = st.session_state.get(_generation_key(ref), 0) + 1


def _generation(ref: str) -> int:
    return int(st.session_state.get(_generation_key(ref), 0))


def _number(value: Any) -> Decimal | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return Decimal(repr(float(value)))


def _default(row: Mapping[str, Any]) -> float | None:
    try:
        return None if row.get("target") is None else float(str(row["target"]))
    except ValueError:
        return None


def grid_frame(
    staff: pd.DataFrame, default: float | None, own: Mapping[str, Decimal]
) -> pd.DataFrame:
    """Rows for one item: everyone listed, then anyone else who holds a target (by id)."""
    names = dict(zip(staff["staff_id"], staff["name"], strict=True))
    ids = [*staff["staff_id"], *sorted(set(own) - set(names))]
    frame = pd.DataFrame(
        {
            "staff_id": ids,
            "name": [names.get(i, "") for i in ids],
            "default": [default] * len(ids),
            "target": [None if i not in own else float(own[i]) for i in ids],
        }
    )
    return frame.astype({"staff_id": "object", "name": "object", "default": "float64",
                         "target": "float64"})  # fmt: skip


def _columns() -> dict[str, Any]:
    return {
        "staff_id": st.column_config.TextColumn(t("targets.col_staff"), disabled=True),
        "name": st.column_config.TextColumn(t("targets.col_name"), disabled=True),
        "default": st.column_config.NumberColumn(t("targets.col_default"), disabled=True),
        "target": st.column_config.NumberColumn(
            t("targets.col_target"), help=t("targets.target_help")
        ),
    }


def grids(
    ref: str, item_rows: list[dict[str, Any]], staff: pd.DataFrame, targets: Targets
) -> Targets:
    """One grid per item that takes a target; the targets as typed, by KPI."""
    out: Targets = {}
    for row in item_rows:
        kpi = str(row.get("kpi") or "")
        item = schemes.Item(kpi, Decimal(0), rule=str(row.get("rule") or "linear"))
        if not kpi or not targetable(item):
            continue
        st.markdown(f"**{plain(metric_name(kpi))}**")
        edited = tables.editor(
            grid_frame(staff, _default(row), targets.get(kpi, {})),
            num_rows="fixed",
            hide_index=True,
            key=f"person_targets_{ref}_{kpi}_{_generation(ref)}",
            column_config=_columns(),
        )
        own = {
            str(r["staff_id"]): number
            for r in edited.to_dict("records")
            if (number := _number(r["target"])) is not None
        }
        if own:
            out[kpi] = own
    return out


def upload(ref: str, shell: schemes.Scheme | None, staff: pd.DataFrame) -> None:
    """A CSV `staff_id, kpi, target` read into the held targets: every bad row said with its
    line, and nothing applied when any row is bad."""
    file = st.file_uploader(
        t("targets.upload"),
        type=["csv"],
        help=t("targets.upload_help"),
        key=f"targets_upload_{ref}_{_generation(ref)}",
    )
    if file is None:
        return
    if shell is None:
        st.warning(t("targets.upload_needs_items"))
        return
    try:
        text = file.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        st.error(t("targets.not_utf8", name=plain(file.name)))
        return
    try:
        parsed = schemes.parse_targets(shell, text, file.name, set(staff["staff_id"]))
    except schemes.SchemeError as exc:
        st.error(t("targets.refused", n=len(exc.messages)))
        for message in exc.messages:
            st.error(plain(messages.scheme_message(message)))
        return
    restart(ref, {kpi: own for kpi, own in parsed.items() if own})
    st.session_state["_targets_done"] = t("targets.applied", name=plain(file.name))
    st.rerun()
