"""The world: everything the tables are drawn from, and the queries the table builders share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from data.demo.arrays import F64, I64, Bool, Rng
from data.demo.aum import AccountEvents, Aum, build_account_events, build_aum
from data.demo.book import Book, build_book
from data.demo.calendar import Calendar, make_calendar
from data.demo.clients import Clients, build_clients
from data.demo.leaves import Leaves, build_leaves
from data.demo.lifecycle import Life, build_life
from data.demo.orgs import Orgs, build_orgs
from data.demo.spec import ADVISOR, NA, PLANNER, ScaleSpec
from data.demo.staff import Staff, build_staff


@dataclass(frozen=True)
class World:
    """Built once per data set, then read (never changed) by every table builder."""

    spec: ScaleSpec
    cal: Calendar
    orgs: Orgs
    staff: Staff
    clients: Clients
    aum: Aum
    book: Book
    leaves: Leaves
    cells: Cells
    events: AccountEvents  # account_events.csv, and the retention alerts contacts follow up
    life: Life  # the client life cycle of lifecycle.md (openings, referrals, care, housekeeping)


def build_world(spec: ScaleSpec, rngs: Mapping[str, Rng]) -> World:
    """Each part draws from the stream of its name in `rngs` (the events: "account_events", the
    life cycle: "lifecycle", built last and changing nothing of the others); the
    book and the leaves fill in the staff's `left` and `idle_from`, so the order matters."""
    cal = make_calendar(spec.months)
    orgs = build_orgs(rngs["orgs"], spec)
    staff = build_staff(rngs["staff"], spec, orgs, cal)
    clients = build_clients(rngs["clients"], spec, orgs, cal)
    aum = build_aum(rngs["aum"], clients, cal)
    book = build_book(rngs["book"], spec, staff, clients, aum, cal)
    leaves = build_leaves(rngs["leaves"], spec, staff, cal)
    cells = build_cells(cal, clients, aum, book)
    events = build_account_events(rngs["account_events"], clients, aum, cal)
    life = build_life(rngs["lifecycle"], spec, cal, orgs, staff, clients, aum, book, leaves)
    return World(spec, cal, orgs, staff, clients, aum, book, leaves, cells, events, life)


@dataclass(frozen=True)
class Cells:
    """Client-months in which a manager works with the client: the base of every client event.

    lo..hi are the days of the month within the service window; frac the share of the month."""

    client: I64
    month: I64
    lo: I64
    hi: I64
    frac: F64
    tier: NDArray[np.int8]
    value: F64


def build_cells(cal: Calendar, clients: Clients, aum: Aum, book: Book) -> Cells:
    lo = np.maximum(cal.month_start[None, :], book.serve_lo[:, None])
    hi = np.minimum(cal.month_end[None, :], book.serve_hi[:, None])
    ok = book.assigned[:, None] & aum.in_rel & (lo <= hi)
    client, month = np.nonzero(ok)
    lo_s, hi_s = lo[ok], hi[ok]
    length = cal.month_end[month] - cal.month_start[month] + 1
    return Cells(
        client=client.astype(np.int64),
        month=month.astype(np.int64),
        lo=lo_s.astype(np.int64),
        hi=hi_s.astype(np.int64),
        frac=(hi_s - lo_s + 1) / length,
        tier=aum.tier[ok],
        value=aum.value[ok],
    )


@dataclass(frozen=True)
class Draw:
    """Client events drawn from cells: one row per event."""

    cell: I64
    client: I64
    day: I64
    tier: NDArray[np.int8]

    def take(self, keep: Bool) -> Draw:
        return Draw(self.cell[keep], self.client[keep], self.day[keep], self.tier[keep])


def draw_events(
    rng: Rng,
    w: World,
    rates: Sequence[float],
    *,
    workday_share: float = 0.9,
    factor: F64 | None = None,
    cells: I64 | None = None,
    hi: I64 | None = None,
) -> Draw:
    """Poisson(rate of the cell's tier x share of the month served x factor) events per cell."""
    c = w.cells
    idx = np.arange(c.client.size) if cells is None else cells
    lam = np.asarray(rates, np.float64)[c.tier[idx]] * c.frac[idx]
    if factor is not None:
        lam = lam * factor[idx]
    k = rng.poisson(lam)
    row = np.repeat(idx, k)
    top = c.hi[row] if hi is None else np.minimum(c.hi[row], np.repeat(hi, k))
    day = w.cal.pick_days(rng, c.lo[row], top, workday_share)
    return Draw(cell=row, client=c.client[row], day=day, tier=c.tier[row])


def staff_for(rng: Rng, w: World, client: I64, day: I64, advisor_share: float) -> tuple[I64, Bool]:
    """Who did the work: the primary on that day, or the secondary advisor for a share of it; a
    proxy during the primary's leave. Rows of idle staff are dropped (the mask)."""
    staff = w.book.primary_at(client, day)
    adv = w.book.advisor_at(client, day)
    use_adv = (adv >= 0) & (rng.random(client.size) < advisor_share)
    staff = np.where(use_adv, adv, staff)
    staff = np.where(staff >= 0, w.leaves.substitute(staff, day), staff)
    ok = staff >= 0
    ok &= day < w.staff.idle_from[np.maximum(staff, 0)]
    return staff, ok


def planner_factor(w: World) -> F64:
    """Per cell: how diligent the cell's first planner is (drives coverage and cadence)."""
    p0 = w.book.p0[w.cells.client]
    return w.staff.diligence[np.maximum(p0, 0)]


def managers(w: World) -> I64:
    return np.flatnonzero((w.staff.role == PLANNER) | (w.staff.role == ADVISOR)).astype(np.int64)


def staff_months(w: World, people: I64) -> tuple[I64, I64, I64, I64]:
    """(staff, month, first day, last day) for each month a staff member was active."""
    cal, s = w.cal, w.staff
    staff = np.repeat(people, cal.months)
    month = np.tile(np.arange(cal.months), people.size)
    lo = np.maximum(cal.month_start[month], s.hired[staff])
    left = s.left[staff]
    hi = np.where(left != NA, np.minimum(cal.month_end[month], left - 1), cal.month_end[month])
    hi = np.minimum(hi, s.idle_from[staff] - 1)
    ok = lo <= hi
    return staff[ok], month[ok], lo[ok], hi[ok]
