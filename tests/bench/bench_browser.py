"""How fast the dashboard feels in a real browser: the slow steps of issue 13, before and after
(prints figures, not a test).

    python -m tests.bench.bench_browser --db duckdb:////work/data/branch.duckdb --repeat 5
    python -m tests.bench.bench_browser --repo /tmp/before --data /work/data/branch --repeat 5

`--repo PATH` serves another checkout of the project (`git worktree add /tmp/before c3cc6eb`):
its own `python -m ui.serve`, its own importer and account command, so an older version is
timed by the same steps; the bench itself (this file) runs from this checkout and only drives
Chromium and the checkout's command line. The database is never the one given: `--db` (a DuckDB
file) is copied to a temporary folder first, and `--data DIR` is loaded into a new temporary
database by the checkout's own `python -m data load` (an older checkout needs a database of its
own schema: use `--data` for it). An account `--user` is created with the checkout's
`python -m data users add` (an existing one is kept).

Each of `--repeat` repetitions starts a fresh server (every Streamlit cache empty) and measures,
in Chromium:

1. **sign-in -> Overview ready**: from the click on "Sign in" until the landing Overview (the top
   unit, the latest complete month) has rendered;
2. **period-type switch**: a click on "Quarter" until the Overview of the latest complete
   quarter has rendered;
3. **branch -> sub-branch**: choosing the first sub-branch in the sidebar until its Overview has
   rendered (first time in this server);
4. **first page after an import**: back on the branch, the checkout's importer loads the staff
   file with one new person (so the batch changes data, as a real import does); from the end of
   the import until a click on the Overview link has rendered the page again.

"Rendered" means the run's last element is fresh and every chart has drawn (`RENDERED_JS`).
Figures are printed as median and p95 (nearest rank) over the repetitions, with every value, and
the speed of a fixed Python loop before and after (a loaded machine gives larger figures: compare
runs made on equal loop times, while nothing else runs).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from sqlalchemy import func, select

from data.engine import make_engine
from data.schema import AumMonthly, OrgUnit
from metrics.core.periods import Period, month_end
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
STEPS = (
    "sign-in -> Overview ready",
    "period-type switch (month -> quarter)",
    "branch -> sub-branch",
    "first page after an import",
)


def rendered(page: object, text: str | None = None, selector: str | None = None) -> None:
    """Wait until the page is rendered (and shows `text` / an element matching `selector`)."""
    page.wait_for_function(RENDERED_JS, arg=[text, selector], polling="raf", timeout=300_000)


def checkout_cli(repo: Path, db: str, *args: str, stdin: str | None = None) -> str:
    """`python -m data ARGS --db DB` run in the checkout `repo`; its output (raises on failure)."""
    done = subprocess.run(
        [sys.executable, "-m", "data", *args, "--db", db],
        cwd=repo,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "WEALTH_DB_URL": db},
    )
    # An import that committed but rejected some rows (an older checkout rejects the columns of
    # a newer contract) exits non-zero; its batch is in and the figures are there to time.
    if done.returncode != 0 and not (args[0] == "load" and "committed batch" in done.stdout):
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["(no output)"]
        raise RuntimeError(f"python -m data {' '.join(args)}: {tail[0]}")
    return done.stdout


def ensure_user(repo: Path, db: str, user: str, password: str) -> None:
    try:
        checkout_cli(
            repo, db, "users", "add", "--username", user, "--role", "director",
            "--password-stdin", stdin=password + "\n",
        )  # fmt: skip
    except RuntimeError as exc:
        if "exist" not in str(exc).lower():
            raise


class Server:
    """The checkout's dashboard (`python -m ui.serve`) on a free port against the database: a
    fresh process, so every Streamlit cache is empty."""

    def __init__(self, repo: Path, db: str) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui.serve"]  # as ./run.sh starts it
            + ["--server.port", str(port), "--server.headless", "true"],
            cwd=repo,
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


def sign_in(page: object, url: str, user: str, password: str) -> float:
    """Open the dashboard and sign in; seconds from the click until the landing Overview (the
    latest complete month) is rendered."""
    page.goto(url)
    username = page.get_by_role("textbox", name="Username")
    username.wait_for()
    username.fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    started = time.perf_counter()
    page.get_by_role("button", name="Sign in").click()
    rendered(page)  # the sign-in page has no end marker: this is the landing page's
    return time.perf_counter() - started


def open_quarter(page: object, quarter: str) -> float:
    """Seconds from a click on "Quarter" in the sidebar until the Overview of `quarter` is
    rendered."""
    started = time.perf_counter()
    page.get_by_test_id("stSidebar").get_by_role("radio", name="Quarter").click()
    rendered(page, f" · {quarter}")
    return time.perf_counter() - started


def choose(page: object, unit: object, name: str) -> float:
    """Seconds from choosing org unit `name` in the sidebar until its Overview is rendered."""
    unit.scroll_into_view_if_needed()
    begin = time.perf_counter()
    unit.click()
    unit.fill(name)
    page.keyboard.press("Enter")
    rendered(page, name.strip() + " · ")
    return time.perf_counter() - begin


def latest_quarter(db: str) -> Period:
    """The latest complete quarter (its last month-end AUM imported), read without the
    checkout's code (the bench may time an older one)."""
    engine = make_engine(db)
    with engine.connect() as conn:
        last = conn.execute(select(func.max(AumMonthly.__table__.c.month))).scalar_one()
        assert last is not None, "the database holds no AUM"
        conn.execute(select(OrgUnit.__table__.c.org_id).limit(1)).all()
    engine.dispose()
    end = month_end(last)
    quarter = Period.parse(f"{end.year}Q{(end.month - 1) // 3 + 1}")
    return quarter if quarter.end <= end else quarter.prev()


