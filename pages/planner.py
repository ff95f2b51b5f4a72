"""Planner: one planner's or advisor's KPIs with their trend over the last 12 periods, the book of
clients (masked), the tier-migration matrix, recent activity, and any KPI's drill-through rows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.core.catalogue import BY_ID, appraisal_ids
from metrics.measures.lists import TIERS
from ui import charts, common, raw_table, state, tables
from ui.compliance_view import register_view
from ui.format import metric_value, money_scale, period_label
from ui.i18n import label, labels, metric_name, t
from ui.periods import vs_text
from ui.tables import raw_config

ctx = state.context()
common.header("page.planner", ctx)
common.require_ready(ctx)
assert ctx.unit is not None and ctx.period is not None
period = ctx.period

people = ctx.staff()
if people.empty:
    st.info(t("empty.no_staff"))
    st.stop()
ids = list(people["staff_id"])
names = dict(zip(people["staff_id"], people["name"], strict=True))
# `planner_id` is set by the pages that open a planner; the picker follows it.
wanted = st.session_state.get("planner_id")
if wanted in ids:
    st.session_state["planner_pick"] = wanted
elif st.session_state.get("planner_pick") not in ids:
    st.session_state["planner_pick"] = ids[0]


def follow_pick() -> None:
    st.session_state["planner_id"] = st.session_state["planner_pick"]


if len(ids) == 1:  # a planner or advisor sees themself only: nothing to pick
    staff_id = ids[0]
else:
    staff_id = st.selectbox(
        t("planner.pick"),
        ids,
        format_func=labels(ids, lambda s: f"{names[s]} · {s}"),
        key="planner_pick",
        on_change=follow_pick,
    )
person = people[people["staff_id"] == staff_id].iloc[0]
narrowed = ctx.lookup("narrow", "staff", staff_id)
if narrowed is None:  # not visible to this user (cannot happen through the picker)
    st.error(t("error.not_allowed"))
    st.stop()
me = ctx.focused(state.Unit("staff", staff_id, str(person["name"]), narrowed))
if person["left_on"] is not None and not pd.isna(person["left_on"]):
    st.warning(t("planner.left", day=person["left_on"]))

# --- KPI tiles ----------------------------------------------------------------------------------
SUPERVISION = ("login_day_rate", "idle_days", "contact_coverage", "cadence_compliance", "load")
now = common.row_of(me.scorecard("staff"), staff_id)
before = common.row_of(me.scorecard("staff", period.prev()), staff_id)
sup_now = common.row_of(me.supervision("staff"), staff_id)
sup_before = common.row_of(me.supervision("staff", period.prev()), staff_id)
now_row = {
    **({} if now is None else now.to_dict()),
    **({} if sup_now is None else sup_now.to_dict()),
}
prev_row = {
    **({} if before is None else before.to_dict()),
    **({} if sup_before is None else sup_before.to_dict()),
}
st.subheader(t("planner.kpis"))
common.tiles(
    [*appraisal_ids(), *SUPERVISION],
    now_row,
    prev_row,
    ctx.lang,
    per_row=4,  # five to a row cut the Chinese figures and the longer English names off
    prev_label=vs_text(period, ctx.version),
)
st.caption(t("empty.null_metric"))

# --- trend over the last 12 periods -------------------------------------------------------------
st.subheader(t("planner.trend"))
trend_ids = [*appraisal_ids(), *SUPERVISION]
metric_id = common.select(
    t("planner.trend_metric"), trend_ids, format_func=metric_name, key="planner_trend_metric"
)
complete = set(state.periods(period.kind, ctx.version))
history = [p for p in (period.shift(-i) for i in range(11, -1, -1)) if p.label() in complete]
values = []
for p in history:
    frame = me.scorecard("staff", p) if metric_id in appraisal_ids() else me.supervision("staff", p)
    row = common.row_of(frame, staff_id)
    value = None if row is None else row[metric_id]
    if BY_ID[metric_id].unit == "yuan" and value is not None:
        value = float(value) / money_scale(ctx.lang)[0]
    values.append({"period": period_label(p.label(), ctx.lang), "value": value})
unit = BY_ID[metric_id].unit
title = metric_name(metric_id) + (f" ({money_scale(ctx.lang)[1]})" if unit == "yuan" else "")
st.altair_chart(
    charts.kpi_trend(
        pd.DataFrame(values),
        title,
        percent=unit == "ratio",
        axis_format=",.2f" if unit == "yuan" else ",~s",
    ),
    width="stretch",
)

# --- book, tier migration, activity -------------------------------------------------------------
# The book takes the full width (its columns, through the last contact, all show); the migration
# matrix and the recent activity share the row below, where the matrix fits its half.
st.subheader(t("planner.book", day=period.end))
book = me.lookup("client_book", staff_id, period.end)
if book.empty:
    st.info(t("empty.no_clients"))
else:
    tables.raw(
        book,
        hide_index=True,
        key="planner_book",
        height=common.fit(len(book)),
    )
    if not getattr(ctx.identity, "may_unmask", False):
        st.caption(t("planner.masked"))
left, right = st.columns(2)
with left:
    st.subheader(
        t(
            "planner.migration",
            prev=period_label(period.prev().label(), ctx.lang),
            period=period_label(period.label(), ctx.lang),
        )
    )
    matrix = me.lookup("tier_migration", period.label(), "staff", staff_id)
    if int(matrix.to_numpy().sum()) == 0:
        st.info(t("empty.no_clients"))
    else:
        long = [
            {"from": t(f"tier.{src}"), "to": t(f"tier.{dst}"), "clients": int(matrix.loc[src, dst])}
            for src in [*TIERS, "new"]
            for dst in [*TIERS, "lost"]
        ]
        st.altair_chart(
            charts.tier_migration(
                pd.DataFrame(long), from_title=label("from"), to_title=label("migration_to")
            ),
            width="content",
        )
with right:
    st.subheader(t("planner.activity"))
    activity = me.lookup("recent_activity", staff_id, period.end)
    if activity.empty:
        st.info(t("empty.no_activity"))
    else:
        tables.raw(
            activity,
            hide_index=True,
            key="planner_activity",
            height=common.fit(len(activity)),
        )

# --- compliance exceptions (lifecycle.md): the register charged to this person -------------------
st.subheader(t("planner.exceptions"))
mine = me.lookup("exceptions", period.label(), None)
mine = mine[mine["staff_id"] == staff_id]
if mine.empty:
    st.success(t("planner.no_exceptions"), icon=":material/check_circle:")
else:
    listed = register_view(mine)
    tables.table(
        listed,
        column_config=raw_config(listed),
        hide_index=True,
        key="planner_exceptions",
        height=common.fit(len(listed)),
    )

# --- drill-through ------------------------------------------------------------------------------
st.subheader(t("planner.drill"))
drill_id = common.select(
    t("planner.drill_metric"), trend_ids, format_func=metric_name, key="planner_drill_metric"
)
rows = me.drill(drill_id, "staff", staff_id)
st.caption(
    t(
        "planner.drill_count",
        n=len(rows),
        metric=metric_name(drill_id),
        value=metric_value(drill_id, now_row.get(drill_id), ctx.lang),
    )
)
if rows.empty:
    st.info(t("empty.no_rows"))
else:
    raw_table.show(
        rows,
        key="planner_drill_rows",
        ctx=ctx,
        what=f"drill {drill_id}",
        filename=f"{drill_id}_{staff_id}_{period.label()}.csv",
        hide_index=True,
        height=common.fit(len(rows)),
    )
