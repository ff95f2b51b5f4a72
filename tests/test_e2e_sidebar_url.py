"""The sidebar's choices survive a reload and a bookmark, in a real Chromium (issue 13, item 9):
the address carries the language, the period and the org unit (ui/sidebar_url.py), a reload
(F5) lands on the same view, and a bookmark opened signed out keeps its page and its query
through the sign-in, with a unit outside the user's scope replaced by their own.

On the shared server of the tiny demo data (tests/e2e_support.py); every test has its own
browser context, so its cookies are its own. AppTests of the same rules: tests/test_sidebar_url.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e_support import expect, new_page, open_page, settle, shoot, sign_in
from tests.ui_support import DIRECTOR, HEAD

pytestmark = pytest.mark.browser


def choose(sidebar: Any, label: str, option: str) -> None:
    """Pick `option` in the sidebar's selectbox `label` as a person does: open it, type, Enter."""
    box = sidebar.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    box.page.keyboard.press("Enter")
    expect(box).to_have_value(re.compile(re.escape(option)))


def test_language_quarter_and_sub_branch_survive_a_reload(tiny_server: str, browser: Any) -> None:
    page = new_page(browser)
    page.goto(tiny_server)
    with page.expect_response(lambda r: "/_wealth/session/claim" in r.url):
        sign_in(page, DIRECTOR)  # the session cookie: a reload stays signed in
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="简体中文").click()
    expect(page.get_by_role("heading", name="总览", level=1)).to_be_visible()
    sidebar.get_by_role("radio", name="季度").click()
    expect(sidebar.get_by_role("combobox", name="期间")).to_have_value("2026年第3季度")
    choose(sidebar, "期间", "2026年第2季度")
    choose(sidebar, "机构", "拱墅支行")
    expect(page.get_by_text("拱墅支行 · 2026年第2季度")).to_be_visible()
    open_page(page, "考核记分卡")
    expect(page).to_have_url(
        re.compile(r"/scorecards\?(?=.*lang=zh)(?=.*period=2026Q2)(?=.*unit=B01S02)")
    )

    page.reload()
    expect(page.get_by_role("heading", name="考核记分卡", level=1)).to_be_visible()
    expect(page.get_by_role("textbox", name="Username")).to_have_count(0)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("radio", name="季度")).to_be_checked()
    expect(sidebar.get_by_role("combobox", name="期间")).to_have_value("2026年第2季度")
    expect(sidebar.get_by_role("combobox", name="机构")).to_have_value(re.compile("拱墅支行"))
    expect(page.get_by_text("拱墅支行 · 2026年第2季度")).to_be_visible()
    settle(page)
    shoot(page, "zh_scorecards_after_reload")
    page.context.close()


def test_a_bookmark_with_another_sub_branch_shows_a_head_their_own(
    tiny_server: str, browser: Any
) -> None:
    page = new_page(browser)
    # A head edits the address to the other sub-branch (拱墅支行, B01S02) and opens it signed out.
    page.goto(tiny_server + "/scorecards?lang=zh&period=2026Q3&unit=B01S02")
    expect(page.get_by_role("textbox", name="Username")).to_be_visible()
    sign_in(page, HEAD)
    # The page and the rest of the address survive the sign-in; the unit is their own.
    expect(page.get_by_role("heading", name="考核记分卡", level=1)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("combobox", name="期间")).to_have_value("2026年第3季度")
    expect(sidebar.get_by_role("combobox", name="机构")).to_have_value(re.compile("上城支行"))
    expect(page.get_by_text("上城支行 · 2026年第3季度")).to_be_visible()
    table = page.locator(".st-key-scorecards_table").get_by_test_id("stDataFrame")
    expect(table).to_contain_text("崔俊博")  # the head's planner
    expect(table).not_to_contain_text("孟鹏")  # 拱墅支行's
    expect(page.get_by_text("拱墅支行")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/scorecards\?(?=.*unit=B01S01)(?=.*lang=zh)"))
    page.context.close()
