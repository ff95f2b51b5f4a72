"""A second, independent implementation of `lifecycle.md`: the exceptions register and the
compliance figures, in plain Python over lists of dicts per contract table, with no SQL and no
import from `metrics/`. The working-day calendar is `chinese_calendar` itself.

Interpretations (where lifecycle.md, read literally, still left a choice; each with the sentence
relied on):

1. Who a row is charged to. A staff-charged row's `org_id` is the org unit on that staff member's
   `staff` row, never `account_openings.org_id` (the 开户机构 column is evidence only): "A row is
   charged to one staff member (`staff_id`, with their `org_id`)".
2. "else to the branch": the org unit of kind `branch` without a parent (with several, the smallest
   `org_id`); such a row has `staff_id` None and `org_id` that unit: "or, where a rule says so, to
   an org unit alone (`staff_id` empty)".
3. "the primary manager at d": the staff member of a `primary` assignment active on d
   (`start_on <= d < end_on`), whatever their role, `left_on` or the client's closure. With two or
   more (which `client_two_primaries` reports), the one whose assignment started last, ties to the
   smallest `staff_id`; one row per obligation, never one per primary: "one per obligation that
   was not met".
4. "the client's latest earlier primary manager" at day d: among `primary` assignments that ended
   on or before d (`end_on <= d`), the one with the latest `end_on`, then the latest `start_on`,
   then the smallest `staff_id`: "the row is charged to the org unit of the client's latest
   earlier primary manager, else to the branch".
5. "Closed clients (closed on or before e) leave every rule 'at e' except the loss rules": the
   rules "at e" are those whose section says "the state at e" (client_unmaintained,
   client_two_primaries, risk_assessment_due, upgrade_no_secondary, downgrade_secondary_kept,
   downgrade_archive_open). The opening and intro rules are dated, not "at e", and still apply to
   a client closed since; care dates need the client in a book on the date (a book holds no
   closed client: kpis.md `book`); plans state their own closure condition.
6. Working-day windows: "dated from d itself up to the end of the n-th working day strictly after
   d, inclusive" compares dates, so an info update or contact on the opening day before
   `opened_at`'s time is in time ("Dates compare as dates").
7. `opening_risk_missing` with `kyc_at` empty: "risk_assessed_at before kyc_at" is false when
   `kyc_at` is empty; the missing KYC is `opening_kyc_missing`'s row alone. Equal timestamps are
   in order ("the three opening steps compare as timestamps").
8. `opening_no_followup`: a contact of any channel and purpose by a staff member who holds an
   active `primary` assignment to the client on the contact's date ("by its primary manager (at
   the contact's day)"); with two primaries either one's contact counts.
9. `opener_kept`: the opener holds an active `primary` assignment to the client at e (interpretation
   3's "primary manager at e", without the closure test).
10. `client_unmaintained`: "an opening on or before e" is any opening with `date(opened_at) <= e`,
    also before P. "has no primary manager at e, or its primary manager has left" is read as: no
    active primary assignment whose staff member is still in post (`left_on` empty or `> e`); the
    leaver charged is the one interpretation 3 picks among the active primaries.
11. `risk_assessment_due`: "a primary manager at e" includes one who has left (the row is then
    charged to the leaver, and `client_unmaintained` reports the client too). The latest
    assessment is the largest `assessed_on <= e`; due when `e - latest > kyc.valid_days` days.
12. Tier rules: "black-gold at the month-ends of m(e) and of the `lifecycle.grace_months` months
    before it" is `AUM(c, month) >= tier.black_gold` for m(e) and each of the grace_months months
    before it (a missing month is 0: kpis.md `AUM`). No change of tier is required: a client
    black-gold for a year without a secondary is an `upgrade_no_secondary` row (literal; the
    heading "Tier changes" is not a condition).
13. One row per client for `upgrade_no_secondary`, `downgrade_secondary_kept` and
    `loss_managers_kept` (the obligation is the client's, however many assignments are kept);
    one row per archive for the archive rules ("one row per unsealed archive").
14. An archive "not sealed on or before e" exists at e: `created_on <= e` and (`sealed_on` empty
    or `> e`). `downgrade_archive_open` looks only at archives whose `created_by` has role
    `advisor` and is charged, like the other rules of its section, to the client's primary
    manager ("charged to the client's primary manager at e"), not to the advisor.
15. Loss rules: "for a closed client, on the day before `closed_on`" also fixes the day from which
    the fallback of interpretation 4 looks back. A closure exactly `grace_days` before e is not an
    exception ("more than `lifecycle.grace_days` days before e").
16. `intro_no_first_contact`: any contact (any channel or purpose) by the assignment's staff member
    dated from `start_on` (a contact on `start_on` itself counts: "dated from d itself") to the
    deadline; a contact before `start_on` does not count; proxy assignments are not relationships
    ("a primary or secondary assignment"). Whether the assignment is still active does not
    matter.
17. `care_missed`: "this year's `month_day`" is the date in each calendar year of P (a period never
    spans two years); `02-29` is 02-28 in a non-leap year. "in a planner's primary book on that
    date" is kpis.md's `book(x, date)` for a staff member of role `planner` (so a closed client and
    a client whose primary is a head are not looked at); each such planner owes the contact (two
    primary planners: two obligations). The contact is by that planner with purpose `care`, dated
    from `date - care.lead_days` to the date, both inclusive.
18. `plan_no_quarterly_report`: a client's "latest plan" is its latest `plan` row (by `at`, ties to
    the larger `plan_id`) dated on or before Q's last day; the client is looked at only when that
    plan is dated before Q's first day (a client given a new plan during Q owes no report on the
    older one). A report without `plan_ref` counts for the client's latest plan at the report's
    `at`. The report's author does not matter.
19. Roll-ups. Openings roll up by the opener's unit whatever the opener's role ("an org unit takes
    the openings of every staff member of the unit or below, whatever their role"), and so do
    exception counts and `referrals_made` (said in the spec). `new_relationships`,
    `intro_on_time`, `care_dates`, `care_done`, `plan_report_rate`, `new_clients` and
    `referral_share` roll up over the unit's members as kpis.md defines them ("an org unit's
    members are the planners and advisors of the unit and of every unit below it"): an assignment,
    a plan-quarter or a care date of a head is in no unit's figure. A care date looked at by two
    member planners counts once ("each assignment, care date and plan-quarter once") and is done
    when at least one of them made the contact.
20. `care_done` and `opening_compliance`, `opener_kept`, `intro_on_time`, `plan_report_rate`,
    `referral_share` are rates (float, None on an empty base); `care_done` is "those with the care
    contact / `care_dates`" despite its name.
21. Acquisition: a client's "first primary or secondary assignment to anyone" is its smallest
    `start_on` over primary and secondary assignments (proxies excluded); "in the manager's book at
    e" is kpis.md `book(x, e)` (primary for a planner, secondary for an advisor, not closed at e).
    `referrals_made` counts clients with `source = staff_referral`, `referred_by` = the staff
    member and `clients.opened_on` (the relationship date, not an account opening) in P; a
    `client_referral` earns nobody anything.
22. Exception counts: a staff member's `exc_<rule>` counts the register rows with their
    `staff_id` ("the rows charged to them"); an org unit's counts the distinct rows whose `org_id`
    is the unit or below it (with interpretation 1 that is "charged to any staff member of the
    unit or of a unit below it ... or to the unit itself or a unit below it").
23. The staff level lists every planner and advisor, also those who have left ("every planner and
    advisor"); rows charged to heads, the director or `other` staff show only in unit counts.
24. Two `care_dates` rows of one client with the same kind and day but different labels give two
    identical register rows (the label is not in `ref`); the register keeps both (two
    obligations), a staff member's count counts both, a unit's "distinct rows" counts one.
25. The register is sorted by rule id (alphabetically), day, client_id, then staff_id and ref, a
    missing staff_id or ref last (as PostgreSQL and DuckDB sort NULLs ascending).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import chinese_calendar

Row = dict[str, Any]
Tables = dict[str, list[Row]]

# In lifecycle.md's order.
RULES: tuple[str, ...] = (
    "opening_below_threshold",
    "opening_not_wealth_manager",
    "opening_kyc_missing",
    "opening_risk_missing",
    "opening_not_archived",
    "opening_no_followup",
    "client_unmaintained",
    "client_two_primaries",
    "risk_assessment_due",
    "upgrade_no_secondary",
    "downgrade_secondary_kept",
    "downgrade_archive_open",
    "loss_managers_kept",
    "loss_archive_open",
    "intro_no_first_contact",
    "care_missed",
    "plan_no_quarterly_report",
)
OPENING_RULES = RULES[:6]
FIGURES: tuple[str, ...] = (
    "openings",
    "opening_compliance",
    "opener_kept",
    "new_relationships",
    "intro_on_time",
    "care_dates",
    "care_done",
    "plan_report_rate",
    "new_clients",
    "referral_share",
    "referrals_made",
    "exceptions",
)
COLUMNS: tuple[str, ...] = ("entity_id", *FIGURES, *(f"exc_{r}" for r in RULES))

DEFAULT_SETTINGS: dict[str, Decimal] = {
    # data-contract.md
    "tier.black_gold": Decimal("3000000"),
    "tier.platinum": Decimal("500000"),
    "tier.wealth": Decimal("1000000"),
    "load.max_clients": Decimal("200"),
    "alert.aum_drop": Decimal("0.30"),
    "alert.followup_days": Decimal("7"),
    "sla.black_gold_hours": Decimal("24"),
    "sla.platinum_ack_hours": Decimal("24"),
    "sla.platinum_working_days": Decimal("3"),
    "cycle.days.monthly": Decimal("31"),
    "cycle.days.bimonthly": Decimal("62"),
    "cycle.days.quarterly": Decimal("92"),
    # lifecycle.md
    "opening.followup_working_days": Decimal("5"),
    "opening.archive_working_days": Decimal("3"),
    "kyc.valid_days": Decimal("365"),
    "intro.first_contact_working_days": Decimal("2"),
    "care.lead_days": Decimal("7"),
    "lifecycle.grace_months": Decimal("1"),
    "lifecycle.grace_days": Decimal("31"),
}

LEVELS = ("staff", "sub_branch", "branch")


# --- periods and calendar ----------------------------------------------------------------------


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """`2025-09`, `2025Q3` or `2025` -> (s, e)."""
    text = text.strip()
    if len(text) == 4:
        year = int(text)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if text[4] in "Qq":
        year, q = int(text[:4]), int(text[5:])
        if not 1 <= q <= 4:
            raise ValueError(f"bad quarter in {text!r}")
        return dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q)
    year, month = int(text[:4]), int(text[5:7])
    return dt.date(year, month, 1), month_end(year, month)


def quarters_within(s: dt.date, e: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The quarters lying wholly in [s, e]."""
    out = []
    for year in range(s.year, e.year + 1):
        for q in range(1, 5):
            qs, qe = dt.date(year, 3 * q - 2, 1), month_end(year, 3 * q)
            if s <= qs and qe <= e:
                out.append((qs, qe))
    return out


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day strictly after `day` (the deadline of "within n working days")."""
    while n > 0:
        day += dt.timedelta(days=1)
        n -= bool(chinese_calendar.is_workday(day))
    return day


def care_day(year: int, month_day: str) -> dt.date:
    month, day = int(month_day[:2]), int(month_day[3:5])
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28
    return dt.date(year, month, day)


def month_shift(first: dt.date, back: int) -> dt.date:
    index = first.year * 12 + first.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


# --- the world: indexes over the rows ----------------------------------------------------------


class World:
    def __init__(self, tables: Tables, settings: dict[str, Any]) -> None:
        self.t = {k: list(v) for k, v in tables.items()}
        merged = {**DEFAULT_SETTINGS, **settings}
        self.s = {k: Decimal(str(v)) for k, v in merged.items()}
        self.staff = {r["staff_id"]: r for r in self.rows("staff")}
        self.clients = {r["client_id"]: r for r in self.rows("clients")}
        self.orgs = {r["org_id"]: r for r in self.rows("org_units")}
        self.aum = {
            (r["client_id"], as_date(r["month"]).replace(day=1)): Decimal(str(r["avg_daily_aum"]))
            for r in self.rows("aum_monthly")
        }
        self.assignments: dict[str, list[Row]] = {}
        for a in self.rows("assignments"):
            self.assignments.setdefault(a["client_id"], []).append(a)
        self.contacts = self.by_client("contacts")
        self._by_client: dict[str, dict[str, list[Row]]] = {}
        roots = sorted(
            o for o, r in self.orgs.items() if r["kind"] == "branch" and not r.get("parent_id")
        ) or sorted(o for o, r in self.orgs.items() if r["kind"] == "branch")
        self.branch = roots[0] if roots else None

    def rows(self, table: str) -> list[Row]:
        return self.t.get(table) or []

    def by_client(self, table: str) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for r in self.rows(table):
            out.setdefault(r["client_id"], []).append(r)
        return out

    def of(self, table: str, client_id: str) -> list[Row]:
        """The rows of `table` about one client (indexed once per table)."""
        if table not in self._by_client:
            self._by_client[table] = self.by_client(table)
        return self._by_client[table].get(client_id, [])

    def setting(self, name: str) -> int:
        return int(self.s[name])

    # org tree
    def subtree(self, org_id: str) -> set[str]:
        out = {org_id}
        grew = True
        while grew:
            grew = False
            for o, r in self.orgs.items():
                if r.get("parent_id") in out and o not in out:
                    out.add(o)
                    grew = True
        return out

    def entity_ids(self, level: str) -> list[str]:
        if level == "staff":
            return sorted(s for s, r in self.staff.items() if r["role"] in ("planner", "advisor"))
        return sorted(o for o, r in self.orgs.items() if r["kind"] == level)

    def members(self, level: str, entity: str) -> set[str]:
        """kpis.md's members: planners and advisors of the unit and below (or the staff member)."""
        if level == "staff":
            return {entity}
        orgs = self.subtree(entity)
        return {
            s
            for s, r in self.staff.items()
            if r["role"] in ("planner", "advisor") and r["org_id"] in orgs
        }

    def anyone_in(self, level: str, entity: str) -> set[str]:
        """Staff of any role whose rows roll up to the entity."""
        if level == "staff":
            return {entity}
        orgs = self.subtree(entity)
        return {s for s, r in self.staff.items() if r["org_id"] in orgs}

    # clients, assignments, AUM
    def is_open(self, client_id: str, day: dt.date) -> bool:
        closed = self.clients[client_id].get("closed_on")
        return closed is None or closed > day

    @staticmethod
    def active(a: Row, day: dt.date) -> bool:
        return a["start_on"] <= day and (a.get("end_on") is None or a["end_on"] > day)

    def active_roles(self, client_id: str, role: str, day: dt.date) -> list[Row]:
        return [
            a
            for a in self.assignments.get(client_id, [])
            if a["role"] == role and self.active(a, day)
        ]

    @staticmethod
    def pick(assignments: list[Row]) -> Row:
        """Interpretation 3: the assignment started last, ties to the smallest staff_id."""
        return sorted(assignments, key=lambda a: (-a["start_on"].toordinal(), a["staff_id"]))[0]

    def primary_at(self, client_id: str, day: dt.date) -> str | None:
        prims = self.active_roles(client_id, "primary", day)
        return self.pick(prims)["staff_id"] if prims else None

    def latest_earlier_primary(self, client_id: str, day: dt.date) -> str | None:
        ended = [
            a
            for a in self.assignments.get(client_id, [])
            if a["role"] == "primary" and a.get("end_on") is not None and a["end_on"] <= day
        ]
        if not ended:
            return None
        ended.sort(
            key=lambda a: (-a["end_on"].toordinal(), -a["start_on"].toordinal(), a["staff_id"])
        )
        return str(ended[0]["staff_id"])

    def charge_primary(self, client_id: str, day: dt.date) -> tuple[str | None, str | None]:
        """(staff_id, org_id) for "charged to the primary manager" at `day`, with the fallback."""
        primary = self.primary_at(client_id, day)
        if primary is not None:
            return primary, self.staff[primary]["org_id"]
        earlier = self.latest_earlier_primary(client_id, day)
        if earlier is not None:
            return None, self.staff[earlier]["org_id"]
        return None, self.branch

    def aum_month(self, client_id: str, first: dt.date) -> Decimal:
        return self.aum.get((client_id, first), Decimal(0))

    def aum_at(self, client_id: str, day: dt.date) -> Decimal:
        return self.aum_month(client_id, day.replace(day=1))

    def book(self, staff_id: str, day: dt.date) -> set[str]:
        role = {"planner": "primary", "advisor": "secondary"}.get(self.staff[staff_id]["role"])
        return {
            c
            for c, rows in self.assignments.items()
            for a in rows
            if a["staff_id"] == staff_id
            and a["role"] == role
            and self.active(a, day)
            and self.is_open(c, day)
        }

    def contacted(
        self,
        client_id: str,
        staff: Iterable[str] | None,
        first: dt.date,
        last: dt.date,
        purpose: str | None = None,
        primary_on_day: bool = False,
    ) -> bool:
        wanted = None if staff is None else set(staff)
        for k in self.contacts.get(client_id, []):
            day = as_date(k["at"])
            if not first <= day <= last:
                continue
            if purpose is not None and k.get("purpose") != purpose:
                continue
            if wanted is not None and k["staff_id"] not in wanted:
                continue
            if primary_on_day and not any(
                a["staff_id"] == k["staff_id"] for a in self.active_roles(client_id, "primary", day)
            ):
                continue
            return True
        return False

    def staff_org(self, staff_id: str) -> str:
        return str(self.staff[staff_id]["org_id"])


