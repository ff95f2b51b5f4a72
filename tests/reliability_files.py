"""Hostile files fed to `python -m data load`, each in its own process, measured from outside.

Each case builds a folder in a temporary directory (a zip bomb of a shared string, a workbook of
20 million empty rows or 3 million rows, a FIFO named clients.csv, a link to /dev/zero or to a
file outside the folder, a row of a million fields, a header of a million columns, the long
field after a quoted line break that used to lose every following row), runs the command line
on it and records: exit status, CPU and wall seconds, the child's peak resident memory
(`wait4`'s rusage, so nothing in the child has to cooperate), the one-line reason printed, and
whether the database changed. The child runs under an address-space limit so that a regression
fails this test instead of the machine.

`tests/test_hostile_files.py` runs every case on DuckDB and PostgreSQL, asserts the bounds and
writes the table into `docs/reliability.md`.
"""

from __future__ import annotations

import io
import os
import resource
import signal
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU_LIMIT = 10.0  # seconds of CPU per case (the "ends within 10 s", on a shared machine)
WALL_LIMIT = 60.0  # a case still running then is killed and counted as a hang
MEMORY_LIMIT = 1 << 30  # peak resident memory per case
ADDRESS_SPACE = 3 << 30  # the child's hard ceiling: a regression fails, the machine survives

STAFF = "staff_id,name,role,org_id\n"
REQUESTS = "request_id,client_id,staff_id,received_at,acknowledged_at,resolved_at,summary\n"


@dataclass
class Case:
    name: str
    build: Callable[[Path, Path], None]  # (import folder, scratch folder outside it)
    # None: the file is refused as a whole; else (rows read, rows rejected) expected.
    rows: tuple[int, int] | None = None
    # What a refusal must say (a fragment of the one-line reason): the reason names the
    # actual problem, not merely any line, so an "out of memory" or a database error that
    # happened to fit on one line would fail.
    says: str = ""


@dataclass
class Outcome:
    case: str
    database: str
    exit_status: int | None = None
    cpu: float = 0.0
    wall: float = 0.0
    peak_mib: float = 0.0
    reason: str = ""
    hang: bool = False
    traceback: bool = False
    unchanged: bool | None = None
    counts: tuple[int, int] | None = None
    rows_lost: int = 0
    problems: list[str] = field(default_factory=list)


# --- the files --------------------------------------------------------------------------------


