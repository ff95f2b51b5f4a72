"""How fast the dashboard feels in a real browser (issue 4's targets; prints figures, not a test).

    python -m tests.bench.bench_browser --db duckdb:///var/branch.duckdb

Starts the dashboard (`python -m ui.serve`, as `./run.sh` does) on a free port against the database (a copy is not made: the
dashboard only adds the account below and the results it stores), signs in with Chromium and
measures:

- the sign-in page of a fresh server in a browser with nothing cached (a new browser context):
  from the navigation until the form can be typed in, for reference (no target);
- cold, after sign-in: from the click on "Sign in" (Argon2id verification included) until the
  landing Overview (the branch, the latest complete month) of a fresh server has rendered, none
  of its frames in any cache of the server; target <= 2 s at `branch` scale;
- cold, opened: then a click on "Quarter" until the branch's Overview of the latest quarter has
  rendered, again in no cache of the server (a page opened without the sign-in before it).
  The frames are read from the stored results (`metrics/results.py`), which the import stores
  for the latest month and this bench for the latest quarter; `--compute` deletes the stored
  results before every fresh server, so that every figure is computed;
- warm filter change: switching the org unit to a sub-branch and back, both already computed once
  (cached), until the page has re-rendered; target <= 0.5 s.

The database must hold an account; `--user` / `--password` (default: a director created here with
WEALTH_ADMIN_PASSWORD when the database has no account yet).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from playwright.sync_api import expect, sync_playwright
from sqlalchemy import delete

from data import accounts
from data.engine import make_engine
from data.schema import StoredResult
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures import browse
from metrics.store import landing, results
from tests.e2e_support import ARGS, CHROMIUM, free_port, wait_healthy
from tests.ui_support import ROOT

# Rendered: the run's invisible last element is fresh (the script run is over and every element
# before it has arrived) and every chart has drawn its canvas / SVG. Checked on every animation
# frame in the page itself: Playwright's `expect` polls with a back-off (0.1, 0.25, 0.5, 1 s...),
# which would add up to a second of waiting to a figure that is meant to measure the dashboard.
RENDERED_JS = """([text, selector]) => {
    const end = document.querySelector('.st-key-page_end [data-testid=stElementContainer]');
    if (!end || end.getAttribute('data-stale') !== 'false') return false;
    if (text && !document.body.innerText.includes(text)) return false;
    if (selector && !document.querySelector(selector)) return false;
    const charts = document.querySelectorAll('[data-testid=stVegaLiteChart]');
    return [...charts].every((c) => c.querySelector('canvas, svg'));
}"""


def rendered(page: object, text: str | None = None, selector: str | None = None) -> None:
    """Wait until the page is rendered (and shows `text` / an element matching `selector`)."""
    page.wait_for_function(RENDERED_JS, arg=[text, selector], polling="raf", timeout=120_000)


def ensure_user(url: str, user: str, password: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        if accounts.find_account(conn, user) is None:
            accounts.create_user(conn, user, "director", password=password, display_name="Bench")
    engine.dispose()


class Server:
    """The dashboard (`python -m ui.serve`) on a free port against the database: a fresh process, so every
    Streamlit cache is empty."""

    def __init__(self, db: str) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui.serve"]  # as ./run.sh starts it
            + ["--server.port", str(port), "--server.headless", "true"],
            cwd=ROOT,
            env={**os.environ, "WEALTH_DB_URL": db},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Server:
        wait_healthy(self.url, self.proc, 120)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def sign_in(page: object, url: str, user: str, password: str) -> tuple[float, float]:
    """Open the dashboard, sign in; (seconds from the navigation until the sign-in form can be
    typed in, seconds from the click until the landing Overview (the latest complete month) is
    rendered)."""
    opened = time.perf_counter()
    page.goto(url)
    username = page.get_by_role("textbox", name="Username")
    username.wait_for()
    loaded = time.perf_counter() - opened
    username.fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    rendered(page)  # the sign-in page has no end marker: this is the landing page's
    return loaded, time.perf_counter() - started


def open_quarter(page: object, quarter: str) -> float:
    """Seconds from a click on "Quarter" in the sidebar until the Overview of `quarter` is
    rendered: a whole branch Overview whose frames are in no cache of the server."""
    started = time.perf_counter()
    page.get_by_test_id("stSidebar").get_by_role("radio", name="Quarter").click()
    rendered(page, f" · {quarter}")
    return time.perf_counter() - started


def landing_unit(db: str) -> tuple[str, Period]:
    """The top unit the director lands on and the latest complete quarter."""
    engine = make_engine(db)
    with engine.connect() as conn:
        top = str(browse.org_units(conn, Scope.everything()).iloc[0]["org_id"])
        quarter = browse.complete_periods(conn, "quarter")[0]
    engine.dispose()
    return top, quarter


def store_quarter(db: str, top: str, quarter: Period) -> None:
    """What an import does for the latest month, done here for the latest quarter."""
    engine = make_engine(db)
    for request in landing.overview_requests("branch", top, Scope.org(top), quarter):
        results.fetch(engine, request)
    engine.dispose()


def drop_stored(db: str) -> None:
    """Forget the stored results, so that every figure is computed (`--compute`)."""
    engine = make_engine(db)
    with engine.begin() as conn:
        conn.execute(delete(StoredResult))
    engine.dispose()


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop: the same figure on a busy or throttled machine
    (or a shared one whose CPU speed varies) is larger, and so is every figure of the bench."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - started


def spread(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f},"
        f" {len(values)} fresh servers: {', '.join(f'{v:.2f}' for v in values)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--password", default="bench-password-123")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cold-runs", type=int, default=3, help="fresh servers per cold figure")
    parser.add_argument(
        "--compute",
        action="store_true",
        help="delete the stored results before every cold run, so that every figure is computed",
    )
    args = parser.parse_args()
    ensure_user(args.db, args.user, args.password)
    speed_before = machine_speed()
    top, quarter = landing_unit(args.db)
    if not args.compute:
        landing.warm(make_engine(args.db))  # as the last import did (a no-op when stored)
        store_quarter(args.db, top, quarter)
    cold_load: list[float] = []
    cold_signin: list[float] = []
    cold_quarter: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(args.cold_runs):
            if args.compute:
                drop_stored(args.db)
            with Server(args.db) as server:
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                loaded, landed = sign_in(page, server.url, args.user, args.password)
                cold_load.append(loaded)
                cold_signin.append(landed)
                cold_quarter.append(open_quarter(page, quarter.label()))
                page.close()

        with Server(args.db) as server:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            sign_in(page, server.url, args.user, args.password)
            expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
            sidebar = page.get_by_test_id("stSidebar")
            unit = sidebar.get_by_role("combobox", name="Org unit")
            branch = unit.input_value()

            def choose(name: str) -> float:
                begin = time.perf_counter()
                unit.click()
                unit.fill(name)
                page.keyboard.press("Enter")
                rendered(page, name.strip() + " · ")
                return time.perf_counter() - begin

            unit.click()
            options = [o.strip() for o in page.get_by_role("option").all_inner_texts() if o.strip()]
            page.keyboard.press("Escape")
            sub = options[1] if len(options) > 1 else options[0]
            first_sub = choose(sub)  # not yet in this server's cache
            choose(branch)
            warm = [choose(sub) for _ in range(args.repeat)]
            # The whole branch Overview again, every frame cached.
            branch_warm = [choose(branch) for _ in range(2)][-1]
        browser.close()
    engine = make_engine(args.db)
    with engine.connect() as conn:
        stored = results.count(conn)
    engine.dispose()
    print(f"database: {args.db}")
    print(
        f"machine: a 3M-step Python loop took {speed_before:.2f} s before and"
        f" {machine_speed():.2f} s after (compare runs on equal figures)"
    )
    print(
        "stored results: "
        + ("deleted before every cold run (--compute)" if args.compute else f"{stored} frames")
    )
    print(
        "sign-in page of a fresh server, empty browser cache (navigation -> form ready):"
        f" {spread(cold_load)}"
    )
    print(f"overview after sign-in, cold server (click -> rendered): {spread(cold_signin)}")
    print(
        f"overview of {quarter.label()} opened, cold server (click -> rendered): {spread(cold_quarter)}"
    )
    print("   target <= 2 s")
    print(f"sub-branch, first time in this server:   {first_sub:.2f} s")
    print(f"branch overview again (cached):          {branch_warm:.2f} s")
    print(
        f"filter change when cached (median of {len(warm)}): {statistics.median(warm):.2f} s"
        f"   (min {min(warm):.2f}, max {max(warm):.2f})   target <= 0.5 s"
    )


if __name__ == "__main__":
    main()
