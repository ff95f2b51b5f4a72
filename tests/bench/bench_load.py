"""Many users at once (issue 14, item 9; prints figures, not a test).

    python -m tests.bench.bench_load --engine duckdb [--sessions 20] [--minutes 3] [--during-import]
    python -m tests.bench.bench_load --engine postgresql --db postgresql+psycopg://.../wealth_bench_x

Starts the dashboard (`python -m ui.serve`, as `./run.sh` does) against a `branch`-scale database,
signs in `--sessions` Chromium sessions one after another (one account each, `bench01`, ... created here
as directors: one shared account would be throttled by design) and has each browse Overview,
Scorecards, Planner and Supervision in turn for `--minutes` after its sign-in, every page waited
on until its script run is over. With `--during-import`, `python -m data load` of the `branch`
folder (`--data`) starts in its own process as the browsing starts: the same files again, so a
full read, compare and write of 7.7 million rows whose outcome is "unchanged" (what a nightly
extract with few changes costs).

The database: DuckDB, a fresh copy of `--source` (default /work/data/branch.duckdb, the shared
branch file, never written) in a temporary folder, deleted afterwards; PostgreSQL, the database
`--db` names, which must already hold the branch data (`python -m data load DIR --db URL`).
Before the server starts, the figures a nightly import prepares after it commits are stored
(`metrics.store.landing.warm`, timed and printed), as on a Monday morning after the night's
import: stored figures belong to the code version that computed them, so a database loaded by
another checkout has none for this one. `--cold` skips it (the first pages then compute all).

Printed: pages served (rendered with their figures), import notices (a page that said "an import
is in progress" instead of figures: DuckDB lets one process hold the file, and the dashboard
stands aside while an import writes), errors (an exception, an error box or the "database busy"
warning on a page, a sign-in or a page not over within 120 s; must be 0), p50 / p95 page time of
the pages served (from the click in the sidebar until the run is over), server peak memory
(VmHWM of the dashboard process) and, with an import, its exit status, time and peak memory.

A page's run is over when the server has said so on the session's WebSocket (a `script_finished`
message after the click, read by Playwright) and the page shows it: no element stale, and either
the page's heading with its invisible last element fresh and every chart drawn, or the import
notice (a notice raised before the page ran has no last element). An earlier version waited
instead for Streamlit to mark the previous run's elements stale, which a quick run never does:
every Scorecards page (a second to render on its own) then counted as an error after 120 s.

All sessions run in one Chromium through Playwright's async API; on a 2-core machine the browser
competes with the server (and here with whatever else the machine runs: the load average is
printed), so the times are an upper bound of what the server alone would give.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf.message import DecodeError
from playwright.async_api import async_playwright
from sqlalchemy import func, select
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from data import accounts
from data.engine import make_engine
from data.schema import Staff
from tests.bench.bench_browser import Server
from tests.e2e_support import ARGS, CHROMIUM
from tests.ui_support import ROOT

PAGES = ("Overview", "Scorecards", "Planner", "Supervision")
PASSWORD = "bench-password-0123"
NOTICE = "An import is in progress"
SOURCE = Path("/work/data/branch.duckdb")
DATA = Path("/work/data/branch")
PAGE_TIMEOUT = 120_000  # ms: a page (or a sign-in) not over by then counts as an error
SHOTS: Path | None = None  # --shots: a screenshot of every page that failed

# Over: the run the click started has finished (seen on the WebSocket) and the browser shows it,
# with figures ('page': the page's heading, its last element fresh, every chart drawn) or the
# notice.
OVER_JS = """({notice, title}) => {
    if (document.querySelector('[data-stale=true]')) return false;
    const end = document.querySelector('.st-key-page_end [data-testid=stElementContainer]');
    const heading = document.querySelector('[data-testid=stMain] h1')?.innerText.trim();
    if (end && end.getAttribute('data-stale') === 'false' && heading === title) {
        const charts = document.querySelectorAll('[data-testid=stVegaLiteChart]');
        return [...charts].every((c) => c.querySelector('canvas, svg')) ? 'page' : false;
    }
    if (!end && document.body.innerText.includes(notice)) return 'notice';
    return false;
}"""

# After sign-in: the landing page's last element is fresh (the sign-in form has none).
LANDED_JS = """(notice) => {
    const end = document.querySelector('.st-key-page_end [data-testid=stElementContainer]');
    if (end && end.getAttribute('data-stale') === 'false') return 'page';
    if (!document.querySelector('[data-stale=true]') && document.body.innerText.includes(notice)
        && !document.querySelector('input[type=password]')) return 'notice';
    return false;
}"""

# The page the sidebar marks as the current one.
CURRENT_JS = """() => document.querySelector(
    '[data-testid=stSidebarNav] a[aria-current=page]')?.innerText.trim() ?? null"""

ERRORS_CSS = "[data-testid=stException], [data-testid=stAlertContentError]"
BUSY = "The database is busy"


class Runs:
    """The script runs of one browser session that have finished, as its WebSocket says."""

    def __init__(self) -> None:
        self.finished = 0
        self.changed = asyncio.Event()

    def frame(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        try:
            message.ParseFromString(payload)
        except DecodeError:
            return
        if message.WhichOneof("type") == "script_finished" and message.script_finished in (
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
        ):
            self.finished += 1
            self.changed.set()

    async def after(self, seen: int) -> None:
        """Wait until a run finishes after the `seen`-th."""
        while self.finished <= seen:
            self.changed.clear()
            await self.changed.wait()


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)  # seconds, pages served
    during: list[float] = field(default_factory=list)  # of which while the import ran
    notices: int = 0
    signins: list[float] = field(default_factory=list)  # seconds, sign-in click to landing page
    errors: list[str] = field(default_factory=list)
    # Per page: the seconds of each one served, and how many failed (which page is slow).
    by_page: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})
    failed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))


@dataclass
class ImportRun:
    status: int | None = None
    seconds: float = 0.0
    peak_mib: float = 0.0
    running: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    tail: str = ""
    pid: int = 0
    stopped: bool = False  # still running at the end of its wait: stopped by the bench


def warm_like_the_import(url: str) -> None:
    """Store what the nightly import's warm-up stores after it commits (data/cli.py)."""
    from metrics.store.landing import warm

    engine = make_engine(url)
    frames, seconds = warm(engine)
    engine.dispose()
    print(f"warm-up           {frames} frames in {seconds:.1f} s (as after an import)")


