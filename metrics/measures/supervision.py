"""Supervision metrics (kpis.md, "Supervision metrics" and "Roll-ups"): diligence of planners and
advisors — logins, client-info upkeep, contacts, work items, request SLAs and load.

Each family is one SQL statement over a row-level select (`_*_rows`) that the drill-throughs
return as they are, so a drilled list and its figure can never disagree. Ratios are computed in
Python from the numerator and denominator that SQL aggregated, so that a unit's ratio is always
sum(num) / sum(den), never a mean of ratios.

Choices where kpis.md is silent (copied into the catalogue's descriptions):

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
- `load_flag` applies to staff rows (load above `load.max_clients`); it is empty for org units,
  whose overloaded planners are counted by the portfolio-health metric `overloaded_planners`.
- A unit with no members has counts of 0 and empty ratios, means and idle days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Interval,
    Select,
    and_,
    case,
    cast,
    distinct,
    func,
    literal,
    or_,
    select,
)

from data.calendar import check_covered
from data.schema import (
    Assignment,
    AumMonthly,
    CalendarDay,
    Client,
    Contact,
    InfoUpdate,
    Login,
    Request,
    Staff,
    WorkItem,
)
from data.settings import SETTINGS, load_settings
from metrics.core.entities import Level, book, entities, members
from metrics.core.periods import Period
from metrics.core.scope import Scope

logins = Login.__table__
info_updates = InfoUpdate.__table__
contacts = Contact.__table__
work_items = WorkItem.__table__
requests = Request.__table__
aum = AumMonthly.__table__
calendar_days = CalendarDay.__table__
clients = Client.__table__
assignments = Assignment.__table__
staff = Staff.__table__

CHANNELS = ("visit", "phone", "sms", "email", "wechat", "event")
WORK_KINDS = ("activity", "event", "problem", "opportunity", "sms")
CYCLES = ("monthly", "bimonthly", "quarterly")
DEFAULT_CYCLE = "quarterly"

MAIN_COLUMNS = [
    "entity_id",
    "login_days",
    "login_day_rate",
    "logins",
    "avg_session_minutes",
    "idle_days",
    "info_updates",
    "info_updated_clients",
    "contacts",
    "contact_coverage",
    "cadence_compliance",
    "work_items_created",
    "work_items_done",
    "work_items_completion_rate",
    "work_items_overdue",
    "requests_due",
    "request_sla",
    "load",
]
RATIOS = (
    "login_day_rate",
    "avg_session_minutes",
    "contact_coverage",
    "cadence_compliance",
    "work_items_completion_rate",
    "request_sla",
)
EXTRA_COLUMNS = (
    [f"contacts_{ch}" for ch in CHANNELS]
    + [
        f"work_items_{flag}_{kind}"
        for kind in WORK_KINDS
        for flag in ("created", "done", "overdue")
    ]
    + ["work_items_done_on_time", "requests_met", "load_flag"]
    + [f"{r}__{part}" for r in RATIOS for part in ("num", "den")]
)
DESCRIPTIVE = ["name", "org_id", "role"]
COLUMNS = MAIN_COLUMNS + EXTRA_COLUMNS + DESCRIPTIVE

# The statement ("family") each column comes from, so that a caller that needs a few metrics
# (the Overview's previous-period tiles) runs only their statements: same SQL, same figures.
FAMILIES: dict[str, list[str]] = {
    "logins": [
        "login_days",
        "login_day_rate",
        "logins",
        "avg_session_minutes",
        "idle_days",
        *[
            f"{r}__{part}"
            for r in ("login_day_rate", "avg_session_minutes")
            for part in ("num", "den")
        ],
    ],
    "info": ["info_updates", "info_updated_clients"],
    "contacts": ["contacts", *[f"contacts_{ch}" for ch in CHANNELS]],
    "book": [
        "contact_coverage",
        "cadence_compliance",
        "load",
        "load_flag",
        *[
            f"{r}__{part}"
            for r in ("contact_coverage", "cadence_compliance")
            for part in ("num", "den")
        ],
    ],
    "work": [c for c in MAIN_COLUMNS + EXTRA_COLUMNS if c.startswith("work_items_")],
    "requests": [
        "requests_due",
        "request_sla",
        "requests_met",
        *[f"request_sla__{part}" for part in ("num", "den")],
    ],
}
FAMILY_OF = {col: family for family, cols in FAMILIES.items() for col in cols}


def families_for(metrics: Collection[str] | None) -> set[str]:
    """The families that compute `metrics` (None: all of them); unknown ids are refused."""
    if metrics is None:
        return set(FAMILIES)
    unknown = [m for m in metrics if m not in FAMILY_OF]
    if unknown:
        raise ValueError(f"not supervision metrics: {', '.join(sorted(unknown))}")
    return {FAMILY_OF[m] for m in metrics}


Settings = dict[str, Decimal]
SETTING_NAMES = tuple(spec.name for spec in SETTINGS)


# --- small shared pieces -----------------------------------------------------------------------


def midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def period_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) timestamps of P: a row is in P when s <= date(at) <= e, i.e. s <= at < e + 1.

    Comparing the raw timestamp with bounds (rather than casting it to a date) lets the database
    use indexes and DuckDB's zone maps on the time-ordered event tables."""
    return midnight(period.start), midnight(period.end + dt.timedelta(days=1))


