"""The Compliance page's charts: the monthly trend of exception counts and the sunburst of where
the exceptions are (branch → sub-branch → staff). Builders take frames with labels already
translated and return an Altair chart, with no `st.*`, so each is tested through `to_dict()`.

Altair rather than Plotly: Plotly is not among the pinned dependencies; Vega-Lite's arcs with
explicit angles and radii draw the sunburst, and a point selection on a segment gives Streamlit's
`on_select` the node clicked, as a Plotly sunburst's click would.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import altair as alt
import pandas as pd

from ui.charts import NEUTRAL, Figure, _theme

SELECTION = "node"  # the name of the sunburst's point selection (Streamlit's selection key)
RING = 56  # pixels per ring
HOLE = 28  # the empty centre
COLOURS = ("#1f4e79", "#2e7d32", "#c77700", "#6a1b9a", "#00838f", "#ad1457", "#5d4037")


def exception_trend(frame: pd.DataFrame, *, title: str, month_title: str) -> Figure:
    """Exceptions per month: `month` (first day, a date) and `exceptions` (a count) -> a line
    with a point per month whose tooltip gives the month and the count."""
    data = pd.DataFrame(
        {
            "month": [f"{pd.Timestamp(m):%Y-%m}" for m in frame["month"]],
            "exceptions": [int(v) for v in frame["exceptions"]],
        }
    )
    months = list(data["month"])
    encoding = alt.SharedEncoding(
        # Months as text: an ordinal axis with one tick per month and no time-zone shift.
        x=alt.X(
            field="month", type="ordinal", sort=months, title=None, axis=alt.Axis(labelAngle=-30)
        ),
        y=alt.Y(
            field="exceptions",
            type="quantitative",
            title=title,
            axis=alt.Axis(format="d", tickMinStep=1),
            scale=alt.Scale(zero=True),
        ),
        tooltip=[
            alt.Tooltip(field="month", type="ordinal", title=month_title),
            alt.Tooltip(field="exceptions", type="quantitative", title=title, format=",d"),
        ],
    )
    chart = alt.LayerChart(
        layer=[
            alt.Chart().mark_line(color=NEUTRAL, strokeWidth=2.5),
            alt.Chart().mark_circle(color=NEUTRAL, size=70, opacity=1),
        ],
        data=data,
        encoding=encoding,
        height=240,
    )
    return _theme(chart)


def sunburst_nodes(
    register: pd.DataFrame,
    units: pd.DataFrame,
    *,
    staff_label: Callable[[str, str], str],
    direct_label: Callable[[str], str],
    unit_alone_label: Callable[[str], str],
) -> tuple[pd.DataFrame, pd.Series]:
    """(nodes, paths) of the sunburst of `register` rows (`org_id`, `staff_id`).

    `units` are the org units the viewer sees (`org_id`, `name`, `kind`, `parent_id`): the
    rings follow them from the top visible unit down to the unit a row is charged to, then the
    staff member (`staff_label(staff_id, org_id)`), or the unit alone for a row charged to no
    one (`unit_alone_label(unit name)`). A row charged to a unit above the deepest ring goes
    through a "directly" segment (`direct_label(unit name)`) so that every ring is one level.

    `paths` gives each register row's leaf node (aligned with `register`'s index); a node's
    rows are those whose path is the node or starts with it and "/". `nodes` has one row per
    segment: node, parent, ring, label, count, level ('unit', 'direct', 'staff', 'alone'),
    entity_id, colour group and the arc (start, end in radians; inner, outer in pixels)."""
    parent = dict(zip(units["org_id"], units["parent_id"], strict=False))
    names = dict(zip(units["org_id"], units["name"], strict=False))
    visible = set(units["org_id"])

    def chain(org_id: str) -> list[str]:
        out = [org_id]
        while parent.get(out[0]) in visible:
            out.insert(0, parent[out[0]])
        return out

    chains = {o: chain(o) for o in units["org_id"]}
    depth = max((len(c) for c in chains.values()), default=1)
    paths: list[str] = []
    meta: dict[str, tuple[str, str, str]] = {}  # node -> (label, level, entity_id)
    for org_id, staff_id in zip(register["org_id"], register["staff_id"], strict=True):
        org_id = str(org_id)
        steps = chains.get(org_id, [org_id])
        path_steps: list[str] = []
        for org in steps:
            path_steps.append(org)
            meta.setdefault("/".join(path_steps), (names.get(org, org), "unit", org))
        while len(path_steps) < depth:  # charged higher up than the deepest ring: a "directly" step
            path_steps.append(f"~{org_id}")
            meta.setdefault(
                "/".join(path_steps), (direct_label(names.get(org_id, org_id)), "direct", org_id)
            )
        if isinstance(staff_id, str) and staff_id:
            path_steps.append(staff_id)
            meta.setdefault(
                "/".join(path_steps), (staff_label(staff_id, org_id), "staff", staff_id)
            )
        else:
            path_steps.append(f"-{org_id}")
            meta.setdefault(
                "/".join(path_steps), (unit_alone_label(names.get(org_id, org_id)), "alone", org_id)
            )
        paths.append("/".join(path_steps))
    counts: dict[str, int] = {}
    for path in paths:
        parts = path.split("/")
        for i in range(1, len(parts) + 1):
            key = "/".join(parts[:i])
            counts[key] = counts.get(key, 0) + 1
    rows: list[dict[str, object]] = []

    def lay(prefix: str, ring: int, start: float, span: float) -> None:
        children = sorted(
            k for k in counts if k.count("/") == ring and (ring == 0 or k.startswith(prefix + "/"))
        )
        total = sum(counts[k] for k in children)
        at = start
        for key in children:
            width = span * counts[key] / total
            label, level, entity_id = meta[key]
            rows.append(
                {
                    "node": key,
                    "parent": prefix,
                    "ring": ring,
                    "label": label,
                    "count": counts[key],
                    "level": level,
                    "entity_id": entity_id,
                    # Colours by the segment of the first ring below the top it lies in.
                    "group": "/".join(key.split("/")[:2]) if ring else "",
                    "start": at,
                    "end": at + width,
                    "inner": HOLE + ring * RING,
                    "outer": HOLE + (ring + 1) * RING - 2,
                }
            )
            lay(key, ring + 1, at, width)
            at += width

    lay("", 0, 0.0, 2 * math.pi)
    nodes = pd.DataFrame(
        rows,
        columns=[
            "node", "parent", "ring", "label", "count", "level", "entity_id", "group", "start",
            "end", "inner", "outer",
        ],
    )  # fmt: skip
    return nodes, pd.Series(paths, index=register.index, dtype="object")


def rows_of(paths: pd.Series, node: str) -> pd.Series:
    """Which register rows a sunburst segment holds (a boolean mask over `paths`)."""
    return (paths == node) | paths.str.startswith(node + "/")


def exception_sunburst(nodes: pd.DataFrame, *, count_title: str) -> Figure:
    """The sunburst of `sunburst_nodes`: one arc per segment, coloured by the first ring below
    the top, with a tooltip naming it and its count; clicking a segment selects its `node`
    (the selection named `SELECTION`), the other segments fading."""
    groups = sorted(set(nodes["group"]) - {""})
    data = nodes.assign(colour=[g or "top" for g in nodes["group"]])
    domain = ["top", *groups]
    palette = ["#90a4ae", *(COLOURS[i % len(COLOURS)] for i in range(len(groups)))]
    pick = alt.selection_point(name=SELECTION, fields=["node"], on="click", empty=True)
    size = 2 * (HOLE + (int(data["ring"].max()) + 1 if len(data) else 1) * RING) + 10
    chart = (
        alt.Chart(data)
        .mark_arc(stroke="white", strokeWidth=1.5)
        .encode(
            theta=alt.Theta(field="start", type="quantitative", scale=None),
            theta2=alt.Theta2(field="end"),
            radius=alt.Radius(field="inner", type="quantitative", scale=None),
            radius2=alt.Radius2(field="outer"),
            color=alt.Color(
                field="colour",
                type="nominal",
                scale=alt.Scale(domain=domain, range=palette),
                legend=None,
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
            tooltip=[
                alt.Tooltip(field="label", type="nominal", title=""),
                alt.Tooltip(field="count", type="quantitative", title=count_title, format=",d"),
            ],
        )
        .add_params(pick)
        .properties(width=size, height=size)
    )
    return _theme(chart)
