"""The mainland-China working-day calendar, from the maintained `chinesecalendar` package.

It is materialised into `calendar_days` so that working-day counts and SLA deadlines are computed
inside the database. The package covers a fixed range of years; a date outside it is an error
with a clear message, never a silent guess.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from sqlalchemy import Connection, delete, func, insert, select

from data.tables import calendar_days


class CalendarRangeError(ValueError):
    pass


def covered_range() -> tuple[dt.date, dt.date]:
    """First and last day the calendar library has holiday data for."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)


def check_covered(*days: dt.date) -> None:
    first, last = covered_range()
    for day in days:
        if not first <= day <= last:
            raise CalendarRangeError(
                f"the working-day calendar (chinesecalendar {chinese_calendar.__version__}) covers "
                f"{first.year}-{last.year}; {day.isoformat()} lies outside it: upgrade the package"
            )


def calendar_rows() -> list[dict[str, object]]:
    first, last = covered_range()
    rows: list[dict[str, object]] = []
    seq = 0
    day = first
    while day <= last:
        workday = chinese_calendar.is_workday(day)
        seq += int(workday)
        rows.append({"day": day, "is_workday": workday, "workday_seq": seq})
        day += dt.timedelta(days=1)
    return rows


def ensure_calendar(conn: Connection) -> None:
    """(Re)build `calendar_days` when it does not match the installed library's range."""
    first, last = covered_range()
    lo, hi, n = conn.execute(
        select(func.min(calendar_days.c.day), func.max(calendar_days.c.day), func.count())
    ).one()
    if lo == first and hi == last and n == (last - first).days + 1:
        return
    conn.execute(delete(calendar_days))
    conn.execute(insert(calendar_days), calendar_rows())


def working_days(start: dt.date, end: dt.date) -> int:
    """Working days in [start, end], straight from the library (used by tests and small callers)."""
    check_covered(start, end)
    n = (end - start).days + 1
    return sum(chinese_calendar.is_workday(start + dt.timedelta(days=i)) for i in range(n))