def ratio(num: Any, den: Any) -> float | None:
    """num / den, None when the denominator is 0 (kpis.md: ratios are null on an empty base)."""
    if den is None or pd.isna(den) or den == 0:
        return None
    return float(num) / float(den)


def hours(n: Decimal | int) -> Any:
    """An interval literal; bound as a parameter (timedelta), which DuckDB and psycopg both map
    to INTERVAL, so `timestamp + interval` means the same on both engines."""
    return literal(dt.timedelta(hours=int(n)), Interval)


def flag(condition: Any) -> Any:
    """1/0 for a condition, so that SUM counts and drill rows carry plain integers."""
    return case((condition, 1), else_=0)


def resolve_settings(conn: Connection, settings: Settings | None) -> Settings:
    """The given settings over the stored ones (None or {} = the stored ones)."""
    if settings and all(name in settings for name in SETTING_NAMES):
        return settings
    return {**load_settings(conn), **(settings or {})}


def member_select(level: Level, scope: Scope, entity_id: str | None = None) -> Any:
    """members(level, scope), narrowed to one entity for a drill-through."""
    mem = members(level, scope).subquery("mem")
    query = select(mem.c.entity_id, mem.c.staff_id, mem.c.role)
    if entity_id is not None:
        query = query.where(mem.c.entity_id == entity_id)
    return query.subquery("members")


def working_days(conn: Connection, period: Period) -> int:
    """Working days in P from the materialised calendar (refused outside the library's years)."""
    check_covered(period.start, period.end)
    return int(
        conn.execute(
            select(func.count())
            .select_from(calendar_days)
            .where(
                calendar_days.c.day.between(period.start, period.end),
                calendar_days.c.is_workday,
            )
        ).scalar_one()
    )


def read(conn: Connection, query: Any) -> pd.DataFrame:
    # Plain tuples into the DataFrame: building from Row objects is ~10x slower (DESIGN.md).
    result = conn.execute(query)
    return pd.DataFrame([tuple(r) for r in result], columns=list(result.keys()))


# --- row-level selects (the drill-throughs) ------------------------------------------------------


def _member_login_rows(mem: Any, period: Period) -> Select:
    """One row per member: login days, logins, session seconds, sessions in P, last login date."""
    lo, hi = period_bounds(period)
    session = func.extract("epoch", logins.c.logout_at) - func.extract("epoch", logins.c.login_at)
    in_p = (
        select(
            logins.c.staff_id,
            func.count(distinct(cast(logins.c.login_at, Date))).label("login_days"),
            func.count().label("logins"),
            func.sum(session).label("session_seconds"),
            func.count(logins.c.logout_at).label("sessions"),
        )
        .where(logins.c.login_at >= lo, logins.c.login_at < hi)
        .where(logins.c.staff_id.in_(select(mem.c.staff_id)))
        .group_by(logins.c.staff_id)
        .subquery("in_p")
    )
    # The last login may lie before P (idle for months); every login up to e can be it.
    last = (
        select(logins.c.staff_id, func.max(logins.c.login_at).label("last_login_at"))
        .where(logins.c.login_at < hi)
        .where(logins.c.staff_id.in_(select(mem.c.staff_id)))
        .group_by(logins.c.staff_id)
        .subquery("last")
    )
    return (
        select(
            mem.c.entity_id,
            mem.c.staff_id,
            func.coalesce(in_p.c.login_days, 0).label("login_days"),
            func.coalesce(in_p.c.logins, 0).label("logins"),
            in_p.c.session_seconds,
            func.coalesce(in_p.c.sessions, 0).label("sessions"),
            cast(last.c.last_login_at, Date).label("last_login_on"),
        )
        .select_from(mem)
        .outerjoin(in_p, in_p.c.staff_id == mem.c.staff_id)
        .outerjoin(last, last.c.staff_id == mem.c.staff_id)
    )


