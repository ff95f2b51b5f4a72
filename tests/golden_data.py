"""A small, hand-built data set whose every figure can be worked out on paper.

Inserted with SQLAlchemy Core (never through the importer), so the metric tests do not depend on
the import code. The golden periods are 2025-09 (P-1 2025-08) and 2025Q3 (P-1 2025Q2); both end on
e = 2025-09-30. Each row that exists to exercise an edge case says which one.

Org tree: BR (branch) > SB1, SB2, SB3 (SB3 has no staff: its rows are all zeros / nulls).
Staff:   P1, P2, A2 in SB1; P3, P4 (left 2025-07-15) in SB2; A1 (advisor) at BR;
         heads H1, H2 and director D1 (not appraised).

Calendar facts used by the request rows: 2025-09-27 (Sat) is off, 2025-09-28 (Sun) is a make-up
working day, 2025-10-01..08 is the National Day / Mid-Autumn holiday, 2025-10-11 (Sat) is a
make-up working day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from data.schema import (
    AccountEvent,
    Archive,
    Assignment,
    AumMonthly,
    Certificate,
    Client,
    Contact,
    InfoUpdate,
    Login,
    Need,
    OrgUnit,
    Plan,
    Request,
    Reward,
    Staff,
    Survey,
    Training,
    WorkItem,
)

D = dt.date
T = dt.datetime


def M(text: str) -> Decimal:
    return Decimal(text)


Row = dict[str, Any]

ORG_UNITS: list[Row] = [
    {"org_id": "BR", "name": "财富中心", "kind": "branch", "parent_id": None},
    {"org_id": "SB1", "name": "第一支行", "kind": "sub_branch", "parent_id": "BR"},
    {"org_id": "SB2", "name": "第二支行", "kind": "sub_branch", "parent_id": "BR"},
    {"org_id": "SB3", "name": "第三支行", "kind": "sub_branch", "parent_id": "BR"},
]


def _staff(staff_id: str, name: str, role: str, org_id: str, left_on: dt.date | None = None) -> Row:
    return {
        "staff_id": staff_id,
        "name": name,
        "role": role,
        "org_id": org_id,
        "hired_on": D(2020, 1, 1),
        "left_on": left_on,
    }


STAFF: list[Row] = [
    _staff("D1", "主任", "director", "BR"),
    _staff("H1", "主管一", "head", "SB1"),
    _staff("H2", "主管二", "head", "SB2"),
    _staff("A1", "理财师甲", "advisor", "BR"),
    _staff("A2", "理财师乙", "advisor", "SB1"),
    _staff("P1", "经理一", "planner", "SB1"),
    _staff("P2", "经理二", "planner", "SB1"),
    _staff("P3", "经理三", "planner", "SB2"),
    # Left on 2025-07-15, inside Q3: still listed at staff level (figures fall to zero / null).
    _staff("P4", "经理四", "planner", "SB2", left_on=D(2025, 7, 15)),
]


OPENED = D(2020, 1, 1)


def _client(
    client_id: str,
    opened: dt.date = OPENED,
    closed: dt.date | None = None,
    cycle: str = "quarterly",
) -> Row:
    return {
        "client_id": client_id,
        "name": f"客户{client_id}",
        "gender": None,
        "birth_date": D(1970, 10, 3),
        "phone": None,
        "opened_on": opened,
        "closed_on": closed,
        "contact_cycle": cycle,
        "risk_level": "C3",
    }


CLIENTS: list[Row] = [
    _client("C01", cycle="monthly"),
    _client("C02"),
    _client("C03", cycle="bimonthly"),
    _client("C04", closed=D(2025, 9, 10)),  # closed mid-period
    _client("C05"),
    _client("C06", cycle="monthly"),
    _client("C07"),
    _client("C08"),
    _client("C09"),
    _client("C10", cycle="monthly"),
    _client("C11"),
    _client("C12"),
    _client("C13"),
    _client("C14", opened=D(2025, 9, 5)),
    _client("C15"),
    _client("C16", closed=D(2025, 9, 30)),  # closed on e: out of the book at e, not retained
    _client("C17"),
]


def _assign(client: str, staff: str, role: str, start: dt.date, end: dt.date | None = None) -> Row:
    return {"client_id": client, "staff_id": staff, "role": role, "start_on": start, "end_on": end}


ASSIGNMENTS: list[Row] = [
    # C01: primary P1 and secondary A2, both in SB1 -> counts once in SB1 and BR.
    _assign("C01", "P1", "primary", D(2024, 1, 1)),
    _assign("C01", "A2", "secondary", D(2024, 6, 1)),
    # Proxy assignments never move a book.
    _assign("C01", "P2", "proxy", D(2025, 9, 1), D(2025, 9, 21)),
    _assign("C10", "P1", "proxy", D(2025, 8, 1)),
    # C02: P1's assignment ends on the period's last day (end_on = e: not in P1's book at e);
    # P2 takes over on e.
    _assign("C02", "P1", "primary", D(2024, 1, 1), D(2025, 9, 30)),
    _assign("C02", "P2", "primary", D(2025, 9, 30)),
    # C03: transferred mid-period from P1 (SB1) to P3 (SB2).
    _assign("C03", "P1", "primary", D(2024, 1, 1), D(2025, 9, 15)),
    _assign("C03", "P3", "primary", D(2025, 9, 15)),
    _assign("C04", "P1", "primary", D(2024, 1, 1)),
    _assign("C05", "P1", "primary", D(2024, 1, 1)),
    _assign("C06", "P1", "primary", D(2024, 1, 1)),
    _assign("C07", "P2", "primary", D(2024, 1, 1)),
    _assign("C08", "P2", "primary", D(2024, 1, 1)),
    _assign("C09", "P3", "primary", D(2024, 1, 1)),
    # C10: primary P3 (SB2) and secondary A1 (BR) -> once in BR.
    _assign("C10", "P3", "primary", D(2024, 1, 1)),
    _assign("C10", "A1", "secondary", D(2024, 1, 1)),
    # C11: P4 leaves on 2025-07-15, P3 takes over.
    _assign("C11", "P4", "primary", D(2023, 1, 1), D(2025, 7, 15)),
    _assign("C11", "P3", "primary", D(2025, 7, 15)),
    # C12: a wealth client with a secondary manager only (no primary: a coverage gap).
    _assign("C12", "A2", "secondary", D(2024, 1, 1)),
    _assign("C13", "P2", "primary", D(2025, 8, 15)),
    _assign("C14", "P2", "primary", D(2025, 9, 5)),
    # C15: P1's assignment ends on P-1's last day (2025-08-31), P2 from then.
    _assign("C15", "P1", "primary", D(2024, 1, 1), D(2025, 8, 31)),
    _assign("C15", "P2", "primary", D(2025, 8, 31)),
    _assign("C16", "P1", "primary", D(2024, 1, 1)),
    _assign("C17", "P3", "primary", D(2024, 1, 1)),
]

# month -> {client: avg_daily_aum}; a client absent from a month has no row (AUM counts 0).
_AUM: dict[dt.date, dict[str, str]] = {
    D(2025, 5, 1): {"C01": "3100000.00", "C05": "4000000.00", "C17": "2000000.00"},
    D(2025, 6, 1): {
        "C01": "3100000.00",
        "C02": "600000.00",
        "C03": "400000.00",
        "C04": "900000.00",
        "C05": "4000000.00",
        "C06": "3100000.00",
        "C07": "7000000.00",
        "C08": "2500000.00",
        # C09 has no June row (missing month).
        "C10": "10000000.00",
        "C11": "600000.00",
        "C12": "1500000.00",
        "C15": "2000000.00",
        "C16": "900000.00",
        "C17": "2000000.00",
    },
    D(2025, 7, 1): {
        "C01": "3150000.00",
        "C02": "700000.00",
        "C03": "1100000.00",
        "C05": "4500000.00",
        "C07": "7200000.00",
        "C10": "10500000.00",
        "C11": "600000.00",
        "C17": "2000000.00",
    },
    D(2025, 8, 1): {
        "C01": "3200000.00",
        "C02": "800000.00",
        "C03": "1200000.00",
        "C04": "900000.00",
        "C05": "5000000.00",
        "C06": "3000000.00",  # exactly black-gold at e(P-1)
        "C07": "7500000.00",
        "C08": "3200000.00",
        "C09": "500000.00",  # exactly platinum at e(P-1): in the retention base
        "C10": "11000000.00",
        "C11": "600000.00",
        "C12": "1500000.00",
        "C13": "100000.00",
        "C15": "2000000.00",
        "C16": "900000.00",
        "C17": "1200000.00",
    },
    D(2025, 9, 1): {
        "C01": "3000000.00",  # exactly black-gold at e
        "C02": "500000.00",  # exactly platinum at e
        "C03": "1000000.00",  # exactly tier.wealth at e
        "C04": "700000.00",
        # C05: no September row -> AUM 0 at e (a data-quality gap), not retained.
        "C06": "2999999.99",  # one fen below black-gold
        "C07": "8000000.00",
        "C08": "3500000.00",
        "C09": "499999.99",  # one fen below platinum: not retained
        "C10": "12000000.50",
        "C11": "600000.00",
        "C12": "1500000.00",
        "C13": "200000.00",
        "C14": "4000000.00",
        "C15": "2000000.00",
        "C16": "900000.00",
        "C17": "600000.00",  # a 50% fall from August
    },
    D(2025, 10, 1): {"C02": "500000.00", "C07": "8000000.00", "C08": "3500000.00"},
}

AUM_MONTHLY: list[Row] = [
    {"client_id": c, "month": month, "avg_daily_aum": M(v)}
    for month, values in _AUM.items()
    for c, v in values.items()
]

ARCHIVES: list[Row] = [
    {"client_id": "C01", "created_by": "P1", "created_on": D(2025, 3, 1), "sealed_on": None},
    # Sealed on e: no longer counts at e.
    {
        "client_id": "C07",
        "created_by": "P2",
        "created_on": D(2025, 2, 1),
        "sealed_on": D(2025, 9, 30),
    },
    # Created on e and sealed after e: counts.
    {
        "client_id": "C08",
        "created_by": "P2",
        "created_on": D(2025, 9, 30),
        "sealed_on": D(2025, 10, 10),
    },
    # Sealed long ago, then a second live archive (created by someone else): counts.
    {
        "client_id": "C10",
        "created_by": "P3",
        "created_on": D(2024, 1, 1),
        "sealed_on": D(2024, 6, 1),
    },
    {"client_id": "C10", "created_by": "A1", "created_on": D(2025, 5, 5), "sealed_on": None},
    # Created after e: does not count at e.
    {"client_id": "C14", "created_by": "P2", "created_on": D(2025, 10, 2), "sealed_on": None},
]

SURVEYS: list[Row] = [
    {"client_id": "C01", "staff_id": "P1", "at": T(2025, 9, 3, 10), "score": M("80")},
    {"client_id": "C06", "staff_id": "P1", "at": T(2025, 9, 30, 23, 30), "score": M("85.5")},
    {"client_id": "C05", "staff_id": "P1", "at": T(2025, 7, 2, 9), "score": M("70")},
    {"client_id": "C06", "staff_id": "P1", "at": T(2025, 10, 1, 0, 0), "score": M("10")},  # after e
    {"client_id": "C07", "staff_id": "P2", "at": T(2025, 8, 12, 15), "score": M("60")},
    {"client_id": "C01", "staff_id": "A2", "at": T(2025, 9, 1, 0, 0), "score": M("100")},
    {"client_id": "C10", "staff_id": "P3", "at": T(2025, 6, 30, 23, 59, 59), "score": M("50")},
]

NEEDS: list[Row] = [
    {
        "need_id": "N1",
        "client_id": "C01",
        "staff_id": "P1",
        "at": T(2025, 9, 2, 10),
        "kind": "need",
    },
    {
        "need_id": "N2",
        "client_id": "C05",
        "staff_id": "P1",
        "at": T(2025, 9, 12, 11),
        "kind": "suggestion",
    },
    {
        "need_id": "N3",
        "client_id": "C06",
        "staff_id": "P1",
        "at": T(2025, 9, 30, 23, 59, 59),
        "kind": "need",
    },
    {
        "need_id": "N4",
        "client_id": "C06",
        "staff_id": "P1",
        "at": T(2025, 8, 20, 9),
        "kind": "need",
    },
    {
        "need_id": "N5",
        "client_id": "C06",
        "staff_id": "P1",
        "at": T(2025, 10, 1, 0, 0),
        "kind": "need",
    },
    {
        "need_id": "N6",
        "client_id": "C01",
        "staff_id": "A2",
        "at": T(2025, 9, 5, 14),
        "kind": "need",
    },
    {
        "need_id": "N7",
        "client_id": "C09",
        "staff_id": "P3",
        "at": T(2025, 7, 1, 0, 0),
        "kind": "need",
    },
    {
        "need_id": "N8",
        "client_id": "C17",
        "staff_id": "P3",
        "at": T(2025, 7, 20, 16),
        "kind": "suggestion",
    },
    {
        "need_id": "N9",
        "client_id": "C11",
        "staff_id": "P4",
        "at": T(2025, 6, 30, 12),
        "kind": "need",
    },
]

PLANS: list[Row] = [
    {
        "plan_id": "L1",
        "client_id": "C01",
        "staff_id": "P1",
        "at": T(2025, 9, 8, 10),
        "kind": "quarterly_report",
    },
    {
        "plan_id": "L2",
        "client_id": "C07",
        "staff_id": "P2",
        "at": T(2025, 9, 9, 10),
        "kind": "plan",
    },
    {
        "plan_id": "L3",
        "client_id": "C08",
        "staff_id": "P2",
        "at": T(2025, 9, 29, 10),
        "kind": "plan",
    },
    {
        "plan_id": "L4",
        "client_id": "C10",
        "staff_id": "A1",
        "at": T(2025, 7, 15, 10),
        "kind": "plan",
    },
    {
        "plan_id": "L5",
        "client_id": "C11",
        "staff_id": "P4",
        "at": T(2025, 7, 10, 10),
        "kind": "plan",
    },
]


def _training(
    staff: str, course: str, start: dt.date, req: str, done: str, score: str | None
) -> Row:
    return {
        "staff_id": staff,
        "course": course,
        "period_start": start,
        "hours_required": M(req),
        "hours_done": M(done),
        "score": None if score is None else M(score),
    }


TRAININGS: list[Row] = [
    _training("P1", "合规", D(2025, 9, 1), "10", "12", "90"),  # over-completed: capped at 10
    _training("P1", "产品", D(2025, 7, 1), "20", "5", None),  # no score yet
    _training("P2", "合规", D(2025, 9, 1), "8", "8", "75.5"),
    _training("P3", "合规", D(2025, 6, 1), "10", "0", "0"),  # before both periods
    _training("A1", "资产配置", D(2025, 8, 1), "4", "2.5", "60"),
    _training("A2", "资产配置", D(2025, 9, 30), "6", "6", "88"),
]


def _cert(staff: str, name: str, obtained: dt.date, expires: dt.date | None) -> Row:
    return {"staff_id": staff, "name": name, "obtained_on": obtained, "expires_on": expires}


CERTIFICATES: list[Row] = [
    _cert("P1", "AFP", D(2023, 1, 1), D(2025, 9, 30)),  # expires exactly on e: not valid at e
    _cert("P1", "CFP", D(2024, 1, 1), None),
    _cert("P1", "基金从业", D(2020, 1, 1), D(2024, 12, 31)),  # expired
    _cert("P2", "AFP", D(2025, 9, 30), None),  # obtained on e: valid
    _cert("P3", "CHFP", D(2025, 10, 2), None),  # obtained after e
    _cert("A1", "CFP", D(2022, 1, 1), D(2025, 10, 1)),
    _cert("P4", "AFP", D(2021, 1, 1), None),
]


def _reward(staff: str, on: dt.date, kind: str, points: str, reason: str) -> Row:
    return {"staff_id": staff, "on": on, "kind": kind, "points": M(points), "reason": reason}


REWARDS: list[Row] = [
    _reward("P1", D(2025, 9, 5), "reward", "10", "季度营销之星"),
    _reward("P1", D(2025, 9, 20), "penalty", "3", "报告迟交"),
    _reward("P1", D(2025, 7, 10), "reward", "5", "客户表扬"),
    _reward("P2", D(2025, 8, 1), "penalty", "2.5", "信息维护不及时"),
    _reward("P3", D(2025, 9, 30), "reward", "4", "合规检查"),
    _reward("P3", D(2025, 10, 1), "reward", "100", "after e"),
]

# --- supervision rows (used by the supervision / health tests) ------------------------------

LOGINS: list[Row] = [
    {
        "staff_id": "P1",
        "login_at": T(2025, 9, 1, 9),
        "logout_at": T(2025, 9, 1, 9, 45),
        "source": "web",
    },
    {
        "staff_id": "P1",
        "login_at": T(2025, 9, 1, 14),
        "logout_at": T(2025, 9, 1, 14, 30),
        "source": "mobile",
    },
    {
        "staff_id": "P1",
        "login_at": T(2025, 9, 15, 9),
        "logout_at": None,
        "source": "web",
    },  # no logout
    {
        "staff_id": "P1",
        "login_at": T(2025, 9, 30, 8),
        "logout_at": T(2025, 9, 30, 8, 20),
        "source": "web",
    },
    {
        "staff_id": "P2",
        "login_at": T(2025, 8, 20, 9),
        "logout_at": T(2025, 8, 20, 10),
        "source": "web",
    },
    {
        "staff_id": "P3",
        "login_at": T(2025, 9, 28, 9),
        "logout_at": T(2025, 9, 28, 9, 10),
        "source": "web",
    },
    {"staff_id": "P3", "login_at": T(2025, 7, 3, 9), "logout_at": None, "source": "mobile"},
    {
        "staff_id": "A2",
        "login_at": T(2025, 7, 1, 9),
        "logout_at": T(2025, 7, 1, 11),
        "source": "web",
    },
    {
        "staff_id": "H1",
        "login_at": T(2025, 9, 2, 9),
        "logout_at": T(2025, 9, 2, 9, 5),
        "source": "web",
    },
]


def _contact(
    cid: str, client: str, staff: str, at: dt.datetime, channel: str, purpose: str | None
) -> Row:
    return {
        "contact_id": cid,
        "client_id": client,
        "staff_id": staff,
        "at": at,
        "channel": channel,
        "purpose": purpose,
    }


CONTACTS: list[Row] = [
    _contact("K01", "C01", "P1", T(2025, 9, 5, 10), "visit", "care"),
    _contact("K02", "C04", "P1", T(2025, 9, 2, 15), "phone", "feedback"),
    _contact("K03", "C05", "P1", T(2025, 9, 29, 11), "wechat", "advice"),
    _contact("K04", "C06", "P1", T(2025, 6, 15, 10), "phone", "reminder"),
    _contact("K05", "C07", "P2", T(2025, 7, 1, 10), "sms", "notice"),
    _contact("K06", "C14", "P2", T(2025, 9, 10, 10), "email", "marketing"),
    _contact("K07", "C08", "P2", T(2025, 9, 18, 19), "event", "care"),
    _contact("K08", "C17", "P3", T(2025, 9, 30, 17), "phone", "care"),
    _contact("K09", "C01", "A2", T(2025, 9, 12, 16), "wechat", "advice"),
    _contact("K10", "C10", "P3", T(2025, 8, 1, 10), "visit", None),
    _contact("K11", "C17", "P3", T(2025, 9, 13, 9), "phone", "care"),  # follow-up of the outflow
]

INFO_UPDATES: list[Row] = [
    {"staff_id": "P1", "client_id": "C01", "at": T(2025, 9, 3, 10), "field_group": "basic"},
    {"staff_id": "P1", "client_id": "C01", "at": T(2025, 9, 4, 10), "field_group": "private"},
    {
        "staff_id": "P1",
        "client_id": "C05",
        "at": T(2025, 9, 10, 10),
        "field_group": "comprehensive",
    },
    {"staff_id": "P2", "client_id": "C07", "at": T(2025, 8, 5, 10), "field_group": "basic"},
    {"staff_id": "A2", "client_id": "C12", "at": T(2025, 9, 30, 23, 0), "field_group": "basic"},
]


def _item(
    iid: str,
    staff: str,
    client: str | None,
    kind: str,
    created: dt.datetime,
    due: dt.datetime | None,
    done: dt.datetime | None,
    status: str,
    amount: str | None = None,
) -> Row:
    return {
        "item_id": iid,
        "staff_id": staff,
        "client_id": client,
        "kind": kind,
        "created_at": created,
        "due_at": due,
        "done_at": done,
        "status": status,
        "amount": None if amount is None else M(amount),
    }


WORK_ITEMS: list[Row] = [
    _item(
        "W1",
        "P1",
        "C01",
        "activity",
        T(2025, 9, 2, 9),
        T(2025, 9, 10, 18),
        T(2025, 9, 9, 17),
        "done",
    ),
    _item(
        "W2", "P1", "C05", "problem", T(2025, 9, 5, 9), T(2025, 9, 12, 18), None, "open"
    ),  # overdue
    _item("W3", "P1", None, "sms", T(2025, 9, 3, 9), T(2025, 9, 4, 9), None, "cancelled"),
    # Done after e: overdue at e (created before P).
    _item(
        "W4",
        "P2",
        "C08",
        "opportunity",
        T(2025, 8, 20, 9),
        T(2025, 9, 15, 18),
        T(2025, 10, 2, 9),
        "done",
        "1000000",
    ),
    # Due on e itself: not overdue (date(due_at) < e is false).
    _item("W5", "P3", "C17", "event", T(2025, 9, 29, 9), T(2025, 9, 30, 18), None, "open"),
    _item("W6", "A1", "C10", "activity", T(2025, 7, 10, 9), None, T(2025, 7, 12, 9), "done"),
    # Done late (after due) but within P.
    _item(
        "W7", "P2", "C07", "event", T(2025, 9, 1, 9), T(2025, 9, 3, 18), T(2025, 9, 5, 10), "done"
    ),
    _item(
        "W8",
        "P3",
        "C09",
        "problem",
        T(2025, 9, 10, 9),
        T(2025, 9, 20, 18),
        T(2025, 9, 19, 9),
        "cancelled",
    ),
]


def _request(
    rid: str,
    client: str,
    staff: str,
    received: dt.datetime,
    ack: dt.datetime | None,
    resolved: dt.datetime | None,
    summary: str,
) -> Row:
    return {
        "request_id": rid,
        "client_id": client,
        "staff_id": staff,
        "received_at": received,
        "acknowledged_at": ack,
        "resolved_at": resolved,
        "summary": summary,
    }


REQUESTS: list[Row] = [
    # Black-gold C01 (exactly 3,000,000 in Sep): resolved exactly 24 h later -> met (inclusive).
    _request(
        "R1",
        "C01",
        "P1",
        T(2025, 9, 10, 9),
        T(2025, 9, 10, 9, 30),
        T(2025, 9, 11, 9),
        "black-gold, met",
    ),
    # Black-gold C07 received on the make-up working Sunday; 25 h -> breach.
    _request(
        "R2",
        "C07",
        "P2",
        T(2025, 9, 28, 10),
        T(2025, 9, 28, 11),
        T(2025, 9, 29, 11),
        "black-gold, breach",
    ),
    # Platinum C02 received before National Day: working days after 09-30 are 10-09, 10-10 and
    # the make-up Saturday 10-11 -> deadline 2025-10-11 23:59:59 (not due at e=09-30).
    _request(
        "R3",
        "C02",
        "P1",
        T(2025, 9, 30, 16),
        T(2025, 10, 1, 10),
        T(2025, 10, 11, 18),
        "platinum across the holiday, met",
    ),
    # Platinum C03 (P3) received Friday 09-26: working days after are 09-28 (make-up Sunday),
    # 09-29, 09-30 -> deadline 2025-09-30 23:59:59; ack exactly 24 h; resolved at the last second.
    _request(
        "R4",
        "C03",
        "P3",
        T(2025, 9, 26, 14),
        T(2025, 9, 27, 14),
        T(2025, 9, 30, 23, 59, 59),
        "platinum, met",
    ),
    # Black-gold C10, never resolved: a breach once the deadline passed.
    _request("R5", "C10", "P3", T(2025, 9, 20, 10), None, None, "black-gold, unresolved"),
    # Mass client: no SLA.
    _request("R6", "C13", "P2", T(2025, 9, 15, 10), None, T(2025, 9, 25, 10), "mass"),
    # Platinum C11, acknowledged after 25 h -> breach even though resolved fast.
    _request(
        "R7",
        "C11",
        "P3",
        T(2025, 9, 24, 9),
        T(2025, 9, 25, 10),
        T(2025, 9, 25, 11),
        "platinum, late ack",
    ),
    # October black-gold C08 (tier from the October AUM row).
    _request(
        "R8",
        "C08",
        "P2",
        T(2025, 10, 9, 10),
        T(2025, 10, 9, 11),
        T(2025, 10, 10, 9),
        "black-gold, met",
    ),
]

ACCOUNT_EVENTS: list[Row] = [
    {
        "client_id": "C17",
        "at": T(2025, 9, 12, 14),
        "kind": "large_outflow",
        "amount": M("500000.00"),
    },
    {"client_id": "C04", "at": T(2025, 9, 10, 10), "kind": "closure", "amount": None},
    {"client_id": "C16", "at": T(2025, 9, 30, 10), "kind": "closure", "amount": None},
]

# In load order (parents before children).
TABLES: list[tuple[Any, list[Row]]] = [
    (OrgUnit, ORG_UNITS),
    (Staff, STAFF),
    (Client, CLIENTS),
    (Assignment, ASSIGNMENTS),
    (AumMonthly, AUM_MONTHLY),
    (Contact, CONTACTS),
    (Request, REQUESTS),
    (Need, NEEDS),
    (Plan, PLANS),
    (Archive, ARCHIVES),
    (Survey, SURVEYS),
    (Training, TRAININGS),
    (Certificate, CERTIFICATES),
    (Reward, REWARDS),
    (Login, LOGINS),
    (InfoUpdate, INFO_UPDATES),
    (WorkItem, WORK_ITEMS),
    (AccountEvent, ACCOUNT_EVENTS),
]

GOLDEN_PERIODS = ("2025-09", "2025Q3")


def insert_golden(conn: Connection) -> None:
    """Insert the whole golden data set (the database must be upgraded and empty)."""
    for model, rows in TABLES:
        if rows:
            conn.execute(insert(model), rows)
