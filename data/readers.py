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
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zlib import error as zlib_error

import pyarrow as pa
import pyarrow.csv as pacsv

from data import limits

# The largest file the importer reads (data/limits.py; a module global so tests can lower it).
MAX_FILE_BYTES = limits.MAX_FILE_BYTES
UTF8_BOM = b"\xef\xbb\xbf"
# A quoted value may span at most this many physical lines: an opening quote not closed by then
# is taken as unbalanced, its line is rejected and the lines after it are read again as rows.
MAX_RECORD_LINES = 100
# Python's csv module refuses fields over 131,072 characters and then cannot go on reliably: a
# field is bounded by the file instead, and the contract's length rules reject the row.
csv.field_size_limit(max(csv.field_size_limit(), limits.MAX_FILE_BYTES))


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
    try:
        first = next(csv.reader(io.StringIO(first_line, newline="")), None)
    except csv.Error as exc:
        raise FileRefused(f"the header row is not valid CSV ({exc})") from None
    if not first or not any(cell.strip() for cell in first):
        raise FileRefused("no header row: the file is empty")
    if len(first) > limits.MAX_COLUMNS:
        raise FileRefused(
            f"the header has {len(first):,} columns, over the limit of {limits.MAX_COLUMNS:,}"
        )
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
            # Blank lines are no rows (as in the careful path): a file with some takes that path.
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
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


class _RecordTooLong(Exception):
    """A quoted value went on for more than MAX_RECORD_LINES physical lines."""


class _PhysicalLines:
    """The data lines fed to `csv.reader`, numbered, remembering those of the record being read,
    so that a broken record can be rejected by its first line and the lines after it read again
    (one stray quote must not swallow the rest of the file)."""

    def __init__(self, text: str) -> None:
        self.source = io.StringIO(text, newline="")
        self.source.readline()  # the header (line 1), read by `_header`
        self.number = 1
        self.replay: list[tuple[int, str]] = []  # a stack: the next line is last
        self.record: list[tuple[int, str]] = []

    def __iter__(self) -> _PhysicalLines:
        return self

    def __next__(self) -> str:
        if len(self.record) >= MAX_RECORD_LINES:
            raise _RecordTooLong
        if self.replay:
            item = self.replay.pop()
        else:
            line = self.source.readline()
            if not line:
                raise StopIteration
            self.number += 1
            item = (self.number, line)
        self.record.append(item)
        return item[1]

    def read_again_after_first(self) -> tuple[int, str]:
        first, rest = self.record[0], self.record[1:]
        self.replay.extend(reversed(rest))
        self.record = []
        return first


def _fields_kept(row: list[str], width: int) -> dict[str, str]:
    # An over-wide row (a million fields) keeps only a few for the quarantine file.
    return {f"field_{i + 1}": v for i, v in enumerate(row[: width + 5])}


