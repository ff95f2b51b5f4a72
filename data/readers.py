"""Reading one contract file (CSV or one XLSX sheet) as chunks of string columns with physical lines.

Files are streamed: a CSV is decoded and parsed block by block (pyarrow's C++ reader for blocks
of one-line records, Python's csv module from the first block that needs it), an XLSX sheet row
by row (openpyxl's read-only mode), and handed on in chunks of about 100,000 rows, so the memory
an import takes does not grow with the file. Everything here is about bytes and text: encoding detection, CSV structure (ragged rows, quotes,
NUL bytes), XLSX cells. Types and rules are checked later (`data.validate`). A problem that makes
a row unreadable becomes a `Problem` with the physical line; a problem that makes the whole file
unreadable raises `FileRefused`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
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
# Text read per block: each block is parsed and validated before the next is read.
READ_CHUNK_CHARS = 8 << 20
READ_BUFFER_BYTES = 1 << 20
SOURCE_CHUNK_CHARS = 1 << 20
DETECT_CHUNK_BYTES = 4 << 20
# Rows per chunk where rows are gathered one by one (the careful CSV path, XLSX sheets).
CAREFUL_CHUNK_ROWS = 100_000
# Python's csv module refuses fields over 131,072 characters and then cannot go on reliably: a
# field is bounded by the record's lines instead, and the contract's length rules reject the row.
csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_LINES * limits.MAX_LINE_CHARS))


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


class NotUtf8(Exception):
    """A byte sequence is not UTF-8: the file is read again once its encoding is known."""


@dataclass
class Encoding:
    name: str  # as reported: utf-8, utf-8-sig or gb18030
    errors: str = "strict"  # "replace" for a UTF-8 file with a few damaged characters

    @property
    def damaged(self) -> bool:
        return self.errors != "strict"


def detect_encoding(handle: BinaryIO) -> Encoding:
    """The encoding of a file that is not strict UTF-8, by a streaming pass (nothing kept).

    A file that is mostly valid UTF-8 with a few broken sequences (a truncated character) stays
    UTF-8 and those cells are rejected; else GB18030 (a superset of GBK); a file that is neither
    is refused rather than guessed. GB18030 decodes almost any byte string, so the UTF-8 test
    comes first."""
    handle.seek(0)
    name = "utf-8-sig" if handle.read(len(UTF8_BOM)) == UTF8_BOM else "utf-8"
    if name == "utf-8":
        handle.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    bad = non_ascii = 0
    while chunk := handle.read(DETECT_CHUNK_BYTES):
        text = decoder.decode(chunk)
        bad += text.count("\ufffd")
        non_ascii += len(text) - len(text.encode("ascii", "ignore"))
    text = decoder.decode(b"", final=True)
    bad += text.count("\ufffd")
    non_ascii += len(text) - len(text.encode("ascii", "ignore"))
    if non_ascii - bad >= 4 * bad:
        return Encoding(name, "replace")
    if name == "utf-8":
        handle.seek(0)
        strict = codecs.getincrementaldecoder("gb18030")()
        try:
            while chunk := handle.read(DETECT_CHUNK_BYTES):
                strict.decode(chunk)
            strict.decode(b"", final=True)
            return Encoding("gb18030")
        except UnicodeDecodeError:
            pass
    raise FileRefused("encoding not recognised: the file is neither UTF-8 nor GB18030/GBK")


class CountedReader(io.RawIOBase):
    """A binary file as the CSV reader reads it: hashed (the import history's sha256), counted
    and refused past MAX_FILE_BYTES (a file that grows while being read)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.sha = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.handle.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.sha.update(data)
        self.size += n
        check_size(size=self.size)
        return n


@dataclass
class Stream:
    """One file's header, then its data rows in chunks (`RawTable`s) as the file is read."""

    header: list[str]
    encoding: str
    chunks: Iterator[RawTable]
    # The bytes read, for the import history's sha256 once `chunks` is exhausted (CSV only).
    counted: CountedReader | None = None


def _header(line: str) -> list[str]:
    if len(line) > limits.MAX_LINE_CHARS:
        raise FileRefused(
            f"the header line is over {limits.MAX_LINE_CHARS:,} characters (not a CSV header)"
        )
    try:
        first = next(csv.reader(io.StringIO(line, newline="")), None)
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


def _fast_parse(text: str, width: int, final: bool) -> dict[int, pa.Array] | None:
    """pyarrow's C++ reader on a block of whole lines, when every record sits on one physical
    line (the usual case); None when the block needs the careful path."""
    if "\r" in text.replace("\r\n", ""):
        return None  # a bare CR ends a physical line for the careful path, not for pyarrow
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=[f"c{i}" for i in range(width)]),
            # Blank lines are no rows (as in the careful path): a block with some takes that path.
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid:
        return None
    if table.num_rows != _physical_line_count(text):
        return None  # a quoted newline or a blank line: physical lines need the careful path
    if not final and table.num_rows:
        # pyarrow takes a quote still open at the end of its input as closed there: a record
        # going on in the next block. Its last value then holds the line's end.
        last = [table.column(i)[table.num_rows - 1].as_py() for i in range(width)]
        if any("\n" in value or "\r" in value for value in last):
            return None
    return {i: table.column(i).combine_chunks() for i in range(width)}


