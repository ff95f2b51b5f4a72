"""The scheme editor in a real Chromium, typed into as a person types: click a cell, press Enter,
type the number, press Enter. Then the scheme is saved and read back from the database.

Defects this guards (issue 13, item 1): `0.95` typed in Target became `95` (an integer column
refused the decimal point), rows added to the grid lost their values at the next edit, the
weights were said twice, a saved draft did not appear under "Scheme version" (Publish stayed
disabled) until the page was left, and the org unit was a free-text id box.

Its own server (the walkthrough's helpers), with the DuckDB file released after every query so
that the test can read what the page stored.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from data.engine import make_engine
from metrics.appraisal import schemes
from tests.test_e2e_browser import (
    ARGS,
    CHROMIUM,
    SHOTS,
    TIMEOUT_MS,
    expect,
    free_port,
    settle,
    wait_healthy,
)
from tests.test_e2e_browser import playwright as pw
from tests.ui_support import DIRECTOR, HEAD, PASSWORD, ROOT, build_tiny_db

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(server URL, database URL)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is required in CI: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")
    folder = tmp_path_factory.mktemp("e2e_schemes")
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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with pw.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def stored(db_url: str) -> list[schemes.Scheme]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return schemes.list_schemes(conn)
    finally:
        engine.dispose()


def open_editor(server: str, browser: object, user: str) -> object:
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    page.get_by_role("textbox", name="Username").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link").filter(has_text="Appraisal schemes").click()
    expect(page.get_by_role("heading", name="Appraisal schemes", level=1)).to_be_visible()
    settle(page)
    return page


def items_grid(page: object) -> object:
    return page.get_by_test_id("stDataFrame").first


def select_cell(page: object, row: int, column: int) -> None:
    """Click the row's first cell, then walk right with the arrow keys (the grid is a canvas:
    Glide's geometry is a 35 px header and 35 px rows)."""
    grid = items_grid(page)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 100, box["y"] + 35 + 35 * row + 17)
    for _ in range(column):
        page.keyboard.press("ArrowRight")


# Counts the script runs the page has finished: a MutationObserver on the state Streamlit writes
# on its root element sees every change from "running" to "notRunning", however short the run.
RUNS = """() => {
  if (window.__runs === undefined) {
    window.__runs = 0;
    const app = document.querySelector('[data-testid=stApp]');
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'notRunning') window.__runs += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__runs;
}"""


def runs(page: object) -> int:
    return int(page.evaluate(RUNS))


def rerun_after(page: object, before: int) -> None:
    """Wait for the run an action started to finish: each edit of the grid sends its state to
    the server and reruns the page; the next keystroke waits for that run, as a person's would
    come after the screen has answered."""
    page.wait_for_function("n => window.__runs > n", arg=before, timeout=TIMEOUT_MS)
    settle(page)


def open_cell(page: object, row: int, column: int) -> object:
    """Select the cell and open its editor (an input in Glide's portal). A click on the cell
    already selected (Glide moves the selection down after Enter) opens the editor by itself,
    and Enter would close it again; when the editor did not open, the cell is selected afresh,
    as a person clicks again (at most three times)."""
    editor = page.locator("#portal input, #portal textarea").first
    for attempt in range(3):
        select_cell(page, row, column)
        try:
            editor.wait_for(timeout=1_500)
            return editor
        except pw.Error:
            page.keyboard.press("Enter")
        try:
            editor.wait_for(timeout=5_000)
            return editor
        except pw.Error:
            if attempt == 2:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / "scheme_editor_cell_did_not_open.png"))
                raise
            page.keyboard.press("Escape")
    raise AssertionError("unreachable")


def cell(page: object, row: int, column: int) -> object:
    """The grid's accessible copy of a cell (its raw value; column 0 is the row marker)."""
    return items_grid(page).get_by_test_id(f"glide-cell-{column + 1}-{row}")


def type_number(page: object, row: int, column: int, text: str) -> None:
    """Enter opens the cell's editor; the number is typed key by key; Enter commits it, and the
    cell then holds exactly what was typed."""
    before = runs(page)
    editor = open_cell(page, row, column)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text, delay=40)
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    rerun_after(page, before)
    expect(cell(page, row, column)).to_have_text(text)


def choose_kpi(page: object, row: int, typed: str, kpi: str) -> None:
    before = runs(page)
    editor = open_cell(page, row, 0)
    page.keyboard.type(typed, delay=40)
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    rerun_after(page, before)
    expect(cell(page, row, 0)).to_have_text(kpi)


def add_row(page: object, row: int) -> None:
    """The grid's "Add row": a new row with the defaults of a new item (no rerun until a cell
    of it is edited)."""
    grid = items_grid(page)
    grid.hover()
    grid.get_by_role("button", name="Add row").click()
    expect(cell(page, row, 3)).to_have_text("linear")
    expect(cell(page, row, 4)).to_have_text("1.2")
    # Glide opens the new row's first cell for typing: closed, as a person would before
    # clicking the cell they mean.
    page.keyboard.press("Escape")


