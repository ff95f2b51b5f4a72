"""Each client's monthly AUM, and the account events (large outflows, closures) behind it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from data.demo.arrays import F64, I64, Bool, Rng, chance, office_seconds, unique_rows
from data.demo.calendar import Calendar
from data.demo.clients import Clients, tier_of
from data.demo.spec import DAY, NA, PLAT


@dataclass(frozen=True)
class Aum:
    value: F64  # clients x months, yuan; meaningful inside the relationship
    present: Bool  # an AUM row exists (inside the relationship, not a data gap)
    in_rel: Bool  # the month lies between opening and closure
    tier: NDArray[np.int8]


def build_aum(rng: Rng, clients: Clients, cal: Calendar) -> Aum:
    """Monthly average daily AUM: a log random walk that ends at each client's level.

    Built backwards from the as-of level so that the tier shares hold at as-of. Growth with noise,
    occasional inflows, sharp drops (>= 30%, the retention alerts), new money ramping up after an
    opening, part months at opening and closure, and rare data gaps.
    """
    n, months = clients.n, cal.months
    m = np.arange(months)
    inc = rng.normal(0.004, 0.03, (n, months))
    inflow = rng.random((n, months)) < 0.012
    inc[inflow] += np.abs(rng.normal(0.3, 0.15, int(inflow.sum())))
    drop = rng.random((n, months)) < 0.0045
    inc[drop] = np.log(rng.uniform(0.3, 0.68, int(drop.sum())))
    # New money arrives over the first months of a new relationship.
    new = clients.opened >= cal.first_day
    for k, boost in ((1, 0.35), (2, 0.15)):
        ramp = new & (clients.open_m + k < months)
        inc[ramp, clients.open_m[ramp] + k] += boost
    inc[:, 0] = 0.0
    # log level[m] = log level[last] - sum of the increments after m.
    after = np.cumsum(inc[:, ::-1], axis=1)[:, ::-1]
    log_level = np.log(clients.level)[:, None] - (after - inc)
    del inc, after
    value = np.exp(log_level)
    del log_level
    rows = np.arange(n)
    # Part months: a new client holds money only from the opening day; a closing one runs down.
    ms, me = cal.month_start, cal.month_end
    length = (me - ms + 1).astype(np.float64)
    part = new
    om = clients.open_m[part]
    value[rows[part], om] *= (me[om] - clients.opened[part] + 1) / length[om]
    closing = clients.closed != NA
    cm = clients.close_m[closing]
    value[rows[closing], cm] *= (clients.closed[closing] - ms[cm]) / length[cm]
    run_down = closing & (clients.close_m > clients.open_m) & (rng.random(n) < 0.5)
    value[rows[run_down], clients.close_m[run_down] - 1] *= rng.uniform(0.3, 0.7, run_down.sum())
    in_rel = (m[None, :] >= clients.open_m[:, None]) & (m[None, :] <= clients.close_m[:, None])
    # Rare gaps inside a relationship (never its first or last month, never the as-of month).
    inner = (
        (m[None, :] > clients.open_m[:, None])
        & (m[None, :] < clients.close_m[:, None])
        & (m[None, :] < months - 1)
    )
    gap = chance(rng, n * months, 0.0008, at_least=1, among=inner.ravel()).reshape(n, months)
    present = in_rel & ~gap
    value = np.round(value, 2).astype(np.float64)
    return Aum(value=value, present=present, in_rel=in_rel, tier=tier_of(value))


@dataclass(frozen=True)
class AccountEvents:
    """Money leaving clients' accounts (kind 0: large outflow of `fen`) and closures (kind 1)."""

    client: I64
    at: I64
    kind: I64
    fen: I64


def build_account_events(rng: Rng, c: Clients, a: Aum, cal: Calendar) -> AccountEvents:
    """Closures on the closing day (after a final large outflow for most), large outflows in the
    months of sharp drops, and occasional outflows of richer clients without a drop."""
    parts: list[tuple[I64, I64, int, I64]] = []
    closed = np.flatnonzero(c.closed != NA)
    close_at = c.closed[closed] * DAY + rng.integers(10 * 3600, 16 * 3600, closed.size)
    parts.append((closed, close_at, 1, np.full(closed.size, NA, np.int64)))
    before = np.maximum(c.close_m[closed] - 1, c.open_m[closed])
    last_value = a.value[closed, before]
    final = (last_value >= 50_000) & (rng.random(closed.size) < 0.6)
    fc = closed[final]
    f_day = np.maximum(
        c.closed[fc] - rng.integers(0, 6, fc.size), np.maximum(c.opened[fc], cal.first_day)
    )
    f_at = np.minimum(f_day * DAY + office_seconds(rng, fc.size), close_at[final] - 60)
    f_fen = np.round(last_value[final] * rng.uniform(0.8, 1.0, fc.size), -2) * 100
    parts.append((fc, f_at, 0, f_fen.astype(np.int64)))
    # Outflows in sharp-drop months, and random ones for platinum-or-better clients.
    both = a.present[:, 1:] & a.present[:, :-1]
    prev, cur = a.value[:, :-1], a.value[:, 1:]
    dropped = both & (prev > 0) & (cur <= 0.7 * prev) & (prev - cur >= 50_000)
    drop_c, drop_m = np.nonzero(dropped & (rng.random(dropped.shape) < 0.7))
    drop_m = drop_m + 1
    drop_amount = (a.value[drop_c, drop_m - 1] - a.value[drop_c, drop_m]) * rng.uniform(
        1.0, 1.8, drop_c.size
    )
    rich = a.present & (a.tier >= PLAT)
    rich[:, 1:] &= ~dropped
    rand_c, rand_m = np.nonzero(rich & (rng.random(rich.shape) < 0.012))
    rand_amount = a.value[rand_c, rand_m] * rng.uniform(0.1, 0.3, rand_c.size)
    oc = np.concatenate([drop_c, rand_c]).astype(np.int64)
    om = np.concatenate([drop_m, rand_m]).astype(np.int64)
    amount = np.concatenate([drop_amount, rand_amount])
    last = np.where(
        c.closed[oc] != NA, np.minimum(c.closed[oc] - 1, cal.month_end[om]), cal.month_end[om]
    )
    first = np.maximum(cal.month_start[om], c.opened[oc])
    ok = first <= last
    oc, om, amount, first, last = oc[ok], om[ok], amount[ok], first[ok], last[ok]
    day = cal.pick_days(rng, first, last, 0.95)
    o_fen = np.maximum(np.round(amount, -2), 100.0) * 100
    parts.append((oc, day * DAY + office_seconds(rng, oc.size), 0, o_fen.astype(np.int64)))
    client = np.concatenate([p[0] for p in parts])
    at = np.concatenate([p[1] for p in parts])
    kind = np.concatenate([np.full(p[0].size, p[2], np.int64) for p in parts])
    fen = np.concatenate([p[3] for p in parts])
    keep = unique_rows(client, at, kind)
    return AccountEvents(client[keep], at[keep], kind[keep], fen[keep])
