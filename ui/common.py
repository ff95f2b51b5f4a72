"""Pieces several pages render the same way: the page header, the empty states, KPI tiles, CSV
downloads (audited as exports) and the jump to the planner page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from data import audit
from metrics.core.catalogue import BY_ID
from metrics.core.masking import has_personal_data
from metrics.exports.documents import from_frame
from metrics.exports.formats import FORMATS, export
from metrics.measures.flags import Flag
from ui import state, tables
from ui.format import delta, metric_value, period_label
from ui.i18n import label, labels, metric_description, metric_name, t
from ui.periods import to_date_caption
from ui.plain import plain

PLANNER_PAGE = "pages/planner.py"


def keep(key: str, options: list | tuple, default: object) -> None:
    """Give widget `key` its remembered raw value before it renders.

    Streamlit keeps a selectbox's value as its displayed label, so a language switch (new
    labels) or a page switch would lose the choice; the raw value is kept under `_keep_<key>`."""
    stored = st.session_state.get(f"_keep_{key}", st.session_state.get(key))
    st.session_state[key] = stored if stored in options else default
    st.session_state[f"_keep_{key}"] = st.session_state[key]


def remember(key: str) -> None:
    st.session_state[f"_keep_{key}"] = st.session_state[key]


def select(label: str, options: list, *, key: str, format_func: Any) -> Any:
    """A selectbox whose choice survives language and page switches (see `keep`)."""
    keep(key, options, options[0])
    return st.selectbox(
        label,
        options,
        format_func=labels(options, format_func),
        key=key,
        on_change=remember,
        args=(key,),
    )


def fit(rows: int, cap: int = 400) -> int:
    """A table height that shows `rows` rows without empty filler, up to `cap` pixels."""
    return min(cap, 38 + 35 * max(rows, 1))


def header(title_key: str, ctx: state.Context) -> None:
    st.title(t(title_key))
    if ctx.unit is not None and ctx.period is not None:
        st.caption(
            t(
                "overview.heading",
                unit=plain(ctx.unit.name),
                period=period_label(ctx.period.label(), ctx.lang),
            )
        )
        to_date = to_date_caption(ctx.period)  # a period under way says so on every page
        if to_date:
            st.info(to_date, icon=":material/schedule:")


def require_ready(ctx: state.Context) -> None:
    """Stop the page with a sentence that says what is missing (never an empty chart)."""
    if ctx.empty:
        st.info(t("empty.no_data"), icon=":material/database:")
        st.stop()
    if ctx.period is None:
        st.info(t("empty.no_period"), icon=":material/calendar_month:")
        st.stop()
    if ctx.unit is None:
        st.info(t("empty.no_staff"), icon=":material/group_off:")
        st.stop()


def row_of(frame: pd.DataFrame, entity_id: str) -> pd.Series | None:
    found = frame[frame["entity_id"] == entity_id]
    return None if found.empty else found.iloc[0]


def tiles(
    metrics: Iterable[str],
    now: Mapping[Any, Any],
    prev: Mapping[Any, Any],
    lang: str,
    *,
    per_row: int = 4,
    prev_label: str = "",
) -> None:
    """One st.metric per KPI with its change against the previous period."""
    ids = list(metrics)
    for start in range(0, len(ids), per_row):
        columns = st.columns(per_row)
        for column, metric_id in zip(columns, ids[start : start + per_row], strict=False):
            metric = BY_ID[metric_id]
            change = delta(metric_id, now.get(metric_id), prev.get(metric_id), lang)
            column.metric(
                metric_name(metric_id),
                metric_value(metric_id, now.get(metric_id), lang, compact=True),
                delta=change,
                delta_color="inverse" if metric.better == "lower" else "normal",
                help=metric_description(metric_id),
                border=True,
                delta_description=prev_label or None,
            )


def download(label: str, data: bytes, filename: str, fmt: str, *, key: str, **kwargs: Any) -> None:
    """The dashboard's one download button: `data` made by `metrics.exports` (formula-safe, masked
    by the viewer's scope)."""
    st.download_button(
        label,
        data,
        file_name=filename,
        mime=FORMATS[fmt].media_type,
        key=key,
        icon=":material/download:",
        **kwargs,
    )


