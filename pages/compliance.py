"""Compliance (lifecycle.md): the exceptions register of the period and scope — counts per rule
and per unit, the monthly trend, where the exceptions are (sunburst), the register filterable by
rule and unit with the evidence of a row, and the rows behind any count."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from metrics.core.catalogue import kind_ids
from metrics.core.periods import Period
from metrics.measures.sources.lifecycle import RULES
from ui import common, compliance_charts, state, tables
from ui.compliance_view import (
    evidence_view,
    register_view,
    row_key,
    rule_description,
    rule_name,
    units_below,
)
from ui.format import metric_value, period_label
from ui.i18n import label, metric_name, t
from ui.plain import plain
from ui.tables import display, raw_config

COUNTS = ["exceptions", *(f"exc_{r}" for r in RULES)]
TILES = ("exceptions", "opening_compliance", "intro_on_time", "care_done", "plan_report_rate")

ctx = state.context()
common.header("page.compliance", ctx)
common.require_ready(ctx)
assert ctx.unit is not None and ctx.period is not None
unit, period = ctx.unit, ctx.period
prev = period.prev()

# The last 12 complete months up to the period's end, computed side by side on a cold cache.
complete = set(state.periods("month", ctx.version))
last_month = Period.parse(f"{period.end:%Y-%m}")
months = [m for m in (last_month.shift(-i) for i in range(11, -1, -1)) if m.label() in complete]
state.prefetch(
    partial(ctx.compliance, unit.level),
    partial(ctx.compliance, unit.level, prev),
    partial(ctx.lookup, "exceptions", period.label(), None),
    *(partial(ctx.compliance, unit.level, m, ("exceptions",)) for m in months),
)

# --- tiles ------------------------------------------------------------------------------------
now = common.row_of(ctx.compliance(unit.level), unit.entity_id)
before = common.row_of(ctx.compliance(unit.level, prev), unit.entity_id)
common.tiles(
    TILES,
    {} if now is None else now.to_dict(),
    {} if before is None else before.to_dict(),
    ctx.lang,
    per_row=5,
    prev_label=t("overview.vs_prev", period=period_label(prev.label(), ctx.lang)),
)
register = ctx.lookup("exceptions", period.label(), None)

# --- per unit (the level below the focused unit) and per rule ------------------------------------
if unit.level == "branch":
    per_unit = pd.concat(
        [
            ctx.compliance("branch").query("entity_id == @unit.entity_id"),
            ctx.compliance("sub_branch"),
        ],
        ignore_index=True,
    )
    levels = ["branch"] + ["sub_branch"] * (len(per_unit) - 1)
elif unit.level == "sub_branch":
    own = ctx.compliance("sub_branch").query("entity_id == @unit.entity_id")
    per_unit = pd.concat([own, ctx.compliance("staff")], ignore_index=True)
    levels = ["sub_branch"] + ["staff"] * (len(per_unit) - 1)
else:
    per_unit = ctx.compliance("staff").query("entity_id == @unit.entity_id").reset_index(drop=True)
    levels = ["staff"] * len(per_unit)
who_ids = [f"{lv}:{e}" for lv, e in zip(levels, per_unit["entity_id"], strict=True)]
who_names = dict(zip(who_ids, per_unit["name"], strict=True))
figures = {
    (f"{lv}:{e}", m): per_unit.iloc[i][m]
    for i, (lv, e) in enumerate(zip(levels, per_unit["entity_id"], strict=True))
    for m in COUNTS
}

# The drill-through panel follows two widgets (the count and whose); a click in either table
# sets them (callbacks run before the rerun), so the panel also answers the widgets alone.
keep_metric = "compliance_drill_metric"
keep_who = "compliance_drill_who"


def drill_to(metric_id: str, who: str) -> None:
    for key, chosen in ((keep_metric, metric_id), (keep_who, who)):
        st.session_state[key] = st.session_state[f"_keep_{key}"] = chosen


def rule_picked(rules: list[str]) -> None:
    rows = st.session_state["compliance_rules"].selection.rows
    if rows:
        drill_to(f"exc_{rules[rows[0]]}", f"{unit.level}:{unit.entity_id}")


def unit_picked() -> None:
    rows = st.session_state["compliance_units"].selection.rows
    if rows:
        drill_to(st.session_state.get(keep_metric, "exceptions"), who_ids[rows[0]])


left, right = st.columns([2, 3])
with left:
    st.subheader(t("compliance.per_rule"))
    st.caption(t("compliance.per_rule_hint"))
    counts = pd.DataFrame(
        {
            "rule": [rule_name(r) for r in RULES],
            "exceptions_count": [None if now is None else int(now[f"exc_{r}"]) for r in RULES],
            "description": [rule_description(r) for r in RULES],
        }
    )
    tables.table(
        counts,
        column_config={
            "rule": st.column_config.TextColumn(label("rule")),
            "exceptions_count": st.column_config.NumberColumn(
                label("exceptions_count"), format="%d"
            ),
            "description": st.column_config.TextColumn(label("description"), width="large"),
        },
        hide_index=True,
        key="compliance_rules",
        on_select=partial(rule_picked, list(RULES)),
        selection_mode="single-row",
        height=common.fit(len(counts), 420),
    )
with right:
    st.subheader(t("compliance.trend"))
    trend = pd.DataFrame(
        {
            "month": [m.start for m in months],
            "exceptions": [
                int(r["exceptions"])
                if (
                    r := common.row_of(
                        ctx.compliance(unit.level, m, ("exceptions",)), unit.entity_id
                    )
                )
                is not None
                else 0
                for m in months
            ],
        }
    )
    st.plotly_chart(
        compliance_charts.exception_trend(
            trend, title=metric_name("exceptions"), month_title=t("compliance.trend_month")
        ),
        width="stretch",
        config=compliance_charts.CONFIG,
        key="compliance_trend",
    )

st.subheader(t("compliance.per_unit" if unit.level == "branch" else "compliance.per_staff"))
st.caption(t("compliance.per_unit_hint"))
shown, config = display(per_unit, kind_ids("compliance"), descriptive=("name",))
tables.table(
    shown,
    column_config=config,
    hide_index=True,
    key="compliance_units",
    on_select=unit_picked,
    selection_mode="single-row",
    height=common.fit(len(shown), 300),
)
st.caption(t("empty.null_metric"))

# --- the rows behind a count --------------------------------------------------------------------
staff_names = dict(zip(register["staff_id"], register["staff_name"], strict=False))
client_names = dict(zip(register["client_id"], register["client_name"], strict=False))
org_names = dict(zip(register["org_id"], register["org_name"], strict=False))
with st.container(border=True, key="compliance_drill"):
    st.markdown(f"**{t('compliance.drill')}**")
    metric_id = common.select(
        t("compliance.count_metric"), COUNTS, format_func=metric_name, key=keep_metric
    )
    who = common.select(
        t("compliance.filter_unit"),
        who_ids,
        format_func=lambda w: str(who_names[w]),
        key=keep_who,
    )
    level, entity_id = who.split(":", 1)
    rows = ctx.drill(metric_id, level, entity_id)
    figure = figures[(who, metric_id)]
    st.caption(
        t(
            "compliance.drill_count",
            who=plain(who_names[who]),
            metric=metric_name(metric_id),
            value=metric_value(metric_id, figure, ctx.lang),
            n=len(rows),
        )
    )
    if rows.empty:
        st.info(t("empty.no_rows"))
    else:
        named = rows.assign(
            client_name=rows["client_id"].map(client_names),
            staff_name=rows["staff_id"].map(staff_names),
            org_name=rows["org_id"].map(org_names),
        )
        drilled = register_view(named)
        tables.table(
            drilled,
            column_config=raw_config(drilled),
            hide_index=True,
            key="compliance_drill_rows",
            height=common.fit(len(drilled), 300),
        )
        common.csv_download(
            drilled,
            f"{metric_id}_{entity_id}_{period.label()}.csv",
            key="compliance_drill_download",
            ctx=ctx,
            what=f"drill {metric_id}",
        )

# --- where the exceptions are -------------------------------------------------------------------
chart_node: str | None = None
paths = pd.Series(dtype="object")
if unit.level != "staff" and not register.empty:
    st.subheader(t("compliance.sunburst"))
    st.caption(t("compliance.sunburst_hint"))
    nodes, paths = compliance_charts.sunburst_nodes(
        register,
        ctx.units,
        staff_label=lambda s, _o: str(staff_names.get(s) or s),
        direct_label=lambda u: t("compliance.direct", unit=u),
        unit_alone_label=lambda u: t("compliance.unit_itself", unit=u),
    )
    # A click reports the segment; "show all" forgets it by giving the chart a new key (a
    # selection cannot be written back through session state).
    generation = st.session_state.get("compliance_sunburst_generation", 0)
    event = st.plotly_chart(
        compliance_charts.exception_sunburst(nodes, count_title=metric_name("exceptions")),
        on_select="rerun",
        selection_mode="points",
        config=compliance_charts.CONFIG,
        width="stretch",
        key="compliance_sunburst" if not generation else f"compliance_sunburst_{generation}",
    )
    chart_node = compliance_charts.picked_node(event, nodes)
    if chart_node is not None:
        name = nodes.loc[nodes["node"] == chart_node, "label"].iloc[0]
        st.info(t("compliance.chart_filter", name=plain(name)), icon=":material/filter_alt:")
        st.button(
            t("compliance.chart_filter_clear"),
            key="compliance_sunburst_clear",
            on_click=lambda: st.session_state.update(compliance_sunburst_generation=generation + 1),
        )

# --- the register ---------------------------------------------------------------------------------
st.subheader(t("compliance.register"))
if register.empty:
    st.success(t("compliance.none"), icon=":material/check_circle:")
    st.stop()
ALL = "*"
left, right = st.columns(2)
with left:
    rule = common.select(
        t("compliance.filter_rule"),
        [ALL, *RULES],
        format_func=lambda r: t("compliance.all") if r == ALL else rule_name(r),
        key="compliance_rule_filter",
    )
units = ctx.units
if unit.level != "staff" and not units.empty:
    inside = units_below(units, unit.entity_id)
    options = [o for o in units["org_id"] if o in inside]
    names = ctx.unit_names()
    with right:
        chosen_unit = common.select(
            t("compliance.filter_unit"),
            [ALL, *options],
            format_func=lambda o: t("compliance.all") if o == ALL else names.get(o, o),
            key="compliance_unit_filter",
        )
else:
    chosen_unit = ALL
wanted = pd.Series(True, index=register.index)
if rule != ALL:
    wanted &= register["rule"] == rule
if chosen_unit != ALL:
    wanted &= register["org_id"].isin(units_below(units, chosen_unit))
if chart_node is not None:
    wanted &= compliance_charts.rows_of(paths, chart_node)
chosen = register[wanted].reset_index(drop=True)
st.caption(t("compliance.rows", n=len(chosen)) + " · " + t("compliance.register_hint"))
view = register_view(chosen)
event = tables.table(
    view,
    column_config=raw_config(view),
    hide_index=True,
    key="compliance_register",
    on_select="rerun",
    selection_mode="single-row",
    height=common.fit(len(view), 420),
)
common.csv_download(
    view,
    f"exceptions_{unit.entity_id}_{period.label()}.csv",
    key="compliance_register_download",
    ctx=ctx,
    what="exceptions register",
)
if not getattr(ctx.identity, "may_unmask", False):
    st.caption(t("planner.masked"))

# --- the evidence of one row ----------------------------------------------------------------------
picked_rows = event["selection"]["rows"]
at = picked_rows[0] if picked_rows else None
if at is not None and at < len(chosen):
    row = chosen.iloc[at]
    st.subheader(t("compliance.evidence"))
    st.caption(
        t(
            "compliance.evidence_of",
            rule=rule_name(row["rule"]),
            client=plain(row["client_id"]),
            day=row["day"],
        )
    )
    evidence = ctx.lookup("evidence", period.label(), row_key(row))
    if not evidence:
        st.info(t("compliance.no_evidence"))
    for kind, frame in evidence.items():
        if frame.empty:
            continue
        st.markdown(f"**{t(f'evidence.{kind}')}**")
        shown_rows = evidence_view(kind, frame)
        tables.table(
            shown_rows,
            column_config=raw_config(shown_rows),
            hide_index=True,
            key=f"compliance_evidence_{kind}",
            height=common.fit(len(shown_rows), 260),
        )
