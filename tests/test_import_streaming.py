"""The importer reads a file in chunks (issue 16): what a person meets must not depend on where a
chunk ends. Each case shrinks the chunks to a few lines (`READ_CHUNK_CHARS`, `CAREFUL_CHUNK_ROWS`)
so that a duplicate key, a quoted line break, a CRLF or a GBK character falls across a boundary,
and compares with the figures the file gives read in one piece."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, select

from data import importer, limits, readers
from data.schema import Client, Staff
from tests.test_importer import base_loaded, content_hash, file_report, load, problems, write

STAFF = "staff_id,name,role,org_id\n"


def _staff(n: int, start: int = 300) -> list[str]:
    return [f"{start + i:06d},员工{i},planner,B01S01\n" for i in range(n)]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # About four lines a block, ten rows a careful or XLSX chunk.
    monkeypatch.setattr(readers, "READ_CHUNK_CHARS", 100)
    monkeypatch.setattr(readers, "SOURCE_CHUNK_CHARS", 7)
    monkeypatch.setattr(readers, "CAREFUL_CHUNK_ROWS", 10)


@pytest.fixture
def chunk_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of rows of every chunk validated."""
    sizes: list[int] = []
    check = importer.check

    def counting(raw, *args, **kwargs):  # noqa: ANN001, ANN202
        sizes.append(raw.num_rows)
        return check(raw, *args, **kwargs)

    monkeypatch.setattr(importer, "check", counting)
    return sizes


def test_a_file_is_validated_in_bounded_chunks(
    engine: Engine, tmp_path: Path, small_chunks: None, chunk_sizes: list[int]
) -> None:
    base_loaded(engine, tmp_path)
    chunk_sizes.clear()
    report = load(engine, write(tmp_path / "many", {"staff.csv": STAFF + "".join(_staff(200))}))
    f = file_report(report, "staff")
    assert (f.read, f.inserted, f.rejected) == (200, 200, 0)
    # 200 rows of about 27 characters in blocks of 100: never the whole file at once.
    assert sum(chunk_sizes) == 200 and max(chunk_sizes) <= 5 and len(chunk_sizes) >= 40


def test_a_duplicate_key_in_another_chunk_names_the_first_line(
    engine: Engine, tmp_path: Path, small_chunks: None
) -> None:
    base_loaded(engine, tmp_path)
    rows = _staff(60)
    rows.append("000305,又一个,advisor,B01S01\n")  # line 62: the key of line 7
    report = load(engine, write(tmp_path / "dup", {"staff.csv": STAFF + "".join(rows)}))
    assert problems(report, "staff") == [
        (62, "staff_id", "duplicate key (staff_id) = (000305), first on line 7")
    ]
    f = file_report(report, "staff")
    assert (f.read, f.inserted, f.rejected) == (61, 60, 1)
    with engine.connect() as conn:
        name = conn.execute(select(Staff.name).where(Staff.staff_id == "000305")).scalar()
    assert name == "员工5"  # the first row is kept


def test_a_quoted_line_break_late_in_the_file_keeps_physical_lines(
    engine: Engine, tmp_path: Path, small_chunks: None
) -> None:
    base_loaded(engine, tmp_path)
    rows = _staff(30)
    rows[20] = '000320,"周\n杰",planner,B01S01\n'  # lines 22-23: the careful path from here on
    rows[25] = "000325,吴敏,boss,B01S01\n"  # line 28 (one more physical line before it)
    rows.insert(27, "\n")  # a blank line is no row
    report = load(engine, write(tmp_path / "nl", {"staff.csv": STAFF + "".join(rows)}))
    assert [(p[0], p[1]) for p in problems(report, "staff")] == [(28, "role")]
    f = file_report(report, "staff")
    assert (f.read, f.inserted, f.rejected) == (30, 29, 1)
    with engine.connect() as conn:
        name = conn.execute(select(Staff.name).where(Staff.staff_id == "000320")).scalar()
    assert name == "周\n杰"


