"""The dashboard keeps answering other users while an upload is refused (issue 14, item 4).

In a real Chromium against `python -m ui.serve` on a DuckDB file of the tiny demo: a director
uploads a workbook whose shared string unpacks to 1 GiB on the Data page. The server runs with
the importer's hold point (WEALTH_IMPORT_HOLD, a FIFO): the upload's import stops there, in the
dashboard's own process, with the file refused, the import lock held and its transaction open;
the test goes on only once the importer has said so (`hold.ready`), so what follows happens
*while* the upload is being refused, not before or after it. Then a head signs in in another
browser context and opens the Overview and the Scorecards: both must render, with no error, no
"import in progress" and the same headline figures as a head's session showed before the
upload. Released, the director's page says the file was refused in one line (no traceback), and
nothing was imported.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import reliability, reliability_files
from tests.e2e_support import (
    CHROMIUM,
    SHOTS,
    expect,
    free_port,
    wait_healthy,
)
from tests.test_import_process import wait_for
from tests.ui_support import DIRECTOR, HEAD, PASSWORD, ROOT

pytestmark = pytest.mark.browser

NOTICE = "An import is in progress"
# Generous: the server shares a small machine with the browser (and, here, with other work); a
# page is waited on until its run is over, never for a fixed time.
WAIT_MS = 180_000


def settle(page: object) -> None:
    """The run is over (app.py's invisible last element is fresh), nothing is stale, and every
    chart has drawn."""
    end = page.locator(".st-key-page_end [data-testid=stElementContainer]")  # type: ignore[attr-defined]
    expect(end).to_have_attribute("data-stale", "false", timeout=WAIT_MS)
    expect(page.locator("[data-stale=true]")).to_have_count(0, timeout=WAIT_MS)  # type: ignore[attr-defined]
    charts = page.get_by_test_id("stVegaLiteChart")  # type: ignore[attr-defined]
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=WAIT_MS)


def open_page(page: object, title: str) -> None:
    nav = page.get_by_test_id("stSidebarNav")  # type: ignore[attr-defined]
    nav.get_by_role("link", name=title, exact=True).click()
    heading = page.get_by_role("heading", name=title, level=1)  # type: ignore[attr-defined]
    expect(heading).to_be_visible(timeout=WAIT_MS)
    settle(page)


def _release(hold: Path) -> None:
    """Let the held import go on (nothing to do if it never reached its hold point)."""
    try:
        fd = os.open(hold, os.O_WRONLY | os.O_NONBLOCK)
    except OSError:
        return
    with os.fdopen(fd, "w") as fifo:
        fifo.write("go")


@pytest.fixture
def held_server(
    tiny_db_template: Path, tmp_path: Path
) -> Iterator[tuple[str, Path, subprocess.Popen[bytes], Path]]:
    """The dashboard with the importer's hold point armed: (url, hold FIFO, process, db)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's chromium is required in CI: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")
    db = tmp_path / "app.duckdb"
    shutil.copyfile(tiny_db_template, db)
    hold = tmp_path / "hold"
    os.mkfifo(hold)
    port = free_port()
    env = {
        **os.environ,
        "WEALTH_DB_URL": f"duckdb:///{db}",
        "WEALTH_IDLE_MINUTES": "30",
        "WEALTH_IMPORT_HOLD": str(hold),
    }
    log = open(tmp_path / "streamlit.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, 300)  # a loaded machine starts it slowly
        yield url, hold, proc, db
    finally:
        _release(hold)
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _sign_in(browser: object, url: str, user: str) -> object:
    context = browser.new_context(viewport={"width": 1440, "height": 1100})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(user)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible(timeout=WAIT_MS)
    settle(page)
    return page


def _tiles(page: object) -> list[str]:
    """The headline figures as a person reads them (label, value, change), once every tile has
    drawn its value (the frontend draws placeholders first) and the page's run is over (tiles
    of a section drawn later, e.g. target attainment, are not read half-way)."""
    settle(page)
    page.wait_for_function(  # type: ignore[attr-defined]
        """() => {
            const tiles = [...document.querySelectorAll('[data-testid=stMetric]')];
            return tiles.length > 0 && tiles.every(
                (t) => t.querySelector('[data-testid=stMetricValue]')?.innerText.trim());
        }""",
        timeout=WAIT_MS,
    )
    texts = page.get_by_test_id("stMetric").all_inner_texts()  # type: ignore[attr-defined]
    return [" ".join(t.split()) for t in texts]


def _shows_tiles(page: Any, expected: list[str]) -> None:
    """The page comes to show exactly `expected` as its headline tiles (waited on in the page:
    a sign-in's first run may be followed by the run that sets the session cookie, and tiles
    read between the two would be half a page); fails with what it shows instead."""
    try:
        page.wait_for_function(
            """(expected) => {
                const tiles = [...document.querySelectorAll('[data-testid=stMetric]')];
                const shown = tiles.map((t) => t.innerText.split(/\\s+/).join(' ').trim());
                return JSON.stringify(shown) === JSON.stringify(expected);
            }""",
            arg=expected,
            timeout=WAIT_MS,
        )
    except Exception:  # noqa: BLE001 - reported as the difference below
        pass
    assert _tiles(page) == expected


def _answers_normally(page: object) -> None:
    main = page.get_by_test_id("stMain")  # type: ignore[attr-defined]
    expect(main.get_by_text(NOTICE)).to_have_count(0)
    expect(main.get_by_text("Traceback")).to_have_count(0)
    expect(
        page.locator("[data-testid=stException], [data-testid=stAlertContentError]")
    ).to_have_count(0)  # type: ignore[attr-defined]


def test_other_users_are_answered_while_an_upload_is_refused(
    held_server: tuple[str, Path, subprocess.Popen[bytes], Path], tmp_path: Path, browser: Any
) -> None:
    url, hold, server, _db = held_server
    bomb = tmp_path / "bomb"
    bomb.mkdir()
    reliability_files.shared_string_bomb(bomb, tmp_path)
    workbook = (bomb / "clients.xlsx").read_bytes()

    pages: list[Any] = []
    try:
        # Before the upload: what a head sees.
        before = _sign_in(browser, url, HEAD)
        pages.append(before)
        baseline = _tiles(before)
        SHOTS.mkdir(parents=True, exist_ok=True)
        before.screenshot(path=str(SHOTS / "upload_refused_before.png"), full_page=True)
        assert baseline and all(baseline), baseline
        main = before.get_by_test_id("stMain")
        caption = main.get_by_test_id("stCaptionContainer").first.inner_text()
        assert " · " in caption, caption  # the unit's name and the period
        open_page(before, "Scorecards")

        # The director uploads the bomb; the import stops at its hold point, file refused.
        director = _sign_in(browser, url, DIRECTOR)
        pages.append(director)
        open_page(director, "Data")
        director.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            files=[{"name": "clients.xlsx", "mimeType": "application/octet-stream",
                    "buffer": workbook}]
        )  # fmt: skip
        button = director.locator(".st-key-data_import").get_by_role("button")
        expect(button).to_be_enabled()
        button.click()
        wait_for(Path(str(hold) + ".ready"), server)  # type: ignore[arg-type]

        # Meanwhile: another head signs in (a write: the sign-in is audited) and browses.
        during = _sign_in(browser, url, HEAD)
        pages.append(during)
        SHOTS.mkdir(parents=True, exist_ok=True)
        during.screenshot(path=str(SHOTS / "upload_refused_other_user.png"), full_page=True)
        _answers_normally(during)
        _shows_tiles(during, baseline)
        open_page(during, "Scorecards")
        _answers_normally(during)
        expect(during.get_by_test_id("stMain").get_by_text(caption)).to_be_visible()
        # The director's page is still waiting on its import: the overlap was real.
        expect(director.get_by_text("File refused")).to_have_count(0)

        _release(hold)
        # One line, the file named (`plain` joins "xlsx:" to what follows with U+2060).
        refusal = re.compile(
            r"clients\.xlsx:\u2060? File refused: the workbook unpacks to [\d,]+ bytes, "
            r"over the limit of [\d,]+ \(save large extracts as CSV\)$"
        )
        expect(director.get_by_role("alert").filter(has_text=refusal)).to_have_count(
            1, timeout=WAIT_MS
        )
        expect(director.get_by_text("Traceback")).to_have_count(0)
        settle(director)
        # And the head's next page is still the same figures.
        open_page(during, "Overview")
        _shows_tiles(during, baseline)
        peak = _peak_mib(server.pid)
    finally:
        # The session's Chromium is shared: close only this test's browser contexts.
        for page in pages:
            page.context.close()
    assert server.poll() is None, "the dashboard died"
    reliability.record_case(
        "4", "a 1 GiB xlsx bomb refused on the Data page while another user signs in and "
        "browses (Chromium)", "DuckDB", tried=1, refused=1, peak=peak,
        test="test_e2e_upload_refused.py (peak: the dashboard's process)",
    )  # fmt: skip


def _peak_mib(pid: int) -> float:
    """The dashboard process's peak resident memory so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
