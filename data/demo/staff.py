"""The staff: a director per branch, a head per sub-branch, planners and advisors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from data.demo.arrays import F64, I64, Bool, Rng, day_of, padded_ids, uniform_days
from data.demo.calendar import Calendar
from data.demo.orgs import Orgs
from data.demo.spec import ADVISOR, DIRECTOR, HEAD, NA, NEVER, PLANNER, ScaleSpec
from data.demo.vocabulary import chinese_names


@dataclass(frozen=True)
class Staff:
    ids: pa.Array
    names: pa.Array
    role: I64
    org_row: I64
    sb: I64  # sub-branch, -1 for staff of a branch
    branch: I64
    hired: I64
    left: I64  # NA while employed (filled in by build_book)
    idle_from: I64  # no login nor activity from this day (NEVER for most; set by build_leaves)
    diligence: F64  # contact-rate multiplier of a planner or advisor
    skill: F64  # mean satisfaction score of the staff member

    @property
    def n(self) -> int:
        return int(self.role.size)

    def active_on(self, idx: I64, day: I64) -> Bool:
        left = self.left[idx]
        return (day >= self.hired[idx]) & ((left == NA) | (day < left))


def allocate(total: int, weights: F64, minimum: int) -> I64:
    """Split `total` in proportion to `weights` (largest remainder), each share >= minimum."""
    spare = total - minimum * weights.size
    if spare < 0:
        raise ValueError(f"cannot give {weights.size} units {minimum} each out of {total}")
    raw = spare * weights / weights.sum()
    share = np.floor(raw).astype(np.int64)
    rest = spare - int(share.sum())
    share[np.argsort(-(raw - share), kind="stable")[:rest]] += 1
    return share + minimum


def build_staff(rng: Rng, spec: ScaleSpec, orgs: Orgs, cal: Calendar) -> Staff:
    role: list[I64] = []
    sb: list[I64] = []
    n_sb = spec.sub_branches
    for b in range(spec.branches):
        sbs = np.arange(b * n_sb, (b + 1) * n_sb)
        per_sb = allocate(spec.planners, orgs.sb_weight[sbs], minimum=2)
        planner_sb = np.repeat(sbs, per_sb)
        # Advisors alternate between the branch's own team and the larger sub-branches' teams.
        adv_at_sb = np.arange(spec.advisors) % 2 == 1
        adv_sb = np.where(adv_at_sb, sbs[(np.arange(spec.advisors) // 2) % n_sb], -1)
        role += [np.array([DIRECTOR]), np.full(n_sb, HEAD), np.full(per_sb.sum(), PLANNER)]
        role += [np.full(spec.advisors, ADVISOR)]
        sb += [np.array([-1]), sbs, planner_sb, adv_sb]
    role_a = np.concatenate(role).astype(np.int64)
    sb_a = np.concatenate(sb).astype(np.int64)
    branch = np.where(sb_a >= 0, orgs.sb_branch[np.maximum(sb_a, 0)], 0)
    # Branch-level staff: the director and the branch's own advisors.
    b_index = np.cumsum(role_a == DIRECTOR) - 1
    branch = np.where(sb_a >= 0, branch, b_index).astype(np.int64)
    org_row = np.where(sb_a >= 0, orgs.sb_row[np.maximum(sb_a, 0)], orgs.branch_row[branch])
    n = role_a.size
    # Hire dates by role; everyone who manages clients joined at least a year before the window.
    latest = cal.first_day - 365
    hire_lo = np.array([day_of(dt.date(2010, 1, 1)), day_of(dt.date(2011, 1, 1))] * 2)
    hire_lo[HEAD], hire_lo[DIRECTOR] = day_of(dt.date(2008, 1, 1)), day_of(dt.date(2006, 1, 1))
    hire_hi = np.array(
        [latest, latest, day_of(dt.date(2017, 12, 31)), day_of(dt.date(2012, 12, 31))]
    )
    hired = uniform_days(rng, hire_lo[role_a], hire_hi[role_a])
    # Employee numbers follow hiring order, as an HR system hands them out.
    order = np.argsort(hired, kind="stable")
    role_a, sb_a, branch, org_row, hired = (
        a[order] for a in (role_a, sb_a, branch, org_row, hired)
    )
    female = rng.random(n) < 0.55
    return Staff(
        ids=padded_ids(rng, n, 6, 100, 90_000),
        names=chinese_names(rng, female),
        role=role_a,
        org_row=org_row.astype(np.int64),
        sb=sb_a,
        branch=branch,
        hired=hired,
        left=np.full(n, NA, np.int64),
        idle_from=np.full(n, NEVER, np.int64),
        diligence=np.exp(rng.normal(0.0, 0.25, n)),
        skill=rng.uniform(80.0, 94.0, n),
    )
