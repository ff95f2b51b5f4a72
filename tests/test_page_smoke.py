"""Every page of every role, in both languages: no exception, no error box, a title, and every
table renders a missing value as "—" (the captions promise it; Streamlit's default is "None")."""

from __future__ import annotations

import pytest

from tests.ui_support import DIRECTOR, HEAD, PLANNER, errors, signed_in
from ui.tables import NULL_TEXT

PAGES = {
    DIRECTOR: [
        "overview",
        "scorecards",
        "planner",
        "supervision",
        "health",
        "metrics",
        "schemes",
        "snapshots",
        "data",
        "settings",
        "audit",
        "users",
    ],
    HEAD: ["overview", "scorecards", "planner", "supervision", "health", "metrics", "schemes"],
    PLANNER: ["scorecards", "planner", "metrics", "schemes"],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_every_page(app_db: str, user: str, lang: str) -> None:
    at = signed_in(user, lang=lang, period_kind="quarter")
    for page in PAGES[user]:
        at.switch_page(f"pages/{page}.py").run()
        assert not errors(at), (page, errors(at))
        assert at.title, page
        for table in at.dataframe:
            assert table.proto.placeholder == NULL_TEXT, (page, table.key)