def _login_rows(mem: Any, period: Period) -> Select:
    lo, hi = period_bounds(period)
    seconds = func.extract("epoch", logins.c.logout_at) - func.extract("epoch", logins.c.login_at)
    return (
        select(
            mem.c.entity_id,
            logins.c.staff_id,
            logins.c.login_at,
            logins.c.logout_at,
            cast(logins.c.login_at, Date).label("login_on"),
            seconds.label("session_seconds"),
            logins.c.source,
        )
        .select_from(mem)
        .join(logins, logins.c.staff_id == mem.c.staff_id)
        .where(logins.c.login_at >= lo, logins.c.login_at < hi)
    )


def _info_rows(mem: Any, period: Period) -> Select:
    lo, hi = period_bounds(period)
    return (
        select(
            mem.c.entity_id,
            info_updates.c.staff_id,
            info_updates.c.client_id,
            info_updates.c.at,
            info_updates.c.field_group,
        )
        .select_from(mem)
        .join(info_updates, info_updates.c.staff_id == mem.c.staff_id)
        .where(info_updates.c.at >= lo, info_updates.c.at < hi)
    )


def _contact_rows(mem: Any, period: Period) -> Select:
    lo, hi = period_bounds(period)
    return (
        select(
            mem.c.entity_id,
            contacts.c.contact_id,
            contacts.c.staff_id,
            contacts.c.client_id,
            contacts.c.at,
            contacts.c.channel,
            contacts.c.purpose,
        )
        .select_from(mem)
        .join(contacts, contacts.c.staff_id == mem.c.staff_id)
        .where(contacts.c.at >= lo, contacts.c.at < hi)
    )


def cycle_days_expr(settings: Settings) -> Any:
    cycle = func.coalesce(clients.c.contact_cycle, DEFAULT_CYCLE)
    whens = [(cycle == c, int(settings[f"cycle.days.{c}"])) for c in CYCLES]
    return case(*whens, else_=int(settings[f"cycle.days.{DEFAULT_CYCLE}"]))


