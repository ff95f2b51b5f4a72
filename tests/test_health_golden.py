"""Portfolio-health metrics against an independent plain-Python implementation, whole tables,
sub-branch and branch level, a month and a quarter, both backends."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.settings import load_settings, save_setting
from metrics.core.catalogue import health_ids
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.core.values import is_null
from metrics.measures.lists import care_due, retention_alert_list, tier_migration
from metrics.measures.tables import columns, drill, health
from tests import supervision_data
from tests.supervision_reference import (
    World,
    assert_drills_reaggregate,
    assert_same_table,
    ref_alerts,
    ref_health,
)

PERIODS = ("2025-08", "2025-09", "2025Q3", "2025-10")
LEVELS = ("sub_branch", "branch")


@pytest.fixture
def db(engine: Engine) -> Engine:
    with engine.begin() as conn:
        supervision_data.insert_data(conn)
    return engine


def test_whole_tables_match_the_reference(db: Engine) -> None:
    with db.connect() as conn:
        settings = load_settings(conn)
        for text in PERIODS:
            period = Period.parse(text)
            for level in LEVELS:
                actual = health(conn, period, level, Scope.everything())
                assert list(actual.columns) == columns("health", level)
                expected = ref_health(supervision_data.TABLES, period, level, settings)
                assert_same_table(actual, expected)


def test_alert_lists_match_the_reference(db: Engine) -> None:
    world = World(supervision_data.TABLES, {})
    with db.connect() as conn:
        settings = load_settings(conn)
        world.s = settings
        for text in ("2025-09", "2025Q3"):
            period = Period.parse(text)
            for level, entity_id in [
                ("branch", "BR"),
                ("sub_branch", "SB1"),
                ("staff", "P1"),
                ("staff", "A2"),
                ("sub_branch", "SB3"),
            ]:
                actual = retention_alert_list(
                    conn,
                    period,
                    level,  # type: ignore[arg-type]
                    entity_id,
                    Scope.everything(),
                    settings,
                )
                expected = ref_alerts(world, period, level, entity_id)
                key = ["alert_day", "client_id", "reason"]
                exp = pd.DataFrame(expected, columns=list(actual.columns))
                exp = exp.sort_values(key, ignore_index=True)
                got = actual.sort_values(key, ignore_index=True)
                assert len(got) == len(exp), (level, entity_id)
                for col in ("client_id", "reason", "alert_day", "followed_up", "primary_staff_id"):
                    a = [None if pd.isna(v) else v for v in got[col]]
                    b = [None if pd.isna(v) else v for v in exp[col]]
                    assert a == b, (level, entity_id, col)


def test_edge_cases_of_alerts(db: Engine) -> None:
    with db.connect() as conn:
        q3 = retention_alert_list(
            conn, Period.parse("2025Q3"), "branch", "BR", Scope.everything(), load_settings(conn)
        )
    mine = q3[q3["client_id"].str.startswith("C")].set_index(["client_id", "reason"])
    # Exactly 30% is "at least"; followed up on the 7th day after (inclusive) at 23:00.
    assert mine.loc[("C05", "aum_drop"), "followed_up"]
    assert mine.loc[("C05", "aum_drop"), "followup_day"] == dt.date(2025, 10, 7)
    # A tier fall below 30%; a missing month after a positive one.
    assert ("C06", "tier_drop") in mine.index and ("C07", "aum_drop") in mine.index
    # Same-day contact earlier than the event still counts (calendar dates).
    assert mine.loc[("C08", "large_outflow"), "followed_up"]
    # Closure: in the book the day before; the primary assignment ended on the closing day.
    assert not mine.loc[("C08", "closure"), "followed_up"]
    assert mine.loc[("C09", "closure"), "followed_up"]


def test_drill_rows_reaggregate_to_the_figure(db: Engine) -> None:
    assert columns("health", "branch")[1:6] == health_ids()
    with db.connect() as conn:
        assert_drills_reaggregate(conn, health, health_ids(), LEVELS)


def test_overloaded_planners_follow_the_setting(db: Engine) -> None:
    with db.begin() as conn:
        save_setting(conn, "load.max_clients", "9")
    with db.connect() as conn:
        settings = load_settings(conn)
        table = health(conn, Period.parse("2025-09"), "sub_branch", Scope.everything())
    assert table["overloaded_planners"].sum() > 0
    expected = ref_health(supervision_data.TABLES, Period.parse("2025-09"), "sub_branch", settings)
    assert_same_table(table, expected)


def test_coverage_home_units(db: Engine) -> None:
    with db.connect() as conn:
        sept, everything = Period.parse("2025-09"), Scope.everything()
        rows = drill(conn, "coverage", "branch", "BR", sept, everything).set_index("client_id")
        sb1 = drill(conn, "coverage", "sub_branch", "SB1", sept, everything)
        sb1 = sb1.set_index("client_id")
        top = drill(conn, "dual_manager", "sub_branch", "SB1", sept, everything)
        top = top.set_index("client_id")
    # Never assigned: the sole branch's, no sub-branch's. Primary ended: its last planner's unit.
    assert rows.at["C04", "has_primary"] == 0 and "C04" not in sb1.index
    assert sb1.at["C03", "has_primary"] == 0
    assert top.at["C01", "has_secondary"] == 1 and top.at["C02", "has_secondary"] == 0


def test_staff_level_is_refused(db: Engine) -> None:
    with db.connect() as conn, pytest.raises(ValueError, match="sub_branch or branch"):
        health(conn, Period.parse("2025-09"), "staff", Scope.everything())


def test_care_due_and_29_february(db: Engine) -> None:
    with db.connect() as conn:
        everything = Scope.everything()
        feb = care_due(conn, dt.date(2025, 2, 20), "staff", "P1", everything, days=14)
        leap = care_due(conn, dt.date(2028, 2, 27), "staff", "P1", everything, days=2)
        oct_ = care_due(conn, dt.date(2025, 9, 25), "sub_branch", "SB1", everything, days=14)
    c02 = feb.set_index("client_id").loc["C02"]
    assert c02["care_on"] == dt.date(2025, 2, 28)  # no 29 Feb in 2025
    assert leap.set_index("client_id").at["C02", "care_on"] == dt.date(2028, 2, 29)
    with db.connect() as conn:  # in a leap year, 28 Feb is nobody's substitute birthday
        assert "C02" not in set(
            care_due(conn, dt.date(2028, 2, 27), "staff", "P1", everything, days=1)["client_id"]
        )
    assert {"C01"} <= set(oct_["client_id"])  # 3 Oct, in P1's book
    assert "C05" in set(oct_["client_id"])  # 30 Sep, P2's book


def test_tier_migration(db: Engine) -> None:
    world = World(supervision_data.TABLES, {})
    with db.connect() as conn:
        world.s = load_settings(conn)
        matrix = tier_migration(
            conn, Period.parse("2025-09"), "branch", "BR", Scope.everything(), world.s
        )
    before = world.book("branch", "BR", dt.date(2025, 8, 31))
    after = world.book("branch", "BR", dt.date(2025, 9, 30))
    assert matrix.loc[["black_gold", "platinum", "mass"]].to_numpy().sum() == len(before)
    assert matrix[["black_gold", "platinum", "mass"]].to_numpy().sum() == len(after)
    assert matrix.at["new", "lost"] == 0
    # C05 fell from platinum (1.0M) to platinum (0.7M); C08 closed in September: lost.
    assert matrix.loc[:, "lost"].sum() == len(before - after)


def test_care_reminders_use_imported_care_dates(db: Engine) -> None:
    """Once a care_dates file is imported, the reminders are its dates, with their label; a
    relative's 02-29 falls on 28 February in 2025; the client's own birthday carries the age."""
    from sqlalchemy import insert

    from data.schema import CareDate

    with db.begin() as conn:
        conn.execute(
            insert(CareDate),
            [
                {
                    "client_id": "C01",
                    "kind": "relative_birthday",
                    "month_day": "10-01",
                    "label": "母亲",
                },
                {"client_id": "C01", "kind": "birthday", "month_day": "10-03", "label": ""},
                {
                    "client_id": "C02",
                    "kind": "anniversary",
                    "month_day": "02-29",
                    "label": "结婚纪念日",
                },
                {"client_id": "C05", "kind": "birthday", "month_day": "12-01", "label": ""},
            ],
        )
    everything = Scope.everything()
    with db.connect() as conn:
        october = care_due(conn, dt.date(2025, 9, 25), "staff", "P1", everything, days=14)
        february = care_due(conn, dt.date(2025, 2, 20), "staff", "P1", everything, days=14)
    rows = [
        [None if is_null(v) else v for v in row]
        for row in october[["client_id", "kind", "label", "care_on", "days_until", "age"]].values
    ]
    assert rows == [
        ["C01", "relative_birthday", "母亲", dt.date(2025, 10, 1), 6, None],
        ["C01", "birthday", None, dt.date(2025, 10, 3), 8, 45],
    ]
    assert february[["client_id", "kind", "care_on"]].values.tolist() == [
        ["C02", "anniversary", dt.date(2025, 2, 28)]
    ]
    assert february.at[0, "label"] == "结婚纪念日"
    assert (
        october["client_name"].str.contains(r"\*")
    ).all()  # masked for a scope that may not unmask
