"""The lookups the dashboard needs around the KPI tables: the org tree and staff a user may see,
which periods the data cover, a planner's book and recent activity, the login calendar, the AUM
trend and the import history.

They live here, not in the pages, for the same reasons as the metrics (DESIGN.md rules 1, 2 and 5):
every query is Core SQL that runs on DuckDB and PostgreSQL, takes the access scope and applies it
in the database, and can be called from a test without Streamlit.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)

from data.schema import (
    Assignment,
    AumMonthly,
    CalendarDay,
    Client,
    Contact,
    ImportBatch,
    InfoUpdate,
    Login,
    Need,
    OrgUnit,
    Plan,
    Request,
    Setting,
    Staff,
    WorkItem,
)
from metrics.core import completeness, sql
from metrics.core.entities import (
    Level,
    book,
    book_role_matches,
    entities,
    members,
    org_closure,
)
from metrics.core.masking import protect
from metrics.core.periods import Period, add_months, month_end, month_start
from metrics.core.scope import Scope, scoped
from metrics.core.sql import read
from metrics.measures.layer import Frame
from metrics.measures.sources.common import tier_expr

org = OrgUnit.__table__
staff = Staff.__table__
clients = Client.__table__
aum = AumMonthly.__table__
assignments = Assignment.__table__
logins = Login.__table__
calendar_days = CalendarDay.__table__
history = ImportBatch.__table__

KINDS = ("month", "quarter", "year")


# --- who and what a user may see --------------------------------------------------------------


@scoped
def org_units(conn: Connection, scope: Scope) -> pd.DataFrame:
    """(org_id, name, kind, parent_id, depth) of the visible units, the tree in reading order.

    A head sees their sub-branch; a planner sees no unit at all (only themself)."""
    closure = org_closure()
    query = select(org.c.org_id, org.c.name, org.c.kind, org.c.parent_id)
    if scope.org_ids is not None:
        visible = select(closure.c.org_id).where(closure.c.ancestor_id.in_(sorted(scope.org_ids)))
        query = query.where(org.c.org_id.in_(visible))
    frame = read(conn, query.order_by(org.c.org_id))
    order = {"branch": 0, "sub_branch": 1}
    frame["depth"] = frame["kind"].map(order).fillna(2).astype("int64")
    return frame.sort_values(["org_id"], ignore_index=True)


@scoped
def staff_list(conn: Connection, scope: Scope) -> pd.DataFrame:
    """(staff_id, name, role, org_id, left_on): the visible planners and advisors."""
    ents = entities("staff", scope).subquery("ents")
    query = (
        select(ents.c.entity_id.label("staff_id"), ents.c.name, ents.c.role, ents.c.org_id)
        .add_columns(staff.c.left_on)
        .select_from(ents.join(staff, staff.c.staff_id == ents.c.entity_id))
        .order_by(ents.c.entity_id)
    )
    return read(conn, query)


@scoped
def narrow(conn: Connection, scope: Scope, level: Level, entity_id: str) -> Scope | None:
    """A scope holding only `entity_id` when `scope` lets its holder see it, else None.

    Narrow scopes keep one planner's or one unit's queries small; the check that the entity is
    visible is made here, with the caller's scope, never by the page."""
    ents = entities(level, scope).subquery("ents")
    seen = sql.run(
        conn, select(func.count()).select_from(ents).where(ents.c.entity_id == entity_id)
    ).scalar_one()
    if not seen:
        return None
    return scope.narrowed(Scope.staff(entity_id) if level == "staff" else Scope.org(entity_id))


# --- which periods the data cover ------------------------------------------------------------


def data_end(conn: Connection) -> dt.date | None:
    """The last day the data cover: the end of the latest month with AUM figures (None: no data).

    Stocks need a month's average daily AUM, so a month without AUM rows is not yet complete
    (the rule is `metrics.core.completeness`)."""
    return completeness.coverage(conn).last


def data_start(conn: Connection) -> dt.date | None:
    first = sql.run(conn, select(func.min(aum.c.month))).scalar_one()
    return None if first is None else month_start(first)


def complete_periods(conn: Connection, kind: str) -> list[Period]:
    """The periods of `kind` that lie wholly inside the data, newest first."""
    covered = completeness.coverage(conn)
    start, period = covered.first, covered.latest(kind)
    periods: list[Period] = []
    if start is None or period is None:
        return []
    while period.start >= start:
        periods.append(period)
        period = period.prev()
    return periods


# --- versions (cache keys) ---------------------------------------------------------------------


def data_version(conn: Connection) -> str:
    """Changes whenever an import commits or a setting is saved, by anyone, in any process."""
    batches, last_batch = sql.run(conn, select(func.count(), func.max(history.c.finished_at))).one()
    settings = Setting.__table__
    last_setting = sql.run(conn, select(func.max(settings.c.updated_at))).scalar_one()
    return f"{batches}:{last_batch}:{last_setting}"


