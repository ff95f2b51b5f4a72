"""Tables of the staff's CRM logs: logins, client information updates and work items."""

from __future__ import annotations

import numpy as np

from data.demo.arrays import Rng, categorical, chance, in_office_hours, office_seconds, unique_rows
from data.demo.output import Table, ids_of, labels_of, money, sequence_ids, time_order, timestamps
from data.demo.spec import AS_OF_DAY, AS_OF_END, DAY, DIRECTOR, NA, NEVER, PLANNER
from data.demo.vocabulary import FIELD_GROUPS, SOURCES, WORK_KINDS, WORK_STATUS
from data.demo.world import World, draw_events, managers, planner_factor, staff_for, staff_months


def logins_table(rng: Rng, w: World) -> Table:
    """CRM logins: most working days, 1-4 sessions a day, rarely at weekends; none during leave,
    after leaving or for idle planners lately. Logout 10-240 minutes later, sometimes missing."""
    s, cal = w.staff, w.cal
    days = np.arange(cal.first_day, AS_OF_DAY + 1)
    n_days = days.size
    active = (days[None, :] >= s.hired[:, None]) & (days[None, :] < s.idle_from[:, None])
    left = np.where(s.left == NA, NEVER, s.left)
    active &= days[None, :] < left[:, None]
    # Leave episodes: +1 on the first day, -1 on the day back, summed along the days.
    lv = w.leaves
    mark = np.zeros((s.n, n_days + 1), np.int64)
    np.add.at(mark, (lv.staff, np.clip(lv.start - cal.first_day, 0, n_days)), 1)
    np.add.at(mark, (lv.staff, np.clip(lv.end - cal.first_day, 0, n_days)), -1)
    active &= np.cumsum(mark, axis=1)[:, :n_days] == 0
    del mark
    habit = np.where(s.role == DIRECTOR, 0.8, rng.uniform(0.72, 0.98, s.n))
    p = np.where(cal.workday[None, :], habit[:, None], 0.03)
    staff, day_i = np.nonzero(active & (rng.random((s.n, n_days)) < p))
    per_day = np.where(s.role == PLANNER, rng.uniform(1.2, 3.2, s.n), 1.0)
    k = np.minimum(1 + rng.poisson(per_day[staff]), 5)
    row = np.repeat(np.arange(staff.size), k)
    j = np.arange(row.size) - np.repeat(np.cumsum(k) - k, k)
    first = np.round(np.clip(rng.normal(8.9, 0.45, staff.size), 7.5, 10.5) * 3600).astype(np.int64)
    sec = first[row] + j * 7920 + rng.integers(-1800, 1800, row.size)
    staff = staff[row].astype(np.int64)
    login = days[day_i[row]] * DAY + sec
    n = login.size
    minutes = np.clip(np.exp(rng.normal(np.log(50.0), 0.7, n)), 10, 240)
    logout = login + np.round(minutes * 60).astype(np.int64)
    no_logout = chance(rng, n, 0.08, at_least=1)
    logout = np.where(no_logout | (logout > AS_OF_END), NA, logout)
    source = np.where(rng.random(n) < np.where(s.role[staff] == PLANNER, 0.35, 0.15), 1, 0)
    source = np.where(rng.random(n) < 0.02, -1, source)
    return Table(
        "logins.csv",
        [
            ("staff_id", ids_of(s.ids, staff)),
            ("login_at", timestamps(login)),
            ("logout_at", timestamps(logout)),
            ("source", labels_of(SOURCES, source)),
        ],
        time_order(login, staff),
    )


def info_updates_table(rng: Rng, w: World) -> Table:
    d = draw_events(rng, w, (0.22, 0.55, 0.9), factor=planner_factor(w))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.2)
    d, staff = d.take(ok), staff[ok]
    group_p = np.array([[0.7, 0.3, 0.0], [0.5, 0.35, 0.15], [0.45, 0.35, 0.2]])
    group = categorical(rng, group_p, d.tier.astype(np.int64), d.client.size)
    at = d.day * DAY + office_seconds(rng, d.day.size)
    # The life cycle's entries: a new wealth account's comprehensive information.
    x = w.life.info_updates
    staff, client = np.concatenate([staff, x.staff]), np.concatenate([d.client, x.client])
    at, group = np.concatenate([at, x.at]), np.concatenate([group, x.code2])
    keep = unique_rows(staff, client, at)
    staff, client, at, group = staff[keep], client[keep], at[keep], group[keep]
    return Table(
        "info_updates.csv",
        [
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("client_id", ids_of(w.clients.ids, client)),
            ("at", timestamps(at)),
            ("field_group", labels_of(FIELD_GROUPS, group)),
        ],
        time_order(at, staff, client),
    )


