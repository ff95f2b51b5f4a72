"""The dashboard's pages and who may open them, declared once.

app.py builds the navigation from this table, and `ui.state.context()` (every page's first
statement) refuses a page to a role the table does not allow, before any query: a planner who
opens /audit by its URL meets the same rule as the navigation, from the same line.
A page file that is not in the table is refused to everyone (fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.i18n import t

DIRECTION = ("director", "head")
DIRECTOR = ("director",)


@dataclass(frozen=True)
class PageSpec:
    stem: str  # the file pages/<stem>.py and its URL path
    title: str  # i18n key
    icon: str
    section: str  # i18n key of its navigation section
    roles: tuple[str, ...] | None  # None: every signed-in role


def _section(section: str, *pages: tuple[str, str, str, tuple[str, ...] | None]) -> list[PageSpec]:
    return [PageSpec(stem, title, icon, section, roles) for stem, title, icon, roles in pages]


PAGES: tuple[PageSpec, ...] = (
    *_section(
        "section.dashboard",
        ("overview", "page.overview", ":material/dashboard:", DIRECTION),
        ("scorecards", "page.scorecards", ":material/leaderboard:", None),
        ("planner", "page.planner", ":material/person:", None),
        ("supervision", "page.supervision", ":material/visibility:", DIRECTION),
        ("health", "page.health", ":material/monitor_heart:", DIRECTION),
        ("compliance", "page.compliance", ":material/gavel:", None),
        ("metrics", "page.metrics", ":material/menu_book:", None),
    ),
    *_section(
        "section.appraisal",
        ("schemes", "page.schemes", ":material/rule:", None),
        ("snapshots", "page.snapshots", ":material/photo_camera:", DIRECTION),
        ("subscriptions", "page.subscriptions", ":material/schedule_send:", None),
        ("my_appraisal", "page.my_appraisal", ":material/assignment_ind:", None),
        ("results", "page.results", ":material/fact_check:", DIRECTION),
    ),
    *_section(
        "section.admin",
        ("data", "page.data", ":material/upload_file:", DIRECTOR),
        ("settings", "page.settings", ":material/tune:", DIRECTOR),
        ("audit", "page.audit", ":material/policy:", DIRECTOR),
        ("users", "page.users", ":material/group:", DIRECTOR),
    ),
)
BY_STEM = {page.stem: page for page in PAGES}


def allowed(stem: str, role: str | None) -> bool:
    """May `role` open pages/<stem>.py? An unknown page or a missing role: no."""
    page = BY_STEM.get(stem)
    if page is None or role is None:
        return False
    return page.roles is None or role in page.roles


def pages_of(role: str) -> list[PageSpec]:
    """The pages `role` may open, in navigation order."""
    return [page for page in PAGES if allowed(page.stem, role)]


def guard(stem: str, role: str | None) -> None:
    """Stop the page `stem` for a role the table does not allow (called by `state.context()`)."""
    if not allowed(stem, role):
        st.error(t("error.not_allowed"))
        st.stop()
