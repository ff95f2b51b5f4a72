"""Reading one contract file (CSV or one XLSX sheet) into columns of strings with physical lines.

Everything here is about bytes and text: encoding detection, CSV structure (ragged rows, quotes,
NUL bytes), XLSX cells. Types and rules are checked later (`data.validate`). A problem that makes
a row unreadable becomes a `Problem` with the physical line; a problem that makes the whole file
unreadable raises `FileRefused`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

# The largest file the importer reads (a CRM extract of a head office is a few hundred MB).
MAX_FILE_BYTES = int(os.environ.get("WEALTH_MAX_FILE_MB", "1024")) << 20
UTF8_BOM = b"\xef\xbb\xbf"


class FileRefused(Exception):
    """The whole file cannot be read; the message says why."""


@dataclass
class Problem:
    line: int
    column: str
    reason: str
    raw: dict[str, str] = field(default_factory=dict)


@dataclass
class RawTable:
    """A file's data rows as string columns; `lines[i]` is the physical line row i starts on."""

    header: list[str]
    columns: dict[str, pa.Array]
    lines: list[int] | pa.Array
    encoding: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Some bytes were not valid UTF-8 and were decoded as U+FFFD: those cells are rejected.
    damaged: bool = False

    @property
    def num_rows(self) -> int:
        return len(self.lines)


def decode(data: bytes) -> tuple[str, str, list[int]]:
    """(text, encoding name, physical lines holding undecodable bytes).

    UTF-8 with or without BOM, else GB18030 (a superset of GBK). A UTF-8 file with a few broken
    sequences (a truncated character) stays UTF-8 and only those lines are reported; a file that
    is neither is refused rather than guessed.
    """
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        name = "utf-8-sig"
    else:
        name = "utf-8"
    try:
        return data.decode("utf-8"), name, []
    except UnicodeDecodeError:
        pass
    # GB18030 decodes almost any byte string, so a UTF-8 file with a damaged character would be
    # read as nonsense. Text that is mostly valid UTF-8 stays UTF-8 and its damaged lines are named.
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    valid_non_ascii = sum(1 for ch in text if ord(ch) > 127) - bad
    if valid_non_ascii >= 4 * bad:
        bad_lines = [i + 1 for i, line in enumerate(text.split("\n")) if "\ufffd" in line]
        return text, name, bad_lines
    if name == "utf-8":
        try:
            return data.decode("gb18030"), "gb18030", []
        except UnicodeDecodeError:
            pass
    raise FileRefused("encoding not recognised: the file is neither UTF-8 nor GB18030/GBK")


def _header(text: str) -> list[str]:
    end = text.find("\n")
    first_line = text if end < 0 else text[: end + 1]  # a header never spans lines
    first = next(csv.reader(io.StringIO(first_line, newline="")), None)
    if not first or not any(cell.strip() for cell in first):
        raise FileRefused("no header row: the file is empty")
    return [cell.strip() for cell in first]


def _physical_line_count(text: str) -> int:
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def _fast_parse(text: str, header: list[str]) -> dict[str, pa.Array] | None:
    """pyarrow's C++ reader, when every record sits on one physical line (the usual case)."""
    if len(set(header)) != len(header) or "\r" in text.replace("\r\n", ""):
        return None
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(
                column_names=[f"c{i}" for i in range(len(header))], skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(len(header))},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows + 1 != _physical_line_count(text):
        return None  # a quoted newline or a blank line: physical lines need the careful path
    return {name: table.column(i).combine_chunks() for i, name in enumerate(header)}


def _careful_parse(text: str, header: list[str], raw: RawTable) -> None:
    """Python's csv module, row by row, for files with quoted newlines, ragged rows or bad quotes."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    cells: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    last = reader.line_num
    while True:
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raw.problems.append(
                Problem(start, "", f"malformed CSV from this line on ({exc}): an unbalanced quote?")
            )
            break
        last = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) != len(header):
            raw.problems.append(
                Problem(
                    start,
                    "",
                    f"{len(row)} fields where the header has {len(header)}"
                    + (
                        f" (the row spans lines {start}-{last}: a stray quote?)"
                        if last > start
                        else ""
                    ),
                    {f"field_{i + 1}": v for i, v in enumerate(row)},
                )
            )
            continue
        for i, value in enumerate(row):
            cells[i].append(value)
        lines.append(start)
    raw.columns = {name: pa.array(cells[i], type=pa.string()) for i, name in enumerate(header)}
    raw.lines = lines


def read_csv_bytes(data: bytes) -> RawTable:
    text, encoding, bad_lines = decode(data)
    header = _header(text)
    raw = RawTable(header, {}, [], encoding)
    columns = None if bad_lines else _fast_parse(text, header)
    if columns is not None:
        raw.columns = columns
        raw.lines = pa.array(range(2, 2 + len(columns[header[0]]) if header else 2), pa.int64())
    else:
        _careful_parse(text, header, raw)
    raw.damaged = bool(bad_lines)
    return raw


def _cell_text(value: object) -> str:
    """An XLSX cell as the contract's text. Excel stores dates as serial numbers under a date
    format, which openpyxl already turned into datetimes; numbers keep their plain form."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def xlsx_sheets(path: Path) -> list[str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_xlsx_sheet(path: Path, sheet: str) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        rows = book[sheet].iter_rows(values_only=True)
        first = next(rows, None)
        if not first or not any(v is not None and str(v).strip() for v in first):
            raise FileRefused(f"sheet {sheet!r} has no header row")
        header = [_cell_text(v).strip() for v in first]
        while header and not header[-1]:
            header.pop()
        cells: list[list[str]] = [[] for _ in header]
        lines: list[int] = []
        raw = RawTable(header, {}, [], "xlsx")
        for number, row in enumerate(rows, start=2):
            values = [_cell_text(v) for v in row]
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                raw.problems.append(
                    Problem(number, "", f"cells beyond the header's {len(header)} columns")
                )
                continue
            values = (values + [""] * len(header))[: len(header)]
            for i, value in enumerate(values):
                cells[i].append(value)
            lines.append(number)
        raw.columns = {name: pa.array(cells[i], type=pa.string()) for i, name in enumerate(header)}
        raw.lines = lines
        return raw
    finally:
        book.close()


def check_size(path: Path | None = None, size: int | None = None) -> None:
    """Refuse a file (on disk, or uploaded bytes of `size`) over `MAX_FILE_BYTES`."""
    size = path.stat().st_size if path is not None else size or 0
    if size > MAX_FILE_BYTES:
        raise FileRefused(f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
