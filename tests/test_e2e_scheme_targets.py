"""Per-person targets typed into the scheme editor's grid in a real Chromium (issue 15.1), as a
person types: click the cell, press Enter, type the number key by key, press Enter. The draft is
then saved and read back from the database: it must hold exactly the numbers typed (6000000, not
6E+6 or 6000000.0000001; 0.95, not 95).

The server and the sign-in are a small local fixture (`served`, `signed_in_page`), so that they
can move to a shared module for the browser tests without touching the test itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from data.engine import make_engine
from metrics.appraisal import schemes
from tests.e2e_support import (
    CHROMIUM,
    SHOTS,
    TIMEOUT_MS,
    expect,
    free_port,
    settle,
    wait_healthy,
)
from tests.e2e_support import playwright as pw
from tests.test_e2e_schemes import rerun_after, runs
from tests.ui_support import HEAD, PASSWORD, ROOT, build_tiny_db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(server URL, database URL): `python -m ui.serve` on the tiny demo data, the DuckDB file
    released after every query so the test can read what the page stored."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is required in CI: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")
    folder = tmp_path_factory.mktemp("e2e_targets")
    db = build_tiny_db(folder)
    port = free_port()
    env = {**os.environ, "WEALTH_DB_URL": f"duckdb:///{db}", "WEALTH_DB_KEEP_OPEN": "0"}
    log = open(folder / "streamlit.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port)]
        + ["--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url, f"duckdb:///{db}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def signed_in_page(server: str, browser: object, user: str, page_title: str) -> object:
    """A new browser page signed in as `user` through the form, on the page `page_title`."""
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    page.get_by_role("textbox", name="Username").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link").filter(has_text=page_title).click()
    expect(page.get_by_role("heading", name=page_title, level=1)).to_be_visible()
    settle(page)
    return page


# --- the per-person grid: the third grid of the editor (items, grades, then targets) -----------
TARGET_COLUMN = 3  # staff id, name, default target, own target


def targets_grid(page: object) -> object:
    return page.get_by_test_id("stMain").get_by_test_id("stDataFrame").nth(2)


def cell(page: object, row: int, column: int) -> object:
    """The grid's accessible copy of a cell (a grid of fixed rows has no row marker column)."""
    return targets_grid(page).get_by_test_id(f"glide-cell-{column}-{row}")


def open_target(page: object, row: int) -> object:
    """Click the row's first cell, walk right to the target (Glide draws on a canvas: 35 px
    header and rows), press Enter; clicked afresh, as a person would, if the editor did not
    open (at most three times)."""
    editor = page.locator("#portal input, #portal textarea").first
    for attempt in range(3):
        grid = targets_grid(page)
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 60, box["y"] + 35 + 35 * row + 17)
        for _ in range(TARGET_COLUMN):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=5_000)
            return editor
        except pw.Error:
            if attempt == 2:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / "scheme_targets_cell_did_not_open.png"))
                raise
            page.keyboard.press("Escape")
    raise AssertionError("unreachable")


def type_target(page: object, row: int, text: str) -> None:
    before = runs(page)
    editor = open_target(page, row)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text, delay=40)
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    rerun_after(page, before)
    expect(cell(page, row, TARGET_COLUMN)).to_have_text(text)


def stored(db_url: str) -> list[schemes.Scheme]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return schemes.list_schemes(conn)
    finally:
        engine.dispose()


def test_head_types_per_person_targets_and_the_draft_holds_exactly_them(
    served: tuple[str, str], browser: object
) -> None:
    server, db_url = served
    page = signed_in_page(server, browser, HEAD, "Appraisal schemes")
    expect(page.get_by_role("heading", name="Per-person targets")).to_be_visible()
    # The head's sub-branch's planners, by id and name, held to the default until typed.
    expect(cell(page, 0, 0)).to_have_text("039249")
    expect(cell(page, 0, 1)).to_have_text("王欣")
    expect(cell(page, 1, 0)).to_have_text("047441")
    expect(cell(page, 1, 2)).to_have_text("1000000")

    before = runs(page)
    page.get_by_role("textbox", name="Name").fill("上城支行 个人目标")
    page.keyboard.press("Enter")
    rerun_after(page, before)
    type_target(page, 0, "6000000")
    type_target(page, 1, "0.95")
    # Both still there, as typed, after the second edit's rerun.
    expect(cell(page, 0, TARGET_COLUMN)).to_have_text("6000000")
    expect(cell(page, 1, TARGET_COLUMN)).to_have_text("0.95")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "en_scheme_targets_typed.png"))

    before = runs(page)
    page.get_by_role("button", name="Save draft", exact=True).click()
    rerun_after(page, before)
    (saved,) = stored(db_url)
    assert saved.name == "上城支行 个人目标"
    assert saved.items[0].targets == (("039249", Decimal("6000000")), ("047441", Decimal("0.95")))
    # Saved and reopened, the grid shows what is stored.
    expect(cell(page, 0, TARGET_COLUMN)).to_have_text("6000000")
    expect(cell(page, 1, TARGET_COLUMN)).to_have_text("0.95")
    page.context.close()
