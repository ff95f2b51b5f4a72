"""The compliance register (lifecycle.md) as a list: the exception rows a scope may see, and the
evidence behind one row.

The figures per entity are the `compliance` table of the measure layer (`tables.compliance`);
here is the register itself — `rule, client_id, staff_id, org_id, day, ref`, sorted by rule, day
and client — and, for one exception, the source rows that show it: the opening, the
assignments, the archives, the contacts, the plans.

Visibility of a register row follows the figures': a director sees every row; a head, the rows
charged to a staff member of their unit (or below) or to such a unit; a planner, their own rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Date, and_, cast, or_, select

from data import tables
from metrics.core import sql
from metrics.core.entities import org_closure
from metrics.core.masking import protect
from metrics.core.periods import Period, add_months, month_start
from metrics.core.scope import Scope, scoped
from metrics.core.values import is_null
from metrics.measures.layer import Frame
from metrics.measures.sources.lifecycle import REGISTER, RULES, register

Settings = dict[str, Decimal]


@scoped
def exceptions(
    conn: Connection,
    period: Period,
    scope: Scope,
    settings: Settings,
    rule: str | None = None,
    *,
    named: bool = False,
) -> pd.DataFrame:
    """The register of P as `scope` may see it (optionally one rule), sorted by rule, day,
    client_id (then staff_id, ref). `named` adds `client_name` (masked unless the scope may
    unmask), `staff_name` and `org_name` for a page."""
    if rule is not None and rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; the rules are: {', '.join(RULES)}")
    frame = Frame(conn, "branch", scope, period, settings)
    r = register(frame)
    query = select(*(r.c[c] for c in REGISTER))
    if named:
        client = tables.clients
        person = tables.staff
        unit = tables.org_units
        query = (
            query.add_columns(
                client.c.name.label("client_name"),
                person.c.name.label("staff_name"),
                unit.c.name.label("org_name"),
            )
            .outerjoin(client, client.c.client_id == r.c.client_id)
            .outerjoin(person, person.c.staff_id == r.c.staff_id)
            .outerjoin(unit, unit.c.org_id == r.c.org_id)
        )
    if rule is not None:
        query = query.where(r.c.rule == rule)
    if scope.org_ids is not None:
        closure = org_closure()
        visible_units = select(closure.c.org_id).where(
            closure.c.ancestor_id.in_(sorted(scope.org_ids))
        )
        query = query.where(
            or_(r.c.org_id.in_(visible_units), r.c.staff_id.in_(sorted(scope.staff_ids)))
        )
    query = query.order_by(r.c.rule, r.c.day, r.c.client_id, r.c.staff_id, r.c.ref)
    found = sql.read(conn, query, f"register {period}")
    return protect(found, scope) if named else found


@scoped
def evidence(
    conn: Connection,
    row: dict[str, Any],
    period: Period,
    scope: Scope,
) -> dict[str, pd.DataFrame]:
    """The source rows behind one register row (as `exceptions` returned it), by kind: the
    client, its openings, assignments, archives, risk assessments, care dates, the contacts and
    info updates near the day, the plans and reports. Refused (empty) for a row the scope may not
    see; client personal data masked unless the scope may unmask."""
    visible = exceptions(conn, period, scope, _settings_of(conn), row["rule"])
    # A row charged to a unit alone has no staff: None, or NaN as `exceptions` returns it.
    staff = row.get("staff_id")
    match = visible[
        (visible["client_id"] == row["client_id"])
        & (visible["day"] == row["day"])
        & (visible["staff_id"].fillna("") == ("" if is_null(staff) else staff))
    ]
    if match.empty:
        return {}
    client_id = row["client_id"]
    day: dt.date = row["day"]
    since = day - dt.timedelta(days=45)
    until = day + dt.timedelta(days=15)

    def rows(table: Any, *where: Any, order: Any = None) -> pd.DataFrame:
        query = select(table).where(table.c.client_id == client_id, *where)
        if order is not None:
            query = query.order_by(order)
        return sql.read(conn, query, f"evidence {table.name}")

    t = {
        "client": tables.clients,
        "openings": tables.account_openings,
        "assignments": tables.assignments,
        "archives": tables.archives,
        "risk_assessments": tables.risk_assessments,
        "care_dates": tables.care_dates,
        "contacts": tables.contacts,
        "info_updates": tables.info_updates,
        "plans": tables.plans,
        "aum_monthly": tables.aum_monthly,
    }
    client = rows(t["client"])
    out = {"client": protect(client.rename(columns={"name": "client_name"}), scope)}
    out["assignments"] = rows(t["assignments"], order=t["assignments"].c.start_on)
    rule = row["rule"]
    if rule.startswith("opening_"):
        out["openings"] = rows(t["openings"], order=t["openings"].c.opened_at)
    if rule in (
        "opening_not_archived",
        "opening_no_followup",
        "intro_no_first_contact",
        "care_missed",
    ):
        window = and_(
            cast(t["contacts"].c.at, Date) >= since, cast(t["contacts"].c.at, Date) <= until
        )
        out["contacts"] = rows(t["contacts"], window, order=t["contacts"].c.at)
    if rule == "opening_not_archived":
        window = and_(
            cast(t["info_updates"].c.at, Date) >= since,
            cast(t["info_updates"].c.at, Date) <= until,
        )
        out["info_updates"] = rows(t["info_updates"], window, order=t["info_updates"].c.at)
    if rule in ("downgrade_archive_open", "loss_archive_open"):
        out["archives"] = rows(t["archives"], order=t["archives"].c.created_on)
    if rule == "risk_assessment_due":
        out["risk_assessments"] = rows(
            t["risk_assessments"], order=t["risk_assessments"].c.assessed_on
        )
    if rule == "care_missed":
        out["care_dates"] = rows(t["care_dates"])
    if rule == "plan_no_quarterly_report":
        out["plans"] = rows(t["plans"], order=t["plans"].c.at)
    if rule in ("upgrade_no_secondary", "downgrade_secondary_kept", "downgrade_archive_open"):
        first = add_months(month_start(day), -12)
        out["aum_monthly"] = rows(
            t["aum_monthly"], t["aum_monthly"].c.month >= first, order=t["aum_monthly"].c.month
        )
    return out


def _settings_of(conn: Connection) -> Settings:
    from data.settings import load_settings

    return load_settings(conn)
