"""Portfolio health: coverage, dual managers, load against the limit, retention alerts with their
follow-up, and the clients whose birthday falls in the next 14 days."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics.core.catalogue import health_ids
from ui import charts, common, raw_table, state, tables
from ui.compliance_view import care_view
from ui.i18n import metric_name, t
from ui.periods import vs_text
from ui.tables import display

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
    per_row=3,  # five tiles of long names: at five a row "财富客户主管户覆…" was cut
    prev_label=vs_text(period, ctx.version),
)
st.subheader(t("health.table"))
units = ctx.health("sub_branch")
if unit.level == "branch":  # the branch's own row first, then its sub-branches
    branch = ctx.health("branch")
    units = pd.concat([branch[branch["entity_id"] == unit.entity_id], units], ignore_index=True)
shown, config = display(units, health_ids(), descriptive=("name",), rows_are_units=True)
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
        charts.load_vs_limit(planners, limit, load_title=metric_name("load")), width="content"
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
        raw_table.show(
            shown,
            ctx=ctx,
            what="retention alerts",
            filename=f"alerts_{unit.entity_id}_{period.label()}.csv",
            hide_index=True,
            key="health_alerts",
            height=common.fit(len(shown), 360),
        )

# --- care reminders -----------------------------------------------------------------------------------
with right:
    today = dt.date.today()
    care = ctx.lookup("care_due", today, unit.level, unit.entity_id)
    # Imported care dates (lifecycle.md) carry kinds and labels; without them, birthdays only.
    imported = bool(care["kind"].ne("birthday").any() or care["label"].notna().any())
    st.subheader(t("health.care_dates" if imported else "health.care", day=today))
    if care.empty:
        st.info(t("health.no_care"))
    else:
        care = care_view(care)
        tables.raw(care, hide_index=True, key="health_care")
