"""Row sources of the client life cycle and account-opening compliance (lifecycle.md): the
exceptions register and the figures beside it.

The checks are built once per statement, independently of any entity (`_openings`, `_intros`,
`_care`, `_plan_quarters`, `_register`...): one row per opening, assignment, care date, plan-quarter
or exception. The row sources then attach them to the entities of the frame — through the staff
each entity answers for, whatever their role (`Frame.staff_members`), or, for an exception charged
to an org unit alone, through the unit's subtree — so a unit counts each row once.

Choices where lifecycle.md can be read two ways (also in the catalogue's descriptions):

- "Within n working days after d": from d itself to the end of the n-th working day strictly
  after d (the same calendar code as the request SLA); a deadline the calendar does not cover yet
  is not judged.
- The primary manager charged at a day, when a client has two primaries then: the one whose
  assignment started last (then the smallest staff id). Without a primary that day: the org unit
  of the latest earlier primary manager — the one whose assignment ended last — (staff_id
  empty); without any: the branch of the client's opening org unit, else the bank's only branch.
- Roll-ups: openings, exceptions and referrals count every staff member of a unit whatever their
  role (lifecycle.md says so); new relationships, first contacts, care dates and plan-quarters
  count kpis.md's members (planners and advisors), each assignment, care date and plan-quarter
  once (a care date two member planners look at is one date, done when either made the contact).
- `client_unmaintained`: maintained when some primary assignment active at e belongs to a staff
  member who has not left (`left_on` empty or after e).
- Tier conditions read AUM(c, month-end) of each month concerned; a missing month is 0 (mass).
- `plan_no_quarterly_report`: the client's latest plan is its latest `plan` dated on or before
  Q's last day, so a new plan inside Q replaces the obligation; a report without `plan_ref`
  counts for that latest plan.
- Care dates: `02-29` falls on 02-28 in a year without 29 February; a date is looked at for each
  planner holding the client in their primary book on that date.
- New clients: the first primary or secondary assignment of the client to anyone (proxies never
  count); the split by source is over those in the manager's book at e.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    String,
    and_,
    case,
    cast,
    column,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    values,
)

from data import tables
from metrics.core.catalogue import RULES as CATALOGUE_RULES
from metrics.core.entities import org_closure
from metrics.core.periods import Period, add_months, month_start
from metrics.measures.layer import Frame, row_source
from metrics.measures.sources.common import flag, midnight, money

openings = tables.account_openings
archives = tables.archives
assignments = tables.assignments
aum = tables.aum_monthly
calendar_days = tables.calendar_days
care_dates = tables.care_dates
clients = tables.clients
contacts = tables.contacts
info_updates = tables.info_updates
org = tables.org_units
plans = tables.plans
risk = tables.risk_assessments
staff = tables.staff

RULES = tuple(rule for rule, *_ in CATALOGUE_RULES)
OPENING_RULES = RULES[:6]
SOURCES = ("staff_referral", "client_referral", "branch_allocation", "own_development")
REGISTER = ("rule", "client_id", "staff_id", "org_id", "day", "ref")


# --- small pieces -----------------------------------------------------------------------------


def with_deadline(joined: Any, day: Any, n: int, name: str) -> tuple[Any, Any]:
    """`joined` outer-joined to the calendar twice, and the n-th working day strictly after `day`
    (a date column): `workday_seq` counts working days on or before a day, so the deadline is the
    working day numbered seq(day) + n (the request SLA's reckoning). NULL outside the calendar."""
    start = calendar_days.alias(f"{name}_from")
    end = calendar_days.alias(f"{name}_to")
    joined = joined.outerjoin(start, start.c.day == day).outerjoin(
        end, and_(end.c.workday_seq == start.c.workday_seq + n, end.c.is_workday)
    )
    return joined, end.c.day


def active_on(a: Any, day: Any) -> Any:
    """Assignment `a` active on `day` (a date or a date column): start_on <= day < end_on."""
    return and_(a.c.start_on <= day, or_(a.c.end_on.is_(None), a.c.end_on > day))


def open_on(day: Any) -> Any:
    return or_(clients.c.closed_on.is_(None), clients.c.closed_on > day)


def within(at: Any, first: dt.date, last: dt.date) -> Any:
    """`at` (a timestamp) dated from `first` to `last`, as a range DuckDB's zone maps and an
    index can use: the exact per-row window is checked beside it."""
    return and_(at >= midnight(first), at < midnight(last + dt.timedelta(days=1)))


def reach(f: Frame, n: int) -> dt.date:
    """A day no n-th working day after a day of P can fall after (n working days never span
    more than 3n + 30 calendar days, the Spring Festival included)."""
    return f.e + dt.timedelta(days=3 * n + 30)


def iso(day: Any) -> Any:
    """A date as `YYYY-MM-DD` text (the register's `ref`)."""
    return cast(day, String)


def _key(f: Frame, name: str) -> str:
    return f"lifecycle:{name}:{f.period}"


def _branch_of_clients(f: Frame) -> Any:
    """client_id -> the branch of its (first) opening's org unit: where a client nobody manages
    is charged when the bank has several branches."""

    def make() -> Any:
        closure = org_closure()
        branch = org.alias("branch_unit")
        return (
            select(openings.c.client_id, func.min(closure.c.ancestor_id).label("branch_id"))
            .join(closure, closure.c.org_id == openings.c.org_id)
            .join(branch, and_(branch.c.org_id == closure.c.ancestor_id, branch.c.kind == "branch"))
            .group_by(openings.c.client_id)
            .cte("client_branch")
        )

    return f.memo("lifecycle:client_branch", make)


def charged_at(f: Frame, days: Any, name: str) -> Any:
    """(client_id, day, staff_id, org_id, staff_left): whom a rule charges for each
    (client_id, day) of `days`: the primary manager on that day (the latest started, then the
    smallest staff id); else, with staff_id empty, the org unit of the latest earlier primary
    manager, else the branch (see the module docstring). `staff_left` says whether the charged
    primary had left by that day."""
    a = assignments.alias(f"{name}_a")
    s = staff.alias(f"{name}_s")
    is_active = and_(a.c.start_on <= days.c.day, or_(a.c.end_on.is_(None), a.c.end_on > days.c.day))
    ranked = (
        select(
            days.c.client_id,
            days.c.day,
            a.c.staff_id,
            s.c.org_id,
            flag(is_active).label("active"),
            flag(and_(s.c.left_on.is_not(None), s.c.left_on <= days.c.day)).label("left"),
            func.row_number()
            .over(
                partition_by=[days.c.client_id, days.c.day],
                # The primary that day (the latest started); else the latest to have ended.
                order_by=[
                    case((is_active, 0), else_=1),
                    a.c.end_on.desc().nulls_first(),
                    a.c.start_on.desc(),
                    a.c.staff_id,
                ],
            )
            .label("rn"),
        )
        .select_from(days)
        .join(
            a,
            and_(
                a.c.client_id == days.c.client_id, a.c.role == "primary", a.c.start_on <= days.c.day
            ),
        )
        .join(s, s.c.staff_id == a.c.staff_id)
        .subquery(f"{name}_ranked")
    )
    top = select(ranked).where(ranked.c.rn == 1).subquery(f"{name}_top")
    branch = _branch_of_clients(f)
    fallback = func.coalesce(branch.c.branch_id, literal(f.sole_branch(), String))
    return (
        select(
            days.c.client_id,
            days.c.day,
            case((top.c.active == 1, top.c.staff_id), else_=null()).label("staff_id"),
            func.coalesce(top.c.org_id, fallback).label("org_id"),
            func.coalesce(top.c.left, 0).label("staff_left"),
            func.coalesce(top.c.active, 0).label("has_primary"),
        )
        .select_from(days)
        .outerjoin(top, and_(top.c.client_id == days.c.client_id, top.c.day == days.c.day))
        .outerjoin(branch, branch.c.client_id == days.c.client_id)
        .cte(name)
    )


# --- account openings ----------------------------------------------------------------------------


def _openings(f: Frame) -> Any:
    """Every opening with `date(opened_at)` in P, with its six checks, its deadlines and whether
    it is judged, compliant, and kept by its opener."""

    def make() -> Any:
        s, e = f.settings, f.e
        lo, hi = f.bounds()
        o = openings
        opened_on = cast(o.c.opened_at, Date)
        opener = staff.alias("opener")
        joined = o.join(opener, opener.c.staff_id == o.c.staff_id)
        joined, archive_by = with_deadline(
            joined, opened_on, int(s["opening.archive_working_days"]), "archive"
        )
        joined, follow_by = with_deadline(
            joined, opened_on, int(s["opening.followup_working_days"]), "followup"
        )
        base = (
            select(
                o.c.opening_id,
                o.c.client_id,
                o.c.staff_id,
                opener.c.org_id,
                o.c.opened_at,
                opened_on.label("opened_on"),
                o.c.assets_at_opening,
                o.c.approval_ref,
                o.c.kyc_at,
                o.c.risk_assessed_at,
                opener.c.role.label("opener_role"),
                opener.c.left_on.label("opener_left_on"),
                archive_by.label("archive_deadline"),
                follow_by.label("followup_deadline"),
            )
            .select_from(joined)
            .where(o.c.opened_at >= lo, o.c.opened_at < hi)
            .subquery("opening_base")
        )
        b = base
        info = info_updates.alias("opening_info")
        longest = max(
            int(s["opening.archive_working_days"]), int(s["opening.followup_working_days"])
        )
        archived = exists(
            select(info.c.client_id).where(
                within(info.c.at, f.period.start, reach(f, longest)),
                info.c.client_id == b.c.client_id,
                info.c.field_group == "comprehensive",
                cast(info.c.at, Date) >= b.c.opened_on,
                cast(info.c.at, Date) <= b.c.archive_deadline,
            )
        )
        contact = contacts.alias("opening_contact")
        primary = assignments.alias("opening_primary")
        followed = exists(
            select(contact.c.contact_id)
            .join(
                primary,
                and_(
                    primary.c.client_id == contact.c.client_id,
                    primary.c.staff_id == contact.c.staff_id,
                    primary.c.role == "primary",
                    active_on(primary, cast(contact.c.at, Date)),
                ),
            )
            .where(
                within(contact.c.at, f.period.start, reach(f, longest)),
                contact.c.client_id == b.c.client_id,
                cast(contact.c.at, Date) >= b.c.opened_on,
                cast(contact.c.at, Date) <= b.c.followup_deadline,
            )
        )
        kept_by = assignments.alias("opening_kept")
        kept = exists(
            select(kept_by.c.client_id).where(
                kept_by.c.client_id == b.c.client_id,
                kept_by.c.staff_id == b.c.staff_id,
                kept_by.c.role == "primary",
                active_on(kept_by, e),
            )
        )
        archive_judged = and_(b.c.archive_deadline.is_not(None), b.c.archive_deadline <= e)
        followup_judged = and_(b.c.followup_deadline.is_not(None), b.c.followup_deadline <= e)
        checks = {
            "opening_below_threshold": and_(
                b.c.assets_at_opening < money(s["tier.wealth"]), b.c.approval_ref.is_(None)
            ),
            "opening_not_wealth_manager": or_(
                b.c.opener_role.not_in(("planner", "advisor")),
                and_(b.c.opener_left_on.is_not(None), b.c.opener_left_on <= b.c.opened_on),
            ),
            "opening_kyc_missing": or_(b.c.kyc_at.is_(None), b.c.kyc_at > b.c.opened_at),
            "opening_risk_missing": or_(
                b.c.risk_assessed_at.is_(None),
                b.c.risk_assessed_at > b.c.opened_at,
                and_(b.c.kyc_at.is_not(None), b.c.risk_assessed_at < b.c.kyc_at),
            ),
            "opening_not_archived": and_(archive_judged, ~archived),
            "opening_no_followup": and_(followup_judged, ~followed),
        }
        flags = [flag(condition).label(rule) for rule, condition in checks.items()]
        return select(
            b.c.opening_id,
            b.c.client_id,
            b.c.staff_id,
            b.c.org_id,
            b.c.opened_at,
            b.c.opened_on,
            b.c.assets_at_opening,
            b.c.archive_deadline,
            b.c.followup_deadline,
            *flags,
            flag(and_(archive_judged, followup_judged)).label("judged"),
            flag(kept).label("kept"),
        ).cte("openings_checked")

    return f.memo(_key(f, "openings"), make)


@row_source("openings", order=("opened_at", "opening_id"))
def opening_rows(f: Frame) -> Select:
    """The openings in P of the staff each entity answers for (an opening by a head counts for
    the head's unit), with their checks."""
    o = _openings(f)
    mem = f.staff_members()
    failed = or_(*(o.c[rule] == 1 for rule in OPENING_RULES))
    return (
        select(mem.c.entity_id, *(c for c in o.c), flag(~failed).label("compliant"))
        .select_from(mem)
        .join(o, o.c.staff_id == mem.c.staff_id)
    )


# --- new relationships: the first contact ---------------------------------------------------------


def _intros(f: Frame) -> Any:
    """Primary and secondary assignments starting in P, with the first-contact deadline, whether
    it is judged and whether the assignment's staff member contacted the client in time."""

    def make() -> Any:
        a = assignments
        n = int(f.settings["intro.first_contact_working_days"])
        joined, deadline = with_deadline(
            a.join(staff, staff.c.staff_id == a.c.staff_id), a.c.start_on, n, "intro"
        )
        base = (
            select(
                a.c.client_id,
                a.c.staff_id,
                a.c.role,
                a.c.start_on,
                a.c.end_on,
                staff.c.org_id,
                deadline.label("deadline"),
            )
            .select_from(joined)
            .where(
                a.c.role.in_(("primary", "secondary")),
                a.c.start_on >= f.period.start,
                a.c.start_on <= f.e,
            )
            .subquery("intro_base")
        )
        contact = contacts.alias("intro_contact")
        contacted = exists(
            select(contact.c.contact_id).where(
                within(contact.c.at, f.period.start, reach(f, n)),
                contact.c.client_id == base.c.client_id,
                contact.c.staff_id == base.c.staff_id,
                cast(contact.c.at, Date) >= base.c.start_on,
                cast(contact.c.at, Date) <= base.c.deadline,
            )
        )
        judged = and_(base.c.deadline.is_not(None), base.c.deadline <= f.e)
        return select(
            *(c for c in base.c),
            flag(judged).label("judged"),
            flag(contacted).label("on_time"),
            flag(and_(judged, ~contacted)).label("missed"),
        ).cte("intros_checked")

    return f.memo(_key(f, "intros"), make)


@row_source("relationships", order=("start_on", "client_id", "staff_id"))
def relationship_rows(f: Frame) -> Select:
    """The new primary / secondary assignments of each entity's members (kpis.md's planners and
    advisors: lifecycle.md widens the roll-up to every role only for openings, exceptions and
    referrals)."""
    i = _intros(f)
    mem = f.members()
    return (
        select(mem.c.entity_id, *(c for c in i.c))
        .select_from(mem)
        .join(i, i.c.staff_id == mem.c.staff_id)
    )


# --- care dates --------------------------------------------------------------------------------------


def care_days(period: Period) -> list[tuple[dt.date, str, dt.date]]:
    """(care date, `MM-DD` it falls on for, first day a care contact counts) for every day of P;
    29 February falls on 28 February in a year without one. The lead is added by the caller."""
    out = []
    day = period.start
    while day <= period.end:
        out.append((day, f"{day:%m-%d}", day))
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            out.append((day, "02-29", day))
        day += dt.timedelta(days=1)
    return out


def _care(f: Frame) -> Any:
    """Each care date of P (and on or before e) with each planner holding the client in their
    primary book that day, and whether that planner made a `care` contact in time."""

    def make() -> Any:
        lead = int(f.settings["care.lead_days"])
        days = (
            values(
                column("care_on", Date),
                column("month_day", String),
                column("window_from", Date),
                name="care_days",
            )
            .data([(d, md, d - dt.timedelta(days=lead)) for d, md, _ in care_days(f.period)])
            .alias("care_days")
        )
        # The care dates of P first, materialised: left to itself, DuckDB joined the period's
        # days to every primary assignment on `start_on <= care_on` (millions of rows at branch
        # scale) before matching the client.
        dated = (
            select(
                care_dates.c.client_id,
                care_dates.c.kind,
                care_dates.c.label,
                care_dates.c.month_day,
                days.c.care_on,
                days.c.window_from,
            )
            .select_from(care_dates)
            .join(days, days.c.month_day == care_dates.c.month_day)
            .join(clients, clients.c.client_id == care_dates.c.client_id)
            .where(days.c.care_on <= f.e, open_on(days.c.care_on))
            .cte(f"care_dated_{f.period.label().replace('-', '_')}")
            .prefix_with("MATERIALIZED")
        )
        planner = staff.alias("care_planner")
        a = assignments.alias("care_book")
        base = (
            select(*(c for c in dated.c), a.c.staff_id, planner.c.org_id)
            .select_from(dated)
            .join(
                a,
                and_(
                    a.c.client_id == dated.c.client_id,
                    a.c.role == "primary",
                    active_on(a, dated.c.care_on),
                ),
            )
            .join(planner, and_(planner.c.staff_id == a.c.staff_id, planner.c.role == "planner"))
            .distinct()
            .subquery("care_base")
        )
        contact = contacts.alias("care_contact")
        done = exists(
            select(contact.c.contact_id).where(
                within(contact.c.at, f.period.start - dt.timedelta(days=lead), f.e),
                contact.c.client_id == base.c.client_id,
                contact.c.staff_id == base.c.staff_id,
                contact.c.purpose == "care",
                cast(contact.c.at, Date) >= base.c.window_from,
                cast(contact.c.at, Date) <= base.c.care_on,
            )
        )
        return select(*(c for c in base.c), flag(done).label("done")).cte("care_checked")

    return f.memo(_key(f, "care"), make)


@row_source("care", order=("care_on", "client_id", "kind"))
def care_rows(f: Frame) -> Select:
    """The care dates each entity's member planners look at, each care date once per entity
    (two planners of a unit holding the client: one date, done when either made the contact)."""
    c = _care(f)
    mem = f.members()
    key = (c.c.client_id, c.c.kind, c.c.label, c.c.month_day, c.c.care_on)
    return (
        select(
            mem.c.entity_id,
            *key,
            func.min(c.c.staff_id).label("staff_id"),
            func.max(c.c.done).label("done"),
        )
        .select_from(mem)
        .join(c, c.c.staff_id == mem.c.staff_id)
        .group_by(mem.c.entity_id, *key)
    )


# --- quarterly reports on plans ----------------------------------------------------------------------


def quarters_in(period: Period) -> list[Period]:
    """The quarters lying wholly in P (none for a month)."""
    if period.kind == "month":
        return []
    first = Period.parse(f"{period.start.year}Q{(period.start.month - 1) // 3 + 1}")
    return [first.shift(i) for i in range(period.months // 3)]


def _plan_quarters(f: Frame) -> Any:
    """For each quarter wholly in P and each client open at its end whose latest plan (on or
    before the quarter's end) is dated before the quarter: that plan, and whether a quarterly
    report on it is dated in the quarter."""

    def make() -> Any:
        quarters = quarters_in(f.period)
        qs = (
            values(
                column("q_start", Date),
                column("q_end", Date),
                name="plan_quarter_list",
            )
            .data([(q.start, q.end) for q in quarters] or [(f.e, f.e)])
            .alias("plan_quarter_list")
        )
        p = plans.alias("plan")
        ranked = (
            select(
                qs.c.q_start,
                qs.c.q_end,
                p.c.plan_id,
                p.c.client_id,
                p.c.staff_id,
                p.c.at.label("plan_at"),
                func.row_number()
                .over(
                    partition_by=[qs.c.q_start, p.c.client_id],
                    order_by=[p.c.at.desc(), p.c.plan_id.desc()],
                )
                .label("rn"),
            )
            .select_from(qs)
            .join(p, and_(p.c.kind == "plan", p.c.at < midnight_col(qs.c.q_end)))
            .where(literal(bool(quarters)))
            .subquery("latest_plans")
        )
        latest = (
            select(ranked)
            .join(clients, clients.c.client_id == ranked.c.client_id)
            .where(
                ranked.c.rn == 1,
                ranked.c.plan_at < midnight_col(ranked.c.q_start, 0),
                or_(clients.c.closed_on.is_(None), clients.c.closed_on > ranked.c.q_end),
            )
            .subquery("plan_obligations")
        )
        report = plans.alias("report")
        reported = exists(
            select(report.c.plan_id).where(
                report.c.client_id == latest.c.client_id,
                report.c.kind == "quarterly_report",
                report.c.at >= midnight_col(latest.c.q_start, 0),
                report.c.at < midnight_col(latest.c.q_end),
                or_(report.c.plan_ref == latest.c.plan_id, report.c.plan_ref.is_(None)),
            )
        )
        return (
            select(
                latest.c.q_start,
                latest.c.q_end,
                latest.c.plan_id,
                latest.c.client_id,
                latest.c.staff_id,
                staff.c.org_id,
                latest.c.plan_at,
                flag(reported).label("reported"),
            )
            .join(staff, staff.c.staff_id == latest.c.staff_id)
            .cte("plan_quarters_checked")
        )

    return f.memo(_key(f, "plan_quarters"), make)


def midnight_col(day: Any, days_after: int = 1) -> Any:
    """The start of the day `days_after` days after a date column, as a timestamp (a range a
    timestamp index can use: `at < midnight_col(d)` means date(at) <= d)."""
    return cast(day, Date) + literal(dt.timedelta(days=days_after))


@row_source("plan_quarters", order=("q_start", "client_id", "plan_id"))
def plan_quarter_rows(f: Frame) -> Select:
    """The plan-quarters of plans by each entity's members."""
    q = _plan_quarters(f)
    mem = f.members()
    return (
        select(mem.c.entity_id, *(c for c in q.c))
        .select_from(mem)
        .join(q, q.c.staff_id == mem.c.staff_id)
    )


# --- the state at e: maintenance, tiers, loss ----------------------------------------------------------


def _aum_at(month: dt.date, name: str) -> Any:
    return (
        select(aum.c.client_id, aum.c.avg_daily_aum.label("aum"))
        .where(aum.c.month == month)
        .subquery(name)
    )


def _state_rules(f: Frame) -> list[Select]:
    """The register rows of the rules judged on the state at e (maintenance, tier changes, loss),
    each as (rule, client_id, staff_id, org_id, day, ref).

    Each rule first finds its clients (`hits`: rule, client_id, ref), from small candidate sets
    (wealth clients, clients with a secondary, black-gold ones, closed ones); only the clients hit
    are then charged (`charged_at`), in one pass for the rules "at e" and one for the loss rules."""
    s, e = f.settings, f.e
    e_literal = literal(e, Date)
    open_at_e = open_on(e)
    now = _aum_at(month_start(e), "aum_at_e")
    wealth = money(s["tier.wealth"])
    black_gold = money(s["tier.black_gold"])

    def hit(rule: str, client_id: Any, ref: Any = None) -> Any:
        ref_value = cast(null(), String) if ref is None else ref
        return [literal(rule).label("rule"), client_id.label("client_id"), ref_value.label("ref")]

    # client_unmaintained: a wealth client, or one with an opening on or before e, whose primary
    # at e is missing or has left; charged to an org unit alone (below, staff_id emptied).
    opened = select(openings.c.client_id).where(
        openings.c.opened_at < midnight(e + dt.timedelta(days=1))
    )
    candidates = (
        select(clients.c.client_id)
        .outerjoin(now, now.c.client_id == clients.c.client_id)
        .where(
            open_at_e, or_(func.coalesce(now.c.aum, 0) >= wealth, clients.c.client_id.in_(opened))
        )
        .subquery("unmaintained_candidates")
    )
    ok = assignments.alias("ok_primary")
    ok_staff = staff.alias("ok_staff")
    maintained = exists(
        select(ok.c.client_id)
        .join(ok_staff, ok_staff.c.staff_id == ok.c.staff_id)
        .where(
            ok.c.client_id == candidates.c.client_id,
            ok.c.role == "primary",
            active_on(ok, e),
            or_(ok_staff.c.left_on.is_(None), ok_staff.c.left_on > e),
        )
    )
    unmaintained = select(*hit("client_unmaintained", candidates.c.client_id)).where(~maintained)

    # risk_assessment_due: a wealth client (with a primary at e: checked once charged) whose
    # latest risk assessment is missing or too old.
    latest = (
        select(risk.c.client_id, func.max(risk.c.assessed_on).label("assessed_on"))
        .where(risk.c.assessed_on <= e)
        .group_by(risk.c.client_id)
        .subquery("latest_assessment")
    )
    valid_from = e - dt.timedelta(days=int(s["kyc.valid_days"]))
    risk_due = (
        select(*hit("risk_assessment_due", now.c.client_id, iso(latest.c.assessed_on)))
        .select_from(now)
        .join(clients, clients.c.client_id == now.c.client_id)
        .outerjoin(latest, latest.c.client_id == now.c.client_id)
        .where(
            now.c.aum >= wealth,
            open_at_e,
            or_(latest.c.assessed_on.is_(None), latest.c.assessed_on < valid_from),
        )
    )

    # Tiers at the month-ends of m(e) and the grace months before it; a missing month is 0.
    months = [add_months(month_start(e), -k) for k in range(int(s["lifecycle.grace_months"]) + 1)]

    def tier_of(candidates: Any, name: str) -> Any:
        """(client_id, months_found, lowest, highest) of the candidates' AUM over `months`."""
        return (
            select(
                candidates.c.client_id,
                func.count(aum.c.client_id).label("months_found"),
                func.min(aum.c.avg_daily_aum).label("lowest"),
                func.max(aum.c.avg_daily_aum).label("highest"),
            )
            .select_from(candidates)
            .outerjoin(
                aum, and_(aum.c.client_id == candidates.c.client_id, aum.c.month.in_(months))
            )
            .group_by(candidates.c.client_id)
            .subquery(name)
        )

    def active(role: str, alias: str) -> Any:
        a = assignments.alias(alias)
        return select(a.c.client_id).where(a.c.role == role, active_on(a, e))

    # upgrade_no_secondary: black-gold at every one of those month-ends (so at m(e) too), open,
    # without a secondary at e.
    top_now = (
        select(now.c.client_id)
        .join(clients, clients.c.client_id == now.c.client_id)
        .where(now.c.aum >= black_gold, open_at_e)
        .subquery("top_now")
    )
    top = tier_of(top_now, "top_tiers")
    upgrade = select(*hit("upgrade_no_secondary", top.c.client_id)).where(
        top.c.months_found == len(months),
        top.c.lowest >= black_gold,
        top.c.client_id.not_in(active("secondary", "up_secondary")),
    )
    # Downgrades: below black-gold at every one of those month-ends, open, with a secondary at e
    # or an unsealed archive created by an advisor.
    archive = archives.alias("down_archive")
    author = staff.alias("archive_author")
    advisor_archives = (
        select(archive.c.client_id, archive.c.created_on)
        .join(author, and_(author.c.staff_id == archive.c.created_by, author.c.role == "advisor"))
        .where(
            archive.c.created_on <= e,
            or_(archive.c.sealed_on.is_(None), archive.c.sealed_on > e),
        )
        .subquery("advisor_archives")
    )
    with_secondary = active("secondary", "down_secondary").subquery("with_secondary")
    down_candidates = (
        union_all(select(with_secondary.c.client_id), select(advisor_archives.c.client_id))
        .subquery("down_candidates_all")
        .select()
        .distinct()
        .subquery("down_candidates")
    )
    down = tier_of(down_candidates, "down_tiers")
    below = (
        select(down.c.client_id)
        .join(clients, clients.c.client_id == down.c.client_id)
        .where(or_(down.c.highest.is_(None), down.c.highest < black_gold), open_at_e)
        .subquery("below_top")
    )
    downgrade_kept = select(*hit("downgrade_secondary_kept", below.c.client_id)).where(
        below.c.client_id.in_(select(with_secondary.c.client_id))
    )
    downgrade_archive = (
        select(
            *hit("downgrade_archive_open", below.c.client_id, iso(advisor_archives.c.created_on))
        )
        .select_from(below)
        .join(advisor_archives, advisor_archives.c.client_id == below.c.client_id)
    )

    # client_two_primaries: one row per primary assignment active at e (charged to its staff).
    two = assignments.alias("two_primaries")
    doubled = (
        select(two.c.client_id)
        .join(clients, clients.c.client_id == two.c.client_id)
        .where(two.c.role == "primary", active_on(two, e), open_at_e)
        .group_by(two.c.client_id)
        .having(func.count() >= 2)
        .subquery("doubled")
    )
    each = assignments.alias("each_primary")
    each_staff = staff.alias("each_staff")
    two_primaries = (
        select(
            literal("client_two_primaries").label("rule"),
            each.c.client_id,
            each.c.staff_id,
            each_staff.c.org_id,
            e_literal.label("day"),
            iso(each.c.start_on).label("ref"),
        )
        .select_from(doubled)
        .join(each, and_(each.c.client_id == doubled.c.client_id, each.c.role == "primary"))
        .join(each_staff, each_staff.c.staff_id == each.c.staff_id)
        .where(active_on(each, e))
    )

    # Charge the clients hit "at e" once: the primary manager at e, else an org unit.
    at_e_hits = union_all(unmaintained, risk_due, upgrade, downgrade_kept, downgrade_archive).cte(
        "hits_at_e"
    )
    hit_clients = (
        select(at_e_hits.c.client_id, e_literal.label("day"))
        .distinct()
        .subquery("hit_clients_at_e")
    )
    at_e = charged_at(f, hit_clients, "charge_at_e")
    unit_alone = at_e_hits.c.rule == "client_unmaintained"
    charged_at_e = (
        select(
            at_e_hits.c.rule,
            at_e_hits.c.client_id,
            case((unit_alone, cast(null(), String)), else_=at_e.c.staff_id).label("staff_id"),
            at_e.c.org_id,
            e_literal.label("day"),
            at_e_hits.c.ref,
        )
        .select_from(at_e_hits)
        .join(at_e, at_e.c.client_id == at_e_hits.c.client_id)
        # "A wealth client ... and a primary manager at e": the only rule that needs one.
        .where(or_(at_e_hits.c.rule != "risk_assessment_due", at_e.c.has_primary == 1))
    )

    # Loss: closed more than grace_days before e; charged as on the day before the closure.
    lost_before = e - dt.timedelta(days=int(s["lifecycle.grace_days"]))
    lost = select(clients.c.client_id).where(clients.c.closed_on < lost_before).subquery("lost")
    kept = assignments.alias("kept_manager")
    still_assigned = select(kept.c.client_id).where(
        kept.c.role.in_(("primary", "secondary")), active_on(kept, e)
    )
    lost_archive = archives.alias("lost_archive")
    loss_hits = union_all(
        select(*hit("loss_managers_kept", lost.c.client_id)).where(
            lost.c.client_id.in_(still_assigned)
        ),
        select(*hit("loss_archive_open", lost.c.client_id, iso(lost_archive.c.created_on)))
        .select_from(lost)
        .join(lost_archive, lost_archive.c.client_id == lost.c.client_id)
        .where(
            lost_archive.c.created_on <= e,
            or_(lost_archive.c.sealed_on.is_(None), lost_archive.c.sealed_on > e),
        ),
    ).cte("loss_hits")
    eves = (
        select(
            clients.c.client_id,
            cast(clients.c.closed_on - literal(dt.timedelta(days=1)), Date).label("day"),
        )
        .where(clients.c.client_id.in_(select(loss_hits.c.client_id)))
        .subquery("closure_eves")
    )
    at_eve = charged_at(f, eves, "charge_at_closure")
    charged_loss = (
        select(
            loss_hits.c.rule,
            loss_hits.c.client_id,
            at_eve.c.staff_id,
            at_eve.c.org_id,
            e_literal.label("day"),
            loss_hits.c.ref,
        )
        .select_from(loss_hits)
        .join(at_eve, at_eve.c.client_id == loss_hits.c.client_id)
    )
    return [charged_at_e, two_primaries, charged_loss]


# --- the register -----------------------------------------------------------------------------------


def register(f: Frame) -> Any:
    """Every exception of P: (rule, client_id, staff_id, org_id, day, ref), entity-independent."""

    def make() -> Any:
        o = _openings(f)
        parts: list[Select] = [
            select(
                literal(rule).label("rule"),
                o.c.client_id,
                o.c.staff_id,
                o.c.org_id,
                o.c.opened_on.label("day"),
                cast(o.c.opening_id, String).label("ref"),
            ).where(o.c[rule] == 1)
            for rule in OPENING_RULES
        ]
        parts += _state_rules(f)
        i = _intros(f)
        parts.append(
            select(
                literal("intro_no_first_contact").label("rule"),
                i.c.client_id,
                i.c.staff_id,
                i.c.org_id,
                i.c.start_on.label("day"),
                cast(i.c.role, String).label("ref"),
            ).where(i.c.missed == 1)
        )
        c = _care(f)
        parts.append(
            select(
                literal("care_missed").label("rule"),
                c.c.client_id,
                c.c.staff_id,
                c.c.org_id,
                c.c.care_on.label("day"),
                cast(c.c.kind, String).label("ref"),
            ).where(c.c.done == 0)
        )
        q = _plan_quarters(f)
        parts.append(
            select(
                literal("plan_no_quarterly_report").label("rule"),
                q.c.client_id,
                q.c.staff_id,
                q.c.org_id,
                q.c.q_end.label("day"),
                cast(q.c.plan_id, String).label("ref"),
            ).where(q.c.reported == 0)
        )
        return union_all(*parts).cte("register")

    return f.memo(_key(f, "register"), make)


@row_source("exceptions", order=("rule", "day", "client_id", "staff_id", "ref"))
def exception_rows(f: Frame) -> Select:
    """The register rows each entity answers for: a staff member's own; an org unit's, those of
    every staff member of the unit or below and those charged to the unit or a unit below (each
    row once: a row's org_id is its staff member's unit, or the unit charged)."""
    r = register(f)
    ents = f.entities()
    if f.level == "staff":
        return (
            select(ents.c.entity_id, *(c for c in r.c))
            .select_from(ents)
            .join(r, r.c.staff_id == ents.c.entity_id)
        )
    closure = org_closure()
    return (
        select(ents.c.entity_id, *(c for c in r.c))
        .select_from(ents)
        .join(closure, closure.c.ancestor_id == ents.c.entity_id)
        .join(r, r.c.org_id == closure.c.org_id)
    )


# --- acquisition --------------------------------------------------------------------------------------


@row_source("new_clients", order=("client_id",))
def new_client_rows(f: Frame) -> Select:
    """Clients whose first primary or secondary assignment to anyone starts in P, in the entity's
    book at e (each client once per entity), with where they came from."""
    first = (
        select(assignments.c.client_id, func.min(assignments.c.start_on).label("first_on"))
        .where(assignments.c.role.in_(("primary", "secondary")))
        .group_by(assignments.c.client_id)
        .subquery("first_assignment")
    )
    bk = f.book(f.e)
    referral = clients.c.source.in_(("staff_referral", "client_referral"))
    return (
        select(
            bk.c.entity_id,
            bk.c.client_id,
            first.c.first_on,
            clients.c.source,
            clients.c.referred_by,
            flag(referral).label("referral"),
        )
        .select_from(bk)
        .join(first, first.c.client_id == bk.c.client_id)
        .join(clients, clients.c.client_id == bk.c.client_id)
        .where(first.c.first_on >= f.period.start, first.c.first_on <= f.e)
    )


@row_source("referrals", order=("client_id",))
def referral_rows(f: Frame) -> Select:
    """Clients referred (a staff referral) by the staff each entity answers for, whatever their
    role, whose relationship opened in P: each client once per entity."""
    mem = f.staff_members()
    return (
        select(
            mem.c.entity_id,
            clients.c.client_id,
            clients.c.referred_by,
            clients.c.opened_on,
        )
        .select_from(mem)
        .join(
            clients,
            and_(clients.c.referred_by == mem.c.staff_id, clients.c.source == "staff_referral"),
        )
        .where(clients.c.opened_on >= f.period.start, clients.c.opened_on <= f.e)
        .distinct()
    )