def _book_rows(
    level: Level, scope: Scope, period: Period, settings: Settings, entity_id: str | None = None
) -> Select:
    """book(x, e) with, per client, whether a member contacted it in P and its cadence status."""
    e = period.end
    lo, hi = period_bounds(period)
    bk = book(level, scope, e).subquery("bk")
    mem = member_select(level, scope, entity_id)
    contacted = (
        select(mem.c.entity_id, contacts.c.client_id)
        .select_from(mem)
        .join(contacts, contacts.c.staff_id == mem.c.staff_id)
        .where(contacts.c.at >= lo, contacts.c.at < hi)
        .distinct()
        .subquery("contacted")
    )
    # Only the longest cycle's window can hold a qualifying contact: filter by date range first.
    longest = max(int(settings[f"cycle.days.{c}"]) for c in CYCLES)
    recent = (
        select(contacts.c.client_id, func.max(cast(contacts.c.at, Date)).label("last_contact_on"))
        .where(contacts.c.at >= midnight(e - dt.timedelta(days=longest)), contacts.c.at < hi)
        .group_by(contacts.c.client_id)
        .subquery("recent")
    )
    cycle = func.coalesce(clients.c.contact_cycle, DEFAULT_CYCLE)
    # "At most N days before e", on calendar dates: last contact on or after e - N.
    threshold = case(
        *[(cycle == c, e - dt.timedelta(days=int(settings[f"cycle.days.{c}"]))) for c in CYCLES],
        else_=e - dt.timedelta(days=int(settings[f"cycle.days.{DEFAULT_CYCLE}"])),
    )
    query = (
        select(
            bk.c.entity_id,
            bk.c.client_id,
            cycle.label("contact_cycle"),
            cycle_days_expr(settings).label("cycle_days"),
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
    if entity_id is not None:
        query = query.where(bk.c.entity_id == entity_id)
    return query


def _work_item_rows(mem: Any, period: Period) -> Select:
    """Non-cancelled items of members created in P or overdue at e, with their 0/1 flags."""
    lo, hi = period_bounds(period)
    created = work_items.c.created_at >= lo
    done_by_e = and_(work_items.c.done_at.is_not(None), work_items.c.done_at < hi)
    # date(due_at) < e  <=>  due_at < midnight of e.
    overdue = and_(~done_by_e, work_items.c.due_at < midnight(period.end))
    done = and_(created, done_by_e)
    return (
        select(
            mem.c.entity_id,
            work_items.c.item_id,
            work_items.c.staff_id,
            work_items.c.client_id,
            work_items.c.kind,
            work_items.c.status,
            work_items.c.created_at,
            work_items.c.due_at,
            work_items.c.done_at,
            flag(created).label("created"),
            flag(done).label("done"),
            flag(and_(done, work_items.c.done_at <= work_items.c.due_at)).label("done_on_time"),
            flag(overdue).label("overdue"),
        )
        .select_from(mem)
        .join(work_items, work_items.c.staff_id == mem.c.staff_id)
        .where(
            work_items.c.status != "cancelled",
            work_items.c.created_at < hi,
            or_(created, overdue),
        )
    )


def tier_expr(amount: Any, settings: Settings) -> Any:
    """tier(c, d) from an AUM expression; a missing month (NULL) counts as 0, i.e. mass."""
    value = func.coalesce(amount, 0)
    return case(
        (value >= settings["tier.black_gold"], "black_gold"),
        (value >= settings["tier.platinum"], "platinum"),
        else_="mass",
    )


def _request_rows(mem: Any, period: Period, settings: Settings) -> Select:
    """Requests received in P by members, with tier, deadline and whether it was due and met."""
    lo, hi = period_bounds(period)
    received_on = cast(requests.c.received_at, Date)
    cal_r = calendar_days.alias("cal_r")
    cal_d = calendar_days.alias("cal_d")
    n_days = int(settings["sla.platinum_working_days"])
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
            tier_expr(aum.c.avg_daily_aum, settings).label("tier"),
            (requests.c.received_at + hours(settings["sla.black_gold_hours"])).label(
                "black_gold_deadline"
            ),
            (requests.c.received_at + hours(settings["sla.platinum_ack_hours"])).label(
                "ack_deadline"
            ),
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
    deadline_on = case(
        (base.c.tier == "black_gold", cast(base.c.black_gold_deadline, Date)),
        (base.c.tier == "platinum", base.c.platinum_deadline_on),
        else_=None,
    )
    met = case(
        (
            base.c.tier == "black_gold",
            and_(
                base.c.resolved_at.is_not(None),
                base.c.resolved_at <= base.c.black_gold_deadline,
            ),
        ),
        (
            base.c.tier == "platinum",
            and_(
                base.c.acknowledged_at.is_not(None),
                base.c.acknowledged_at <= base.c.ack_deadline,
                base.c.resolved_at.is_not(None),
                cast(base.c.resolved_at, Date) <= base.c.platinum_deadline_on,
            ),
        ),
        else_=False,
    )
    due = and_(deadline_on.is_not(None), deadline_on <= period.end)
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
            (base.c.tier == "black_gold", base.c.black_gold_deadline),
            (
                base.c.tier == "platinum",
                # End of the deadline day (23:59:59), as the spec words it.
                cast(base.c.platinum_deadline_on, DateTime)
                + literal(dt.timedelta(hours=23, minutes=59, seconds=59), Interval),
            ),
            else_=None,
        ).label("deadline"),
        deadline_on.label("deadline_on"),
        case((base.c.tier == "platinum", base.c.ack_deadline), else_=None).label("ack_deadline"),
        flag(due).label("due"),
        flag(and_(due, met)).label("met"),
    )


# --- the metric table --------------------------------------------------------------------------


