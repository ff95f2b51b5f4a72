"""Rows read equal rows in the file, and read = inserted + updated + unchanged + rejected, for
every file shape: quoted line breaks, fields longer than Python's csv limit, unclosed quotes,
ragged and over-wide rows, blank lines, CRLF. And the wide-input paths stay linear: a row of
a million fields is one rejected row, a header of a million columns one refusal, and the
quarantine file of a wide row is written without a quadratic de-duplication."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data import limits
from data.importer import FileReport, quarantine_csv
from data.readers import Problem
from data.schema import Request
from tests import reliability
from tests.test_importer import base_loaded, file_report, load, write

HEADER = "request_id,client_id,staff_id,received_at,acknowledged_at,resolved_at,summary\n"


def _row(i: int, summary: str = "咨询") -> str:
    text = summary if "," not in summary and "\n" not in summary else f'"{summary}"'
    return f"RQ{i:08d},0000001,000123,2026-09-01 09:00:00,,,{text}\n"


def _counts(report: object, table: str = "requests") -> tuple[int, int, int]:
    f = file_report(report, table)  # type: ignore[arg-type]
    total = f.inserted + f.updated + f.unchanged + f.rejected
    return f.read, total, f.rejected


def test_the_reported_case_loses_no_row(engine: Engine, tmp_path: Path) -> None:
    """issue 14, 2: a quoted line break in row 50, a 131,073-character field in row 101, and
    1,186 rows after it. Before: read 101, the rest neither counted nor imported."""
    base_loaded(engine, tmp_path)
    rows = [_row(i) for i in range(1, 1288)]
    rows[49] = _row(50, "第一行\n第二行")
    rows[100] = _row(101, "长" * 131_073)
    report = load(engine, write(tmp_path / "req", {"requests.csv": HEADER + "".join(rows)}))
    read, total, rejected = _counts(report)
    assert (read, total, rejected) == (1287, 1287, 1)
    f = file_report(report, "requests")
    # Row 101 starts on physical line 103: the header, 100 rows, one of them on two lines.
    assert [(p.line, p.column, p.reason) for p in f.problems] == [
        (103, "summary", "131,073 characters, over the column's limit of 65,536")
    ]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Request)).scalar() == 1286
        stored = conn.execute(
            select(Request.summary).where(Request.request_id == "RQ00000050")
        ).scalar()
    assert stored == "第一行\n第二行"
    reliability.record_case(
        "2", "a quoted line break, then a 131,073-character field", engine.dialect.name,
        tried=read, refused=rejected, test="test_import_conservation.py",
    )  # fmt: skip


SHAPES: dict[str, tuple[str, int, int]] = {
    # name: (file content, rows in the file, of which rejected)
    "plain": (HEADER + "".join(_row(i) for i in range(1, 6)), 5, 0),
    "crlf and blank lines": (
        (HEADER + _row(1) + "\n" + _row(2) + "\n\n" + _row(3)).replace("\n", "\r\n"),
        3,
        0,
    ),
    "quoted line breaks": (HEADER + _row(1, "a\nb\nc") + _row(2) + _row(3, "x\r\ny"), 3, 0),
    "a field at the length limit is accepted": (
        HEADER + _row(1, "x" * limits.MAX_TEXT_CHARS) + _row(2, "y\nz"),
        2,
        0,
    ),
    "long fields after a quoted line break": (
        HEADER + _row(1, "a\nb") + _row(2, "x" * 200_000) + _row(3) + _row(4, "y" * 140_000),
        4,
        2,
    ),
    "an unclosed quote": (
        HEADER + _row(1) + 'RQ00000002,0000001,000123,"2026-09-01 09:00:00,,,x\n' + _row(3),
        3,
        1,
    ),
    "an unclosed quote with line breaks after it": (
        HEADER
        + _row(1)
        + 'RQ00000002,0000001,"000123,2026-09-01,,,x\n'
        + _row(3, "p\nq")
        + _row(4),
        4,
        1,
    ),
    "a quote in the middle of a field": (
        HEADER + _row(1) + 'RQ00000002,0000001,000123,"2026-09-01"x,,,x\n' + _row(3),
        3,
        1,
    ),
    "a ragged row and an over-wide row": (
        HEADER + _row(1) + "RQ00000002,0000001\n" + _row(3) + ",".join(["z"] * 5000) + "\n",
        4,
        2,
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_rows_read_equal_rows_in_the_file(engine: Engine, tmp_path: Path, shape: str) -> None:
    content, rows, rejected = SHAPES[shape]
    base_loaded(engine, tmp_path)
    report = load(engine, write(tmp_path / "shape", {"requests.csv": content}))
    assert _counts(report) == (rows, rows, rejected)
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(Request)).scalar()
    assert stored == rows - rejected
    reliability.record_case(
        "2", f"file shape: {shape}", engine.dialect.name, tried=rows, refused=rejected,
        test="test_import_conservation.py",
    )  # fmt: skip


def test_a_row_of_a_million_fields_is_one_rejected_row(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    wide = ",".join(["v"] * 1_000_000) + "\n"
    content = "staff_id,name,role,org_id\n000300,周杰,planner,B01S01\n" + wide
    report = load(engine, write(tmp_path / "wide", {"staff.csv": content}))
    f = file_report(report, "staff")
    assert (f.read, f.inserted, f.rejected) == (2, 1, 1)
    assert [(p.line, p.reason) for p in f.problems] == [
        (3, "1,000,000 fields where the header has 4")
    ]
    # The quarantine keeps a few of its fields, not a million columns.
    assert f.quarantine is not None
    header = next(csv.reader(io.StringIO(Path(f.quarantine).read_text(encoding="utf-8-sig"))))
    assert header == ["file", "line", "column", "reason", *[f"field_{i}" for i in range(1, 10)]]
    reliability.record_case(
        "3", "a row of 1,000,000 fields: one rejected row", engine.dialect.name,
        tried=f.read, refused=f.rejected, test="test_import_conservation.py",
    )  # fmt: skip


def test_a_header_of_a_million_columns_is_refused_at_once(engine: Engine, tmp_path: Path) -> None:
    header = "staff_id,name,role,org_id," + ",".join(f"x{i}" for i in range(1_000_000))
    report = load(engine, write(tmp_path / "wide", {"staff.csv": header + "\n"}))
    assert file_report(report, "staff").refused == (
        "the header has 1,000,004 columns, over the limit of 1,024"
    )
    reliability.record_case(
        "3", "a header of 1,000,000 columns: refused at once", engine.dialect.name,
        tried=1, refused=1, test="test_import_conservation.py",
    )  # fmt: skip


def test_unknown_columns_are_named_in_a_bounded_warning(engine: Engine, tmp_path: Path) -> None:
    base_loaded(engine, tmp_path)
    extra = [f"x{i}" for i in range(1000)]
    content = "staff_id,name,role,org_id," + ",".join(extra) + "\n"
    content += "000300,周杰,planner,B01S01," + ",".join("" for _ in extra) + "\n"
    report = load(engine, write(tmp_path / "cols", {"staff.csv": content}))
    f = file_report(report, "staff")
    assert f.inserted == 1
    assert f.warnings == [
        "unknown columns ignored: x0, x1, x2, x3, x4, x5, x6, x7, x8, x9 and 990 more"
    ]


class _CountedName(str):
    """A column name that counts the comparisons made with it: the de-duplication's work."""

    operations = 0

    def __hash__(self) -> int:
        _CountedName.operations += 1
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        _CountedName.operations += 1
        return str.__eq__(self, other)


