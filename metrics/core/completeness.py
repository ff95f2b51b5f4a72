"""Which periods the data cover: the one rule every page, score and command applies.

A period is **complete** when the month-end AUM of its last month has been imported: its stocks
(AUM, top clients, load) are read at month ends, so a period whose last month has no AUM rows
would count the missing AUM as 0 (a quarter with data up to 31 October showed an AUM increment
of minus the whole book). An incomplete period is never scored or ranked; it may be shown "to
date", clearly labelled, with its stocks at the last imported month end (`to_date`).

A period that starts before the first imported month is **partial at the start** (the demo data
begin in November 2024, so "2024" holds two months): a comparison with it is not like with like.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from data import tables
from metrics.core import sql
from metrics.core.periods import Period, month_end, month_start

aum = tables.aum_monthly


class IncompletePeriodError(ValueError):
    """A period asked to be scored, ranked or frozen before its month-end AUM is imported."""


@dataclass(frozen=True)
class Coverage:
    """The months the AUM table covers: [first, last] (both None: no AUM imported)."""

    first: dt.date | None  # first day of the first month with AUM
    last: dt.date | None  # last day of the last month with AUM (the last imported month end)

    def complete(self, period: Period) -> bool:
        """Its last month's AUM is imported (a period "to date" is never complete)."""
        return not period.is_to_date and self.last is not None and period.end <= self.last

    def partial_at_start(self, period: Period) -> bool:
        return self.first is not None and period.start < self.first

    def to_date(self, period: Period) -> Period | None:
        """The part of an incomplete period that the data cover (None: none of it), as a
        period of the same kind whose end is the last imported month end."""
        if self.last is None or period.start > self.last:
            return None
        return period.to(self.last)

    def latest(self, kind: str) -> Period | None:
        """The latest complete period of `kind` (a month, quarter or year)."""
        if self.last is None:
            return None
        first = {"month": f"{self.last:%Y-%m}", "year": str(self.last.year)}.get(
            kind, f"{self.last.year}Q{(self.last.month - 1) // 3 + 1}"
        )
        period = Period.parse(first)
        return period if self.complete(period) else period.prev()

    def require_complete(self, period: Period) -> None:
        """Raise `IncompletePeriodError` (one line, for a page or the command line) unless
        `period` is complete."""
        if self.complete(period):
            return
        if self.last is None:
            raise IncompletePeriodError(f"period {period} has no data: no AUM has been imported")
        latest = self.latest(period.kind)
        tail = f"; the latest complete {period.kind} is {latest}" if latest else ""
        raise IncompletePeriodError(
            f"period {period} is incomplete: month-end AUM has been imported up to "
            f"{self.last:%Y-%m-%d}{tail}"
        )


def coverage(conn: Connection) -> Coverage:
    first, last = sql.run(conn, select(func.min(aum.c.month), func.max(aum.c.month))).one()
    return Coverage(
        None if first is None else month_start(first),
        None if last is None else month_end(last),
    )


def require_complete(conn: Connection, period: Period) -> None:
    coverage(conn).require_complete(period)