def supervision(
    conn: Connection,
    period: Period,
    level: Level = "staff",
    scope: Scope = Scope.everything(),  # noqa: B008 - frozen dataclass, safe as a default
    settings: Settings | None = None,
    metrics: Collection[str] | None = None,
) -> pd.DataFrame:
    """The supervision metrics of every entity of `level` in `scope` for period P.

    `metrics` (ids of COLUMNS) limits the frame to the families that compute them (with their
    parts and the descriptive columns); the figures are those of the whole table."""
    settings = resolve_settings(conn, settings)
    wanted = families_for(metrics)
    wd = working_days(conn, period)
    mem = member_select(level, scope)
    ents = read(conn, entities(level, scope))

    def stats(family: str, columns: list[str], query: Callable[[], Any]) -> pd.DataFrame:
        """The family's aggregate, or an empty frame of its columns when it is not wanted."""
        if family in wanted:
            return read(conn, query())
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ["entity_id", *columns]})

    def login_query() -> Any:
        ml = _member_login_rows(mem, period).subquery()
        return select(
            ml.c.entity_id,
            func.count().label("members"),
            func.sum(ml.c.login_days).label("login_days"),
            func.sum(ml.c.logins).label("logins"),
            func.sum(ml.c.session_seconds).label("session_seconds"),
            func.sum(ml.c.sessions).label("sessions"),
            func.min(ml.c.last_login_on).label("last_login_on"),
        ).group_by(ml.c.entity_id)

    login_stats = stats(
        "logins",
        ["members", "login_days", "logins", "session_seconds", "sessions", "last_login_on"],
        login_query,
    )

    def info_query() -> Any:
        ir = _info_rows(mem, period).subquery()
        return select(
            ir.c.entity_id,
            func.count().label("info_updates"),
            func.count(distinct(ir.c.client_id)).label("info_updated_clients"),
        ).group_by(ir.c.entity_id)

    info_stats = stats("info", ["info_updates", "info_updated_clients"], info_query)

    def contact_query() -> Any:
        cr = _contact_rows(mem, period).subquery()
        return select(
            cr.c.entity_id,
            func.count().label("contacts"),
            *[func.sum(flag(cr.c.channel == ch)).label(f"contacts_{ch}") for ch in CHANNELS],
        ).group_by(cr.c.entity_id)

    contact_stats = stats("contacts", FAMILIES["contacts"], contact_query)

    def book_query() -> Any:
        br = _book_rows(level, scope, period, settings).subquery()
        return select(
            br.c.entity_id,
            func.count().label("load"),
            func.sum(br.c.contacted).label("contacted"),
            func.sum(br.c.compliant).label("compliant"),
        ).group_by(br.c.entity_id)

    book_stats = stats("book", ["load", "contacted", "compliant"], book_query)

    def work_query() -> Any:
        wr = _work_item_rows(mem, period).subquery()
        work_cols = [
            func.sum(wr.c.created).label("work_items_created"),
            func.sum(wr.c.done).label("work_items_done"),
            func.sum(wr.c.overdue).label("work_items_overdue"),
            func.sum(wr.c.done_on_time).label("work_items_done_on_time"),
        ]
        for kind in WORK_KINDS:
            for name in ("created", "done", "overdue"):
                work_cols.append(
                    func.sum(case((wr.c.kind == kind, wr.c[name]), else_=0)).label(
                        f"work_items_{name}_{kind}"
                    )
                )
        return select(wr.c.entity_id, *work_cols).group_by(wr.c.entity_id)

    work_stats = stats(
        "work", [c for c in FAMILIES["work"] if "__" not in c and "rate" not in c], work_query
    )

    def request_query() -> Any:
        rr = _request_rows(mem, period, settings).subquery()
        return select(
            rr.c.entity_id,
            func.sum(rr.c.due).label("requests_due"),
            func.sum(rr.c.met).label("requests_met"),
        ).group_by(rr.c.entity_id)

    request_stats = stats("requests", ["requests_due", "requests_met"], request_query)

    df = ents[["entity_id", "name", "org_id", "role"]].copy()
    for part in (login_stats, info_stats, contact_stats, book_stats, work_stats, request_stats):
        df = df.merge(part, on="entity_id", how="left")
    count_cols = [
        "members",
        "login_days",
        "logins",
        "sessions",
        "info_updates",
        "info_updated_clients",
        "contacts",
        *[f"contacts_{ch}" for ch in CHANNELS],
        "load",
        "contacted",
        "compliant",
        "requests_due",
        "requests_met",
        *[c for c in EXTRA_COLUMNS if c.startswith("work_items_") and "__" not in c],
        "work_items_created",
        "work_items_done",
        "work_items_overdue",
    ]
    for col in count_cols:
        df[col] = df[col].fillna(0).astype("int64")

    session_minutes = [
        None if pd.isna(v) else float(v) / 60.0 for v in df["session_seconds"].tolist()
    ]
    df["login_day_rate__num"] = df["login_days"]
    df["login_day_rate__den"] = df["members"] * wd
    df["avg_session_minutes__num"] = pd.array(session_minutes, dtype="Float64")
    df["avg_session_minutes__den"] = df["sessions"]
    df["contact_coverage__num"] = df["contacted"]
    df["contact_coverage__den"] = df["load"]
    df["cadence_compliance__num"] = df["compliant"]
    df["cadence_compliance__den"] = df["load"]
    df["work_items_completion_rate__num"] = df["work_items_done"]
    df["work_items_completion_rate__den"] = df["work_items_created"]
    df["request_sla__num"] = df["requests_met"]
    df["request_sla__den"] = df["requests_due"]
    for r in RATIOS:
        df[r] = pd.array(
            [ratio(n, d) for n, d in zip(df[f"{r}__num"], df[f"{r}__den"], strict=True)],
            dtype="Float64",
        )
    e = period.end
    df["idle_days"] = pd.array(
        [None if pd.isna(d) else (e - d).days for d in df["last_login_on"].tolist()],
        dtype="Int64",
    )
    max_clients = int(settings["load.max_clients"])
    df["load_flag"] = pd.array(
        [ld > max_clients if level == "staff" else None for ld in df["load"].tolist()],
        dtype="boolean",
    )
    shown = [c for c in COLUMNS if c in DESCRIPTIVE or c == "entity_id" or FAMILY_OF[c] in wanted]
    return df[shown].sort_values("entity_id", ignore_index=True)


