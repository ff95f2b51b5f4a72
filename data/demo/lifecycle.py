"""The client life cycle of `lifecycle.md`: openings, referrals, risk assessments, care dates, and
the housekeeping (or its absence) around tier changes and closures.

Built last in the world, from its own random stream ("lifecycle"), and read-only for the tables:
the new files (account_openings, risk_assessments, care_dates) present it, and the existing ones
add its rows (follow-up, first and care contacts, archive entries after an opening, `other` staff,
sources and referrers, overlapping primaries, late secondaries). Nothing here changes the book or
the other world parts, so every other stream draws exactly what it drew before.

Most obligations are met; each rule is broken now and then (a few per cent, at least once even in
`tiny` where a pool exists), so the compliance register has a realistic handful of rows per rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from data.demo.arrays import (
    F64,
    I64,
    Bool,
    Rng,
    chance,
    group_slices,
    office_seconds,
    padded_ids,
    unique_rows,
)
from data.demo.aum import Aum
from data.demo.book import Book
from data.demo.calendar import Calendar
from data.demo.clients import Clients
from data.demo.leaves import Leaves
from data.demo.orgs import Orgs
from data.demo.spec import (
    ADVISOR,
    AS_OF_DAY,
    AS_OF_END,
    DAY,
    HEAD,
    NA,
    PLANNER,
    PLAT,
    PLATINUM,
    TOP,
    WEALTH,
    ScaleSpec,
)
from data.demo.staff import Staff
from data.demo.vocabulary import chinese_names

OTHER = 4  # staff role code of `other` (lobby managers and the like), after ROLES
# Client sources in the contract's order of `SOURCES`; referrers only for the first two.
STAFF_REFERRAL, CLIENT_REFERRAL, BRANCH_ALLOCATION, OWN_DEVELOPMENT = 0, 1, 2, 3
CARE_KINDS = ["birthday", "relative_birthday", "anniversary"]
CARE_LABELS = ["", "配偶生日", "父亲生日", "母亲生日", "子女生日", "结婚纪念日", "开户纪念日"]


@dataclass(frozen=True)
class Rows:
    """Extra rows of an existing file (contacts, info updates, assignments): integer codes."""

    client: I64
    staff: I64
    day: I64
    at: I64  # seconds (day * DAY + time of day)
    code: I64  # contacts: channel; assignments: role
    code2: I64  # contacts: purpose; assignments: end day (NA: still assigned)


@dataclass(frozen=True)
class Openings:
    client: I64
    staff: I64  # row in the combined staff (world staff, then `other` staff)
    at: I64
    fen: I64
    approval: I64  # approval number (NA: none)
    approved: I64  # day
    kyc: I64  # seconds, NA: missing
    risk: I64


@dataclass(frozen=True)
class Life:
    # `other` staff, appended after the world's staff (rows staff.n ...).
    other_ids: pa.Array
    other_names: pa.Array
    other_org: I64
    other_hired: I64
    source: I64  # per client
    referrer: I64  # per client: staff row (staff_referral), client row (client_referral), else -1
    openings: Openings
    contacts: Rows
    info_updates: Rows
    assignments: Rows  # overlapping primaries and late secondaries
    primary_end: I64  # per client: the end of its assignments after closure, NA: as in the book
    keeps_secondary: Bool  # per client: a secondary kept after a fall below black-gold
    secondary_when: F64  # per client: when in the month a secondary ends (share of the month)
    assessments: tuple[I64, I64, I64, I64]  # client, day, risk level, staff (-1)
    care: tuple[I64, I64, I64, I64, I64]  # client, kind, month, day, label

    def staff_ids(self, staff: Staff) -> pa.Array:
        return pa.concat_arrays([staff.ids, self.other_ids])

    def staff_orgs(self, staff: Staff) -> I64:
        return np.concatenate([staff.org_row, self.other_org])


def workday_deadline(cal: Calendar, day: I64, n: int) -> I64:
    """The n-th working day strictly after `day` (NA beyond the calendar's as-of day)."""
    done = cal.workday_cum[np.clip(day - cal.first_day + 1, 0, cal.workday.size)]
    k = done + n - 1
    ok = k < cal.workdays.size
    return np.where(ok, cal.workdays[np.minimum(k, cal.workdays.size - 1)], NA).astype(np.int64)


def build_life(
    rng: Rng,
    spec: ScaleSpec,
    cal: Calendar,
    orgs: Orgs,
    staff: Staff,
    clients: Clients,
    aum: Aum,
    book: Book,
    leaves: Leaves,
) -> Life:
    n_sb = spec.branches * spec.sub_branches
    # One lobby manager (staff role `other`) per sub-branch: they refer clients, never manage them.
    other_ids = padded_ids(rng, n_sb, 6, 90_000, 99_999)
    other_names = chinese_names(rng, rng.random(n_sb) < 0.6)
    other_org = orgs.sb_row.astype(np.int64)
    other_hired = cal.first_day - 365 - rng.integers(0, 3000, n_sb)
    source, referrer = _referrals(rng, spec, staff, clients)
    active = _activity(staff)
    contacts: list[Rows] = []
    infos: list[Rows] = []
    openings, follow, archive = _openings(rng, cal, staff, clients, aum, book, active)
    contacts.append(follow)
    infos.append(archive)
    extra = _extra_assignments(rng, spec, cal, staff, clients, aum, book)
    contacts.append(_first_contacts(rng, cal, staff, clients, book, extra, active))
    care = _care_dates(rng, clients, aum, book)
    contacts.append(_care_contacts(rng, cal, clients, book, care, active))
    primary_end, keeps, when = _housekeeping(rng, clients, aum, book)
    assessments = _assessments(rng, cal, clients, aum, book, openings)
    return Life(
        other_ids=other_ids,
        other_names=other_names,
        other_org=other_org,
        other_hired=other_hired.astype(np.int64),
        source=source,
        referrer=referrer,
        openings=openings,
        contacts=_concat(contacts),
        info_updates=_concat(infos),
        assignments=extra,
        primary_end=primary_end,
        keeps_secondary=keeps,
        secondary_when=when,
        assessments=assessments,
        care=care,
    )


def rare(rng: Rng, n: int, p: float, pool: Bool, recent: Bool) -> Bool:
    """Bernoulli(p) within `pool`, with at least one hit among its `recent` rows when there are
    any: each broken rule then shows in the register of the last year, even at small scales."""
    hit = chance(rng, n, p, among=pool)
    if not (hit & recent).any():
        hit |= chance(rng, n, 0.0, at_least=1, among=pool & recent)
    return hit


def _concat(parts: list[Rows]) -> Rows:
    return Rows(*(np.concatenate([getattr(p, f) for p in parts]) for f in Rows.__annotations__))


Active = Callable[[I64, I64], Bool]


def _activity(staff: Staff) -> Active:
    """Whether each staff member works on each day (employed, not idle)."""

    def active(who: I64, day: I64) -> Bool:
        safe = np.maximum(who, 0)
        return (who >= 0) & staff.active_on(safe, day) & (day < staff.idle_from[safe])

    return active


def _referrals(rng: Rng, spec: ScaleSpec, staff: Staff, clients: Clients) -> tuple[I64, I64]:
    """Sources in realistic shares; a staff referrer from the client's branch (a third of them the
    sub-branch's lobby manager), a client referrer among the clients who came before."""
    n = clients.n
    source = np.searchsorted(np.cumsum([0.18, 0.12, 0.25, 0.45]), rng.random(n), side="right")
    source = np.minimum(source, OWN_DEVELOPMENT).astype(np.int64)
    source[(source == CLIENT_REFERRAL) & (np.arange(n) == 0)] = OWN_DEVELOPMENT
    pool = np.flatnonzero(np.isin(staff.role, [PLANNER, ADVISOR, HEAD]))
    members, offsets = group_slices(staff.branch[pool], spec.branches)
    count = offsets[clients.branch + 1] - offsets[clients.branch]
    pick = pool[members[offsets[clients.branch] + (rng.random(n) * count).astype(np.int64)]]
    lobby = staff.n + clients.sb  # the `other` staff member of the client's sub-branch
    by_staff = np.where(rng.random(n) < 0.35, lobby, pick)
    by_client = (rng.random(n) * np.arange(n)).astype(np.int64)  # an earlier client
    referrer = np.where(
        source == STAFF_REFERRAL, by_staff, np.where(source == CLIENT_REFERRAL, by_client, -1)
    )
    return source, referrer.astype(np.int64)


def _pick_day(rng: Rng, cal: Calendar, lo: I64, hi: I64) -> I64:
    """A day in [lo, hi] (clipped to the calendar), mostly a working day; NA when empty."""
    lo_c = np.maximum(lo, cal.first_day)
    hi_c = np.minimum(hi, AS_OF_DAY)
    ok = lo_c <= hi_c
    day = cal.pick_days(
        rng, np.where(ok, lo_c, cal.first_day), np.where(ok, hi_c, cal.first_day), 0.95
    )
    return np.where(ok, day, NA).astype(np.int64)


def _contacts_in_window(
    rng: Rng,
    cal: Calendar,
    client: I64,
    who: I64,
    lo: I64,
    hi: I64,
    active: Active,
    channel_p: list[float],
    purpose: int,
) -> Rows:
    """One row per (client, who) on a day in [lo, hi] when `who` works then; `channel_p` gives
    the channel (or field group) codes' shares, `purpose` the second code."""
    day = _pick_day(rng, cal, lo, hi)
    ok = (day != NA) & active(who, np.where(day == NA, 0, day))
    client, who, day = client[ok], who[ok], day[ok]
    n = int(ok.sum())
    channel = np.searchsorted(np.cumsum(channel_p), rng.random(n) * sum(channel_p), side="right")
    channel = np.minimum(channel, len(channel_p) - 1).astype(np.int64)
    at = day * DAY + office_seconds(rng, n)
    return Rows(client, who, day, at, channel, np.full(n, purpose, np.int64))


def _openings(
    rng: Rng,
    cal: Calendar,
    staff: Staff,
    clients: Clients,
    aum: Aum,
    book: Book,
    active: Active,
) -> tuple[Openings, Rows, Rows]:
    """Wealth-account openings: when a managed client first reaches the wealth threshold in the
    window (or opens above it), and for a few platinum clients below it (half with approval)."""
    n = clients.n
    wealth = aum.in_rel & (aum.value >= WEALTH)
    first_w = np.argmax(wealth, axis=1)
    new = clients.opened >= cal.first_day
    crossing = wealth.any(axis=1) & ((first_w >= 1) | new) & book.assigned
    plat = aum.in_rel & (aum.value >= PLATINUM)
    first_p = np.argmax(plat, axis=1)
    below_pool = plat.any(axis=1) & ~wealth.any(axis=1) & ((first_p >= 1) | new) & book.assigned
    recent_m = np.where(new, cal.month_of(clients.opened), first_p) >= cal.months - 12
    below = rare(rng, n, 0.05, below_pool, below_pool & recent_m)
    below |= rare(rng, n, 0.0, below_pool & ~below, below_pool & recent_m & ~below)
    client = np.flatnonzero(crossing | below)
    month = np.where(crossing, first_w, first_p)[client]
    lo = np.maximum(cal.month_start[month], book.serve_lo[client])
    hi = np.minimum(cal.month_end[month], book.serve_hi[client])
    day = _pick_day(rng, cal, lo, hi)
    ok = day != NA
    client, month, day = client[ok], month[ok], day[ok]
    primary = book.primary_at(client, day)
    ok = active(primary, day)
    client, month, day, primary = client[ok], month[ok], day[ok], primary[ok]
    m = client.size
    opener = primary.copy()
    adv = book.advisor_at(client, day)
    by_adv = (adv >= 0) & (rng.random(m) < 0.08)
    opener[by_adv] = adv[by_adv]
    # A few openings by someone who may not open one: the sub-branch head or the lobby manager.
    recent = (day >= AS_OF_DAY - 365) & (day <= AS_OF_DAY - 14)
    wrong = rare(rng, m, 0.012, ~by_adv, recent)
    sb = clients.sb[client]
    head_rows = np.flatnonzero(staff.role == HEAD)
    heads = np.full(int(max(staff.sb.max(), clients.sb.max())) + 1, -1, np.int64)
    heads[staff.sb[head_rows]] = head_rows
    opener[wrong] = np.where(rng.random(m) < 0.5, heads[sb], staff.n + sb)[wrong]
    at = day * DAY + 9 * 3600 + rng.integers(0, 8 * 3600, m)
    fen = np.round(aum.value[client, month] * 100).astype(np.int64)
    below_t = fen < WEALTH * 100
    approved = below_t & (rng.random(m) < 0.5)
    # The latest below-threshold opening lacks the approval, the one before it has it.
    latest = np.flatnonzero(below_t)[np.argsort(-day[below_t], kind="stable")]
    approved[latest[:1]] = False
    approved[latest[1:2]] = True
    approval = np.where(approved, np.arange(1, m + 1), NA).astype(np.int64)
    approved_day = np.where(approved, day - rng.integers(1, 12, m), NA).astype(np.int64)
    # Know-your-client, then the risk assessment, then the opening; a few steps missing or late.
    kyc = at - rng.integers(2 * 3600, 3 * DAY, m)
    risk = kyc + ((at - kyc) * rng.uniform(0.2, 0.9, m)).astype(np.int64)
    taken = np.zeros(m, bool)

    def some(p: float, pool: Bool | None = None, forced: bool = True) -> Bool:
        # A rule's one forced case is enough: the kyc and risk rules share late steps.
        nonlocal taken
        free = ~taken if pool is None else ~taken & pool
        hit = rare(rng, m, p, free, free & recent & forced)
        taken |= hit
        return hit

    kyc = np.where(some(0.01), NA, kyc)
    room = day <= AS_OF_DAY - 3
    kyc_late = some(0.004, room, forced=False)
    kyc = np.where(kyc_late, at + rng.integers(3600, 30 * 3600, m), kyc)
    risk = np.where(kyc_late, kyc + 1800, risk)
    risk = np.where(some(0.004, forced=False), NA, risk)
    risk = np.where(some(0.006, room), at + rng.integers(3600, 30 * 3600, m), risk)
    reorder = some(0.004, forced=False)
    risk = np.where(reorder, kyc - rng.integers(600, 5 * 3600, m), risk)
    kyc = np.where(kyc > AS_OF_END, NA, kyc)
    risk = np.where((risk != NA) & (risk > AS_OF_END), NA, risk)
    openings = Openings(client, opener, at, fen, approval, approved_day, kyc, risk)
    # The follow-up contact by the primary within five working days, and the comprehensive
    # information entered within three, for most openings.
    follow = ~rare(rng, m, 0.03, np.ones(m, bool), recent)
    f = _contacts_in_window(
        rng,
        cal,
        client[follow],
        primary[follow],
        day[follow],
        workday_deadline(cal, day[follow], 5),
        active,
        [0.35, 0.4, 0.0, 0.0, 0.25],
        5,  # advice
    )
    filed = ~rare(rng, m, 0.015, np.ones(m, bool), recent)
    archivist = np.where(np.isin(opener, np.flatnonzero(staff.role == ADVISOR)), opener, primary)
    a = _contacts_in_window(
        rng,
        cal,
        client[filed],
        archivist[filed],
        day[filed],
        workday_deadline(cal, day[filed], 3),
        active,
        [1.0],
        1,  # comprehensive (FIELD_GROUPS)
    )
    return openings, f, a


def _extra_assignments(
    rng: Rng, spec: ScaleSpec, cal: Calendar, staff: Staff, clients: Clients, aum: Aum, book: Book
) -> Rows:
    """Two primaries at once now and then (a transfer keyed in twice), and secondary advisors
    added, late, for most black-gold clients the book left without one."""
    n = clients.n
    n_sb = spec.branches * spec.sub_branches
    stays = np.flatnonzero((staff.role == PLANNER) & (staff.left == NA))
    members, offsets = group_slices(staff.sb[stays], n_sb)
    colleague_of = stays[members]
    start = AS_OF_DAY - rng.integers(20, 400, n)
    current = book.primary_at(np.arange(n), start)
    still = book.primary_at(np.arange(n), np.full(n, AS_OF_DAY))
    pool = (clients.closed == NA) & (current >= 0) & (still == current)
    pool &= (offsets[clients.sb + 1] - offsets[clients.sb]) >= 2
    two = np.flatnonzero(chance(rng, n, 0.004, at_least=2, among=pool))
    count = offsets[clients.sb[two] + 1] - offsets[clients.sb[two]]
    r = (rng.random(two.size) * count).astype(np.int64)
    second = colleague_of[offsets[clients.sb[two]] + r]
    again = second == current[two]
    second[again] = colleague_of[offsets[clients.sb[two]] + (r + 1) % count][again]
    ended = rng.random(two.size) < 0.4
    end = np.where(ended, np.minimum(start[two] + rng.integers(15, 60, two.size), AS_OF_DAY), NA)
    end = np.where(ended & (end <= start[two]), start[two] + 1, end).astype(np.int64)
    # Late secondaries: black-gold at two month-ends in a row and no advisor in the book.
    top2 = aum.in_rel[:, 1:] & aum.in_rel[:, :-1] & (aum.tier[:, 1:] == TOP)
    top2 &= aum.tier[:, :-1] == TOP
    needs = top2.any(axis=1) & (book.adv < 0) & book.assigned
    m2 = np.argmax(top2, axis=1) + 1  # the month at whose end the grace is over
    late = np.flatnonzero(chance(rng, n, 0.96, among=needs))
    a_start = cal.month_start[m2[late]] - rng.integers(-12, 40, late.size)
    a_start = np.maximum(a_start, book.start0[late] + 1)
    ok = (a_start <= AS_OF_DAY) & ((clients.closed[late] == NA) | (a_start < clients.closed[late]))
    late, a_start = late[ok], a_start[ok]
    advisors = np.flatnonzero(staff.role == ADVISOR)
    adv_members, adv_off = group_slices(staff.branch[advisors], spec.branches)
    br = clients.branch[late]
    cnt = adv_off[br + 1] - adv_off[br]
    adv = advisors[adv_members[adv_off[br] + (rng.random(late.size) * cnt).astype(np.int64)]]
    client = np.concatenate([two, late]).astype(np.int64)
    who = np.concatenate([second, adv]).astype(np.int64)
    day = np.concatenate([start[two], a_start]).astype(np.int64)
    role = np.concatenate([np.zeros(two.size, np.int64), np.ones(late.size, np.int64)])
    ends = np.concatenate([end, np.full(late.size, NA, np.int64)])
    return Rows(client, who, day, day * DAY, role, ends)


def _first_contacts(
    rng: Rng,
    cal: Calendar,
    staff: Staff,
    clients: Clients,
    book: Book,
    extra: Rows,
    active: Active,
) -> Rows:
    """A manager newly assigned to a client calls within two working days, nearly always."""
    first = np.flatnonzero(book.assigned)
    moved = np.flatnonzero(book.td != NA)
    sec = np.flatnonzero(book.adv >= 0)
    client = np.concatenate([first, moved, sec, extra.client])
    who = np.concatenate([book.p0[first], book.p1[moved], book.adv[sec], extra.staff])
    start = np.concatenate([book.start0[first], book.td[moved], book.adv_start[sec], extra.day])
    live = (start >= cal.first_day) & (
        (clients.closed[client] == NA) | (start < clients.closed[client])
    )
    client, who, start = client[live], who[live], start[live]
    keep = ~chance(rng, client.size, 0.03, at_least=1)
    client, who, start = client[keep], who[keep], start[keep]
    return _contacts_in_window(
        rng,
        cal,
        client,
        who,
        start,
        workday_deadline(cal, start, 2),
        active,
        [0.3, 0.5, 0.0, 0.0, 0.2],
        3,  # notice
    )


def _care_dates(rng: Rng, clients: Clients, aum: Aum, book: Book) -> tuple[I64, I64, I64, I64, I64]:
    """Birthdays, relatives' birthdays and anniversaries of most platinum-or-better clients."""
    best = np.where(aum.in_rel, aum.tier, -1).max(axis=1)
    has = np.flatnonzero(book.assigned & (best >= PLAT) & (rng.random(clients.n) < 0.7))
    k = rng.integers(1, 4, has.size)
    client = np.repeat(has, k).astype(np.int64)
    n = client.size
    kind = np.searchsorted([0.4, 0.75], rng.random(n), side="right").astype(np.int64)
    label = np.where(
        kind == 1, rng.integers(1, 5, n), np.where(kind == 2, rng.integers(5, 7, n), 0)
    )
    doy = rng.integers(0, 366, n)  # a day of the leap year 2024: 02-29 included
    date = (np.datetime64("2024-01-01") + doy.astype("timedelta64[D]")).astype(object)
    month = np.array([d.month for d in date], np.int64)
    day = np.array([d.day for d in date], np.int64)
    leap = np.flatnonzero((month == 2) & (day == 29))
    if leap.size == 0 and n:
        month[0], day[0] = 2, 29  # a 02-29 care date exists at every scale
    keep = unique_rows(client, kind, month * 100 + day, label)
    return client[keep], kind[keep], month[keep], day[keep], label[keep].astype(np.int64)


def _care_contacts(
    rng: Rng,
    cal: Calendar,
    clients: Clients,
    book: Book,
    care: tuple[I64, I64, I64, I64, I64],
    active: Active,
) -> Rows:
    """The primary planner's care contact in the week before each care date, nearly always."""
    client, _kind, month, day, _label = care
    first_year = (np.datetime64(cal.first_day, "D").astype(object)).year
    parts_c, parts_d = [], []
    for year in range(first_year, 2027):
        last_feb = 29 if year % 4 == 0 else 28
        d = np.array(
            [
                (
                    dt.date(year, int(mo), int(min(da, last_feb) if mo == 2 else da))
                    - dt.date(1970, 1, 1)
                ).days
                for mo, da in zip(month, day, strict=True)
            ],
            np.int64,
        )
        parts_c.append(client)
        parts_d.append(d)
    c = np.concatenate(parts_c) if parts_c else np.zeros(0, np.int64)
    d = np.concatenate(parts_d) if parts_d else np.zeros(0, np.int64)
    closed = clients.closed[c]
    ok = (d >= cal.first_day) & (d <= AS_OF_DAY) & ((closed == NA) | (d < closed))
    c, d = c[ok], d[ok]
    who = book.primary_at(c, d)
    keep = (who >= 0) & ~chance(rng, c.size, 0.025, at_least=1, among=who >= 0)
    c, d, who = c[keep], d[keep], who[keep]
    return _contacts_in_window(
        rng,
        cal,
        c,
        who,
        d - 7,
        d,
        active,
        [0.1, 0.4, 0.15, 0.0, 0.3, 0.0, 0.05],
        0,  # care
    )


def _housekeeping(rng: Rng, clients: Clients, aum: Aum, book: Book) -> tuple[I64, Bool, F64]:
    """After a closure, the CRM assignments the book leaves open are mostly ended within the
    grace days; after a fall below black-gold lasting two month-ends, most secondaries end within
    the month (the assignments table applies it: `secondary_ends`)."""
    n = clients.n
    closed = clients.closed
    open_after = (closed != NA) & ~book.end_at_closure & book.assigned
    tidy = open_after & ~chance(rng, n, 0.1, at_least=1, among=open_after)
    primary_end = np.where(tidy, closed + rng.integers(1, 29, n), NA).astype(np.int64)
    below2 = (aum.in_rel[:, 1:] & aum.in_rel[:, :-1] & (aum.tier[:, 1:] < TOP)).any(axis=1)
    keeps = chance(rng, n, 0.03, at_least=1, among=below2 & (book.adv >= 0))
    when = rng.random(n)
    return primary_end, keeps, when


def secondary_ends(cal: Calendar, aum: Aum, life: Life, client: I64, start: I64, end: I64) -> I64:
    """The end of each secondary assignment: within the month at whose end its client has been
    below black-gold for two month-ends (after the start), unless the client keeps it."""
    below2 = aum.in_rel[:, 1:] & aum.in_rel[:, :-1] & (aum.tier[:, 1:] < TOP)
    below2 &= aum.tier[:, :-1] < TOP
    cond = below2[client] & (cal.month_end[None, :-1] >= start[:, None])
    has = cond.any(axis=1) & ~life.keeps_secondary[client]
    m = np.argmax(cond, axis=1) + 1
    lo = np.maximum(cal.month_end[m - 1] + 1, start + 1)
    span = np.maximum(cal.month_end[m] - lo + 1, 1)
    day = lo + (life.secondary_when[client] * span).astype(np.int64)
    ok = has & (lo <= cal.month_end[m]) & ((end == NA) | (end > day))
    return np.where(ok, day, end).astype(np.int64)


def _assessments(
    rng: Rng, cal: Calendar, clients: Clients, aum: Aum, book: Book, openings: Openings
) -> tuple[I64, I64, I64, I64]:
    """A risk assessment every 10-12 months for every client who is a wealth client in the
    window; a few let it lapse, a very few have none on file."""
    n = clients.n
    wealthy = (aum.in_rel & (aum.value >= WEALTH)).any(axis=1) & book.assigned
    none = chance(rng, n, 0.004, at_least=1, among=wealthy)
    lapse = chance(rng, n, 0.03, at_least=1, among=wealthy & ~none)
    who = np.flatnonzero(wealthy & ~none)
    first = np.maximum(cal.first_day - rng.integers(1, 365, who.size), clients.opened[who]).astype(
        np.int64
    )
    steps = (AS_OF_DAY - cal.first_day + 730) // 300 + 1
    gaps = rng.integers(300, 361, (who.size, steps))
    lapsing = lapse[who]
    slot = rng.integers(0, steps, who.size)
    gaps[np.flatnonzero(lapsing), slot[lapsing]] = rng.integers(370, 480, int(lapsing.sum()))
    days = first[:, None] + np.concatenate(
        [np.zeros((who.size, 1), np.int64), np.cumsum(gaps, 1)], 1
    )
    # A lapse at the end: the chain stops some 13-15 months before as-of.
    stop = np.where(
        lapsing & (rng.random(who.size) < 0.5),
        AS_OF_DAY - rng.integers(370, 450, who.size),
        AS_OF_DAY,
    )
    row, col = np.nonzero(days <= stop[:, None])
    client = who[row].astype(np.int64)
    day = days[row, col].astype(np.int64)
    has_risk = openings.risk != NA
    client = np.concatenate([client, openings.client[has_risk]])
    day = np.concatenate([day, openings.risk[has_risk] // DAY])
    keep = unique_rows(client, day)
    client, day = client[keep], day[keep]
    level = rng.integers(0, 5, client.size).astype(np.int64)
    staff = np.where(day >= cal.first_day, book.primary_at(client, day), -1).astype(np.int64)
    return client, day, level, staff
