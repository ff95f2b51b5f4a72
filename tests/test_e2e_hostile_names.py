"""In a real Chromium against `python -m ui.serve`: every response carries the security headers,
and a database whose org, staff, client and account names are Markdown links and images, bare
addresses and HTML tags makes the browser fetch nothing from outside the server and shows no link
or image from them, on every page a director walks (issue 14, items 6 and 8).

Synchronisation is by Playwright's expectations, never by sleeping."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import reliability
from tests.e2e_support import expect, new_page, settle, sign_in, start_server
from tests.test_hostile_names import HOST, make_hostile_db
from tests.ui_support import DIRECTOR
from ui.headers import security_headers

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tiny_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Its own server: the hostile names are its database (tests/test_hostile_names.py)."""
    folder = tmp_path_factory.mktemp("e2e_hostile")
    with start_server(make_hostile_db(tiny_db_template, folder), folder) as base:
        yield base


def _headers_of(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}


def test_every_response_carries_the_security_headers(server: str) -> None:
    expected = {k.lower(): v for k, v in security_headers().items()}
    # Written out once by hand, so a change of the policy is a decision, not an accident.
    assert expected["x-frame-options"] == "SAMEORIGIN"
    assert expected["x-content-type-options"] == "nosniff"
    assert expected["referrer-policy"] == "no-referrer"
    csp = expected["content-security-policy"]
    assert "default-src 'self'" in csp and "img-src 'self' data: blob:" in csp
    assert "frame-ancestors 'self'" in csp and "'unsafe-inline'" not in csp.split("; ")[1]

    status, index = _headers_of(server + "/")
    assert status == 200
    script = re.search(r'src="\./(static/js/[^"]+\.js)"', _body(server + "/"))
    assert script is not None
    answers = {
        "/": (status, index),
        "/_stcore/health": _headers_of(server + "/_stcore/health"),
        "/" + script.group(1): _headers_of(f"{server}/{script.group(1)}"),
        "/no-such-file.png": _headers_of(server + "/no-such-file.png"),
        "/audit": _headers_of(server + "/audit"),
    }
    for path, (code, headers) in answers.items():
        assert code in (200, 404), (path, code)
        got = {name: headers.get(name) for name in expected}
        assert got == expected, path
    reliability.record_case(
        "8", "security headers on every kind of response", "DuckDB",
        tried=len(answers), test="test_e2e_hostile_names.py",
    )  # fmt: skip


def _body(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return str(r.read().decode("utf-8"))


def test_hostile_names_fetch_nothing_outside_and_link_nothing(
    server: str, browser: Any, tmp_path: Path
) -> None:
    page = new_page(browser)
    requests: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: console.append(m.text))
    page.goto(server)
    sign_in(page, DIRECTOR)
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    settle(page)
    seen = []
    for title in (
        "Scorecards", "Planner", "Supervision", "Portfolio health", "Compliance", "Data",
    ):  # fmt: skip
        nav = page.get_by_test_id("stSidebarNav")
        nav.get_by_role("link").filter(has_text=re.compile(f"{re.escape(title)}$")).click()
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
        settle(page)
        # The payload is on the page, as text (not vacuous): the org names in the caption.
        seen.append(page.get_by_text("[org-link](http", exact=False).count())
        links = page.locator(f'a[href^="{HOST}"]')
        where = "e => e.parentElement.parentElement.outerHTML.slice(0, 400)"
        assert links.count() == 0, (title, [links.nth(0).evaluate(where)])
        assert page.locator(f'img[src^="{HOST}"]').count() == 0, title
        assert page.locator('[src*="127.0.0.2"], [href*="127.0.0.2"]').count() == 0, title
        if title == "Compliance":
            # Plotly reads tags in labels (`<a href>`, `<b>`, `<br>`): the names reach its
            # sunburst escaped, so the tag shows as text and makes no element.
            sunburst = page.locator(".sunburstlayer").filter(has=page.locator("g.slice"))
            expect(sunburst).to_contain_text(f'<img src="{HOST}/org-tag.png">')
            expect(sunburst).to_contain_text(f'<img src="{HOST}/staff-tag.png">')
            assert sunburst.locator("a, image, img, foreignObject").count() == 0
    page.context.close()
    assert sum(seen) > 0
    outside = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert [u for u in outside if "127.0.0.2" in u] == []  # nothing from the names, at all
    # Nothing at all is attempted outside the server (the page icon is served by the dashboard
    # itself, ui/icon.py), and the Content-Security-Policy has had to block nothing.
    assert outside == []
    assert [m for m in console if "Content Security Policy" in m] == []
    reliability.record_case(
        "6", "link and image payloads in every name field, 6 pages in Chromium: no outside "
        "request, no link", "DuckDB", tried=6, test="test_e2e_hostile_names.py",
    )  # fmt: skip
