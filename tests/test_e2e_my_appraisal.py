"""My appraisal and an inquiry end to end in Debian's Chromium (issue 15.2-15.3): a planner reads
their published result with its explanation lines and raises an inquiry; the head of their
sub-branch finds it in the queue of Published results and answers it; the planner reads the
answer. Its own server (tests/e2e_support.py: a free port, `python -m ui.serve`, the tiny demo
data), since the results are published before the server starts; the session's Chromium.
Synchronisation is by Playwright's expectations, never by sleeping."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from data import accounts
from data.engine import make_engine
from metrics.appraisal import cycle
from metrics.appraisal.schemes import from_dict, publish, save_draft
from metrics.core.periods import Period
from tests.e2e_support import expect, open_page, open_signed_in, shoot, start_server
from tests.ui_support import PASSWORD, PLANNER

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
def server(tiny_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e_cycle")
    db = folder / "app.duckdb"
    shutil.copyfile(tiny_db_template, db)
    publish_results(db)
    with start_server(f"duckdb:///{db}", folder) as url:
        yield url


def signed_in_page(browser: Any, server: str, username: str) -> tuple[Any, Any]:
    page = open_signed_in(browser, server, username)
    return page.context, page


def test_planner_inquires_and_the_head_answers(server: str, browser: Any) -> None:
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

    # Away and back: the page reads the answer afresh.
    open_page(page, "Metrics")
    open_page(page, "My appraisal")
    answers = page.get_by_test_id("stDataFrame").filter(
        has_text="The deposit arrived on 2 October, after the quarter."
    )
    expect(answers).to_have_count(1)
    expect(metrics.filter(has_text="Status")).to_contain_text("answered")
    # A reload keeps the planner signed in, on the same page (issue 13, item 9).
    page.reload()
    expect(page.get_by_role("heading", name="My appraisal", level=1)).to_be_visible()
    expect(answers).to_have_count(1)
    context.close()
