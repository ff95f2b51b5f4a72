"""Lists beside the figures, for one entity: its retention alerts, its clients' care dates, the
movement of its clients between tiers, and who stands in for whom (proxies).

They read the same row sources and books as the figures (`Frame`), so the scope is applied the
same way; personal data are masked unless the scope may unmask (`metrics.core.masking`).

- `care_due(day, days=N)`: care dates (imported ones, else birthdays) on a date from `day` to
  `day + N` inclusive; a 29 February date falls on 28 February in years without one.
- `tier_migration`: the tier at e(P-1) of each client in the book at e(P-1) against its tier at
  e(P) in the book at e(P); rows `black_gold, platinum, mass, new` (in the book at e(P) only),
  columns `black_gold, platinum, mass, lost` (in the book at e(P-1) only).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Integer, and_, cast, func, or_, select

from data.schema import Assignment, AumMonthly, CareDate, Client, Staff
from metrics.core import sql
from metrics.core.entities import Level, entities
from metrics.core.masking import protect
from metrics.core.periods import Period, month_start
from metrics.core.scope import Scope, scoped
from metrics.core.values import is_null
from metrics.measures.layer import Frame
from metrics.measures.sources.common import tier_expr

assignments = Assignment.__table__
aum = AumMonthly.__table__
clients = Client.__table__
staff = Staff.__table__
care_dates = CareDate.__table__

Settings = dict[str, Decimal]
TIERS = ("black_gold", "platinum", "mass")


@scoped
def retention_alert_list(
    conn: Connection,
    period: Period,
    level: Level,
    entity_id: str,
    scope: Scope,
    settings: Settings,
) -> pd.DataFrame:
    """The retention alerts of one entity (any level, a staff member included) in P."""
    frame = Frame(conn, level, scope, period, settings, entity_id)
    rows = frame.rows("alerts").subquery()
    query = select(
        rows.c.client_id,
        rows.c.reason,
        rows.c.alert_day,
        rows.c.event_at,
        rows.c.primary_staff_id,
        rows.c.followed_up,
        rows.c.followup_day,
    ).order_by(rows.c.alert_day, rows.c.client_id, rows.c.reason, rows.c.event_at)
    out = sql.read(conn, query, "retention alerts")
    out["followed_up"] = out["followed_up"].astype(bool)
    return out


CARE_COLUMNS = [
    "client_id", "client_name", "kind", "label", "care_on", "days_until", "age", "birth_date",
    "phone",
]  # fmt: skip


@scoped
def care_due(
    conn: Connection,
    day: dt.date,
    level: Level,
    entity_id: str,
    scope: Scope,
    days: int = 14,
) -> pd.DataFrame:
    """The care dates of the entity's clients (in its book on `day`) from `day` to `day + days`:
    the imported care dates (birthdays, relatives' birthdays, anniversaries, with their label)
    once a `care_dates` file has been imported, else the clients' birthdays from `birth_date`.
    `age` is given for a client's own birthday when the birth date is known."""
    window = [day + dt.timedelta(days=i) for i in range(days + 1)]
    bk = Frame(conn, level, scope, Period("month", month_start(day), day), {}, entity_id).book(day)
    imported = sql.scalar(conn, select(func.count()).select_from(care_dates), "care dates")
    if imported:
        found = _imported_care(conn, bk, entity_id, window)
    else:
        found = _birthdays(conn, bk, entity_id, window)
    for row in found:
        row["days_until"] = (row["care_on"] - day).days
        born: dt.date | None = row.get("birth_date")
        own = row["kind"] == "birthday" and born is not None
        row["age"] = row["care_on"].year - born.year if own and born is not None else None
    result = pd.DataFrame(found, columns=CARE_COLUMNS)
    for whole in ("days_until", "age"):  # the one null convention: nullable integers
        result[whole] = pd.array([None if is_null(v) else int(v) for v in result[whole]], "Int64")
    result = result.sort_values(["care_on", "client_id", "kind"], ignore_index=True)
    return protect(result, scope)


def _falls_on(window: list[dt.date]) -> dict[str, dt.date]:
    """`MM-DD` -> the day of `window` it falls on; 02-29 falls on 02-28 in a year without it."""
    days = {f"{d:%m-%d}": d for d in window}
    for d in window:
        if d.month == 2 and d.day == 28 and not calendar.isleap(d.year):
            days["02-29"] = d
    return days


def _imported_care(
    conn: Connection, bk: Any, entity_id: str, window: list[dt.date]
) -> list[dict[str, Any]]:
    falls_on = _falls_on(window)
    query = (
        select(
            clients.c.client_id,
            clients.c.name,
            care_dates.c.kind,
            care_dates.c.label,
            care_dates.c.month_day,
            clients.c.birth_date,
            clients.c.phone,
        )
        .select_from(bk)
        .join(clients, clients.c.client_id == bk.c.client_id)
        .join(care_dates, care_dates.c.client_id == bk.c.client_id)
        .where(bk.c.entity_id == entity_id, care_dates.c.month_day.in_(sorted(falls_on)))
    )
    return [
        {
            "client_id": client_id,
            "client_name": name,
            "kind": kind,
            "label": label or None,
            "care_on": falls_on[month_day],
            "birth_date": birth_date,
            "phone": phone,
        }
        for client_id, name, kind, label, month_day, birth_date, phone in sql.rows(
            conn, query, "care due"
        )
    ]


def _birthdays(
    conn: Connection, bk: Any, entity_id: str, window: list[dt.date]
) -> list[dict[str, Any]]:
    falls_on = _falls_on(window)
    month_days = sorted(int(md[:2]) * 100 + int(md[3:]) for md in falls_on)
    # Filter on (month, day) in SQL, so that only candidates leave the database.
    md = func.extract("month", clients.c.birth_date) * 100 + func.extract(
        "day", clients.c.birth_date
    )
    query = (
        select(clients.c.client_id, clients.c.name, clients.c.birth_date, clients.c.phone)
        .select_from(bk)
        .join(clients, clients.c.client_id == bk.c.client_id)
        .where(bk.c.entity_id == entity_id, clients.c.birth_date.is_not(None))
        .where(cast(md, Integer).in_(month_days))
    )
    return [
        {
            "client_id": client_id,
            "client_name": name,
            "kind": "birthday",
            "label": None,
            "care_on": falls_on[f"{birth_date:%m-%d}"],
            "birth_date": birth_date,
            "phone": phone,
        }
        for client_id, name, birth_date, phone in sql.rows(conn, query, "care due")
    ]


@scoped
def tier_migration(
    conn: Connection,
    period: Period,
    level: Level,
    entity_id: str,
    scope: Scope,
    settings: Settings,
) -> pd.DataFrame:
    """Clients moving between tiers from the book at e(P-1) to the book at e(P).

    Index `from` (black_gold, platinum, mass, new), columns black_gold, platinum, mass, lost."""
    frame = Frame(conn, level, scope, period, settings, entity_id)
    tiers = {}
    for key, day in (("before", period.prev().end), ("after", period.end)):
        bk = frame.book(day)
        query = (
            select(bk.c.client_id, tier_expr(aum.c.avg_daily_aum, settings).label("tier"))
            .select_from(bk)
            .outerjoin(
                aum, and_(aum.c.client_id == bk.c.client_id, aum.c.month == month_start(day))
            )
            .where(bk.c.entity_id == entity_id)
        )
        tiers[key] = dict(sql.rows(conn, query, "tier migration"))
    before, after = tiers["before"], tiers["after"]
    rows = [*TIERS, "new"]
    cols = [*TIERS, "lost"]
    matrix = pd.DataFrame(0, index=pd.Index(rows, name="from"), columns=cols, dtype="int64")
    for client_id in before.keys() | after.keys():
        src = before.get(client_id, "new")
        dst = after.get(client_id, "lost")
        matrix.loc[src, dst] += 1
    return matrix


@scoped
def proxies(conn: Connection, day: dt.date, scope: Scope) -> pd.DataFrame:
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
    return protect(sql.read(conn, query, "proxies"), scope)
