"""A small deterministic data set for the supervision and portfolio-health tests.

Hand-written rows cover every edge case of kpis.md (the 2025 National Day holiday and its make-up
working weekend, an unresolved request past its deadline, cancelled and overdue work items,
logins without logout, AUM drops, a tier drop, account events, clients without a primary
manager...); a seeded random part adds volume so that the independent re-implementation in the
tests is compared on many combinations, not only on the cases foreseen here.

Module-level lists of dicts per table (`TABLES`), inserted by `insert_data(conn)`.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from data.schema import CONTRACT_TABLES

D = dt.date
T = dt.datetime

org_units = [
    {"org_id": "BR", "name": "Wealth centre", "kind": "branch", "parent_id": None},
    {"org_id": "SB1", "name": "East", "kind": "sub_branch", "parent_id": "BR"},
    {"org_id": "SB2", "name": "West", "kind": "sub_branch", "parent_id": "BR"},
    {"org_id": "SB3", "name": "Empty", "kind": "sub_branch", "parent_id": "BR"},
]

staff = [
    {"staff_id": "D1", "name": "Director", "role": "director", "org_id": "BR"},
    {"staff_id": "H1", "name": "Head East", "role": "head", "org_id": "SB1"},
    {"staff_id": "P1", "name": "Planner 1", "role": "planner", "org_id": "SB1"},
    {"staff_id": "P2", "name": "Planner 2", "role": "planner", "org_id": "SB1"},
    {"staff_id": "A1", "name": "Advisor 1", "role": "advisor", "org_id": "SB1"},
    {"staff_id": "P3", "name": "Planner 3", "role": "planner", "org_id": "SB2"},
    {"staff_id": "P4", "name": "Planner 4 (never logs in)", "role": "planner", "org_id": "SB2"},
    {"staff_id": "A2", "name": "Advisor 2 (branch)", "role": "advisor", "org_id": "BR"},
]
for row in staff:
    row.setdefault("hired_on", D(2020, 1, 1))
    row.setdefault("left_on", None)

PLANNERS = ["P1", "P2", "P3", "P4"]
ADVISORS = ["A1", "A2"]
APPRAISED = PLANNERS + ADVISORS

clients: list[dict[str, Any]] = []
assignments: list[dict[str, Any]] = []
aum_monthly: list[dict[str, Any]] = []
contacts: list[dict[str, Any]] = []
requests: list[dict[str, Any]] = []
logins: list[dict[str, Any]] = []
info_updates: list[dict[str, Any]] = []
work_items: list[dict[str, Any]] = []
account_events: list[dict[str, Any]] = []

MONTHS = [D(2025, m, 1) for m in range(1, 13)]


def client(cid: str, **kw: Any) -> None:
    row = {
        "client_id": cid,
        "name": f"Client {cid}",
        "gender": None,
        "birth_date": kw.pop("birth_date", D(1970, 1, 1)),
        "phone": None,
        "opened_on": D(2020, 1, 1),
        "closed_on": kw.pop("closed_on", None),
        "contact_cycle": kw.pop("contact_cycle", "quarterly"),
        "risk_level": None,
    }
    assert not kw, kw
    clients.append(row)


def assign(cid: str, sid: str, role: str, start: dt.date, end: dt.date | None = None) -> None:
    assignments.append(
        {"client_id": cid, "staff_id": sid, "role": role, "start_on": start, "end_on": end}
    )


def aum_series(cid: str, values: dict[int, int]) -> None:
    """AUM per month of 2025 (month number -> yuan); months not given are missing (= 0)."""
    for month, value in values.items():
        aum_monthly.append(
            {"client_id": cid, "month": D(2025, month, 1), "avg_daily_aum": Decimal(value)}
        )


def flat(value: int, months: range = range(1, 13)) -> dict[int, int]:
    return {m: value for m in months}


# --- hand-written edge cases -------------------------------------------------------------------

# Black-gold client of P1 with a secondary A1 (dual manager), monthly cycle.
client("C01", contact_cycle="monthly", birth_date=D(1980, 10, 3))
assign("C01", "P1", "primary", D(2024, 1, 1))
assign("C01", "A1", "secondary", D(2024, 1, 1))
aum_series("C01", flat(5_000_000))
# Black-gold client of P1 without a secondary.
client("C02", contact_cycle="bimonthly", birth_date=D(1984, 2, 29))
assign("C02", "P1", "primary", D(2024, 1, 1))
aum_series("C02", flat(3_500_000))
# Wealth client without any primary manager at e (the primary ended in August): home = P2's unit.
client("C03")
assign("C03", "P2", "primary", D(2024, 1, 1), D(2025, 8, 15))
aum_series("C03", flat(1_500_000))
# Wealth client never assigned: belongs to the sole branch only.
client("C04")
aum_series("C04", flat(2_000_000))
# AUM drop of >= 30% in September (1.0M -> 0.7M exactly 30%: inclusive).
client("C05", birth_date=D(1975, 9, 30))
assign("C05", "P2", "primary", D(2024, 1, 1))
aum_series("C05", {**flat(1_000_000, range(1, 9)), 9: 700_000, 10: 700_000, 11: 700_000})
# Tier drop without a 30% fall (3.2M -> 2.9M: black-gold -> platinum) in August.
client("C06")
assign("C06", "P3", "primary", D(2024, 1, 1))
assign("C06", "A2", "secondary", D(2024, 1, 1))
aum_series("C06", {**flat(3_200_000, range(1, 8)), **flat(2_900_000, range(8, 13))})
# Missing month after a positive one: a 100% fall (July missing).
client("C07")
assign("C07", "P3", "primary", D(2024, 1, 1))
aum_series("C07", {**flat(600_000, range(1, 7)), **flat(600_000, range(8, 13))})
# Large outflow and closure; the assignment ends on the closure day.
client("C08", closed_on=D(2025, 9, 20))
assign("C08", "P1", "primary", D(2024, 1, 1), D(2025, 9, 20))
aum_series("C08", flat(800_000, range(1, 10)))
account_events.append(
    {"client_id": "C08", "at": T(2025, 9, 5, 10, 0), "kind": "large_outflow", "amount": Decimal(1)}
)
account_events.append(
    {"client_id": "C08", "at": T(2025, 9, 20, 9, 30), "kind": "closure", "amount": None}
)
# Closure where the primary stays assigned (follow-up possible by the primary on the day).
client("C09", closed_on=D(2025, 8, 12))
assign("C09", "P3", "primary", D(2024, 1, 1))
aum_series("C09", flat(900_000, range(1, 9)))
account_events.append(
    {"client_id": "C09", "at": T(2025, 8, 12, 15, 0), "kind": "closure", "amount": None}
)
# Mass client of P2, unassigned-to-advisor; proxy assignment active in September.
client("C10", contact_cycle="monthly")
assign("C10", "P2", "primary", D(2024, 1, 1))
assign("C10", "P3", "proxy", D(2025, 9, 1), D(2025, 10, 1))
aum_series("C10", flat(100_000))
# Moved from P2 to P1 in mid-August.
client("C11")
assign("C11", "P2", "primary", D(2024, 1, 1), D(2025, 8, 16))
assign("C11", "P1", "primary", D(2025, 8, 16))
aum_series("C11", flat(550_000))

# Logins: P1 every working day of Sept with sessions; one login without logout; A1 last logged
# in in June; P4 never.
logins += [
    {"staff_id": "P1", "login_at": T(2025, 9, 1, 9, 0), "logout_at": T(2025, 9, 1, 9, 45)},
    {"staff_id": "P1", "login_at": T(2025, 9, 1, 14, 0), "logout_at": None},
    {"staff_id": "P1", "login_at": T(2025, 9, 28, 9, 0), "logout_at": T(2025, 9, 28, 10, 0, 30)},
    {"staff_id": "P1", "login_at": T(2025, 9, 30, 23, 59, 59), "logout_at": None},
    {"staff_id": "A1", "login_at": T(2025, 6, 12, 8, 0), "logout_at": T(2025, 6, 12, 8, 10)},
    {"staff_id": "P2", "login_at": T(2025, 10, 1, 8, 0), "logout_at": T(2025, 10, 1, 8, 20)},
    {"staff_id": "P2", "login_at": T(2025, 8, 31, 23, 0), "logout_at": T(2025, 9, 1, 0, 30)},
]
# Requests across the National Day holiday (kpis.md SLA rules).
requests += [
    # Platinum (C11 550k), received Fri 26 Sep: deadline = 3rd working day after = 30 Sep
    # (28 Sep Sunday is a make-up working day). Resolved on the deadline day: met.
    {
        "request_id": "R01",
        "client_id": "C11",
        "staff_id": "P1",
        "received_at": T(2025, 9, 26, 16),
        "acknowledged_at": T(2025, 9, 27, 16),
        "resolved_at": T(2025, 9, 30, 23, 59, 59),
    },
    # Platinum, received Sat 27 Sep (a day off): deadline 30 Sep too; acknowledged 1 s late.
    {
        "request_id": "R02",
        "client_id": "C11",
        "staff_id": "P1",
        "received_at": T(2025, 9, 27, 10),
        "acknowledged_at": T(2025, 9, 28, 10, 0, 1),
        "resolved_at": T(2025, 9, 29, 10),
    },
    # Platinum, received Tue 30 Sep: deadline Sat 11 Oct (make-up day), resolved 11 Oct: met,
    # but due only in October.
    {
        "request_id": "R03",
        "client_id": "C11",
        "staff_id": "P1",
        "received_at": T(2025, 9, 30, 9),
        "acknowledged_at": T(2025, 9, 30, 12),
        "resolved_at": T(2025, 10, 11, 18),
    },
    # Platinum, received 29 Sep, never resolved: deadline 10 Oct, breach in October.
    {
        "request_id": "R04",
        "client_id": "C11",
        "staff_id": "P1",
        "received_at": T(2025, 9, 29, 9),
        "acknowledged_at": T(2025, 9, 29, 9, 30),
        "resolved_at": None,
    },
    # Black-gold (C01), 24 h inclusive: resolved exactly at the deadline.
    {
        "request_id": "R05",
        "client_id": "C01",
        "staff_id": "P1",
        "received_at": T(2025, 9, 10, 8),
        "acknowledged_at": None,
        "resolved_at": T(2025, 9, 11, 8),
    },
    # Black-gold received 30 Sep 10:00: deadline 1 Oct 10:00 -> due in October, unresolved.
    {
        "request_id": "R06",
        "client_id": "C02",
        "staff_id": "P1",
        "received_at": T(2025, 9, 30, 10),
        "acknowledged_at": None,
        "resolved_at": None,
    },
    # Black-gold resolved one second late.
    {
        "request_id": "R07",
        "client_id": "C02",
        "staff_id": "A1",
        "received_at": T(2025, 8, 4, 9),
        "acknowledged_at": None,
        "resolved_at": T(2025, 8, 5, 9, 0, 1),
    },
    # Mass client: no SLA.
    {
        "request_id": "R08",
        "client_id": "C10",
        "staff_id": "P2",
        "received_at": T(2025, 9, 3, 9),
        "acknowledged_at": None,
        "resolved_at": None,
    },
    # Client whose received month is missing (C07 in July): AUM 0 -> mass.
    {
        "request_id": "R09",
        "client_id": "C07",
        "staff_id": "P3",
        "received_at": T(2025, 7, 9, 9),
        "acknowledged_at": None,
        "resolved_at": None,
    },
    # Platinum, acknowledged never, resolved in time: not met (both rules needed).
    {
        "request_id": "R10",
        "client_id": "C11",
        "staff_id": "P2",
        "received_at": T(2025, 8, 1, 9),
        "acknowledged_at": None,
        "resolved_at": T(2025, 8, 1, 17),
    },
]
# Work items: cancelled, overdue, done late, due the day of e (not overdue), no due date.
work_items += [
    {
        "item_id": "W01",
        "staff_id": "P1",
        "client_id": "C01",
        "kind": "activity",
        "created_at": T(2025, 9, 2, 9),
        "due_at": T(2025, 9, 10, 18),
        "done_at": T(2025, 9, 9, 9),
        "status": "done",
    },
    {
        "item_id": "W02",
        "staff_id": "P1",
        "client_id": "C01",
        "kind": "problem",
        "created_at": T(2025, 9, 2, 9),
        "due_at": T(2025, 9, 5, 18),
        "done_at": T(2025, 9, 8, 9),
        "status": "done",
    },
    {
        "item_id": "W03",
        "staff_id": "P1",
        "client_id": None,
        "kind": "sms",
        "created_at": T(2025, 9, 3, 9),
        "due_at": T(2025, 9, 4, 18),
        "done_at": None,
        "status": "cancelled",
    },
    {
        "item_id": "W04",
        "staff_id": "P1",
        "client_id": "C02",
        "kind": "opportunity",
        "created_at": T(2025, 6, 3, 9),
        "due_at": T(2025, 7, 4, 18),
        "done_at": None,
        "status": "open",
    },
    {
        "item_id": "W05",
        "staff_id": "P2",
        "client_id": "C05",
        "kind": "event",
        "created_at": T(2025, 9, 29, 9),
        "due_at": T(2025, 9, 30, 9),
        "done_at": None,
        "status": "open",
    },
    {
        "item_id": "W06",
        "staff_id": "P2",
        "client_id": "C05",
        "kind": "event",
        "created_at": T(2025, 9, 20, 9),
        "due_at": T(2025, 9, 25, 9),
        "done_at": T(2025, 10, 2, 9),
        "status": "done",
    },
    {
        "item_id": "W07",
        "staff_id": "A1",
        "client_id": "C01",
        "kind": "activity",
        "created_at": T(2025, 9, 20, 9),
        "due_at": None,
        "done_at": T(2025, 9, 21, 9),
        "status": "done",
    },
]
# Contacts: several channels; follow-ups of alerts (C05 on its alert day 30 Sep + 7 = 7 Oct).
contacts += [
    {
        "contact_id": "K01",
        "client_id": "C01",
        "staff_id": "P1",
        "at": T(2025, 9, 2, 10),
        "channel": "visit",
        "purpose": "care",
    },
    {
        "contact_id": "K02",
        "client_id": "C01",
        "staff_id": "A1",
        "at": T(2025, 9, 3, 10),
        "channel": "wechat",
        "purpose": "advice",
    },
    {
        "contact_id": "K03",
        "client_id": "C02",
        "staff_id": "P2",
        "at": T(2025, 7, 31, 23, 59),
        "channel": "phone",
        "purpose": "notice",
    },
    {
        "contact_id": "K04",
        "client_id": "C05",
        "staff_id": "P2",
        "at": T(2025, 10, 7, 23, 0),
        "channel": "phone",
        "purpose": "care",
    },
    {
        "contact_id": "K05",
        "client_id": "C06",
        "staff_id": "A2",
        "at": T(2025, 9, 1, 10),
        "channel": "email",
        "purpose": "care",
    },
    {
        "contact_id": "K06",
        "client_id": "C06",
        "staff_id": "P3",
        "at": T(2025, 9, 8, 10),
        "channel": "sms",
        "purpose": "care",
    },
    {
        "contact_id": "K07",
        "client_id": "C09",
        "staff_id": "P3",
        "at": T(2025, 8, 12, 16),
        "channel": "visit",
        "purpose": "feedback",
    },
    {
        "contact_id": "K08",
        "client_id": "C08",
        "staff_id": "P1",
        "at": T(2025, 9, 5, 8),
        "channel": "event",
        "purpose": "marketing",
    },
]
info_updates += [
    {"staff_id": "P1", "client_id": "C01", "at": T(2025, 9, 2, 11), "field_group": "basic"},
    {"staff_id": "P1", "client_id": "C01", "at": T(2025, 9, 3, 11), "field_group": "private"},
    {"staff_id": "A1", "client_id": "C01", "at": T(2025, 9, 4, 11), "field_group": "basic"},
]


# --- seeded random volume ----------------------------------------------------------------------


def _random_part(seed: int = 20250930) -> None:
    rng = random.Random(seed)
    start = D(2025, 5, 1)
    span = (D(2025, 11, 10) - start).days

    def when() -> dt.datetime:
        return T.combine(start + dt.timedelta(days=rng.randrange(span)), dt.time()) + dt.timedelta(
            seconds=rng.randrange(86400)
        )

    levels = [0, 200_000, 520_000, 800_000, 1_100_000, 2_500_000, 3_100_000, 6_000_000]
    for i in range(40):
        cid = f"R{i:03d}"
        closed = D(2025, rng.randint(6, 10), rng.randint(1, 28)) if rng.random() < 0.1 else None
        client(
            cid,
            closed_on=closed,
            contact_cycle=rng.choice(["monthly", "bimonthly", "quarterly"]),
            birth_date=D(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)),
        )
        if rng.random() < 0.9:
            p = rng.choice(PLANNERS)
            if rng.random() < 0.2:
                switch = D(2025, rng.randint(6, 10), rng.randint(1, 28))
                assign(cid, p, "primary", D(2024, 6, 1), switch)
                assign(cid, rng.choice(PLANNERS), "primary", switch)
            else:
                assign(cid, p, "primary", D(2024, 6, 1))
        if rng.random() < 0.4:
            assign(cid, rng.choice(ADVISORS), "secondary", D(2025, rng.randint(1, 9), 1))
        if rng.random() < 0.1:
            assign(cid, rng.choice(PLANNERS), "proxy", D(2025, 9, 1), D(2025, 9, 15))
        value = rng.choice(levels)
        series = {}
        for m in range(1, 13):
            if rng.random() < 0.08:
                continue  # a missing month
            if rng.random() < 0.15:
                value = rng.choice(levels)
            series[m] = value
        aum_series(cid, series)
        if closed is not None and rng.random() < 0.7:
            account_events.append(
                {
                    "client_id": cid,
                    "at": T.combine(closed, dt.time(10)),
                    "kind": "closure",
                    "amount": None,
                }
            )
        if rng.random() < 0.2:
            account_events.append(
                {
                    "client_id": cid,
                    "at": when(),
                    "kind": "large_outflow",
                    "amount": Decimal(rng.randint(1, 9) * 100_000),
                }
            )
    all_clients = [c["client_id"] for c in clients]
    for n in range(300):
        at = when()
        contacts.append(
            {
                "contact_id": f"RK{n:04d}",
                "client_id": rng.choice(all_clients),
                "staff_id": rng.choice(APPRAISED),
                "at": at,
                "channel": rng.choice(["visit", "phone", "sms", "email", "wechat", "event"]),
                "purpose": "care",
            }
        )
    for sid in ["P1", "P2", "P3", "A1", "A2"]:
        for _ in range(40):
            at = when()
            out = at + dt.timedelta(seconds=rng.randrange(1, 7200)) if rng.random() < 0.8 else None
            logins.append({"staff_id": sid, "login_at": at, "logout_at": out})
    for _ in range(80):
        at = when()
        info_updates.append(
            {
                "staff_id": rng.choice(APPRAISED),
                "client_id": rng.choice(all_clients),
                "at": at,
                "field_group": "basic",
            }
        )
    for n in range(120):
        created = when()
        due = (
            created + dt.timedelta(hours=rng.randrange(1, 24 * 30)) if rng.random() < 0.85 else None
        )
        done = (
            created + dt.timedelta(hours=rng.randrange(1, 24 * 40)) if rng.random() < 0.6 else None
        )
        status = (
            rng.choice(["cancelled"] if rng.random() < 0.1 else ["open"])
            if done is None
            else ("cancelled" if rng.random() < 0.05 else "done")
        )
        work_items.append(
            {
                "item_id": f"RW{n:04d}",
                "staff_id": rng.choice(APPRAISED),
                "client_id": rng.choice(all_clients),
                "kind": rng.choice(["activity", "event", "problem", "opportunity", "sms"]),
                "created_at": created,
                "due_at": due,
                "done_at": done,
                "status": status,
            }
        )
        # Opportunities carry an amount (not drawn from `rng`: the other rows stay as they were).
        if work_items[-1]["kind"] == "opportunity" and n % 5:
            work_items[-1]["amount"] = Decimal((n % 9 + 1) * 25_000) + Decimal("0.5")
    for n in range(120):
        received = when()
        ack = (
            received + dt.timedelta(hours=rng.choice([1, 20, 24, 30]))
            if rng.random() < 0.8
            else None
        )
        resolved = (
            received + dt.timedelta(hours=rng.choice([2, 24, 25, 48, 72, 96, 150, 240]))
            if rng.random() < 0.85
            else None
        )
        requests.append(
            {
                "request_id": f"RR{n:04d}",
                "client_id": rng.choice(all_clients),
                "staff_id": rng.choice(APPRAISED),
                "received_at": received,
                "acknowledged_at": ack,
                "resolved_at": resolved,
            }
        )


_random_part()

# Dedupe keys the random part may have produced twice (keyed tables).
_seen: set[tuple[Any, ...]] = set()
logins = [
    r for r in logins if (k := (r["staff_id"], r["login_at"])) not in _seen and not _seen.add(k)
]  # type: ignore[func-returns-value]
_seen = set()
info_updates = [
    r
    for r in info_updates
    if (k := (r["staff_id"], r["client_id"], r["at"])) not in _seen and not _seen.add(k)  # type: ignore[func-returns-value]
]
for row in logins:
    row.setdefault("source", "web")

TABLES: dict[str, list[dict[str, Any]]] = {
    "org_units": org_units,
    "staff": staff,
    "clients": clients,
    "assignments": assignments,
    "aum_monthly": aum_monthly,
    "contacts": contacts,
    "requests": requests,
    "logins": logins,
    "info_updates": info_updates,
    "work_items": work_items,
    "account_events": account_events,
}


def insert_data(conn: Connection) -> None:
    for model in CONTRACT_TABLES:
        rows = TABLES.get(model.__tablename__)
        if rows:
            keys = [c.name for c in model.__table__.columns]
            conn.execute(insert(model), [{k: r.get(k) for k in keys} for r in rows])
