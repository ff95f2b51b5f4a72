"""Supervision metrics against an independent plain-Python implementation, whole tables, every
level, a month and a quarter (and October, for the deadlines after National Day), both backends."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from data.settings import load_settings, save_setting
from metrics.core.entities import LEVELS
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.supervision import COLUMNS, DRILLS, REAGGREGATE, proxies, supervision
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
                actual = supervision(conn, period, level)
                assert list(actual.columns) == COLUMNS
                expected = ref_supervision(supervision_data.TABLES, period, level, settings)
                assert_same_table(actual, expected)


def test_drill_rows_reaggregate_to_the_figure(db: Engine) -> None:
    assert set(DRILLS) == set(REAGGREGATE) == set(COLUMNS[1:18])
    with db.connect() as conn:
        assert_drills_reaggregate(conn, supervision, DRILLS, REAGGREGATE, LEVELS)


def test_request_deadlines_and_verdicts(db: Engine) -> None:
    with db.connect() as conn:
        settings = load_settings(conn)
        sept = DRILLS["request_sla"](
            conn, "staff", "P1", Period.parse("2025-09"), Scope.everything(), settings
        ).set_index("request_id")
        octo = DRILLS["request_sla"](
            conn, "staff", "P1", Period.parse("2025Q3"), Scope.everything(), settings
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
        oct_rows = DRILLS["request_sla"](
            conn, "staff", "P1", Period.parse("2025-10"), Scope.everything(), settings
        )
    # Requests received in September are not in October's figure (received in P).
    assert "R04" not in set(oct_rows["request_id"])


def test_request_breaches_when_unresolved(db: Engine) -> None:
    with db.connect() as conn:
        settings = load_settings(conn)
        rows = DRILLS["request_sla"](
            conn, "staff", "P2", Period.parse("2025Q3"), Scope.everything(), settings
        ).set_index("request_id")
    assert rows.at["R08", "tier"] == "mass" and rows.at["R08", "due"] == 0
    assert rows.at["R10", "tier"] == "platinum" and rows.at["R10", "met"] == 0  # never acked


def test_load_flag_follows_the_setting(db: Engine) -> None:
    with db.begin() as conn:
        save_setting(conn, "load.max_clients", "9")
    with db.connect() as conn:
        table = supervision(conn, Period.parse("2025-09")).set_index("entity_id")
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
        rows = proxies(conn, dt.date(2025, 9, 20))
        none = proxies(conn, dt.date(2025, 10, 1))
        scoped = proxies(conn, dt.date(2025, 9, 20), Scope.staff("P2"))
    c10 = rows.set_index("client_id").loc["C10"]
    assert (c10["proxy_staff_id"], c10["primary_staff_id"]) == ("P3", "P2")
    assert c10["until"] == dt.date(2025, 10, 1)
    assert "C10" not in set(none["client_id"])
    assert "C10" in set(scoped["client_id"])