# --- the rules ---------------------------------------------------------------------------------


def exc(
    rule: str,
    client_id: str,
    staff_id: str | None,
    org_id: str | None,
    day: dt.date,
    ref: str | None,
) -> Row:
    return {
        "rule": rule,
        "client_id": client_id,
        "staff_id": staff_id,
        "org_id": org_id,
        "day": day,
        "ref": ref,
    }


def opening_verdicts(w: World, s: dt.date, e: dt.date) -> list[Row]:
    """Per opening in P: its rules broken, whether it is judged, and whether its opener kept it."""
    wealth = w.s["tier.wealth"]
    n_archive = w.setting("opening.archive_working_days")
    n_follow = w.setting("opening.followup_working_days")
    out = []
    for o in w.rows("account_openings"):
        at: dt.datetime = o["opened_at"]
        day = at.date()
        if not s <= day <= e:
            continue
        c, opener = o["client_id"], o["staff_id"]
        broken = []
        if Decimal(str(o["assets_at_opening"])) < wealth and not o.get("approval_ref"):
            broken.append("opening_below_threshold")
        person = w.staff[opener]
        left = person.get("left_on")
        if person["role"] not in ("planner", "advisor") or (left is not None and left <= day):
            broken.append("opening_not_wealth_manager")
        kyc, risk = o.get("kyc_at"), o.get("risk_assessed_at")
        if kyc is None or kyc > at:
            broken.append("opening_kyc_missing")
        if risk is None or risk > at or (kyc is not None and risk < kyc):
            broken.append("opening_risk_missing")
        archive_by = nth_working_day_after(day, n_archive)
        follow_by = nth_working_day_after(day, n_follow)
        if archive_by <= e:
            archived = any(
                u["field_group"] == "comprehensive" and day <= as_date(u["at"]) <= archive_by
                for u in w.of("info_updates", c)
            )
            if not archived:
                broken.append("opening_not_archived")
        if follow_by <= e and not w.contacted(c, None, day, follow_by, primary_on_day=True):
            broken.append("opening_no_followup")
        kept = any(a["staff_id"] == opener for a in w.active_roles(c, "primary", e))
        out.append(
            {
                "opening": o,
                "day": day,
                "broken": broken,
                "judged": archive_by <= e and follow_by <= e,
                "kept": kept,
            }
        )
    return out


