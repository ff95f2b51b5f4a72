"""Supervision: the diligence of the unit's planners and advisors — login calendar, idle staff,
client-info upkeep, contacts and cadence, work items by kind, request deadlines and breaches — and
the raw log rows behind any figure."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.core.catalogue import WORK_KINDS, supervision_ids
from metrics.measures.flags import idle_staff
from ui import charts, common, raw_rows, raw_table, state, tables
from ui.i18n import label, metric_name, t
from ui.plain import plain
from ui.tables import display

CALENDAR_MAX_PEOPLE = 40  # a taller heat map stops being readable; the least diligent come first

ctx = state.context()
common.header("page.supervision", ctx)
common.require_ready(ctx)
assert ctx.unit is not None and ctx.period is not None
unit, period = ctx.unit, ctx.period

staff = ctx.supervision("staff")
if staff.empty:
    st.info(t("empty.no_staff"))
    st.stop()

# --- per staff member, with the raw rows of a selected one ----------------------------------------
st.subheader(t("supervision.table"))
COLUMNS = supervision_ids()  # every supervision metric of the catalogue, in its order
table = staff.sort_values(["login_day_rate", "entity_id"], na_position="first", ignore_index=True)
shown, config = display(table, COLUMNS, descriptive=("name", "org_id", "role"))
event = tables.table(
    shown,
    column_config=config,
    hide_index=True,
    key="supervision_table",
    on_select="rerun",
    selection_mode="single-row",
    height=min(420, 38 + 35 * len(shown)),
)
picked = common.selected_row(event)
with st.container(border=True):
    st.markdown(f"**{t('supervision.rows')}**")
    if picked is None:
        st.caption(t("supervision.rows_hint"))
    else:
        who = table.iloc[picked]
        metric_id = common.select(
            t("planner.drill_metric"),
            COLUMNS,
            format_func=metric_name,
            key="supervision_drill_metric",
        )
        rows = ctx.drill(metric_id, "staff", who["entity_id"])
        st.caption(f"{plain(who['name'])} · {metric_name(metric_id)} · {len(rows)}")
        if rows.empty:
            st.info(t("empty.no_rows"))
        else:
            raw_table.show(
                rows,
                ctx=ctx,
                what=f"drill {metric_id}",
                filename=f"{metric_id}_{who['entity_id']}_{period.label()}.csv",
                hide_index=True,
                key="supervision_rows",
                height=common.fit(len(rows), 300),
            )

# --- login calendar ------------------------------------------------------------------------------
st.subheader(t("supervision.calendar"))
st.caption(t("supervision.calendar_hint"))
calendar = ctx.lookup("login_calendar", period.label(), unit.level, unit.entity_id)
order = list(table["entity_id"])[:CALENDAR_MAX_PEOPLE]
calendar = calendar[calendar["staff_id"].isin(order)]
if calendar.empty:
    st.info(t("empty.no_rows"))
else:
    rank = {s: i for i, s in enumerate(order)}
    calendar = calendar.sort_values(
        ["staff_id", "day"], key=lambda c: c.map(rank) if c.name == "staff_id" else c
    )
    st.altair_chart(
        charts.login_heatmap(
            calendar, logins_title=label("logins"), workday_title=label("workday")
        ),
        width="stretch",
    )

# --- idle staff and work items -------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("supervision.idle"))
    idle = idle_staff(staff, ctx.staff(), ctx.settings, period.end)
    if idle.empty:
        st.success(t("supervision.no_idle"))
    else:
        shown, config = display(idle, ["idle_days", "login_days"], descriptive=("name", "org_id"))
        tables.table(shown, column_config=config, hide_index=True, key="supervision_idle")
with right:
    st.subheader(t("supervision.work"))
    row = common.row_of(ctx.supervision(unit.level), unit.entity_id)
    if row is None or not int(row["work_items_created"]):
        st.info(t("empty.no_rows"))
    else:
        long = [
            {
                "kind": t(f"work_kind.{kind}"),
                "measure": t(f"work.{measure}"),
                "items": int(row[f"work_items_{measure}_{kind}"]),
            }
            for kind in WORK_KINDS
            for measure in ("created", "done", "overdue")
        ]
        st.altair_chart(charts.work_items(pd.DataFrame(long), measure_title=""), width="stretch")

# --- client requests: deadlines and breaches -----------------------------------------------------
st.subheader(t("supervision.requests"))
requests = ctx.drill("request_sla", unit.level, unit.entity_id)
due = requests[requests["due"] == 1].copy()
if due.empty:
    st.info(t("supervision.no_requests"))
else:
    due["breach"] = due["met"] == 0
    due["met"] = due["met"] == 1
    due["tier"] = due["tier"].map(lambda x: t(f"tier.{x}"))
    names = dict(zip(staff["entity_id"], staff["name"], strict=True))
    due.insert(1, "name", due["staff_id"].map(names))
    due = due.sort_values(["breach", "deadline"], ascending=[False, True])
    due["breach_leg"] = raw_rows.breach_legs(due)  # which leg of the SLA failed, in words
    columns = ["request_id", "name", "client_id", "tier", "received_at", "ack_deadline"]
    columns += ["acknowledged_at", "ack_met", "deadline", "resolved_at", "result_met", "met"]
    columns += ["breach", "breach_leg"]
    raw_table.show(
        due[columns],
        ctx=ctx,
        what="requests",
        filename=f"requests_{unit.entity_id}_{period.label()}.csv",
        hide_index=True,
        key="supervision_requests",
        height=min(360, 38 + 35 * len(due)),
    )

# --- proxies ----------------------------------------------------------------------------------------
st.subheader(t("supervision.proxies"))
proxies = ctx.lookup("proxies", period.end)
if proxies.empty:
    st.caption(t("supervision.no_proxies"))
else:
    tables.raw(proxies, hide_index=True, key="supervision_proxies")
