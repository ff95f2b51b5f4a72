"""The Overview's sub-branch league table shows every column without scrolling sideways (issue
13, item 10: beside the AUM trend it showed about four of its eight), in a real Chromium on a
full-HD desktop screen (1920 px; on a 1366-px laptop the last column or two scroll, as any wide
table does)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e_support import new_page, open_page, settle, sign_in
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
    # The grid draws its scroll area after the run: waited for in the page, not by time.
    widths = page.wait_for_function(OVERFLOW_JS, arg="overview_league").json_value()
    scroll, box = widths
    assert scroll <= box + 1, f"the league table scrolls sideways: {scroll} px in {box} px"
    page.context.close()


# The right edge of the first chart drawn in a column (the Planner's migration matrix) against
# its column's.
CHART_FITS_JS = """() => {
    const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
    const inColumn = charts.find((c) => c.closest('[data-testid=stColumn]'));
    const drawn = inColumn?.querySelector('svg, canvas');
    if (!drawn) return null;
    const column = inColumn.closest('[data-testid=stColumn]');
    return [drawn.getBoundingClientRect().right, column.getBoundingClientRect().right];
}"""


def test_the_tier_migration_matrix_stays_inside_its_column(tiny_server: str, browser: Any) -> None:
    """The Planner page's migration matrix ran past its column's right edge (its 流失 / lost
    column cut) at a 1440-px window."""
    page = new_page(browser, width=1440, height=1000)
    page.goto(tiny_server)
    sign_in(page, DIRECTOR)
    open_page(page, "Planner")
    settle(page)
    chart_right, column_right = page.wait_for_function(CHART_FITS_JS).json_value()
    assert chart_right <= column_right + 1, (
        f"the matrix ends at {chart_right}, its column at {column_right}"
    )
    page.context.close()