def ensure_users(url: str, n: int) -> list[str]:
    engine = make_engine(url)
    names = [f"bench{i:02d}" for i in range(1, n + 1)]
    with engine.begin() as conn:
        if not conn.execute(select(func.count()).select_from(Staff)).scalar():
            raise SystemExit(f"{url}: no staff rows; load the branch data first")
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


def start_import(run: ImportRun, url: str, data: Path, out: Path) -> None:
    """`python -m data load` in its own process; a thread waits for it (wait4: its own peak
    memory) and sets `run.done`."""
    command = [sys.executable, "-m", "data", "load", str(data), "--db", url, "--user", "bench"]
    log = out.open("wb")
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    run.pid = proc.pid
    run.running.set()

    def wait() -> None:
        _pid, status, usage = os.wait4(proc.pid, 0)
        run.seconds = time.monotonic() - started
        run.status = os.waitstatus_to_exitcode(status)
        run.peak_mib = usage.ru_maxrss / 1024
        log.close()
        run.tail = " / ".join(out.read_text(errors="replace").strip().splitlines()[-2:])
        run.running.clear()
        run.done.set()

    threading.Thread(target=wait, daemon=True).start()


async def sign_in(page: object, url: str, user: str) -> str:
    await page.goto(url)  # type: ignore[attr-defined]
    await page.get_by_role("textbox", name="Username").fill(user)  # type: ignore[attr-defined]
    await page.get_by_role("textbox", name="Password").fill(PASSWORD)  # type: ignore[attr-defined]
    await page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    handle = await page.wait_for_function(LANDED_JS, arg=NOTICE, timeout=PAGE_TIMEOUT)  # type: ignore[attr-defined]
    return str(await handle.json_value())


async def open_page(page: object, runs: Runs, title: str) -> str:
    """Click `title` in the sidebar; 'page' or 'notice' once the run it started is over."""
    started = time.monotonic()
    seen = runs.finished
    nav = page.get_by_test_id("stSidebarNav")  # type: ignore[attr-defined]
    link = nav.get_by_role("link").filter(has_text=re.compile(f"{re.escape(title)}$"))
    await link.click(timeout=PAGE_TIMEOUT)
    await asyncio.wait_for(runs.after(seen), PAGE_TIMEOUT / 1000)
    left = max(1.0, PAGE_TIMEOUT - (time.monotonic() - started) * 1000)
    handle = await page.wait_for_function(  # type: ignore[attr-defined]
        OVER_JS, arg={"notice": NOTICE, "title": title}, polling="raf", timeout=left
    )
    return str(await handle.json_value())


