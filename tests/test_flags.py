"""What needs action (metrics/measures/flags.py): one rule per flag, from the settings, naming
whom it concerns; the Overview and the Supervision page show the same idle staff."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd

from data.settings import defaults
from metrics.measures.flags import idle_staff, needs_action
from tests.ui_support import goto, signed_in

E = dt.date(2026, 9, 30)


def staff_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    sup = pd.DataFrame(
        {
            "entity_id": ["P1", "P2", "P3", "A1", "P4"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "role": ["planner", "planner", "planner", "advisor", "planner"],
            "load": pd.array([201, 200, 5, 250, 0], dtype="Int64"),
            "idle_days": pd.array([11, 10, None, 30, 199], dtype="Int64"),
            "requests_due": pd.array([3, 0, 2, 0, 0], dtype="Int64"),
            "requests_met": pd.array([1, 0, 2, 0, 0], dtype="Int64"),
        }
    )
    staff = pd.DataFrame(
        {
            "staff_id": ["P1", "P2", "P3", "A1", "P4"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            # P4 left before e: history, not an action list; A1 leaves after e: still here.
            "left_on": [None, None, None, dt.date(2026, 10, 5), dt.date(2026, 3, 14)],
        }
    )
    return sup, staff


def test_each_rule_names_whom_it_concerns() -> None:
    sup, staff = staff_frames()
    settings = defaults()
    health = pd.DataFrame(
        {
            "entity_id": ["SB1", "SB2", "SB3"],
            "name": ["一", "二", "三"],
            "coverage": pd.array([1.0, 0.5, None], dtype="Float64"),
        }
    )
    alerts = pd.DataFrame(
        {
            "client_id": ["C1", "C2", "C3", "C4"],
            "primary_staff_id": ["P1", "P1", "P2", None],
            "followed_up": [False, False, True, False],
        }
    )
    flags = {
        f.kind: f
        for f in needs_action(
            unit_scorecard=pd.Series({"aum_gaps": 2}),
            unit_health=health,
            staff_supervision=sup,
            staff=staff,
            alerts=alerts,
            settings=settings,
            day=E,
        )
    }
    assert set(flags) == {"overloaded", "coverage", "sla", "idle", "alerts", "aum_gaps"}
    # More than 200: P1 only (exactly 200 is within); A1 is an advisor, not a planner.
    assert flags["overloaded"].count == 1 and flags["overloaded"].names == ["甲"]
    assert flags["coverage"].names == ["二"]  # a unit without wealth clients is not flagged
    assert flags["sla"].count == 2 and flags["sla"].params == {"staff": 1}
    assert flags["sla"].names == ["甲"]
    # More than 10 days: P1 (11) and A1 (30, leaves after e); P4 left before e.
    assert flags["idle"].names == ["丁", "甲"] and flags["idle"].params == {"days": 10}
    # Three alerts unfollowed; by primary manager: P1 twice (the one without a manager: no name).
    assert flags["alerts"].count == 3
    assert flags["alerts"].concerned[["entity_id", "figure"]].values.tolist() == [["P1", 2]]
    assert flags["aum_gaps"].count == 2 and flags["aum_gaps"].params == {"month": "2026-09"}


def test_idle_follows_the_setting() -> None:
    sup, staff = staff_frames()
    settings = defaults() | {"supervision.idle_days": Decimal("29")}
    assert list(idle_staff(sup, staff, settings, E)["entity_id"]) == ["A1"]


def test_nothing_to_flag() -> None:
    sup, staff = staff_frames()
    calm = sup.assign(load=0, idle_days=0, requests_due=0, requests_met=0)
    health = pd.DataFrame({"entity_id": [], "name": [], "coverage": []})
    alerts = pd.DataFrame({"client_id": [], "primary_staff_id": [], "followed_up": []})
    assert (
        needs_action(
            unit_scorecard=pd.Series({"aum_gaps": 0}),
            unit_health=health,
            staff_supervision=calm,
            staff=staff,
            alerts=alerts,
            settings=defaults(),
            day=E,
        )
        == []
    )


def test_overview_and_supervision_show_the_same_idle_staff(app_db: str) -> None:
    overview = goto(signed_in(), "overview")
    idle_flag = next(
        (i for i, w in enumerate(overview.warning) if "without a login" in w.value), None
    )
    assert idle_flag is not None  # the tiny demo has an idle planner
    flagged = {
        name
        for d in overview.dataframe
        if d.key and d.key.startswith("flag_idle")
        for name in d.value.iloc[:, 0]
    }
    supervision = goto(signed_in(), "supervision")
    # The idle list: the table of names, units, idle days and login days (plain tables carry no
    # key in AppTest).
    idle_tables = [d.value for d in supervision.dataframe if len(d.value.columns) == 4]
    assert len(idle_tables) == 1
    listed = set(idle_tables[0].iloc[:, 0])
    assert flagged and flagged == listed


def test_exceptions_flag_with_its_change() -> None:
    """Compliance exceptions (lifecycle.md): a flag when the unit has any, with the change
    against the previous period, naming the staff charged, most first; none when zero."""
    sup, staff = staff_frames()
    calm = sup.assign(load=0, idle_days=0, requests_due=0, requests_met=0)
    health = pd.DataFrame({"entity_id": [], "name": [], "coverage": []})
    alerts = pd.DataFrame({"client_id": [], "primary_staff_id": [], "followed_up": []})
    per_staff = pd.DataFrame(
        {
            "entity_id": ["P1", "P2", "P3"],
            "name": ["甲", "乙", "丙"],
            "exceptions": pd.array([2, 0, 5], dtype="Int64"),
        }
    )

    def flags(now: int, before: int | None) -> list:
        return needs_action(
            unit_scorecard=pd.Series({"aum_gaps": 0}),
            unit_health=health,
            staff_supervision=calm,
            staff=staff,
            alerts=alerts,
            settings=defaults(),
            day=E,
            unit_compliance=pd.Series({"exceptions": now}),
            prev_compliance=None if before is None else pd.Series({"exceptions": before}),
            staff_compliance=per_staff,
        )

    (flag,) = flags(8, 11)  # 2 + 5 charged to staff, 1 to a unit alone
    assert (flag.kind, flag.count, flag.params, flag.metric) == (
        "exceptions",
        8,
        {"change": -3},
        "exceptions",
    )
    assert flag.concerned[["entity_id", "figure"]].values.tolist() == [["P3", 5], ["P1", 2]]
    assert flags(8, None)[0].params == {"change": 8}  # no previous figure: all of it is new
    assert flags(0, 4) == []
