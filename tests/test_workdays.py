"""Platinum request deadlines and working-day counts against `chinese_calendar` directly, across
the 2025 National Day holiday (1-8 Oct off; Sun 28 Sep and Sat 11 Oct make-up working days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import chinese_calendar
import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from data.schema import AumMonthly, Client, OrgUnit, Request, Staff
from data.settings import load_settings, save_setting
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.layer import source_rows, working_days

FIRST = dt.date(2025, 9, 20)
DAYS = [FIRST + dt.timedelta(days=i) for i in range(30)]


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


@pytest.fixture
def db(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(insert(OrgUnit), [{"org_id": "BR", "name": "B", "kind": "branch"}])
        conn.execute(
            insert(Staff), [{"staff_id": "P1", "name": "P", "role": "planner", "org_id": "BR"}]
        )
        conn.execute(insert(Client), [{"client_id": "C1", "name": "C", "opened_on": FIRST}])
        conn.execute(
            insert(AumMonthly),
            [
                {"client_id": "C1", "month": m, "avg_daily_aum": Decimal(600_000)}
                for m in (dt.date(2025, 9, 1), dt.date(2025, 10, 1))
            ],
        )
        # One platinum request per day, at 23:30 so that a date/timestamp mix-up would show.
        conn.execute(
            insert(Request),
            [
                {
                    "request_id": f"R{d:%m%d}",
                    "client_id": "C1",
                    "staff_id": "P1",
                    "received_at": dt.datetime.combine(d, dt.time(23, 30)),
                    "acknowledged_at": dt.datetime.combine(d, dt.time(23, 45)),
                    "resolved_at": dt.datetime.combine(
                        nth_working_day_after(d, 3), dt.time(23, 59, 59)
                    ),
                }
                for d in DAYS
            ],
        )
    return engine


@pytest.mark.parametrize("n", [3, 1])
def test_platinum_deadline_is_the_nth_working_day_after(db: Engine, n: int) -> None:
    with db.begin() as conn:
        save_setting(conn, "sla.platinum_working_days", str(n))
    with db.connect() as conn:
        settings = load_settings(conn)
        rows = pd.concat(
            source_rows(
                conn, "requests", "staff", "P1", Period.parse(text), Scope.everything(), settings
            )
            for text in ("2025-09", "2025Q4")
        )
    got = {r.received_at.date(): r.deadline_on for r in rows.itertuples()}
    assert got == {d: nth_working_day_after(d, n) for d in DAYS}
    assert got[dt.date(2025, 9, 26)] == nth_working_day_after(dt.date(2025, 9, 26), n)
    if n == 3:
        assert got[dt.date(2025, 9, 26)] == dt.date(2025, 9, 30)  # via Sunday 28 Sep
        assert got[dt.date(2025, 9, 30)] == dt.date(2025, 10, 11)  # via Saturday 11 Oct
        # Resolved at 23:59:59 of the deadline day: met (when acknowledged in time).
        due = rows[rows["due"] == 1]
        assert len(due) > 20 and set(due["met"]) == {1}


def test_working_days_in_periods(db: Engine) -> None:
    with db.connect() as conn:
        for text in ("2025-09", "2025-10", "2025Q4", "2025"):
            p = Period.parse(text)
            n = (p.end - p.start).days + 1
            expected = sum(
                chinese_calendar.is_workday(p.start + dt.timedelta(days=i)) for i in range(n)
            )
            assert working_days(conn, p) == expected
        assert working_days(conn, Period.parse("2025-10")) == 18