class _RecordTooLong(Exception):
    """A quoted value went on for more than MAX_RECORD_LINES physical lines."""


_EOL = re.compile(r"[\r\n]")
_OVERLONG = object()  # a physical line over MAX_LINE_CHARS, skipped without being kept


class _LineSource:
    """Physical lines, ended by \\n, \\r\\n or \\r as Python's own text files end them with
    newline="", of `prefix` and then of `stream`; a line over MAX_LINE_CHARS is read past (never
    kept whole) and returned as `_OVERLONG`."""

    def __init__(self, prefix: str, stream: io.TextIOBase) -> None:
        self.buffer, self.pos, self.stream, self.eof = prefix, 0, stream, False

    def _more(self) -> bool:
        if self.eof:
            return False
        more = self.stream.read(SOURCE_CHUNK_CHARS)
        if not more:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + more
        self.pos = 0
        return True

    def readline(self) -> object:
        searched, overlong = self.pos, False
        while True:
            found = _EOL.search(self.buffer, searched)
            if found is not None:
                end = found.end()
                if found.group() == "\r" and end == len(self.buffer) and self._more():
                    searched = 0  # is this \r followed by \n? (the buffer was rebased)
                    continue
                if end < len(self.buffer) and self.buffer[end - 1] == "\r":
                    end += self.buffer[end] == "\n"
                line, self.pos = self.buffer[self.pos : end], end
                return _OVERLONG if overlong else line
            if len(self.buffer) - self.pos > limits.MAX_LINE_CHARS:
                overlong = True
                self.pos = len(self.buffer)  # dropped: only its end is looked for
            searched = len(self.buffer) - self.pos
            if not self._more():
                line, self.pos = self.buffer[self.pos :], len(self.buffer)
                return _OVERLONG if overlong else line


class _PhysicalLines:
    """The data lines fed to `csv.reader`, numbered, remembering those of the record being read,
    so that a broken record can be rejected by its first line and the lines after it read again
    (one stray quote must not swallow the rest of the file)."""

    def __init__(self, source: _LineSource, number: int) -> None:
        self.source = source
        self.number = number  # the physical lines read so far (the header included)
        self.replay: list[tuple[int, str]] = []  # a stack: the next line is last
        self.record: list[tuple[int, str]] = []
        self.overlong: list[int] = []

    def __iter__(self) -> _PhysicalLines:
        return self

    def __next__(self) -> str:
        if len(self.record) >= MAX_RECORD_LINES:
            raise _RecordTooLong
        if self.replay:
            item = self.replay.pop()
        else:
            while True:
                line = self.source.readline()
                if line == "":
                    raise StopIteration
                self.number += 1
                if line is not _OVERLONG:
                    break
                self.overlong.append(self.number)  # rejected by the caller, never parsed
            item = (self.number, str(line))
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


def _raw_chunk(
    header: list[str], cells: list[list[str]], lines: list[int], problems: list[Problem]
) -> RawTable:
    columns = {name: pa.array(cells[i], type=pa.string()) for i, name in enumerate(header)}
    return RawTable(header, columns, list(lines), "", list(problems))