# --- trends ------------------------------------------------------------------------------------


@scoped
def aum_trend(
    conn: Connection,
    level: Level,
    entity_id: str,
    scope: Scope,
    end: dt.date,
    settings: dict[str, Decimal],
    months: int = 12,
) -> pd.DataFrame:
    """(month, aum, clients, top_clients): the entity's AUM stock at the end of each of the last
    `months` months up to the month of `end`, on each month's own book (as `aum_stock`)."""
    black_gold = literal(settings["tier.black_gold"])
    firsts = [add_months(month_start(end), -i) for i in range(months - 1, -1, -1)]
    # One pass over the assignments for all the months (a range join on a 12-row table of month
    # ends) rather than one book per month: the same rows as `book(level, scope, day)` per month,
    # at a fraction of the cost on a branch (the Overview's cold render waits for this).
    month_rows = union_all(
        *[
            select(
                literal(first, Date).label("month"), literal(month_end(first), Date).label("day")
            )
            for first in firsts
        ]
    ).subquery("months")
    mem = members(level, scope).subquery("mem")
    # The entity's assignments first, each (client, span, closing day) once, and only then the
    # range join with the months: the DISTINCT keeps DuckDB from joining the months before the
    # members and clients (which made it hash ~12x the rows twice), and halves the statement.
    spans = (
        select(
            assignments.c.client_id,
            assignments.c.start_on,
            assignments.c.end_on,
            clients.c.closed_on,
        )
        .select_from(mem)
        .join(
            assignments,
            and_(
                assignments.c.staff_id == mem.c.staff_id,
                book_role_matches(mem.c.role, assignments.c.role),
            ),
        )
        .join(clients, clients.c.client_id == assignments.c.client_id)
        .where(
            mem.c.entity_id == entity_id,
            # Spans that reach no month end of the window can hold no client-month.
            assignments.c.start_on <= month_end(firsts[-1]),
            or_(assignments.c.end_on.is_(None), assignments.c.end_on > month_end(firsts[0])),
            or_(clients.c.closed_on.is_(None), clients.c.closed_on > month_end(firsts[0])),
        )
        .distinct()
        .subquery("spans")
    )
    held = (
        select(month_rows.c.month, spans.c.client_id)
        .select_from(spans)
        .join(
            month_rows,
            and_(
                spans.c.start_on <= month_rows.c.day,
                or_(spans.c.end_on.is_(None), spans.c.end_on > month_rows.c.day),
                or_(spans.c.closed_on.is_(None), spans.c.closed_on > month_rows.c.day),
            ),
        )
        .distinct()
        .subquery("held")
    )
    value = func.coalesce(aum.c.avg_daily_aum, 0)
    query = (
        select(
            held.c.month,
            func.sum(value).label("aum"),
            func.count().label("clients"),
            func.sum(case((value >= black_gold, 1), else_=0)).label("top_clients"),
        )
        .select_from(held)
        .outerjoin(
            aum,
            and_(
                aum.c.client_id == held.c.client_id,
                aum.c.month == held.c.month,
                aum.c.month.between(firsts[0], firsts[-1]),  # lets the engine skip older months
            ),
        )
        .group_by(held.c.month)
        .order_by(held.c.month)
    )
    found = read(conn, query)
    months_index = pd.DataFrame({"month": firsts})
    frame = months_index.merge(found, on="month", how="left")
    frame["aum"] = pd.Series(
        [Decimal(0) if pd.isna(v) else Decimal(v) for v in frame["aum"]],
        index=frame.index,
        dtype=object,
    )
    for column in ("clients", "top_clients"):
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


# --- a planner's book and activity ---------------------------------------------------------------


