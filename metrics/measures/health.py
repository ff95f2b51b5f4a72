"""Portfolio health (kpis.md, "Portfolio health"): per sub-branch and branch, at the end e of P.

Like the supervision metrics, each figure is aggregated in SQL over a row-level select that the
drill-throughs return as is; ratios keep their numerator and denominator.

Choices where kpis.md is silent (copied into the catalogue's descriptions):

- A client's home unit (for `coverage` and `dual_manager`): the org unit of its primary manager
  at e; a client without a primary manager at e belongs to the unit of the staff on its most
  recent non-proxy (primary or secondary) assignment started on or before e — ties go to a
  primary assignment, then to the smallest staff id; a client never assigned (or only to
  proxies) belongs to no sub-branch, and to the branch only when there is exactly one branch.
  A unit counts the clients whose home unit is itself or a unit below it.
- Only clients not closed on e count. "Has a primary/secondary manager at e" means an active
  assignment of that role on e (start_on <= e < end_on), whoever the staff member is.
- Staff level is refused: coverage and dual management are properties of a unit's portfolio.
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
- `care_due(day, days=N)`: birthdays on a date from `day` to `day + N` inclusive; a 29 February
  birthday falls on 28 February in years without one.
- `tier_migration`: the tier at e(P-1) of each client in the book at e(P-1) against its tier at
  e(P) in the book at e(P); rows `black_gold, platinum, mass, new` (in the book at e(P) only),
  columns `black_gold, platinum, mass, lost` (in the book at e(P-1) only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from typing import Any

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    Integer,
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

from data.schema import (
    AccountEvent,
    Assignment,
    AumMonthly,
    Client,
    Contact,
    OrgUnit,
    Staff,
)
from metrics.core.entities import Level, book, book_role_matches, entities, org_closure
from metrics.core.periods import Period, add_months, month_end, month_start
from metrics.core.scope import Scope
from metrics.measures.supervision import (
    Settings,
    flag,
    member_select,
    midnight,
    period_bounds,
    ratio,
    read,
    resolve_settings,
    tier_expr,
)

assignments = Assignment.__table__
aum = AumMonthly.__table__
clients = Client.__table__
contacts = Contact.__table__
account_events = AccountEvent.__table__
org = OrgUnit.__table__
staff = Staff.__table__

HEALTH_LEVELS = ("sub_branch", "branch")
RATIOS = ("coverage", "dual_manager", "followup_rate")
COLUMNS = [
    "entity_id",
    "coverage",
    "dual_manager",
    "overloaded_planners",
    "retention_alerts",
    "followup_rate",
    "coverage__num",
    "coverage__den",
    "dual_manager__num",
    "dual_manager__den",
    "followup_rate__num",
    "followup_rate__den",
    "alerts_followed",
    "name",
    "org_id",
    "role",
]
# The statement ("family") each column comes from, so that a caller that needs a few metrics
# (the Overview's previous-period tiles) runs only their statements: same SQL, same figures.
FAMILIES: dict[str, list[str]] = {
    "portfolio": [
        "coverage",
        "dual_manager",
        *[f"{r}__{part}" for r in ("coverage", "dual_manager") for part in ("num", "den")],
    ],
    "load": ["overloaded_planners"],
    "alerts": [
        "retention_alerts",
        "followup_rate",
        "followup_rate__num",
        "followup_rate__den",
        "alerts_followed",
    ],
}
FAMILY_OF = {col: family for family, cols in FAMILIES.items() for col in cols}
TIERS = ("black_gold", "platinum", "mass")
TIER_RANK = {"black_gold": 2, "platinum": 1, "mass": 0}


def _check_level(level: str) -> None:
    if level not in HEALTH_LEVELS:
        raise ValueError(
            f"portfolio health is computed per sub_branch or branch, not per {level!r}"
        )


def _active(a: Any, day: Any) -> Any:
    """Assignment `a` active on `day` (a date or a date column): start_on <= day < end_on."""
    return and_(a.c.start_on <= day, or_(a.c.end_on.is_(None), a.c.end_on > day))


def _sole_branch(conn: Connection) -> str | None:
    ids = list(conn.execute(select(org.c.org_id).where(org.c.kind == "branch")).scalars())
    return ids[0] if len(ids) == 1 else None


# --- coverage and dual management --------------------------------------------------------------


def _portfolio_rows(
    level: Level, scope: Scope, e: dt.date, settings: Settings, sole_branch: str | None
) -> Select:
    """Wealth clients (AUM(c, e) >= tier.wealth or black-gold) open on e, per entity of their
    home unit, with has_primary / has_secondary at e."""
    lowest = min(settings["tier.wealth"], settings["tier.black_gold"])
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
        .where(_active(assignments, e), assignments.c.role.in_(("primary", "secondary")))
        .where(assignments.c.client_id.in_(select(candidates.c.client_id)))
        .group_by(assignments.c.client_id)
        .subquery("roles")
    )
    active_primary = and_(assignments.c.role == "primary", _active(assignments, e))
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
            flag(aum.c.avg_daily_aum >= settings["tier.wealth"]).label("is_wealth"),
            flag(aum.c.avg_daily_aum >= settings["tier.black_gold"]).label("is_top"),
            func.coalesce(roles.c.has_primary, 0).label("has_primary"),
            func.coalesce(roles.c.has_secondary, 0).label("has_secondary"),
            func.coalesce(home_of.c.org_id, literal(sole_branch)).label("home_org_id"),
        )
        .select_from(clients)
        .join(
            aum,
            and_(aum.c.client_id == clients.c.client_id, aum.c.month == month_start(e)),
        )
        .outerjoin(roles, roles.c.client_id == clients.c.client_id)
        .outerjoin(home_of, home_of.c.client_id == clients.c.client_id)
        .where(
            aum.c.avg_daily_aum >= lowest,
            or_(clients.c.closed_on.is_(None), clients.c.closed_on > e),
        )
        .subquery("wealth")
    )
    ents = entities(level, scope).subquery("ents")
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


# --- overloaded planners -----------------------------------------------------------------------


def _planner_load_rows(mem: Any, e: dt.date, settings: Settings) -> Select:
    """Each planner member with the size of their book at e and whether it is above the limit."""
    load = (
        select(assignments.c.staff_id, func.count(func.distinct(clients.c.client_id)).label("n"))
        .join(clients, clients.c.client_id == assignments.c.client_id)
        .where(
            assignments.c.role == "primary",
            _active(assignments, e),
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
            literal(int(settings["load.max_clients"])).label("max_clients"),
            flag(n > int(settings["load.max_clients"])).label("overloaded"),
        )
        .select_from(mem)
        .outerjoin(load, load.c.staff_id == mem.c.staff_id)
        .where(mem.c.role == "planner")
    )


# --- retention alerts --------------------------------------------------------------------------


def _alerts(period: Period, settings: Settings) -> Any:
    """Every alert in P, before any book: (client_id, reason, alert_on, event_at, book_on)."""
    months = period.month_starts()
    pairs = (
        values(
            column("prev_month", Date),
            column("month", Date),
            column("alert_on", Date),
            name="alert_months",
        )
        .data([(add_months(m, -1), m, month_end(m)) for m in months])
        .alias("alert_months")
    )
    prev = aum.alias("prev")
    cur = aum.alias("cur")
    cur_value = func.coalesce(cur.c.avg_daily_aum, 0)
    # "Fell by at least x": prev - cur >= prev * x, in exact decimals.
    dropped = prev.c.avg_daily_aum - cur_value >= prev.c.avg_daily_aum * settings["alert.aum_drop"]

    def tier_rank(amount: Any) -> Any:
        return case(*[(tier_expr(amount, settings) == t, r) for t, r in TIER_RANK.items()])

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
    lo, hi = period_bounds(period)
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
    return aum_alerts.union_all(event_alerts).cte("alerts")


def _alert_rows(mem: Any, period: Period, settings: Settings) -> Select:
    """(entity, alert) pairs, each once, for alerts whose client is in a member's book on the
    book day, with the primary manager on the alert day and the first follow-up contact."""
    alerts = _alerts(period, settings)
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
                book_role_matches(mem.c.role, assignments.c.role),  # type: ignore[arg-type]
            ),
        )
        .join(clients, clients.c.client_id == alerts.c.client_id)
        .where(
            _active(assignments, alerts.c.book_on),
            or_(clients.c.closed_on.is_(None), clients.c.closed_on > alerts.c.book_on),
        )
        .distinct()
        .subquery("in_book")
    )
    days = int(settings["alert.followup_days"])
    primary = assignments.alias("primary_a")
    # Contacts only in the window any alert of P can use: filter by date range first.
    lo, _ = period_bounds(period)
    window_end = midnight(period.end + dt.timedelta(days=days + 1))
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
                _active(primary, alerts.c.alert_on),
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


# --- the metric table --------------------------------------------------------------------------


def health(
    conn: Connection,
    period: Period,
    level: Level = "sub_branch",
    scope: Scope = Scope.everything(),  # noqa: B008 - frozen dataclass, safe as a default
    settings: Settings | None = None,
    metrics: Collection[str] | None = None,
) -> pd.DataFrame:
    """The portfolio-health metrics of every sub-branch or branch in `scope` at the end of P.

    `metrics` (ids of COLUMNS) limits the frame to the families that compute them (with their
    parts and the descriptive columns); the figures are those of the whole table."""
    _check_level(level)
    if metrics is not None and (unknown := [m for m in metrics if m not in FAMILY_OF]):
        raise ValueError(f"not portfolio-health metrics: {', '.join(sorted(unknown))}")
    wanted = set(FAMILIES) if metrics is None else {FAMILY_OF[m] for m in metrics}
    settings = resolve_settings(conn, settings)
    e = period.end
    ents = read(conn, entities(level, scope))
    mem = member_select(level, scope)

    def stats(family: str, columns: list[str], query: Callable[[], Any]) -> pd.DataFrame:
        """The family's aggregate, or an empty frame of its columns when it is not wanted."""
        if family in wanted:
            return read(conn, query())
        return pd.DataFrame({c: pd.Series(dtype="object") for c in ["entity_id", *columns]})

    def portfolio_query() -> Any:
        pr = _portfolio_rows(level, scope, e, settings, _sole_branch(conn)).subquery()
        return select(
            pr.c.entity_id,
            func.sum(pr.c.is_wealth * pr.c.has_primary).label("coverage__num"),
            func.sum(pr.c.is_wealth).label("coverage__den"),
            func.sum(pr.c.is_top * pr.c.has_primary * pr.c.has_secondary).label(
                "dual_manager__num"
            ),
            func.sum(pr.c.is_top).label("dual_manager__den"),
        ).group_by(pr.c.entity_id)

    def load_query() -> Any:
        lr = _planner_load_rows(mem, e, settings).subquery()
        return select(
            lr.c.entity_id, func.sum(lr.c.overloaded).label("overloaded_planners")
        ).group_by(lr.c.entity_id)

    def alert_query() -> Any:
        ar = _alert_rows(mem, period, settings).subquery()
        return select(
            ar.c.entity_id,
            func.count().label("retention_alerts"),
            func.sum(ar.c.followed_up).label("alerts_followed"),
        ).group_by(ar.c.entity_id)

    portfolio = stats(
        "portfolio",
        ["coverage__num", "coverage__den", "dual_manager__num", "dual_manager__den"],
        portfolio_query,
    )
    load = stats("load", ["overloaded_planners"], load_query)
    alerts = stats("alerts", ["retention_alerts", "alerts_followed"], alert_query)
    df = ents[["entity_id", "name", "org_id", "role"]].copy()
    for part in (portfolio, load, alerts):
        df = df.merge(part, on="entity_id", how="left")
    for col in (
        "coverage__num",
        "coverage__den",
        "dual_manager__num",
        "dual_manager__den",
        "overloaded_planners",
        "retention_alerts",
        "alerts_followed",
    ):
        df[col] = df[col].fillna(0).astype("int64")
    df["followup_rate__num"] = df["alerts_followed"]
    df["followup_rate__den"] = df["retention_alerts"]
    for r in RATIOS:
        df[r] = pd.array(
            [ratio(n, d) for n, d in zip(df[f"{r}__num"], df[f"{r}__den"], strict=True)],
            dtype="Float64",
        )
    shown = [c for c in COLUMNS if c not in FAMILY_OF or FAMILY_OF[c] in wanted]
    return df[shown].sort_values("entity_id", ignore_index=True)


