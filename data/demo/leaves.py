"""Planners' leave, the colleagues standing in for them, and the idle planners."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.demo.arrays import I64, Rng, group_slices, pick_in_groups, uniform_days
from data.demo.calendar import Calendar
from data.demo.spec import AS_OF_DAY, DAY_KEY, NA, PLANNER, ScaleSpec
from data.demo.staff import Staff


@dataclass(frozen=True)
class Leaves:
    """Planners' leave episodes [start, end) and the colleague standing in (sorted by staff)."""

    staff: I64
    start: I64
    end: I64
    proxy: I64

    def substitute(self, staff: I64, day: I64) -> I64:
        """The proxy stands in for work that falls in a leave."""
        if self.staff.size == 0:
            return staff
        key = self.staff * DAY_KEY + self.start
        i = np.searchsorted(key, staff * DAY_KEY + day, side="right") - 1
        ok = i >= 0
        i = np.maximum(i, 0)
        on_leave = ok & (self.staff[i] == staff) & (day < self.end[i])
        return np.where(on_leave, self.proxy[i], staff).astype(np.int64)


def build_leaves(rng: Rng, spec: ScaleSpec, staff: Staff, cal: Calendar) -> Leaves:
    """About one leave of 2-6 weeks per planner every ten years, at most one a year; one
    leave runs over the as-of day (its proxy ends in the future). Also picks the idle planners."""
    n_sb = spec.branches * spec.sub_branches
    stays = np.flatnonzero((staff.role == PLANNER) & (staff.left == NA))
    slots = (AS_OF_DAY - cal.first_day + 1 + 364) // 365
    cand = np.repeat(stays, slots)
    slot = np.tile(np.arange(slots), stays.size)
    take = rng.random(cand.size) < 0.1
    cand, slot = cand[take], slot[take]
    dur = rng.integers(14, 43, cand.size)
    s_lo = cal.first_day + 365 * slot
    s_hi = np.minimum(cal.first_day + 365 * (slot + 1), AS_OF_DAY - 60) - dur - 1
    fits = s_lo <= s_hi
    cand, dur, s_lo, s_hi = cand[fits], dur[fits], s_lo[fits], s_hi[fits]
    start = uniform_days(rng, s_lo, s_hi)
    end = start + dur
    # One leave still running on the as-of day.
    current = int(rng.choice(stays))
    cand = np.append(cand, current)
    start = np.append(start, AS_OF_DAY - 9)
    end = np.append(end, AS_OF_DAY + 19)
    members, offsets = group_slices(staff.sb[stays], n_sb)
    proxy = pick_in_groups(rng, stays[members], offsets, staff.sb[cand], cand)
    order = np.lexsort((start, cand))
    leaves = Leaves(staff=cand[order], start=start[order], end=end[order], proxy=proxy[order])
    # Idle planners: still employed and assigned, but no login for the last 5-11 weeks.
    pool = np.setdiff1d(stays, [current])
    for b in range(spec.branches):
        in_b = pool[staff.branch[pool] == b]
        idle = rng.choice(in_b, size=min(spec.idle, in_b.size), replace=False)
        staff.idle_from[idle] = AS_OF_DAY - rng.integers(35, 80, idle.size)
    return leaves