def csv_download(
    frame: pd.DataFrame,
    filename: str,
    *,
    key: str,
    ctx: state.Context,
    what: str,
    name_is_client: bool = False,
) -> None:
    """A CSV of rows on screen (UTF-8 with BOM, for Excel), as the viewer's scope may see them;
    the click is recorded in the audit log (with whether client data were in clear)."""
    period = ctx.period.label() if ctx.period else ""
    document = from_frame(
        "rows", frame, period, ctx.scope, title=what, name_is_client=name_is_client
    )
    data = export(document, "csv", ctx.identity.username, ctx.scope)
    personal = has_personal_data(frame, name_is_client=name_is_client)

    def record() -> None:
        with state.get_engine().begin() as conn:
            audit.record(
                conn,
                ctx.identity.username,
                audit.EXPORT,
                filename,
                {
                    "what": what,
                    "rows": len(frame),
                    "scope": ctx.scope.rows_key(),
                    "unmasked": bool(personal and ctx.scope.unmask),
                },
            )

    download(t("scorecards.download"), data, filename, "csv", key=key, on_click=record)


FLAG_FIGURES = {
    "overloaded": "load",
    "coverage": "coverage",
    "idle": "idle_days",
    "exceptions": "exceptions",
}


def flag_list(flags: list[Flag], ctx: state.Context) -> None:
    """The "Needs action" flags, each with the table of whom it concerns: a selected planner
    opens the planner page, a selected sub-branch becomes the focused unit. Names are data and
    go into a table, never into Markdown."""
    if not flags:
        st.success(t("overview.no_flags"), icon=":material/check_circle:")
        return
    for index, flag in enumerate(flags):
        params = {k: plain(v) if isinstance(v, str) else v for k, v in flag.params.items()}
        st.warning(t(f"flag.{flag.kind}", n=flag.count, **params), icon=":material/flag:")
        if flag.concerned.empty:
            continue
        concerned = flag.concerned
        metric = FLAG_FIGURES.get(flag.kind)
        shown = pd.DataFrame({label("name"): concerned["name"].to_list()})
        if metric is not None:
            shown[metric_name(metric)] = [
                metric_value(metric, v, ctx.lang) for v in concerned["figure"]
            ]
        else:
            shown[t("flag.figure")] = concerned["figure"].to_list()
        key = f"flag_{flag.kind}_{index}"
        tables.table(
            shown,
            hide_index=True,
            key=key,
            on_select=partial(
                _open_concerned, key, list(concerned["entity_id"]), list(concerned["level"])
            ),
            selection_mode="single-row",
            height=fit(len(shown), 180),
        )
    planner = st.session_state.pop("_flag_planner", None)
    if planner is not None:
        open_planner(planner)


def _open_concerned(key: str, ids: list[str], levels: list[str]) -> None:
    """Selection callback (it runs before the next rerun, so it may set the sidebar's unit): a
    sub-branch becomes the focused unit; a planner is opened by the run that follows."""
    rows = st.session_state[key].selection.rows
    if not rows:
        return
    entity_id, level = str(ids[rows[0]]), levels[rows[0]]
    if level == "staff":
        st.session_state["_flag_planner"] = entity_id
    else:
        st.session_state["scope_org"] = st.session_state["_keep_scope_org"] = entity_id


def open_planner(staff_id: str) -> None:
    st.session_state["planner_id"] = staff_id
    st.switch_page(PLANNER_PAGE)


def selected_row(event: Any) -> int | None:
    """The position of the row a single-row dataframe selection picked, if any."""
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    return rows[0] if rows else None
