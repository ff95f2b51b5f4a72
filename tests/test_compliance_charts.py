"""The Compliance page's chart builders (ui/compliance_charts.py), through the figures' dicts, and
the register's screen helpers (ui/compliance_view.py): segments, counts and angles worked out by
hand, and the figures' values against counts taken straight from the register."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ui import compliance_charts as cc
from ui import compliance_view as cv

UNITS = pd.DataFrame(
    {
        "org_id": ["BR", "SB1", "SB2"],
        "name": ["Centre", "East", "West"],
        "kind": ["branch", "sub_branch", "sub_branch"],
        "parent_id": [None, "BR", "BR"],
    }
)
# Two rows of P1 in East, one of East alone, one of P3 in West, one of A2 at the branch itself
# and one of the branch alone.
REGISTER = pd.DataFrame(
    {
        "org_id": ["SB1", "SB1", "SB1", "SB2", "BR", "BR"],
        "staff_id": ["P1", "P1", None, "P3", "A2", None],
    }
)


def nodes_and_paths() -> tuple[pd.DataFrame, pd.Series]:
    return cc.sunburst_nodes(
        REGISTER,
        UNITS,
        staff_label=lambda s, o: f"{s}@{o}",
        direct_label=lambda u: f"{u} direct",
        unit_alone_label=lambda u: f"{u} alone",
    )


def independent_counts(register: pd.DataFrame, units: pd.DataFrame) -> dict[str, int]:
    """Rows per segment counted straight from the register, without `sunburst_nodes`: a unit
    holds the rows charged to it or to a unit below it; a staff member within a unit the rows
    charged to both."""
    parent = dict(zip(units["org_id"], units["parent_id"], strict=True))

    def inside(org: str, top: str) -> bool:
        while org is not None:
            if org == top:
                return True
            org = parent.get(org)
        return False

    orgs, staff = list(register["org_id"]), list(register["staff_id"])
    return {"unit:" + u: sum(inside(o, u) for o in orgs) for u in units["org_id"]} | {
        f"staff:{o}:{s}": sum(1 for oo, ss in zip(orgs, staff, strict=True) if (oo, ss) == (o, s))
        for o, s in zip(orgs, staff, strict=True)
        if isinstance(s, str)
    }


def test_sunburst_segments_and_counts() -> None:
    nodes, paths = nodes_and_paths()
    assert list(paths) == [
        "BR/SB1/P1",
        "BR/SB1/P1",
        "BR/SB1/-SB1",
        "BR/SB2/P3",
        "BR/~BR/A2",
        "BR/~BR/-BR",
    ]
    expected = [
        # node, parent, ring, label, count, level, entity
        ("BR", "", 0, "Centre", 6, "unit", "BR"),
        ("BR/SB1", "BR", 1, "East", 3, "unit", "SB1"),
        ("BR/SB1/-SB1", "BR/SB1", 2, "East alone", 1, "alone", "SB1"),
        ("BR/SB1/P1", "BR/SB1", 2, "P1@SB1", 2, "staff", "P1"),
        ("BR/SB2", "BR", 1, "West", 1, "unit", "SB2"),
        ("BR/SB2/P3", "BR/SB2", 2, "P3@SB2", 1, "staff", "P3"),
        ("BR/~BR", "BR", 1, "Centre direct", 2, "direct", "BR"),
        ("BR/~BR/-BR", "BR/~BR", 2, "Centre alone", 1, "alone", "BR"),
        ("BR/~BR/A2", "BR/~BR", 2, "A2@BR", 1, "staff", "A2"),
    ]
    got = [
        (r.node, r.parent, r.ring, r.label, r.count, r.level, r.entity_id)
        for r in nodes.itertuples()
    ]
    assert got == expected
    # Colours follow the first ring below the top.
    assert list(nodes["group"]) == ["", *["BR/SB1"] * 3, *["BR/SB2"] * 2, *["BR/~BR"] * 3]
    assert list(cc.rows_of(paths, "BR/SB1")) == [True, True, True, False, False, False]
    assert list(cc.rows_of(paths, "BR/~BR/A2")) == [False] * 4 + [True, False]
    assert cc.rows_of(paths, "BR").all()
    # Every segment holds as many register rows as its count.
    for node, count in zip(nodes["node"], nodes["count"], strict=True):
        assert int(cc.rows_of(paths, node).sum()) == count


def test_sunburst_figure_holds_the_register_counts() -> None:
    """The figure sent to the browser: one segment per node, its value the rows of the register
    it holds, counted independently of the builder."""
    nodes, _ = nodes_and_paths()
    spec = cc.exception_sunburst(nodes, count_title="Exceptions").to_dict()
    (trace,) = spec["data"]
    assert trace["type"] == "sunburst"
    assert trace["branchvalues"] == "total"  # a segment's value includes its children's
    values = dict(zip(trace["ids"], trace["values"], strict=True))
    parents = dict(zip(trace["ids"], trace["parents"], strict=True))
    counts = independent_counts(REGISTER, UNITS)
    assert values["BR"] == counts["unit:BR"] == 6
    assert values["BR/SB1"] == counts["unit:SB1"] == 3
    assert values["BR/SB2"] == counts["unit:SB2"] == 1
    assert values["BR/SB1/P1"] == counts["staff:SB1:P1"] == 2
    assert values["BR/SB2/P3"] == counts["staff:SB2:P3"] == 1
    assert values["BR/~BR/A2"] == counts["staff:BR:A2"] == 1
    # Rows charged to the branch itself: everything of the branch not in a sub-branch.
    assert values["BR/~BR"] == counts["unit:BR"] - counts["unit:SB1"] - counts["unit:SB2"]
    # Each parent's value is the sum of its children's (the register's rows each counted once).
    for node, value in values.items():
        children = [v for n, v in values.items() if parents[n] == node]
        if children:
            assert sum(children) == value, node
    assert trace["labels"][:2] == ["Centre", "East"]
    assert trace["hovertemplate"] == "%{label}<br>Exceptions: %{value:,d}<extra></extra>"
    # The top grey, each segment of the first ring its colour, shared by its children.
    colours = dict(zip(trace["ids"], trace["marker"]["colors"], strict=True))
    assert colours["BR"] == cc.TOP
    assert len({colours["BR/SB1"], colours["BR/SB2"], colours["BR/~BR"]}) == 3
    assert colours["BR/SB1/P1"] == colours["BR/SB1/-SB1"] == colours["BR/SB1"]
    assert trace["insidetextfont"]["color"] == cc.LABEL


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_sunburst_labels_read_on_every_segment() -> None:
    """White labels at WCAG AA contrast (4.5:1) on the top and on every ring's colour."""
    for colour in (cc.TOP, *cc.COLOURS):
        ratio = (_luminance(cc.LABEL) + 0.05) / (_luminance(colour) + 0.05)
        assert ratio >= 4.5, (colour, round(ratio, 2))


