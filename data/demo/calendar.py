"""The months of the AUM window and the mainland working days up to the as-of day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar
import numpy as np

from data.demo.arrays import I64, Bool, Rng, date_of, day_of
from data.demo.spec import AS_OF_DAY, DEMO_AS_OF


@dataclass(frozen=True)
class Calendar:
    """The months of the AUM window and the mainland working days from its first day to as-of."""

    first_day: int
    month_start: I64
    month_end: I64
    month_labels: list[str]
    workday: Bool  # per day, first_day..AS_OF_DAY
    workday_cum: I64  # workday_cum[i]: working days among the first i days
    workdays: I64  # the working days' day numbers

    @property
    def months(self) -> int:
        return int(self.month_start.size)

    def month_of(self, day: I64) -> I64:
        """Month index of each day (clipped to the window)."""
        m = np.searchsorted(self.month_start, day, side="right") - 1
        return np.clip(m, 0, self.months - 1).astype(np.int64)

    def pick_days(self, rng: Rng, lo: I64, hi: I64, workday_share: float) -> I64:
        """A day in [lo, hi] per row: a working day with probability `workday_share` (when the
        interval has one), else any day. lo, hi must lie within the calendar."""
        n = lo.size
        u = rng.random(n)
        lo_i = lo - self.first_day
        hi_i = hi - self.first_day
        w_lo = self.workday_cum[lo_i]
        count = self.workday_cum[hi_i + 1] - w_lo
        any_day = lo + np.floor(u * (hi - lo + 1)).astype(np.int64)
        k = np.minimum(w_lo + np.floor(u * count).astype(np.int64), self.workdays.size - 1)
        use_workday = (count > 0) & (rng.random(n) < workday_share)
        return np.where(use_workday, self.workdays[k], any_day).astype(np.int64)


def make_calendar(months: int) -> Calendar:
    starts: list[dt.date] = []
    year, month = DEMO_AS_OF.year, DEMO_AS_OF.month
    for _ in range(months):
        starts.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    nexts = starts[1:] + [dt.date(year + (month == 12), month % 12 + 1, 1)]
    nexts[-1] = DEMO_AS_OF + dt.timedelta(days=1)
    first = day_of(starts[0])
    workday = np.array(
        [chinese_calendar.is_workday(date_of(d)) for d in range(first, AS_OF_DAY + 1)], bool
    )
    cum = np.zeros(workday.size + 1, np.int64)
    cum[1:] = np.cumsum(workday)
    return Calendar(
        first_day=first,
        month_start=np.array([day_of(s) for s in starts], np.int64),
        month_end=np.array([day_of(s) - 1 for s in nexts], np.int64),
        month_labels=[f"{s.year:04d}-{s.month:02d}" for s in starts],
        workday=workday,
        workday_cum=cum,
        workdays=(np.flatnonzero(workday) + first).astype(np.int64),
    )
