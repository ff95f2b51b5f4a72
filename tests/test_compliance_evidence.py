"""The evidence behind one register row (`metrics.measures.compliance.evidence`), as the
Compliance page shows it, on both backends: the source rows of the golden data set
(tests/lifecycle_data.py) for the row's client, by kind, picked here from the data set itself;
nothing for a row the scope may not see; client personal data masked unless the scope may
unmask."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine

from data.settings import load_settings
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.compliance import evidence, exceptions
from tests import lifecycle_data


@pytest.fixture
def db(engine: Engine) -> Engine:
    with engine.begin() as conn:
        lifecycle_data.insert_data(conn)
    return engine


def the_row(engine: Engine, period: str, rule: str, client_id: str) -> dict[str, Any]:
    with engine.connect() as conn:
        register = exceptions(conn, Period.parse(period), Scope.everything(), load_settings(conn))
    found = register[(register["rule"] == rule) & (register["client_id"] == client_id)]
    assert len(found) >= 1, (rule, client_id)
    row = found.iloc[0].to_dict()
    return {**row, "staff_id": row["staff_id"] if isinstance(row["staff_id"], str) else None}


def of(table: list[dict[str, Any]], client_id: str, *columns: str) -> list[tuple]:
    return sorted(tuple(r[c] for c in columns) for r in table if r["client_id"] == client_id)


def got(frame: Any, *columns: str) -> list[tuple]:
    def plain(v: Any) -> Any:
        if hasattr(v, "to_pydatetime"):
            v = v.to_pydatetime()
        return v

    return sorted(
        tuple(plain(v) for v in row) for row in frame[list(columns)].itertuples(index=False)
    )


def test_an_opening_row_shows_the_opening_and_the_assignments(db: Engine) -> None:
    row = the_row(db, "2025-09", "opening_below_threshold", "C02")
    with db.connect() as conn:
        found = evidence(conn, row, Period.parse("2025-09"), Scope.everything())
    assert set(found) == {"client", "assignments", "openings"}
    assert got(found["openings"], "opening_id", "staff_id", "org_id") == of(
        lifecycle_data.account_openings, "C02", "opening_id", "staff_id", "org_id"
    )
    assert got(found["assignments"], "staff_id", "role", "start_on") == of(
        lifecycle_data.assignments, "C02", "staff_id", "role", "start_on"
    )
    client = found["client"]
    assert list(client["client_id"]) == ["C02"]
    assert list(client["client_name"]) == ["C*********"]  # "Client C02", masked
    assert list(client["birth_date"]) == ["--01-01"]


def test_a_missed_care_date_shows_the_care_dates_and_the_contacts_around_it(db: Engine) -> None:
    row = the_row(db, "2025-09", "care_missed", "C30")
    day: dt.date = row["day"]
    with db.connect() as conn:
        found = evidence(conn, row, Period.parse("2025-09"), Scope.everything(unmask=True))
    assert {"care_dates", "contacts"} <= set(found)
    assert got(found["care_dates"], "kind", "month_day") == of(
        lifecycle_data.care_dates, "C30", "kind", "month_day"
    )
    near = [
        c
        for c in lifecycle_data.contacts
        if day - dt.timedelta(days=45) <= c["at"].date() <= day + dt.timedelta(days=15)
    ]
    assert got(found["contacts"], "contact_id", "staff_id", "purpose") == of(
        near, "C30", "contact_id", "staff_id", "purpose"
    )
    assert len(found["contacts"]) == 4  # 5, 18, 19 and 21 September
    assert list(found["client"]["client_name"]) == ["Client C30"]  # may unmask: in clear


def test_a_row_charged_to_a_unit_alone(db: Engine) -> None:
    row = the_row(db, "2025-09", "client_unmaintained", "C15")
    assert row["staff_id"] is None
    with db.connect() as conn:
        found = evidence(conn, row, Period.parse("2025-09"), Scope.everything())
    assert got(found["assignments"], "staff_id", "role", "start_on") == of(
        lifecycle_data.assignments, "C15", "staff_id", "role", "start_on"
    )


def test_a_plan_row_shows_the_plans(db: Engine) -> None:
    row = the_row(db, "2025Q3", "plan_no_quarterly_report", "C28")
    with db.connect() as conn:
        found = evidence(conn, row, Period.parse("2025Q3"), Scope.everything())
    assert got(found["plans"], "plan_id", "kind") == of(
        lifecycle_data.plans, "C28", "plan_id", "kind"
    )


def test_a_row_outside_the_scope_has_no_evidence(db: Engine) -> None:
    west = the_row(db, "2025-09", "client_unmaintained", "C16")  # charged to West (SB2)
    east = the_row(db, "2025-09", "client_unmaintained", "C15")  # charged to East (SB1)
    with db.connect() as conn:
        assert evidence(conn, west, Period.parse("2025-09"), Scope.org("SB1")) == {}
        assert evidence(conn, east, Period.parse("2025-09"), Scope.org("SB1")) != {}
        assert evidence(conn, east, Period.parse("2025-09"), Scope.staff("P1")) == {}


def test_a_row_as_the_register_returns_it(db: Engine) -> None:
    """The row exactly as `exceptions` gives it (a unit-alone row's staff is a pandas null, not
    None) finds its evidence."""
    with db.connect() as conn:
        register = exceptions(
            conn, Period.parse("2025-09"), Scope.everything(), load_settings(conn)
        )
        row = register[register["client_id"] == "C15"].iloc[0].to_dict()
        assert row["rule"] == "client_unmaintained" and not isinstance(row["staff_id"], str)
        found = evidence(conn, row, Period.parse("2025-09"), Scope.everything())
    assert list(found["client"]["client_id"]) == ["C15"]
