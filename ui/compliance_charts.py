"""The Compliance page's charts, in Plotly (the design card's library for interactive charts): the
monthly trend of exception counts, with hover, and the sunburst of where the exceptions are
(branch → sub-branch → staff), which drills on click and filters the register. Builders take
frames with labels already translated and return a `plotly.graph_objects.Figure`, with no `st.*`,
so each is tested through `to_dict()`.

Plotly renders pseudo-HTML in labels, hover texts and titles (`<br>`, `<b>`, `<a href>`) and
decodes entities, so every string from data or translations goes through `text()`: a name such
as `<b>x</b>` or `<img src=x>` shows as written and links or fetches nothing.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ui.charts import NEUTRAL

# Each dark enough for white text at WCAG AA (contrast 4.5:1; the orange was #c77700, 3.5:1).
COLOURS = ("#1f4e79", "#2e7d32", "#a35f00", "#6a1b9a", "#00838f", "#ad1457", "#5d4037")
# The top segment, slate grey (white text reads on it): colours tell the first ring apart.
TOP = "#546e7a"
LABEL = "#ffffff"

# Passed to `st.plotly_chart(config=...)`. No mode bar: its buttons' tooltips are Plotly's English
# (a Chinese screen would show them untranslated) and Streamlit's own toolbar already offers full
# screen; no logo link to plotly.com; no MathJax typesetting (the bundle would otherwise look for
# a global MathJax, which nothing loads: a label with `$...$` stays text).
CONFIG: dict[str, Any] = {
    "displayModeBar": False,
    "displaylogo": False,
    "typesetMath": False,
    "responsive": True,
}


def text(value: object) -> str:
    """A string as Plotly shows it literally: `&`, `<` and `>` as entities, so no pseudo-HTML tag
    (`<br>`, `<a href>`, `<b>`) is interpreted; quotes need nothing in SVG text."""
    return html.escape("" if value is None else str(value), quote=False)


def _template_text(value: object) -> str:
    """A literal inside a hover template: escaped, and `%{` kept from opening a placeholder."""
    return text(value).replace("%{", "%&#123;")


def exception_trend(frame: pd.DataFrame, *, title: str, month_title: str) -> go.Figure:
    """Exceptions per month: `month` (first day, a date) and `exceptions` (a count) -> a line
    with a marker per month whose hover gives the month and the count."""
    months = [f"{pd.Timestamp(m):%Y-%m}" for m in frame["month"]]
    counts = [int(v) for v in frame["exceptions"]]
    figure = go.Figure(
        go.Scatter(
            x=months,
            y=counts,
            mode="lines+markers",
            line={"color": NEUTRAL, "width": 2.5},
            marker={"color": NEUTRAL, "size": 8},
            hovertemplate=(
                f"{_template_text(month_title)}: %{{x}}<br>"
                f"{_template_text(title)}: %{{y:,d}}<extra></extra>"
            ),
            name=text(title),
        )
    )
    figure.update_layout(
        height=260,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        showlegend=False,
        hovermode="closest",
        # Months as categories: one tick per month, no time-zone shift of a date axis.
        xaxis={"type": "category", "tickangle": -30, "title": {"text": ""}},
        yaxis={
            "title": {"text": text(title)},
            "rangemode": "tozero",
            "tickformat": ",d",
            "dtick": None if max(counts, default=0) > 5 else 1,
        },
    )
    return figure


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
    segment, parents before children: node (the path, Plotly's id), parent, ring, label (as
    given, unescaped), count (its rows), level ('unit', 'direct', 'staff', 'alone'), entity_id
    and colour group (the segment of the first ring below the top it lies in)."""
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

    def lay(prefix: str, ring: int) -> None:
        children = sorted(
            k for k in counts if k.count("/") == ring and (ring == 0 or k.startswith(prefix + "/"))
        )
        for key in children:
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
                    "group": "/".join(key.split("/")[:2]) if ring else "",
                }
            )
            lay(key, ring + 1)

    lay("", 0)
    nodes = pd.DataFrame(
        rows,
        columns=["node", "parent", "ring", "label", "count", "level", "entity_id", "group"],
    )
    return nodes, pd.Series(paths, index=register.index, dtype="object")


def rows_of(paths: pd.Series, node: str) -> pd.Series:
    """Which register rows a sunburst segment holds (a boolean mask over `paths`)."""
    return (paths == node) | paths.str.startswith(node + "/")


def colours(nodes: pd.DataFrame) -> list[str]:
    """A colour per segment: grey for the top, then one per segment of the first ring below it,
    shared by everything inside that segment."""
    groups = sorted(set(nodes["group"]) - {""})
    of = {g: COLOURS[i % len(COLOURS)] for i, g in enumerate(groups)}
    return [of.get(g, TOP) for g in nodes["group"]]


def exception_sunburst(nodes: pd.DataFrame, *, count_title: str) -> go.Figure:
    """The sunburst of `sunburst_nodes`: one segment per node (its path as Plotly's id, so a
    click reports it), sized by its count (`branchvalues="total"`: a segment's value is its own
    rows, children included), labelled and hovered with its name and count. A click drills into
    the segment (Plotly's own zoom) and, through Streamlit's selection, filters the register."""
    figure = go.Figure(
        go.Sunburst(
            ids=list(nodes["node"]),
            parents=list(nodes["parent"]),
            labels=[text(v) for v in nodes["label"]],
            values=[int(v) for v in nodes["count"]],
            branchvalues="total",
            sort=False,
            marker={"colors": colours(nodes), "line": {"color": "white", "width": 1.5}},
            textinfo="label+value",
            # White on every segment: Plotly's own choice on the slate top was a pale grey.
            insidetextfont={"color": LABEL},
            hovertemplate=(
                f"%{{label}}<br>{_template_text(count_title)}: %{{value:,d}}<extra></extra>"
            ),
        )
    )
    figure.update_layout(height=480, margin={"l": 0, "r": 0, "t": 10, "b": 10})
    return figure


def picked_node(event: Mapping[str, Any] | None, nodes: pd.DataFrame) -> str | None:
    """The segment a click on the sunburst chose, from `st.plotly_chart`'s selection event
    (`{"selection": {"points": [{"id", "parent", "percentEntry", ...}]}}`), or None.

    A click on the centre of a drilled sunburst makes Plotly zoom back out to the centre's
    parent; Streamlit reports the centre itself (the point whose share of the segment in the
    centre, `percentEntry`, is 1). The register then follows what the chart shows: the parent.
    (Only a segment with all the centre's rows has that share too, and then the two hold the
    same rows.)"""
    if not event:
        return None
    points = (event.get("selection") or {}).get("points") or []
    if not points:
        return None
    point = points[0]
    node, parent = point.get("id"), point.get("parent")
    if point.get("percentEntry") == 1 and parent:
        node = parent
    known = set(nodes["node"])
    return node if isinstance(node, str) and node in known else None
