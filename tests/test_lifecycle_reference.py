"""The independent lifecycle.md implementation checked against figures worked out on paper from
tests/lifecycle_data.py (no database: the oracle itself is what is tested here).

Calendar used below: Sat 27 Sep 2025 off, Sun 28 Sep worked; 1-8 Oct off; Sat 11 Oct worked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tests.lifecycle_data import TABLES
from tests.lifecycle_reference import (
    COLUMNS,
    DEFAULT_SETTINGS,
    FIGURES,
    RULES,
    nth_working_day_after,
    parse_period,
    quarters_within,
    ref_compliance,
    ref_exceptions,
)

D = dt.date
E_SEP = "2025-09-30"
E_OCT = "2025-10-31"

# The expected register for 2025-09: (rule, client, staff, org, day, ref), in the order of
# `metrics exceptions` (rule, day, client_id, then staff_id and ref).
SEPTEMBER = [
    # C30's mother's birthday 20 Sep: P1's care contact on 21 Sep is the day after.
    ("care_missed", "C30", "P1", "SB1", "2025-09-20", "relative_birthday"),
    # C18: P1 since 2024-01-01 and P3 since 2025-09-20 are both primary at e.
    ("client_two_primaries", "C18", "P1", "SB1", E_SEP, "2024-01-01"),
    ("client_two_primaries", "C18", "P3", "SB2", E_SEP, "2025-09-20"),
    # C15: opening in August, primary ended 10 Sep -> latest earlier primary P1's unit.
    ("client_unmaintained", "C15", None, "SB1", E_SEP, None),
    # C16: primary P4 left 14 Sep -> the leaver's unit.
    ("client_unmaintained", "C16", None, "SB2", E_SEP, None),
    # C17: 1.5M, never managed -> the branch.
    ("client_unmaintained", "C17", None, "BR", E_SEP, None),
    # C28: 2.5M at the Aug and Sep month-ends; A1's archive of 2024-06-01 open; primary P3.
    ("downgrade_archive_open", "C28", "P3", "SB2", E_SEP, "2024-06-01"),
    ("downgrade_secondary_kept", "C28", "P3", "SB2", E_SEP, None),
    # C03: start 3 Sep, deadline Fri 5 Sep, first contact 10 Sep.
    ("intro_no_first_contact", "C03", "P2", "SB1", "2025-09-03", "primary"),
    # C32: start Sat 27 Sep, deadline Sun 28 (1), Mon 29 (2); contact 30 Sep. A2 sits at BR.
    ("intro_no_first_contact", "C32", "A2", "BR", "2025-09-27", "secondary"),
    # C24 closed 29 Aug = 32 > 31 days before e; charged to P2, primary on 28 Aug.
    ("loss_archive_open", "C24", "P2", "SB1", E_SEP, "2023-01-10"),
    ("loss_archive_open", "C24", "P2", "SB1", E_SEP, "2024-02-01"),  # sealed only on 5 Oct
    ("loss_managers_kept", "C24", "P2", "SB1", E_SEP, None),  # A2 still secondary
    # C25 closed 15 Jun, no primary on 14 Jun (P3 ended 31 May): P3's unit, staff empty.
    ("loss_managers_kept", "C25", None, "SB2", E_SEP, None),
    # O02: 999,999.99 < 1,000,000 without approval; opening org SB2, P1's unit SB1.
    ("opening_below_threshold", "C02", "P1", "SB1", "2025-09-02", "O02"),
    ("opening_kyc_missing", "C07", "P2", "SB1", "2025-09-09", "O07"),  # 10:01 > 10:00
    ("opening_kyc_missing", "C08", "P3", "SB2", "2025-09-10", "O08"),  # empty
    # O17: deadline 17, 18, 19, 22, 23 Sep; A1 is not the primary, P2 came on 24 Sep.
    ("opening_no_followup", "C19", "P2", "SB1", "2025-09-16", "O17"),
    # O10: deadline 26, 28 (make-up Sunday), 29 Sep; comprehensive update on 30 Sep.
    ("opening_not_archived", "C10", "P1", "SB1", "2025-09-25", "O10"),
    ("opening_not_wealth_manager", "C04", "H1", "SB1", "2025-09-04", "O04"),  # a head
    ("opening_not_wealth_manager", "C05", "L1", "SB2", "2025-09-05", "O05"),  # role other
    ("opening_not_wealth_manager", "C06", "P4", "SB2", "2025-09-15", "O06"),  # left 14 Sep
    ("opening_risk_missing", "C07", "P2", "SB1", "2025-09-09", "O07"),  # 10:02 > 10:00
    ("opening_risk_missing", "C08", "P3", "SB2", "2025-09-10", "O08"),  # empty
    ("opening_risk_missing", "C09", "P3", "SB2", "2025-09-11", "O09"),  # 08:00 < KYC 09:00
    # C20: latest 2024-09-29 = 366 days before e (C19's 2024-09-30 = 365: valid).
    ("risk_assessment_due", "C20", "P2", "SB1", E_SEP, "2024-09-29"),
    # C21: only the opening's risk_assessed_at, no risk_assessments row.
    ("risk_assessment_due", "C21", "P3", "SB2", E_SEP, None),
    # C26: 3.2M at the Aug and Sep month-ends (2.0M in July), no secondary.
    ("upgrade_no_secondary", "C26", "P2", "SB1", E_SEP, None),
]

# 2025Q3 adds what lies in July and August or needs a whole quarter.
QUARTER_ONLY = [
    # C19's wedding anniversary 15 Aug: no care contact by P2 from 8 to 15 Aug.
    ("care_missed", "C19", "P2", "SB1", "2025-08-15", "anniversary"),
    # PL3 (A1, June) has no report in Q3; PL5 (P3, April) is C31's latest, QR3 names PL4.
    ("plan_no_quarterly_report", "C28", "A1", "SB1", E_SEP, "PL3"),
    ("plan_no_quarterly_report", "C31", "P3", "SB2", E_SEP, "PL5"),
]

OCTOBER = [
    # C26's father's birthday 5 Oct, P2's care contact 6 Oct.
    ("care_missed", "C26", "P2", "SB1", "2025-10-05", "relative_birthday"),
    ("client_two_primaries", "C18", "P1", "SB1", E_OCT, "2024-01-01"),
    ("client_two_primaries", "C18", "P3", "SB2", E_OCT, "2025-09-20"),
    ("client_unmaintained", "C15", None, "SB1", E_OCT, None),
    ("client_unmaintained", "C16", None, "SB2", E_OCT, None),
    ("client_unmaintained", "C17", None, "BR", E_OCT, None),
    ("downgrade_archive_open", "C28", "P3", "SB2", E_OCT, "2024-06-01"),
    # C29: below black-gold at the Sep and Oct month-ends now (Aug was 3.5M).
    ("downgrade_archive_open", "C29", "P1", "SB1", E_OCT, "2025-01-15"),
    ("downgrade_secondary_kept", "C28", "P3", "SB2", E_OCT, None),
    ("downgrade_secondary_kept", "C29", "P1", "SB1", E_OCT, None),
    # C33: start 1 Oct (holiday), deadline 9, 10 Oct; first contact Sat 11 Oct.
    ("intro_no_first_contact", "C33", "P2", "SB1", "2025-10-01", "primary"),
    # C23 closed 30 Aug: 62 days before 31 Oct (31 before 30 Sep: not yet).
    ("loss_archive_open", "C23", "P1", "SB1", E_OCT, "2024-05-01"),
    ("loss_archive_open", "C24", "P2", "SB1", E_OCT, "2023-01-10"),  # 2024-02-01 sealed 5 Oct
    ("loss_managers_kept", "C23", "P1", "SB1", E_OCT, None),
    ("loss_managers_kept", "C24", "P2", "SB1", E_OCT, None),
    ("loss_managers_kept", "C25", None, "SB2", E_OCT, None),
    # O13 (30 Oct): 700,000 without approval; archive/follow-up deadlines in November.
    ("opening_below_threshold", "C13", "P1", "SB1", "2025-10-30", "O13"),
    # O12 (2 Oct): follow-up deadline 9, 10, 11, 13, 14 Oct; P3 primary from 13 Oct, came 15 Oct.
    ("opening_no_followup", "C12", "P3", "SB2", "2025-10-02", "O12"),
    # C19: 2024-09-30 is 396 days before 31 Oct; C20's 2025-10-15 makes it valid.
    ("risk_assessment_due", "C19", "P2", "SB1", E_OCT, "2024-09-30"),
    ("risk_assessment_due", "C21", "P3", "SB2", E_OCT, None),
    ("upgrade_no_secondary", "C26", "P2", "SB1", E_OCT, None),
]


def register(period: str, **settings: Any) -> list[tuple[Any, ...]]:
    rows = ref_exceptions(TABLES, period, {**DEFAULT_SETTINGS, **settings})
    for r in rows:
        assert isinstance(r["day"], dt.date) and set(r) == {
            "rule",
            "client_id",
            "staff_id",
            "org_id",
            "day",
            "ref",
        }
    return [
        (r["rule"], r["client_id"], r["staff_id"], r["org_id"], r["day"].isoformat(), r["ref"])
        for r in rows
    ]


def figures(period: str, level: str, **settings: Any) -> dict[str, dict[str, Any]]:
    rows = ref_compliance(TABLES, period, level, {**DEFAULT_SETTINGS, **settings})
    for r in rows:
        assert tuple(r) == COLUMNS
    assert [r["entity_id"] for r in rows] == sorted(r["entity_id"] for r in rows)
    return {r["entity_id"]: r for r in rows}


def assert_figures(actual: dict[str, Any], expected: tuple[Any, ...]) -> None:
    got = tuple(actual[f] for f in FIGURES)
    assert len(expected) == len(FIGURES)
    for name, a, b in zip(FIGURES, got, expected, strict=True):
        if b is None:
            assert a is None, (actual["entity_id"], name, a)
        elif isinstance(b, float):
            assert isinstance(a, float) and a == pytest.approx(b, abs=1e-12), (name, a, b)
        else:
            assert type(a) is int and a == b, (actual["entity_id"], name, a, b)


# --- calendar and periods -----------------------------------------------------------------------


def test_working_day_deadlines_across_national_day() -> None:
    # Thu 25 Sep + 3: Fri 26, (Sat 27 off), Sun 28 worked, Mon 29.
    assert nth_working_day_after(D(2025, 9, 25), 3) == D(2025, 9, 29)
    # Fri 26 Sep + 3 -> 30 Sep; + 5 -> 28, 29, 30 Sep, 9, 10 Oct.
    assert nth_working_day_after(D(2025, 9, 26), 3) == D(2025, 9, 30)
    assert nth_working_day_after(D(2025, 9, 26), 5) == D(2025, 10, 10)
    # Tue 30 Sep + 3: 9, 10, 11 (Sat, worked) Oct.
    assert nth_working_day_after(D(2025, 9, 30), 3) == D(2025, 10, 11)
    # Thu 2 Oct (holiday) + 5: 9, 10, 11, 13, 14 Oct.
    assert nth_working_day_after(D(2025, 10, 2), 5) == D(2025, 10, 14)
    # Sat 20 Sep + 2: Sun 21 is off -> 22, 23.
    assert nth_working_day_after(D(2025, 9, 20), 2) == D(2025, 9, 23)


def test_periods() -> None:
    assert parse_period("2025-09") == (D(2025, 9, 1), D(2025, 9, 30))
    assert parse_period("2025Q3") == (D(2025, 7, 1), D(2025, 9, 30))
    assert parse_period("2024") == (D(2024, 1, 1), D(2024, 12, 31))
    assert quarters_within(D(2025, 9, 1), D(2025, 9, 30)) == []
    assert quarters_within(D(2025, 7, 1), D(2025, 9, 30)) == [(D(2025, 7, 1), D(2025, 9, 30))]
    assert len(quarters_within(*parse_period("2025"))) == 4


# --- the register -------------------------------------------------------------------------------


def test_september_register_whole() -> None:
    assert register("2025-09") == SEPTEMBER


def test_quarter_register_is_september_plus_july_august_and_plans() -> None:
    # Same e, so the state-at-e rows are September's; O15 (20 Aug) and O16 (10 Jul) are compliant;
    # intros of C15 (20 Aug) and C21 (10 Jul) were met on their start day.
    expected = sorted(SEPTEMBER + QUARTER_ONLY, key=lambda r: (r[0], r[4], r[1]))
    assert register("2025Q3") == expected


def test_october_register_whole() -> None:
    assert register("2025-10") == OCTOBER


def test_no_plan_rows_in_a_month_and_four_quarters_in_a_year() -> None:
    assert not [r for r in register("2025-09") if r[0] == "plan_no_quarterly_report"]
    year = [r for r in register("2025") if r[0] == "plan_no_quarterly_report"]
    # Q1: nobody has a plan dated before 1 Jan 2025. Q2: C19 (PL7) and C24 (PL8, closed only in
    # August) lack a report; C30's PL1 has QR0 (May); C26, C28 and C31 got a new plan (PL2, PL3,
    # PL5) during Q2 and owe nothing for it. Q3: C28 (PL3), C31 (PL5). Q4 (no reports at all):
    # C19 (PL6), C26 (PL2), C28 (PL3), C30 (PL1), C31 (PL5); C24 is closed.
    assert sorted((r[4], r[1], r[5]) for r in year) == [
        ("2025-06-30", "C19", "PL7"),
        ("2025-06-30", "C24", "PL8"),
        ("2025-09-30", "C28", "PL3"),
        ("2025-09-30", "C31", "PL5"),
        ("2025-12-31", "C19", "PL6"),
        ("2025-12-31", "C26", "PL2"),
        ("2025-12-31", "C28", "PL3"),
        ("2025-12-31", "C30", "PL1"),
        ("2025-12-31", "C31", "PL5"),
    ]


def test_a_feb_29_care_date() -> None:
    # 2025 is not a leap year: C20's 02-29 falls on 28 Feb; P2's care contact on 1 Mar is late.
    assert [r for r in register("2025-02") if r[0] == "care_missed"] == [
        ("care_missed", "C20", "P2", "SB1", "2025-02-28", "birthday")
    ]
    # 2024: 29 Feb; P2's care letter of 22 Feb is the reminder's first day (29 - 7): done.
    assert not [r for r in register("2024-02") if r[0] == "care_missed"]
    leap, plain = figures("2024-02", "staff")["P2"], figures("2025-02", "staff")["P2"]
    assert (leap["care_dates"], leap["care_done"]) == (1, 1.0)
    assert (plain["care_dates"], plain["care_done"]) == (1, 0.0)


def test_boundaries_move_with_the_settings() -> None:
    sep = set(register("2025-09"))
    # grace_days 30: C23's closure of 30 Aug (31 days) now counts -> its two loss rows.
    diff = set(register("2025-09", **{"lifecycle.grace_days": 30})) - sep
    assert diff == {
        ("loss_managers_kept", "C23", "P1", "SB1", E_SEP, None),
        ("loss_archive_open", "C23", "P1", "SB1", E_SEP, "2024-05-01"),
    }
    # kyc.valid_days 364: C19's assessment of exactly 365 days becomes due.
    diff = set(register("2025-09", **{"kyc.valid_days": 364})) - sep
    assert diff == {("risk_assessment_due", "C19", "P2", "SB1", E_SEP, "2024-09-30")}
    # tier.wealth 999,999.99: O02 is no longer below the threshold; and C02 (900k) is unaffected.
    assert set(register("2025-09", **{"tier.wealth": Decimal("999999.99")})) == sep - {
        ("opening_below_threshold", "C02", "P1", "SB1", "2025-09-02", "O02")
    }
    # grace_months 0: only September's month-end counts -> C27 (black-gold in Sep, no secondary
    # at e) is an upgrade, C29 (below in Sep, A2 kept, A1's archive open) a downgrade.
    diff = set(register("2025-09", **{"lifecycle.grace_months": 0})) - sep
    assert diff == {
        ("upgrade_no_secondary", "C27", "P1", "SB1", E_SEP, None),
        ("downgrade_secondary_kept", "C29", "P1", "SB1", E_SEP, None),
        ("downgrade_archive_open", "C29", "P1", "SB1", E_SEP, "2025-01-15"),
    }
    # care.lead_days 6: C30's birthday (12 Sep) contact of 5 Sep falls before the window.
    diff = set(register("2025-09", **{"care.lead_days": 6})) - sep
    assert diff == {("care_missed", "C30", "P1", "SB1", "2025-09-12", "birthday")}
    # archive in 4 working days: O10's deadline becomes Tue 30 Sep, the day it was archived.
    assert set(register("2025-09", **{"opening.archive_working_days": 4})) == sep - {
        ("opening_not_archived", "C10", "P1", "SB1", "2025-09-25", "O10")
    }
    # intro in 1 working day: C01 (contact on start day), C04 (start 4 Sep, contact 5 Sep, = the
    # first working day) still met; C10 (25 Sep, contact 28 Sep > 26 Sep) now late.
    diff = set(register("2025-09", **{"intro.first_contact_working_days": 1})) - sep
    assert ("intro_no_first_contact", "C10", "P1", "SB1", "2025-09-25", "primary") in diff
    assert ("intro_no_first_contact", "C04", "P1", "SB1", "2025-09-04", "primary") not in diff


# --- the figures --------------------------------------------------------------------------------

# (openings, opening_compliance, opener_kept, new_relationships, intro_on_time, care_dates,
#  care_done, plan_report_rate, new_clients, referral_share, referrals_made, exceptions)
SEPTEMBER_STAFF = {
    "A1": (0, None, None, 1, None, 0, None, None, 0, None, 0, 0),  # C31 intro due 9 Oct
    "A2": (0, None, None, 1, 0.0, 0, None, None, 0, None, 0, 1),  # C32 late: 0/1
    # P1 openings O01, O02, O10; judged O01 (ok), O02 (below) -> 1/2; all three kept -> 3/3.
    # Intros C01, C02, C04, C10 all met -> 4/4. Care: C30 birthday done, mother's missed -> 1/2.
    # New clients C01, C02, C04, C10; referred C02 only -> 1/4. Referred C07 -> 1.
    # Exceptions: below O02, not_archived O10, two_primaries C18, care C30 -> 4.
    "P1": (3, 0.5, 1.0, 4, 1.0, 2, 0.5, None, 4, 0.25, 1, 4),
    # P2 openings O03, O07, O11, O14, O17; judged O03 (ok), O07 (kyc+risk), O17 (follow-up)
    # -> 1/3; kept 5/5. Intros C03 (late), C07, C11 (met), C14 (due 10 Oct) -> 2/3. New clients
    # C03 (client ref.), C07, C11 (staff ref.), C14 -> 3/4. Exceptions: kyc, risk, follow-up,
    # risk_due C20, upgrade C26, loss_managers C24, 2 x loss_archive C24, intro C03 -> 9.
    "P2": (5, 1 / 3, 1.0, 4, 2 / 3, 0, None, None, 4, 0.75, 0, 9),
    # P3 openings O08, O09 both judged and broken -> 0/2; kept 2/2. Intros C05, C06, C08, C09, C18
    # -> 5/5. Care C28 on the day -> 1/1. New C05 (staff), C06, C08, C09 (client) -> 2/4.
    # Exceptions: kyc O08, risk O08+O09, two_primaries, risk_due C21, downgrade x2 -> 7.
    "P3": (2, 0.0, 1.0, 5, 1.0, 1, 1.0, None, 4, 0.5, 0, 7),
    # P4 opened O06 after leaving: judged (deadlines 18 and 22 Sep), broken; C06 is P3's.
    "P4": (1, 0.0, 0.0, 0, None, 0, None, None, 0, None, 0, 1),
}
SEPTEMBER_UNITS = {
    # SB1 openings: P1 3 + P2 5 + H1's O04 = 9; judged 2 + 3 + 1 = 6, ok O01, O03 -> 2/6; kept
    # 3 + 5 + 0 = 8/9. Intros P1 4 + P2 4 + A1 1 = 9, judged 4 + 3 + 0 = 7, met 4 + 2 -> 6/7.
    # Care 2, done 1. New clients 4 + 4 = 8, referred 1 + 3 = 4. Referrals: P1 (C07), H1 (C11).
    # Exceptions: P1 4 + P2 9 + H1 1 + C15 (unit) 1 = 15.
    "SB1": (9, 2 / 6, 8 / 9, 9, 6 / 7, 2, 0.5, None, 8, 0.5, 2, 15),
    # SB2 openings: P3 2 + P4 1 + L1's O05 = 4, all judged and broken; kept O08, O09 -> 2/4.
    # Referrals: L1 (C02, C05). Exceptions: P3 7 + P4 1 + L1 1 + C16 + C25 (units) = 11.
    "SB2": (4, 0.0, 0.5, 5, 1.0, 1, 1.0, None, 4, 0.5, 2, 11),
    "SB3": (0, None, None, 0, None, 0, None, None, 0, None, 0, 0),
}
# BR: 13 openings, 10 judged, 2 ok, 10 kept; intros 9 + 5 + A2 1 = 15, judged 7 + 5 + 1 = 13, met
# 6 + 5 + 0 = 11; care 3, done 2; new 12, referred 6; referrals 2 + 2; all 28 rows.
SEPTEMBER_BRANCH = (13, 0.2, 10 / 13, 15, 11 / 13, 3, 2 / 3, None, 12, 0.5, 4, 28)


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("staff", SEPTEMBER_STAFF),
        ("sub_branch", SEPTEMBER_UNITS),
        ("branch", {"BR": SEPTEMBER_BRANCH}),
    ],
)
def test_september_figures(level: str, expected: dict[str, tuple[Any, ...]]) -> None:
    table = figures("2025-09", level)
    assert sorted(table) == sorted(expected)
    for entity, row in expected.items():
        assert_figures(table[entity], row)


def test_september_exception_counts_per_rule() -> None:
    staff = figures("2025-09", "staff")
    nonzero = {
        e: {r: row[f"exc_{r}"] for r in RULES if row[f"exc_{r}"]} for e, row in staff.items()
    }
    assert nonzero == {
        "A1": {},
        "A2": {"intro_no_first_contact": 1},
        "P1": {
            "opening_below_threshold": 1,
            "opening_not_archived": 1,
            "client_two_primaries": 1,
            "care_missed": 1,
        },
        "P2": {
            "opening_kyc_missing": 1,
            "opening_risk_missing": 1,
            "opening_no_followup": 1,
            "risk_assessment_due": 1,
            "upgrade_no_secondary": 1,
            "loss_managers_kept": 1,
            "loss_archive_open": 2,
            "intro_no_first_contact": 1,
        },
        "P3": {
            "opening_kyc_missing": 1,
            "opening_risk_missing": 2,
            "client_two_primaries": 1,
            "risk_assessment_due": 1,
            "downgrade_secondary_kept": 1,
            "downgrade_archive_open": 1,
        },
        "P4": {"opening_not_wealth_manager": 1},
    }
    units = figures("2025-09", "sub_branch")
    # SB1: H1's O04 and the unit-charged C15 count; SB2: L1's O05, P4's O06, C16, C25.
    assert units["SB1"]["exc_opening_not_wealth_manager"] == 1
    assert units["SB1"]["exc_client_unmaintained"] == 1
    assert units["SB2"]["exc_opening_not_wealth_manager"] == 2
    assert units["SB2"]["exc_client_unmaintained"] == 1
    assert units["SB2"]["exc_loss_managers_kept"] == 1
    # C32's intro row is charged to A2 at BR: in no sub-branch, in the branch.
    assert units["SB1"]["exc_intro_no_first_contact"] == 1
    assert units["SB2"]["exc_intro_no_first_contact"] == 0
    branch = figures("2025-09", "branch")["BR"]
    assert branch["exc_intro_no_first_contact"] == 2
    assert branch["exc_client_unmaintained"] == 3
    for table in (staff, units, {"BR": branch}):
        for row in table.values():
            assert row["exceptions"] == sum(row[f"exc_{r}"] for r in RULES)


def test_quarter_figures() -> None:
    staff = figures("2025Q3", "staff")
    # P1 adds O15 (judged, ok, not kept: C15 has no primary at e) -> 2/3 and 3/4; intro C15 met
    # -> 5/5; plan PL1 reported (QR1 names it) -> 1/1.
    assert_figures(staff["P1"], (4, 2 / 3, 0.75, 5, 1.0, 2, 0.5, 1.0, 4, 0.25, 1, 4))
    # P2 adds C19's missed anniversary (0/1) and PL2 reported by QR2 without plan_ref (1/1);
    # C19 owes nothing (its latest plan PL6 is dated in Q3). Exceptions 9 + 1.
    assert_figures(staff["P2"], (5, 1 / 3, 1.0, 4, 2 / 3, 1, 0.0, 1.0, 4, 0.75, 0, 10))
    # P3 adds O16 (ok, kept) -> 1/3, 3/3; intro C21 -> 6/6; PL5 unreported -> 0/1; new client
    # C21 (staff referral by A2) -> 3/5. Exceptions 7 + 1.
    assert_figures(staff["P3"], (3, 1 / 3, 1.0, 6, 1.0, 1, 1.0, 0.0, 5, 0.6, 0, 8))
    # A1 authored PL3 (no report) -> 0/1; A2 referred C21 (opened 10 Jul).
    assert_figures(staff["A1"], (0, None, None, 1, None, 0, None, 0.0, 0, None, 0, 1))
    assert_figures(staff["A2"], (0, None, None, 1, 0.0, 0, None, None, 0, None, 1, 1))
    units = figures("2025Q3", "sub_branch")
    # SB1: 10 openings, judged 7 (O01, O02, O03, O04, O07, O15, O17), ok 3; kept 8/10; intros
    # 10, judged 8, met 7; care 3 (C30 x 2, C19), done 1; plans PL1, PL2 ok, PL3 not -> 2/3.
    assert_figures(units["SB1"], (10, 3 / 7, 0.8, 10, 7 / 8, 3, 1 / 3, 2 / 3, 8, 0.5, 2, 17))
    assert_figures(units["SB2"], (5, 0.2, 0.6, 6, 1.0, 1, 1.0, 0.0, 5, 0.6, 2, 12))
    # BR: 15 openings, judged 12, ok 4 (O01, O03, O15, O16); kept 11; intros 17, judged 15,
    # met 13; care 4, done 2; plans 2/4; new 13, referred 7; referrals 4 + A2's C21.
    branch = figures("2025Q3", "branch")["BR"]
    assert_figures(branch, (15, 4 / 12, 11 / 15, 17, 13 / 15, 4, 0.5, 0.5, 13, 7 / 13, 5, 31))


def test_october_figures() -> None:
    staff = figures("2025-10", "staff")
    # P1: O13 not judged (deadlines in Nov) -> null; kept (P1 primary); intro C13 due 3 Nov;
    # new client C13 (branch allocation) -> 0/1. Exceptions: O13, two_primaries, C29 x 2,
    # C23 x 2 -> 6.
    assert_figures(staff["P1"], (1, None, 1.0, 1, None, 0, None, None, 1, 0.0, 0, 6))
    # P2: intro C33 late -> 0/1; C26's care date missed; new C33 (client referral) -> 1/1.
    assert_figures(staff["P2"], (0, None, None, 1, 0.0, 1, 0.0, None, 1, 1.0, 0, 6))
    # P3: O12 judged and broken (follow-up) -> 0/1, kept; intro C12 met on 15 Oct.
    assert_figures(staff["P3"], (1, 0.0, 1.0, 1, 1.0, 0, None, None, 1, 0.0, 0, 5))
    # A1: C27's secondary from 20 Oct, contact 22 Oct (deadline 21, 22) -> 1/1.
    assert_figures(staff["A1"], (0, None, None, 1, 1.0, 0, None, None, 0, None, 0, 0))
    branch = figures("2025-10", "branch")["BR"]
    assert_figures(branch, (2, 0.0, 1.0, 4, 2 / 3, 1, 0.0, None, 3, 1 / 3, 0, 21))


def test_every_rule_has_a_row_somewhere() -> None:
    seen = {r[0] for p in ("2025-09", "2025Q3", "2025-10") for r in register(p)}
    assert seen == set(RULES)
    assert len(RULES) == 17
    assert len(COLUMNS) == 1 + len(FIGURES) + len(RULES)