@scoped
def client_book(
    conn: Connection, staff_id: str, day: dt.date, scope: Scope, settings: dict[str, Decimal]
) -> pd.DataFrame:
    """The clients of book(x, day) with their AUM and tier at `day`, largest first.

    Client names are masked unless the scope may unmask."""
    bk = book("staff", scope, day).subquery("bk")
    a = aum.alias("a")
    last_contact = (
        select(Contact.__table__.c.client_id, func.max(Contact.__table__.c.at).label("at"))
        .where(Contact.__table__.c.at < dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        .group_by(Contact.__table__.c.client_id)
        .subquery("last_contact")
    )
    value = func.coalesce(a.c.avg_daily_aum, 0)
    query = (
        select(
            clients.c.client_id,
            clients.c.name.label("client_name"),
            tier_expr(a.c.avg_daily_aum, settings).label("tier"),
            value.label("aum"),
            clients.c.contact_cycle,
            clients.c.risk_level,
            clients.c.opened_on,
            cast(last_contact.c.at, Date).label("last_contact_on"),
        )
        .select_from(bk)
        .join(clients, clients.c.client_id == bk.c.client_id)
        .outerjoin(a, and_(a.c.client_id == bk.c.client_id, a.c.month == month_start(day)))
        .outerjoin(last_contact, last_contact.c.client_id == bk.c.client_id)
        .where(bk.c.entity_id == staff_id)
        .order_by(value.desc(), clients.c.client_id)
    )
    return protect(read(conn, query), scope)


@scoped
def recent_activity(
    conn: Connection, staff_id: str, scope: Scope, until: dt.date, limit: int = 30
) -> pd.DataFrame:
    """(at, kind, client_id, detail): the staff member's latest contacts, needs, plans, work items,
    info updates and requests on or before `until`, newest first."""
    period = Period("month", month_start(until), until)
    mem = Frame(conn, "staff", scope, period, {}, staff_id).members()
    hi = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    sources = [
        (Contact.__table__, "at", "contact", "channel"),
        (Need.__table__, "at", "need", "kind"),
        (Plan.__table__, "at", "plan", "kind"),
        (WorkItem.__table__, "created_at", "work_item", "kind"),
        (InfoUpdate.__table__, "at", "info_update", "field_group"),
        (Request.__table__, "received_at", "request", "summary"),
    ]
    parts = []
    for table, at, kind, detail in sources:
        parts.append(
            select(
                table.c[at].label("at"),
                literal(kind).label("kind"),
                table.c.client_id,
                cast(table.c[detail], String).label("detail"),
            )
            .where(table.c.staff_id.in_(select(mem.c.staff_id)), table.c[at] < hi)
            .order_by(table.c[at].desc())
            .limit(limit)
        )
    rows = union_all(*(p.subquery().select() for p in parts)).subquery("activity")
    query = select(rows).order_by(rows.c.at.desc(), rows.c.kind).limit(limit)
    return read(conn, query)


# --- supervision views ---------------------------------------------------------------------------


@scoped
def login_calendar(
    conn: Connection, period: Period, level: Level, entity_id: str, scope: Scope
) -> pd.DataFrame:
    """(staff_id, name, day, logins, is_workday): every member x every day of P, with the number
    of logins that day (0 when none), so a heat map shows the missing days too."""
    narrowed = Frame(conn, level, scope, period, {}, entity_id)
    mem = narrowed.members()
    lo, hi = narrowed.bounds()
    per_day = (
        select(
            logins.c.staff_id,
            cast(logins.c.login_at, Date).label("day"),
            func.count().label("logins"),
        )
        .where(logins.c.login_at >= lo, logins.c.login_at < hi)
        .where(logins.c.staff_id.in_(select(mem.c.staff_id)))
        .group_by(logins.c.staff_id, cast(logins.c.login_at, Date))
        .subquery("per_day")
    )
    days = (
        select(calendar_days.c.day, calendar_days.c.is_workday)
        .where(calendar_days.c.day.between(period.start, period.end))
        .subquery("days")
    )
    query = (
        select(
            mem.c.staff_id,
            staff.c.name,
            days.c.day,
            func.coalesce(per_day.c.logins, 0).label("logins"),
            days.c.is_workday,
        )
        .select_from(mem.join(days, literal(True)))
        .join(staff, staff.c.staff_id == mem.c.staff_id)
        .outerjoin(per_day, and_(per_day.c.staff_id == mem.c.staff_id, per_day.c.day == days.c.day))
        .order_by(mem.c.staff_id, days.c.day)
    )
    frame = read(conn, query)
    frame["is_workday"] = frame["is_workday"].astype(bool)
    frame["logins"] = frame["logins"].astype("int64")
    return frame


# --- imports -------------------------------------------------------------------------------------


def import_history(conn: Connection, limit: int = 50) -> pd.DataFrame:
    """The latest import batches, newest first; `files` is the list of per-file counts."""
    query = (
        select(
            history.c.batch_id,
            history.c.started_at,
            history.c.finished_at,
            history.c.as_of,
            history.c.username,
            history.c.source,
            history.c.status,
            history.c.rows_read,
            history.c.rows_rejected,
            history.c.files,
        )
        .order_by(history.c.started_at.desc())
        .limit(limit)
    )
    frame = read(conn, query)
    frame["tables"] = [
        ", ".join(str(f.get("table", "")) for f in json.loads(raw or "[]"))
        for raw in frame["files"]
    ]
    return frame.drop(columns=["files"])


def has_assignments(conn: Connection) -> bool:
    return bool(sql.run(conn, select(func.count()).select_from(assignments)).scalar_one())


__all__ = [
    "KINDS",
    "aum_trend",
    "client_book",
    "complete_periods",
    "data_end",
    "data_start",
    "data_version",
    "has_assignments",
    "import_history",
    "login_calendar",
    "narrow",
    "org_units",
    "recent_activity",
    "staff_list",
]