def _careful_parse(source: _LineSource, number: int, header: list[str]) -> Iterator[RawTable]:
    """Python's csv module, row by row, for files with quoted newlines, ragged rows or bad quotes,
    in chunks of CAREFUL_CHUNK_ROWS rows.

    Every record is either kept or rejected with its first physical line, so rows read equal
    rows in the file, whatever its shape."""
    feed = _PhysicalLines(source, number)
    reader = csv.reader(feed, strict=True)
    cells: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    problems: list[Problem] = []
    while True:
        if len(lines) >= CAREFUL_CHUNK_ROWS:
            yield _raw_chunk(header, cells, lines, problems)
            cells, lines, problems = [[] for _ in header], [], []
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
            problems.append(Problem(number, "", reason, {"text": line.rstrip("\r\n")[:1000]}))
            continue
        finally:
            for overlong in feed.overlong:
                reason = f"a line of more than {limits.MAX_LINE_CHARS:,} characters"
                problems.append(Problem(overlong, "", reason))
            feed.overlong = []
        start, last = feed.record[0][0], feed.record[-1][0]
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line
        if len(row) != len(header):
            problems.append(
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
    if lines or problems:
        yield _raw_chunk(header, cells, lines, problems)


def _csv_chunks(text: io.TextIOBase, header: list[str], damaged: bool) -> Iterator[RawTable]:
    """Blocks of whole lines through pyarrow's reader; from the first block that needs it (a
    quoted newline, a blank line, a ragged row) to the end, Python's csv module, line by line.
    A file with damaged characters is read by the csv module throughout, as it always was."""
    fast = len(set(header)) == len(header) and not damaged
    number, carry = 1, ""  # physical lines read (the header's); text after the last newline
    while True:
        piece = text.read(READ_CHUNK_CHARS)
        data = carry + piece
        if piece:
            cut = data.rfind("\n") + 1
            if cut == 0 and len(data) <= limits.MAX_LINE_CHARS:
                carry = data  # a line longer than a block: read on
                continue
            block, carry = data[:cut], data[cut:]
        else:
            block, carry = data, ""
            if not block:
                return
        columns = _fast_parse(block, len(header), not piece) if fast else None
        if columns is None:
            yield from _careful_parse(_LineSource(block + carry, text), number, header)
            return
        count = _physical_line_count(block)
        lines = pa.array(range(number + 1, number + 1 + count), pa.int64())
        number += count
        yield RawTable(header, {name: columns[i] for i, name in enumerate(header)}, lines, "")


def csv_stream(file: BinaryIO, encoding: Encoding | None = None) -> Stream:
    """A CSV file (seekable: a regular file, an upload's bytes) read in chunks. Without
    `encoding` it is taken as UTF-8 (a BOM is skipped) and `NotUtf8` is raised, possibly after
    some chunks, at the first byte that is not: the caller then reads it again with
    `detect_encoding`'s answer."""
    file.seek(0)
    if encoding is None:
        encoding = Encoding("utf-8-sig" if file.read(len(UTF8_BOM)) == UTF8_BOM else "utf-8")
        file.seek(0)
    counted = CountedReader(file)
    text = io.TextIOWrapper(
        io.BufferedReader(counted, READ_BUFFER_BYTES),
        encoding=encoding.name,
        errors=encoding.errors,
        newline="",
    )
    try:
        header = _header(text.readline(limits.MAX_LINE_CHARS + 1))
    except UnicodeDecodeError:
        raise NotUtf8 from None

    def chunks() -> Iterator[RawTable]:
        try:
            for chunk in _csv_chunks(text, header, encoding.damaged):
                chunk.encoding, chunk.damaged = encoding.name, encoding.damaged
                yield chunk
        except UnicodeDecodeError:
            raise NotUtf8 from None

    return Stream(header, encoding.name, chunks(), counted)


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


def xlsx_stream(path: Path | io.BytesIO, sheet: str) -> Stream:
    """One sheet, read row by row in openpyxl's read-only mode, in chunks of CAREFUL_CHUNK_ROWS."""
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
    except BaseException:
        book.close()
        raise
    header = [_cell_text(v).strip() for v in first]
    while header and not header[-1]:
        header.pop()
    return Stream(header, "xlsx", _xlsx_chunks(book, rows, header))


def _xlsx_chunks(
    book: Any, rows: Iterator[tuple[object, ...]], header: list[str]
) -> Iterator[RawTable]:
    try:
        cells: list[list[str]] = [[] for _ in header]
        lines: list[int] = []
        problems: list[Problem] = []
        for number, row in enumerate(rows, start=2):
            if len(lines) >= CAREFUL_CHUNK_ROWS:
                yield _xlsx_chunk(header, cells, lines, problems)
                cells, lines, problems = [[] for _ in header], [], []
            if len(row) > limits.MAX_COLUMNS:
                # Refused before its cells are turned into text: one wide row, one rejection.
                problems.append(
                    Problem(
                        number, "", f"{len(row):,} cells, over the limit of {limits.MAX_COLUMNS:,}"
                    )
                )
                continue
            values = [_cell_text(v) for v in row]
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                problems.append(
                    Problem(number, "", f"cells beyond the header's {len(header)} columns")
                )
                continue
            values = (values + [""] * len(header))[: len(header)]
            for i, value in enumerate(values):
                cells[i].append(value)
            lines.append(number)
        yield _xlsx_chunk(header, cells, lines, problems)
    finally:
        book.close()


def _xlsx_chunk(
    header: list[str], cells: list[list[str]], lines: list[int], problems: list[Problem]
) -> RawTable:
    chunk = _raw_chunk(header, cells, lines, problems)
    chunk.encoding = "xlsx"
    return chunk


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading; it must be a regular file within MAX_FILE_BYTES. Opened without
    blocking and checked on the open descriptor: a FIFO named clients.csv would wait for a writer
    for ever, a link to /dev/zero never ends, and a check before the open could be raced."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise FileRefused(f"cannot open the file: {exc.strerror or exc}") from None
    handle = os.fdopen(fd, "rb")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("not a regular file (a pipe, a device or a socket)")
        check_size(size=info.st_size)
    except BaseException:
        handle.close()
        raise
    return handle


def read_regular(path: Path, limit: int | None = None) -> bytes:
    """The bytes of `path` (see `open_regular`), for a workbook: openpyxl reads a zip from memory.
    `limit` refuses a larger file first (a workbook cannot be larger than it unpacks)."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if limit is not None and size > limit:
            raise FileRefused(
                f"the workbook is {size:,} bytes, over the limit of {limit:,} (save large "
                "extracts as CSV)"
            )
        # Never more than the limits allow: a larger read would reserve that much memory first.
        data = handle.read(min(MAX_FILE_BYTES, limit or MAX_FILE_BYTES) + 1)
    check_size(size=len(data))  # it grew while being read
    if limit is not None and len(data) > limit:
        raise FileRefused(f"the workbook grew over the limit of {limit:,} bytes while being read")
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
