"""The Compliance page's chart builders (ui/compliance_charts.py), through the figures' dicts, and
the register's screen helpers (ui/compliance_view.py): segments, counts and angles worked out by
hand."""

from __future__ import annotations

import datetime as dt
import math

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


def the_data(spec: dict) -> list[dict]:
    (values,) = spec["datasets"].values()
    return values


def test_sunburst_segments_counts_and_angles() -> None:
    nodes, paths = nodes_and_paths()
    assert list(paths) == [
        "BR/SB1/P1",
        "BR/SB1/P1",
        "BR/SB1/-SB1",
        "BR/SB2/P3",
        "BR/~BR/A2",
        "BR/~BR/-BR",
    ]
    third = 2 * math.pi / 6  # one row's share of the circle
    expected = [
        # node, ring, label, count, level, entity, start, end (in rows of `third`)
        ("BR", 0, "Centre", 6, "unit", "BR", 0, 6),
        ("BR/SB1", 1, "East", 3, "unit", "SB1", 0, 3),
        ("BR/SB1/-SB1", 2, "East alone", 1, "alone", "SB1", 0, 1),
        ("BR/SB1/P1", 2, "P1@SB1", 2, "staff", "P1", 1, 3),
        ("BR/SB2", 1, "West", 1, "unit", "SB2", 3, 4),
        ("BR/SB2/P3", 2, "P3@SB2", 1, "staff", "P3", 3, 4),
        ("BR/~BR", 1, "Centre direct", 2, "direct", "BR", 4, 6),
        ("BR/~BR/-BR", 2, "Centre alone", 1, "alone", "BR", 4, 5),
        ("BR/~BR/A2", 2, "A2@BR", 1, "staff", "A2", 5, 6),
    ]
    got = [
        (
            r.node,
            r.ring,
            r.label,
            r.count,
            r.level,
            r.entity_id,
            round(r.start / third, 9),
            round(r.end / third, 9),
        )
        for r in nodes.itertuples()
    ]
    assert got == expected
    assert list(nodes["inner"]) == [cc.HOLE + r * cc.RING for r in nodes["ring"]]
    # Colours follow the first ring below the top.
    assert list(nodes["group"]) == ["", *["BR/SB1"] * 3, *["BR/SB2"] * 2, *["BR/~BR"] * 3]
    assert list(cc.rows_of(paths, "BR/SB1")) == [True, True, True, False, False, False]
    assert list(cc.rows_of(paths, "BR/~BR/A2")) == [False] * 4 + [True, False]
    assert cc.rows_of(paths, "BR").all()


def test_sunburst_chart_selects_a_segment() -> None:
    nodes, _ = nodes_and_paths()
    spec = cc.exception_sunburst(nodes, count_title="Exceptions").to_dict()
    assert spec["mark"]["type"] == "arc"
    (param,) = spec["params"]
    assert param["name"] == cc.SELECTION == "node"
    assert param["select"] == {"type": "point", "fields": ["node"], "on": "click"}
    encoding = spec["encoding"]
    assert encoding["theta"] == {"field": "start", "type": "quantitative", "scale": None}
    assert encoding["theta2"] == {"field": "end"}
    assert encoding["radius"]["scale"] is None and encoding["radius2"] == {"field": "outer"}
    assert [t["field"] for t in encoding["tooltip"]] == ["label", "count"]
    assert encoding["tooltip"][1]["title"] == "Exceptions"
    assert encoding["opacity"]["condition"]["param"] == "node"
    rows = the_data(spec)
    assert [(r["node"], r["count"]) for r in rows] == list(
        zip(nodes["node"], nodes["count"], strict=True)
    )
    # The top is grey, each sub-branch its own colour.
    assert encoding["color"]["scale"]["domain"] == ["top", "BR/SB1", "BR/SB2", "BR/~BR"]
    assert len(set(encoding["color"]["scale"]["range"])) == 4


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


def test_trend_line_with_hover() -> None:
    frame = pd.DataFrame(
        {
            "month": [dt.date(2025, 7, 1), dt.date(2025, 8, 1), dt.date(2025, 9, 1)],
            "exceptions": pd.array([3, 0, 28], dtype="Int64"),
        }
    )
    spec = cc.exception_trend(frame, title="Exceptions", month_title="Month").to_dict()
    assert the_data(spec) == [
        {"month": "2025-07", "exceptions": 3},
        {"month": "2025-08", "exceptions": 0},
        {"month": "2025-09", "exceptions": 28},
    ]
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "circle"]
    encoding = spec["encoding"]
    assert encoding["x"]["sort"] == ["2025-07", "2025-08", "2025-09"]
    assert encoding["y"]["title"] == "Exceptions"
    assert [(t["field"], t["title"]) for t in encoding["tooltip"]] == [
        ("month", "Month"),
        ("exceptions", "Exceptions"),
    ]


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