def _careful_parse(text: str, header: list[str], raw: RawTable) -> None:
    """Python's csv module, row by row, for files with quoted newlines, ragged rows or bad quotes.

    Every record is either kept or rejected with its first physical line, so rows read equal
    rows in the file, whatever its shape."""
    feed = _PhysicalLines(text)
    reader = csv.reader(feed, strict=True)
    cells: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    while True:
        feed.record = []
        try:
            row = next(reader)
        except StopIteration:
            break
        except (_RecordTooLong, csv.Error) as exc:
            if not feed.record:
                break
            # The record cannot be parsed: its first line is rejected and the lines after it are
            # read again, so one stray quote costs one row, never the rest of the file.
            number, line = feed.read_again_after_first()
            if isinstance(exc, _RecordTooLong) or "unexpected end of data" in str(exc):
                reason = (
                    "a quoted value is not closed on this line nor within "
                    f"{MAX_RECORD_LINES} lines (an unbalanced quote?)"
                )
            else:
                reason = f"malformed CSV: {exc} (a stray quote?)"
            raw.problems.append(Problem(number, "", reason, {"text": line.rstrip("\r\n")[:1000]}))
            continue
        start, last = feed.record[0][0], feed.record[-1][0]
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) != len(header):
            raw.problems.append(
                Problem(
                    start,
                    "",
                    f"{len(row):,} fields where the header has {len(header)}"
                    + (
                        f" (the row spans lines {start}-{last}: a stray quote?)"
                        if last > start
                        else ""
                    ),
                    _fields_kept(row, len(header)),
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


# A worksheet's row element (`<row ...>`, possibly with a namespace prefix).
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def check_xlsx(book: io.BytesIO | Path) -> None:
    """Refuse a workbook before openpyxl parses it when its unpacked size, a sheet's row count or
    its declared width exceeds data/limits.py (a zip bomb of a shared string, 20 million empty
    rows): openpyxl would spend minutes and gigabytes finding out. The row count is a streaming
    scan of each sheet's XML (bounded by the unpacked-size check), not a parse. A zip member's
    declared size cannot be exceeded: zipfile stops there and checks the CRC."""
    try:
        archive = zipfile.ZipFile(book)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    with archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > limits.MAX_XLSX_UNPACKED_BYTES:
            raise FileRefused(
                f"the workbook unpacks to {unpacked:,} bytes, over the limit of "
                f"{limits.MAX_XLSX_UNPACKED_BYTES:,} (save large extracts as CSV)"
            )
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                _check_sheet_part(archive, member)


def _check_sheet_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    name = member.filename.rsplit("/", 1)[-1]
    rows, carry, head = 0, b"", True
    try:
        with archive.open(member) as part:
            while chunk := part.read(1 << 20):
                data = carry + chunk
                if head:
                    head = False
                    found = _DIMENSION.search(data[:65536])
                    if found and found.group(3):
                        width = _column_number(found.group(3).decode())
                        height = int(found.group(4))
                        if width > limits.MAX_COLUMNS or height > limits.MAX_XLSX_ROWS:
                            raise FileRefused(
                                f"sheet part {name} declares {height:,} rows x {width:,} "
                                f"columns, over the limits of {limits.MAX_XLSX_ROWS:,} rows "
                                f"and {limits.MAX_COLUMNS:,} columns"
                            )
                # A tag never straddles two chunks: keep the text from the last "<" for later.
                cut = data.rfind(b"<")
                cut = len(data) if cut < 0 else cut
                rows += len(_ROW_TAG.findall(data, 0, cut))
                carry = data[cut:]
                if rows > limits.MAX_XLSX_ROWS:
                    raise FileRefused(
                        f"sheet part {name} has more than {limits.MAX_XLSX_ROWS:,} rows "
                        "(Excel's limit)"
                    )
            rows += len(_ROW_TAG.findall(carry))
    except (zipfile.BadZipFile, OSError, EOFError, zlib_error) as exc:
        raise FileRefused(f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    if rows > limits.MAX_XLSX_ROWS:
        raise FileRefused(f"sheet part {name} has more than {limits.MAX_XLSX_ROWS:,} rows")


def _open_book(book: io.BytesIO | Path, **options: bool) -> object:
    import openpyxl

    check_xlsx(book)
    if isinstance(book, io.BytesIO):
        book.seek(0)
    try:
        return openpyxl.load_workbook(book, read_only=True, **options)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileRefused(f"not a readable .xlsx workbook ({type(exc).__name__})") from None


def xlsx_sheets(path: Path | io.BytesIO) -> list[str]:
    book = _open_book(path)
    try:
        return list(book.sheetnames)  # type: ignore[attr-defined]
    finally:
        book.close()  # type: ignore[attr-defined]


def read_xlsx_sheet(path: Path | io.BytesIO, sheet: str) -> RawTable:
    book: Any = _open_book(path, data_only=True)
    try:
        rows = book[sheet].iter_rows(values_only=True)
        first = next(rows, None)
        if not first or not any(v is not None and str(v).strip() for v in first):
            raise FileRefused(f"sheet {sheet!r} has no header row")
        if len(first) > limits.MAX_COLUMNS:
            raise FileRefused(
                f"the header has {len(first):,} columns, over the limit of {limits.MAX_COLUMNS:,}"
            )
        header = [_cell_text(v).strip() for v in first]
        while header and not header[-1]:
            header.pop()
        cells: list[list[str]] = [[] for _ in header]
        lines: list[int] = []
        raw = RawTable(header, {}, [], "xlsx")
        for number, row in enumerate(rows, start=2):
            if len(row) > limits.MAX_COLUMNS:
                # Refused before its cells are turned into text: one wide row, one rejection.
                raw.problems.append(
                    Problem(
                        number, "", f"{len(row):,} cells, over the limit of {limits.MAX_COLUMNS:,}"
                    )
                )
                continue
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


def read_regular(path: Path) -> bytes:
    """The bytes of `path`, which must be a regular file within MAX_FILE_BYTES. Opened without
    blocking and checked on the open descriptor: a FIFO named clients.csv would wait for a writer
    for ever, a link to /dev/zero never ends, and a check before the open could be raced."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise FileRefused(f"cannot open the file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("not a regular file (a pipe, a device or a socket)")
        check_size(size=info.st_size)
        data = handle.read(MAX_FILE_BYTES + 1)
    check_size(size=len(data))  # it grew while being read
    return data


def link_leaving(path: Path, folder: Path) -> str | None:
    """Why `path` (an entry of the import folder) may not be read, or None: a symbolic link to a
    file outside the folder (an extract is a folder of files, not pointers to elsewhere)."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "a broken or looping symbolic link"
    if not target.is_relative_to(folder.resolve()):
        return "a symbolic link to a file outside the import folder"
    return None


def check_size(path: Path | None = None, size: int | None = None) -> None:
    """Refuse a file (on disk, or uploaded bytes of `size`) over `MAX_FILE_BYTES`."""
    size = path.stat().st_size if path is not None else size or 0
    if size > MAX_FILE_BYTES:
        raise FileRefused(f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