def _workbook(sheet: str) -> dict[str, bytes]:
    """The parts of a small valid workbook with one sheet (header and one row)."""
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(["client_id", "name", "opened_on"])
    ws.append(["0000009", "王芳", "2019-01-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_workbook(path: Path, parts: dict[str, bytes], big: dict[str, Callable[[], object]]):  # noqa: ANN202
    """A workbook with `parts`, and `big` members streamed from generators of byte chunks."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if name not in big:
                archive.writestr(name, data)
        for name, chunks in big.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks():  # type: ignore[attr-defined]
                    member.write(chunk)


def shared_string_bomb(folder: Path, _scratch: Path) -> None:
    """A 5 MB workbook whose one shared string unpacks to 1 GiB."""
    parts = _workbook("clients")

    def chunks():  # noqa: ANN202
        yield b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'
        block = b"a" * (1 << 20)
        for _ in range(1024):
            yield block
        yield b"</t></si></sst>"

    _write_workbook(folder / "clients.xlsx", parts, {"xl/sharedStrings.xml": chunks})


def _sheet_rows(row: bytes, count: int, dimension: bytes = b"") -> Callable[[], object]:
    def chunks():  # noqa: ANN202
        yield (
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">' + dimension + b"<sheetData>"
        )
        block = 100_000
        for start in range(0, count, block):
            yield row * min(block, count - start)
        yield b"</sheetData></worksheet>"

    return chunks


def empty_rows(folder: Path, _scratch: Path) -> None:
    """20 million empty rows (no dimension declared: found by the scan)."""
    _write_workbook(
        folder / "clients.xlsx",
        _workbook("clients"),
        {"xl/worksheets/sheet1.xml": _sheet_rows(b"<row/>", 20_000_000)},
    )


def three_million_rows(folder: Path, _scratch: Path) -> None:
    """3 million rows of one number, with the dimension a writer declares (78 MB unpacked:
    under the size limit, so the declared dimension refuses it)."""
    _write_workbook(
        folder / "clients.xlsx",
        _workbook("clients"),
        {
            "xl/worksheets/sheet1.xml": _sheet_rows(
                b"<row><c><v>1</v></c></row>", 3_000_000, b'<dimension ref="A1:A3000000"/>'
            )
        },
    )


def fifo(folder: Path, _scratch: Path) -> None:
    os.mkfifo(folder / "clients.csv")


def dev_zero(folder: Path, _scratch: Path) -> None:
    (folder / "clients.csv").symlink_to("/dev/zero")


def link_outside(folder: Path, scratch: Path) -> None:
    secret = scratch / "elsewhere.csv"
    secret.write_text(STAFF + "000300,周杰,planner,B01S01\n", encoding="utf-8")
    (folder / "staff.csv").symlink_to(secret)


def wide_row(folder: Path, _scratch: Path) -> None:
    wide = ",".join(["v"] * 1_000_000)
    (folder / "staff.csv").write_text(
        STAFF + "000300,周杰,planner,B01S01\n" + wide + "\n", encoding="utf-8"
    )


def wide_header(folder: Path, _scratch: Path) -> None:
    header = STAFF.strip() + "," + ",".join(f"x{i}" for i in range(1_000_000))
    (folder / "staff.csv").write_text(header + "\n", encoding="utf-8")


def long_field_after_line_break(folder: Path, _scratch: Path) -> None:
    """issue 14's case: a quoted line break in row 50, a 131,073-character field in row 101,
    1,186 rows after it."""
    rows = [f"RQ{i:08d},0000001,000123,2026-09-01 09:00:00,,,咨询\n" for i in range(1, 1288)]
    rows[49] = 'RQ00000050,0000001,000123,2026-09-01 09:00:00,,,"第一行\n第二行"\n'
    rows[100] = "RQ00000101,0000001,000123,2026-09-01 09:00:00,,," + "长" * 131_073 + "\n"
    (folder / "requests.csv").write_text(REQUESTS + "".join(rows), encoding="utf-8")


def referenced_staff_update(folder: Path, _scratch: Path) -> None:
    """Next month's staff.csv: a planner whom an assignment references left and moved."""
    (folder / "staff.csv").write_text(
        STAFF.strip() + ",hired_on,left_on\n000123,张伟,planner,B01S02,2020-01-01,2026-10-20\n",
        encoding="utf-8",
    )


CASES: tuple[Case, ...] = (
    Case("xlsx: a shared string unpacking to 1 GiB", shared_string_bomb, says="the workbook unpacks to"),
    Case("xlsx: 20 million empty rows", empty_rows, says="rows (Excel's limit)"),
    Case("xlsx: 3 million rows", three_million_rows, says="declares 3,000,000 rows"),
    Case("a FIFO named clients.csv", fifo, says="not a regular file"),
    Case("clients.csv linked to /dev/zero", dev_zero, says="outside the import folder"),
    Case("staff.csv linked to a file outside the folder", link_outside, says="outside the import folder"),
    Case("a header of 1,000,000 columns", wide_header, says="columns, over the limit of"),
    Case("a row of 1,000,000 fields", wide_row, rows=(2, 1)),
    Case("a quoted line break, then a 131,073-character field", long_field_after_line_break,
         rows=(1287, 1)),
    Case("staff.csv updating a referenced planner (left, moved)", referenced_staff_update,
         rows=(1, 0)),
)  # fmt: skip


# --- running one case ---------------------------------------------------------------------------


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_load(
    folder: Path, url: str, quarantine: Path
) -> tuple[int | None, float, float, float, str, str, bool]:
    """(exit status or None if killed, CPU s, wall s, peak MiB, stdout, stderr, hang)."""
    command = [sys.executable, "-m", "data", "load", str(folder), "--db", url,
               "--as-of", "2026-10-31", "--quarantine", str(quarantine)]  # fmt: skip
    env = dict(os.environ, WEALTH_DB_LOCK_WAIT="20", PYTHONPATH=str(ROOT))
    out_path, err_path = quarantine.parent / "stdout.txt", quarantine.parent / "stderr.txt"
    started = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(  # noqa: S603 - our own command line
            command, cwd=ROOT, env=env, stdout=out, stderr=err, preexec_fn=_limit_address_space
        )
        hung = threading.Event()

        def kill() -> None:
            hung.set()
            os.kill(proc.pid, signal.SIGKILL)

        timer = threading.Timer(WALL_LIMIT, kill)
        timer.start()
        try:
            # wait4, not Popen.wait: the rusage of exactly this child (peak memory, CPU).
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    code = None if hung.is_set() else proc.returncode
    return (
        code,
        usage.ru_utime + usage.ru_stime,
        wall,
        usage.ru_maxrss / 1024,  # KiB on Linux
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
        hung.is_set(),
    )


def run_case(
    case: Case, url: str, work: Path, database: str, snapshot: Callable[[], str]
) -> Outcome:
    folder, scratch = work / "import", work / "scratch"
    folder.mkdir(parents=True)
    scratch.mkdir()
    case.build(folder, scratch)
    before = snapshot()
    code, cpu, wall, peak, stdout, stderr, hang = run_load(folder, url, work / "quarantine")
    outcome = Outcome(case.name, database, code, cpu, wall, peak, hang=hang)
    outcome.traceback = "Traceback" in stdout + stderr
    outcome.unchanged = snapshot() == before
    refused = [line for line in stdout.splitlines() if " refused: " in line]
    errors = [line for line in stderr.splitlines() if line.strip()]
    outcome.reason = (refused or errors or [""])[0].split("refused: ", 1)[-1].strip()
    if case.rows is not None:
        outcome.counts = _counts(stdout, folder)
    _judge(case, outcome, stderr)
    return outcome


def _counts(stdout: str, folder: Path) -> tuple[int, int] | None:
    """(read, rejected) from the command's table row for the case's one file."""
    names = {p.name for p in folder.iterdir()}
    for line in stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in names and len(parts) == 6:
            read, inserted, updated, unchanged, rejected = (
                int(p.replace(",", "")) for p in parts[1:]
            )
            if read != inserted + updated + unchanged + rejected:
                return None
            return read, rejected
    return None


def _judge(case: Case, o: Outcome, stderr: str) -> None:
    if o.hang:
        o.problems.append(f"still running after {WALL_LIMIT:.0f} s: killed")
    if o.traceback:
        o.problems.append("a traceback reached the user")
    if o.cpu > CPU_LIMIT:
        o.problems.append(f"{o.cpu:.1f} s of CPU, over {CPU_LIMIT:.0f} s")
    if o.peak_mib * (1 << 20) > MEMORY_LIMIT:
        o.problems.append(f"peak memory {o.peak_mib:.0f} MiB")
    if case.rows is None:
        if o.exit_status not in (1, 2) or not o.reason or "\n" in o.reason:
            o.problems.append(f"no one-line refusal (exit {o.exit_status}): {stderr[-300:]!r}")
        elif case.says not in o.reason or "Error" in o.reason:
            o.problems.append(f"the reason does not say {case.says!r}: {o.reason!r}")
        if not o.unchanged:
            o.problems.append("the database changed")
    else:
        if o.counts is None:
            o.problems.append("no counts, or read != inserted + updated + unchanged + rejected")
            o.rows_lost = case.rows[0]
        elif o.counts != case.rows:
            o.rows_lost = max(0, case.rows[0] - o.counts[0])
            o.problems.append(f"read, rejected = {o.counts}, expected {case.rows}")


def markdown(outcomes: list[Outcome]) -> str:
    out = [
        "| hostile file | database | outcome | crashes | rows lost | CPU s | peak memory MiB |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for o in outcomes:
        if o.counts is not None:
            what = f"read {o.counts[0]:,}, rejected {o.counts[1]:,}"
        else:
            what = f"refused: {o.reason}"
        crashes = int(o.hang or o.traceback or o.exit_status not in (0, 1, 2))
        # Rounded so that the document changes when a figure does, not with every run's jitter.
        out.append(
            f"| {o.case} | {o.database} | {what.replace('|', '/')} | {crashes} | {o.rows_lost} "
            f"| {max(1, round(o.cpu))} | {int(-(-o.peak_mib // 50) * 50)} |"
        )
    return "\n".join(out) + "\n"


def document(outcomes: list[Outcome]) -> str:
    return (
        "## Hostile files to the importer\n\n"
        "Written by `tests/test_hostile_files.py` (do not edit by hand): each file is imported "
        "by `python -m data load` in its own process under a 3 GiB address-space ceiling; "
        f"every case must end within {CPU_LIMIT:.0f} s of CPU with a peak resident memory under "
        "1 GiB (rounded up to 50 MiB here), a one-line reason, no traceback, and the database "
        "unchanged by a refused file; a file with bad rows must count every row "
        "(read = inserted + updated + unchanged + rejected). Limits: `data/limits.py`.\n\n"
        + markdown(outcomes)
        + "\nNot in this table: a scheduled import while a user browses the dashboard (a "
        "simulated user opening a page every 0.3 s in another process) is tested by "
        "`tests/test_import_vs_users.py`; the import gets the file and the user is told "
        '"an import is in progress" until it ends.\n'
    )
