"""Tables of the service to clients: contacts, requests, needs, plans, archives and surveys."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.demo.arrays import (
    I64,
    Rng,
    categorical,
    chance,
    in_office_hours,
    office_seconds,
    uniform_days,
    unique_rows,
)
from data.demo.lifecycle import rare
from data.demo.output import (
    Table,
    dates,
    ids_of,
    labels_of,
    numbers,
    sequence_ids,
    time_order,
    timestamps,
)
from data.demo.spec import ADVISOR, AS_OF_DAY, AS_OF_END, DAY, NA, PLAT, TOP, WEALTH
from data.demo.vocabulary import CHANNELS, NEED_KINDS, PLAN_KINDS, PURPOSES, REQUEST_SUMMARIES
from data.demo.world import World, draw_events, planner_factor, staff_for


def retention_alerts(w: World) -> tuple[I64, I64, I64]:
    """(client, alert day, day whose primary should follow up) of every retention alert: sharp
    drops and tier falls at month end, and account events on their day (closure: the day before)."""
    a, cal, ev = w.aum, w.cal, w.events
    both = a.present[:, 1:] & a.present[:, :-1]
    prev, cur = a.value[:, :-1], a.value[:, 1:]
    fell = both & (((prev > 0) & (cur <= 0.7 * prev)) | (a.tier[:, 1:] < a.tier[:, :-1]))
    c_m, m = np.nonzero(fell)
    day_m = cal.month_end[m + 1]
    ev_day = ev.at // DAY
    ref = np.where(ev.kind == 1, ev_day - 1, ev_day)
    client = np.concatenate([c_m, ev.client]).astype(np.int64)
    day = np.concatenate([day_m, ev_day]).astype(np.int64)
    return client, day, np.concatenate([day_m, ref]).astype(np.int64)


def contacts_table(rng: Rng, w: World) -> Table:
    # Regular contacts: monthly-cycle top clients ~3 a month, mass clients one a quarter or so.
    d = draw_events(rng, w, (0.6, 1.9, 4.4), workday_share=0.88, factor=planner_factor(w))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.3)
    d, staff = d.take(ok), staff[ok]
    channel_p = np.array(
        [
            [0.04, 0.40, 0.22, 0.02, 0.30, 0.02],
            [0.12, 0.38, 0.10, 0.03, 0.32, 0.05],
            [0.22, 0.33, 0.05, 0.03, 0.30, 0.07],
        ]
    )
    channel = categorical(rng, channel_p, d.tier.astype(np.int64), d.client.size)
    purpose = categorical(rng, np.array([0.24, 0.1, 0.16, 0.14, 0.2, 0.16]), None, d.client.size)
    purpose = np.where(rng.random(d.client.size) < 0.04, -1, purpose)
    # Follow-ups: ~2 in 3 retention alerts get a call or visit by the primary within 7 days.
    a_client, a_day, a_ref = retention_alerts(w)
    primary = w.book.primary_at(a_client, a_ref)
    follow = (primary >= 0) & (rng.random(a_client.size) < 0.68)
    f_client, f_staff = a_client[follow], primary[follow]
    f_day = a_day[follow] + rng.integers(0, 8, f_client.size)
    ok = (f_day <= AS_OF_DAY) & (f_day < w.staff.idle_from[f_staff])
    f_client, f_staff, f_day = f_client[ok], f_staff[ok], f_day[ok]
    f_channel = categorical(rng, np.array([0.3, 0.5, 0.0, 0.0, 0.2, 0.0]), None, f_client.size)
    f_purpose = categorical(rng, np.array([0.6, 0.2, 0.0, 0.0, 0.0, 0.2]), None, f_client.size)
    client = np.concatenate([d.client, f_client])
    staff = np.concatenate([staff, f_staff])
    day = np.concatenate([d.day, f_day])
    at = day * DAY + office_seconds(rng, day.size)
    channel = np.concatenate([channel, f_channel])
    purpose = np.concatenate([purpose, f_purpose])
    # The life cycle's contacts: after an opening, a first contact, before a care date.
    x = w.life.contacts
    client, staff = np.concatenate([client, x.client]), np.concatenate([staff, x.staff])
    at = np.concatenate([at, x.at])
    channel, purpose = np.concatenate([channel, x.code]), np.concatenate([purpose, x.code2])
    order = time_order(at, client, staff)
    return Table(
        "contacts.csv",
        [
            ("contact_id", sequence_ids("CT", 10, order)),
            ("client_id", ids_of(w.clients.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("channel", labels_of(CHANNELS, channel)),
            ("purpose", labels_of(PURPOSES, purpose)),
        ],
        order,
    )


def hours(rng: Rng, lo: float, hi: float, n: int) -> I64:
    return np.round(rng.uniform(lo, hi, n) * 3600).astype(np.int64)


def requests_table(rng: Rng, w: World) -> Table:
    """Requests with first response and result. Most meet the SLA (black-gold: result within 24 h;
    platinum: response within 24 h and result within 3 working days); ~10-15% miss it, and a few
    stay unresolved."""
    d = draw_events(rng, w, (0.006, 0.035, 0.09), workday_share=0.85)
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.25)
    d, staff = d.take(ok), staff[ok]
    n = d.client.size
    received = d.day * DAY + office_seconds(rng, n)
    slow_ack = rng.random(n) < 0.06
    ack = np.where(
        slow_ack,
        hours(rng, 24.5, 72, n),
        np.round(np.clip(np.exp(rng.normal(np.log(1.5), 1.0, n)), 0.05, 20) * 3600).astype(
            np.int64
        ),
    )
    late = rng.random(n)
    top_delay = np.where(late < 0.9, hours(rng, 1.5, 23, n), hours(rng, 25, 120, n))
    other_delay = np.where(
        late < 0.75,
        hours(rng, 2, 40, n),
        np.where(late < 0.92, hours(rng, 40, 70, n), hours(rng, 70, 200, n)),
    )
    delay = np.where(d.tier == TOP, top_delay, other_delay)
    ack_at = in_office_hours(rng, received + ack)
    resolved = in_office_hours(rng, received + delay)
    # A result comes after the first response, if only by a little.
    resolved = np.where(resolved <= ack_at, ack_at + hours(rng, 0.2, 3.0, n), resolved)
    # A few are never resolved (still open long after their deadline).
    open_pool = received <= (AS_OF_DAY - 7) * DAY
    unresolved = chance(rng, n, 0.012, at_least=1, among=open_pool)
    resolved = np.where(unresolved, NA, resolved)
    ack_at = np.where(unresolved & (rng.random(n) < 0.4), NA, ack_at)
    # Nothing after the as-of moment: later answers are simply not there yet.
    resolved = np.where(resolved > AS_OF_END, NA, resolved)
    ack_at = np.where(ack_at > AS_OF_END, NA, ack_at)
    summary = rng.integers(0, len(REQUEST_SUMMARIES), n)
    order = time_order(received, d.client, staff)
    return Table(
        "requests.csv",
        [
            ("request_id", sequence_ids("RQ", 10, order)),
            ("client_id", ids_of(w.clients.ids, d.client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("received_at", timestamps(received)),
            ("acknowledged_at", timestamps(ack_at)),
            ("resolved_at", timestamps(resolved)),
            ("summary", labels_of(REQUEST_SUMMARIES, summary)),
        ],
        order,
    )


def needs_table(rng: Rng, w: World) -> Table:
    d = draw_events(rng, w, (0.015, 0.08, 0.2))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.4)
    d, staff = d.take(ok), staff[ok]
    kind = (rng.random(d.client.size) < 0.35).astype(np.int64)
    at = d.day * DAY + office_seconds(rng, d.day.size)
    order = time_order(at, d.client, staff)
    return Table(
        "needs.csv",
        [
            ("need_id", sequence_ids("ND", 10, order)),
            ("client_id", ids_of(w.clients.ids, d.client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("kind", labels_of(NEED_KINDS, kind)),
        ],
        order,
    )


def plans_table(rng: Rng, w: World) -> Table:
    """Ad-hoc financial plans, and quarterly reports for top and richer platinum clients in the
    first half of each quarter's first month (written by the advisor when there is one)."""
    d = draw_events(rng, w, (0.004, 0.03, 0.08))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.4)
    d, staff = d.take(ok), staff[ok]
    c = w.cells
    quarter_first = (np.array([int(lbl[5:]) for lbl in w.cal.month_labels]) % 3) == 1
    rich = (c.tier == TOP) | (c.value >= WEALTH)
    eligible = np.flatnonzero(quarter_first[c.month] & rich)
    p = np.where(c.tier[eligible] == TOP, 0.75, 0.25)
    take = eligible[rng.random(eligible.size) < p]
    hi = np.minimum(c.hi[take], w.cal.month_start[c.month[take]] + 14)
    take, hi = take[c.lo[take] <= hi], hi[c.lo[take] <= hi]
    r_client = c.client[take]
    r_day = w.cal.pick_days(rng, c.lo[take], hi, 0.97)
    r_staff, ok = staff_for(rng, w, r_client, r_day, advisor_share=1.0)
    client = np.concatenate([d.client, r_client[ok]])
    staff = np.concatenate([staff, r_staff[ok]])
    day = np.concatenate([d.day, r_day[ok]])
    kind = np.concatenate([np.zeros(d.client.size, np.int64), np.ones(int(ok.sum()), np.int64)])
    at = day * DAY + office_seconds(rng, day.size)
    client, staff, at, kind, ref = quarterly_reports(rng, w, client, staff, at, kind)
    order = time_order(at, client, staff)
    ids = sequence_ids("PL", 10, order)
    return Table(
        "plans.csv",
        [
            ("plan_id", ids),
            ("client_id", ids_of(w.clients.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("kind", labels_of(PLAN_KINDS, kind)),
            (
                "plan_ref",
                lambda sel: pc.if_else(
                    pa.array(ref[sel] < 0),
                    pa.scalar(None, pa.string()),
                    ids(np.maximum(ref[sel], 0)),
                ),
            ),
        ],
        order,
    )


def quarterly_reports(
    rng: Rng, w: World, client: I64, staff: I64, at: I64, kind: I64
) -> tuple[I64, I64, I64, I64, I64]:
    """lifecycle.md: a client with a plan gets a quarterly report on it in every later quarter.
    Most missing reports are added (by the plan's author, early in the quarter); each report
    names its plan (`plan_ref`: the latest plan before the quarter). Draws come after every
    other draw of the stream, so the plans and reports above stay as they were."""
    cal, s = w.cal, w.staff
    is_plan = kind == 0
    p_rows = np.flatnonzero(is_plan)
    p_rows = p_rows[np.lexsort((at[p_rows], client[p_rows]))]
    p_key = client[p_rows] * (1 << 40) + at[p_rows]
    months = np.array([int(lbl[5:]) for lbl in cal.month_labels])
    q_first = np.flatnonzero((months % 3 == 1) & (np.arange(cal.months) + 2 < cal.months))
    q_lo, q_hi = cal.month_start[q_first], cal.month_end[q_first + 2]
    # The latest plan of each client before each quarter (-1: none).
    cl = np.repeat(np.unique(client[p_rows]), q_first.size)
    qi = np.tile(np.arange(q_first.size), cl.size // max(q_first.size, 1))
    i = np.searchsorted(p_key, cl * (1 << 40) + q_lo[qi] * DAY, side="left") - 1
    has = (i >= 0) & (client[p_rows[np.maximum(i, 0)]] == cl)
    closed = w.clients.closed[cl]
    has &= (closed == NA) | (closed > q_hi[qi])
    cl, qi, plan = cl[has], qi[has], p_rows[i[has]]
    # Reports already there: each client's reports per quarter.
    r_rows = np.flatnonzero(~is_plan)
    r_q = np.searchsorted(q_lo, at[r_rows] // DAY, side="right") - 1
    in_q = (r_q >= 0) & (at[r_rows] // DAY <= q_hi[np.maximum(r_q, 0)])
    done = set(zip(client[r_rows][in_q].tolist(), r_q[in_q].tolist(), strict=True))
    missing = np.array(
        [(c, q) not in done for c, q in zip(cl.tolist(), qi.tolist(), strict=True)], bool
    )
    cl, qi, plan = cl[missing], qi[missing], plan[missing]
    author = staff[plan]
    lo = q_lo[qi]
    day = cal.pick_days(rng, lo, np.minimum(lo + 20, AS_OF_DAY), 0.97)
    written = rng.random(cl.size) >= 0.04
    written &= s.active_on(author, day) & (day < s.idle_from[author]) & (day <= AS_OF_DAY)
    cl, author, day, plan = cl[written], author[written], day[written], plan[written]
    n = cl.size
    client = np.concatenate([client, cl])
    staff = np.concatenate([staff, author])
    at = np.concatenate([at, day * DAY + office_seconds(rng, n)])
    kind = np.concatenate([kind, np.ones(n, np.int64)])
    # plan_ref of every report: the client's latest plan before the report's quarter, else
    # before the report itself.
    rows = np.flatnonzero(kind == 1)
    start = q_lo[np.maximum(np.searchsorted(q_lo, at[rows] // DAY, side="right") - 1, 0)]
    ref = np.full(client.size, -1, np.int64)
    for limit in (at[rows], start * DAY):
        j = np.searchsorted(p_key, client[rows] * (1 << 40) + limit, side="left") - 1
        ok = (j >= 0) & (client[p_rows[np.maximum(j, 0)]] == client[rows])
        ref[rows[ok]] = p_rows[j[ok]]
    return client, staff, at, kind, ref


def archives_table(rng: Rng, w: World) -> Table:
    """Private archives for most clients who reach black-gold (some of the richer platinum ones
    too), created within ~3 months of reaching the tier; sealed on closure and now and then
    otherwise, after which some get a new archive."""
    a, b, c, cal = w.aum, w.book, w.clients, w.cal
    tier = np.where(a.in_rel, a.tier, -1)
    best = tier.max(axis=1)
    p = np.where(best == TOP, 0.88, np.where(best == PLAT, 0.2, 0.0))
    has = b.assigned & (rng.random(c.n) < p)
    first = np.argmax(tier >= np.maximum(best, PLAT)[:, None], axis=1)
    early = (first == 0) & (b.start0 < cal.first_day)
    lo = np.maximum(b.start0, cal.first_day - 3 * 365)
    created = np.where(
        early,
        uniform_days(rng, lo, np.maximum(lo, cal.first_day - 1), c.n),
        cal.month_start[first] + rng.integers(0, 91, c.n),
    )
    created = np.maximum(created, b.start0)
    has &= created <= np.minimum(b.serve_hi, AS_OF_DAY)
    client = np.flatnonzero(has)
    created = created[client]
    by = staff_for(rng, w, client, created, advisor_share=0.3)[0]
    keep = by >= 0
    client, created, by = client[keep], created[keep], by[keep]
    closed = c.closed[client]
    sealed = np.where((closed != NA) & (closed >= created), closed, NA)
    can_seal = (sealed == NA) & (created <= AS_OF_DAY - 60)
    seal = chance(rng, client.size, 0.06, at_least=1, among=can_seal)
    sealed[seal] = uniform_days(rng, created[seal] + 60, AS_OF_DAY)
    # Half of the clients whose archive was sealed while they stay get a fresh one.
    renew = seal & (sealed + 45 <= AS_OF_DAY) & (rng.random(client.size) < 0.5)
    r_client = client[renew]
    r_created = sealed[renew] + rng.integers(1, 46, r_client.size)
    r_by = w.book.primary_at(r_client, r_created)
    ok = r_by >= 0
    client = np.concatenate([client, r_client[ok]])
    created = np.concatenate([created, r_created[ok]])
    by = np.concatenate([by, r_by[ok]])
    sealed = np.concatenate([sealed, np.full(int(ok.sum()), NA, np.int64)])
    keep = unique_rows(client, created)
    client, created, by, sealed = client[keep], created[keep], by[keep], sealed[keep]
    sealed = archive_housekeeping(rng, w, client, created, by, sealed)
    return Table(
        "archives.csv",
        [
            ("client_id", ids_of(c.ids, client)),
            ("created_by", ids_of(w.staff.ids, by)),
            ("created_on", dates(created)),
            ("sealed_on", dates(sealed)),
        ],
        time_order(created, client),
    )


def surveys_table(rng: Rng, w: World) -> Table:
    """Satisfaction scores around each manager's own mean (80-94), a few poor ones."""
    d = draw_events(rng, w, (0.008, 0.035, 0.06))
    staff, ok = staff_for(rng, w, d.client, d.day, advisor_share=0.3)
    d, staff = d.take(ok), staff[ok]
    n = d.client.size
    score = np.round(rng.normal(w.staff.skill[staff], 7.0))
    poor = rng.random(n) < 0.04
    score = np.where(poor, rng.integers(35, 70, n), score)
    score = np.clip(score, 0, 100).astype(np.int64)
    at = d.day * DAY + office_seconds(rng, n)
    keep = unique_rows(d.client, staff, at)
    client, staff, at, score = d.client[keep], staff[keep], at[keep], score[keep]
    return Table(
        "surveys.csv",
        [
            ("client_id", ids_of(w.clients.ids, client)),
            ("staff_id", ids_of(w.staff.ids, staff)),
            ("at", timestamps(at)),
            ("score", numbers(score)),
        ],
        time_order(at, client, staff),
    )


def archive_housekeeping(
    rng: Rng, w: World, client: I64, created: I64, by: I64, sealed: I64
) -> I64:
    """lifecycle.md: a lost client's archives are sealed (a few are left open), and an advisor's
    archive is sealed once the client has been below black-gold for two month-ends (most within
    the month). Draws come after every other draw of the stream."""
    a, cal = w.aum, w.cal
    closed = w.clients.closed[client]
    # A renewed archive of a client who closes later is sealed at the closure as well.
    sealed = np.where((sealed == NA) & (closed != NA) & (closed >= created), closed, sealed)
    at_closure = (closed != NA) & (sealed == closed)
    recent = (closed >= AS_OF_DAY - 365) & (closed < AS_OF_DAY - 31)
    # Few lost clients have archives (a dozen in `demo`): one left open is the realistic share.
    left_open = rare(rng, client.size, 0.0, at_closure, at_closure & recent)
    sealed = np.where(left_open, NA, sealed)
    below2 = a.in_rel[:, 1:] & a.in_rel[:, :-1] & (a.tier[:, 1:] < TOP) & (a.tier[:, :-1] < TOP)
    cond = below2[client] & (cal.month_end[None, :-1] >= created[:, None])
    has = cond.any(axis=1) & (w.staff.role[by] == ADVISOR)
    m = np.argmax(cond, axis=1) + 1
    lo = np.maximum(cal.month_end[m - 1] + 1, created)
    day = lo + (rng.random(client.size) * np.maximum(cal.month_end[m] - lo + 1, 1)).astype(np.int64)
    recent = m >= cal.months - 12
    kept = rare(rng, client.size, 0.03, has, has & recent & (day <= AS_OF_DAY))
    tidy = has & ~kept & (day <= AS_OF_DAY)
    tidy &= (sealed == NA) | (sealed > day)
    tidy &= ~left_open
    return np.where(tidy, day, sealed).astype(np.int64)