def intro_verdicts(w: World, s: dt.date, e: dt.date) -> list[Row]:
    n = w.setting("intro.first_contact_working_days")
    out = []
    for rows in w.assignments.values():
        for a in rows:
            if a["role"] not in ("primary", "secondary") or not s <= a["start_on"] <= e:
                continue
            deadline = nth_working_day_after(a["start_on"], n)
            judged = deadline <= e
            ok = judged and w.contacted(a["client_id"], [a["staff_id"]], a["start_on"], deadline)
            out.append({"assignment": a, "judged": judged, "ok": ok})
    return out


def care_verdicts(w: World, s: dt.date, e: dt.date) -> list[Row]:
    lead = dt.timedelta(days=w.setting("care.lead_days"))
    out = []
    for i, cd in enumerate(w.rows("care_dates")):
        c = cd["client_id"]
        for year in range(s.year, e.year + 1):
            day = care_day(year, cd["month_day"])
            if not s <= day <= e or not w.is_open(c, day):
                continue
            planners = sorted(
                {
                    a["staff_id"]
                    for a in w.active_roles(c, "primary", day)
                    if w.staff[a["staff_id"]]["role"] == "planner"
                }
            )
            for p in planners:
                done = w.contacted(c, [p], day - lead, day, purpose="care")
                out.append({"key": (i, day), "row": cd, "day": day, "planner": p, "done": done})
    return out


