"""A hand-written data set for the life-cycle and account-opening compliance rules (lifecycle.md).

Small enough to be worked out on paper: every row is here for a reason, said next to it with what
the spec expects. Main periods 2025-09 and 2025Q3 (both end on e = 2025-09-30) and 2025-10
(e = 2025-10-31) for the deadlines across National Day; 2025-02 and 2024-02 for the `02-29` care
date. Defaults of the settings throughout (tier.wealth 1,000,000, tier.black_gold 3,000,000,
archive 3 and follow-up 5 working days, kyc.valid_days 365, first contact 2 working days,
care.lead_days 7, grace 1 month-end and 31 days).

Calendar facts (chinese_calendar): Sat 27 Sep 2025 is off, Sun 28 Sep is a make-up working day;
1-8 Oct are the National Day / Mid-Autumn holiday; Sat 11 Oct is a make-up working day.

Org tree: BR (branch) > SB1, SB2, SB3 (SB3 has nobody: zeros and nulls).
Staff: P1, P2 planners and A1 advisor in SB1; P3 planner and P4 planner (left 2025-09-14) in
SB2; A2 advisor at BR; heads H1 (SB1), H2 (SB2); director D1 (BR); L1 lobby manager (role `other`,
SB2).

The expected register for 2025-09 is written out in tests/test_lifecycle_reference.py.

`TABLES` maps each contract table name to its rows; `insert_data(conn)` inserts them through the
tables of `data.schema`'s metadata, looked up by name at insert time (the three new tables and the
new columns may not exist when this module is imported).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

D = dt.date
T = dt.datetime
Row = dict[str, Any]
LONG_AGO = D(2020, 1, 1)  # the relationship date of the clients that are not new

org_units: list[Row] = [
    {"org_id": "BR", "name": "Wealth centre", "kind": "branch", "parent_id": None},
    {"org_id": "SB1", "name": "East", "kind": "sub_branch", "parent_id": "BR"},
    {"org_id": "SB2", "name": "West", "kind": "sub_branch", "parent_id": "BR"},
    {"org_id": "SB3", "name": "Empty", "kind": "sub_branch", "parent_id": "BR"},
]


def _staff(sid: str, role: str, org: str, left_on: dt.date | None = None) -> Row:
    return {
        "staff_id": sid,
        "name": f"Staff {sid}",
        "role": role,
        "org_id": org,
        "hired_on": D(2020, 1, 1),
        "left_on": left_on,
    }


staff: list[Row] = [
    _staff("D1", "director", "BR"),
    _staff("H1", "head", "SB1"),
    _staff("H2", "head", "SB2"),
    _staff("P1", "planner", "SB1"),
    _staff("P2", "planner", "SB1"),
    _staff("A1", "advisor", "SB1"),
    _staff("P3", "planner", "SB2"),
    # Left the day before opening O06 (opened 2025-09-15): `left_on <= date(opened_at)`.
    _staff("P4", "planner", "SB2", left_on=D(2025, 9, 14)),
    _staff("A2", "advisor", "BR"),
    # A lobby manager: may refer clients, never appraised, no staff-level row.
    _staff("L1", "other", "SB2"),
]

clients: list[Row] = []
assignments: list[Row] = []
aum_monthly: list[Row] = []
contacts: list[Row] = []
info_updates: list[Row] = []
plans: list[Row] = []
archives: list[Row] = []
account_openings: list[Row] = []
risk_assessments: list[Row] = []
care_dates: list[Row] = []


def client(
    cid: str,
    opened_on: dt.date = LONG_AGO,
    closed_on: dt.date | None = None,
    source: str | None = None,
    referred_by: str | None = None,
) -> None:
    clients.append(
        {
            "client_id": cid,
            "name": f"Client {cid}",
            "gender": None,
            "birth_date": D(1970, 1, 1),
            "phone": None,
            "opened_on": opened_on,
            "closed_on": closed_on,
            "contact_cycle": "quarterly",
            "risk_level": None,
            "source": source,
            "referred_by": referred_by,
        }
    )


def assign(cid: str, sid: str, role: str, start: dt.date, end: dt.date | None = None) -> None:
    assignments.append(
        {"client_id": cid, "staff_id": sid, "role": role, "start_on": start, "end_on": end}
    )


def aum(cid: str, values: dict[int, str | int]) -> None:
    """Average daily AUM per month of 2025 (month -> yuan); a month not given is missing (= 0)."""
    for month, value in values.items():
        aum_monthly.append(
            {"client_id": cid, "month": D(2025, month, 1), "avg_daily_aum": Decimal(value)}
        )


def months(first: int, last: int, value: str | int) -> dict[int, str | int]:
    return {m: value for m in range(first, last + 1)}


def contact(
    cid: str, sid: str, at: dt.datetime, purpose: str | None = "advice", channel: str = "phone"
) -> None:
    contacts.append(
        {
            "contact_id": f"K{len(contacts) + 1:03d}",
            "client_id": cid,
            "staff_id": sid,
            "at": at,
            "channel": channel,
            "purpose": purpose,
        }
    )


def info(sid: str, cid: str, at: dt.datetime, group: str = "comprehensive") -> None:
    info_updates.append({"staff_id": sid, "client_id": cid, "at": at, "field_group": group})


def opening(
    oid: str,
    cid: str,
    sid: str,
    org: str,
    opened_at: dt.datetime,
    assets: str,
    kyc_at: dt.datetime | None,
    risk_assessed_at: dt.datetime | None,
    approval_ref: str | None = None,
    approved_on: dt.date | None = None,
) -> None:
    account_openings.append(
        {
            "opening_id": oid,
            "client_id": cid,
            "staff_id": sid,
            "org_id": org,
            "opened_at": opened_at,
            "assets_at_opening": Decimal(assets),
            "approval_ref": approval_ref,
            "approved_on": approved_on,
            "kyc_at": kyc_at,
            "risk_assessed_at": risk_assessed_at,
        }
    )


def assessed(cid: str, on: dt.date, sid: str | None = None, level: str = "C3") -> None:
    risk_assessments.append(
        {"client_id": cid, "assessed_on": on, "risk_level": level, "staff_id": sid}
    )


def care(cid: str, kind: str, month_day: str, label: str | None = None) -> None:
    care_dates.append({"client_id": cid, "kind": kind, "month_day": month_day, "label": label})


def plan(
    pid: str,
    cid: str,
    sid: str,
    at: dt.datetime,
    kind: str = "plan",
    plan_ref: str | None = None,
) -> None:
    plans.append(
        {"plan_id": pid, "client_id": cid, "staff_id": sid, "at": at, "kind": kind,
         "plan_ref": plan_ref}
    )  # fmt: skip


def archive(cid: str, by: str, created: dt.date, sealed: dt.date | None = None) -> None:
    archives.append(
        {"client_id": cid, "created_by": by, "created_on": created, "sealed_on": sealed}
    )


# === Account openings in September 2025 ========================================================

# C01 / O01 (P1, Mon 1 Sep): compliant. Assets exactly 1,000,000 = tier.wealth: not below the
# threshold. kyc_at = risk_assessed_at = opened_at: equal timestamps are in order (no KYC or risk
# exception). Archive (A1, any staff counts) on 3 Sep <= deadline Thu 4 Sep; follow-up and first
# contact by P1 on the opening day = start_on itself (counts: "dated from d itself"; follow-up
# deadline Mon 8 Sep, intro deadline Wed 3 Sep). Judged in September.
client("C01", opened_on=D(2025, 9, 1), source="own_development")
assign("C01", "P1", "primary", D(2025, 9, 1))
aum("C01", months(9, 12, 1_000_000))
opening("O01", "C01", "P1", "SB1", T(2025, 9, 1, 10), "1000000.00",
        T(2025, 9, 1, 10), T(2025, 9, 1, 10))  # fmt: skip
assessed("C01", D(2025, 9, 1), "P1")
info("A1", "C01", T(2025, 9, 3, 11))
contact("C01", "P1", T(2025, 9, 1, 15))

# C02 / O02 (P1, Tue 2 Sep): 999,999.99 without approval -> opening_below_threshold (only).
# The opening's org_id is SB2 but P1 sits in SB1: the row's org_id is SB1 (the opener's unit).
# Archived on the opening day at 09:45, before opened_at 10:00: dates compare, so in time.
# Referred by the lobby manager L1 (staff_referral, opened_on in September: L1 and SB2 earn it).
client("C02", opened_on=D(2025, 9, 2), source="staff_referral", referred_by="L1")
assign("C02", "P1", "primary", D(2025, 9, 2))
aum("C02", months(9, 12, 900_000))
opening("O02", "C02", "P1", "SB2", T(2025, 9, 2, 10), "999999.99",
        T(2025, 9, 2, 9), T(2025, 9, 2, 9, 30))  # fmt: skip
info("P1", "C02", T(2025, 9, 2, 9, 45))
contact("C02", "P1", T(2025, 9, 2, 16))

# C03 / O03 (P2, Wed 3 Sep): 999,999.99 WITH a tier-1 approval: not below the threshold.
# risk_assessed_at = kyc_at (09:00): not "before kyc_at". Archive at 23:00 on the deadline day
# Mon 8 Sep (4, 5, 8): in time. Follow-up contact on the deadline day Wed 10 Sep (4, 5, 8, 9, 10):
# in time -> the opening is compliant. But that is P2's first contact since start_on 3 Sep, whose
# deadline was Fri 5 Sep -> intro_no_first_contact (P2, day 2025-09-03, ref primary).
# Source client_referral by client C01 (earns no referrals_made).
client("C03", opened_on=D(2025, 9, 3), source="client_referral", referred_by="C01")
assign("C03", "P2", "primary", D(2025, 9, 3))
aum("C03", months(9, 12, 950_000))
opening("O03", "C03", "P2", "SB1", T(2025, 9, 3, 10), "999999.99",
        T(2025, 9, 3, 9), T(2025, 9, 3, 9), approval_ref="APR-0829", approved_on=D(2025, 8, 29))  # fmt: skip
info("P2", "C03", T(2025, 9, 8, 23))
contact("C03", "P2", T(2025, 9, 10, 10))

# C04 / O04: opened by the head H1 -> opening_not_wealth_manager charged to H1 (org SB1; H1 has no
# staff-level row, the row counts for SB1 and BR). P1 is the primary: not kept by the opener.
client("C04", opened_on=D(2025, 9, 4), source="branch_allocation")
assign("C04", "P1", "primary", D(2025, 9, 4))
aum("C04", months(9, 12, 2_000_000))
opening("O04", "C04", "H1", "SB1", T(2025, 9, 4, 10), "2000000.00",
        T(2025, 9, 4, 8), T(2025, 9, 4, 9))  # fmt: skip
assessed("C04", D(2025, 9, 4), "P1")
info("H1", "C04", T(2025, 9, 4, 14))
contact("C04", "P1", T(2025, 9, 5, 10))

# C05 / O05: opened by the lobby manager L1 (role other) -> opening_not_wealth_manager charged to
# L1, org SB2. L1 also referred C05 (second referral of L1 in September).
client("C05", opened_on=D(2025, 9, 5), source="staff_referral", referred_by="L1")
assign("C05", "P3", "primary", D(2025, 9, 5))
aum("C05", months(9, 12, 1_500_000))
opening("O05", "C05", "L1", "SB2", T(2025, 9, 5, 10), "1500000.00",
        T(2025, 9, 5, 8), T(2025, 9, 5, 9))  # fmt: skip
assessed("C05", D(2025, 9, 5), "P3")
info("P3", "C05", T(2025, 9, 5, 14))
contact("C05", "P3", T(2025, 9, 5, 15))

# C06 / O06: opened by P4 on 15 Sep, who left on 14 Sep -> opening_not_wealth_manager (P4, SB2).
client("C06", opened_on=D(2025, 9, 15), source="own_development")
assign("C06", "P3", "primary", D(2025, 9, 15))
aum("C06", months(9, 12, 1_200_000))
opening("O06", "C06", "P4", "SB2", T(2025, 9, 15, 10), "1200000.00",
        T(2025, 9, 15, 8), T(2025, 9, 15, 9))  # fmt: skip
assessed("C06", D(2025, 9, 15), "P3")
info("P3", "C06", T(2025, 9, 15, 14))
contact("C06", "P3", T(2025, 9, 15, 15))

# C07 / O07 (P2): KYC one minute and risk assessment two minutes after opened_at, the same day:
# the steps compare as timestamps -> opening_kyc_missing and opening_risk_missing.
# Referred by the planner P1 (staff_referral: P1's referrals_made).
client("C07", opened_on=D(2025, 9, 9), source="staff_referral", referred_by="P1")
assign("C07", "P2", "primary", D(2025, 9, 9))
aum("C07", months(9, 12, 800_000))
opening("O07", "C07", "P2", "SB1", T(2025, 9, 9, 10), "1200000.00",
        T(2025, 9, 9, 10, 1), T(2025, 9, 9, 10, 2))  # fmt: skip
info("P2", "C07", T(2025, 9, 9, 14))
contact("C07", "P2", T(2025, 9, 9, 15))

# C08 / O08 (P3): no KYC and no risk assessment at all -> both exceptions.
client("C08", opened_on=D(2025, 9, 10), source="branch_allocation")
assign("C08", "P3", "primary", D(2025, 9, 10))
aum("C08", months(9, 12, 800_000))
opening("O08", "C08", "P3", "SB2", T(2025, 9, 10, 10), "1100000.00", None, None)
info("P3", "C08", T(2025, 9, 10, 14))
contact("C08", "P3", T(2025, 9, 10, 15))

# C09 / O09 (P3): risk assessment (08:00) before KYC (09:00), both before opening ->
# opening_risk_missing only (steps reordered).
client("C09", opened_on=D(2025, 9, 11), source="client_referral", referred_by="C30")
assign("C09", "P3", "primary", D(2025, 9, 11))
aum("C09", months(9, 12, 800_000))
opening("O09", "C09", "P3", "SB2", T(2025, 9, 11, 10), "1100000.00",
        T(2025, 9, 11, 9), T(2025, 9, 11, 8))  # fmt: skip
info("P3", "C09", T(2025, 9, 11, 14))
contact("C09", "P3", T(2025, 9, 11, 15))

# C10 / O10 (P1, Thu 25 Sep): archive deadline across the make-up weekend: Fri 26 (1), Sat 27 off,
# Sun 28 worked (2), Mon 29 (3) -> 29 Sep. The comprehensive update of Tue 30 Sep is late, the one
# of 24 Sep is before the opening day and the 26 Sep one is `basic` -> opening_not_archived
# (judged: 29 Sep <= e). Follow-up deadline 26, 28, 29, 30 Sep, 9 Oct -> 9 Oct > e: not judged,
# so O10 is outside opening_compliance in September and Q3 (but its archive row is in the
# register). First contact on Sun 28 Sep, the make-up day, = the intro deadline (26, 28): in time.
# Anniversary on 22 Sep, before P1's assignment: in nobody's primary book -> no care obligation.
client("C10", opened_on=D(2025, 9, 25), source="own_development")
assign("C10", "P1", "primary", D(2025, 9, 25))
aum("C10", months(9, 12, 800_000))
opening("O10", "C10", "P1", "SB1", T(2025, 9, 25, 10), "1300000.00",
        T(2025, 9, 25, 8), T(2025, 9, 25, 9))  # fmt: skip
info("P1", "C10", T(2025, 9, 24, 11))
info("P1", "C10", T(2025, 9, 26, 11), "basic")
info("P1", "C10", T(2025, 9, 30, 11))
contact("C10", "P1", T(2025, 9, 28, 10))
care("C10", "anniversary", "09-22", "company founded")

# C11 / O11 (P2, Fri 26 Sep): archive deadline 28 (make-up Sunday), 29, 30 -> 30 Sep; archived on
# 30 Sep: in time. Follow-up deadline 10 Oct: not judged. First contact Mon 29 Sep = intro
# deadline (28, 29): in time. Referred by the head H1 (counts for SB1, no staff-level row).
client("C11", opened_on=D(2025, 9, 26), source="staff_referral", referred_by="H1")
assign("C11", "P2", "primary", D(2025, 9, 26))
aum("C11", months(9, 12, 800_000))
opening("O11", "C11", "P2", "SB1", T(2025, 9, 26, 10), "1000000.00",
        T(2025, 9, 26, 8), T(2025, 9, 26, 9))  # fmt: skip
info("P2", "C11", T(2025, 9, 30, 17))
contact("C11", "P2", T(2025, 9, 29, 10))

# C14 / O14 (P2, Tue 30 Sep = e): archive deadline across National Day: 9, 10, 11 Oct (make-up
# Saturday) -> 11 Oct; follow-up 9, 10, 11, 13, 14 Oct; intro 9, 10 Oct. None judged in September
# or Q3 (deadline after e), and the opening is not in October's P: never judged in a month. The
# late archive (13 Oct) never shows in a monthly register.
client("C14", opened_on=D(2025, 9, 30), source="branch_allocation")
assign("C14", "P2", "primary", D(2025, 9, 30))
aum("C14", months(9, 12, 1_000_000))
opening("O14", "C14", "P2", "SB1", T(2025, 9, 30, 10), "1000000.00",
        T(2025, 9, 30, 8), T(2025, 9, 30, 9))  # fmt: skip
assessed("C14", D(2025, 9, 30), "P2")
info("P2", "C14", T(2025, 10, 13, 11))
contact("C14", "P2", T(2025, 10, 9, 10))

# C19 / O17 (P2, Tue 16 Sep) on an existing client of P2: no contact by the primary within
# 17, 18, 19, 22, 23 Sep -> opening_no_followup. A1's contact on 17 Sep is not by the primary; P2's
# on 24 Sep is a day late. C19's latest risk_assessments row is 2024-09-30, exactly 365 days before
# 30 Sep 2025: still valid (the opening's risk_assessed_at does not count by itself); 396 days
# before 31 Oct -> risk_assessment_due in October (ref 2024-09-30).
# Anniversary 15 Aug with no care contact by P2 from 8 to 15 Aug -> care_missed in Q3 only.
# Plans: PL7 (Feb) and PL6 (1 Aug, in Q3): the latest plan is dated in Q3, so no report is owed
# for Q3 (and PL7, no longer the latest, owes nothing either).
client("C19")
assign("C19", "P2", "primary", D(2024, 1, 1))
aum("C19", months(1, 12, 1_500_000))
opening("O17", "C19", "P2", "SB1", T(2025, 9, 16, 10), "1500000.00",
        T(2025, 9, 16, 8), T(2025, 9, 16, 9))  # fmt: skip
assessed("C19", D(2024, 9, 30), "P2")
info("P2", "C19", T(2025, 9, 16, 14))
contact("C19", "A1", T(2025, 9, 17, 10))
contact("C19", "P2", T(2025, 9, 24, 10))
care("C19", "anniversary", "08-15", "wedding")
plan("PL7", "C19", "P2", T(2025, 2, 1, 10))
plan("PL6", "C19", "P2", T(2025, 8, 1, 10))

# === Openings outside September ================================================================

# C12 / O12 (P3, Thu 2 Oct, a holiday): archive deadline 9, 10, 11 Oct -> Sat 11 Oct (make-up
# day); archived that day: in time. Follow-up deadline 9, 10, 11, 13, 14 Oct -> 14 Oct. P3 became
# primary only on 13 Oct: the 9 Oct contact was not by the primary (nor after start_on); the 15 Oct
# one is a day late -> opening_no_followup in October. The intro (start 13 Oct, deadline 14, 15
# Oct) is met by the 15 Oct contact. Not in September's data (opened after its e).
client("C12", opened_on=D(2025, 10, 2), source="own_development")
assign("C12", "P3", "primary", D(2025, 10, 13))
aum("C12", months(10, 12, 1_100_000))
opening("O12", "C12", "P3", "SB2", T(2025, 10, 2, 10), "1100000.00",
        T(2025, 10, 2, 8), T(2025, 10, 2, 9))  # fmt: skip
assessed("C12", D(2025, 10, 2), "P3")
info("P3", "C12", T(2025, 10, 11, 11))
contact("C12", "P3", T(2025, 10, 9, 10))
contact("C12", "P3", T(2025, 10, 15, 10))

# C13 / O13 (P1, Thu 30 Oct): archive deadline 31 Oct, 3 Nov, 4 Nov -> after e = 31 Oct: neither
# archive nor follow-up judged yet (no info update, no contact) and the intro (deadline 3 Nov) not
# judged either, but the opening is below the threshold without approval ->
# opening_below_threshold is already in October's register.
client("C13", opened_on=D(2025, 10, 30), source="branch_allocation")
assign("C13", "P1", "primary", D(2025, 10, 30))
aum("C13", months(10, 12, 700_000))
opening("O13", "C13", "P1", "SB1", T(2025, 10, 30, 10), "700000.00",
        T(2025, 10, 30, 8), T(2025, 10, 30, 9))  # fmt: skip

# C15 / O15 (P1, Wed 20 Aug): compliant and judged in Q3. P1's assignment ended 10 Sep and nobody
# took over: a client with an opening (AUM 600k, below tier.wealth) and no primary manager at e ->
# client_unmaintained charged to the org unit of the latest earlier primary (P1 -> SB1), staff
# empty. Opener not the primary at e: not kept. Not a new client in anybody's book at e.
client("C15", opened_on=D(2025, 8, 20), source="branch_allocation")
assign("C15", "P1", "primary", D(2025, 8, 20), D(2025, 9, 10))
aum("C15", months(8, 12, 600_000))
opening("O15", "C15", "P1", "SB1", T(2025, 8, 20, 10), "1000000.00",
        T(2025, 8, 20, 8), T(2025, 8, 20, 9))  # fmt: skip
info("P1", "C15", T(2025, 8, 20, 14))
contact("C15", "P1", T(2025, 8, 20, 15))

# C21 / O16 (P3, Thu 10 Jul): compliant opening judged in Q3, with a risk_assessed_at on the
# opening but no risk_assessments row at all -> risk_assessment_due (P3, ref empty) at every e.
# Referred by the advisor A2 (sits at BR): A2's referral in Q3, not in September.
client("C21", opened_on=D(2025, 7, 10), source="staff_referral", referred_by="A2")
assign("C21", "P3", "primary", D(2025, 7, 10))
aum("C21", months(7, 12, 1_100_000))
opening("O16", "C21", "P3", "SB2", T(2025, 7, 10, 10), "1100000.00",
        T(2025, 7, 10, 8), T(2025, 7, 10, 9))  # fmt: skip
info("P3", "C21", T(2025, 7, 10, 14))
contact("C21", "P3", T(2025, 7, 10, 15))

# === Maintenance and ownership =================================================================

# C16: wealth client whose primary P4 left on 14 Sep and is still assigned ->
# client_unmaintained charged to the leaver's unit SB2 (staff empty). Referred by P2 long ago
# (opened_on 2020: no referral credit in 2025). Valid risk assessment.
client("C16", source="staff_referral", referred_by="P2")
assign("C16", "P4", "primary", D(2024, 1, 1))
aum("C16", months(1, 12, 2_000_000))
assessed("C16", D(2025, 6, 1), "P4")

# C17: wealth client never managed -> client_unmaintained charged to the branch BR (staff empty).
# No primary, so no risk_assessment_due. No source (an older extract).
client("C17")
aum("C17", months(1, 12, 1_500_000))

# C18: two overlapping primaries (P1 since 2024, P3 since Sat 20 Sep 2025) -> client_two_primaries,
# one row per assignment: (P1, SB1, ref 2024-01-01) and (P3, SB2, ref 2025-09-20). P3's first
# contact on Mon 22 Sep is within 22, 23 Sep (Sun 21 Sep is off). Nothing else is owed.
client("C18", source="own_development")
assign("C18", "P1", "primary", D(2024, 1, 1))
assign("C18", "P3", "primary", D(2025, 9, 20))
aum("C18", months(1, 12, 1_200_000))
assessed("C18", D(2025, 3, 1), "P1")
contact("C18", "P3", T(2025, 9, 22, 10))

# C20: latest risk assessment 2024-09-29, 366 days before 30 Sep 2025 -> risk_assessment_due
# (P2, ref 2024-09-29); a newer one on 2025-10-15 is after September's e but makes it valid in
# October. Birthday 02-29: 2025-02-28 in 2025 (care contact on 1 Mar, the day after -> care_missed
# in 2025-02), 2024-02-29 in 2024 (care contact on 22 Feb, the reminder's first day -> done).
client("C20")
assign("C20", "P2", "primary", D(2024, 1, 1))
aum("C20", months(1, 12, 1_300_000))
assessed("C20", D(2023, 9, 1), "P2")
assessed("C20", D(2024, 9, 29), "P2")
assessed("C20", D(2025, 10, 15), "P2")
care("C20", "birthday", "02-29")
contact("C20", "P2", T(2024, 2, 22, 9), "care", "letter")
contact("C20", "P2", T(2025, 3, 1, 9), "care")

# C22: closed on e (30 Sep) after its primary ended the same day: closed clients leave the rules
# at e (no client_unmaintained, no risk_assessment_due) and 0 (Sep) or 31 (Oct: exactly
# grace_days) days are not "more than 31": no loss rows although the secondary A1 is kept.
# Its birthday on 30 Sep is not looked at: closed on the date, so in no book.
client("C22", closed_on=D(2025, 9, 30))
assign("C22", "P1", "primary", D(2024, 1, 1), D(2025, 9, 30))
assign("C22", "A1", "secondary", D(2024, 1, 1))
aum("C22", months(1, 9, 2_000_000))
care("C22", "birthday", "09-30")

# === Tier changes ==============================================================================

# C26: black-gold since August (2.0M in July, 3.2M from August): black-gold at the month-ends of
# Sep and Aug (grace 1) -> upgrade_no_secondary (P2) in September, and in October.
# Plan PL2 (May) with a Q3 report without plan_ref: it counts for the latest plan PL2 -> met.
# Father's birthday 5 Oct with P2's care contact on 6 Oct, the day after -> care_missed in October.
client("C26")
assign("C26", "P2", "primary", D(2024, 1, 1))
aum("C26", {**months(1, 7, 2_000_000), **months(8, 12, 3_200_000)})
assessed("C26", D(2025, 8, 1), "P2")
plan("PL2", "C26", "P2", T(2025, 5, 20, 10))
plan("QR2", "C26", "P2", T(2025, 7, 15, 10), "quarterly_report")
care("C26", "relative_birthday", "10-05", "father")
contact("C26", "P2", T(2025, 10, 6, 10), "care", "wechat")

# C27: black-gold only since September (Aug 2.0M): not yet an exception in September. In October
# (Sep and Oct black-gold) it has a secondary, A1 from Mon 20 Oct whose first contact on 22 Oct is
# within 21, 22 Oct: nothing owed.
client("C27")
assign("C27", "P1", "primary", D(2024, 1, 1))
assign("C27", "A1", "secondary", D(2025, 10, 20))
aum("C27", {**months(1, 8, 2_000_000), **months(9, 12, 3_500_000)})
assessed("C27", D(2025, 9, 1), "P1")
contact("C27", "A1", T(2025, 10, 22, 10))

# C28: below black-gold since August (3.5M to July, 2.5M from August) -> downgrade_secondary_kept
# (A1 still secondary) and downgrade_archive_open for A1's unsealed archive of 2024-06-01, both
# charged to the primary P3. P3's own archive (2024-07-01, a planner's) is not the rule's.
# Birthday on 30 Sep (= e) with P3's care contact that very day -> done.
# Plan PL3 by the advisor A1 (June), no report in Q3 -> plan_no_quarterly_report (A1, SB1,
# day 2025-09-30, ref PL3) in Q3.
client("C28")
assign("C28", "P3", "primary", D(2024, 1, 1))
assign("C28", "A1", "secondary", D(2024, 1, 1))
aum("C28", {**months(1, 7, 3_500_000), **months(8, 12, 2_500_000)})
assessed("C28", D(2025, 5, 5), "P3")
archive("C28", "A1", D(2024, 6, 1))
archive("C28", "P3", D(2024, 7, 1))
care("C28", "birthday", "09-30")
contact("C28", "P3", T(2025, 9, 30, 18), "care", "visit")
plan("PL3", "C28", "A1", T(2025, 6, 1, 10))

# C29: below black-gold only since September (Aug 3.5M): nothing in September; in October (Sep and
# Oct below) downgrade_secondary_kept (A2 kept) and downgrade_archive_open (A1's archive of
# 2025-01-15), charged to the primary P1.
client("C29")
assign("C29", "P1", "primary", D(2024, 1, 1))
assign("C29", "A2", "secondary", D(2024, 1, 1))
aum("C29", {**months(1, 8, 3_500_000), **months(9, 12, 2_500_000)})
assessed("C29", D(2025, 2, 2), "P1")
archive("C29", "A1", D(2025, 1, 15))

# C30: black-gold all year with a secondary (nothing owed at e; its open archive by A1 is no
# downgrade's). Care dates of P1: own birthday 12 Sep with a care letter on 5 Sep, the reminder's
# first day -> done; mother's birthday 20 Sep: P1's care contact on 21 Sep is the day after, A1's
# care contact on 19 Sep is not the planner's, P1's 18 Sep contact is not of purpose care ->
# care_missed (P1, day 2025-09-20, ref relative_birthday); the wedding anniversary 1 Dec is
# outside every period here. Plan PL1 (March) with a Q2 report and a Q3 report naming it -> met.
client("C30")
assign("C30", "P1", "primary", D(2024, 1, 1))
assign("C30", "A1", "secondary", D(2024, 1, 1))
aum("C30", months(1, 12, 5_000_000))
assessed("C30", D(2025, 6, 30), "P1")
archive("C30", "A1", D(2024, 1, 5))
care("C30", "birthday", "09-12")
care("C30", "relative_birthday", "09-20", "mother")
care("C30", "anniversary", "12-01", "wedding")
contact("C30", "P1", T(2025, 9, 5, 9), "care", "letter")
contact("C30", "P1", T(2025, 9, 18, 9), "advice")
contact("C30", "A1", T(2025, 9, 19, 9), "care")
contact("C30", "P1", T(2025, 9, 21, 9), "care")
plan("PL1", "C30", "P1", T(2025, 3, 10, 10))
plan("QR0", "C30", "P1", T(2025, 5, 10, 10), "quarterly_report", "PL1")
plan("QR1", "C30", "P1", T(2025, 8, 10, 10), "quarterly_report", "PL1")

# C31: black-gold; secondary A2 until 29 Sep and A1 from Mon 29 Sep (a secondary at e: no
# upgrade row). A1's intro deadline is 30 Sep, 9 Oct -> after e: not judged (in
# new_relationships, not in intro_on_time); its late contact (10 Oct) is never judged in a month.
# Plans PL4 (Jan) and PL5 (Apr, the latest); the Q3 report names PL4 -> PL5 has no report ->
# plan_no_quarterly_report (P3, SB2, day 2025-09-30, ref PL5) in Q3.
client("C31")
assign("C31", "P3", "primary", D(2024, 1, 1))
assign("C31", "A2", "secondary", D(2024, 1, 1), D(2025, 9, 29))
assign("C31", "A1", "secondary", D(2025, 9, 29))
aum("C31", months(1, 12, 4_000_000))
assessed("C31", D(2025, 7, 7), "P3")
contact("C31", "A1", T(2025, 10, 10, 10))
plan("PL4", "C31", "P3", T(2025, 1, 5, 10))
plan("PL5", "C31", "P3", T(2025, 4, 10, 10))
plan("QR3", "C31", "P3", T(2025, 9, 1, 10), "quarterly_report", "PL4")

# C32: black-gold; secondary A2 (an advisor at BR) from Sat 27 Sep: deadline Sun 28 (make-up),
# Mon 29 -> first contact on 30 Sep is late -> intro_no_first_contact (A2, org BR, day
# 2025-09-27, ref secondary): counted for BR only, no sub-branch.
client("C32")
assign("C32", "P2", "primary", D(2024, 1, 1))
assign("C32", "A2", "secondary", D(2025, 9, 27))
aum("C32", months(1, 12, 3_100_000))
assessed("C32", D(2025, 4, 4), "P2")
contact("C32", "A2", T(2025, 9, 30, 10))

# C33: new client of P2 from Wed 1 Oct (a holiday): intro deadline 9, 10 Oct; first contact on Sat
# 11 Oct (make-up day) is a day late -> intro_no_first_contact in October.
client("C33", opened_on=D(2025, 10, 1), source="client_referral", referred_by="C30")
assign("C33", "P2", "primary", D(2025, 10, 1))
aum("C33", months(10, 12, 300_000))
contact("C33", "P2", T(2025, 10, 11, 10))

# === Loss ======================================================================================

# C23: closed 30 Aug, exactly 31 days before 30 Sep: not yet an exception in September. In October
# (62 days): loss_managers_kept (P1 still primary) and loss_archive_open (A1's archive of
# 2024-05-01), charged to P1, the primary on the day before the closure.
client("C23", closed_on=D(2025, 8, 30))
assign("C23", "P1", "primary", D(2024, 1, 1))
aum("C23", months(1, 8, 1_500_000))
archive("C23", "A1", D(2024, 5, 1))

# C24: closed 29 Aug, 32 days before 30 Sep. The primary P2 ended on the closure day (so was the
# primary on 28 Aug, the day before) but the secondary A2 is kept -> loss_managers_kept (P2, SB1).
# Archives: 2023-01-10 unsealed -> loss_archive_open; 2024-02-01 sealed 5 Oct (after September's e,
# before October's) -> a row in September only; 2024-08-01 sealed 15 Sep -> no row.
# Plan PL8 without report: closed before Q3's last day -> not looked at.
client("C24", closed_on=D(2025, 8, 29))
assign("C24", "P2", "primary", D(2022, 1, 1), D(2025, 8, 29))
assign("C24", "A2", "secondary", D(2022, 1, 1))
aum("C24", months(1, 8, 1_500_000))
archive("C24", "P2", D(2023, 1, 10))
archive("C24", "A2", D(2024, 2, 1), D(2025, 10, 5))
archive("C24", "P2", D(2024, 8, 1), D(2025, 9, 15))
plan("PL8", "C24", "P2", T(2025, 1, 1, 10))

# C25: closed 15 Jun; no primary on 14 Jun (P3 ended 31 May), the secondary A1 is kept ->
# loss_managers_kept charged to the unit of the latest earlier primary, SB2 (staff empty). Its only
# archive was sealed: no archive row. Its 10 Sep birthday is not looked at (closed: in no book).
client("C25", closed_on=D(2025, 6, 15))
assign("C25", "P3", "primary", D(2023, 1, 1), D(2025, 5, 31))
assign("C25", "A1", "secondary", D(2023, 1, 1))
aum("C25", months(1, 6, 3_500_000))
archive("C25", "P3", D(2024, 3, 3), D(2025, 6, 20))
care("C25", "birthday", "09-10")

# Columns that may name a row of their own table (a referring client, a reported plan): rows that
# use them go in a second statement, as DuckDB checks a foreign key row by row.
SELF_REFERENCES = {"clients": "referred_by", "plans": "plan_ref"}

TABLES: dict[str, list[Row]] = {
    "org_units": org_units,
    "staff": staff,
    "clients": clients,
    "assignments": assignments,
    "aum_monthly": aum_monthly,
    "contacts": contacts,
    "plans": plans,
    "archives": archives,
    "info_updates": info_updates,
    "account_openings": account_openings,
    "risk_assessments": risk_assessments,
    "care_dates": care_dates,
}


def insert_data(conn: Connection) -> None:
    """Insert `TABLES` parents first, through `data.schema`'s tables looked up by name."""
    from data.schema import metadata

    for name, rows in TABLES.items():
        if not rows:
            continue
        table = metadata.tables.get(name)
        if table is None:
            raise LookupError(f"data.schema has no table {name!r} (lifecycle.md adds it)")
        keys = sorted({k for r in rows for k in r})
        missing = [k for k in keys if k not in table.columns]
        if missing:
            raise LookupError(f"data.schema's {name} has no column {', '.join(missing)}")
        column = SELF_REFERENCES.get(name)
        for wave in (
            [r for r in rows if column is None or r.get(column) is None],
            [r for r in rows if column is not None and r.get(column) is not None],
        ):
            if wave:
                conn.execute(
                    insert(table), [_stored(name, {k: r.get(k) for k in keys}) for r in wave]
                )


def _stored(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as the importer stores it: an empty care-date label is "" (it is part of the key)."""
    if table == "care_dates" and row.get("label") is None:
        return {**row, "label": ""}
    return row