def test_sunburst_of_a_head_starts_at_their_sub_branch() -> None:
    """A head sees their sub-branch only: it is the top, with its staff around it."""
    units = UNITS[UNITS["org_id"] == "SB1"]
    register = REGISTER[REGISTER["org_id"] == "SB1"]
    nodes, paths = cc.sunburst_nodes(
        register,
        units,
        staff_label=lambda s, o: s,
        direct_label=lambda u: u,
        unit_alone_label=lambda u: f"{u} alone",
    )
    assert list(zip(nodes["node"], nodes["count"], strict=True)) == [
        ("SB1", 3),
        ("SB1/-SB1", 1),
        ("SB1/P1", 2),
    ]
    assert list(paths) == ["SB1/P1", "SB1/P1", "SB1/-SB1"]


HOSTILE = ["<b>x</b>", '<img src=x onerror="alert(1)">', "a<br>b & c", "100%{label}"]


def test_names_from_data_show_as_written() -> None:
    """Plotly renders `<b>`, `<br>`, `<a href>` in labels and hover texts and decodes entities:
    names from data reach it escaped, so the browser shows them literally."""
    units = pd.DataFrame(
        {
            "org_id": ["BR", "SB1"],
            "name": [HOSTILE[0], HOSTILE[1]],
            "kind": ["branch", "sub_branch"],
            "parent_id": [None, "BR"],
        }
    )
    register = pd.DataFrame({"org_id": ["SB1", "SB1"], "staff_id": ["P1", "P2"]})
    names = {"P1": HOSTILE[2], "P2": HOSTILE[3]}
    nodes, _ = cc.sunburst_nodes(
        register,
        units,
        staff_label=lambda s, _o: names[s],
        direct_label=lambda u: u,
        unit_alone_label=lambda u: u,
    )
    assert list(nodes["label"]) == [HOSTILE[0], HOSTILE[1], HOSTILE[2], HOSTILE[3]]
    (trace,) = cc.exception_sunburst(nodes, count_title="<i>n</i>").to_dict()["data"]
    assert trace["labels"] == [
        "&lt;b&gt;x&lt;/b&gt;",
        '&lt;img src=x onerror="alert(1)"&gt;',
        "a&lt;br&gt;b &amp; c",
        "100%{label}",  # a label is substituted once, never read as a template
    ]
    assert not any("<" in label for label in trace["labels"])
    assert trace["hovertemplate"] == "%{label}<br>&lt;i&gt;n&lt;/i&gt;: %{value:,d}<extra></extra>"
    (line,) = cc.exception_trend(
        pd.DataFrame({"month": [dt.date(2025, 7, 1)], "exceptions": [1]}),
        title="a%{y}<b>",
        month_title="<br>",
    ).to_dict()["data"]
    assert (
        line["hovertemplate"] == "&lt;br&gt;: %{x}<br>a%&#123;y}&lt;b&gt;: %{y:,d}<extra></extra>"
    )


