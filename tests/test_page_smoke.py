"""Every page of every role, in both languages: no exception, no error box, a title."""

from __future__ import annotations

import pytest

from tests.ui_support import DIRECTOR, HEAD, PLANNER, errors, signed_in

PAGES = {
    DIRECTOR: [
        "overview",
        "scorecards",
        "planner",
        "supervision",
        "health",
        "metrics",
        "data",
        "settings",
    ],
    HEAD: ["overview", "scorecards", "planner", "supervision", "health", "metrics"],
    PLANNER: ["scorecards", "planner", "metrics"],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_every_page(app_db: str, user: str, lang: str) -> None:
    at = signed_in(user, lang=lang, period_kind="quarter")
    for page in PAGES[user]:
        at.switch_page(f"pages/{page}.py").run()
        assert not errors(at), (page, errors(at))
        assert at.title, page