def test_crlf_lines_split_across_reads(engine: Engine, tmp_path: Path, small_chunks: None) -> None:
    base_loaded(engine, tmp_path)
    rows = [line.replace("\n", "\r\n") for line in _staff(40)]
    rows[30] = '000330,"郑\r\n爽",planner,B01S01\r\n'  # the careful path reads CRLF 7 chars a time
    rows[35] = "000335,李雷,boss,B01S01\r\n"  # line 38
    data = (STAFF.replace("\n", "\r\n") + "".join(rows)).encode("utf-8")
    report = load(engine, write(tmp_path / "crlf", {"staff.csv": data}))
    assert [(p[0], p[1]) for p in problems(report, "staff")] == [(38, "role")]
    assert (file_report(report, "staff").read, file_report(report, "staff").inserted) == (40, 39)
    with engine.connect() as conn:
        name = conn.execute(select(Staff.name).where(Staff.staff_id == "000330")).scalar()
    assert name == "郑\r\n爽"


def test_a_gbk_character_after_the_first_chunks_reads_the_file_again(
    engine: Engine, tmp_path: Path, small_chunks: None
) -> None:
    base_loaded(engine, tmp_path)
    rows = [f"{300 + i:06d},staff{i},planner,B01S01\n" for i in range(50)]
    rows[45] = "000345,周杰,planner,B01S01\n"  # the only non-ASCII text, far into the file
    report = load(
        engine, write(tmp_path / "gbk", {"staff.csv": (STAFF + "".join(rows)).encode("gbk")})
    )
    f = file_report(report, "staff")
    assert (f.encoding, f.read, f.inserted, f.rejected) == ("gb18030", 50, 50, 0)
    with engine.connect() as conn:
        name = conn.execute(select(Staff.name).where(Staff.staff_id == "000345")).scalar()
    assert name == "周杰"


def test_an_endless_line_is_one_rejected_row(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 500)
    base_loaded(engine, tmp_path)
    rows = _staff(10)
    rows[4] = "000304," + "长" * 2000 + ",planner,B01S01\n"  # line 6
    report = load(engine, write(tmp_path / "long", {"staff.csv": STAFF + "".join(rows)}))
    assert problems(report, "staff") == [(6, "", "a line of more than 500 characters")]
    f = file_report(report, "staff")
    assert (f.read, f.inserted, f.rejected) == (10, 9, 1)


def test_an_xlsx_sheet_in_chunks(
    engine: Engine, tmp_path: Path, small_chunks: None, chunk_sizes: list[int]
) -> None:
    base_loaded(engine, tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "clients"
    sheet.append(["client_id", "name", "opened_on"])
    for i in range(35):
        sheet.append([f"{100 + i:07d}", f"客户{i}", "2024-03-01"])
    sheet.append(["0000105", "重复", "2024-03-01"])  # row 37: the key of row 7
    folder = tmp_path / "xlsx"
    folder.mkdir()
    book.save(folder / "clients.xlsx")
    chunk_sizes.clear()
    report = load(engine, folder)
    assert problems(report, "clients") == [
        (37, "client_id", "duplicate key (client_id) = (0000105), first on line 7")
    ]
    assert max(chunk_sizes) <= 10 and sum(chunk_sizes) == 36
    with engine.connect() as conn:
        assert conn.execute(select(Client.name).where(Client.client_id == "0000105")).scalar() == (
            "客户5"
        )


MIXED = (
    STAFF
    + "".join(_staff(12))
    + '000400,"多\n行",planner,B01S01\n'
    + "000401,少一列,planner\n"
    + "\n"
    + "".join(_staff(12, 402))
    + '000420,"未闭合,planner,B01S01\n'
    + "000421,重复前,planner,B01S01\n"
    + "000421,重复后,advisor,B01S01\n"
    + "".join(_staff(15, 430))
)


def test_chunk_size_changes_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same mixed file read whole and in chunks of a few lines: the same rows stored, the
    same problems (line, column, reason) and counts."""
    base_loaded(engine, tmp_path)
    whole = load(engine, write(tmp_path / "whole", {"staff.csv": MIXED}))
    stored = content_hash(engine)
    monkeypatch.setattr(readers, "READ_CHUNK_CHARS", 64)
    monkeypatch.setattr(readers, "SOURCE_CHUNK_CHARS", 5)
    monkeypatch.setattr(readers, "CAREFUL_CHUNK_ROWS", 3)
    with engine.begin() as conn:
        conn.execute(Staff.__table__.delete().where(Staff.staff_id >= "000300"))
    chunked = load(engine, write(tmp_path / "chunked", {"staff.csv": MIXED}))
    assert problems(chunked, "staff") == problems(whole, "staff")
    assert len(problems(whole, "staff")) == 3
    assert file_report(chunked, "staff").counts() | {"sha256": ""} == file_report(
        whole, "staff"
    ).counts() | {"sha256": ""}
    assert content_hash(engine) == stored
