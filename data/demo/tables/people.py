"""Tables of the organisation, the staff, the clients and who manages them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from data.demo.arrays import I64, Rng, categorical, group_slices, unique_rows
from data.demo.clients import tier_of
from data.demo.output import Table, dates, ids_of, labels_of, numbers, time_order
from data.demo.spec import AS_OF_DAY, MASS, NA, NEVER, ROLES, TOP
from data.demo.vocabulary import CYCLES, PHONE_PREFIXES, RISK_LEVELS, chinese_names
from data.demo.world import World


def org_units_table(rng: Rng, w: World) -> Table:
    orgs = w.orgs
    n = len(orgs.ids)
    parent = np.array([-1 if p is None else orgs.ids.index(p) for p in orgs.parents], np.int64)
    ids = pa.array(orgs.ids, pa.string())
    return Table(
        "org_units.csv",
        [
            ("org_id", ids_of(ids, np.arange(n))),
            ("name", ids_of(pa.array(orgs.names, pa.string()), np.arange(n))),
            (
                "kind",
                labels_of(["branch", "sub_branch"], (np.array(orgs.kinds) == "sub_branch") * 1),
            ),
            ("parent_id", ids_of(ids, parent)),
        ],
        np.arange(n, dtype=np.int64),
    )


def staff_table(rng: Rng, w: World) -> Table:
    s = w.staff
    rows = np.arange(s.n)
    return Table(
        "staff.csv",
        [
            ("staff_id", ids_of(s.ids, rows)),
            ("name", ids_of(s.names, rows)),
            ("role", labels_of(ROLES, s.role)),
            ("org_id", ids_of(pa.array(w.orgs.ids, pa.string()), s.org_row)),
            ("hired_on", dates(s.hired)),
            ("left_on", dates(s.left)),
        ],
        rows.astype(np.int64),
    )


def clients_table(rng: Rng, w: World) -> Table:
    c = w.clients
    n = c.n
    tier = tier_of(c.level)
    female = rng.random(n) < 0.5
    names = chinese_names(rng, female)
    # Older clients hold more: top clients are mostly in their fifties and sixties.
    age = np.where(tier == TOP, rng.normal(56, 10, n), rng.normal(45, 14, n))
    age = np.clip(age, 20, 88)
    birth = AS_OF_DAY - np.round(age * 365.25).astype(np.int64)
    birth = np.where(rng.random(n) < 0.02, NA, birth)
    prefix = np.array(PHONE_PREFIXES, np.int64)[rng.integers(0, len(PHONE_PREFIXES), n)]
    phone = prefix * 100_000_000 + rng.integers(0, 100_000_000, n)
    phone_null = rng.random(n) < 0.03
    cycle_p = np.array([[0.0, 0.05, 0.95], [0.1, 0.7, 0.2], [0.9, 0.1, 0.0]])
    cycle = categorical(rng, cycle_p, tier.astype(np.int64), n)
    # Some mass clients have no cycle in the CRM: the contract's default (quarterly) applies.
    cycle = np.where((tier == MASS) & (rng.random(n) < 0.05), -1, cycle)
    risk_p = np.array([[0.12, 0.3, 0.35, 0.17, 0.06], [0.06, 0.24, 0.4, 0.22, 0.08]])
    risk = categorical(rng, risk_p, (tier > MASS).astype(np.int64), n)
    risk = np.where(rng.random(n) < 0.03, -1, risk)
    rows = np.arange(n)
    return Table(
        "clients.csv",
        [
            ("client_id", ids_of(c.ids, rows)),
            ("name", ids_of(names, rows)),
            ("gender", labels_of(["男", "女"], female.astype(np.int64))),
            ("birth_date", dates(birth)),
            ("phone", numbers(phone, phone_null)),
            ("opened_on", dates(c.opened)),
            ("closed_on", dates(c.closed)),
            ("contact_cycle", labels_of(CYCLES, cycle)),
            ("risk_level", labels_of(RISK_LEVELS, risk)),
        ],
        rows.astype(np.int64),
    )


def assignments_table(rng: Rng, w: World) -> Table:
    b, c = w.book, w.clients
    rows: list[tuple[I64, I64, int, I64, I64]] = []  # client, staff, role, start, end
    first = np.flatnonzero(b.assigned)
    end0 = np.where(b.td[first] != NA, b.td[first], b.p_end[first])
    rows.append((first, b.p0[first], 0, b.start0[first], end0))
    moved = np.flatnonzero(b.td != NA)
    rows.append((moved, b.p1[moved], 0, b.td[moved], b.p_end[moved]))
    sec = np.flatnonzero(b.adv >= 0)
    rows.append((sec, b.adv[sec], 1, b.adv_start[sec], b.adv_end[sec]))
    # Proxy rows: every client in the absent planner's book when the leave starts.
    lv = w.leaves
    seg_client = np.concatenate([first, moved])
    seg_staff = np.concatenate([b.p0[first], b.p1[moved]])
    seg_start = np.concatenate([b.start0[first], b.td[moved]])
    seg_end = np.concatenate([end0, b.p_end[moved]])
    seg_end = np.where(seg_end == NA, NEVER, seg_end)
    by_staff, offsets = group_slices(seg_staff, w.staff.n)
    counts = offsets[lv.staff + 1] - offsets[lv.staff]
    ep = np.repeat(np.arange(lv.staff.size), counts)
    within = np.arange(ep.size) - np.repeat(np.cumsum(counts) - counts, counts)
    seg = by_staff[np.repeat(offsets[lv.staff], counts) + within]
    day = lv.start[ep]
    closed = c.closed[seg_client[seg]]
    live = (seg_start[seg] <= day) & (day < seg_end[seg]) & ((closed == NA) | (closed > day))
    ep, seg = ep[live], seg[live]
    rows.append((seg_client[seg], lv.proxy[ep], 2, lv.start[ep], lv.end[ep]))
    client = np.concatenate([r[0] for r in rows])
    staff = np.concatenate([r[1] for r in rows])
    role = np.concatenate([np.full(r[0].size, r[2], np.int64) for r in rows])
    start = np.concatenate([r[3] for r in rows])
    end = np.concatenate([r[4] for r in rows])
    keep = unique_rows(client, staff, role, start)
    client, staff, role, start, end = (a[keep] for a in (client, staff, role, start, end))
    return Table(
        "assignments.csv",
        [
            ("client_id", ids_of(c.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("role", labels_of(["primary", "secondary", "proxy"], role)),
            ("start_on", dates(start)),
            ("end_on", dates(end)),
        ],
        time_order(client, start, role, staff),
    )