# --- lists -------------------------------------------------------------------------------------


def retention_alert_list(
    conn: Connection,
    period: Period,
    level: Level,
    entity_id: str,
    scope: Scope = Scope.everything(),  # noqa: B008
    settings: Settings | None = None,
) -> pd.DataFrame:
    """The retention alerts of one entity (any level, a staff member included) in P."""
    settings = resolve_settings(conn, settings)
    mem = member_select(level, scope, entity_id)
    rows = _alert_rows(mem, period, settings).subquery()
    query = select(
        rows.c.client_id,
        rows.c.reason,
        rows.c.alert_day,
        rows.c.event_at,
        rows.c.primary_staff_id,
        rows.c.followed_up,
        rows.c.followup_day,
    ).order_by(rows.c.alert_day, rows.c.client_id, rows.c.reason, rows.c.event_at)
    df = read(conn, query)
    df["followed_up"] = df["followed_up"].astype(bool)
    return df


def _birthday_in(year: int, birth: dt.date) -> dt.date:
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a year without one: celebrate on the 28th
        return dt.date(year, 2, 28)


def care_due(
    conn: Connection,
    day: dt.date,
    level: Level,
    entity_id: str,
    scope: Scope = Scope.everything(),  # noqa: B008
    days: int = 14,
) -> pd.DataFrame:
    """Clients in the entity's book on `day` whose birthday falls from `day` to `day + days`."""
    window = [day + dt.timedelta(days=i) for i in range(days + 1)]
    month_days = {(d.month, d.day) for d in window}
    if any(d.month == 2 and d.day == 28 and not _is_leap(d.year) for d in window):
        month_days.add((2, 29))
    # Filter on (month, day) in SQL, so that only candidates leave the database.
    md = func.extract("month", clients.c.birth_date) * 100 + func.extract(
        "day", clients.c.birth_date
    )
    bk = book(level, scope, day).subquery("bk")
    query = (
        select(clients.c.client_id, clients.c.name, clients.c.birth_date, clients.c.phone)
        .select_from(bk)
        .join(clients, clients.c.client_id == bk.c.client_id)
        .where(bk.c.entity_id == entity_id, clients.c.birth_date.is_not(None))
        .where(cast(md, Integer).in_(sorted(m * 100 + d for m, d in month_days)))
    )
    out = []
    for client_id, name, birth_date, phone in conn.execute(query):
        birthday = next(
            b
            for b in (_birthday_in(y, birth_date) for y in (day.year, day.year + 1))
            if day <= b <= window[-1]
        )
        out.append(
            {
                "client_id": client_id,
                "name": name,
                "birth_date": birth_date,
                "birthday": birthday,
                "age": birthday.year - birth_date.year,
                "days_until": (birthday - day).days,
                "phone": phone,
            }
        )
    columns = ["client_id", "name", "birth_date", "birthday", "age", "days_until", "phone"]
    result = pd.DataFrame(out, columns=columns)
    return result.sort_values(["birthday", "client_id"], ignore_index=True)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def tier_migration(
    conn: Connection,
    period: Period,
    level: Level,
    entity_id: str,
    scope: Scope = Scope.everything(),  # noqa: B008
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Clients moving between tiers from the book at e(P-1) to the book at e(P).

    Index `from` (black_gold, platinum, mass, new), columns black_gold, platinum, mass, lost."""
    settings = resolve_settings(conn, settings)
    tiers = {}
    for key, day in (("before", period.prev().end), ("after", period.end)):
        bk = book(level, scope, day).subquery("bk")
        query = (
            select(bk.c.client_id, tier_expr(aum.c.avg_daily_aum, settings).label("tier"))
            .select_from(bk)
            .outerjoin(
                aum, and_(aum.c.client_id == bk.c.client_id, aum.c.month == month_start(day))
            )
            .where(bk.c.entity_id == entity_id)
        )
        tiers[key] = dict(tuple(r) for r in conn.execute(query))
    before, after = tiers["before"], tiers["after"]
    rows = [*TIERS, "new"]
    cols = [*TIERS, "lost"]
    matrix = pd.DataFrame(0, index=pd.Index(rows, name="from"), columns=cols, dtype="int64")
    for client_id in before.keys() | after.keys():
        src = before.get(client_id, "new")
        dst = after.get(client_id, "lost")
        matrix.loc[src, dst] += 1
    return matrix


# --- drill-through -----------------------------------------------------------------------------

Drill = Callable[[Connection, str, str, Period, Scope, Settings], pd.DataFrame]


def _drill_portfolio(which: str) -> Drill:
    def drill(
        conn: Connection,
        level: str,
        entity_id: str,
        period: Period,
        scope: Scope,
        settings: Settings,
    ) -> pd.DataFrame:
        _check_level(level)
        settings = resolve_settings(conn, settings)
        rows = _portfolio_rows(
            level,  # type: ignore[arg-type]
            scope,
            period.end,
            settings,
            _sole_branch(conn),
        ).subquery()
        query = (
            select(rows)
            .where(rows.c.entity_id == entity_id, rows.c[which] == 1)
            .order_by(rows.c.client_id)
        )
        return read(conn, query)

    return drill


def _drill_load(
    conn: Connection, level: str, entity_id: str, period: Period, scope: Scope, settings: Settings
) -> pd.DataFrame:
    mem = member_select(level, scope, entity_id)  # type: ignore[arg-type]
    query = _planner_load_rows(mem, period.end, resolve_settings(conn, settings))
    return read(conn, query.order_by("staff_id"))


def _drill_alerts(
    conn: Connection, level: str, entity_id: str, period: Period, scope: Scope, settings: Settings
) -> pd.DataFrame:
    mem = member_select(level, scope, entity_id)  # type: ignore[arg-type]
    rows = _alert_rows(mem, period, resolve_settings(conn, settings)).subquery()
    return read(conn, select(rows).order_by(rows.c.alert_day, rows.c.client_id, rows.c.reason))


DRILLS: dict[str, Drill] = {
    "coverage": _drill_portfolio("is_wealth"),
    "dual_manager": _drill_portfolio("is_top"),
    "overloaded_planners": _drill_load,
    "retention_alerts": _drill_alerts,
    "followup_rate": _drill_alerts,
}

REAGGREGATE: dict[str, Callable[[pd.DataFrame], object]] = {
    "coverage": lambda r: ratio(int(r["has_primary"].sum()), len(r)),
    "dual_manager": lambda r: ratio(int((r["has_primary"] * r["has_secondary"]).sum()), len(r)),
    "overloaded_planners": lambda r: int(r["overloaded"].sum()),
    "retention_alerts": len,
    "followup_rate": lambda r: ratio(int(r["followed_up"].sum()), len(r)),
}

__all__ = [
    "COLUMNS",
    "DRILLS",
    "REAGGREGATE",
    "care_due",
    "health",
    "retention_alert_list",
    "tier_migration",
]