def test_head_types_decimals_adds_rows_saves_and_publishes(
    served: tuple[str, str], browser: object
) -> None:
    server, db_url = served
    page = open_editor(server, browser, HEAD)
    # The org unit is the head's sub-branch, by name, not an id to type.
    org = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Org unit")
    expect(org.get_by_role("combobox")).to_have_value("上城支行")
    expect(org.get_by_role("combobox")).to_be_disabled()

    type_number(page, 0, 1, "57.5")  # weight of the starting item (AUM increment)
    add_row(page, 1)
    choose_kpi(page, 1, "High-end client", "retention_rate")
    type_number(page, 1, 1, "40")
    type_number(page, 1, 2, "0.95")
    type_number(page, 1, 4, "1.35")
    add_row(page, 2)
    choose_kpi(page, 2, "Training score", "training_score")
    type_number(page, 2, 1, "2.5")
    type_number(page, 2, 2, "99.5")

    # Every value typed is still there after the later edits, as typed.
    for (row, column), text in {
        (0, 1): "57.5",
        (0, 2): "1000000",
        (1, 0): "retention_rate",
        (1, 1): "40",
        (1, 2): "0.95",
        (1, 4): "1.35",
        (2, 0): "training_score",
        (2, 1): "2.5",
        (2, 2): "99.5",
    }.items():
        expect(cell(page, row, column)).to_have_text(text)
    expect(page.get_by_text("Weights add up to 100", exact=True)).to_have_count(1)
    expect(page.get_by_text("not 100")).to_have_count(0)
    before = runs(page)
    page.get_by_role("textbox", name="Name").fill("Three items")
    page.keyboard.press("Enter")
    rerun_after(page, before)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "en_scheme_editor_typed.png"))

    before = runs(page)
    page.get_by_role("button", name="Save draft", exact=True).click()
    rerun_after(page, before)
    version = (
        page.get_by_test_id("stMain")
        .get_by_test_id("stSelectbox")
        .filter(has_text="Scheme version")
    )
    expect(version.get_by_role("combobox")).to_have_value(
        re.compile(r"^Three items · version 1 · draft · ")
    )
    expect(page.get_by_role("button", name="Publish", exact=True)).to_be_enabled()
    (saved,) = stored(db_url)
    assert (saved.name, saved.org_id, saved.role, saved.status) == (
        "Three items",
        "B01S01",
        "planner",
        "draft",
    )
    assert [
        (i.kpi, i.weight, i.target, i.rule, i.cap, i.gate, i.max_score) for i in saved.items
    ] == [
        (
            "aum_increment",
            Decimal("57.5"),
            Decimal("1000000"),
            "linear",
            Decimal("1.2"),
            None,
            None,
        ),
        ("retention_rate", Decimal("40"), Decimal("0.95"), "linear", Decimal("1.35"), None, None),
        ("training_score", Decimal("2.5"), Decimal("99.5"), "linear", Decimal("1.2"), None, None),
    ]

    before = runs(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    rerun_after(page, before)
    expect(version.get_by_role("combobox")).to_have_value(
        re.compile(r"^Three items · version 1 · published · ")
    )
    expect(page.get_by_role("button", name="Publish", exact=True)).to_be_disabled()
    (published,) = stored(db_url)
    assert (published.version, published.status) == (1, "published")
    assert published.items == saved.items
    page.context.close()


def test_director_builds_a_two_kpi_scheme_for_a_sub_branch_picked_by_name(
    served: tuple[str, str], browser: object
) -> None:
    server, db_url = served
    existing = {s.scheme_id for s in stored(db_url)}
    page = open_editor(server, browser, DIRECTOR)
    org = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has_text="Org unit")
    before = runs(page)
    org.get_by_role("combobox").click()
    page.get_by_role("option", name="拱墅支行").click()
    expect(org.get_by_role("combobox")).to_have_value("拱墅支行")
    rerun_after(page, before)

    type_number(page, 0, 1, "60")
    # Said once (the grid's line), not again as a validation warning.
    expect(page.get_by_text(re.compile("add up to 60, not 100", re.IGNORECASE))).to_have_count(1)
    add_row(page, 1)
    choose_kpi(page, 1, "High-end client", "retention_rate")
    type_number(page, 1, 1, "40")
    type_number(page, 1, 2, "0.95")
    expect(page.get_by_text("Weights add up to 100", exact=True)).to_have_count(1)
    expect(page.get_by_text("not 100")).to_have_count(0)
    before = runs(page)
    page.get_by_role("textbox", name="Name").fill("拱墅 60+40")
    page.keyboard.press("Enter")
    rerun_after(page, before)
    before = runs(page)
    page.get_by_role("button", name="Save draft", exact=True).click()
    rerun_after(page, before)
    before = runs(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    rerun_after(page, before)
    version = (
        page.get_by_test_id("stMain")
        .get_by_test_id("stSelectbox")
        .filter(has_text="Scheme version")
    )
    expect(version.get_by_role("combobox")).to_have_value(
        re.compile(r"^拱墅 60\+40 · version 1 · published · ")
    )
    (made,) = [s for s in stored(db_url) if s.scheme_id not in existing]
    assert (made.org_id, made.status) == ("B01S02", "published")
    assert [(i.kpi, i.weight, i.target) for i in made.items] == [
        ("aum_increment", Decimal("60"), Decimal("1000000")),
        ("retention_rate", Decimal("40"), Decimal("0.95")),
    ]
    page.context.close()
