"""A second, independent implementation of the appraisal KPIs: plain Python over the golden rows.

Written from kpis.md without looking at the SQL, no database involved. The golden tests compare
its whole tables with `metrics.scorecard` on every backend.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from metrics.core.periods import Period
from tests import golden_data as g

BLACK_GOLD = Decimal("3000000")
PLATINUM = Decimal("500000")
APPRAISED = ("planner", "advisor")
BOOK_ROLE = {"planner": "primary", "advisor": "secondary"}


def aum(client: str, day: dt.date) -> Decimal:
    month = day.replace(day=1)
    for row in g.AUM_MONTHLY:
        if row["client_id"] == client and row["month"] == month:
            return row["avg_daily_aum"]
    return Decimal(0)


def has_aum_row(client: str, day: dt.date) -> bool:
    month = day.replace(day=1)
    return any(r["client_id"] == client and r["month"] == month for r in g.AUM_MONTHLY)


def closed_by(client: str, day: dt.date) -> bool:
    row = next(c for c in g.CLIENTS if c["client_id"] == client)
    return row["closed_on"] is not None and row["closed_on"] <= day


def staff_role(staff_id: str) -> str:
    return next(s["role"] for s in g.STAFF if s["staff_id"] == staff_id)


def descendants(org_id: str) -> set[str]:
    found = {org_id}
    changed = True
    while changed:
        changed = False
        for unit in g.ORG_UNITS:
            if unit["parent_id"] in found and unit["org_id"] not in found:
                found.add(unit["org_id"])
                changed = True
    return found


def entity_table(level: str) -> list[dict[str, Any]]:
    """Entities of a level with their descriptive columns and members."""
    if level == "staff":
        return [
            {
                "entity_id": s["staff_id"],
                "name": s["name"],
                "org_id": s["org_id"],
                "role": s["role"],
                "members": {s["staff_id"]},
            }
            for s in g.STAFF
            if s["role"] in APPRAISED
        ]
    out = []
    for unit in g.ORG_UNITS:
        if unit["kind"] != level:
            continue
        units = descendants(unit["org_id"])
        out.append(
            {
                "entity_id": unit["org_id"],
                "name": unit["name"],
                "org_id": unit["parent_id"],
                "role": level,
                "members": {
                    s["staff_id"]
                    for s in g.STAFF
                    if s["role"] in APPRAISED and s["org_id"] in units
                },
            }
        )
    return out


def book(staff_ids: set[str], day: dt.date) -> set[str]:
    clients = set()
    for a in g.ASSIGNMENTS:
        if a["staff_id"] not in staff_ids:
            continue
        if a["role"] != BOOK_ROLE[staff_role(a["staff_id"])]:
            continue
        if not (a["start_on"] <= day and (a["end_on"] is None or day < a["end_on"])):
            continue
        if closed_by(a["client_id"], day):
            continue
        clients.add(a["client_id"])
    return clients


def in_period(value: dt.date | dt.datetime, period: Period) -> bool:
    day = value.date() if isinstance(value, dt.datetime) else value
    return period.start <= day <= period.end


def div(num: Any, den: Any) -> float | None:
    return None if not den else float(Decimal(num) / Decimal(den))


def expected_scorecard(period_text: str, level: str) -> list[dict[str, Any]]:
    period = Period.parse(period_text)
    e, e_prev = period.end, period.prev().end
    rows = []
    for ent in sorted(entity_table(level), key=lambda r: r["entity_id"]):
        mem = ent["members"]
        book_now, book_prev = book(mem, e), book(mem, e_prev)
        stock_now = sum((aum(c, e) for c in book_now), Decimal(0))
        stock_prev = sum((aum(c, e_prev) for c in book_prev), Decimal(0))
        top_now = sum(1 for c in book_now if aum(c, e) >= BLACK_GOLD)
        top_prev = sum(1 for c in book_prev if aum(c, e_prev) >= BLACK_GOLD)

        base = [c for c in book_prev if aum(c, e_prev) >= PLATINUM]
        retained = [c for c in base if not closed_by(c, e) and aum(c, e) >= PLATINUM]

        tops = [c for c in book_now if aum(c, e) >= BLACK_GOLD]
        archived = [
            c
            for c in tops
            if any(
                a["client_id"] == c
                and a["created_on"] <= e
                and (a["sealed_on"] is None or a["sealed_on"] > e)
                for a in g.ARCHIVES
            )
        ]

        surveys = [
            s["score"] for s in g.SURVEYS if s["staff_id"] in mem and in_period(s["at"], period)
        ]
        trainings = [
            t for t in g.TRAININGS if t["staff_id"] in mem and in_period(t["period_start"], period)
        ]
        credited = sum((min(t["hours_done"], t["hours_required"]) for t in trainings), Decimal(0))
        required = sum((t["hours_required"] for t in trainings), Decimal(0))
        scores = [t["score"] for t in trainings if t["score"] is not None]
        points = sum(
            (
                r["points"] if r["kind"] == "reward" else -r["points"]
                for r in g.REWARDS
                if r["staff_id"] in mem and in_period(r["on"], period)
            ),
            Decimal(0),
        )
        rows.append(
            {
                "entity_id": ent["entity_id"],
                "aum_stock": stock_now,
                "aum_increment": stock_now - stock_prev,
                "top_clients": top_now,
                "top_clients_increment": top_now - top_prev,
                "retention_rate": div(len(retained), len(base)),
                "satisfaction": div(sum(surveys, Decimal(0)), len(surveys)),
                "archive_rate": div(len(archived), len(tops)),
                "needs_collected": sum(
                    1 for n in g.NEEDS if n["staff_id"] in mem and in_period(n["at"], period)
                ),
                "plans_produced": sum(
                    1 for p in g.PLANS if p["staff_id"] in mem and in_period(p["at"], period)
                ),
                "training_completion": div(credited, required),
                "training_score": div(sum(scores, Decimal(0)), len(scores)),
                "certificates": sum(
                    1
                    for c in g.CERTIFICATES
                    if c["staff_id"] in mem
                    and c["obtained_on"] <= e
                    and (c["expires_on"] is None or c["expires_on"] > e)
                ),
                "reward_points": points,
                "aum_gaps": sum(1 for c in book_now if not has_aum_row(c, e)),
                "name": ent["name"],
                "org_id": ent["org_id"],
                "role": ent["role"],
                "retention_rate__num": len(retained),
                "retention_rate__den": len(base),
                "satisfaction__num": sum(surveys, Decimal(0)),
                "satisfaction__den": len(surveys),
                "archive_rate__num": len(archived),
                "archive_rate__den": len(tops),
                "training_completion__num": credited,
                "training_completion__den": required,
                "training_score__num": sum(scores, Decimal(0)),
                "training_score__den": len(scores),
            }
        )
    return rows
