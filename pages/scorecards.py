"""Scorecards: every appraisal KPI per planner and advisor of the unit, coloured by quartile,
sortable, each column's definition on hover; a selected row opens the planner."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.core.catalogue import appraisal_ids
from metrics.core.periods import Period
from ui import attainment, common, compare, snapshot_button, state, tables
from ui.format import period_label
from ui.i18n import labels, role_name, t
from ui.tables import colour, display

ctx = state.context()
common.header("page.scorecards", ctx)
common.require_ready(ctx)
assert ctx.unit is not None and ctx.period is not None

card = ctx.scorecard("staff")
if card.empty:
    st.info(t("empty.no_staff"))
    st.stop()

unit_names = ctx.unit_names()
org: object = "*"
role: object = "*"
# A planner or advisor sees only their own row: filters by sub-branch and role would filter nothing.
if ctx.identity.role not in ("planner", "advisor"):
    left, right = st.columns([3, 2])
    org_options = ["*", *sorted(card["org_id"].unique())]
    with left:
        org = common.select(
            t("scorecards.filter_unit"),
            org_options,
            format_func=lambda o: t("scorecards.all") if o == "*" else unit_names.get(o, o),
            key="scorecards_unit",
        )
    role = right.segmented_control(
        t("scorecards.filter_role"),
        ["*", "planner", "advisor"],
        format_func=labels(
            ["*", "planner", "advisor"],
            lambda r: t("scorecards.all") if r == "*" else role_name(r),
        ),
        default="*",
        required=True,
        key="scorecards_role",
    )
if org != "*":
    card = card[card["org_id"] == org]
if role not in (None, "*"):
    card = card[card["role"] == role]
card = card.sort_values("aum_stock", ascending=False, ignore_index=True)
if card.empty:
    st.info(t("empty.no_rows"))
    st.stop()

ids = appraisal_ids()
shown, config = display(card, ids, descriptive=("name", "org_id", "role"))
# Actual against a published scheme's targets, for the staff that scheme covers.
scheme = attainment.pick(ctx, card, key="scorecards_targets")
if scheme is not None:
    extra = attainment.columns(card, scheme)
    # A scheme covers its unit's whole subtree (a branch's scheme, its sub-branches' planners),
    # as on the Overview and in the targets grid.
    orgs = attainment.subtree(ctx.units, scheme.org_id)
    covered = (card["role"] == scheme.role) & (
        card["org_id"].isin(orgs) if orgs is not None else True
    )
    extra = extra.astype(object).where(covered, None)
    shown = pd.concat([shown, extra], axis=1)
    config.update(attainment.config(scheme))
st.caption(t("scorecards.hint"))
event = tables.table(
    colour(shown, card, ids),
    column_config=config,
    hide_index=True,
    key="scorecards_table",
    on_select="rerun",
    selection_mode="single-row",
    height=common.fit(len(shown), 640),
)
picked = common.selected_row(event)
if picked is not None:
    common.open_planner(card["entity_id"].iloc[picked])

st.caption(t("empty.null_metric"))
snapshot_button.offer(ctx, "scorecard", "staff", key="scorecards_snapshot")
export = card[["entity_id", "name", "org_id", "role", *ids]]
common.csv_download(
    export,
    f"scorecard_{ctx.period.label()}_{ctx.unit.entity_id}.csv",
    key="scorecards_download",
    ctx=ctx,
    what="scorecard",
)

# Two periods side by side: the unit's KPIs now and in another period (a year earlier first).
st.subheader(t("compare.title"))
others, year_ago = compare.choices(ctx)
if year_ago is not None:
    other = common.select(
        t("compare.with"),
        [year_ago, *[o for o in others if o != year_ago]],
        format_func=lambda p: period_label(p, ctx.lang),
        key="compare_with",
    )
    tables.table(
        compare.side_by_side(ctx, Period.parse(other)), hide_index=True, key="compare_table"
    )
