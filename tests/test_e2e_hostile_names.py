"""In a real Chromium against `python -m ui.serve`: every response carries the security headers,
and a database whose org, staff, client and account names are Markdown links and images, bare
addresses and HTML tags makes the browser fetch nothing from outside the server and shows no link
or image from them, on every page a director walks (issue 14, items 6 and 8).

Synchronisation is by Playwright's expectations, never by sleeping."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import reliability
from tests.test_e2e_browser import ARGS, CHROMIUM, TIMEOUT_MS, free_port, settle, wait_healthy
from tests.test_hostile_names import HOST, make_hostile_db
from tests.ui_support import DIRECTOR, PASSWORD, ROOT
from ui.headers import security_headers

MATERIAL_FAVICON = "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/"

pytestmark = pytest.mark.browser
playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("e2e_hostile")
    url = make_hostile_db(folder)
    port = free_port()
    env = {**os.environ, "WEALTH_DB_URL": url}
    log = open(folder / "streamlit.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "ui.serve", "--server.port", str(port),
            "--server.headless", "true", "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


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


def test_hostile_names_fetch_nothing_outside_and_link_nothing(server: str, tmp_path: Path) -> None:
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1100})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        requests: list[str] = []
        console: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(m.text))
        page.goto(server)
        page.get_by_role("textbox", name="Username").fill(DIRECTOR)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
        settle(page)
        seen = []
        for title in ("Scorecards", "Planner", "Supervision", "Portfolio health", "Data"):
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
        browser.close()
    assert sum(seen) > 0
    outside = [u for u in requests if not u.startswith((server, "data:", "blob:"))]
    assert [u for u in outside if "127.0.0.2" in u] == []  # nothing from the names, at all
    # Known and reported, not hidden: Streamlit points the tab's favicon at fonts.gstatic.com
    # for a `:material/...:` page icon (app.py's navigation); the Content-Security-Policy blocks
    # that load (the console says so). Nothing else is even attempted outside the server, and
    # the policy blocks nothing else (the dashboard works under it).
    assert [u for u in outside if not u.startswith(MATERIAL_FAVICON)] == []
    violations = [m for m in console if "Content Security Policy" in m]
    assert all(MATERIAL_FAVICON in m and "has been blocked" in m for m in violations), violations
    reliability.record_case(
        "6", "link and image payloads in every name field, 6 pages in Chromium: no outside "
        "request, no link", "DuckDB", tried=6, test="test_e2e_hostile_names.py",
    )  # fmt: skip
