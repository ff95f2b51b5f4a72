"""Who manages whom: primary planners, transfers, orphaned clients and secondary advisors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data.demo.arrays import F64, I64, Bool, Rng, chance, group_slices, pick_in_groups, uniform_days
from data.demo.aum import Aum
from data.demo.calendar import Calendar
from data.demo.clients import Clients
from data.demo.spec import (
    ADVISOR,
    AS_OF_DAY,
    NA,
    NEVER,
    PLANNER,
    PLAT,
    PLATINUM,
    TOP,
    WEALTH,
    ScaleSpec,
)
from data.demo.staff import Staff


@dataclass(frozen=True)
class Book:
    """Each client's managers: a primary planner p0 from start0, maybe transferred to p1 on td, the
    primary relationship ending on p_end (NA: still assigned); and maybe a secondary advisor."""

    assigned: Bool
    p0: I64
    start0: I64
    td: I64
    p1: I64
    p_end: I64
    adv: I64
    adv_start: I64
    adv_end: I64
    end_at_closure: Bool
    serve_lo: I64  # days on which the client's managers work with the client (inclusive)
    serve_hi: I64

    def primary_at(self, client: I64, day: I64) -> I64:
        """The primary manager of each client on each day, -1 when none."""
        td = self.td[client]
        staff = np.where((td != NA) & (day >= td), self.p1[client], self.p0[client])
        end = self.p_end[client]
        none = ~self.assigned[client] | (day < self.start0[client]) | ((end != NA) & (day >= end))
        return np.where(none, -1, staff).astype(np.int64)

    def advisor_at(self, client: I64, day: I64) -> I64:
        adv = self.adv[client]
        end = self.adv_end[client]
        on = (adv >= 0) & (day >= self.adv_start[client]) & ((end == NA) | (day < end))
        return np.where(on, adv, -1).astype(np.int64)


def planner_weights(
    rng: Rng, spec: ScaleSpec, staff: Staff, clients: Clients, assigned: Bool, n_sb: int
) -> tuple[F64, I64]:
    """Each planner's share of their sub-branch's clients; the `overloaded` planners get enough to
    end above 200 primary clients. Returns the weights and the overloaded planners."""
    weight = np.where(staff.role == PLANNER, rng.uniform(0.6, 1.4, staff.n), 0.0)
    per_sb = np.bincount(clients.sb[assigned], minlength=n_sb)
    target = 270.0  # ever assigned; closures and transfers leave ~230 at as-of
    overloaded: list[int] = []
    for b in range(spec.branches):
        sbs = np.arange(b * spec.sub_branches, (b + 1) * spec.sub_branches)
        for s in sbs[np.argsort(-per_sb[sbs], kind="stable")][: spec.overloaded]:
            if per_sb[s] < target * 1.6:
                continue
            members = np.flatnonzero((staff.sb == s) & (staff.role == PLANNER))
            star = int(members[0])
            others = weight[members].sum() - weight[star]
            weight[star] = target * others / (per_sb[s] - target)
            overloaded.append(star)
    return weight, np.array(overloaded, np.int64)


def pick_planners(rng: Rng, staff: Staff, weight: F64, sb: I64, n_sb: int) -> I64:
    """A planner of each client's sub-branch, in proportion to the planners' weights."""
    planners = np.flatnonzero(staff.role == PLANNER)
    planners = planners[np.lexsort((planners, staff.sb[planners]))]
    psb = staff.sb[planners]
    w = weight[planners]
    total = np.bincount(psb, weights=w, minlength=n_sb)
    # Cumulative weight where sub-branch s occupies the interval (s, s + 1].
    for_sb = np.cumsum(w) - np.concatenate([[0.0], np.cumsum(total)])[psb]
    cum = psb + for_sb / total[psb]
    idx = np.searchsorted(cum, sb + rng.random(sb.size), side="left")
    idx = np.clip(idx, 0, planners.size - 1)
    return planners[idx].astype(np.int64)


def choose_leavers(rng: Rng, spec: ScaleSpec, staff: Staff, overloaded: I64, cal: Calendar) -> I64:
    """At most one leaver per sub-branch, from sub-branches that keep two planners or more."""
    planners = staff.role == PLANNER
    count = np.bincount(staff.sb[planners], minlength=spec.branches * spec.sub_branches)
    leavers: list[int] = []
    for b in range(spec.branches):
        candidates = np.flatnonzero(
            planners & (staff.branch == b) & (count[np.maximum(staff.sb, 0)] >= 3)
        )
        candidates = np.setdiff1d(candidates, overloaded)
        if candidates.size == 0 or spec.leavers == 0:
            continue
        picked: list[int] = []
        for c in rng.permutation(candidates):
            if staff.sb[c] not in {staff.sb[p] for p in picked}:
                picked.append(int(c))
            if len(picked) == spec.leavers:
                break
        leavers += picked
    out = np.array(sorted(leavers), np.int64)
    staff.left[out] = uniform_days(rng, cal.first_day + 90, AS_OF_DAY - 30, out.size)
    return out


def build_book(
    rng: Rng, spec: ScaleSpec, staff: Staff, clients: Clients, aum: Aum, cal: Calendar
) -> Book:
    n = clients.n
    n_sb = spec.branches * spec.sub_branches
    max_aum = np.where(aum.in_rel, aum.value, 0.0).max(axis=1)
    # Every platinum-or-better client gets a primary planner; mass clients the more likely the
    # richer they are (a bank does not assign its smallest accounts).
    scale = np.clip(np.log10(np.maximum(max_aum, 1.0) / 1e4) / np.log10(50.0), 0.0, 1.0)
    p_assign = np.where(max_aum >= PLATINUM, 1.0, 0.25 + 0.5 * scale)
    assigned = rng.random(n) < p_assign
    weight, overloaded = planner_weights(rng, spec, staff, clients, assigned, n_sb)
    choose_leavers(rng, spec, staff, overloaded, cal)
    p0 = np.where(assigned, pick_planners(rng, staff, weight, clients.sb, n_sb), -1)
    p0_safe = np.maximum(p0, 0)
    # The relationship with the first planner starts at opening, or some time before the window.
    lo = np.maximum(clients.opened, staff.hired[p0_safe])
    start0 = np.where(
        clients.opened >= cal.first_day,
        clients.opened,
        uniform_days(rng, lo, np.maximum(lo, cal.first_day - 1), n),
    )
    # Colleagues who stay: the planners a client can be moved to.
    stays = (staff.role == PLANNER) & (staff.left == NA)
    stay_idx = np.flatnonzero(stays)
    members, offsets = group_slices(staff.sb[stay_idx], n_sb)
    members = stay_idx[members]
    colleague = pick_in_groups(rng, members, offsets, clients.sb, p0)
    td = np.full(n, NA, np.int64)
    p1 = np.full(n, -1, np.int64)
    # A leaver's clients: those who arrive after the departure go straight to a colleague, the
    # others are transferred on the leaving day (unless they closed before).
    left = np.where(assigned, staff.left[p0_safe], NA)
    leaving = left != NA
    late = leaving & (start0 >= left)
    p0 = np.where(late, colleague, p0)
    moved = leaving & ~late & ((clients.closed == NA) | (clients.closed > left))
    td[moved], p1[moved] = left[moved], colleague[moved]
    # Rebalancing transfers (~4% of the book) between planners who stay.
    last_day = np.where(clients.closed != NA, clients.closed, AS_OF_DAY)
    t_lo = np.maximum(start0, cal.first_day) + 30
    t_hi = last_day - 10
    can = assigned & ~leaving & (t_lo <= t_hi)
    rebalance = chance(rng, n, 0.04, at_least=1, among=can)
    td[rebalance] = uniform_days(rng, t_lo[rebalance], t_hi[rebalance])
    p1[rebalance] = colleague[rebalance]
    # A few wealth clients lose their manager without a successor (coverage < 100%).
    last_start = np.where(td != NA, td, start0)
    wealthy = aum.value[:, -1] >= WEALTH
    orphan_pool = assigned & (td == NA) & (clients.closed == NA) & wealthy
    orphan_pool &= last_start <= AS_OF_DAY - 200
    orphan = chance(rng, n, 0.006, at_least=1, among=orphan_pool)
    p_end = np.full(n, NA, np.int64)
    p_end[orphan] = uniform_days(rng, AS_OF_DAY - 180, AS_OF_DAY - 3, int(orphan.sum()))
    # Most closed clients' assignments end on the closing day; some are left open in the CRM.
    closing = assigned & (clients.closed != NA) & (clients.closed > last_start)
    end_at_closure = closing & (rng.random(n) < 0.7)
    p_end[end_at_closure] = clients.closed[end_at_closure]
    adv, adv_start = secondary_advisors(rng, spec, staff, clients, aum, assigned, start0, cal)
    adv_end = np.where(end_at_closure & (adv >= 0), clients.closed, NA).astype(np.int64)
    serve_hi = np.full(n, AS_OF_DAY, np.int64)
    serve_hi = np.where(clients.closed != NA, np.minimum(serve_hi, clients.closed), serve_hi)
    serve_hi = np.where(p_end != NA, np.minimum(serve_hi, p_end - 1), serve_hi)
    return Book(
        assigned=assigned,
        p0=p0.astype(np.int64),
        start0=start0.astype(np.int64),
        td=td,
        p1=p1,
        p_end=p_end,
        adv=adv,
        adv_start=adv_start,
        adv_end=adv_end,
        end_at_closure=end_at_closure,
        serve_lo=np.where(assigned, start0, NEVER).astype(np.int64),
        serve_hi=np.where(assigned, serve_hi, NA).astype(np.int64),
    )


def secondary_advisors(
    rng: Rng,
    spec: ScaleSpec,
    staff: Staff,
    clients: Clients,
    aum: Aum,
    assigned: Bool,
    start0: I64,
    cal: Calendar,
) -> tuple[I64, I64]:
    """~82% of clients who reach black-gold (and ~8% of platinum ones) get a secondary advisor,
    from the month they first reach that tier (dual-manager coverage ~80%)."""
    n = clients.n
    n_sb = spec.branches * spec.sub_branches
    tier = np.where(aum.in_rel, aum.tier, -1)
    best = tier.max(axis=1)
    wants = assigned & chance(
        rng, n, np.where(best == TOP, 0.82, np.where(best == PLAT, 0.08, 0.0))
    )
    first = np.argmax(tier >= np.maximum(best, PLAT)[:, None], axis=1)
    # Candidate advisors of a sub-branch: its own, else the branch's own advisors.
    advisors = np.flatnonzero(staff.role == ADVISOR)
    own = np.zeros(n_sb, np.int64)
    np.add.at(own, staff.sb[advisors][staff.sb[advisors] >= 0], 1)
    sb_all = np.arange(n_sb)
    group_of_adv = np.where(
        staff.sb[advisors] >= 0, staff.sb[advisors], n_sb + staff.branch[advisors]
    )
    members, offsets = group_slices(group_of_adv, n_sb + spec.branches)
    members = advisors[members]
    group_sb = np.where(own > 0, sb_all, n_sb + sb_all // spec.sub_branches)
    adv = pick_in_groups(rng, members, offsets, group_sb[clients.sb], None)
    before = (first == 0) & (start0 < cal.first_day)
    start = np.where(
        before,
        uniform_days(rng, start0, cal.first_day - 1, n),
        cal.month_start[first] + rng.integers(0, 46, n),
    )
    start = np.maximum(start, start0 + 1)
    ok = wants & (start <= AS_OF_DAY) & ((clients.closed == NA) | (start < clients.closed))
    return np.where(ok, adv, -1).astype(np.int64), np.where(ok, start, NA).astype(np.int64)
