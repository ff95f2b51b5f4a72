"""A second, independent implementation of the supervision and portfolio-health metrics.

Plain Python over the same rows (lists of dicts per table), read straight from kpis.md, sharing
no code with `metrics/`: no SQL, and the working-day calendar comes from `chinese_calendar`
itself. The golden tests compare whole tables of both implementations.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import chinese_calendar
import pandas as pd

from metrics.core.periods import Period

Data = dict[str, list[dict[str, Any]]]
CHANNELS = ("visit", "phone", "sms", "email", "wechat", "event")
KINDS = ("activity", "event", "problem", "opportunity", "sms")


def day_of(ts: dt.datetime | None) -> dt.date | None:
    return None if ts is None else ts.date()


def in_period(ts: dt.datetime, p: Period) -> bool:
    return p.start <= ts.date() <= p.end


def div(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


class World:
    def __init__(self, data: Data, settings: dict[str, Decimal]) -> None:
        self.d = data
        self.s = settings
        self.staff = {r["staff_id"]: r for r in data["staff"]}
        self.clients = {r["client_id"]: r for r in data["clients"]}
        self.orgs = {r["org_id"]: r for r in data["org_units"]}
        self.aum = {(r["client_id"], r["month"]): r["avg_daily_aum"] for r in data["aum_monthly"]}

    # org tree and members
    def subtree(self, org_id: str) -> set[str]:
        out = {org_id}
        changed = True
        while changed:
            changed = False
            for o in self.orgs.values():
                if o["parent_id"] in out and o["org_id"] not in out:
                    out.add(o["org_id"])
                    changed = True
        return out

    def entity_ids(self, level: str) -> list[str]:
        if level == "staff":
            return sorted(s for s, r in self.staff.items() if r["role"] in ("planner", "advisor"))
        return sorted(o for o, r in self.orgs.items() if r["kind"] == level)

    def members(self, level: str, entity: str) -> list[str]:
        if level == "staff":
            return [entity]
        orgs = self.subtree(entity)
        return sorted(
            s
            for s, r in self.staff.items()
            if r["role"] in ("planner", "advisor") and r["org_id"] in orgs
        )

    # books, AUM and tiers
    @staticmethod
    def active(a: dict[str, Any], day: dt.date) -> bool:
        return a["start_on"] <= day and (a["end_on"] is None or a["end_on"] > day)

    def is_open(self, client_id: str, day: dt.date) -> bool:
        closed = self.clients[client_id]["closed_on"]
        return closed is None or closed > day

    def staff_book(self, staff_id: str, day: dt.date) -> set[str]:
        role = {"planner": "primary", "advisor": "secondary"}.get(self.staff[staff_id]["role"])
        return {
            a["client_id"]
            for a in self.d["assignments"]
            if a["staff_id"] == staff_id
            and a["role"] == role
            and self.active(a, day)
            and self.is_open(a["client_id"], day)
        }

    def book(self, level: str, entity: str, day: dt.date) -> set[str]:
        out: set[str] = set()
        for m in self.members(level, entity):
            out |= self.staff_book(m, day)
        return out

    def aum_at(self, client_id: str, day: dt.date) -> Decimal:
        return Decimal(self.aum.get((client_id, day.replace(day=1)), 0))

    def tier(self, amount: Decimal) -> str:
        if amount >= self.s["tier.black_gold"]:
            return "black_gold"
        if amount >= self.s["tier.platinum"]:
            return "platinum"
        return "mass"


def working_days(p: Period) -> int:
    n = (p.end - p.start).days + 1
    return sum(chinese_calendar.is_workday(p.start + dt.timedelta(days=i)) for i in range(n))


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    found = 0
    while found < n:
        day += dt.timedelta(days=1)
        found += chinese_calendar.is_workday(day)
    return day


def request_verdict(w: World, r: dict[str, Any], e: dt.date) -> tuple[str, dt.date | None, bool]:
    """(tier, deadline date, met) of one request."""
    received = r["received_at"]
    tier = w.tier(w.aum_at(r["client_id"], received.date()))
    if tier == "black_gold":
        deadline = received + dt.timedelta(hours=int(w.s["sla.black_gold_hours"]))
        met = r["resolved_at"] is not None and r["resolved_at"] <= deadline
        return tier, deadline.date(), met
    if tier == "platinum":
        day = nth_working_day_after(received.date(), int(w.s["sla.platinum_working_days"]))
        ack_by = received + dt.timedelta(hours=int(w.s["sla.platinum_ack_hours"]))
        end_of_day = dt.datetime.combine(day, dt.time(23, 59, 59))
        met = (
            r["acknowledged_at"] is not None
            and r["acknowledged_at"] <= ack_by
            and r["resolved_at"] is not None
            and r["resolved_at"] <= end_of_day
        )
        return tier, day, met
    return tier, None, False


def ref_supervision(
    data: Data, p: Period, level: str, settings: dict[str, Decimal]
) -> pd.DataFrame:
    w = World(data, settings)
    e = p.end
    wd = working_days(p)
    rows = []
    for ent in w.entity_ids(level):
        mem = set(w.members(level, ent))
        row: dict[str, Any] = {"entity_id": ent}
        lg = [r for r in data["logins"] if r["staff_id"] in mem and in_period(r["login_at"], p)]
        # Working days only (kpis.md): a weekend or holiday login is a login, not a login day.
        row["login_days"] = len(
            {
                (r["staff_id"], r["login_at"].date())
                for r in lg
                if chinese_calendar.is_workday(r["login_at"].date())
            }
        )
        row["login_day_rate"] = div(row["login_days"], len(mem) * wd)
        row["logins"] = len(lg)
        secs = [(r["logout_at"] - r["login_at"]).total_seconds() for r in lg if r["logout_at"]]
        row["avg_session_minutes"] = None if not secs else sum(secs) / 60.0 / len(secs)
        idle = []
        for m in mem:
            before = [
                r["login_at"].date()
                for r in data["logins"]
                if r["staff_id"] == m and r["login_at"].date() <= e
            ]
            if before:
                idle.append((e - max(before)).days)
        row["idle_days"] = max(idle) if idle else None
        iu = [r for r in data["info_updates"] if r["staff_id"] in mem and in_period(r["at"], p)]
        row["info_updates"] = len(iu)
        row["info_updated_clients"] = len({r["client_id"] for r in iu})
        ct = [r for r in data["contacts"] if r["staff_id"] in mem and in_period(r["at"], p)]
        row["contacts"] = len(ct)
        bk = w.book(level, ent, e)
        contacted = {r["client_id"] for r in ct}
        row["contact_coverage"] = div(len(bk & contacted), len(bk))
        compliant = 0
        for c in bk:
            dates = [
                r["at"].date()
                for r in data["contacts"]
                if r["client_id"] == c and r["at"].date() <= e
            ]
            cycle = w.clients[c]["contact_cycle"] or "quarterly"
            if dates and (e - max(dates)).days <= int(settings[f"cycle.days.{cycle}"]):
                compliant += 1
        row["cadence_compliance"] = div(compliant, len(bk))
        items = [
            r for r in data["work_items"] if r["staff_id"] in mem and r["status"] != "cancelled"
        ]
        created = [r for r in items if in_period(r["created_at"], p)]
        done = [r for r in created if r["done_at"] is not None and r["done_at"].date() <= e]
        overdue = [
            r
            for r in items
            if r["created_at"].date() <= e
            and (r["done_at"] is None or r["done_at"].date() > e)
            and r["due_at"] is not None
            and r["due_at"].date() < e
        ]
        row["work_items_created"] = len(created)
        row["work_items_done"] = len(done)
        row["work_items_completion_rate"] = div(len(done), len(created))
        row["work_items_overdue"] = len(overdue)
        row["opportunity_value"] = sum(
            (r.get("amount") or Decimal(0) for r in created if r["kind"] == "opportunity"),
            Decimal(0),
        ).quantize(Decimal("0.01"))
        due = met = 0
        for r in data["requests"]:
            if r["staff_id"] in mem and in_period(r["received_at"], p):
                tier, deadline, ok = request_verdict(w, r, e)
                if deadline is not None and deadline <= e:
                    due += 1
                    met += ok
        row["requests_due"] = due
        row["request_sla"] = div(met, due)
        row["load"] = len(bk)
        # extras
        for ch in CHANNELS:
            row[f"contacts_{ch}"] = sum(r["channel"] == ch for r in ct)
        for k in KINDS:
            row[f"work_items_created_{k}"] = sum(r["kind"] == k for r in created)
            row[f"work_items_done_{k}"] = sum(r["kind"] == k for r in done)
            row[f"work_items_overdue_{k}"] = sum(r["kind"] == k for r in overdue)
        row["work_items_done_on_time"] = sum(
            r["due_at"] is not None and r["done_at"] <= r["due_at"] for r in done
        )
        row["requests_met"] = met
        row["load_flag"] = len(bk) > int(settings["load.max_clients"]) if level == "staff" else None
        rows.append(row)
    return pd.DataFrame(rows)


def home_org(w: World, client_id: str, e: dt.date, sole_branch: str | None) -> str | None:
    cands = [
        a
        for a in w.d["assignments"]
        if a["client_id"] == client_id
        and a["role"] in ("primary", "secondary")
        and a["start_on"] <= e
    ]
    if not cands:
        return sole_branch
    cands.sort(
        key=lambda a: (
            0 if a["role"] == "primary" and w.active(a, e) else 1,
            -a["start_on"].toordinal(),
            0 if a["role"] == "primary" else 1,
            a["staff_id"],
        )
    )
    return w.staff[cands[0]["staff_id"]]["org_id"]


def ref_alerts(w: World, p: Period, level: str, ent: str) -> list[dict[str, Any]]:
    s = w.s
    drop = s["alert.aum_drop"]
    rank = {"mass": 0, "platinum": 1, "black_gold": 2}
    raw = []
    for m in p.month_starts():
        prev_m = (m - dt.timedelta(days=1)).replace(day=1)
        last = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        for c in w.clients:
            before = Decimal(w.aum.get((c, prev_m), 0))
            now = Decimal(w.aum.get((c, m), 0))
            fell = before > 0 and before - now >= before * drop
            tier_fell = rank[w.tier(now)] < rank[w.tier(before)]
            if fell or tier_fell:
                raw.append((c, "aum_drop" if fell else "tier_drop", last, None, last))
    for ev in w.d["account_events"]:
        if in_period(ev["at"], p) and ev["kind"] in ("large_outflow", "closure"):
            day = ev["at"].date()
            book_day = day - dt.timedelta(days=1) if ev["kind"] == "closure" else day
            raw.append((ev["client_id"], ev["kind"], day, ev["at"], book_day))
    out = []
    books: dict[dt.date, set[str]] = {}
    for c, reason, day, at, book_day in raw:
        if book_day not in books:
            books[book_day] = w.book(level, ent, book_day)
        if c not in books[book_day]:
            continue
        primaries = {
            a["staff_id"]
            for a in w.d["assignments"]
            if a["client_id"] == c and a["role"] == "primary" and w.active(a, day)
        }
        hits = [
            k["at"].date()
            for k in w.d["contacts"]
            if k["client_id"] == c
            and k["staff_id"] in primaries
            and day <= k["at"].date() <= day + dt.timedelta(days=int(s["alert.followup_days"]))
        ]
        out.append(
            {
                "client_id": c,
                "reason": reason,
                "alert_day": day,
                "event_at": at,
                "primary_staff_id": min(primaries) if primaries else None,
                "followed_up": bool(hits),
                "followup_day": min(hits) if hits else None,
            }
        )
    return out


def ref_health(data: Data, p: Period, level: str, settings: dict[str, Decimal]) -> pd.DataFrame:
    w = World(data, settings)
    e = p.end
    branches = [o for o, r in w.orgs.items() if r["kind"] == "branch"]
    sole = branches[0] if len(branches) == 1 else None
    homes = {c: home_org(w, c, e, sole) for c in w.clients}
    rows = []
    for ent in w.entity_ids(level):
        orgs = w.subtree(ent)
        wealth = top = covered = dual = 0
        for c in w.clients:
            if not w.is_open(c, e) or homes[c] not in orgs:
                continue
            amount = w.aum_at(c, e)
            active = [a for a in data["assignments"] if a["client_id"] == c and w.active(a, e)]
            has_p = any(a["role"] == "primary" for a in active)
            has_s = any(a["role"] == "secondary" for a in active)
            if amount >= settings["tier.wealth"]:
                wealth += 1
                covered += has_p
            if amount >= settings["tier.black_gold"]:
                top += 1
                dual += has_p and has_s
        overloaded = sum(
            len(w.staff_book(m, e)) > int(settings["load.max_clients"])
            for m in w.members(level, ent)
            if w.staff[m]["role"] == "planner"
        )
        alerts = ref_alerts(w, p, level, ent)
        followed = sum(a["followed_up"] for a in alerts)
        rows.append(
            {
                "entity_id": ent,
                "coverage": div(covered, wealth),
                "dual_manager": div(dual, top),
                "overloaded_planners": overloaded,
                "retention_alerts": len(alerts),
                "followup_rate": div(followed, len(alerts)),
                "coverage__num": covered,
                "coverage__den": wealth,
                "dual_manager__num": dual,
                "dual_manager__den": top,
                "alerts_followed": followed,
            }
        )
    return pd.DataFrame(rows)


def assert_same_table(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every column of `expected` equals `actual`'s, row by row (nulls equal, floats to 1e-12)."""
    assert list(actual["entity_id"]) == list(expected["entity_id"])
    problems = []
    for col in expected.columns:
        for ent, a, b in zip(
            expected["entity_id"], actual[col].tolist(), expected[col].tolist(), strict=True
        ):
            a = None if a is None or (not isinstance(a, str) and pd.isna(a)) else a
            b = None if b is None or (not isinstance(b, str) and pd.isna(b)) else b
            if a is None or b is None:
                same = a is None and b is None
            elif isinstance(b, float) or isinstance(a, float):
                same = abs(float(a) - float(b)) <= 1e-12 * max(1.0, abs(float(b)))
            else:
                same = a == b
            if not same:
                problems.append(f"{ent}.{col}: got {a!r}, expected {b!r}")
    assert not problems, "\n".join(problems)


def assert_drills_reaggregate(conn: Any, table_of: Any, metrics: Any, levels: Any) -> None:
    """Every entity's figure equals its drilled rows re-aggregated, for every metric of `metrics`,
    at every level, for a month and a quarter (`table_of(conn, period, level, scope)` is the
    table)."""
    from data.settings import load_settings
    from metrics.core.periods import Period
    from metrics.core.scope import Scope
    from metrics.measures.tables import drill, reaggregate

    settings = load_settings(conn)
    for text in ("2025-09", "2025Q3"):
        period = Period.parse(text)
        for level in levels:
            table = table_of(conn, period, level, Scope.everything()).set_index("entity_id")
            for entity_id in table.index:
                for metric in metrics:
                    rows = drill(
                        conn, metric, level, entity_id, period, Scope.everything(), settings
                    )
                    figure = table.at[entity_id, metric]
                    again = reaggregate(metric, rows, period)
                    if pd.isna(figure):
                        assert again is None, (level, entity_id, metric, again)
                    else:
                        assert again == figure, (level, entity_id, metric, again, figure)
