"""Tables of the staff's growth records: trainings, certificates, rewards and penalties."""

from __future__ import annotations

import datetime as dt

import numpy as np

from data.demo.arrays import (
    Rng,
    add_years,
    categorical,
    chance,
    date_of,
    day_of,
    uniform_days,
    unique_rows,
)
from data.demo.output import Table, dates, ids_of, labels_of, numbers, time_order
from data.demo.spec import AS_OF_DAY, DEMO_AS_OF, NA
from data.demo.vocabulary import (
    CERTIFICATES,
    COURSES,
    PENALTY_REASONS,
    REWARD_KINDS,
    REWARD_REASONS,
)
from data.demo.world import World, managers, staff_months


def trainings_table(rng: Rng, w: World) -> Table:
    """2-3 courses a quarter per planner and advisor: most completed, some over-completed, some
    partial or not started, the current quarter in progress; no score when there was no exam."""
    s, cal = w.staff, w.cal
    first = date_of(cal.first_day)
    q = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
    quarters: list[int] = []
    while q <= DEMO_AS_OF:
        quarters.append(day_of(q))
        q = dt.date(q.year + (q.month == 10), (q.month + 2) % 12 + 1, 1)
    qs = np.array(quarters, np.int64)
    people = managers(w)
    staff = np.repeat(people, qs.size)
    start = np.tile(qs, people.size)
    active = s.active_on(staff, start + 30) & (s.hired[staff] <= start)
    staff, start = staff[active], start[active]
    k = rng.integers(2, 4, staff.size)
    course_rank = np.argsort(rng.random((staff.size, len(COURSES))), axis=1)
    row = np.repeat(np.arange(staff.size), k)
    slot = np.arange(row.size) - np.repeat(np.cumsum(k) - k, k)
    course = course_rank[row, slot].astype(np.int64)
    staff, start = staff[row], start[row]
    n = row.size
    required = np.array([4.0, 6.0, 8.0, 12.0, 16.0])[
        categorical(rng, np.array([1, 2, 3, 2, 1.0]), None, n)
    ]
    outcome = categorical(rng, np.array([0.55, 0.15, 0.22, 0.08]), None, n)
    over = chance(rng, n, 0.0, at_least=1, among=outcome == 0)  # at least one over-completed
    outcome = np.where(over, 1, outcome)
    factor = np.select(
        [outcome == 0, outcome == 1, outcome == 2],
        [np.ones(n), rng.uniform(1.1, 1.6, n), rng.uniform(0.2, 0.95, n)],
        np.zeros(n),
    )
    current = start == qs[-1]
    factor = np.where(current & (outcome != 1), factor * rng.uniform(0.0, 0.7, n), factor)
    done = np.round(required * factor * 2) / 2
    score = np.clip(np.round(rng.normal(85, 7, n)), 40, 100)
    no_score = (done == 0) | (rng.random(n) < 0.2)
    return Table(
        "trainings.csv",
        [
            ("staff_id", ids_of(s.ids, staff)),
            ("course", labels_of(COURSES, course)),
            ("period_start", dates(start)),
            ("hours_required", numbers(required)),
            ("hours_done", numbers(done)),
            ("score", numbers(score.astype(np.int64), no_score)),
        ],
        time_order(start, staff, course),
    )


def certificates_table(rng: Rng, w: World) -> Table:
    """Professional certificates. AFP/CFP (2 years) and CHFP (3 years) are renewed by continuing
    education, most of the time; the qualification exams (基金从业...) do not expire."""
    s = w.staff
    people = managers(w)
    share = np.array([0.5, 0.15, 0.1, 0.85, 0.6, 0.3])
    valid_years = np.array([2, 2, 3, 0, 0, 0])
    staff = np.repeat(people, len(CERTIFICATES))
    cert = np.tile(np.arange(len(CERTIFICATES)), people.size)
    holds = rng.random(staff.size) < share[cert]
    staff, cert = staff[holds], cert[holds]
    lo = np.maximum(s.hired[staff], day_of(dt.date(2008, 1, 1)))
    first = uniform_days(rng, lo, AS_OF_DAY - 1, staff.size)
    rows_staff, rows_cert, rows_on, rows_exp = [staff], [cert], [first], [np.full(staff.size, NA)]
    obtained = first.copy()
    renewing = np.ones(staff.size, bool)
    for years in (2, 3):
        has = valid_years[cert] == years
        rows_exp[0] = np.where(has, add_years(first, years), rows_exp[0])
    expires = rows_exp[0].copy()
    # Renewal chains: each renewal starts the day the previous one expires.
    for _ in range(12):
        renewing &= (
            (valid_years[cert] > 0) & (expires <= AS_OF_DAY) & (rng.random(staff.size) < 0.85)
        )
        if not renewing.any():
            break
        obtained = np.where(renewing, expires, obtained)
        new_exp = expires.copy()
        for years in (2, 3):
            sel = renewing & (valid_years[cert] == years)
            new_exp[sel] = add_years(expires[sel], years)
        rows_staff.append(staff[renewing])
        rows_cert.append(cert[renewing])
        rows_on.append(obtained[renewing])
        rows_exp.append(new_exp[renewing])
        expires = np.where(renewing, new_exp, expires)
    st = np.concatenate(rows_staff)
    ce = np.concatenate(rows_cert)
    on = np.concatenate(rows_on)
    ex = np.concatenate(rows_exp).astype(np.int64)
    return Table(
        "certificates.csv",
        [
            ("staff_id", ids_of(s.ids, st)),
            ("name", labels_of(CERTIFICATES, ce)),
            ("obtained_on", dates(on)),
            ("expires_on", dates(ex)),
        ],
        time_order(on, st, ce),
    )


def rewards_table(rng: Rng, w: World) -> Table:
    staff, _, lo, hi = staff_months(w, managers(w))
    n = staff.size
    n_reward = rng.poisson(0.12, n)
    n_penalty = rng.poisson(0.035, n)
    kind = np.concatenate([np.zeros(n_reward.sum(), np.int64), np.ones(n_penalty.sum(), np.int64)])
    row = np.concatenate([np.repeat(np.arange(n), n_reward), np.repeat(np.arange(n), n_penalty)])
    if not (kind == 1).any() and n:  # at least one penalty
        kind = np.append(kind, 1)
        row = np.append(row, 0)
    day = w.cal.pick_days(rng, lo[row], hi[row], 1.0)
    points_r = np.array([1, 2, 3, 5, 8, 10])[
        categorical(rng, np.array([5, 5, 4, 3, 2, 1.0]), None, row.size)
    ]
    points_p = np.array([1, 2, 3, 5])[categorical(rng, np.array([4, 3, 2, 1.0]), None, row.size)]
    points = np.where(kind == 0, points_r, points_p)
    reason = np.where(
        kind == 0,
        rng.integers(0, len(REWARD_REASONS), row.size),
        len(REWARD_REASONS) + rng.integers(0, len(PENALTY_REASONS), row.size),
    )
    st = staff[row]
    keep = unique_rows(st, day, reason)
    st, day, kind, points, reason = st[keep], day[keep], kind[keep], points[keep], reason[keep]
    return Table(
        "rewards.csv",
        [
            ("staff_id", ids_of(w.staff.ids, st)),
            ("on", dates(day)),
            ("kind", labels_of(REWARD_KINDS, kind)),
            ("points", numbers(points.astype(np.int64))),
            ("reason", labels_of(REWARD_REASONS + PENALTY_REASONS, reason)),
        ],
        time_order(day, st, reason),
    )