async def session(
    browser: object,
    url: str,
    user: str,
    seconds: float,
    tally: Tally,
    signed_in: asyncio.Barrier,
    one_at_a_time: asyncio.Lock,
    importing: ImportRun | None,
) -> None:
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})  # type: ignore[attr-defined]
    page = await context.new_page()
    runs = Runs()
    page.on("websocket", lambda ws: ws.on("framereceived", runs.frame))
    try:
        try:
            # One sign-in at a time (Argon2id is meant to be slow): a team does not press
            # "Sign in" in the same second, and the browsing, not the sign-in, is measured here.
            async with one_at_a_time:
                started = time.perf_counter()
                await sign_in(page, url, user)
                tally.signins.append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - a session that cannot sign in is an error
            tally.errors.append(f"{user} sign-in: {type(exc).__name__}")
            return
        finally:
            await signed_in.wait()  # every session browses from the same moment
        until = time.monotonic() + seconds
        turn = 1  # the landing page is the Overview: start with the next one
        while time.monotonic() < until:
            title = PAGES[turn % len(PAGES)]
            turn += 1
            if await page.evaluate(CURRENT_JS) == title:
                # After an import notice the sidebar may still mark this page as current, and a
                # click on the current page starts no run: go to the next one, as a person would.
                continue
            during = importing is not None and importing.running.is_set()
            started = time.perf_counter()
            try:
                outcome = await open_page(page, runs, title)
            except Exception as exc:  # noqa: BLE001 - counted, the session goes on
                tally.errors.append(f"{user} {title}: {type(exc).__name__}")
                tally.failed[title] += 1
                if SHOTS is not None:  # what the person saw instead of the page
                    SHOTS.mkdir(parents=True, exist_ok=True)
                    await page.screenshot(path=str(SHOTS / f"{user}-{turn}-{title}.png"))
                continue
            spent = time.perf_counter() - started
            text = await page.locator("[data-testid=stMain]").inner_text()
            if await page.locator(ERRORS_CSS).count() or BUSY in text:
                tally.errors.append(f"{user} {title}: an error on the page")
                tally.failed[title] += 1
            elif outcome == "notice":
                tally.notices += 1
                # The notice says "try again in a moment": a person would not click on at once.
                await page.wait_for_timeout(2000)
            else:
                tally.times.append(spent)
                tally.by_page[title].append(spent)
                if during:
                    tally.during.append(spent)
    finally:
        await context.close()


async def browse(
    url: str,
    users: list[str],
    seconds: float,
    import_args: tuple[str, Path, Path] | None,
    import_wait: float,
) -> tuple[Tally, ImportRun | None]:
    """Sign every session in, then start the import (if any) and browse for `seconds`; an
    import still running then is waited for (the sessions have stopped browsing) at most
    `import_wait` seconds, then stopped."""
    tally = Tally()
    signed_in = asyncio.Barrier(len(users) + 1)
    one_at_a_time = asyncio.Lock()
    importing = ImportRun() if import_args is not None else None
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tasks = [
            asyncio.create_task(
                session(browser, url, u, seconds, tally, signed_in, one_at_a_time, importing)
            )
            for u in users
        ]
        await signed_in.wait()
        if importing is not None and import_args is not None:
            start_import(importing, *import_args)
        await asyncio.gather(*tasks)
        await browser.close()
    if importing is not None and not await asyncio.to_thread(importing.done.wait, import_wait):
        importing.stopped = True  # bounded: the bench ends by itself
        os.kill(importing.pid, signal.SIGTERM)
        await asyncio.to_thread(importing.done.wait)
    return tally, importing


def percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[max(0, int(round(q * len(ordered))) - 1)]


