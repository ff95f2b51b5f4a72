"""Portfolio health: coverage, dual managers, load against the limit, retention alerts with their
follow-up, and the clients whose birthday falls in the next 14 days."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics.core.catalogue import health_ids
from ui import charts, common, state, tables
from ui.i18n import metric_name, t
from ui.periods import vs_text
from ui.tables import display, raw_config

CARE_DAYS = 14

ctx = state.context()
common.header("page.health", ctx)
common.require_ready(ctx)
assert ctx.unit is not None and ctx.period is not None
unit, period = ctx.unit, ctx.period
if unit.level == "staff":  # a planner's own health is their book: shown on the planner page
    st.info(t("empty.no_rows"))
    st.stop()

# --- tiles and the table per unit ----------------------------------------------------------------
now = common.row_of(ctx.health(unit.level), unit.entity_id)
before = common.row_of(ctx.health(unit.level, period.prev()), unit.entity_id)
common.tiles(
    health_ids(),
    {} if now is None else now.to_dict(),
    {} if before is None else before.to_dict(),
    ctx.lang,
    per_row=5,
    prev_label=vs_text(period, ctx.version),
)
st.subheader(t("health.table"))
units = ctx.health("sub_branch")
if unit.level == "branch":  # the branch's own row first, then its sub-branches
    branch = ctx.health("branch")
    units = pd.concat([branch[branch["entity_id"] == unit.entity_id], units], ignore_index=True)
shown, config = display(units, health_ids(), descriptive=("name",))
tables.table(shown, column_config=config, hide_index=True, key="health_units")
st.caption(t("empty.null_metric"))

# --- load against the limit -------------------------------------------------------------------------
limit = int(ctx.settings["load.max_clients"])
st.subheader(t("health.load", limit=limit))
staff = ctx.supervision("staff")
planners = staff[staff["role"] == "planner"]
if planners.empty:
    st.info(t("empty.no_staff"))
else:
    st.altair_chart(
        charts.load_vs_limit(planners, limit, load_title=metric_name("load")), width="stretch"
    )

# --- retention alerts -------------------------------------------------------------------------------
left, right = st.columns([3, 2])
with left:
    st.subheader(t("health.alerts"))
    alerts = ctx.lookup("retention_alerts", period.label(), unit.level, unit.entity_id)
    if alerts.empty:
        st.info(t("health.no_alerts"))
    else:
        names = dict(zip(staff["entity_id"], staff["name"], strict=True))
        alerts = alerts.sort_values(["followed_up", "alert_day"], ascending=[True, False])
        alerts["primary_staff_id"] = alerts["primary_staff_id"].map(lambda s: names.get(s, s))
        shown = alerts.drop(columns=["event_at"])
        tables.table(
            shown,
            column_config=raw_config(shown),
            hide_index=True,
            key="health_alerts",
            height=common.fit(len(shown), 360),
        )

# --- care reminders -----------------------------------------------------------------------------------
with right:
    today = dt.date.today()
    st.subheader(t("health.care", day=today))
    care = ctx.lookup("care_due", today, unit.level, unit.entity_id)
    if care.empty:
        st.info(t("health.no_care"))
    else:
        tables.table(care, column_config=raw_config(care), hide_index=True, key="health_care")