def changed_staff(source: Path, folder: Path, n: int) -> Path:
    """A folder holding the contract's staff file with one new person (a copy of the last row
    under a new id and name, a different one each run), so an import of it commits a batch that
    changes data. A new row rather than a changed one: an older checkout cannot update a staff
    row that other tables reference on DuckDB (fixed by the import-robust change)."""
    with open(source / "staff.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    # A planner's row: every version of the contract knows that role (an older checkout refuses
    # roles added since, such as `other`, and its import would change nothing).
    role = header.index("role")
    extra = list(next(r for r in reversed(rows[1:]) if r[role] == "planner"))
    extra[header.index("staff_id")] = f"99{n:04d}"
    extra[header.index("name")] = f"Bench {n}"
    out = folder / f"import-{n}"
    out.mkdir()
    with open(out / "staff.csv", "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([*rows, extra])
    return out


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop: the same figure on a busy or throttled machine
    (or a shared one whose CPU speed varies) is larger, and so is every figure of the bench."""
    started = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile (the largest value for fewer than 20 runs)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def spread(values: list[float]) -> str:
    if not values:
        return "not measured"
    return (
        f"median {statistics.median(values):6.2f} s   p95 {p95(values):6.2f} s"
        f"   ({len(values)} runs: {', '.join(f'{v:.2f}' for v in values)})"
    )


def prepare(args: argparse.Namespace, folder: Path) -> tuple[str, Path]:
    """The database the bench uses (a copy, or a fresh load of `--data`) and the contract
    folder whose staff file the import step changes."""
    if args.data:
        db = f"duckdb:///{folder / 'bench.duckdb'}"
        started = time.perf_counter()
        checkout_cli(args.repo, db, "load", str(args.data))
        print(f"loaded {args.data} with the checkout in {time.perf_counter() - started:.1f} s")
        return db, Path(args.data)
    prefix = "duckdb:///"
    if not args.db.startswith(prefix):
        raise SystemExit("--db must be a DuckDB file (it is copied); use --data for others")
    source = Path(args.db[len(prefix) :])
    shutil.copyfile(source, folder / "bench.duckdb")
    staff = Path(args.staff_from) if args.staff_from else source.with_suffix("")
    return f"{prefix}{folder / 'bench.duckdb'}", staff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--db", help="a DuckDB file URL, copied before use")
    source.add_argument("--data", help="a contract folder, loaded by the checkout first")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout to serve")
    parser.add_argument(
        "--staff-from", help="folder of the staff.csv the import step changes (with --db; "
        "default: the DuckDB file's name without .duckdb, e.g. /work/data/branch)",
    )  # fmt: skip
    parser.add_argument("--user", default="bench")
    parser.add_argument("--password", default="bench-password-123")
    parser.add_argument("--repeat", type=int, default=5, help="fresh servers (runs per figure)")
    args = parser.parse_args()
    args.repo = args.repo.resolve()
    speed_before = machine_speed()
    figures: dict[str, list[float]] = {step: [] for step in STEPS}
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        folder = Path(tmp)
        db, contract = prepare(args, folder)
        ensure_user(args.repo, db, args.user, args.password)
        quarter = latest_quarter(db)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for run in range(args.repeat):
                with Server(args.repo, db) as server:
                    page = browser.new_page(viewport={"width": 1440, "height": 1000})
                    figures[STEPS[0]].append(sign_in(page, server.url, args.user, args.password))
                    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
                    figures[STEPS[1]].append(open_quarter(page, quarter.label()))
                    unit = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Org unit")
                    branch = unit.input_value()
                    # Scrolled into view first: the sidebar's picker is below a 1000-px window's
                    # fold, and the select's list closes on the scroll a click would make.
                    unit.scroll_into_view_if_needed()
                    unit.click()
                    page.get_by_role("option").first.wait_for()  # the list is drawn after the click
                    options = [o.strip() for o in page.get_by_role("option").all_inner_texts()]
                    options = [o for o in options if o]
                    page.keyboard.press("Escape")
                    sub = options[1] if len(options) > 1 else options[0]
                    figures[STEPS[2]].append(choose(page, unit, sub))
                    choose(page, unit, branch)
                    try:
                        checkout_cli(
                            args.repo, db, "load", str(changed_staff(contract, folder, run))
                        )
                    except RuntimeError as exc:
                        problems.append(f"run {run + 1}: the import failed: {exc}")
                    else:
                        begin = time.perf_counter()
                        nav = page.get_by_test_id("stSidebarNav")
                        nav.get_by_role("link", name="Overview", exact=True).click()
                        rendered(page, branch.strip() + " · ")
                        figures[STEPS[3]].append(time.perf_counter() - begin)
                    page.close()
            browser.close()
    print(f"checkout: {args.repo} ({git_head(args.repo)})")
    print(f"database: {args.data or args.db} (a copy; quarter {quarter.label()})")
    print(
        f"machine: a 3M-step Python loop took {speed_before:.2f} s before and"
        f" {machine_speed():.2f} s after (compare runs on equal figures)"
    )
    for step in STEPS:
        print(f"{step:<40} {spread(figures[step])}")
    for problem in problems:
        print(problem)


def git_head(repo: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), "log", "-1", "--format=%h %s"], capture_output=True, text=True
    )
    return done.stdout.strip()[:72] or "not a git checkout"


if __name__ == "__main__":
    main()
