"""The sizes of the demo data sets and the constants every part of the generator shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DEMO_AS_OF = dt.date(2026, 10, 31)
"""Every event date of the demo data is on or before this day (due_at/end_on/expires_on aside)."""


@dataclass(frozen=True)
class ScaleSpec:
    """The size of a generated data set. Counts are per branch; `branches` repeats the structure."""

    branches: int
    sub_branches: int
    planners: int
    advisors: int
    clients: int
    months: int  # months of AUM, the last one being the as-of month
    overloaded: int  # planners pushed above load.max_clients (200 primary clients)
    leavers: int  # planners who leave during the window; their clients are transferred
    idle: int  # planners with no login in the last weeks


SCALES: dict[str, ScaleSpec] = {
    "tiny": ScaleSpec(1, 2, 4, 2, 40, 24, overloaded=0, leavers=0, idle=1),
    "demo": ScaleSpec(1, 6, 40, 4, 6_000, 24, overloaded=1, leavers=1, idle=1),
    "branch": ScaleSpec(1, 40, 400, 20, 80_000, 36, overloaded=2, leavers=8, idle=2),
    "headoffice": ScaleSpec(10, 40, 400, 20, 80_000, 36, overloaded=2, leavers=8, idle=2),
}


EPOCH = dt.date(1970, 1, 1)
AS_OF_DAY = (DEMO_AS_OF - EPOCH).days
DAY = 86_400
AS_OF_END = AS_OF_DAY * DAY + DAY - 1  # 23:59:59 on the as-of day: the last valid event second
NA = np.iinfo(np.int64).min  # null in integer columns (days, seconds, fen)
NEVER = np.iinfo(np.int64).max  # an "until" that never comes
DAY_KEY = 1 << 20  # > any day number; packs (staff, day) into one sortable integer

# Contract defaults (settings.py): the generator aims its distributions at these thresholds.
BLACK_GOLD = 3_000_000.0
PLATINUM = 500_000.0
WEALTH = 1_000_000.0
MASS, PLAT, TOP = 0, 1, 2  # tier codes, in order so that "tier fell" is a plain comparison

PLANNER, ADVISOR, HEAD, DIRECTOR = 0, 1, 2, 3
ROLES = ["planner", "advisor", "head", "director"]
