"""The Overview's sub-branch league table shows every column without scrolling sideways (issue
13, item 10: beside the AUM trend it showed about four of its eight), in a real Chromium on a
full-HD desktop screen (1920 px; on a 1366-px laptop the last column or two scroll, as any wide
table does)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e_support import new_page, settle, sign_in
from tests.ui_support import DIRECTOR

pytestmark = pytest.mark.browser

# The grid's own scroll area: wider content than its box means columns hidden to the right.
OVERFLOW_JS = """(key) => {
    const grid = document.querySelector(`.st-key-${key} [data-testid=stDataFrame]`)
        || document.querySelector(`.st-key-${key}`)?.closest('[data-testid=stDataFrame]');
    const scroller = grid?.querySelector('.dvn-scroller');
    if (!scroller) return null;
    return [scroller.scrollWidth, scroller.clientWidth];
}"""


def test_the_league_table_shows_all_its_columns(tiny_server: str, browser: Any) -> None:
    page = new_page(browser, width=1920, height=1080)
    page.goto(tiny_server)
    sign_in(page, DIRECTOR)  # lands on the branch Overview, with its league table
    settle(page)
    widths = page.evaluate(OVERFLOW_JS, "overview_league")
    assert widths is not None, "no league table on the branch Overview"
    scroll, box = widths
    assert scroll <= box + 1, f"the league table scrolls sideways: {scroll} px in {box} px"
    page.context.close()
