"""The appraisal scorecard: the 13 KPIs of kpis.md per staff member, sub-branch or branch.

Every KPI starts from a *row source* — a Core select of the rows that produce the figure, one row
per (entity_id, client or event row) — and the scorecard aggregates those sources inside the
database in one statement. `metrics.drill` shows the very same row sources for one entity, so a
figure and its drill-through can never disagree: each KPI is defined once, here and in its
catalogue record (`metrics.catalogue`).

Roll-ups need nothing special: `members()` and `book()` give an org unit its members' rows and its
union book (each client once), and ratios and means are carried as numerator / denominator
(`<id>__num`, `<id>__den`) and divided only at the end, in exact decimals.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Numeric,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)

from data.schema import (
    Archive,
    AumMonthly,
    Certificate,
    Client,
    Need,
    Plan,
    Reward,
    Survey,
    Training,
)
from data.settings import load_settings
from metrics.core.catalogue import BY_ID, appraisal_ids
from metrics.core.entities import Level, book, entities, members
from metrics.core.periods import Period, month_start
from metrics.core.scope import Scope

MONEY = Numeric(18, 2)
CENT = Decimal("0.01")

aum_monthly = AumMonthly.__table__
clients = Client.__table__
archives = Archive.__table__
needs = Need.__table__
plans = Plan.__table__
surveys = Survey.__table__
trainings = Training.__table__
certificates = Certificate.__table__
rewards = Reward.__table__

# Descriptive columns that follow the metric ids (cli.md, "Output tables").
DESCRIPTIVE = ("name", "org_id", "role")


def _money(value: Any) -> ColumnElement[Any]:
    """A bound money literal typed as the AUM column, so both engines compare decimals exactly."""
    return literal(Decimal(value), MONEY)


def _day_bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """[s 00:00, e+1 00:00): "s <= date(at) <= e" as a range a timestamp index / zone map can use."""
    start = dt.datetime.combine(period.start, dt.time())
    return start, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())


# --- row sources -----------------------------------------------------------------------------


def stock_rows(level: Level, scope: Scope, day: dt.date, settings: dict[str, Decimal]) -> Select:
    """(entity_id, client_id, aum, aum_missing, is_top): book(x, day) with AUM(c, day).

    A client without an AUM row for the month of `day` counts 0 (kpis.md) and is flagged as a
    data-quality gap.
    """
    b = book(level, scope, day).subquery("book")
    a = aum_monthly.alias("aum")
    aum = func.coalesce(a.c.avg_daily_aum, cast(literal(0), MONEY))
    return (
        select(
            b.c.entity_id,
            b.c.client_id,
            aum.label("aum"),
            a.c.client_id.is_(None).label("aum_missing"),
            case((aum >= _money(settings["tier.black_gold"]), 1), else_=0).label("is_top"),
        )
        .select_from(b)
        .outerjoin(a, and_(a.c.client_id == b.c.client_id, a.c.month == month_start(day)))
    )


def retention_rows(
    level: Level, scope: Scope, period: Period, settings: dict[str, Decimal]
) -> Select:
    """(entity_id, client_id, aum_prev, aum_now, closed_on, retained): the retention base.

    Base = book at e(P-1) with AUM >= tier.platinum there; retained when not closed on or before e
    and AUM(c, e) >= tier.platinum, whoever manages the client at e.
    """
    prev = stock_rows(level, scope, period.prev().end, settings).subquery("prev")
    return retention_from(prev, period, settings)


def retention_from(prev: FromClause, period: Period, settings: dict[str, Decimal]) -> Select:
    """`retention_rows` over an already built stock at e(P-1) (shared with the scorecard)."""
    platinum = _money(settings["tier.platinum"])
    a = aum_monthly.alias("aum_now")
    now = func.coalesce(a.c.avg_daily_aum, cast(literal(0), MONEY))
    still_open = or_(clients.c.closed_on.is_(None), clients.c.closed_on > period.end)
    return (
        select(
            prev.c.entity_id,
            prev.c.client_id,
            prev.c.aum.label("aum_prev"),
            now.label("aum_now"),
            clients.c.closed_on,
            case((and_(still_open, now >= platinum), 1), else_=0).label("retained"),
        )
        .select_from(prev)
        .join(clients, clients.c.client_id == prev.c.client_id)
        .outerjoin(a, and_(a.c.client_id == prev.c.client_id, a.c.month == month_start(period.end)))
        .where(prev.c.aum >= platinum)
    )


def archive_rows(level: Level, scope: Scope, day: dt.date, settings: dict[str, Decimal]) -> Select:
    """(entity_id, client_id, aum, archive_created_on, archived): the top clients of book(x, day).

    An archive counts when created on or before `day` and not sealed on or before it, whoever
    created it (the archive belongs to the client, not to the planner).
    """
    return archive_from(stock_rows(level, scope, day, settings).subquery("top"), day)


def archive_from(stock: FromClause, day: dt.date) -> Select:
    """`archive_rows` over an already built stock at `day` (shared with the scorecard)."""
    live = (
        select(archives.c.client_id, func.max(archives.c.created_on).label("created_on"))
        .where(
            archives.c.created_on <= day,
            or_(archives.c.sealed_on.is_(None), archives.c.sealed_on > day),
        )
        .group_by(archives.c.client_id)
        .subquery("live_archive")
    )
    return (
        select(
            stock.c.entity_id,
            stock.c.client_id,
            stock.c.aum,
            live.c.created_on.label("archive_created_on"),
            case((live.c.client_id.is_not(None), 1), else_=0).label("archived"),
        )
        .select_from(stock)
        .outerjoin(live, live.c.client_id == stock.c.client_id)
        .where(stock.c.is_top == 1)
    )


def _member_rows(level: Level, scope: Scope, table: Any, *columns: Any) -> Select:
    """The rows of a staff-keyed table that belong to the members of each entity.

    Each staff member belongs to one org unit, so each row appears once per entity.
    """
    mem = members(level, scope).subquery("mem")
    return (
        select(mem.c.entity_id, *columns)
        .select_from(mem)
        .join(table, table.c.staff_id == mem.c.staff_id)
    )


def needs_rows(level: Level, scope: Scope, period: Period) -> Select:
    lo, hi = _day_bounds(period)
    query = _member_rows(
        level,
        scope,
        needs,
        needs.c.need_id,
        needs.c.staff_id,
        needs.c.client_id,
        needs.c.at,
        needs.c.kind,
    )
    return query.where(needs.c.at >= lo, needs.c.at < hi)


def plans_rows(level: Level, scope: Scope, period: Period) -> Select:
    lo, hi = _day_bounds(period)
    query = _member_rows(
        level,
        scope,
        plans,
        plans.c.plan_id,
        plans.c.staff_id,
        plans.c.client_id,
        plans.c.at,
        plans.c.kind,
    )
    return query.where(plans.c.at >= lo, plans.c.at < hi)


def survey_rows(level: Level, scope: Scope, period: Period) -> Select:
    lo, hi = _day_bounds(period)
    query = _member_rows(
        level,
        scope,
        surveys,
        surveys.c.staff_id,
        surveys.c.client_id,
        surveys.c.at,
        surveys.c.score,
    )
    return query.where(surveys.c.at >= lo, surveys.c.at < hi)


def training_rows(level: Level, scope: Scope, period: Period) -> Select:
    """Trainings with period_start in P; `hours_credited` = min(hours_done, hours_required)."""
    t = trainings
    credited = case((t.c.hours_done < t.c.hours_required, t.c.hours_done), else_=t.c.hours_required)
    query = _member_rows(
        level,
        scope,
        t,
        t.c.staff_id,
        t.c.course,
        t.c.period_start,
        t.c.hours_required,
        t.c.hours_done,
        credited.label("hours_credited"),
        t.c.score,
    )
    return query.where(t.c.period_start >= period.start, t.c.period_start <= period.end)


def certificate_rows(level: Level, scope: Scope, period: Period) -> Select:
    """Certificates valid at e: obtained on or before e, not expired on or before e."""
    t = certificates
    query = _member_rows(level, scope, t, t.c.staff_id, t.c.name, t.c.obtained_on, t.c.expires_on)
    return query.where(
        t.c.obtained_on <= period.end, or_(t.c.expires_on.is_(None), t.c.expires_on > period.end)
    )


def reward_rows(level: Level, scope: Scope, period: Period) -> Select:
    """Rewards and penalties dated in P; `signed_points` is negative for a penalty."""
    t = rewards
    signed = case((t.c.kind == "reward", t.c.points), (t.c.kind == "penalty", -t.c.points), else_=0)
    query = _member_rows(
        level,
        scope,
        t,
        t.c.staff_id,
        t.c.on,
        t.c.kind,
        t.c.reason,
        t.c.points,
        signed.label("signed_points"),
    )
    return query.where(t.c.on >= period.start, t.c.on <= period.end)


# --- the scorecard ---------------------------------------------------------------------------


def scorecard_statement(
    period: Period, level: Level, scope: Scope, settings: dict[str, Decimal]
) -> Select:
    """One statement: the entities of the level, each joined to its aggregated row sources."""
    ents = entities(level, scope).subquery("ents")

    def agg(source: Select, name: str, **measures: Any) -> Any:
        src = source.subquery(f"{name}_rows")
        cols = [m(src).label(k) for k, m in measures.items()]
        return select(src.c.entity_id, *cols).group_by(src.c.entity_id).subquery(name)

    # Each book is built once and shared by the stocks, retention and archive aggregates.
    stock_now = stock_rows(level, scope, period.end, settings).cte("stock_now")
    stock_prev = stock_rows(level, scope, period.prev().end, settings).cte("stock_prev")
    now = agg(
        stock_now.select(),
        "agg_now",
        aum=lambda s: func.sum(s.c.aum),
        top=lambda s: func.sum(s.c.is_top),
        gaps=lambda s: func.sum(case((s.c.aum_missing, 1), else_=0)),
    )
    prev = agg(
        stock_prev.select(),
        "agg_prev",
        aum=lambda s: func.sum(s.c.aum),
        top=lambda s: func.sum(s.c.is_top),
    )
    ret = agg(
        retention_from(stock_prev, period, settings),
        "retention",
        num=lambda s: func.sum(s.c.retained),
        den=lambda s: func.count(),
    )
    arc = agg(
        archive_from(stock_now, period.end),
        "archive",
        num=lambda s: func.sum(s.c.archived),
        den=lambda s: func.count(),
    )
    ned = agg(needs_rows(level, scope, period), "needs_agg", n=lambda s: func.count())
    pln = agg(plans_rows(level, scope, period), "plans_agg", n=lambda s: func.count())
    srv = agg(
        survey_rows(level, scope, period),
        "survey_agg",
        num=lambda s: func.sum(s.c.score),
        den=lambda s: func.count(s.c.score),
    )
    trn = agg(
        training_rows(level, scope, period),
        "training_agg",
        done=lambda s: func.sum(s.c.hours_credited),
        required=lambda s: func.sum(s.c.hours_required),
        score_num=lambda s: func.sum(s.c.score),
        score_den=lambda s: func.count(s.c.score),
    )
    crt = agg(certificate_rows(level, scope, period), "cert_agg", n=lambda s: func.count())
    rwd = agg(
        reward_rows(level, scope, period), "reward_agg", n=lambda s: func.sum(s.c.signed_points)
    )

    parts = (now, prev, ret, arc, ned, pln, srv, trn, crt, rwd)
    frm: Any = ents
    for part in parts:
        frm = frm.outerjoin(part, part.c.entity_id == ents.c.entity_id)
    return select(
        ents.c.entity_id,
        ents.c.name,
        ents.c.org_id,
        ents.c.role,
        now.c.aum.label("aum_now"),
        now.c.top.label("top_now"),
        now.c.gaps.label("aum_gaps"),
        prev.c.aum.label("aum_prev"),
        prev.c.top.label("top_prev"),
        ret.c.num.label("ret_num"),
        ret.c.den.label("ret_den"),
        arc.c.num.label("arc_num"),
        arc.c.den.label("arc_den"),
        ned.c.n.label("needs"),
        pln.c.n.label("plans"),
        srv.c.num.label("srv_num"),
        srv.c.den.label("srv_den"),
        trn.c.done.label("trn_done"),
        trn.c.required.label("trn_required"),
        trn.c.score_num.label("trn_score_num"),
        trn.c.score_den.label("trn_score_den"),
        crt.c.n.label("certs"),
        rwd.c.n.label("points"),
    ).select_from(frm)


def as_money(value: Any) -> Decimal:
    """Yuan to the fen; None (no rows) is 0."""
    return Decimal(0).quantize(CENT) if value is None else Decimal(value).quantize(CENT)


def as_count(value: Any) -> int:
    return 0 if value is None else int(value)


def as_decimal(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(value)


def ratio(num: Any, den: Any) -> float | None:
    """num / den in exact decimals, then a float; None when the denominator is empty or zero."""
    if den is None or Decimal(den) == 0:
        return None
    return float(Decimal(num or 0) / Decimal(den))


def scorecard_columns() -> list[str]:
    """The frame's columns: entity_id, the KPI ids, descriptive columns, then num/den parts."""
    ids = appraisal_ids()
    parts = [f"{i}__{p}" for i in ids if BY_ID[i].has_parts for p in ("num", "den")]
    # aum_gaps: clients of book(x, e) with no AUM row for e's month, counted as 0 in aum_stock
    # (kpis.md: "reported as a data-quality gap").
    return ["entity_id", *ids, *DESCRIPTIVE, *parts, "aum_gaps"]


