"""Overview: the director's Monday page — headline figures, the AUM trend, the sub-branch league
table, the spread of planners on each KPI, and what needs action."""

from __future__ import annotations

from functools import partial

import streamlit as st

from metrics.core.catalogue import appraisal_ids
from metrics.measures.flags import needs_action
from metrics.store.landing import (
    COMPLIANCE,
    PREV_HEALTH,
    PREV_SUPERVISION,
    TILES,
    overview_requests,
)
from ui import attainment, charts, common, snapshot_button, state, tables
from ui.i18n import metric_name, t
from ui.periods import vs_text
from ui.tables import display

ctx = state.context()
common.header("page.overview", ctx)
common.require_ready(ctx)
assert ctx.unit is not None and ctx.period is not None
unit, period = ctx.unit, ctx.period
prev = period.prev()
settings = ctx.settings

# Cold caches: compute (or read the stored) frames side by side; each lands in the cache the
# page's own calls below then read.
state.prefetch(
    *[
        partial(ctx.frame, r)
        for r in overview_requests(unit.level, unit.entity_id, unit.scope, period)
    ]
)

# --- headline tiles -----------------------------------------------------------------------------
now_row: dict = {}
prev_row: dict = {}
for frame_now, frame_prev in (
    (ctx.scorecard(unit.level), ctx.scorecard(unit.level, prev)),
    (ctx.supervision(unit.level), ctx.supervision(unit.level, prev, PREV_SUPERVISION)),
    (ctx.health(unit.level), ctx.health(unit.level, prev, PREV_HEALTH)),
    (ctx.compliance(unit.level, None, COMPLIANCE), ctx.compliance(unit.level, prev, COMPLIANCE)),
):
    a, b = common.row_of(frame_now, unit.entity_id), common.row_of(frame_prev, unit.entity_id)
    now_row.update({} if a is None else a.to_dict())
    prev_row.update({} if b is None else b.to_dict())
common.tiles(
    TILES,
    now_row,
    prev_row,
    ctx.lang,
    prev_label=vs_text(period, ctx.version),
)

# --- what needs action --------------------------------------------------------------------------
staff_sup = ctx.supervision("staff")
st.subheader(t("overview.flags"))
flags = needs_action(
    unit_scorecard=common.row_of(ctx.scorecard(unit.level), unit.entity_id),
    unit_health=ctx.health("sub_branch"),
    staff_supervision=staff_sup,
    staff=ctx.staff(),
    alerts=ctx.lookup("retention_alerts", period.label(), unit.level, unit.entity_id),
    settings=settings,
    day=period.end,
    unit_compliance=common.row_of(ctx.compliance(unit.level, None, COMPLIANCE), unit.entity_id),
    prev_compliance=common.row_of(ctx.compliance(unit.level, prev, COMPLIANCE), unit.entity_id),
    staff_compliance=ctx.compliance("staff", None, COMPLIANCE),
)
common.flag_list(flags, ctx)

# --- target attainment of the published schemes in force ----------------------------------------
attainment.overview(ctx)

# --- AUM trend and league table -----------------------------------------------------------------
# The trend, then (for a branch) the league table, each the full width: the table's eight
# columns all show without scrolling sideways (beside the trend, about four of them did).
left, right = st.container(), st.container()
with left:
    st.subheader(t("overview.trend"))
    trend = ctx.aum_trend(unit.level, unit.entity_id)
    st.altair_chart(
        charts.aum_trend(trend, ctx.lang, title=metric_name("aum_stock")), width="stretch"
    )

LEAGUE = ("aum_stock", "aum_increment", "top_clients", "retention_rate")
TOP_STAFF = 25
with right:
    if unit.level == "branch":
        st.subheader(t("overview.league"))
        league = ctx.scorecard("sub_branch").merge(
            ctx.supervision("sub_branch")[["entity_id", "login_day_rate", "request_sla"]],
            on="entity_id",
        )
        league = league.merge(
            ctx.health("sub_branch")[["entity_id", "coverage"]], on="entity_id"
        ).sort_values("aum_stock", ascending=False, ignore_index=True)
        metrics = [*LEAGUE, "coverage", "login_day_rate", "request_sla"]
        shown, config = display(league, metrics, descriptive=("name",), rows_are_units=True)
        # The selection callback runs before the next rerun, so it may set the sidebar's unit.
        st.session_state["_league_ids"] = list(league["entity_id"])

        def focus_sub_branch() -> None:
            rows = st.session_state["overview_league"].selection.rows
            if rows:
                chosen = st.session_state["_league_ids"][rows[0]]
                st.session_state["scope_org"] = st.session_state["_keep_scope_org"] = chosen

        st.caption(t("overview.league_hint"))
        tables.table(
            shown,
            column_config=config,
            hide_index=True,
            key="overview_league",
            on_select=focus_sub_branch,
            selection_mode="single-row",
            height=min(420, 38 + 35 * len(shown)),
        )
        # The Overview's league table frozen for a meeting, like a published scheme's results.
        snapshot_button.offer(ctx, "scorecard", "sub_branch", key="overview_snapshot")

# --- planners of the unit -----------------------------------------------------------------------
staff_card = ctx.scorecard("staff")
if staff_card.empty:
    st.info(t("empty.no_staff"))
    st.stop()
st.subheader(t("overview.staff"))
st.caption(t("overview.staff_hint"))
table = staff_card.merge(
    staff_sup[["entity_id", "login_day_rate", "idle_days", "load"]], on="entity_id"
).sort_values("aum_stock", ascending=False, ignore_index=True)
# The first screen shows the leading planners; the whole list is one toggle away (a branch has
# hundreds, which the browser would otherwise lay out before the page counts as rendered).
if len(table) > TOP_STAFF and not st.toggle(
    t("overview.show_all", n=len(table)), key="overview_all_staff"
):
    table = table.head(TOP_STAFF)
shown, config = display(
    table,
    [*LEAGUE, "login_day_rate", "idle_days", "load"],
    descriptive=("name", "org_id", "role"),
)
event = tables.table(
    shown,
    column_config=config,
    hide_index=True,
    key="overview_staff",
    on_select="rerun",
    selection_mode="single-row",
    height=common.fit(len(shown), 420),
)
picked = common.selected_row(event)
if picked is not None:
    common.open_planner(table["entity_id"].iloc[picked])

# --- spread of planners on each KPI -------------------------------------------------------------
st.subheader(t("overview.spread"))
kpis = appraisal_ids()
summary, flat = charts.spread_summary(staff_card, kpis, {m: metric_name(m) for m in kpis}, ctx.lang)
if not summary.empty:
    titles = {point: t(f"spread.{point}") for point in charts.SPREAD_POINTS}
    st.altair_chart(charts.kpi_spread(summary, titles), width="content")
if flat:  # everybody has the same figure: no spread to draw
    st.caption(t("overview.flat", metrics="、".join(flat)))
st.caption(t("empty.null_metric"))
