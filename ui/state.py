"""The Streamlit side of the metrics layer: one engine per process, cached metric frames, and the
page context (who is signed in, which period and org unit the sidebar chose, which language).

Caching rules (DESIGN.md): `st.cache_resource` for the engine; `st.cache_data(ttl=...)` for every
frame, keyed by period, level, the access scope's `cache_key()` and the data version. The data
version changes whenever an import commits or a setting is saved, in this process or another
one (a scheduled import), so a stale figure lives at most `VERSION_TTL` seconds; this process
clears every cache at once after its own imports and setting changes (`refresh()`).

The `Scope` itself is passed as an unhashed `_scope` argument next to its `scope_key`: the key is
what the cache compares, the object is what the metrics layer applies.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from data import audit
from data.db import is_empty, upgrade
from data.engine import KEEP_OPEN_SECONDS, facts_connection, facts_engine, make_engine
from data.settings import load_settings
from metrics.core.entities import Level
from metrics.core.masking import has_personal_data
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures import browse, compliance, lists, tables
from metrics.store import results
from ui import pages_table

log = logging.getLogger("wealth.ui")

TTL = 3600  # metric frames: the data change only by an import, which clears the cache anyway
VERSION_TTL = 15  # how soon another process's import or settings change is noticed


@st.cache_resource(show_spinner=False)
def get_engine() -> Engine:
    """The process's engine, on a database brought to the current schema."""
    engine = make_engine(keep_open=KEEP_OPEN_SECONDS)
    upgrade(engine)
    return engine


def refresh() -> None:
    """Forget every cached frame (after an import or a settings change in this process)."""
    st.cache_data.clear()


