"""The sign-in survives a reload and a bookmark, in a real Chromium (issue 13, item 9): the
HTTP-only session cookie is set right after sign-in, a reload (F5) or a bookmarked address
opens that page still signed in, sign-out ends it for good (a saved copy of the cookie replayed
in another browser shows the sign-in), and a bookmark opened while signed out leads, after the
sign-in, to the page it names.

On the shared server of the tiny demo data (tests/e2e_support.py); every test has its own
browser context, so its cookies are its own."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.e2e_support import expect, new_page, open_page, settle, shoot, sign_in
from tests.ui_support import DIRECTOR, HEAD, PLANNER

pytestmark = pytest.mark.browser
COOKIE = "wealth_session"


def signed_in_with_cookie(browser: Any, server: str, user: str, path: str = "") -> Any:
    """A fresh context's page at `path`, signed in, once the browser holds its session cookie
    (waited for as the answer of the claim request, not by time)."""
    page = new_page(browser)
    page.goto(server + path)
    with page.expect_response(lambda r: "/_wealth/session/claim" in r.url) as claimed:
        sign_in(page, user)
    assert claimed.value.status == 200
    return page


def at_page(server: str, path: str) -> re.Pattern[str]:
    """The address of page `path`, with or without the sidebar's choices (ui/sidebar_url.py)."""
    return re.compile(re.escape(f"{server}/{path}") + r"(\?.*)?$")


def session_cookies(page: Any) -> list[dict[str, Any]]:
    return [c for c in page.context.cookies() if c["name"] == COOKIE]


def expect_sign_in_form(page: Any) -> None:
    expect(page.get_by_role("textbox", name="Username")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_the_cookie_is_http_only_strict_and_expiring(tiny_server: str, browser: Any) -> None:
    page = signed_in_with_cookie(browser, tiny_server, DIRECTOR)
    (cookie,) = session_cookies(page)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    assert cookie["secure"] is False  # plain HTTP on 127.0.0.1; Secure over HTTPS
    hours = (cookie["expires"] - time.time()) / 3600
    assert 11 < hours <= 12  # expiring (not a cookie for ever), after a working day
    # Page scripts cannot read it.
    assert COOKIE not in page.evaluate("() => document.cookie")
    page.context.close()


def test_reload_and_bookmark_keep_the_user_signed_in(tiny_server: str, browser: Any) -> None:
    page = signed_in_with_cookie(browser, tiny_server, DIRECTOR)
    open_page(page, "Scorecards")
    expect(page).to_have_url(at_page(tiny_server, "scorecards"))
    page.reload()
    expect(page.get_by_role("heading", name="Scorecards", level=1)).to_be_visible()
    expect(page.get_by_role("textbox", name="Username")).to_have_count(0)
    settle(page)
    shoot(page, "en_scorecards_after_reload")

    # A bookmarked page in a new tab of the same browser.
    tab = page.context.new_page()
    tab.goto(tiny_server + "/audit")
    expect(tab.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    expect(tab.get_by_role("textbox", name="Username")).to_have_count(0)
    page.context.close()


def test_sign_out_ends_the_session_and_a_replayed_cookie_shows_the_sign_in(
    tiny_server: str, browser: Any
) -> None:
    page = signed_in_with_cookie(browser, tiny_server, HEAD)
    saved = session_cookies(page)
    assert len(saved) == 1
    with page.expect_response(lambda r: "/_wealth/session/end" in r.url) as ended:
        page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        expect_sign_in_form(page)
    assert ended.value.status == 200
    assert session_cookies(page) == []  # the browser dropped the dead cookie
    page.reload()
    expect_sign_in_form(page)
    page.goto(tiny_server + "/scorecards")
    expect_sign_in_form(page)

    # Someone kept a copy of the cookie: in another browser it opens nothing.
    thief = new_page(browser)
    thief.context.add_cookies(saved)
    thief.goto(tiny_server + "/scorecards")
    expect_sign_in_form(thief)
    expect(thief.get_by_role("heading", name="Scorecards", level=1)).to_have_count(0)
    thief.context.close()
    page.context.close()


def test_a_bookmark_opened_signed_out_leads_there_after_sign_in(
    tiny_server: str, browser: Any
) -> None:
    page = new_page(browser)
    page.goto(tiny_server + "/scorecards")
    expect_sign_in_form(page)
    expect(page.get_by_role("heading", name="Scorecards", level=1)).to_have_count(0)
    sign_in(page, HEAD)
    expect(page.get_by_role("heading", name="Scorecards", level=1)).to_be_visible()
    expect(page).to_have_url(at_page(tiny_server, "scorecards"))
    page.context.close()

    # A page the role may not open: the role's own first page instead, nothing of the other.
    page = new_page(browser)
    page.goto(tiny_server + "/audit")
    expect_sign_in_form(page)
    sign_in(page, PLANNER)
    expect(page.get_by_role("heading", name="Planner", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_have_count(0)
    page.context.close()