def report(
    args: argparse.Namespace, url: str, tally: Tally, importing: ImportRun | None, memory: float
) -> list[str]:
    """Print the figures; return them as a line of docs/reliability.md's "load" table."""
    ordered = sorted(tally.times)
    load = os.getloadavg()
    print(f"engine            {args.engine}  ({url.split('@')[-1]})")
    print(f"sessions          {args.sessions}, {args.minutes:g} min each after sign-in")
    print(f"load average      {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (at the end; 2 cores)")
    if tally.signins:
        print(f"sign-in p50       {statistics.median(tally.signins):.2f} s (one at a time)")
    print(f"pages served      {len(ordered)}")
    print(f"import notices    {tally.notices}")
    print(f"errors            {len(tally.errors)}")
    for e in tally.errors[:10]:
        print(f"  {e}")
    if ordered:
        print(f"page time p50     {statistics.median(ordered):.2f} s")
        print(f"page time p95     {percentile(ordered, 0.95):.2f} s")
    for title in PAGES:
        times = sorted(tally.by_page[title])
        figures = (
            f", p50 {statistics.median(times):.2f} s, p95 {percentile(times, 0.95):.2f} s"
            if times
            else ""
        )
        print(f"  {title:<15} {len(times)} served, {tally.failed[title]} errors{figures}")
    print(f"server peak RSS   {memory:.0f} MiB")
    if importing is not None:
        during = sorted(tally.during)
        if importing.stopped:
            print(f"import            STOPPED by the bench after {importing.seconds:.0f} s "
                  f"(still running), peak {importing.peak_mib:.0f} MiB")  # fmt: skip
        else:
            print(f"import            exit {importing.status}, {importing.seconds:.0f} s, "
                  f"peak {importing.peak_mib:.0f} MiB: {importing.tail}")  # fmt: skip
        print(f"served during it  {len(during)}" + (
            f", p50 {statistics.median(during):.2f} s, p95 {percentile(during, 0.95):.2f} s"
            if during else ""))  # fmt: skip
    if importing is None:
        ran = "none"
    elif importing.stopped:
        ran = f"stopped after {importing.seconds:.0f} s"
    else:
        ran = f"exit {importing.status} in {importing.seconds:.0f} s, {importing.peak_mib:.0f} MiB"
    return [
        "DuckDB" if args.engine == "duckdb" else "PostgreSQL",
        "during an import" if importing is not None else "idle",
        f"{args.sessions} x {args.minutes:g}",
        str(len(ordered)),
        str(tally.notices),
        str(len(tally.errors)),
        f"{statistics.median(ordered):.2f}" if ordered else "-",
        f"{percentile(ordered, 0.95):.2f}" if ordered else "-",
        f"{memory:.0f}",
        ran,
        f"{load[0]:.1f}",
        time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["duckdb", "postgresql"], default="duckdb")
    parser.add_argument("--db", help="PostgreSQL: the URL of a database holding the branch data")
    parser.add_argument("--source", type=Path, default=SOURCE, help="DuckDB: the file to copy")
    parser.add_argument("--data", type=Path, default=DATA, help="the folder --during-import loads")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--during-import", action="store_true")
    parser.add_argument(
        "--import-wait", type=float, default=900, help="seconds to wait for the import after "
        "the browsing before stopping it (default 900)",
    )  # fmt: skip
    parser.add_argument(
        "--record", action="store_true", help="write the figures to docs/reliability.md"
    )
    parser.add_argument("--shots", type=Path, help="a folder for screenshots of failed pages")
    parser.add_argument(
        "--cold", action="store_true", help="skip the warm-up a nightly import does"
    )
    args = parser.parse_args()
    global SHOTS
    SHOTS = args.shots
    resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        if args.engine == "duckdb":
            copy = Path(folder) / "branch.duckdb"
            shutil.copyfile(args.source, copy)
            url = f"duckdb:///{copy}"
        elif args.db and args.db.startswith("postgresql"):
            url = args.db
        else:
            parser.error("--engine postgresql needs --db postgresql+psycopg://...")
        users = ensure_users(url, args.sessions)
        if not args.cold:
            warm_like_the_import(url)
        import_args = (url, args.data, Path(folder) / "import.log") if args.during_import else None
        with Server(ROOT, url) as server:
            tally, importing = asyncio.run(
                browse(server.url, users, args.minutes * 60, import_args, args.import_wait)
            )
            memory = peak_memory_mb(server.proc.pid)
        line = report(args, url, tally, importing, memory)
    if args.record:
        from tests.reliability import record_load

        record_load(line)


if __name__ == "__main__":
    main()