def plan_verdicts(w: World, s: dt.date, e: dt.date) -> list[Row]:
    def latest_plan(client_id: str, upto: dt.datetime) -> Row | None:
        mine = [p for p in w.of("plans", client_id) if p["kind"] == "plan" and p["at"] <= upto]
        return max(mine, key=lambda p: (p["at"], p["plan_id"])) if mine else None

    def reported_plan(r: Row) -> str | None:
        if r.get("plan_ref"):
            return str(r["plan_ref"])
        latest = latest_plan(r["client_id"], r["at"])
        return None if latest is None else str(latest["plan_id"])

    out = []
    for qs, qe in quarters_within(s, e):
        for c, client in w.clients.items():
            if client.get("closed_on") is not None and client["closed_on"] <= qe:
                continue
            latest = latest_plan(c, dt.datetime.combine(qe, dt.time.max))
            if latest is None or as_date(latest["at"]) >= qs:
                continue
            ok = any(
                r["kind"] == "quarterly_report"
                and qs <= as_date(r["at"]) <= qe
                and reported_plan(r) == latest["plan_id"]
                for r in w.of("plans", c)
            )
            out.append({"plan": latest, "quarter_end": qe, "ok": ok})
    return out


def ref_exceptions(tables: Tables, period: str, settings: dict[str, Any]) -> list[Row]:
    """The exceptions register of lifecycle.md for `period`, sorted as `metrics exceptions`."""
    w = World(tables, settings)
    return _register(w, *parse_period(period))