@pytest.mark.parametrize(
    ("lang", "title", "month", "count_title"),
    [("en", "Exceptions", "Month", "Exceptions"), ("zh", "例外数", "月份", "例外数")],
)
def test_trend_line_with_hover(lang: str, title: str, month: str, count_title: str) -> None:
    frame = pd.DataFrame(
        {
            "month": [dt.date(2025, 7, 1), dt.date(2025, 8, 1), dt.date(2025, 9, 1)],
            "exceptions": pd.array([3, 0, 28], dtype="Int64"),
        }
    )
    spec = cc.exception_trend(frame, title=title, month_title=month).to_dict()
    (trace,) = spec["data"]
    assert trace["type"] == "scatter" and trace["mode"] == "lines+markers"
    assert list(trace["x"]) == ["2025-07", "2025-08", "2025-09"]
    assert list(trace["y"]) == [3, 0, 28]
    assert trace["hovertemplate"] == f"{month}: %{{x}}<br>{title}: %{{y:,d}}<extra></extra>"
    layout = spec["layout"]
    assert layout["xaxis"]["type"] == "category"
    assert layout["yaxis"]["title"]["text"] == title
    assert layout["yaxis"]["rangemode"] == "tozero"
    nodes, _ = nodes_and_paths()
    (sun,) = cc.exception_sunburst(nodes, count_title=count_title).to_dict()["data"]
    assert f"<br>{count_title}: " in sun["hovertemplate"]


def test_config_keeps_the_chart_inside_the_server() -> None:
    """No mode bar (Plotly's English tooltips, a link to plotly.com), no MathJax."""
    assert cc.CONFIG["displayModeBar"] is False
    assert cc.CONFIG["displaylogo"] is False
    assert cc.CONFIG["typesetMath"] is False


def test_picked_node() -> None:
    nodes, _ = nodes_and_paths()

    def event(node: str, parent: str, share: float) -> dict:
        point = {"id": node, "parent": parent, "label": node, "percentEntry": share}
        return {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}

    empty = {"selection": {"points": [], "point_indices": [], "box": [], "lasso": []}}
    assert cc.picked_node(None, nodes) is None
    assert cc.picked_node(empty, nodes) is None
    assert cc.picked_node(event("BR/SB1", "BR", 0.5), nodes) == "BR/SB1"
    assert cc.picked_node(event("BR/SB1/P1", "BR/SB1", 2 / 3), nodes) == "BR/SB1/P1"
    # The centre of a drilled chart: Plotly zooms out to its parent, and so does the register.
    assert cc.picked_node(event("BR/SB1", "BR", 1), nodes) == "BR"
    # The top's centre has no parent: the whole register.
    assert cc.picked_node(event("BR", "", 1), nodes) == "BR"
    # A segment the figure does not have (a stale click after the data changed): no filter.
    assert cc.picked_node(event("BR/SB9", "BR", 0.5), nodes) is None


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "mother's birthday",
                "wedding anniversary",
                "client's birthday",
                "relative's birthday",
            ],
        ),
        ("zh", ["母亲生日", "结婚纪念日", "客户生日", "亲属生日"]),
    ],
)
def test_care_occasions(lang: str, expected: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    monkeypatch.setitem(st.session_state, "_keep_lang", lang)
    care = pd.DataFrame(
        {
            "client_id": ["C1", "C2", "C3", "C4"],
            "kind": ["relative_birthday", "anniversary", "birthday", "relative_birthday"],
            "label": [
                "mother" if lang == "en" else "母亲",
                "wedding" if lang == "en" else "结婚",
                None,
                None,
            ],
        }
    )
    shown = cv.care_view(care)
    assert list(shown["occasion"]) == expected
    kinds = {
        "en": ["relative's birthday", "anniversary", "client's birthday"],
        "zh": ["亲属生日", "纪念日", "客户生日"],
    }
    assert list(shown["kind"])[:3] == kinds[lang]


def test_units_below() -> None:
    units = pd.DataFrame(
        {
            "org_id": ["BR", "SB1", "SB2", "SB1a"],
            "parent_id": [None, "BR", "BR", "SB1"],
        }
    )
    assert cv.units_below(units, "BR") == {"BR", "SB1", "SB2", "SB1a"}
    assert cv.units_below(units, "SB1") == {"SB1", "SB1a"}
    assert cv.units_below(units, "SB2") == {"SB2"}


def test_chinese_check_reads_the_charts_words() -> None:
    """The Chinese-everywhere test reads a Plotly chart's hover texts and titles: English there
    is found, Chinese passes, and segment labels (names from data) are left out."""
    from tests.screen_text import english_words, plotly_texts

    frame = pd.DataFrame({"month": [dt.date(2025, 7, 1)], "exceptions": [1]})
    nodes, _ = nodes_and_paths()
    english = [
        *plotly_texts(cc.exception_trend(frame, title="Exceptions", month_title="Month").to_json()),
        *plotly_texts(cc.exception_sunburst(nodes, count_title="Exceptions").to_json()),
    ]
    assert {w for t in english for w in english_words(t)} == {"Exceptions", "Month"}
    chinese = [
        *plotly_texts(cc.exception_trend(frame, title="例外数", month_title="月份").to_json()),
        *plotly_texts(cc.exception_sunburst(nodes, count_title="例外数").to_json()),
    ]
    assert set(chinese) == {"例外数", "月份"}
    assert [w for t in chinese for w in english_words(t)] == []
