"""The clients: opening, closure, place in the organisation and final AUM level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from data.demo.arrays import F64, I64, Rng, chance, day_of, padded_ids, uniform_days
from data.demo.calendar import Calendar
from data.demo.orgs import Orgs
from data.demo.spec import AS_OF_DAY, BLACK_GOLD, NA, PLATINUM, ScaleSpec


@dataclass(frozen=True)
class Clients:
    ids: pa.Array
    opened: I64
    closed: I64  # NA while open
    branch: I64
    sb: I64
    level: F64  # AUM at the as-of month (the last month before closure for closed clients)
    open_m: I64  # first month index with an AUM row
    close_m: I64  # last month index with an AUM row

    @property
    def n(self) -> int:
        return int(self.opened.size)


def tier_of(aum: F64) -> NDArray[np.int8]:
    return ((aum >= PLATINUM).astype(np.int8) + (aum >= BLACK_GOLD)).astype(np.int8)


def final_levels(rng: Rng, n: int) -> F64:
    """AUM levels with exact tier shares: ~2.5% black-gold (Pareto tail), ~15% platinum, the rest
    mass (lognormal around 60,000). Exact shares keep even `tiny` representative."""
    n_top = min(n, max(3, round(0.025 * n)))
    n_plat = min(n - n_top, max(6, round(0.15 * n)))
    n_mass = n - n_top - n_plat
    top = np.minimum(BLACK_GOLD * (1.0 + rng.pareto(1.6, n_top)), 3e8)
    # Truncated Pareto between the platinum and black-gold thresholds (inverse CDF).
    a, lo, hi = 1.1, PLATINUM, BLACK_GOLD
    u = rng.random(n_plat)
    plat = lo / (1.0 - u * (1.0 - (lo / hi) ** a)) ** (1.0 / a)
    plat = np.minimum(plat, hi - 1.0)
    mass = np.exp(rng.normal(np.log(60_000.0), 1.2, n_mass))
    for _ in range(50):  # redraw the few outside the mass band
        bad = (mass >= PLATINUM) | (mass < 500.0)
        if not bad.any():
            break
        mass[bad] = np.exp(rng.normal(np.log(60_000.0), 1.2, int(bad.sum())))
    mass = np.clip(mass, 500.0, PLATINUM - 1.0)
    return rng.permutation(np.concatenate([top, plat, mass]))


def build_clients(rng: Rng, spec: ScaleSpec, orgs: Orgs, cal: Calendar) -> Clients:
    n = spec.clients * spec.branches
    # About 5% new relationships a year; the rest opened since 2005.
    new = rng.random(n) < 0.05 * cal.months / 12
    old_open = uniform_days(rng, day_of(dt.date(2005, 1, 1)), cal.first_day - 1, n)
    new_open = uniform_days(rng, cal.first_day, AS_OF_DAY - 1, n)
    # Client numbers follow opening order, so sorting by row number sorts by id too.
    opened = np.sort(np.where(new, new_open, old_open))
    branch = rng.permutation(np.repeat(np.arange(spec.branches), spec.clients)).astype(np.int64)
    # Sub-branch within the branch, in proportion to the sub-branch's size.
    w = orgs.sb_weight.reshape(spec.branches, spec.sub_branches)
    cum = np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True) + np.arange(spec.branches)[:, None]
    local = np.searchsorted(cum.ravel(), branch + rng.random(n), side="right")
    sb = np.minimum(local, branch * spec.sub_branches + spec.sub_branches - 1).astype(np.int64)
    level = final_levels(rng, n)
    # Churn: ~2.5% a year, less among the richer clients.
    eligible = opened + 90 <= AS_OF_DAY
    p_close = 0.025 * cal.months / 12 * np.array([1.0, 0.6, 0.4])[tier_of(level)]
    closing = chance(rng, n, p_close, at_least=1, among=eligible)
    closed_day = uniform_days(rng, np.maximum(opened + 90, cal.first_day), AS_OF_DAY, n)
    closed = np.where(closing, closed_day, NA).astype(np.int64)
    open_m = np.where(opened < cal.first_day, 0, cal.month_of(opened)).astype(np.int64)
    close_m = np.where(closing, cal.month_of(closed), cal.months - 1).astype(np.int64)
    return Clients(
        ids=padded_ids(rng, n, 10, 10_000_000, 900_000_000),
        opened=opened,
        closed=closed,
        branch=branch,
        sb=sb,
        level=level,
        open_m=open_m,
        close_m=close_m,
    )