def scorecard(
    conn: Connection,
    period: Period,
    level: Level = "staff",
    scope: Scope | None = None,
    settings: dict[str, Decimal] | None = None,
) -> pd.DataFrame:
    """The appraisal KPIs of every entity of `level` inside `scope`, one row each, by entity_id.

    Money is `Decimal` (yuan, 2 decimals), counts `int`, ratios and means `float` with NaN for
    null; every ratio / mean also has its exact `__num` / `__den` columns.
    """
    scope = Scope.everything() if scope is None else scope
    settings = load_settings(conn) if settings is None else settings
    rows = conn.execute(scorecard_statement(period, level, scope, settings)).mappings().all()
    records = []
    for r in rows:
        aum_now, aum_prev = as_money(r["aum_now"]), as_money(r["aum_prev"])
        top_now, top_prev = as_count(r["top_now"]), as_count(r["top_prev"])
        parts: dict[str, tuple[Any, Any]] = {
            "retention_rate": (as_count(r["ret_num"]), as_count(r["ret_den"])),
            "satisfaction": (as_decimal(r["srv_num"]), as_count(r["srv_den"])),
            "archive_rate": (as_count(r["arc_num"]), as_count(r["arc_den"])),
            "training_completion": (as_decimal(r["trn_done"]), as_decimal(r["trn_required"])),
            "training_score": (as_decimal(r["trn_score_num"]), as_count(r["trn_score_den"])),
        }
        record: dict[str, Any] = {
            "entity_id": r["entity_id"],
            "aum_stock": aum_now,
            "aum_increment": aum_now - aum_prev,
            "top_clients": top_now,
            "top_clients_increment": top_now - top_prev,
            "needs_collected": as_count(r["needs"]),
            "plans_produced": as_count(r["plans"]),
            "certificates": as_count(r["certs"]),
            "reward_points": as_decimal(r["points"]).quantize(CENT),
            "aum_gaps": as_count(r["aum_gaps"]),
            "name": r["name"],
            "org_id": r["org_id"],
            "role": r["role"],
        }
        for metric_id, (num, den) in parts.items():
            record[metric_id] = ratio(num, den)
            record[f"{metric_id}__num"] = num
            record[f"{metric_id}__den"] = den
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=scorecard_columns())
    for metric_id in appraisal_ids():
        if BY_ID[metric_id].has_parts:
            frame[metric_id] = frame[metric_id].astype("float64")
        elif BY_ID[metric_id].unit == "count":
            frame[metric_id] = frame[metric_id].astype("int64")
    return frame.sort_values("entity_id", kind="stable").reset_index(drop=True)