# --- proxies -----------------------------------------------------------------------------------


def proxies(conn: Connection, day: dt.date, scope: Scope = Scope.everything()) -> pd.DataFrame:  # noqa: B008
    """Proxy assignments active on `day`: who stands in for whom, for which client, until when.

    A row is visible when either the stand-in or the primary manager is visible in the scope."""
    visible = select(entities("staff", scope).subquery().c.entity_id)
    proxy = assignments.alias("proxy")
    primary = assignments.alias("primary_a")
    proxy_staff = staff.alias("proxy_staff")
    primary_staff = staff.alias("primary_staff")

    def active(a: Any) -> Any:
        return and_(a.c.start_on <= day, or_(a.c.end_on.is_(None), a.c.end_on > day))

    query = (
        select(
            proxy.c.client_id,
            clients.c.name.label("client_name"),
            proxy.c.staff_id.label("proxy_staff_id"),
            proxy_staff.c.name.label("proxy_name"),
            primary.c.staff_id.label("primary_staff_id"),
            primary_staff.c.name.label("primary_name"),
            proxy.c.start_on,
            proxy.c.end_on.label("until"),
        )
        .select_from(proxy)
        .join(clients, clients.c.client_id == proxy.c.client_id)
        .join(proxy_staff, proxy_staff.c.staff_id == proxy.c.staff_id)
        .outerjoin(
            primary,
            and_(
                primary.c.client_id == proxy.c.client_id,
                primary.c.role == "primary",
                active(primary),
            ),
        )
        .outerjoin(primary_staff, primary_staff.c.staff_id == primary.c.staff_id)
        .where(proxy.c.role == "proxy", active(proxy))
        .where(or_(proxy.c.staff_id.in_(visible), primary.c.staff_id.in_(visible)))
        .order_by(proxy.c.staff_id, proxy.c.client_id, primary.c.staff_id)
    )
    return read(conn, query)


# --- drill-through -----------------------------------------------------------------------------

Drill = Callable[[Connection, str, str, Period, Scope, Settings], pd.DataFrame]


