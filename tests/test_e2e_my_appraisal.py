"""My appraisal and an inquiry end to end in Debian's Chromium (issue 15.2-15.3): a planner reads
their published result with its explanation lines and raises an inquiry; the head of their
sub-branch finds it in the queue of Published results and answers it; the planner reads the
answer. Same server and browser set-up as tests/test_e2e_browser.py (a free port, `python -m
ui.serve`, the tiny demo data), with the results published before the server starts.
Synchronisation is by Playwright's expectations, never by sleeping."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from data import accounts
from data.engine import make_engine
from metrics.appraisal import cycle
from metrics.appraisal.schemes import from_dict, publish, save_draft
from metrics.core.periods import Period
from tests.test_e2e_browser import (
    ARGS,
    CHROMIUM,
    TIMEOUT_MS,
    expect,
    free_port,
    open_page,
    playwright,
    shoot,
    wait_healthy,
)
from tests.ui_support import PASSWORD, PLANNER, ROOT, build_tiny_db

pytestmark = pytest.mark.browser
HEAD2 = "head2"


def publish_results(db: Path) -> None:
    engine = make_engine(f"duckdb:///{db}")
    with engine.begin() as conn:
        accounts.create_user(conn, HEAD2, "head", org_id="B01S02", password=PASSWORD)
        draft = from_dict(
            {"name": "拱墅支行 2026Q3", "org_id": "B01S02", "role": "planner", "cycle": "quarter",
             "items": [{"kpi": "aum_stock", "weight": 60, "target": 5000000, "rule": "linear"},
                       {"kpi": "training_completion", "weight": 40, "rule": "rank"}]}
        )  # fmt: skip
        scheme = publish(conn, save_draft(conn, draft, HEAD2).scheme_id or "", 1, HEAD2)
        head = cycle.Account(HEAD2, "head", org_id="B01S02")
        cycle.publish_results(conn, head, scheme, Period.parse("2026Q3"))
    engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is required in CI: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")
    folder = tmp_path_factory.mktemp("e2e_cycle")
    db = build_tiny_db(folder)
    publish_results(db)
    port = free_port()
    env = {**os.environ, "WEALTH_DB_URL": f"duckdb:///{db}", "WEALTH_IDLE_MINUTES": "30"}
    log = open(folder / "streamlit.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port), "--server.headless",
         "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def signed_in_page(browser: object, server: str, username: str) -> tuple[object, object]:
    context = browser.new_context(viewport={"width": 1440, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    return context, page


def test_planner_inquires_and_the_head_answers(server: str) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context, page = signed_in_page(browser, server, PLANNER)
        open_page(page, "My appraisal")
        metrics = page.get_by_test_id("stMetric")
        expect(metrics.filter(has_text="Rank")).to_contain_text(" of 2")
        expect(metrics.filter(has_text="Status")).to_contain_text("published")
        # The explanation lines are cells of the items grid (drawn on a canvas; its accessible
        # cells carry the text).
        grids = page.get_by_test_id("stDataFrame")
        expect(grids.filter(has_text="/ target 5M = ")).to_have_count(1)
        expect(grids.filter(has_text="of 2: weight 40 × (1 − (")).to_have_count(1)  # rank rule
        expect(page.get_by_text("高斌建")).to_have_count(0)  # the colleague of the same scheme
        expect(page.get_by_text("033950")).to_have_count(0)
        shoot(page, "en_my_appraisal")

        page.get_by_role("textbox", name="What is wrong?").fill("A deposit of my client is missing")
        page.get_by_role("button", name="Send the inquiry").click()
        expect(page.get_by_text("Your inquiry was sent to your head.")).to_be_visible()
        expect(metrics.filter(has_text="Status")).to_contain_text("inquiry open")
        shoot(page, "en_my_appraisal_inquiry")

        head_context, head = signed_in_page(browser, server, HEAD2)
        open_page(head, "Published results")
        expect(head.get_by_text("A deposit of my client is missing")).to_be_visible()
        statuses = head.get_by_test_id("stDataFrame")
        expect(statuses.filter(has_text="inquiry open")).to_have_count(1)
        head.get_by_role("textbox", name="Answer, or the reason of the correction").fill(
            "The deposit arrived on 2 October, after the quarter."
        )
        head.get_by_role("button", name="Answer and uphold").click()
        expect(head.get_by_text("Answered.")).to_be_visible()
        expect(head.get_by_text("No open inquiry.")).to_be_visible()
        expect(statuses.filter(has_text="answered")).to_have_count(1)
        shoot(head, "en_results_answered")
        head_context.close()

        # Away and back: the page reads the answer afresh (a reload would end the session).
        open_page(page, "Metrics")
        open_page(page, "My appraisal")
        answers = page.get_by_test_id("stDataFrame").filter(
            has_text="The deposit arrived on 2 October, after the quarter."
        )
        expect(answers).to_have_count(1)
        expect(metrics.filter(has_text="Status")).to_contain_text("answered")
        context.close()
        browser.close()
