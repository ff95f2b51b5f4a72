"""Periods: a month `2026-09`, a quarter `2026Q3` or a year `2026` (kpis.md, "Periods and books")."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    pass


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    kind: str  # 'month' | 'quarter' | 'year'
    start: dt.date  # s: first day
    end: dt.date  # e: last day

    @classmethod
    def parse(cls, text: str) -> Period:
        text = text.strip()
        if m := _MONTH.match(text):
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12:
                raise PeriodError(f"bad month in period {text!r}")
            start = dt.date(year, month, 1)
            return cls("month", start, month_end(start))
        if m := _QUARTER.match(text):
            start = dt.date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return cls("quarter", start, month_end(add_months(start, 2)))
        if m := _YEAR.match(text):
            return cls("year", dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31))
        raise PeriodError(
            f"period {text!r} is not a month (2026-09), a quarter (2026Q3) or a year (2026)"
        )

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    def shift(self, n: int) -> Period:
        start = add_months(self.start, n * self.months)
        return Period(self.kind, start, month_end(add_months(start, self.months - 1)))

    def prev(self) -> Period:
        """P-1: the period of the same kind just before."""
        return self.shift(-1)

    def month_starts(self) -> list[dt.date]:
        return [add_months(self.start, i) for i in range(self.months)]

    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        return str(self.start.year)

    def __str__(self) -> str:
        return self.label()
