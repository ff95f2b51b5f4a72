"""The landing view: the frames a unit's Overview reads, and the warm-up that stores them.

The Overview page prefetches exactly `overview_requests(...)`, and the import (`data load`, the
Data page, `first-start`) calls `warm` right after it commits, so the first director to open the
dashboard on Monday reads stored figures instead of waiting for a dozen computations.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine

from metrics.core.catalogue import BY_ID
from metrics.core.entities import Level
from metrics.core.periods import Period
from metrics.core.scope import Scope, scoped
from metrics.measures import browse
from metrics.store import results
from metrics.store.results import Request

log = logging.getLogger("wealth.landing")

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


def landing_requests(engine: Engine) -> list[Request]:
    """The Overview a director lands on: the first unit of the whole tree (as the sidebar
    chooses it) for the latest complete month (the sidebar's default period)."""
    with engine.connect() as conn:
        months = browse.complete_periods(conn, "month")
        units = browse.org_units(conn, Scope.everything())
    if not months or units.empty:
        return []
    top = units.iloc[0]
    level: Level = "branch" if top["kind"] == "branch" else "sub_branch"
    return overview_requests(level, str(top["org_id"]), Scope.org(str(top["org_id"])), months[0])


def warm(engine: Engine) -> tuple[int, float]:
    """Compute and store the landing frames; (frames, seconds). Never fails an import: a
    problem is logged and the dashboard computes the frames when they are first asked for."""
    started = time.perf_counter()
    done = 0
    try:
        for request in landing_requests(engine):
            results.fetch(engine, request)
            done += 1
    except Exception:  # noqa: BLE001 - the import has committed; warming is only a head start
        log.warning("warming the landing figures failed", exc_info=True)
    return done, time.perf_counter() - started
