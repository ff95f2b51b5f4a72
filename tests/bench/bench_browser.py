"""How fast the dashboard feels in a real browser (issue 4's targets; prints figures, not a test).

    python -m tests.bench.bench_browser --db duckdb:///var/branch.duckdb

Starts `streamlit run app.py` on a free port against the database (a copy is not made: the
dashboard only reads, apart from the first director account it may create), signs in with
Chromium and measures:

- cold: from opening the page (after sign-in, with every cache empty in a fresh server) until the
  Overview has finished rendering; target <= 2 s at `branch` scale;
- warm filter change: switching the org unit to a sub-branch and back, both already computed once
  (cached), until the page has re-rendered; target <= 0.5 s.

The database must hold an account; `--user` / `--password` (default: a director created here with
WEALTH_ADMIN_PASSWORD when the database has no account yet).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

from playwright.sync_api import expect, sync_playwright

from data import accounts
from data.engine import make_engine
from tests.test_e2e_browser import ARGS, CHROMIUM, ROOT, free_port, wait_healthy

END = ".st-key-page_end [data-testid=stElementContainer]"


def rendered(page: object) -> None:
    expect(page.locator(END)).to_have_attribute("data-stale", "false", timeout=120_000)
    charts = page.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=120_000)


def ensure_user(url: str, user: str, password: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        if accounts.find_account(conn, user) is None:
            accounts.create_user(conn, user, "director", password=password, display_name="Bench")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--user", default="bench")
    parser.add_argument("--password", default="bench-password-123")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    ensure_user(args.db, args.user, args.password)

    port = free_port()
    env = {**os.environ, "WEALTH_DB_URL": args.db}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py")]
        + ["--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, 120)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(url)
            page.get_by_role("textbox", name="Username").fill(args.user)
            page.get_by_role("textbox", name="Password").fill(args.password)
            # Cold: the first Overview of a fresh server (empty caches), from the sign-in click.
            started = time.perf_counter()
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible(
                timeout=120_000
            )
            rendered(page)
            cold = time.perf_counter() - started

            sidebar = page.get_by_test_id("stSidebar")
            unit = sidebar.get_by_role("combobox", name="Org unit")
            branch = unit.input_value()
            options = []

            def choose(name: str) -> float:
                begin = time.perf_counter()
                unit.click()
                unit.fill(name)
                page.keyboard.press("Enter")
                expect(page.get_by_text(re.compile(re.escape(name.strip()) + " · "))).to_be_visible(
                    timeout=120_000
                )
                rendered(page)
                return time.perf_counter() - begin

            unit.click()
            options = [o.strip() for o in page.get_by_role("option").all_inner_texts() if o.strip()]
            page.keyboard.press("Escape")
            sub = options[1] if len(options) > 1 else options[0]
            first_sub = choose(sub)  # computed once (cold for this unit)
            choose(branch)
            warm = [choose(sub) for _ in range(args.repeat)]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"database: {args.db}")
    print(f"overview cold (sign-in click -> rendered): {cold:.2f} s   target <= 2 s")
    print(f"sub-branch first time (uncached):          {first_sub:.2f} s")
    print(
        f"filter change when cached (median of {len(warm)}): {statistics.median(warm):.2f} s"
        f"   (min {min(warm):.2f}, max {max(warm):.2f})   target <= 0.5 s"
    )


if __name__ == "__main__":
    main()
