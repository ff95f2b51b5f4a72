"""Altair chart builders: each takes a small frame (already translated labels where needed) and
returns a chart object. No `st.*` here, so a chart is tested through its `to_dict()`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from metrics.core.values import is_null
from ui.format import metric_value, money_scale

GOOD = "#2e7d32"
BAD = "#c62828"
NEUTRAL = "#1f4e79"
OFF_DAY = "#e0e0e0"
FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"


MIGRATION_STEP = 90  # px per tier column of the migration matrix (four fit half a 1440-px page)
LOAD_STEP = 26  # px per planner of the load chart


# What a builder returns and `st.altair_chart` draws.
Figure = alt.Chart | alt.LayerChart | alt.HConcatChart | alt.VConcatChart | alt.FacetChart


def _theme(chart: Figure) -> Figure:
    # Set on the chart just built rather than through `configure()`, which deep-copies it.
    chart.config = alt.Config(font=FONT, view=alt.ViewConfig(strokeWidth=0))
    return chart


def aum_trend(frame: pd.DataFrame, lang: str, *, title: str = "") -> Figure:
    """Monthly AUM stock: `month` (date), `aum` (yuan) -> a line in yuan or 万元."""
    divisor, unit = money_scale(lang)
    data = pd.DataFrame(
        {
            "month": pd.to_datetime(frame["month"]),
            "value": [float(v) / divisor for v in frame["aum"]],
        }
    )
    axis_title = f"{title} ({unit})" if title else unit
    # Channel objects and one layer chart: on the Overview, shorthand strings and `+` (which
    # deep-copies both layers) cost the server more than drawing the chart costs the browser.
    chart = alt.LayerChart(
        layer=[
            alt.Chart().mark_line(color=NEUTRAL, strokeWidth=2.5),
            alt.Chart().mark_circle(color=NEUTRAL, size=45),
        ],
        data=data,
        encoding=alt.SharedEncoding(
            x=alt.X(
                field="month",
                type="temporal",
                timeUnit="yearmonth",
                title=None,
                axis=alt.Axis(format="%Y-%m", labelAngle=-30),
            ),
            y=alt.Y(
                field="value", type="quantitative", title=axis_title, scale=alt.Scale(zero=False)
            ),
            tooltip=[
                alt.Tooltip(
                    field="month", type="temporal", timeUnit="yearmonth", title="", format="%Y-%m"
                ),
                alt.Tooltip(
                    field="value",
                    type="quantitative",
                    title=unit,
                    format=",.2f" if lang == "zh" else ",.0f",
                ),
            ],
        ),
        height=260,
    )
    return _theme(chart)


def kpi_trend(
    frame: pd.DataFrame, value_title: str, *, percent: bool = False, axis_format: str = ",~s"
) -> Figure:
    """One KPI over periods: `period` (label, in order), `value` -> a line."""
    data = frame[["period", "value"]].copy()
    data["value"] = pd.to_numeric(data["value"], errors="coerce")
    fmt = ".1%" if percent else ",.2f"
    base = alt.Chart(data).encode(
        x=alt.X("period:O", title=None, sort=list(data["period"]), axis=alt.Axis(labelAngle=-30)),
        y=alt.Y(
            "value:Q",
            title=value_title,
            axis=alt.Axis(format=".0%" if percent else axis_format),
            scale=alt.Scale(zero=False),
        ),
        tooltip=[alt.Tooltip("period:O", title=""), alt.Tooltip("value:Q", format=fmt)],
    )
    chart = base.mark_line(color=NEUTRAL, strokeWidth=2) + base.mark_circle(color=NEUTRAL, size=40)
    return _theme(chart.properties(height=220))


SPREAD_POINTS = ("low", "q1", "median", "q3", "high")


def spread_summary(
    frame: pd.DataFrame, metric_ids: list[str], names: dict[str, str], lang: str
) -> tuple[pd.DataFrame, list[str]]:
    """(summary, flat): per KPI of `frame` (one row per staff member) the lowest figure, the
    quartiles, the median and the highest, as numbers and as text; `flat` names the KPIs on
    which everybody has the same figure (nothing to draw). Missing figures are left out."""
    rows, flat = [], []
    for metric_id in metric_ids:
        values = pd.Series(
            [None if is_null(v) else float(v) for v in frame[metric_id]], dtype="float64"
        ).dropna()
        if values.nunique() < 2:
            flat.append(names[metric_id])
            continue
        points = dict(zip(SPREAD_POINTS, values.quantile([0, 0.25, 0.5, 0.75, 1]), strict=True))
        row: dict[str, object] = {"metric": names[metric_id], **points}
        for point, value in points.items():
            row[f"{point}_text"] = metric_value(metric_id, value, lang)
        rows.append(row)
    return pd.DataFrame(rows), flat


def kpi_spread(summary: pd.DataFrame, titles: dict[str, str]) -> Figure:
    """The spread of staff on each KPI, from `spread_summary`: one row per KPI, a box from the
    lower to the upper quartile with the median marked, whiskers to the lowest and highest
    figure, both written out; the tooltip gives all five (`titles`: their names).

    KPIs have different units, so each row is drawn on its own range (0 = lowest, 1 = highest).
    A box per KPI rather than a tick per planner in a facet per KPI: thirteen facets of hundreds
    of ticks cost the browser about as much as the rest of the Overview together."""
    data = summary.copy()
    span = data["high"] - data["low"]
    for point in SPREAD_POINTS:
        data[f"{point}_at"] = (data[point] - data["low"]) / span
    data = data.drop(columns=list(SPREAD_POINTS))
    order = list(data["metric"])
    scale = alt.Scale(domain=[-0.32, 1.32], nice=False)

    def x(field: str, **extra: object) -> alt.X:
        return alt.X(field=field, type="quantitative", scale=scale, **extra)

    def text(field: str) -> alt.Text:
        return alt.Text(field=field, type="nominal")

    # One layer chart over shared data and encodings, built from channel objects: chaining `+`
    # deep-copies every layer at each step and each shorthand string is parsed against the
    # schema, which together cost more server time than the rest of the Overview's charts.
    chart = alt.LayerChart(
        layer=[
            alt.Chart()
            .mark_rule(color=NEUTRAL, strokeWidth=1.5)
            .encode(x=x("low_at", axis=None, title=None), x2=alt.X2(field="high_at")),
            alt.Chart()
            .mark_bar(color=NEUTRAL, opacity=0.35, size=14)
            .encode(x=x("q1_at"), x2=alt.X2(field="q3_at")),
            alt.Chart().mark_tick(color=NEUTRAL, thickness=3, size=18).encode(x=x("median_at")),
            alt.Chart()
            .mark_text(align="right", dx=-8, fontSize=11, color="#555")
            .encode(x=x("low_at"), text=text("low_text")),
            alt.Chart()
            .mark_text(align="left", dx=8, fontSize=11, color="#555")
            .encode(x=x("high_at"), text=text("high_text")),
        ],
        data=data,
        encoding=alt.SharedEncoding(
            y=alt.Y(
                field="metric",
                type="nominal",
                title=None,
                sort=order,
                axis=alt.Axis(labelLimit=220, ticks=False),
            ),
            tooltip=[alt.Tooltip(field="metric", type="nominal", title="")]
            + [
                alt.Tooltip(field=f"{point}_text", type="nominal", title=titles[point])
                for point in SPREAD_POINTS
            ],
        ),
        width=620,
        height=alt.Step(26),
    )
    return _theme(chart)


def login_heatmap(frame: pd.DataFrame, *, logins_title: str, workday_title: str) -> Figure:
    """Login calendar: `name`, `day`, `logins`, `is_workday` -> one row per person, one cell per
    day; working days carry a colour by logins, days off are grey (so a working day without a
    login stands out as white)."""
    data = frame[["name", "day", "logins", "is_workday"]].copy()
    # Days as text keep the axis ordinal and free of time-zone shifts in the browser.
    data["date"] = [f"{pd.Timestamp(d):%m-%d}" for d in data["day"]]
    data["workday"] = ["✓" if w else "—" for w in data["is_workday"]]
    people = list(dict.fromkeys(data["name"]))
    days = list(dict.fromkeys(data["date"]))
    chart = (
        alt.Chart(data.drop(columns=["day"]))
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X("date:O", title=None, sort=days, axis=alt.Axis(labelAngle=-90)),
            y=alt.Y("name:N", title=None, sort=people),
            color=alt.condition(
                "datum.workday == '✓'",
                alt.Color(
                    "logins:Q",
                    title=logins_title,
                    scale=alt.Scale(scheme="blues", domainMin=0),
                    legend=alt.Legend(orient="bottom", gradientLength=160),
                ),
                alt.value(OFF_DAY),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=""),
                alt.Tooltip("date:O", title=""),
                alt.Tooltip("logins:Q", title=logins_title),
                alt.Tooltip("workday:N", title=workday_title),
            ],
        )
    )
    # A step per person, not a fixed height: Streamlit's content-sized charts collapse a fixed
    # height on a discrete axis to nothing (seen in Chromium with streamlit 1.67).
    return _theme(chart.properties(height=alt.Step(20)))


def tier_migration(frame: pd.DataFrame, *, from_title: str, to_title: str) -> Figure:
    """Tier migration matrix: long frame `from`, `to`, `clients` -> a heat map with counts."""
    rows = list(dict.fromkeys(frame["from"]))
    cols = list(dict.fromkeys(frame["to"]))
    base = alt.Chart(frame).encode(
        x=alt.X(
            "to:N",
            title=to_title,
            sort=cols,
            axis=alt.Axis(
                labelAngle=0, orient="top", labelOverlap=False, labelLimit=MIGRATION_STEP
            ),
        ),
        y=alt.Y("from:N", title=from_title, sort=rows),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("clients:Q", scale=alt.Scale(scheme="greens"), legend=None)
    )
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text("clients:Q"),
        color=alt.condition("datum.clients > 0", alt.value("black"), alt.value("#9e9e9e")),
    )
    # A fixed step per tier, wide enough for "black-gold" beside "platinum" (a 400 px chart gave
    # 80 px to each and the labels ran into each other: "black-goldplatinum").
    return _theme((cells + text).properties(height=200, width=alt.Step(MIGRATION_STEP)))


def work_items(frame: pd.DataFrame, *, measure_title: str) -> Figure:
    """Work items by kind: long frame `kind`, `measure`, `items` -> grouped bars."""
    colors = alt.Scale(range=[NEUTRAL, GOOD, BAD])
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("kind:N", title=None, sort=list(dict.fromkeys(frame["kind"]))),
            yOffset=alt.YOffset("measure:N", sort=list(dict.fromkeys(frame["measure"]))),
            # Counts of items: whole-number ticks (not 0.5, 1.5 ... on a small sub-branch).
            x=alt.X("items:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color(
                "measure:N",
                title=measure_title,
                scale=colors,
                sort=list(dict.fromkeys(frame["measure"])),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["kind:N", "measure:N", "items:Q"],
        )
    )
    return _theme(chart.properties(height=max(120, 60 * frame["kind"].nunique())))


def load_vs_limit(frame: pd.DataFrame, limit: int, *, load_title: str) -> Figure:
    """Each planner's load (`name`, `load`) against `limit`: bars, red above the limit."""
    data = frame[["name", "load"]].copy()
    data["over"] = data["load"] > limit
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            # Every planner named: Vega hides overlapping labels (every other name was missing), so
            # each bar gets a step wide enough for a label turned at -60°, none hidden.
            x=alt.X(
                "name:N",
                title=None,
                sort="-y",
                axis=alt.Axis(labelAngle=-60, labelOverlap=False, labelLimit=120),
            ),
            y=alt.Y("load:Q", title=load_title),
            color=alt.condition("datum.over", alt.value(BAD), alt.value(NEUTRAL)),
            tooltip=["name:N", "load:Q"],
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"limit": [limit]}))
        .mark_rule(color=BAD, strokeDash=[6, 4], strokeWidth=2)
        .encode(y="limit:Q")
    )
    return _theme((bars + rule).properties(height=240, width=alt.Step(LOAD_STEP)))
