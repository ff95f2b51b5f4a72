"""Vectorised numpy helpers: day numbers, random draws per row, grouping, keys and ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from data.demo.spec import DAY, EPOCH

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]
Rng = np.random.Generator

# Relative weight of each hour of the day for office work (08:00-21:59).
OFFICE_HOURS: F64 = np.zeros(24)
OFFICE_HOURS[8:22] = [2, 10, 12, 10, 3, 6, 11, 12, 10, 6, 3, 2, 2, 1]


def day_of(d: dt.date) -> int:
    return (d - EPOCH).days


def date_of(day: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(day))


def uniform_days(rng: Rng, lo: I64 | int, hi: I64 | int, size: int | None = None) -> I64:
    """A uniform day in [lo, hi] (inclusive), element-wise."""
    lo_a = np.asarray(lo, dtype=np.int64)
    hi_a = np.asarray(hi, dtype=np.int64)
    n = size if size is not None else int(np.broadcast(lo_a, hi_a).size)
    span = np.maximum(hi_a - lo_a + 1, 1)
    return (lo_a + np.floor(rng.random(n) * span).astype(np.int64)).astype(np.int64)


def chance(rng: Rng, n: int, p: float | F64, at_least: int = 0, among: Bool | None = None) -> Bool:
    """Bernoulli(p) per row, restricted to `among`, with at least `at_least` hits when possible.

    The minimum makes the rare edge cases (a closure, a sealed archive...) exist even in `tiny`.
    """
    hit = rng.random(n) < p
    if among is not None:
        hit &= among
    missing = at_least - int(hit.sum())
    if missing > 0:
        pool = np.flatnonzero((among if among is not None else np.ones(n, bool)) & ~hit)
        if pool.size:
            hit[rng.choice(pool, size=min(missing, pool.size), replace=False)] = True
    return hit


def categorical(rng: Rng, probs: F64, group: I64 | None, n: int) -> I64:
    """One code per row from the probability row of its group (`probs` is groups x codes)."""
    cum = np.cumsum(np.atleast_2d(probs), axis=1)
    cum /= cum[:, -1:]
    u = rng.random(n)
    groups = np.zeros(n, np.int64) if group is None else group
    out = np.zeros(n, np.int64)
    for g in range(cum.shape[0]):
        sel = groups == g
        out[sel] = np.searchsorted(cum[g], u[sel], side="right")
    return np.minimum(out, cum.shape[1] - 1)


def office_seconds(rng: Rng, n: int) -> I64:
    """Seconds into the day, mostly in office hours."""
    hour = categorical(rng, OFFICE_HOURS, None, n)
    return hour * 3600 + rng.integers(0, 3600, n)


def in_office_hours(rng: Rng, t: I64) -> I64:
    """Moves a time that falls in the night (21:00-08:00) forward to the next morning: answers
    and completions are recorded when people are at work. Never moves a time backwards."""
    sec = t % DAY
    day = t // DAY + (sec >= 21 * 3600)
    morning = day * DAY + 8 * 3600 + rng.integers(0, 5400, t.size)
    return np.where((sec >= 21 * 3600) | (sec < 8 * 3600), morning, t).astype(np.int64)


def unique_rows(*keys: NDArray[Any]) -> Bool:
    """Mask keeping the first row of every distinct key (a contract key must be unique)."""
    n = keys[0].size
    if n == 0:
        return np.ones(0, bool)
    order = np.lexsort(keys[::-1])
    same = np.ones(n - 1, bool)
    for k in keys:
        ks = k[order]
        same &= ks[1:] == ks[:-1]
    keep = np.ones(n, bool)
    keep[order[1:][same]] = False
    return keep


def pick_in_groups(rng: Rng, members: I64, offsets: I64, group: I64, exclude: I64 | None) -> I64:
    """A random member of each row's group (groups are slices of `members`), avoiding `exclude`.

    Every group that is asked must have at least two members when `exclude` is given.
    """
    count = offsets[group + 1] - offsets[group]
    r = np.floor(rng.random(group.size) * count).astype(np.int64)
    pick = members[offsets[group] + r]
    if exclude is not None:
        again = pick == exclude
        pick[again] = members[offsets[group[again]] + (r[again] + 1) % count[again]]
    return pick


def group_slices(keys: I64, n_groups: int) -> tuple[I64, I64]:
    """Row indices sorted by key, and offsets such that group g is members[off[g]:off[g+1]]."""
    members = np.argsort(keys, kind="stable").astype(np.int64)
    offsets = np.zeros(n_groups + 1, np.int64)
    offsets[1:] = np.cumsum(np.bincount(keys, minlength=n_groups))
    return members, offsets


def add_years(days: I64, years: int) -> I64:
    """The same calendar day `years` later (29 Feb becomes 28 Feb), element-wise."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month).astype(np.int64)
    target = month + np.timedelta64(12 * years, "M")
    month_len = ((target + np.timedelta64(1, "M")).astype("datetime64[D]") - target).astype(
        np.int64
    )
    out = target.astype("datetime64[D]") + np.minimum(dom, month_len - 1)
    return out.astype(np.int64)


def padded_ids(rng: Rng, n: int, width: int, start: int, limit: int) -> pa.Array:
    """`n` increasing ids below `limit`, zero-padded to `width` (leading zeros matter)."""
    step = max(1, (limit - start) // max(n, 1))
    ids = start + np.cumsum(rng.integers(1, step + 1, n))
    return pc.utf8_lpad(pa.array(ids).cast(pa.string()), width, "0")