def work_items_table(rng: Rng, w: World) -> Table:
    """Activities, events, problems, opportunities (with an amount) and SMS tasks; most done,
    some late, some open past their due time (overdue), a few cancelled."""
    rates = {
        0: (0.03, 0.08, 0.2),
        1: (0.08, 0.25, 0.5),
        2: (0.012, 0.035, 0.07),
        3: (0.04, 0.15, 0.3),
        4: (0.65, 1.1, 1.0),
    }
    clients, staff, days, kinds = [], [], [], []
    for code, r in rates.items():
        d = draw_events(rng, w, r)
        st, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.25)
        clients.append(d.client[ok])
        staff.append(st[ok])
        days.append(d.day[ok])
        kinds.append(np.full(int(ok.sum()), code, np.int64))
    # Activities without a client (salons, team campaigns).
    s_staff, _, lo, hi = staff_months(w, managers(w))
    k = rng.poisson(1.2, s_staff.size)
    row = np.repeat(np.arange(s_staff.size), k)
    a_day = w.cal.pick_days(rng, lo[row], hi[row], 0.95)
    a_staff = s_staff[row]
    present = w.leaves.substitute(a_staff, a_day) == a_staff  # nobody organises one on leave
    clients.append(np.full(int(present.sum()), -1, np.int64))
    staff.append(a_staff[present])
    days.append(a_day[present])
    kinds.append(np.zeros(int(present.sum()), np.int64))
    client = np.concatenate(clients)
    st = np.concatenate(staff)
    kind = np.concatenate(kinds)
    created = np.concatenate(days) * DAY + office_seconds(rng, client.size)
    n = client.size
    span_lo = np.array([3, 1, 1, 14, 0])[kind]
    span_hi = np.array([30, 14, 10, 60, 1])[kind]
    span = span_lo + np.floor(rng.random(n) * (span_hi - span_lo + 1)).astype(np.int64)
    due = (created // DAY + span) * DAY + 18 * 3600
    due = np.where(due <= created, due + DAY, due)
    due = np.minimum(due, (AS_OF_DAY + 60) * DAY + 18 * 3600)
    no_due = (kind != 4) & (rng.random(n) < 0.05)
    due = np.where(no_due, NA, due)
    cancelled = chance(rng, n, np.array([0.04, 0.04, 0.04, 0.08, 0.02])[kind], at_least=1)
    done = ~cancelled & (rng.random(n) < np.where(kind == 4, 0.97, 0.86))
    allowed = np.where(no_due, 10 * DAY, due - created)
    on_time = rng.random(n) < 0.82
    delay = np.where(on_time, rng.uniform(0.05, 1.0, n), rng.uniform(1.05, 2.5, n)) * allowed
    done_at = in_office_hours(rng, created + np.maximum(np.round(delay).astype(np.int64), 60))
    done &= done_at <= AS_OF_END  # not finished by the as-of moment: still open
    # Most items left undone for three months are cleaned up (cancelled), so the overdue backlog
    # is mostly recent, as in a CRM that is looked after.
    stale = ~done & ~cancelled & (created < (AS_OF_DAY - 90) * DAY) & (rng.random(n) < 0.97)
    cancelled |= stale
    status = np.where(cancelled, 2, np.where(done, 1, 0))
    done_at = np.where(done, done_at, NA)
    amount = np.round(np.exp(rng.normal(np.log(300_000), 0.9, n)), -3) * 100
    fen = np.where(kind == 3, np.maximum(amount, 1000 * 100), NA).astype(np.int64)
    order = time_order(created, st, kind)
    return Table(
        "work_items.csv",
        [
            ("item_id", sequence_ids("WI", 10, order)),
            ("staff_id", ids_of(w.staff.ids, st)),
            ("client_id", ids_of(w.clients.ids, client)),
            ("kind", labels_of(WORK_KINDS, kind)),
            ("created_at", timestamps(created)),
            ("due_at", timestamps(due)),
            ("done_at", timestamps(done_at)),
            ("status", labels_of(WORK_STATUS, status)),
            ("amount", money(fen)),
        ],
        order,
    )
