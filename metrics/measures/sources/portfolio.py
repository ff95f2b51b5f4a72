"""Row sources of portfolio health (kpis.md, "Portfolio health"), at the end e of P.

Choices where kpis.md is silent (also in the catalogue's descriptions):

- A client's home unit (for `coverage` and `dual_manager`): the org unit of its primary manager
  at e; a client without a primary manager at e belongs to the unit of the staff on its most
  recent non-proxy (primary or secondary) assignment started on or before e — ties go to a
  primary assignment, then to the smallest staff id; a client never assigned (or only to
  proxies) belongs to no sub-branch, and to the branch only when there is exactly one branch.
  A unit counts the clients whose home unit is itself or a unit below it.
- Only clients not closed on e count. "Has a primary/secondary manager at e" means an active
  assignment of that role on e (start_on <= e < end_on), whoever the staff member is.
- Coverage and dual management are properties of a unit's portfolio: no staff rows.
- `overloaded_planners`: planners among the unit's members whose book at e holds more than
  `load.max_clients` clients (advisors are not counted).
- Retention alerts: an AUM alert compares the average daily AUM of month m with that of m-1 (a
  missing month is 0, so a client whose month m is missing after a positive m-1 has fallen by
  100%). A fall of at least `alert.aum_drop` and a tier fall in the same month make one alert,
  reported with reason `aum_drop` (`tier_drop` when only the tier fell). Account events: one alert
  per event row in P. The client must be in a member's book on the alert day (for a closure, the
  day before).
- Follow-up: a contact with the client by a staff member holding its primary assignment on the
  alert day itself (for a closure too — if the primary assignment ended on the closure day there
  is nobody to follow up and the alert stays unfollowed), dated from the alert day to the alert
  day + `alert.followup_days` inclusive (calendar dates). A contact made before a planner took
  over, or by a secondary or proxy manager, does not count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Select,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    or_,
    select,
    values,
)

from data import tables
from metrics.core.entities import Level, book_role_matches, org_closure
from metrics.core.periods import add_months, month_end, month_start
from metrics.measures.layer import Frame, row_source
from metrics.measures.sources.common import flag, midnight, tier_expr

assignments = tables.assignments
aum = tables.aum_monthly
clients = tables.clients
contacts = tables.contacts
account_events = tables.account_events
staff = tables.staff

UNIT_LEVELS: tuple[Level, ...] = ("sub_branch", "branch")
TIER_RANK = {"black_gold": 2, "platinum": 1, "mass": 0}


def active(a: Any, day: Any) -> Any:
    """Assignment `a` active on `day` (a date or a date column): start_on <= day < end_on."""
    return and_(a.c.start_on <= day, or_(a.c.end_on.is_(None), a.c.end_on > day))


@row_source("wealth_clients", order=("client_id",), levels=UNIT_LEVELS)
def wealth_client_rows(f: Frame) -> Select:
    """Wealth clients (AUM(c, e) >= tier.wealth or black-gold) open on e, per entity of their
    home unit, with has_primary / has_secondary at e."""
    e, s = f.e, f.settings
    lowest = min(s["tier.wealth"], s["tier.black_gold"])
    # The clients that can be wealth clients at e (the same test as `wealth` below): the roles
    # and the home-unit ranking are only ever read for them, so they rank ~6k clients' assignments
    # rather than every client's (the window over all assignments was the statement's bulk).
    candidates = (
        select(aum.c.client_id)
        .where(aum.c.month == month_start(e), aum.c.avg_daily_aum >= lowest)
        .cte("wealth_candidates")
    )
    roles = (
        select(
            assignments.c.client_id,
            func.max(flag(assignments.c.role == "primary")).label("has_primary"),
            func.max(flag(assignments.c.role == "secondary")).label("has_secondary"),
        )
        .where(active(assignments, e), assignments.c.role.in_(("primary", "secondary")))
        .where(assignments.c.client_id.in_(select(candidates.c.client_id)))
        .group_by(assignments.c.client_id)
        .subquery("roles")
    )
    active_primary = and_(assignments.c.role == "primary", active(assignments, e))
    ranked = (
        select(
            assignments.c.client_id,
            staff.c.org_id,
            func.row_number()
            .over(
                partition_by=assignments.c.client_id,
                order_by=[
                    case((active_primary, 0), else_=1),
                    assignments.c.start_on.desc(),
                    case((assignments.c.role == "primary", 0), else_=1),
                    assignments.c.staff_id,
                ],
            )
            .label("rn"),
        )
        .join(staff, staff.c.staff_id == assignments.c.staff_id)
        .where(assignments.c.role.in_(("primary", "secondary")), assignments.c.start_on <= e)
        .where(assignments.c.client_id.in_(select(candidates.c.client_id)))
        .subquery("ranked")
    )
    home_of = select(ranked.c.client_id, ranked.c.org_id).where(ranked.c.rn == 1).subquery("home")
    wealth = (
        select(
            clients.c.client_id,
            aum.c.avg_daily_aum.label("aum"),
            flag(aum.c.avg_daily_aum >= s["tier.wealth"]).label("is_wealth"),
            flag(aum.c.avg_daily_aum >= s["tier.black_gold"]).label("is_top"),
            func.coalesce(roles.c.has_primary, 0).label("has_primary"),
            func.coalesce(roles.c.has_secondary, 0).label("has_secondary"),
            func.coalesce(home_of.c.org_id, literal(f.sole_branch())).label("home_org_id"),
        )
        .select_from(clients)
        .join(aum, and_(aum.c.client_id == clients.c.client_id, aum.c.month == month_start(e)))
        .outerjoin(roles, roles.c.client_id == clients.c.client_id)
        .outerjoin(home_of, home_of.c.client_id == clients.c.client_id)
        .where(
            aum.c.avg_daily_aum >= lowest,
            or_(clients.c.closed_on.is_(None), clients.c.closed_on > e),
        )
        .subquery("wealth")
    )
    ents = f.entities()
    closure = org_closure()
    return (
        select(
            ents.c.entity_id,
            wealth.c.client_id,
            wealth.c.home_org_id,
            wealth.c.aum,
            wealth.c.is_wealth,
            wealth.c.is_top,
            wealth.c.has_primary,
            wealth.c.has_secondary,
        )
        .select_from(ents)
        .join(closure, closure.c.ancestor_id == ents.c.entity_id)
        .join(wealth, wealth.c.home_org_id == closure.c.org_id)
    )


@row_source("planner_load", order=("staff_id",), levels=UNIT_LEVELS)
def planner_load_rows(f: Frame) -> Select:
    """Each planner member with the size of their book at e and whether it is above the limit."""
    e = f.e
    limit = int(f.settings["load.max_clients"])
    mem = f.members()
    load = (
        select(assignments.c.staff_id, func.count(func.distinct(clients.c.client_id)).label("n"))
        .join(clients, clients.c.client_id == assignments.c.client_id)
        .where(
            assignments.c.role == "primary",
            active(assignments, e),
            or_(clients.c.closed_on.is_(None), clients.c.closed_on > e),
        )
        .group_by(assignments.c.staff_id)
        .subquery("load")
    )
    n = func.coalesce(load.c.n, 0)
    return (
        select(
            mem.c.entity_id,
            mem.c.staff_id,
            n.label("load"),
            literal(limit).label("max_clients"),
            flag(n > limit).label("overloaded"),
        )
        .select_from(mem)
        .outerjoin(load, load.c.staff_id == mem.c.staff_id)
        .where(mem.c.role == "planner")
    )


def _alerts(f: Frame) -> Any:
    """Every alert in P, before any book: (client_id, reason, alert_on, event_at, book_on)."""
    s = f.settings
    pairs = (
        values(
            column("prev_month", Date),
            column("month", Date),
            column("alert_on", Date),
            name="alert_months",
        )
        .data([(add_months(m, -1), m, month_end(m)) for m in f.period.month_starts()])
        .alias("alert_months")
    )
    prev = aum.alias("prev")
    cur = aum.alias("cur")
    cur_value = func.coalesce(cur.c.avg_daily_aum, 0)
    # "Fell by at least x": prev - cur >= prev * x, in exact decimals.
    dropped = prev.c.avg_daily_aum - cur_value >= prev.c.avg_daily_aum * s["alert.aum_drop"]

    def tier_rank(amount: Any) -> Any:
        return case(*[(tier_expr(amount, s) == t, r) for t, r in TIER_RANK.items()])

    tier_fell = tier_rank(cur.c.avg_daily_aum) < tier_rank(prev.c.avg_daily_aum)
    aum_alerts = (
        select(
            prev.c.client_id,
            case((dropped, "aum_drop"), else_="tier_drop").label("reason"),
            pairs.c.alert_on,
            cast(literal(None), Date).label("event_day"),
            pairs.c.alert_on.label("book_on"),
            cast(literal(None), DateTime).label("event_at"),
        )
        .select_from(pairs)
        # Only a positive m-1 can fall: start from the m-1 rows, a missing m counts as 0.
        .join(prev, prev.c.month == pairs.c.prev_month)
        .outerjoin(cur, and_(cur.c.client_id == prev.c.client_id, cur.c.month == pairs.c.month))
        .where(prev.c.avg_daily_aum > 0, or_(dropped, tier_fell))
    )
    lo, hi = f.bounds()
    event_on = cast(account_events.c.at, Date)
    event_alerts = select(
        account_events.c.client_id,
        account_events.c.kind.label("reason"),
        event_on.label("alert_on"),
        event_on.label("event_day"),
        # The day before a closure: a closed client is in no book on its closing day.
        case(
            (
                account_events.c.kind == "closure",
                cast(account_events.c.at - literal(dt.timedelta(days=1)), Date),
            ),
            else_=event_on,
        ).label("book_on"),
        account_events.c.at.label("event_at"),
    ).where(
        account_events.c.at >= lo,
        account_events.c.at < hi,
        account_events.c.kind.in_(("large_outflow", "closure")),
    )
    # A CTE, not a subquery: the alerts are read twice (books and follow-ups), and a CTE lets the
    # engine compute the AUM comparisons once instead of once per reference.
    return aum_alerts.union_all(event_alerts).cte("alerts_in_p")


@row_source("alerts", order=("alert_day", "client_id", "reason"))
def alert_rows(f: Frame) -> Select:
    """(entity, alert) pairs, each once, for alerts whose client is in a member's book on the
    book day, with the primary manager on the alert day and the first follow-up contact."""
    mem = f.members()
    alerts = _alerts(f)
    in_book = (
        select(
            mem.c.entity_id,
            alerts.c.client_id,
            alerts.c.reason,
            alerts.c.alert_on,
            alerts.c.event_at,
        )
        .select_from(alerts)
        .join(assignments, assignments.c.client_id == alerts.c.client_id)
        .join(
            mem,
            and_(
                mem.c.staff_id == assignments.c.staff_id,
                book_role_matches(mem.c.role, assignments.c.role),
            ),
        )
        .join(clients, clients.c.client_id == alerts.c.client_id)
        .where(
            active(assignments, alerts.c.book_on),
            or_(clients.c.closed_on.is_(None), clients.c.closed_on > alerts.c.book_on),
        )
        .distinct()
        .subquery("in_book")
    )
    days = int(f.settings["alert.followup_days"])
    primary = assignments.alias("primary_a")
    # Contacts only in the window any alert of P can use: filter by date range first.
    lo, _ = f.bounds()
    window_end = midnight(f.e + dt.timedelta(days=days + 1))
    followups = (
        select(
            alerts.c.client_id,
            alerts.c.reason,
            alerts.c.alert_on,
            alerts.c.event_at,
            func.min(primary.c.staff_id).label("primary_staff_id"),
            func.min(cast(contacts.c.at, Date)).label("followup_on"),
        )
        .select_from(alerts)
        .join(
            primary,
            and_(
                primary.c.client_id == alerts.c.client_id,
                primary.c.role == "primary",
                active(primary, alerts.c.alert_on),
            ),
        )
        .outerjoin(
            contacts,
            and_(
                contacts.c.client_id == alerts.c.client_id,
                contacts.c.staff_id == primary.c.staff_id,
                contacts.c.at >= lo,
                contacts.c.at < window_end,
                cast(contacts.c.at, Date) >= alerts.c.alert_on,
                contacts.c.at
                < cast(alerts.c.alert_on, Date) + literal(dt.timedelta(days=days + 1)),
            ),
        )
        .group_by(alerts.c.client_id, alerts.c.reason, alerts.c.alert_on, alerts.c.event_at)
        .subquery("followups")
    )
    same_alert = and_(
        followups.c.client_id == in_book.c.client_id,
        followups.c.reason == in_book.c.reason,
        followups.c.alert_on == in_book.c.alert_on,
        # An AUM alert has no event timestamp: NULL must match NULL. IS NOT DISTINCT FROM keeps
        # this a hash join (an OR of two conditions made DuckDB fall back to a nested loop).
        followups.c.event_at.is_not_distinct_from(in_book.c.event_at),
    )
    return (
        select(
            in_book.c.entity_id,
            in_book.c.client_id,
            in_book.c.reason,
            in_book.c.alert_on.label("alert_day"),
            in_book.c.event_at,
            followups.c.primary_staff_id,
            flag(followups.c.followup_on.is_not(None)).label("followed_up"),
            followups.c.followup_on.label("followup_day"),
        )
        .select_from(in_book)
        .outerjoin(followups, same_alert)
    )
