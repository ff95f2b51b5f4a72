"""Supervision metrics against an independent plain-Python implementation, whole tables, every
level, a month and a quarter (and October, for the deadlines after National Day), both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from data.settings import load_settings, save_setting
from metrics.core.catalogue import supervision_ids
from metrics.core.entities import LEVELS
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.layer import source_rows
from metrics.measures.lists import proxies
from metrics.measures.tables import columns, drill, supervision
from tests import supervision_data
from tests.supervision_reference import (
    assert_drills_reaggregate,
    assert_same_table,
    ref_supervision,
)

PERIODS = ("2025-09", "2025Q3", "2025-10")


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
                actual = supervision(conn, period, level, Scope.everything())
                assert list(actual.columns) == columns("supervision", level)
                expected = ref_supervision(supervision_data.TABLES, period, level, settings)
                assert_same_table(actual, expected)


def test_drill_rows_reaggregate_to_the_figure(db: Engine) -> None:
    ids = supervision_ids()
    assert columns("supervision")[1 : 1 + len(ids)] == ids
    with db.connect() as conn:
        assert_drills_reaggregate(conn, supervision, supervision_ids(), LEVELS)


def test_request_deadlines_and_verdicts(db: Engine) -> None:
    with db.connect() as conn:
        settings = load_settings(conn)
        sept = source_rows(
            conn, "requests", "staff", "P1", Period.parse("2025-09"), Scope.everything(), settings
        ).set_index("request_id")
        octo = source_rows(
            conn, "requests", "staff", "P1", Period.parse("2025Q3"), Scope.everything(), settings
        ).set_index("request_id")
    # Received Fri 26 Sep: 28 Sep (make-up Sunday), 29, 30 -> deadline 30 Sep, resolved 23:59:59.
    assert sept.at["R01", "deadline_on"] == dt.date(2025, 9, 30)
    assert (sept.at["R01", "due"], sept.at["R01", "met"]) == (1, 1)
    # Received on a day off (Sat 27 Sep): same deadline; acknowledged one second late.
    assert sept.at["R02", "deadline_on"] == dt.date(2025, 9, 30)
    assert (sept.at["R02", "due"], sept.at["R02", "met"]) == (1, 0)
    # Received 30 Sep: 9, 10, 11 Oct (make-up Saturday) -> not due in September.
    assert sept.at["R03", "deadline_on"] == dt.date(2025, 10, 11)
    assert sept.at["R03", "due"] == 0
    assert octo.at["R04", "deadline_on"] == dt.date(2025, 10, 10)
    # Black-gold: exactly 24 h is within; deadline 1 Oct is not due in September.
    assert (sept.at["R05", "due"], sept.at["R05", "met"]) == (1, 1)
    assert sept.at["R06", "due"] == 0
    with db.connect() as conn:
        oct_rows = source_rows(
            conn, "requests", "staff", "P1", Period.parse("2025-10"), Scope.everything(), settings
        )
    # Requests received in September are not in October's figure (received in P).
    assert "R04" not in set(oct_rows["request_id"])


def test_request_breaches_when_unresolved(db: Engine) -> None:
    with db.connect() as conn:
        settings = load_settings(conn)
        rows = source_rows(
            conn, "requests", "staff", "P2", Period.parse("2025Q3"), Scope.everything(), settings
        ).set_index("request_id")
    assert rows.at["R08", "tier"] == "mass" and rows.at["R08", "due"] == 0
    assert rows.at["R10", "tier"] == "platinum" and rows.at["R10", "met"] == 0  # never acked


def test_load_flag_follows_the_setting(db: Engine) -> None:
    with db.begin() as conn:
        save_setting(conn, "load.max_clients", "9")
    with db.connect() as conn:
        table = supervision(conn, Period.parse("2025-09"), "staff", Scope.everything())
        table = table.set_index("entity_id")
        settings = load_settings(conn)
    for entity_id, row in table.iterrows():
        assert bool(row["load_flag"]) == (row["load"] > 9), entity_id
    assert table["load_flag"].any() and not table["load_flag"].all()
    expected = ref_supervision(supervision_data.TABLES, Period.parse("2025-09"), "staff", settings)
    assert_same_table(table.reset_index(), expected)


def test_scope_limits_rows(db: Engine) -> None:
    with db.connect() as conn:
        staff = supervision(conn, Period.parse("2025-09"), "staff", Scope.org("SB1"))
        me = supervision(conn, Period.parse("2025-09"), "staff", Scope.staff("P3"))
        units = supervision(conn, Period.parse("2025-09"), "sub_branch", Scope.org("SB2"))
    assert list(staff["entity_id"]) == ["A1", "P1", "P2"]
    assert list(me["entity_id"]) == ["P3"]
    assert list(units["entity_id"]) == ["SB2"]


def test_proxies(db: Engine) -> None:
    with db.connect() as conn:
        rows = proxies(conn, dt.date(2025, 9, 20), Scope.everything())
        none = proxies(conn, dt.date(2025, 10, 1), Scope.everything())
        scoped = proxies(conn, dt.date(2025, 9, 20), Scope.staff("P2"))
    c10 = rows.set_index("client_id").loc["C10"]
    assert (c10["proxy_staff_id"], c10["primary_staff_id"]) == ("P3", "P2")
    assert c10["until"] == dt.date(2025, 10, 1)
    assert "C10" not in set(none["client_id"])
    assert "C10" in set(scoped["client_id"])


def test_login_days_count_working_days_only(db: Engine) -> None:
    """kpis.md: a login on a weekend or public holiday is a login, not a login day, so the rate
    never exceeds 100%. P2 logged in on 1 October 2025 (National Day)."""
    october = Period.parse("2025-10")
    with db.connect() as conn:
        logins = drill(conn, "logins", "staff", "P2", october, Scope.everything())
        days = drill(conn, "login_days", "staff", "P2", october, Scope.everything())
        table = supervision(conn, october, "staff", Scope.everything()).set_index("entity_id")
    assert dt.date(2025, 10, 1) in {at.date() for at in logins["login_at"]}
    assert dt.date(2025, 10, 1) not in set(days["login_on"])
    assert table.at["P2", "login_days"] == len(days)
    assert (table["login_day_rate"].dropna() <= 1).all()
