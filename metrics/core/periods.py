"""Periods: a month `2026-09`, a quarter `2026Q3` or a year `2026` (kpis.md, "Periods and books").

A quarter or a year may also be taken **to date**, `2026~2026-10` (January to October 2026):
the part of a period still under way that the data cover (`metrics.core.completeness`). Its
figures read stocks at its last month end; the period before it covers the same months one
period earlier (2025~2025-10), so a comparison is like with like."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


class PeriodError(ValueError):
    pass


LENGTH = {"month": 1, "quarter": 3, "year": 12}


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
        if "~" in text:
            whole, _, upto = text.partition("~")
            full = cls.parse(whole)
            m = _MONTH.match(upto.strip())
            if full.kind == "month" or m is None or not 1 <= int(m[2]) <= 12:
                raise PeriodError(
                    f"period {text!r}: a quarter or year to a month, e.g. 2026~2026-10"
                )
            end = month_end(dt.date(int(m[1]), int(m[2]), 1))
            if not full.start <= end <= full.end:
                raise PeriodError(f"period {text!r}: {upto} is not inside {whole}")
            return full.to(end)
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
        """The months the period covers (fewer than its kind's length when to date)."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def is_to_date(self) -> bool:
        return self.months < LENGTH[self.kind]

    def to(self, end: dt.date) -> Period:
        """This period to the month end `end` (itself when `end` is its own end)."""
        return Period(self.kind, self.start, min(month_end(end), self.end))

    def shift(self, n: int) -> Period:
        """The period `n` of its kind later; one to date covers the same months then."""
        start = add_months(self.start, n * LENGTH[self.kind])
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
            whole = f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        else:
            whole = str(self.start.year)
        return f"{whole}~{self.end:%Y-%m}" if self.is_to_date else whole

    def __str__(self) -> str:
        return self.label()
