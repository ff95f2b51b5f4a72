"""Tables of the organisation, the staff, the clients and who manages them."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.demo.arrays import I64, Bool, Rng, categorical, group_slices, unique_rows
from data.demo.clients import tier_of
from data.demo.lifecycle import OTHER, STAFF_REFERRAL, secondary_ends
from data.demo.output import Converter, Table, dates, ids_of, labels_of, numbers, time_order
from data.demo.spec import AS_OF_DAY, MASS, NA, NEVER, ROLES, TOP
from data.demo.vocabulary import CLIENT_SOURCES, CYCLES, PHONE_PREFIXES, RISK_LEVELS, chinese_names
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
    # The world's staff, then the life cycle's lobby managers (role `other`, higher ids).
    s, life = w.staff, w.life
    k = len(life.other_ids)
    rows = np.arange(s.n + k)
    role = np.concatenate([s.role, np.full(k, OTHER, np.int64)])
    hired = np.concatenate([s.hired, life.other_hired])
    left = np.concatenate([s.left, np.full(k, NA, np.int64)])
    return Table(
        "staff.csv",
        [
            ("staff_id", ids_of(life.staff_ids(s), rows)),
            ("name", ids_of(pa.concat_arrays([s.names, life.other_names]), rows)),
            ("role", labels_of([*ROLES, "other"], role)),
            ("org_id", ids_of(pa.array(w.orgs.ids, pa.string()), life.staff_orgs(s))),
            ("hired_on", dates(hired)),
            ("left_on", dates(left)),
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
            ("source", labels_of(CLIENT_SOURCES, w.life.source)),
            ("referred_by", referrers(w)),
        ],
        rows.astype(np.int64),
    )


def referrers(w: World) -> Converter:
    """A staff_id for a staff referral, a client_id for a client referral, else empty."""
    life = w.life
    staff_ids, client_ids = life.staff_ids(w.staff), w.clients.ids

    def convert(sel: I64) -> pa.Array:
        ref, source = life.referrer[sel], life.source[sel]
        by_staff = source == STAFF_REFERRAL
        as_staff = staff_ids.take(pa.array(np.where(by_staff, ref, 0)))
        as_client = client_ids.take(pa.array(np.where(by_staff | (ref < 0), 0, ref)))
        text = pc.if_else(pa.array(by_staff), as_staff, as_client)
        return pc.if_else(pa.array(ref < 0), pa.scalar(None, pa.string()), text)

    return convert


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
    client, staff, role, start, end = life_cycle_assignments(w, client, staff, role, start, end)
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


def life_cycle_assignments(
    w: World, client: I64, staff: I64, role: I64, start: I64, end: I64
) -> tuple[I64, I64, I64, I64, I64]:
    """The housekeeping of lifecycle.md on the book's rows: assignments left open after a closure
    mostly end within the grace days, secondaries mostly end after a fall below black-gold; and
    the life cycle's overlapping primaries and late secondaries are added."""
    life, closed = w.life, w.clients.closed
    late = life.primary_end[client]
    fix = (end == NA) & (late != NA) & (role < 2) & (start < late)
    end = np.where(fix, late, end)
    x = life.assignments
    x_end = x.code2.copy()
    c = closed[x.client]
    gone = (x.code == 1) & (c != NA)
    tidy = np.where(w.book.end_at_closure[x.client], c, life.primary_end[x.client])
    x_end[gone] = np.where(tidy[gone] != NA, tidy[gone], x_end[gone])
    client, staff = np.concatenate([client, x.client]), np.concatenate([staff, x.staff])
    role, start = np.concatenate([role, x.code]), np.concatenate([start, x.day])
    end = np.concatenate([end, x_end])
    sec = np.flatnonzero(role == 1)
    before = end[sec]
    end[sec] = secondary_ends(w.cal, w.aum, life, client[sec], start[sec], before)
    # Back at black-gold for two month-ends after such an end: the advisor is assigned again.
    ended = sec[end[sec] != before]
    again, again_start = secondary_returns(w, client[ended], end[ended])
    back = ended[again]
    again_end = secondary_ends(
        w.cal, w.aum, life, client[back], again_start, np.full(back.size, NA, np.int64)
    )
    return (
        np.concatenate([client, client[back]]),
        np.concatenate([staff, staff[back]]),
        np.concatenate([role, role[back]]),
        np.concatenate([start, again_start]),
        np.concatenate([end, again_end]),
    )


def secondary_returns(w: World, client: I64, ended: I64) -> tuple[Bool, I64]:
    """Which clients are black-gold at two month-ends after their secondary ended, and the
    start of the new secondary assignment (early in the second of those months)."""
    a, cal = w.aum, w.cal
    top2 = a.in_rel[:, 1:] & a.in_rel[:, :-1] & (a.tier[:, 1:] == TOP) & (a.tier[:, :-1] == TOP)
    cond = top2[client] & (cal.month_end[None, :-1] >= ended[:, None])
    m = np.argmax(cond, axis=1) + 1
    start = np.maximum(
        cal.month_start[m] + (w.life.secondary_when[client] * 20).astype(np.int64), ended + 1
    )
    closed = w.clients.closed[client]
    ok = cond.any(axis=1) & (start <= AS_OF_DAY) & ((closed == NA) | (start < closed))
    return ok, start[ok]
