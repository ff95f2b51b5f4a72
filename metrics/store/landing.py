"""The landing view: the frames a unit's Overview reads, and the warm-up that stores them.

The Overview page prefetches exactly `overview_requests(...)`, and the import (`data load`, the
Data page, `first-start`) calls `warm` right after it commits, so the first director to open the
dashboard on Monday reads stored figures instead of waiting for a dozen computations. After the
Overview, `warm` prepares the default views of the pages a director opens next (Scorecards with
its comparison a year back, the Planner page's first planner), within a time budget: the import
holds the database while it warms, and the dashboard waits for it.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

from sqlalchemy import Engine, text

from data.engine import facts_engine
from metrics.core import sql
from metrics.core.catalogue import BY_ID
from metrics.core.entities import Level
from metrics.core.periods import Period
from metrics.core.scope import Scope, scoped
from metrics.measures import browse
from metrics.store import results
from metrics.store.results import Request

log = logging.getLogger("wealth.landing")

# Seconds `warm` may spend after the landing Overview (which it always prepares in full) on the
# other pages' default views; a frame not prepared then is computed when first asked for.
WARM_BUDGET_SECONDS = float(os.environ.get("WEALTH_WARM_SECONDS", "90"))
# The Scorecards page compares with the same period a year earlier (ui/compare.py), in periods.
YEAR_AGO = {"month": 12, "quarter": 4, "year": 1}
# The Planner page's trend covers the last 12 periods (pages/planner.py).
TREND_PERIODS = 12

# The Overview's headline tiles. An increment's own change is itself, so the tiles show stocks
# and rates, each with its change against the previous period.
TILES = (
    "aum_stock",
    "top_clients",
    "retention_rate",
    "archive_rate",
    "coverage",
    "login_day_rate",
    "cadence_compliance",
    "request_sla",
    "exceptions",
)
# The previous period only feeds the tiles: just their supervision / health statements.
PREV_SUPERVISION = tuple(m for m in TILES if BY_ID[m].kind == "supervision")
PREV_HEALTH = tuple(m for m in TILES if BY_ID[m].kind == "health")
# Compliance feeds the tile and the "Needs action" flag (lifecycle.md): the exception counts only.
COMPLIANCE = tuple(m for m in TILES if BY_ID[m].kind == "compliance")


@scoped
def overview_requests(level: Level, entity_id: str, scope: Scope, period: Period) -> list[Request]:
    """Every frame the Overview of one unit (`scope` narrowed to it) reads for `period`."""
    label, prev = period.label(), period.prev().label()
    wanted = [
        Request("scorecard", label, level, scope),
        Request("scorecard", prev, level, scope),
        Request("supervision", label, level, scope),
        Request("supervision", prev, level, scope, PREV_SUPERVISION),
        Request("health", label, level, scope),
        Request("health", prev, level, scope, PREV_HEALTH),
        Request("supervision", label, "staff", scope),
        Request("health", label, "sub_branch", scope),
        Request.trend(level, entity_id, scope, period),
        Request("scorecard", label, "staff", scope),
        Request("compliance", label, level, scope, COMPLIANCE),
        Request("compliance", prev, level, scope, COMPLIANCE),
        Request("compliance", label, "staff", scope, COMPLIANCE),
    ]
    if level == "branch":  # the league table of its sub-branches
        wanted += [
            Request("scorecard", label, "sub_branch", scope),
            Request("supervision", label, "sub_branch", scope),
        ]
    return wanted


@dataclass(frozen=True)
class Landing:
    """The view a director lands on, and what the first pages after it need."""

    level: Level
    top: str  # the first unit of the whole tree, as the sidebar chooses it
    scope: Scope
    months: list[Period]  # complete months, newest first (the sidebar's default is the first)
    quarters: list[Period]  # complete quarters, newest first
    first: str | None  # the unit's first planner, in the Planner page's picker order


def _landing(engine: Engine) -> Landing | None:
    """The view a director lands on (one connection for all it reads); None without data."""
    with engine.connect() as conn:
        months = browse.complete_periods(conn, "month")
        units = browse.org_units(conn, Scope.everything())
        if not months or units.empty:
            return None
        top = str(units.iloc[0]["org_id"])
        scope = Scope.org(top)
        people = browse.staff_list(conn, scope)  # the Planner page's picker, in its order
        quarters = browse.complete_periods(conn, "quarter")
    level: Level = "branch" if units.iloc[0]["kind"] == "branch" else "sub_branch"
    first = None if people.empty else str(people["staff_id"].iloc[0])
    return Landing(level, top, scope, months, quarters, first)


def landing_requests(engine: Engine) -> list[Request]:
    """The Overview a director lands on: the first unit of the whole tree (as the sidebar
    chooses it) for the latest complete month (the sidebar's default period)."""
    found = _landing(engine)
    if found is None:
        return []
    return overview_requests(found.level, found.top, found.scope, found.months[0])


def compared_with(period: Period, complete: list[Period]) -> Period | None:
    """The period Scorecards compares `period` with by default (ui/compare.py): the same one a
    year earlier when complete, else the latest other complete one."""
    others = [p for p in complete if p != period]
    year_ago = period.shift(-YEAR_AGO[period.kind])
    if year_ago in others:
        return year_ago
    return others[0] if others else None


@scoped
def planner_requests(scope: Scope, period: Period, complete: list[Period]) -> list[Request]:
    """The frames the Planner page of one planner (`scope` narrowed to them) reads by default:
    the tiles of `period` and the one before, the trend of the first KPI over the last 12
    complete periods."""
    label, prev = period.label(), period.prev().label()
    wanted = [
        Request("scorecard", label, "staff", scope),
        Request("scorecard", prev, "staff", scope),
        Request("supervision", label, "staff", scope),
        Request("supervision", prev, "staff", scope),
    ]
    # The trend's default KPI is the first appraisal KPI: a scorecard figure.
    shown = [period.shift(-i) for i in range(TREND_PERIODS - 1, -1, -1)]
    wanted += [Request("scorecard", p.label(), "staff", scope) for p in shown if p in complete]
    return list(dict.fromkeys(wanted))


def monday_requests(engine: Engine) -> list[Request]:
    """What a director's first pages read, in the order they are opened: the landing Overview,
    Scorecards (its staff table and the unit's figures are the Overview's; the comparison a year
    back is its own), the Planner page of the unit's first planner, the Overview of the latest
    complete quarter. Supervision's tables are the Overview's too."""
    found = _landing(engine)
    if found is None:
        return []
    level, top, scope, months = found.level, found.top, found.scope, found.months
    month = months[0]
    wanted = overview_requests(level, top, scope, month)
    other = compared_with(month, months)
    if other is not None:
        wanted.append(Request("scorecard", other.label(), level, scope))
    if found.first is not None:
        wanted += planner_requests(Scope.staff(found.first), month, months)
    # Then the same Overview for the latest complete quarter: the appraisal's period, the
    # director's first switch of the period type (about 3 s cold at `branch` scale).
    if found.quarters:
        wanted += overview_requests(level, top, scope, found.quarters[0])
    return list(dict.fromkeys(wanted))


def refresh_statistics(engine: Engine) -> None:
    """PostgreSQL: ANALYZE, so that the planner knows the rows an import just wrote.

    Why: right after a bulk load the tables have no statistics until autovacuum gets to them
    (never, where it is off); the warm-up's KPI queries at `branch` scale were then planned for
    empty tables and one ran for over six minutes, where the same 30 frames took three minutes
    in all after an ANALYZE of six seconds (a saturated 2-core machine). DuckDB keeps its
    statistics as it writes."""
    # The facts store too, where it is a PostgreSQL database of its own (WEALTH_FACTS_URL).
    for target in dict.fromkeys([engine, facts_engine(engine)]):
        if target.dialect.name == "postgresql":
            with target.begin() as conn:
                sql.run(conn, text("ANALYZE"), "analyze")


def warm(engine: Engine, budget: float | None = None) -> tuple[int, float]:
    """Compute and store the landing frames, then the other first pages' frames as long as
    `budget` seconds (default `WARM_BUDGET_SECONDS`) after the landing ones are not over;
    (frames, seconds). Never fails an import: a problem is logged and the dashboard computes
    the frames when they are first asked for."""
    started = time.perf_counter()
    limit = WARM_BUDGET_SECONDS if budget is None else budget
    done = 0
    try:
        refresh_statistics(engine)
        landing = set(landing_requests(engine))
        rest_started: float | None = None
        for request in monday_requests(engine):
            if request not in landing:
                rest_started = rest_started or time.perf_counter()
                if time.perf_counter() - rest_started > limit:
                    log.info("warming stopped after %d frames: over its %.0f s", done, limit)
                    break
            results.fetch(engine, request)
            done += 1
    except Exception:  # noqa: BLE001 - the import has committed; warming is only a head start
        log.warning("warming the landing figures failed", exc_info=True)
    return done, time.perf_counter() - started