@st.cache_data(ttl=VERSION_TTL, show_spinner=False)
def data_version() -> str:
    with get_engine().connect() as conn:
        return browse.data_version(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def database_empty(version: str) -> bool:
    return is_empty(facts_engine(get_engine()))  # nothing to show: no facts (WEALTH_FACTS_URL)


@st.cache_data(ttl=TTL, show_spinner=False)
def settings(version: str) -> dict[str, Decimal]:
    with get_engine().connect() as conn:
        return load_settings(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def periods(kind: str, version: str) -> list[str]:
    with get_engine().connect() as conn:
        return [p.label() for p in browse.complete_periods(conn, kind)]


@st.cache_data(ttl=TTL, show_spinner=False)
def data_end(version: str) -> dt.date | None:
    with get_engine().connect() as conn:
        return browse.data_end(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def data_start(version: str) -> dt.date | None:
    """The first day of the first month with AUM (a period starting before it is partial)."""
    with get_engine().connect() as conn:
        return browse.data_start(conn)


@st.cache_data(ttl=TTL, show_spinner=False)
def org_units(scope_key: str, version: str, _scope: Scope) -> pd.DataFrame:
    with get_engine().connect() as conn:
        return browse.org_units(conn, _scope)


@st.cache_data(ttl=TTL, show_spinner=False)
def staff_list(scope_key: str, version: str, _scope: Scope) -> pd.DataFrame:
    with get_engine().connect() as conn:
        return browse.staff_list(conn, _scope)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=1024)
def _frame(key: str, version: str, _request: results.Request) -> pd.DataFrame:
    """A scorecard / supervision / health / trend frame: the key is the request's (its scope's
    cache key included); below this cache, the database's stored results (metrics/results.py)."""
    return results.fetch(get_engine(), _request, version)


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=256)
def _drill(
    metric_id: str,
    level: str,
    entity_id: str,
    period: str,
    scope_key: str,
    version: str,
    _scope: Scope,
) -> pd.DataFrame:
    engine = get_engine()
    with engine.connect() as conn, facts_connection(engine, conn) as facts:
        return tables.drill(
            facts,
            metric_id,
            level,  # type: ignore[arg-type]
            entity_id,
            Period.parse(period),
            _scope,
            settings(version),
        )


@st.cache_data(ttl=TTL, show_spinner=False, max_entries=128)
def _lookup(name: str, args: tuple[Any, ...], scope_key: str, version: str, _scope: Scope) -> Any:
    """The smaller per-entity lists (a book, activity, alerts...): one cache, keyed by name."""
    s = settings(version)
    with get_engine().connect() as conn:
        if name == "client_book":
            staff_id, day = args
            return browse.client_book(conn, staff_id, day, _scope, s)
        if name == "recent_activity":
            staff_id, day = args
            return browse.recent_activity(conn, staff_id, _scope, day)
        if name == "login_calendar":
            period, level, entity_id = args
            return browse.login_calendar(conn, Period.parse(period), level, entity_id, _scope)
        if name == "retention_alerts":
            period, level, entity_id = args
            return lists.retention_alert_list(
                conn, Period.parse(period), level, entity_id, _scope, s
            )
        if name == "care_due":
            day, level, entity_id = args
            return lists.care_due(conn, day, level, entity_id, _scope)
        if name == "tier_migration":
            period, level, entity_id = args
            return lists.tier_migration(conn, Period.parse(period), level, entity_id, _scope, s)
        if name == "proxies":
            (day,) = args
            return lists.proxies(conn, day, _scope)
        if name == "narrow":
            level, entity_id = args
            return browse.narrow(conn, _scope, level, entity_id)
        if name == "exceptions":  # the compliance register, with names (lifecycle.md)
            period, rule = args
            return compliance.exceptions(conn, Period.parse(period), _scope, s, rule, named=True)
        if name == "evidence":
            period, row = args
            return compliance.evidence(conn, dict(row), Period.parse(period), _scope)
    raise KeyError(name)


@st.cache_data(ttl=VERSION_TTL, show_spinner=False)
def import_history(version: str) -> pd.DataFrame:
    with get_engine().connect() as conn:
        return browse.import_history(conn)


def prefetch(*calls: Callable[[], Any], workers: int = 3) -> None:
    """Run cached calls side by side so that a page's first (cold) render waits for the slowest
    query rather than their sum; DuckDB releases the GIL while it works. The results land in
    the cache, where the page's own calls then find them. Failures are left for those calls
    to raise again, where the page reports them properly."""
    ctx = get_script_run_ctx()

    def run(call: Callable[[], Any]) -> None:
        try:
            call()
        except Exception:  # noqa: BLE001 - re-raised by the page's own call
            log.debug("prefetch failed", exc_info=True)

    with ThreadPoolExecutor(
        max_workers=workers, initializer=lambda: add_script_run_ctx(None, ctx)
    ) as pool:
        list(pool.map(run, calls))


def audit_unmasked(
    username: str, what: str, args: tuple[Any, ...], scope: Scope, frame: pd.DataFrame
) -> None:
    """Record a view of client personal data in clear: who, which list (and its page), which
    scope, how many clients. Once per session for the same list, arguments and data version: a
    rerun of the page (any click) shows nothing new."""
    key = (what, tuple(str(a) for a in args), scope.rows_key(), data_version())
    seen: set[Any] = st.session_state.setdefault("_unmask_audited", set())
    if key in seen:
        return
    clients = frame["client_id"].nunique() if "client_id" in frame else len(frame)
    with get_engine().begin() as conn:
        audit.record(
            conn,
            username,
            audit.UNMASK,
            what,
            {
                "arguments": [str(a) for a in args],
                "scope": scope.rows_key(),
                "clients": int(clients),
                "page": st.session_state.get("_page_name", ""),
            },
        )
    seen.add(key)


# --- the page context ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """The org unit (or, for a planner, the staff member) the sidebar focuses on."""

    level: Level
    entity_id: str
    name: str
    scope: Scope  # the identity's scope narrowed to this unit


@dataclass(frozen=True)
class Context:
    identity: Any
    lang: str
    version: str
    empty: bool
    period: Period | None = None
    unit: Unit | None = None
    units: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ready(self) -> bool:
        return not self.empty and self.period is not None and self.unit is not None

    @property
    def scope(self) -> Scope:
        return self.unit.scope if self.unit else self.identity.scope

    @property
    def is_director(self) -> bool:
        return getattr(self.identity, "role", None) == "director"

    @property
    def settings(self) -> dict[str, Decimal]:
        return settings(self.version)

    def _p(self, period: Period | None) -> str:
        chosen = period or self.period
        assert chosen is not None
        return chosen.label()

    def frame(self, request: results.Request) -> pd.DataFrame:
        return _frame(request.key(), self.version, request)

    def scorecard(self, level: Level, period: Period | None = None) -> pd.DataFrame:
        return self.frame(results.Request("scorecard", self._p(period), level, self.scope))

    def supervision(
        self, level: Level, period: Period | None = None, metrics: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The supervision table; `metrics` computes only the statements those ids need."""
        return self.frame(
            results.Request("supervision", self._p(period), level, self.scope, metrics)
        )

    def health(
        self, level: Level, period: Period | None = None, metrics: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The portfolio-health table; `metrics` computes only the statements those ids need."""
        return self.frame(results.Request("health", self._p(period), level, self.scope, metrics))

    def compliance(
        self, level: Level, period: Period | None = None, metrics: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The life-cycle compliance figures (lifecycle.md) of every entity of `level`."""
        return self.frame(
            results.Request("compliance", self._p(period), level, self.scope, metrics)
        )

    def drill(
        self, metric_id: str, level: str, entity_id: str, period: Period | None = None
    ) -> pd.DataFrame:
        s = self.scope
        return _drill(metric_id, level, entity_id, self._p(period), s.cache_key(), self.version, s)

    def aum_trend(self, level: Level, entity_id: str) -> pd.DataFrame:
        assert self.period is not None
        return self.frame(results.Request.trend(level, entity_id, self.scope, self.period))

    def lookup(self, name: str, *args: Any) -> Any:
        s = self.scope
        found = _lookup(name, tuple(args), s.cache_key(), self.version, s)
        # A lookup may give several frames by kind (the evidence of an exception).
        frames = found.values() if isinstance(found, dict) else [found]
        for frame in frames:
            # An empty list showed nobody's data: nothing to record.
            if (
                s.unmask
                and isinstance(frame, pd.DataFrame)
                and len(frame)
                and has_personal_data(frame)
            ):
                audit_unmasked(self.identity.username, name, args, s, frame)
                break
        return found

    def staff(self) -> pd.DataFrame:
        s = self.scope
        return staff_list(s.cache_key(), self.version, s)

    def all_staff(self) -> pd.DataFrame:
        """Every staff member the signed-in user may see (not only the focused unit's)."""
        s = self.identity.scope
        return staff_list(s.cache_key(), self.version, s)

    def focused(self, unit: Unit) -> Context:
        """The same context looking at another unit (a planner chosen on a page)."""
        return replace(self, unit=unit)

    def unit_names(self) -> dict[str, str]:
        return dict(zip(self.units["org_id"], self.units["name"], strict=False))


ENTRY = Path(__file__).resolve().parent.parent / "app.py"


def context() -> Context:
    """The context app.py stored for this run (pages call this first).

    Without one, the page is being run without app.py: Streamlit runs a file of `pages/` named by
    the URL (`/metrics`) directly while no run of this process has called `st.navigation` yet
    (its "pages directory" mode, e.g. a bookmark opened on a freshly started server). Nothing of
    the page may run then: back to the entry point, which asks for sign-in."""
    # The page asking (its file's name): the unmask audit says on which page data were seen.
    page_name = Path(sys._getframe(1).f_code.co_filename).stem
    ctx = st.session_state.get("_context")
    if ctx is None:
        # The entry point opens this page once the user is signed in (or resumed by cookie).
        from ui.auth import remember_page

        remember_page(page_name)
        # The address's query (the sidebar's choices, ui/sidebar_url.py) goes along with it.
        st.switch_page(ENTRY, query_params=st.query_params.to_dict())
    st.session_state["_page_name"] = page_name
    # Who may open it: the one table the navigation reads too (refused before any query).
    pages_table.guard(page_name, getattr(ctx.identity, "role", None))
    return ctx  # type: ignore[no-any-return]
