"""Row sources of the client holdings (kpis.md, financial and client families): the book with its
AUM at a day, the retention base and the top clients' archives. One row per (entity, client).

book(x, d) comes from the frame (`Frame.book`), so an org unit's rows are the union of its
members' books, each client once.
"""

from __future__ import annotations

from sqlalchemy import FromClause, Select, and_, case, cast, func, literal, or_, select

from data import tables
from metrics.core.periods import month_start
from metrics.measures.layer import Frame, row_source
from metrics.measures.sources.common import MONEY, flag, money

aum_monthly = tables.aum_monthly
clients = tables.clients
archives = tables.archives


@row_source("stock", order=("client_id",))
def stock(f: Frame) -> Select:
    """(entity_id, client_id, aum, aum_missing, is_top): book(x, e) with AUM(c, e).

    A client without an AUM row for the month of e counts 0 (kpis.md) and is flagged as a
    data-quality gap (`aum_missing`)."""
    b = f.book(f.e)
    a = aum_monthly.alias("aum")
    aum = func.coalesce(a.c.avg_daily_aum, cast(literal(0), MONEY))
    return (
        select(
            b.c.entity_id,
            b.c.client_id,
            aum.label("aum"),
            flag(a.c.client_id.is_(None)).label("aum_missing"),
            flag(aum >= money(f.settings["tier.black_gold"])).label("is_top"),
        )
        .select_from(b)
        .outerjoin(a, and_(a.c.client_id == b.c.client_id, a.c.month == month_start(f.e)))
    )


@row_source("retention", order=("client_id",))
def retention(f: Frame) -> Select:
    """(entity_id, client_id, aum_prev, aum_now, closed_on, retained): the retention base.

    Base = book at e(P-1) with AUM >= tier.platinum there; retained when not closed on or before e
    and AUM(c, e) >= tier.platinum, whoever manages the client at e."""
    prev: FromClause = f.source("stock", -1)
    platinum = money(f.settings["tier.platinum"])
    a = aum_monthly.alias("aum_now")
    now = func.coalesce(a.c.avg_daily_aum, cast(literal(0), MONEY))
    still_open = or_(clients.c.closed_on.is_(None), clients.c.closed_on > f.e)
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
        .outerjoin(a, and_(a.c.client_id == prev.c.client_id, a.c.month == month_start(f.e)))
        .where(prev.c.aum >= platinum)
    )


@row_source("archive", order=("client_id",))
def archive(f: Frame) -> Select:
    """(entity_id, client_id, aum, archive_created_on, archived): the top clients of book(x, e).

    An archive counts when created on or before e and not sealed on or before it, whoever
    created it (the archive belongs to the client, not to the planner)."""
    top: FromClause = f.source("stock")
    live = (
        select(archives.c.client_id, func.max(archives.c.created_on).label("created_on"))
        .where(
            archives.c.created_on <= f.e,
            or_(archives.c.sealed_on.is_(None), archives.c.sealed_on > f.e),
        )
        .group_by(archives.c.client_id)
        .subquery("live_archive")
    )
    return (
        select(
            top.c.entity_id,
            top.c.client_id,
            top.c.aum,
            live.c.created_on.label("archive_created_on"),
            flag(live.c.client_id.is_not(None)).label("archived"),
        )
        .select_from(top)
        .outerjoin(live, live.c.client_id == top.c.client_id)
        .where(top.c.is_top == 1)
    )