def _drill(build: Callable[[Any, Period, Settings], Select]) -> Drill:
    def drill(
        conn: Connection,
        level: str,
        entity_id: str,
        period: Period,
        scope: Scope,
        settings: Settings,
    ) -> pd.DataFrame:
        mem = member_select(level, scope, entity_id)  # type: ignore[arg-type]
        return read(conn, build(mem, period, resolve_settings(conn, settings)))

    return drill


def _drill_member_logins(
    conn: Connection, level: str, entity_id: str, period: Period, scope: Scope, settings: Settings
) -> pd.DataFrame:
    mem = member_select(level, scope, entity_id)  # type: ignore[arg-type]
    df = read(conn, _member_login_rows(mem, period).order_by("staff_id"))
    df["working_days"] = working_days(conn, period)
    df["idle_days"] = pd.array(
        [None if pd.isna(d) else (period.end - d).days for d in df["last_login_on"].tolist()],
        dtype="Int64",
    )
    return df


def _drill_book(
    conn: Connection, level: str, entity_id: str, period: Period, scope: Scope, settings: Settings
) -> pd.DataFrame:
    query = _book_rows(level, scope, period, resolve_settings(conn, settings), entity_id)  # type: ignore[arg-type]
    return read(conn, query.order_by("client_id"))


_logins = _drill(lambda mem, p, s: _login_rows(mem, p).order_by("staff_id", "login_at"))
_info = _drill(lambda mem, p, s: _info_rows(mem, p).order_by("staff_id", "at", "client_id"))
_contacts = _drill(lambda mem, p, s: _contact_rows(mem, p).order_by("at", "contact_id"))
_work = _drill(lambda mem, p, s: _work_item_rows(mem, p).order_by("created_at", "item_id"))
_requests = _drill(lambda mem, p, s: _request_rows(mem, p, s).order_by("received_at", "request_id"))

DRILLS: dict[str, Drill] = {
    "login_days": _logins,
    "login_day_rate": _drill_member_logins,
    "logins": _logins,
    "avg_session_minutes": _logins,
    "idle_days": _drill_member_logins,
    "info_updates": _info,
    "info_updated_clients": _info,
    "contacts": _contacts,
    "contact_coverage": _drill_book,
    "cadence_compliance": _drill_book,
    "work_items_created": _work,
    "work_items_done": _work,
    "work_items_completion_rate": _work,
    "work_items_overdue": _work,
    "requests_due": _requests,
    "request_sla": _requests,
    "load": _drill_book,
}


def _mean_minutes(rows: pd.DataFrame) -> float | None:
    seconds = rows["session_seconds"].dropna()
    if seconds.empty:
        return None
    return float(sum(float(s) for s in seconds)) / 60.0 / len(seconds)


def _max_idle(rows: pd.DataFrame) -> int | None:
    idle = rows["idle_days"].dropna()
    return None if idle.empty else int(idle.max())


REAGGREGATE: dict[str, Callable[[pd.DataFrame], object]] = {
    # A unit's login days are its members' login days added up: distinct (member, date) pairs.
    "login_days": lambda r: len(r[["staff_id", "login_on"]].drop_duplicates()),
    "login_day_rate": lambda r: ratio(int(r["login_days"].sum()), int(r["working_days"].sum())),
    "logins": len,
    "avg_session_minutes": _mean_minutes,
    "idle_days": _max_idle,
    "info_updates": len,
    "info_updated_clients": lambda r: int(r["client_id"].nunique()),
    "contacts": len,
    "contact_coverage": lambda r: ratio(int(r["contacted"].sum()), len(r)),
    "cadence_compliance": lambda r: ratio(int(r["compliant"].sum()), len(r)),
    "work_items_created": lambda r: int(r["created"].sum()),
    "work_items_done": lambda r: int(r["done"].sum()),
    "work_items_completion_rate": lambda r: ratio(int(r["done"].sum()), int(r["created"].sum())),
    "work_items_overdue": lambda r: int(r["overdue"].sum()),
    "requests_due": lambda r: int(r["due"].sum()),
    "request_sla": lambda r: ratio(int(r["met"].sum()), int(r["due"].sum())),
    "load": len,
}


__all__ = [
    "COLUMNS",
    "DRILLS",
    "REAGGREGATE",
    "proxies",
    "supervision",
]