def _dedup_operations(width: int) -> int:
    """Hashes and comparisons of column names made while writing the quarantine file of two rows
    of `width` distinct field names (the same names, distinct objects, in each row)."""
    problems = [
        Problem(line, "", "wide", {_CountedName(f"field_{i}"): str(i) for i in range(width)})
        for line in (2, 3)
    ]
    report = FileReport("staff.csv", "staff", problems=problems)
    _CountedName.operations = 0
    data = quarantine_csv(report)
    operations = _CountedName.operations
    header = next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    # Every column once, in first-seen order; both rows' values under it.
    assert header == ["file", "line", "column", "reason", *[f"field_{i}" for i in range(width)]]
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1:]
    assert [row[4 + width - 1] for row in rows] == [str(width - 1)] * 2
    return operations


def test_quarantine_of_wide_rows_is_linear() -> None:
    """The quarantine file of a wide row used to de-duplicate column names with a list's `in`
    (10k fields 4.5 s, 40k 100 s: quadratic). Counted, not timed: four times the fields must
    cost about four times the hashes and comparisons of names (a quadratic one costs sixteen
    times). The time itself is printed by `python -m tests.bench.bench_quarantine`."""
    small, large = _dedup_operations(2_000), _dedup_operations(8_000)
    assert small > 0, "the counting names were not used"
    assert 3.5 <= large / small <= 4.5, (small, large)
    reliability.record_case(
        "3", "quarantine of two wide rows: 4x the fields, about 4x the name operations",
        "(no database)", tried=2, test="test_import_conservation.py",
    )  # fmt: skip