def _register(w: World, s: dt.date, e: dt.date) -> list[Row]:
    out: list[Row] = []
    wealth, black_gold = w.s["tier.wealth"], w.s["tier.black_gold"]

    # Account opening: charged to the opener, day = opening day, ref = opening_id.
    for v in opening_verdicts(w, s, e):
        o = v["opening"]
        for rule in v["broken"]:
            out.append(
                exc(
                    rule,
                    o["client_id"],
                    o["staff_id"],
                    w.staff_org(o["staff_id"]),
                    v["day"],
                    str(o["opening_id"]),
                )
            )

    # Maintenance and ownership, the state at e (open clients only).
    opened_by_e = {o["client_id"] for o in w.rows("account_openings") if o["opened_at"].date() <= e}
    valid_days = w.setting("kyc.valid_days")
    for c in w.clients:
        if not w.is_open(c, e):
            continue
        prims = w.active_roles(c, "primary", e)
        if w.aum_at(c, e) >= wealth or c in opened_by_e:
            in_post = [
                a
                for a in prims
                if w.staff[a["staff_id"]].get("left_on") is None
                or w.staff[a["staff_id"]]["left_on"] > e
            ]
            if not in_post:
                if prims:
                    org = w.staff_org(w.pick(prims)["staff_id"])
                else:
                    earlier = w.latest_earlier_primary(c, e)
                    org = w.staff_org(earlier) if earlier is not None else w.branch
                out.append(exc("client_unmaintained", c, None, org, e, None))
        if len(prims) >= 2:
            for a in prims:
                out.append(
                    exc(
                        "client_two_primaries",
                        c,
                        a["staff_id"],
                        w.staff_org(a["staff_id"]),
                        e,
                        iso(a["start_on"]),
                    )
                )
        if w.aum_at(c, e) >= wealth and prims:
            primary = w.pick(prims)["staff_id"]
            dates = [r["assessed_on"] for r in w.of("risk_assessments", c)]
            latest = max((d for d in dates if d <= e), default=None)
            if latest is None or (e - latest).days > valid_days:
                out.append(
                    exc("risk_assessment_due", c, primary, w.staff_org(primary), e, iso(latest))
                )

    # Tier changes (open clients, the state at e).
    grace_months = w.setting("lifecycle.grace_months")
    months = [month_shift(e.replace(day=1), k) for k in range(grace_months + 1)]
    for c in w.clients:
        if not w.is_open(c, e):
            continue
        amounts = [w.aum_month(c, m) for m in months]
        has_secondary = bool(w.active_roles(c, "secondary", e))
        staff_id, org = w.charge_primary(c, e)
        if all(x >= black_gold for x in amounts) and not has_secondary:
            out.append(exc("upgrade_no_secondary", c, staff_id, org, e, None))
        if all(x < black_gold for x in amounts):
            if has_secondary:
                out.append(exc("downgrade_secondary_kept", c, staff_id, org, e, None))
            for ar in w.of("archives", c):
                if (
                    w.staff[ar["created_by"]]["role"] == "advisor"
                    and ar["created_on"] <= e
                    and (ar.get("sealed_on") is None or ar["sealed_on"] > e)
                ):
                    out.append(
                        exc("downgrade_archive_open", c, staff_id, org, e, iso(ar["created_on"]))
                    )

    # Loss: closures more than grace_days before e.
    grace_days = w.setting("lifecycle.grace_days")
    for c, client in w.clients.items():
        closed = client.get("closed_on")
        if closed is None or (e - closed).days <= grace_days:
            continue
        staff_id, org = w.charge_primary(c, closed - dt.timedelta(days=1))
        if w.active_roles(c, "primary", e) or w.active_roles(c, "secondary", e):
            out.append(exc("loss_managers_kept", c, staff_id, org, e, None))
        for ar in w.of("archives", c):
            if ar["created_on"] <= e and (ar.get("sealed_on") is None or ar["sealed_on"] > e):
                out.append(exc("loss_archive_open", c, staff_id, org, e, iso(ar["created_on"])))

    # New relationships, care and plans.
    for v in intro_verdicts(w, s, e):
        a = v["assignment"]
        if v["judged"] and not v["ok"]:
            out.append(
                exc(
                    "intro_no_first_contact",
                    a["client_id"],
                    a["staff_id"],
                    w.staff_org(a["staff_id"]),
                    a["start_on"],
                    a["role"],
                )
            )
    for v in care_verdicts(w, s, e):
        if not v["done"]:
            out.append(
                exc(
                    "care_missed",
                    v["row"]["client_id"],
                    v["planner"],
                    w.staff_org(v["planner"]),
                    v["day"],
                    v["row"]["kind"],
                )
            )
    for v in plan_verdicts(w, s, e):
        if not v["ok"]:
            p = v["plan"]
            out.append(
                exc(
                    "plan_no_quarterly_report",
                    p["client_id"],
                    p["staff_id"],
                    w.staff_org(p["staff_id"]),
                    v["quarter_end"],
                    str(p["plan_id"]),
                )
            )

    return sorted(out, key=sort_key)


