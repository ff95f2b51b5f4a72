"""What needs action: the rules that turn a period's figures into flags naming whom they concern
(the Overview's "Needs action", the Supervision page's idle list), decided here once from the
settings, never in a page (DESIGN.md rule 3).

Each flag names the entities concerned (planners or units) with the figure that raised it, and
the metric whose drill-through lists its rows. The rules:

- `overloaded`: planners whose load (primary book at e) exceeds `load.max_clients` (advisors are
  not counted, as in the health metric `overloaded_planners`);
- `coverage`: sub-branches whose wealth clients' primary-manager coverage is below 100%;
- `sla`: staff with requests due in P that missed their SLA (how many each);
- `idle`: staff with no login for more than `supervision.idle_days` days before e, among those
  still employed at e — staff who have left (`left_on` on or before e) belong in history, not in
  an action list (their own rows still show their idle days);
- `alerts`: retention alerts of P not followed up, per primary manager on the alert day (an
  alert without a primary manager is counted under no name);
- `aum_gaps`: clients of the unit's book at e without an AUM row for e's month (counted as 0);
- `exceptions`: the unit's compliance exceptions of P (lifecycle.md) when not zero, with the
  change against the previous period; concerned are the staff with exceptions charged to them,
  most first (rows charged to a unit alone are in the count, under no name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd

from metrics.core.values import is_null

Settings = dict[str, Decimal]


@dataclass(frozen=True)
class Flag:
    kind: str
    # How many things are flagged (planners, units, requests, alerts, clients).
    count: int
    # Who is concerned: entity_id, name, level and the figure that raised the flag.
    concerned: pd.DataFrame = field(default_factory=pd.DataFrame)
    # The metric whose drill-through lists the rows behind the flag.
    metric: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [str(n) for n in self.concerned.get("name", pd.Series(dtype=object))]


def _concerned(frame: pd.DataFrame, level: str, figure: str) -> pd.DataFrame:
    out = frame[["entity_id", "name", figure]].rename(columns={figure: "figure"}).copy()
    out.insert(2, "level", level)
    return out.reset_index(drop=True)


def still_employed(staff: pd.DataFrame, day: dt.date) -> set[str]:
    """Staff ids of `staff` (with `left_on`) who had not left on `day`."""
    return {
        str(s)
        for s, left in zip(staff["staff_id"], staff["left_on"], strict=True)
        if is_null(left) or left > day
    }


def idle_staff(
    staff_supervision: pd.DataFrame, staff: pd.DataFrame, settings: Settings, day: dt.date
) -> pd.DataFrame:
    """Staff still employed on `day` with no login for more than `supervision.idle_days` days,
    the longest idle first (the one "idle" rule of the dashboard)."""
    limit = int(settings["supervision.idle_days"])
    here = still_employed(staff, day)
    idle = staff_supervision[
        staff_supervision["entity_id"].isin(here)
        & staff_supervision["idle_days"].notna()
        & (staff_supervision["idle_days"].fillna(0) > limit)
    ]
    return idle.sort_values(["idle_days", "entity_id"], ascending=[False, True], ignore_index=True)


def needs_action(
    *,
    unit_scorecard: pd.Series | None,
    unit_health: pd.DataFrame,
    staff_supervision: pd.DataFrame,
    staff: pd.DataFrame,
    alerts: pd.DataFrame,
    settings: Settings,
    day: dt.date,
    unit_compliance: pd.Series | None = None,
    prev_compliance: pd.Series | None = None,
    staff_compliance: pd.DataFrame | None = None,
) -> list[Flag]:
    """The flags of one unit for the period ending `day`.

    `unit_scorecard` is the unit's own scorecard row, `unit_health` the health table of its
    sub-branches, `staff_supervision` the supervision table of its staff, `staff` its staff list
    (with `left_on`), `alerts` its retention-alert list of the period; `unit_compliance` and
    `prev_compliance` the unit's compliance rows of P and of the period before (with
    `exceptions`), `staff_compliance` the compliance table of its staff."""
    flags: list[Flag] = []
    limit = int(settings["load.max_clients"])
    planners = staff_supervision[staff_supervision["role"] == "planner"]
    over = planners[planners["load"].fillna(0) > limit]
    if len(over):
        flags.append(
            Flag(
                "overloaded", len(over), _concerned(over, "staff", "load"), "load", {"limit": limit}
            )
        )
    low = unit_health[unit_health["coverage"].notna() & (unit_health["coverage"].fillna(1) < 1)]
    if len(low):
        flags.append(
            Flag("coverage", len(low), _concerned(low, "sub_branch", "coverage"), "coverage")
        )
    missed = staff_supervision["requests_due"].fillna(0) - staff_supervision["requests_met"].fillna(
        0
    )
    breached = staff_supervision.assign(missed=missed)[missed > 0]
    if len(breached):
        flags.append(
            Flag(
                "sla",
                int(breached["missed"].sum()),
                _concerned(breached, "staff", "missed"),
                "request_sla",
                {"staff": len(breached)},
            )
        )
    idle = idle_staff(staff_supervision, staff, settings, day)
    if len(idle):
        days = int(settings["supervision.idle_days"])
        flags.append(
            Flag(
                "idle",
                len(idle),
                _concerned(idle, "staff", "idle_days"),
                "idle_days",
                {"days": days},
            )
        )
    unfollowed = alerts[~alerts["followed_up"].astype(bool)] if len(alerts) else alerts
    if len(unfollowed):
        per = (
            unfollowed.dropna(subset=["primary_staff_id"])
            .groupby("primary_staff_id")
            .size()
            .rename("figure")
            .reset_index()
            .rename(columns={"primary_staff_id": "entity_id"})
        )
        names = dict(zip(staff["staff_id"], staff["name"], strict=True))
        per.insert(1, "name", per["entity_id"].map(lambda s: names.get(s, s)))
        per.insert(2, "level", "staff")
        per = per.sort_values(["figure", "entity_id"], ascending=[False, True], ignore_index=True)
        flags.append(Flag("alerts", len(unfollowed), per, "followup_rate"))
    gaps = 0 if unit_scorecard is None else int(unit_scorecard["aum_gaps"])
    if gaps > 0:
        flags.append(Flag("aum_gaps", gaps, metric="aum_stock", params={"month": f"{day:%Y-%m}"}))
    found = _exceptions(unit_compliance)
    if found > 0:
        concerned = pd.DataFrame(columns=["entity_id", "name", "level", "figure"])
        if staff_compliance is not None and len(staff_compliance):
            charged = staff_compliance[staff_compliance["exceptions"].fillna(0) > 0]
            charged = charged.sort_values(
                ["exceptions", "entity_id"], ascending=[False, True], ignore_index=True
            )
            concerned = _concerned(charged, "staff", "exceptions")
            concerned["figure"] = [int(v) for v in concerned["figure"]]
        change = found - _exceptions(prev_compliance)
        flags.append(Flag("exceptions", found, concerned, "exceptions", {"change": change}))
    return flags


def _exceptions(row: pd.Series | None) -> int:
    """A compliance row's exception count (no row, or no figure: none)."""
    if row is None or is_null(row.get("exceptions")):
        return 0
    return int(row["exceptions"])
