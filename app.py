"""The dashboard's entry point: `streamlit run app.py`.

It owns what every page shares: the page setup, sign-in, the navigation (an explicit list of
pages, gated by role: `ui.pages_table`), and the sidebar — language, period and org unit, also
kept in the page's address so that a reload or a bookmark keeps them (`ui.sidebar_url`). The
choices are put in a `ui.state.Context` for the page, which then only reads widgets of its own,
calls the metrics layer through the cached wrappers and renders.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from data.calendar import CalendarRangeError
from data.engine import DatabaseBusyError, ImportRunning
from metrics.core.periods import Period
from metrics.core.scope import Scope

# Imported here so that altair loads while the sign-in form shows, not after the click.
from ui import charts as _charts  # noqa: F401
from ui import icon, page_style, pages_table, sidebar_url, state
from ui.auth import requested_page, require_identity, sign_out_button
from ui.common import keep, remember
from ui.format import period_label
from ui.i18n import DEFAULT_LANG, LANG_LABELS, LANGS, labels, lang, role_name, t
from ui.periods import picker_options
from ui.plain import plain

log = logging.getLogger("wealth.app")
ROOT = Path(__file__).resolve().parent
PAGES = ROOT / "pages"
KINDS = ("month", "quarter", "year")


def pages_for(role: str) -> dict[str, list[st.Page]]:
    """The navigation for one role: the pages `ui.pages_table` allows it, by section (the same
    table guards each page in `state.context()`). A page joins once its file exists."""
    default = "overview" if role in ("director", "head") else "planner"
    sections: dict[str, list[st.Page]] = {}
    for spec in pages_table.pages_of(role):
        if (PAGES / f"{spec.stem}.py").exists():
            sections.setdefault(t(spec.section), []).append(
                st.Page(
                    PAGES / f"{spec.stem}.py",
                    title=t(spec.title),
                    icon=spec.icon,
                    url_path=spec.stem,
                    default=spec.stem == default,
                )
            )
    return sections


def language_switch() -> None:
    keep("lang", LANGS, DEFAULT_LANG)
    st.sidebar.segmented_control(
        t("sidebar.language"),
        LANGS,
        format_func=LANG_LABELS.get,
        key="lang",
        required=True,
        on_change=remember,
        args=("lang",),
    )


def period_picker(version: str) -> Period | None:
    # A period in the address (a reload, a bookmark) brings its kind along.
    wanted = sidebar_url.take_period()
    sidebar_url.choose("period_kind", wanted.kind if wanted else None, KINDS, "month")
    keep("period_kind", KINDS, "month")
    kind = st.sidebar.segmented_control(
        t("sidebar.period_kind"),
        KINDS,
        format_func=labels(KINDS, lambda k: t(f"kind.{k}")),
        key="period_kind",
        required=True,
        on_change=remember,
        args=("period_kind",),
    )
    # Complete periods, and the quarter or year under way "to date" (ui/periods.py).
    options, default = picker_options(kind or "month", version)
    if not options or default is None:
        st.sidebar.caption(t("sidebar.no_periods"))
        return None
    # The latest complete period is the default; a choice of another kind is replaced, and so
    # is an address's period the data do not hold complete (2026Q4 in October: 2026Q3).
    sidebar_url.choose("period", wanted.label() if wanted else None, options, default)
    keep("period", options, default)
    chosen = st.sidebar.selectbox(
        t("sidebar.period"),
        options,
        format_func=labels(options, lambda p: period_label(p, lang())),
        key="period",
        on_change=remember,
        args=("period",),
    )
    return Period.parse(chosen)


def unit_picker(identity: object, version: str) -> tuple[state.Unit | None, object]:
    """The org unit to look at, among those the identity may see (a planner: themself)."""
    scope: Scope = identity.scope  # type: ignore[attr-defined]
    units = state.org_units(scope.cache_key(), version, scope)
    wanted = sidebar_url.take(sidebar_url.UNIT)  # taken even by a planner, who has no choice
    st.session_state["unit_names"] = dict(zip(units["org_id"], units["name"], strict=False))
    if units.empty:
        staff_id = getattr(identity, "staff_id", None)
        if not staff_id:
            return None, units
        name = getattr(identity, "display_name", "") or staff_id
        return state.Unit("staff", staff_id, name, scope), units
    options = list(units["org_id"])
    # An address's unit outside the identity's scope (a head editing the address) is ignored.
    sidebar_url.choose("scope_org", wanted, options, options[0])
    keep("scope_org", options, options[0])
    names = dict(zip(units["org_id"], units["name"], strict=False))
    # Indent by depth below the user's top unit (a head's own sub-branch is not indented).
    top = int(units["depth"].min())
    depth = dict(zip(units["org_id"], units["depth"] - top, strict=False))
    chosen = st.sidebar.selectbox(
        t("sidebar.scope"),
        options,
        format_func=labels(options, lambda o: ("\u3000" * int(depth[o])) + names[o]),
        key="scope_org",
        on_change=remember,
        args=("scope_org",),
    )
    kind = units.loc[units["org_id"] == chosen, "kind"].iloc[0]
    level = "branch" if kind == "branch" else "sub_branch"
    # The unit's rows, with the identity's right to see client data in clear.
    unit_scope = scope.narrowed(Scope.org(chosen))
    return state.Unit(level, chosen, names[chosen], unit_scope), units  # type: ignore[arg-type]


def main() -> None:
    st.set_page_config(
        page_title="财富中心看板 · Wealth centre",
        page_icon=icon.page_icon(),  # served by the dashboard itself, see ui/icon.py
        layout="wide",
        initial_sidebar_state="expanded",
    )
    sidebar_url.capture()  # a reload's or a bookmark's choices, before the sidebar draws
    language_switch()
    engine = state.get_engine()
    identity = require_identity(engine)

    version = state.data_version()
    empty = state.database_empty(version)
    period = unit = None
    units = None
    st.sidebar.caption(
        t("sidebar.signed_in", name=plain(identity.display_name), role=role_name(identity.role))
    )
    unit_id = None
    if not empty:
        period = period_picker(version)
        unit, units = unit_picker(identity, version)
        # A planner has no unit to choose (their own figures): no unit in the address.
        if unit is not None and unit.level != "staff":
            unit_id = unit.entity_id
    sidebar_url.publish(lang(), period, unit_id)  # F5 and a bookmark keep these choices
    page_style.apply(lang())  # tile names wrap; the uploader speaks Chinese
    sign_out_button(engine)
    ctx = state.Context(
        identity=identity,
        lang=lang(),
        version=version,
        empty=empty,
        period=period,
        unit=unit,
        **({"units": units} if units is not None else {}),
    )
    st.session_state["_context"] = ctx
    sections = pages_for(identity.role)
    page = st.navigation(sections, expanded=True)
    # A page asked for before sign-in (a bookmark) opens now, if the role may see it.
    wanted = requested_page(sections)
    if wanted is not None and wanted.url_path != page.url_path:
        st.switch_page(wanted, query_params=sidebar_url.current())
    try:
        page.run()
    except ImportRunning:
        st.info(t("import_robust.running"))
    except DatabaseBusyError:
        st.warning(t("error.busy"))
    except CalendarRangeError as exc:
        st.warning(t("error.calendar", detail=plain(exc)))
    except Exception as exc:  # noqa: BLE001 - a page must never show a traceback to a banker
        log.exception("page %s failed", getattr(page, "url_path", "?"))
        st.error(t("error.generic", kind=type(exc).__name__))
    finally:
        # An invisible last element: browser tests wait for it to be fresh (the run is over).
        with st.container(key="page_end"):
            st.empty()


try:
    main()
except ImportRunning:
    # Before a page runs (the account re-read, the sidebar): the same sentence, no traceback.
    st.info(t("import_robust.running"))