def sort_key(r: Row) -> tuple[Any, ...]:
    def nulls_last(x: Any) -> tuple[bool, Any]:
        return (x is None, "" if x is None else x)

    return (r["rule"], r["day"], r["client_id"], nulls_last(r["staff_id"]), nulls_last(r["ref"]))


# --- the figures -------------------------------------------------------------------------------


def ref_compliance(tables: Tables, period: str, level: str, settings: dict[str, Any]) -> list[Row]:
    """One row per entity of `level` with `python -m metrics compliance`'s columns."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    w = World(tables, settings)
    s, e = parse_period(period)
    register = _register(w, s, e)
    openings = opening_verdicts(w, s, e)
    intros = intro_verdicts(w, s, e)
    cares = care_verdicts(w, s, e)
    plans = plan_verdicts(w, s, e)
    first_start: dict[str, dt.date] = {}
    for c, rows in w.assignments.items():
        starts = [a["start_on"] for a in rows if a["role"] in ("primary", "secondary")]
        if starts:
            first_start[c] = min(starts)
    new = {c for c, d in first_start.items() if s <= d <= e}

    out = []
    for ent in w.entity_ids(level):
        mem = w.members(level, ent)
        anyone = w.anyone_in(level, ent)
        row: Row = {"entity_id": ent}

        mine = [v for v in openings if v["opening"]["staff_id"] in anyone]
        judged = [v for v in mine if v["judged"]]
        row["openings"] = len(mine)
        row["opening_compliance"] = rate(sum(not v["broken"] for v in judged), len(judged))
        row["opener_kept"] = rate(sum(v["kept"] for v in mine), len(mine))

        rel = [v for v in intros if v["assignment"]["staff_id"] in mem]
        rel_judged = [v for v in rel if v["judged"]]
        row["new_relationships"] = len(rel)
        row["intro_on_time"] = rate(sum(v["ok"] for v in rel_judged), len(rel_judged))

        care: dict[Any, bool] = {}
        for v in cares:
            if v["planner"] in mem:
                care[v["key"]] = care.get(v["key"], False) or v["done"]
        row["care_dates"] = len(care)
        row["care_done"] = rate(sum(care.values()), len(care))

        pq: dict[Any, bool] = {}
        for v in plans:
            if v["plan"]["staff_id"] in mem:
                pq[(v["plan"]["plan_id"], v["quarter_end"])] = v["ok"]
        row["plan_report_rate"] = rate(sum(pq.values()), len(pq))

        book: set[str] = set()
        for m in mem:
            book |= w.book(m, e)
        acquired = book & new
        referred = [
            c
            for c in acquired
            if w.clients[c].get("source") in ("staff_referral", "client_referral")
        ]
        row["new_clients"] = len(acquired)
        row["referral_share"] = rate(len(referred), len(acquired))
        row["referrals_made"] = sum(
            1
            for c in w.clients.values()
            if c.get("source") == "staff_referral"
            and c.get("referred_by") in anyone
            and s <= c["opened_on"] <= e
        )

        if level == "staff":
            charged = [r for r in register if r["staff_id"] == ent]
        else:
            orgs = w.subtree(ent)
            distinct = {tuple(r[k] for k in RULE_ROW_KEYS) for r in register}
            charged = [dict(zip(RULE_ROW_KEYS, t, strict=True)) for t in distinct]
            charged = [r for r in charged if r["org_id"] in orgs]
        counts = {rule: sum(r["rule"] == rule for r in charged) for rule in RULES}
        row["exceptions"] = sum(counts.values())
        for rule in RULES:
            row[f"exc_{rule}"] = counts[rule]
        out.append({k: row[k] for k in COLUMNS})
    return out


RULE_ROW_KEYS = ("rule", "client_id", "staff_id", "org_id", "day", "ref")
