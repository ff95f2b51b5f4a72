"""What the browser tests (tests/test_e2e_*.py) share: Debian's Chromium through Playwright, the
dashboard started as `./run.sh` starts it (`python -m ui.serve`) on a free port, and the steps a
person takes on every page (sign in, wait for the run to finish, open a page, photograph it).

Servers: `start_server` starts one on a database and stops it afterwards. The `tiny_server`
fixture (tests/conftest.py, so that it is one for the whole test session) is a server on a copy
of the tiny demo data, shared by the modules that only need that data (test_e2e_browser,
test_e2e_schemes, test_e2e_session): each opens its own browser contexts, so their cookies and
sessions do not mix. A module whose data differ (published results made before the start,
hostile names) starts its own server with `start_server`. One Chromium serves the whole session
(the `browser` fixture, also in tests/conftest.py).

With CI=true a missing chromium fails the run instead of skipping it. Synchronisation is by
Playwright's expectations, never by sleeping (the one poll waits for the server to come up).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.ui_support import DIRECTOR, PASSWORD, ROOT

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "tests" / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is required in CI: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        # Polling an HTTP endpoint until the server is up: the server, not the test, is waited on.
        time.sleep(0.2)
    raise RuntimeError("streamlit did not become healthy")


@contextmanager
def start_server(db_url: str, folder: Path, **env: str) -> Iterator[str]:
    """`python -m ui.serve` on `db_url` and a free port, its log in `folder`; its base URL."""
    port = free_port()
    environ = {**os.environ, "WEALTH_DB_URL": db_url, "WEALTH_IDLE_MINUTES": "30", **env}
    log = open(folder / "streamlit.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port)]
        + ["--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@contextmanager
def serve_copy(template: Path, folder: Path, **env: str) -> Iterator[tuple[str, str]]:
    """A server on a copy of the DuckDB file `template`: (server URL, database URL)."""
    require_chromium()
    db = folder / "app.duckdb"
    shutil.copyfile(template, db)
    with start_server(f"duckdb:///{db}", folder, **env) as url:
        yield url, f"duckdb:///{db}"


@contextmanager
def launch() -> Iterator[Any]:
    """Debian's Chromium, driven by Playwright."""
    require_chromium()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def new_page(browser: Any, width: int = 1440, height: int = 1100, **options: Any) -> Any:
    """A page in a fresh browser context (its own cookies: a person at another browser)."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def sign_in(page: Any, user: str = DIRECTOR, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form (the page shows it), and wait for the navigation."""
    page.get_by_role("textbox", name="Username").fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()


def open_signed_in(browser: Any, server: str, user: str = DIRECTOR, **options: Any) -> Any:
    """A new browser context's page, at the dashboard, signed in as `user`."""
    page = new_page(browser, **options)
    page.goto(server)
    sign_in(page, user)
    return page


def idle(page: Any) -> None:
    """Wait until no script run is under way, as the browser knows it (Streamlit writes the
    state on its app element). Call it once something of the run awaited is on screen (a new
    page's heading): before the run starts, the state is still the previous run's "notRunning".
    The running indicator and stale elements alone are not enough: right after a page switch
    the new page's first elements are fresh and the indicator not yet shown, while the rest of
    the page is still to come (a screenshot then held the title alone)."""
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute("data-test-script-state", "notRunning", timeout=TIMEOUT_MS)


def settle(page: Any) -> None:
    """Wait until the script run is over (app.py's last, invisible element is fresh) and every
    chart has drawn."""
    end = page.locator(".st-key-page_end [data-testid=stElementContainer]")
    expect(end).to_have_attribute("data-stale", "false", timeout=TIMEOUT_MS)
    idle(page)
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=TIMEOUT_MS)
    plots = page.get_by_test_id("stPlotlyChart")
    for i in range(plots.count()):
        plots.nth(i).locator("svg.main-svg").first.wait_for(timeout=TIMEOUT_MS)
    expect(page.locator("[data-stale=true]")).to_have_count(0, timeout=TIMEOUT_MS)


def finished(page: Any) -> None:
    """Wait until the script run is over on a page that may stop early (`st.stop`, so app.py's
    last element never comes): Streamlit's running indicator gone, nothing stale."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=TIMEOUT_MS)
    idle(page)
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=TIMEOUT_MS)
    plots = page.get_by_test_id("stPlotlyChart")
    for i in range(plots.count()):
        plots.nth(i).locator("svg.main-svg").first.wait_for(timeout=TIMEOUT_MS)
    expect(page.locator("[data-stale=true]")).to_have_count(0, timeout=TIMEOUT_MS)


def full_height(page: Any) -> int:
    """The height the window needs to show the whole page: Streamlit scrolls its main area and
    its sidebar inside their own containers, so the document itself is never taller than the
    window; the taller of the two that overflows, from the top of the window (0: neither does;
    a container is never shorter than the window, so one that does not overflow says nothing)."""
    return int(
        page.evaluate(
            """() => Math.max(0, ...[
                '[data-testid=stMain]', '[data-testid=stMainBlockContainer]',
                '[data-testid=stSidebarContent]'
            ].map(s => document.querySelector(s))
             .filter(e => e && e.scrollHeight > e.clientHeight + 1)
             .map(e => e.getBoundingClientRect().top + e.scrollHeight))"""
        )
    )


def shoot(page: Any, name: str, finished: Any = None) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside its own containers, so the window
    is made tall enough for the page (and its sidebar) instead of relying on full_page. The
    height is read once the run is over and again after the resize (a taller window may lay out
    a chart or a grid anew), until it holds."""
    wait = finished or settle
    SHOTS.mkdir(parents=True, exist_ok=True)
    wait(page)
    size = page.viewport_size
    height = size["height"]
    for _ in range(5):
        needed = full_height(page)
        if needed <= height:
            break
        height = needed + 40
        page.set_viewport_size({"width": size["width"], "height": height})
        wait(page)
    else:
        # A shot is evidence to look at, not a check of the page: a page still laying itself
        # out on a loaded machine is shot as tall as it last measured rather than failing the
        # test that took it (which once happened in CI on the Overview, never when run alone).
        print(f"{name}: still growing after 5 resizes, shot at {height} px")
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(size)


def cut_texts(page: Any) -> list[str]:
    """Texts of the KPI tiles (name, figure, change) the browser cuts with an ellipsis ("财富客户
    主管户覆…"): each one's full text."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('[data-testid=stMetric] *')]
                .filter(e => getComputedStyle(e).textOverflow === 'ellipsis'
                             && e.scrollWidth > e.clientWidth + 1)
                .map(e => e.textContent.trim())"""
        )
    )


def uploader_words(page: Any) -> list[str]:
    """What each file uploader shows on its button and as its size limit: Streamlit's own
    English, or the words a style sheet put in their place (ui/page_style.py)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll(
                    '[data-testid=stFileUploaderDropzone] button p,'
                    + ' [data-testid=stFileUploaderDropzoneInstructions] span')]
                .map(e => parseFloat(getComputedStyle(e).fontSize) === 0
                    ? getComputedStyle(e, '::after').content.replace(/^"|"$/g, '')
                    : e.textContent.trim())"""
        )
    )


def open_page(page: Any, title: str, heading: str | None = None) -> None:
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link").filter(has_text=re.compile(f"{re.escape(title)}$")).click()
    expect(page.get_by_role("heading", name=heading or title, level=1)).to_be_visible(
        timeout=TIMEOUT_MS
    )
