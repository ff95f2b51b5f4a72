"""Row sources of the supervision metrics (kpis.md, "Supervision metrics"): logins, client-info
upkeep, contacts and cadence, work items and request SLAs.

Choices where kpis.md is silent (also in the catalogue's descriptions):

- Timestamps are compared with dates by their calendar date: `done_at <= e` means done on or
  before the day e; "created on or before e" likewise; `date(due_at) < e` for overdue.
- Work items: "done on time" needs a due date (`done_at <= due_at`); an item without one is done
  but not on time. An item without a due date is never overdue.
- Request SLA, platinum: a request never acknowledged has not met the acknowledgement rule, even
  when it was resolved in time (the rule asks for both). Deadlines follow the mainland-China
  working-day calendar; a request received on a day off counts working days from the next one.
  A request whose deadline lies after e is not yet due and is left out (neither met nor breached).
- Request SLA tier: AUM of the client's received month; a missing month is 0, i.e. mass: no SLA.
- Cadence: only contacts within the longest contact cycle before e can make a client compliant,
  so `last_contact_on` in the drill-through is empty for clients last contacted earlier than that.
  A client without a `contact_cycle` is treated as `quarterly` (the contract's default).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Interval,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)

from data import tables
from metrics.measures.layer import Frame, row_source
from metrics.measures.sources.common import flag, hours, midnight, tier_expr

logins = tables.logins
info_updates = tables.info_updates
contacts = tables.contacts
work_items = tables.work_items
requests = tables.requests
aum = tables.aum_monthly
calendar_days = tables.calendar_days
clients = tables.clients

CYCLES = ("monthly", "bimonthly", "quarterly")
DEFAULT_CYCLE = "quarterly"


def _seconds(start: Any, end: Any) -> Any:
    return func.extract("epoch", end) - func.extract("epoch", start)


# --- logins ----------------------------------------------------------------------------------


@row_source("logins", order=("staff_id", "login_at"))
def login_rows(f: Frame) -> Select:
    """Every login of a member in P, with its session length in seconds (null without logout)."""
    lo, hi = f.bounds()
    mem = f.members()
    return (
        select(
            mem.c.entity_id,
            logins.c.staff_id,
            logins.c.login_at,
            logins.c.logout_at,
            cast(logins.c.login_at, Date).label("login_on"),
            _seconds(logins.c.login_at, logins.c.logout_at).label("session_seconds"),
            logins.c.source,
        )
        .select_from(mem)
        .join(logins, logins.c.staff_id == mem.c.staff_id)
        .where(logins.c.login_at >= lo, logins.c.login_at < hi)
    )


@row_source("login_days", order=("staff_id", "login_on"))
def login_day_rows(f: Frame) -> Select:
    """One row per member and working day of P with a login (a login on a weekend or public
    holiday is a login, not a login day)."""
    lo, hi = f.bounds()
    mem = f.members()
    login_on = cast(logins.c.login_at, Date)
    return (
        select(
            mem.c.entity_id,
            logins.c.staff_id,
            login_on.label("login_on"),
            func.count().label("logins"),
            func.min(logins.c.login_at).label("first_login_at"),
        )
        .select_from(mem)
        .join(logins, logins.c.staff_id == mem.c.staff_id)
        .join(calendar_days, and_(calendar_days.c.day == login_on, calendar_days.c.is_workday))
        .where(logins.c.login_at >= lo, logins.c.login_at < hi)
        .group_by(mem.c.entity_id, logins.c.staff_id, login_on)
    )


@row_source("member_logins", order=("staff_id",))
def member_login_rows(f: Frame) -> Select:
    """One row per member: login days in P, working days in P, and the date of the last login
    on or before e (which may lie before P: idle for months)."""
    _, hi = f.bounds()
    mem = f.members()
    days = f.source("login_days")
    per_member = (
        select(days.c.entity_id, days.c.staff_id, func.count().label("login_days"))
        .group_by(days.c.entity_id, days.c.staff_id)
        .subquery("days_per_member")
    )
    last = (
        select(logins.c.staff_id, func.max(logins.c.login_at).label("last_login_at"))
        .where(logins.c.login_at < hi)
        .where(logins.c.staff_id.in_(select(mem.c.staff_id)))
        .group_by(logins.c.staff_id)
        .subquery("last_login")
    )
    return (
        select(
            mem.c.entity_id,
            mem.c.staff_id,
            func.coalesce(per_member.c.login_days, 0).label("login_days"),
            literal(f.working_days()).label("working_days"),
            cast(last.c.last_login_at, Date).label("last_login_on"),
        )
        .select_from(mem)
        .outerjoin(
            per_member,
            and_(
                per_member.c.entity_id == mem.c.entity_id,
                per_member.c.staff_id == mem.c.staff_id,
            ),
        )
        .outerjoin(last, last.c.staff_id == mem.c.staff_id)
    )


# --- client-info upkeep and contacts -------------------------------------------------------------


@row_source("info_updates", order=("staff_id", "at", "client_id"))
def info_rows(f: Frame) -> Select:
    lo, hi = f.bounds()
    mem = f.members()
    t = info_updates
    return (
        select(mem.c.entity_id, t.c.staff_id, t.c.client_id, t.c.at, t.c.field_group)
        .select_from(mem)
        .join(t, t.c.staff_id == mem.c.staff_id)
        .where(t.c.at >= lo, t.c.at < hi)
    )


@row_source("contacts", order=("at", "contact_id"))
def contact_rows(f: Frame) -> Select:
    lo, hi = f.bounds()
    mem = f.members()
    t = contacts
    return (
        select(
            mem.c.entity_id,
            t.c.contact_id,
            t.c.staff_id,
            t.c.client_id,
            t.c.at,
            t.c.channel,
            t.c.purpose,
        )
        .select_from(mem)
        .join(t, t.c.staff_id == mem.c.staff_id)
        .where(t.c.at >= lo, t.c.at < hi)
    )


@row_source("book", order=("client_id",))
def book_rows(f: Frame) -> Select:
    """book(x, e) with, per client, whether a member contacted it in P and its cadence status."""
    e, s = f.e, f.settings
    lo, hi = f.bounds()
    bk = f.book(e)
    mem = f.members()
    contacted = (
        select(mem.c.entity_id, contacts.c.client_id)
        .select_from(mem)
        .join(contacts, contacts.c.staff_id == mem.c.staff_id)
        .where(contacts.c.at >= lo, contacts.c.at < hi)
        .distinct()
        .subquery("contacted")
    )
    # Only the longest cycle's window can hold a qualifying contact: filter by date range first.
    longest = max(int(s[f"cycle.days.{c}"]) for c in CYCLES)
    recent = (
        select(contacts.c.client_id, func.max(cast(contacts.c.at, Date)).label("last_contact_on"))
        .where(contacts.c.at >= midnight(e - dt.timedelta(days=longest)), contacts.c.at < hi)
        .group_by(contacts.c.client_id)
        .subquery("recent")
    )
    cycle = func.coalesce(clients.c.contact_cycle, DEFAULT_CYCLE)

    def by_cycle(value: Any) -> Any:
        whens = [(cycle == c, value(c)) for c in CYCLES]
        return case(*whens, else_=value(DEFAULT_CYCLE))

    # "At most N days before e", on calendar dates: last contact on or after e - N.
    threshold = by_cycle(lambda c: e - dt.timedelta(days=int(s[f"cycle.days.{c}"])))
    return (
        select(
            bk.c.entity_id,
            bk.c.client_id,
            cycle.label("contact_cycle"),
            by_cycle(lambda c: int(s[f"cycle.days.{c}"])).label("cycle_days"),
            flag(contacted.c.client_id.is_not(None)).label("contacted"),
            recent.c.last_contact_on,
            flag(recent.c.last_contact_on >= threshold).label("compliant"),
        )
        .select_from(bk)
        .join(clients, clients.c.client_id == bk.c.client_id)
        .outerjoin(
            contacted,
            and_(contacted.c.entity_id == bk.c.entity_id, contacted.c.client_id == bk.c.client_id),
        )
        .outerjoin(recent, recent.c.client_id == bk.c.client_id)
    )


# --- work items ------------------------------------------------------------------------------------


@row_source("work_items", order=("created_at", "item_id"))
def work_item_rows(f: Frame) -> Select:
    """Non-cancelled items of members created in P or overdue at e, with their 0/1 flags."""
    lo, hi = f.bounds()
    mem = f.members()
    t = work_items
    created = t.c.created_at >= lo
    done_by_e = and_(t.c.done_at.is_not(None), t.c.done_at < hi)
    # date(due_at) < e  <=>  due_at < midnight of e.
    overdue = and_(~done_by_e, t.c.due_at < midnight(f.e))
    done = and_(created, done_by_e)
    return (
        select(
            mem.c.entity_id,
            t.c.item_id,
            t.c.staff_id,
            t.c.client_id,
            t.c.kind,
            t.c.status,
            t.c.created_at,
            t.c.due_at,
            t.c.done_at,
            t.c.amount,
            flag(created).label("created"),
            flag(done).label("done"),
            flag(and_(done, t.c.done_at <= t.c.due_at)).label("done_on_time"),
            flag(overdue).label("overdue"),
        )
        .select_from(mem)
        .join(t, t.c.staff_id == mem.c.staff_id)
        .where(t.c.status != "cancelled", t.c.created_at < hi, or_(created, overdue))
    )


# --- requests --------------------------------------------------------------------------------------


@row_source("requests", order=("received_at", "request_id"))
def request_rows(f: Frame) -> Select:
    """Requests received in P by members, with tier, deadlines, whether each leg of the SLA was
    met (`ack_met`, `result_met`), and whether the request was due and met."""
    lo, hi = f.bounds()
    mem = f.members()
    s = f.settings
    received_on = cast(requests.c.received_at, Date)
    cal_r = calendar_days.alias("cal_r")
    cal_d = calendar_days.alias("cal_d")
    n_days = int(s["sla.platinum_working_days"])
    base = (
        select(
            mem.c.entity_id,
            requests.c.request_id,
            requests.c.staff_id,
            requests.c.client_id,
            requests.c.received_at,
            requests.c.acknowledged_at,
            requests.c.resolved_at,
            aum.c.avg_daily_aum.label("received_month_aum"),
            tier_expr(aum.c.avg_daily_aum, s).label("tier"),
            (requests.c.received_at + hours(s["sla.black_gold_hours"])).label(
                "black_gold_deadline"
            ),
            (requests.c.received_at + hours(s["sla.platinum_ack_hours"])).label("ack_deadline"),
            # The N-th working day strictly after the received date: workday_seq counts working
            # days on or before a day, so it is the working day numbered seq(received) + N.
            cal_d.c.day.label("platinum_deadline_on"),
        )
        .select_from(mem)
        .join(requests, requests.c.staff_id == mem.c.staff_id)
        .outerjoin(
            aum,
            and_(
                aum.c.client_id == requests.c.client_id,
                aum.c.month == cast(func.date_trunc("month", requests.c.received_at), Date),
            ),
        )
        .outerjoin(cal_r, cal_r.c.day == received_on)
        .outerjoin(
            cal_d,
            and_(cal_d.c.workday_seq == cal_r.c.workday_seq + n_days, cal_d.c.is_workday),
        )
        .where(requests.c.received_at >= lo, requests.c.received_at < hi)
        .subquery("req")
    )
    is_black_gold = base.c.tier == "black_gold"
    is_platinum = base.c.tier == "platinum"
    deadline_on = case(
        (is_black_gold, cast(base.c.black_gold_deadline, Date)),
        (is_platinum, base.c.platinum_deadline_on),
        else_=None,
    )
    resolved_in_time = case(
        (
            is_black_gold,
            and_(
                base.c.resolved_at.is_not(None),
                base.c.resolved_at <= base.c.black_gold_deadline,
            ),
        ),
        (
            is_platinum,
            and_(
                base.c.resolved_at.is_not(None),
                cast(base.c.resolved_at, Date) <= base.c.platinum_deadline_on,
            ),
        ),
        else_=False,
    )
    acknowledged_in_time = and_(
        base.c.acknowledged_at.is_not(None), base.c.acknowledged_at <= base.c.ack_deadline
    )
    met = case(
        (is_black_gold, resolved_in_time),
        (is_platinum, and_(acknowledged_in_time, resolved_in_time)),
        else_=False,
    )
    due = and_(deadline_on.is_not(None), deadline_on <= f.e)
    return select(
        base.c.entity_id,
        base.c.request_id,
        base.c.staff_id,
        base.c.client_id,
        base.c.received_at,
        base.c.acknowledged_at,
        base.c.resolved_at,
        base.c.tier,
        case(
            (is_black_gold, base.c.black_gold_deadline),
            (
                is_platinum,
                # End of the deadline day (23:59:59), as the spec words it.
                cast(base.c.platinum_deadline_on, DateTime)
                + literal(dt.timedelta(hours=23, minutes=59, seconds=59), Interval),
            ),
            else_=None,
        ).label("deadline"),
        deadline_on.label("deadline_on"),
        case((is_platinum, base.c.ack_deadline), else_=None).label("ack_deadline"),
        # Which leg of the SLA held (null where the leg does not apply: mass clients, and the
        # acknowledgement of a black-gold request).
        case((is_platinum, flag(acknowledged_in_time)), else_=None).label("ack_met"),
        case((is_black_gold | is_platinum, flag(resolved_in_time)), else_=None).label("result_met"),
        flag(due).label("due"),
        flag(and_(due, met)).label("met"),
    )
