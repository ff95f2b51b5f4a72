"""Many users at once (issue 14, item 9; prints figures, not a test).

    python -m tests.bench.bench_load --db duckdb:///var/branch.duckdb [--sessions 20] [--seconds 180]

Starts the dashboard (`python -m ui.serve`) against the database, signs in `--sessions` Chromium
sessions (one account each, `bench01`, `bench02`, ... created here as directors: one shared
account would be throttled by design), and has each browse Overview, Scorecards, Planner and
Supervision in turn for `--seconds`, every page waited on until rendered. Then prints the pages
served, the errors (an exception or error box on a page, or a page that did not render within
60 s; must be 0), the p50 / p95 page time and the server's peak memory (VmHWM).

All sessions run in one Chromium through Playwright's async API, so the browser side costs one
process; on a 2-core machine the browser competes with the server, so the times are an upper
bound of what the server alone would give.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import time
from pathlib import Path

from playwright.async_api import async_playwright

from data import accounts
from data.engine import make_engine
from tests.bench.bench_browser import RENDERED_JS, Server
from tests.e2e_support import ARGS, CHROMIUM

PAGES = ("Overview", "Scorecards", "Planner", "Supervision")
PASSWORD = "bench-password-0123"


def ensure_users(url: str, n: int) -> list[str]:
    engine = make_engine(url)
    names = [f"bench{i:02d}" for i in range(1, n + 1)]
    with engine.begin() as conn:
        for name in names:
            if accounts.find_account(conn, name) is None:
                accounts.create_user(conn, name, "director", password=PASSWORD)
    engine.dispose()
    return names


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def session(
    browser: object, url: str, user: str, seconds: float, times: list[float], errors: list[str]
) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page = await context.new_page()
    try:
        await page.goto(url)
        await page.get_by_role("textbox", name="Username").fill(user)
        await page.get_by_role("textbox", name="Password").fill(PASSWORD)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_function(RENDERED_JS, arg=["Overview", None], timeout=120_000)
    except Exception as exc:  # noqa: BLE001 - a session that cannot sign in is an error
        errors.append(f"{user} sign-in: {type(exc).__name__}")
        await context.close()
        return
    try:
        until = time.monotonic() + seconds  # browsing time, after the sign-in
        turn = 0
        while time.monotonic() < until:
            title = PAGES[turn % len(PAGES)]
            turn += 1
            started = time.perf_counter()
            try:
                nav = page.get_by_test_id("stSidebarNav")
                await (
                    nav.get_by_role("link")
                    .filter(has_text=re.compile(f"{re.escape(title)}$"))
                    .click()
                )
                await page.wait_for_function(RENDERED_JS, arg=[title, None], timeout=60_000)
            except Exception as exc:  # noqa: BLE001 - counted, the session goes on
                errors.append(f"{user} {title}: {type(exc).__name__}")
                continue
            times.append(time.perf_counter() - started)
            shown = await page.locator(
                "[data-testid=stException], [data-testid=stAlertContentError]"
            ).count()
            if shown:
                errors.append(f"{user} {title}: an error on the page")
    finally:
        await context.close()


async def run(url: str, users: list[str], seconds: float) -> tuple[list[float], list[str]]:
    times: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        await asyncio.gather(*(session(browser, url, u, seconds, times, errors) for u in users))
        await browser.close()
    return times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("WEALTH_DB_URL"), required=False)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=180.0)
    args = parser.parse_args()
    if not args.db:
        parser.error("give --db (or WEALTH_DB_URL)")
    users = ensure_users(args.db, args.sessions)
    with Server(args.db) as server:
        started = time.perf_counter()
        times, errors = asyncio.run(run(server.url, users, args.seconds))
        elapsed = time.perf_counter() - started
        memory = peak_memory_mb(server.proc.pid)
    ordered = sorted(times)
    p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else float("nan")
    print(f"sessions          {len(users)}")
    print(f"run               {elapsed:.0f} s")
    print(f"pages served      {len(times)}")
    print(f"errors            {len(errors)}")
    for e in errors[:10]:
        print(f"  {e}")
    print(f"page time p50     {statistics.median(ordered) if ordered else float('nan'):.2f} s")
    print(f"page time p95     {p95:.2f} s")
    print(f"server peak RSS   {memory:.0f} MiB")


if __name__ == "__main__":
    main()
