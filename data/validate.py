"""Typed validation of one chunk of a file's string columns against the contract, vectorised
with pyarrow. Every rule here concerns one row, so a file is checked chunk by chunk.

Input: a `RawTable` (strings, physical lines). Output: the good rows as normalised strings that
every database casts exactly (ISO dates and timestamps, plain decimals, canonical enum values,
nulls), and a `Problem` per broken rule with its line, column and reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data import limits
from data.contract import Column, Table
from data.readers import Problem, RawTable

DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
MONTH_RE = r"^\d{4}-\d{2}$"
TIMESTAMP_RE = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$"
PLAIN_NUMBER_RE = r"^-?\d+(\.\d+)?$"
GROUPED_NUMBER_RE = r"^-?\d{1,3}(,\d{3})+(\.\d+)?$"
EXCEL_SERIAL_RE = r"^\d{5}(\.\d+)?$"
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class Checked:
    table: pa.Table  # good rows: one string column per contract column, plus `_line`
    problems: list[Problem]


class _Collector:
    """Gathers (row mask, column, reason) findings and turns them into problems once."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.bad = np.zeros(n, dtype=bool)
        self.found: list[tuple[np.ndarray, str, object]] = []

    def add(self, mask: pa.Array | np.ndarray, column: str, reason: object) -> None:
        arr = np.asarray(mask.fill_null(False) if isinstance(mask, pa.Array) else mask, dtype=bool)
        arr = arr & ~self.bad_for(column)
        if arr.any():
            self.bad |= arr
            self.found.append((arr, column, reason))

    def bad_for(self, column: str) -> np.ndarray:
        # One reason per cell: a cell already reported is not reported again by a later rule.
        out = np.zeros(self.n, dtype=bool)
        for mask, col, _ in self.found:
            if col == column:
                out |= mask
        return out


def _blank(arr: pa.Array) -> pa.Array:
    return pc.equal(pc.utf8_length(arr), 0)


def _dates(values: pa.Array, fmt: str) -> pa.Array:
    return pc.strptime(values, format=fmt, unit="s", error_is_null=True)


def _check_column(
    col: Column, values: pa.Array, out: _Collector, xlsx: bool, damaged: bool = False
) -> pa.Array:
    """Validate one column; return its normalised strings (null for empty cells)."""
    values = pc.utf8_trim_whitespace(values)
    blank = _blank(values)
    if damaged:
        broken = pc.match_substring(values, "\ufffd")
        out.add(broken, col.name, "invalid UTF-8 byte sequence (a truncated character?)")
    nul = pc.match_substring(values, "\x00")
    out.add(nul, col.name, "contains a NUL byte")
    if col.required:
        out.add(blank, col.name, "required value is empty")
    present = pc.invert(blank)
    kind = col.kind
    if kind in ("id", "text"):
        normal = values
    elif kind == "enum":
        normal = values
        for label, canonical in col.enum_aliases.items():
            normal = pc.if_else(pc.equal(normal, label), canonical, normal)
        ok = pc.is_in(normal, value_set=pa.array(col.enum, pa.string()))
        out.add(
            pc.and_(present, pc.invert(ok)),
            col.name,
            lambda v, c=col: f"unknown value {v!r}; allowed: {', '.join(c.enum)}",
        )
    elif kind in ("date", "month", "timestamp"):
        normal = _check_temporal(col, values, present, out, xlsx)
    else:  # money, number
        normal = _check_number(col, values, present, out)
    if col.default is not None:
        normal = pc.if_else(blank, col.default, normal)
        return normal
    return pc.if_else(blank, pa.scalar(None, pa.string()), normal)


def _check_temporal(
    col: Column, values: pa.Array, present: pa.Array, out: _Collector, xlsx: bool
) -> pa.Array:
    if xlsx and col.kind != "month":
        # A date cell whose number format was lost arrives as Excel's serial day number.
        serial = pc.match_substring_regex(values, EXCEL_SERIAL_RE)
        if pc.any(serial).as_py():
            days = pc.cast(pc.cast(pc.if_else(serial, values, "0"), pa.float64()), pa.int64())
            epoch = pa.scalar(dt.datetime.combine(EXCEL_EPOCH, dt.time()), pa.timestamp("s"))
            as_dates = pc.strftime(
                pc.add(
                    epoch, pc.multiply(days, pa.scalar(86400, pa.int64())).cast(pa.duration("s"))
                ),
                format="%Y-%m-%d",
            )
            values = pc.if_else(serial, as_dates, values)
    if col.kind == "date":
        shape, fmt, expect = DATE_RE, "%Y-%m-%d", "YYYY-MM-DD"
        text = values
    elif col.kind == "month":
        shape, fmt, expect = MONTH_RE, "%Y-%m-%d", "YYYY-MM"
        text = pc.binary_join_element_wise(values, "-01", "")
    else:
        shape, fmt, expect = TIMESTAMP_RE, "%Y-%m-%d %H:%M:%S", "YYYY-MM-DD HH:MM[:SS]"
        text = pc.replace_substring(values, "T", " ")
        length = pc.utf8_length(text)
        text = pc.if_else(
            pc.equal(length, 10), pc.binary_join_element_wise(text, " 00:00:00", ""), text
        )
        text = pc.if_else(pc.equal(length, 16), pc.binary_join_element_wise(text, ":00", ""), text)
    wrong_shape = pc.and_(present, pc.invert(pc.match_substring_regex(values, shape)))

    def shape_reason(v: str) -> str:
        if not xlsx and col.kind != "month" and v.replace(".", "", 1).isdigit() and len(v) >= 5:
            day = EXCEL_EPOCH + dt.timedelta(days=int(float(v)))
            return f"{v!r} looks like an Excel serial date ({day}); write dates as {expect}"
        return f"{v!r} is not a {col.kind} in the form {expect}"

    out.add(wrong_shape, col.name, shape_reason)
    candidates = pc.if_else(wrong_shape, pa.scalar(None, pa.string()), text)
    try:
        # Arrow's ISO-8601 cast is strict (no 2025-02-30, no 25:00) and fast: the usual case.
        pc.cast(candidates, pa.timestamp("s"))
        impossible = pa.array(np.zeros(len(values), dtype=bool))
    except pa.ArrowInvalid:
        # Some value is impossible: find which. strptime rolls 2025-02-30 over to March, so a
        # real date is one that prints back as the text it came from.
        parsed = _dates(candidates, fmt)
        round_trip = pc.equal(pc.strftime(parsed, format=fmt), text)
        impossible = pc.and_(
            pc.and_(present, pc.invert(wrong_shape)), pc.invert(round_trip.fill_null(False))
        )
    out.add(impossible, col.name, lambda v: f"{v!r} is not a real calendar date or time")
    return text


def _check_number(col: Column, values: pa.Array, present: pa.Array, out: _Collector) -> pa.Array:
    grouped = pc.match_substring_regex(values, GROUPED_NUMBER_RE)
    plain = pc.if_else(grouped, pc.replace_substring(values, ",", ""), values)
    shape_ok = pc.match_substring_regex(plain, PLAIN_NUMBER_RE)

    def reason(v: str) -> str:
        if "万" in v or "亿" in v:
            return f"{v!r}: amounts in 万/亿 are not accepted; write yuan, e.g. 12000.00"
        if "¥" in v or "￥" in v or "元" in v:
            return f"{v!r}: write the amount without a currency sign, e.g. 1234.50"
        return f"{v!r} is not a number"

    out.add(pc.and_(present, pc.invert(shape_ok)), col.name, reason)
    if col.kind == "money":
        decimals = pc.match_substring_regex(plain, r"\.\d{3,}$")
        out.add(pc.and_(present, decimals), col.name, lambda v: f"{v!r} has more than 2 decimals")
    number = pc.cast(pc.if_else(shape_ok, plain, pa.scalar(None, pa.string())), pa.float64())
    if col.minimum is not None:
        if col.min_inclusive:
            low = pc.less(number, col.minimum)
            what = "negative" if col.minimum == 0 else f"below {col.minimum:g}"
        else:
            low = pc.less_equal(number, col.minimum)
            what = f"must be greater than {col.minimum:g}"
        out.add(low, col.name, lambda v, w=what: f"{v!r}: {w}")
    if col.maximum is not None:
        out.add(
            pc.greater(number, col.maximum),
            col.name,
            lambda v, c=col: f"{v!r} is outside {c.minimum:g}..{c.maximum:g}",
        )
    return plain


def check(
    raw: RawTable, table: Table, columns: dict[str, str], as_of: dt.date, xlsx: bool
) -> Checked:
    """`columns` maps contract column -> header in the file (missing optional ones absent)."""
    n = raw.num_rows
    out = _Collector(n)
    originals = {name: raw.columns[header] for name, header in columns.items()}
    normal: dict[str, pa.Array] = {}
    for col in table.columns:
        source = originals.get(col.name, pa.array([""] * n, pa.string()))
        if col.kind in ("id", "text") and col.name in originals:
            _check_length(table, col, source, out)
        normal[col.name] = _check_column(col, source, out, xlsx, raw.damaged)
    _row_rules(table, normal, out, as_of)
    # A key seen twice in one file is found by the importer in its staging table: a file is
    # checked here chunk by chunk, and its keys are not held in memory.
    lines = pa.array(raw.lines, pa.int64())
    problems = _problems(out, originals, raw, lines)
    good = pa.array(~out.bad)
    data = {name: pc.filter(arr, good) for name, arr in normal.items()}
    data["_line"] = pc.filter(lines, good)
    return Checked(pa.table(data), problems)


def _max_chars(table: Table, col: Column) -> int:
    """A column's declared length (String(200)), else limits.MAX_TEXT_CHARS. PostgreSQL refuses a
    longer value (the whole batch with it) and DuckDB would store it: the row is rejected here."""
    length = getattr(table.model.metadata.tables[table.name].c[col.name].type, "length", None)
    return int(length) if length else limits.MAX_TEXT_CHARS


def _check_length(table: Table, col: Column, values: pa.Array, out: _Collector) -> None:
    limit = _max_chars(table, col)
    too_long = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(values)), limit)
    out.add(
        too_long,
        col.name,
        lambda v, n=limit: f"{len(v.strip()):,} characters, over the column's limit of {n:,}",
    )


def _row_rules(table: Table, normal: dict[str, pa.Array], out: _Collector, as_of: dt.date) -> None:
    for earlier, later in table.order_rules:
        before = pc.less(normal[later], normal[earlier])  # ISO strings order like the dates
        out.add(before, later, lambda _v, e=earlier, lt=later: f"{lt} is before {e}")
    if table.name == "work_items":
        done_no_date = pc.and_(pc.equal(normal["status"], "done"), pc.is_null(normal["done_at"]))
        out.add(done_no_date, "done_at", "status is done but done_at is empty")
    if table.name == "account_events":
        no_amount = pc.and_(
            pc.equal(normal["kind"], "large_outflow"),
            pc.or_kleene(
                pc.is_null(normal["amount"]),
                pc.less_equal(pc.cast(normal["amount"], pa.float64(), safe=False), 0),
            ),
        )
        out.add(no_amount, "amount", "a large_outflow needs an amount greater than 0")
    _life_cycle_rules(table, normal, out)
    limit_day = as_of.isoformat()
    limit_ts = f"{limit_day} 23:59:59"
    for col in table.columns:
        if not col.event:
            continue
        limit = limit_ts if col.kind == "timestamp" else limit_day
        after = pc.greater(normal[col.name], limit)
        out.add(after, col.name, lambda v, d=limit_day: f"{v!r} is after the as-of date {d}")


REFERRAL_SOURCES = ("staff_referral", "client_referral")
MONTH_DAY_RE = r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
# The last day of each month in a leap year: 02-29 is a care date (it falls on 02-28 otherwise).
MONTH_LAST_DAY = {
    1: 31,
    2: 29,
    3: 31,
    4: 30,
    5: 31,
    6: 30,
    7: 31,
    8: 31,
    9: 30,
    10: 31,
    11: 30,
    12: 31,
}


def _life_cycle_rules(table: Table, normal: dict[str, pa.Array], out: _Collector) -> None:
    """The row rules of lifecycle.md that one row can break by itself (the references to other
    rows — a referrer, the plan a report is on — are checked by the importer)."""
    if table.name == "account_openings":
        approved, ref = normal["approved_on"], normal["approval_ref"]
        out.add(
            pc.and_(pc.is_valid(approved), pc.is_null(ref)),
            "approved_on",
            "approved_on is given without an approval_ref",
        )
        opened_on = pc.utf8_slice_codeunits(normal["opened_at"], 0, 10)
        out.add(pc.greater(approved, opened_on), "approved_on", "approved_on is after opened_at")
    if table.name == "clients":
        given = pc.is_valid(normal["referred_by"])
        referral = pc.is_in(normal["source"], pa.array(REFERRAL_SOURCES))
        out.add(
            pc.and_(given, pc.invert(referral.fill_null(False))),
            "referred_by",
            "referred_by is only for a source of staff_referral or client_referral",
        )
    if table.name == "plans":
        out.add(
            pc.and_(
                pc.is_valid(normal["plan_ref"]), pc.not_equal(normal["kind"], "quarterly_report")
            ),
            "plan_ref",
            "plan_ref is only for a quarterly_report (the plan it reports on)",
        )
    if table.name == "care_dates":
        shaped = re.compile(MONTH_DAY_RE)

        def real(text: str | None) -> bool:
            if text is None or not shaped.match(text):
                return False
            return int(text[3:5]) <= MONTH_LAST_DAY[int(text[:2])]

        out.add(
            np.array([not real(t) for t in normal["month_day"].to_pylist()], dtype=bool),
            "month_day",
            lambda v: f"{v!r} is not a day of the year as MM-DD (02-29 allowed)",
        )


def _problems(
    out: _Collector, originals: dict[str, pa.Array], raw: RawTable, lines: pa.Array
) -> list[Problem]:
    problems = list(raw.problems)
    if not out.found:
        return problems
    line_list = lines.to_pylist()
    raw_rows: dict[int, dict[str, str]] = {}
    for mask, column, reason in out.found:
        for index in np.flatnonzero(mask):
            i = int(index)
            if i not in raw_rows:
                raw_rows[i] = {name: arr[i].as_py() for name, arr in originals.items()}
            value = raw_rows[i].get(column, "")
            if isinstance(reason, dict):
                text = reason[i]
            elif callable(reason):
                text = reason(value)
            else:
                text = str(reason)
            problems.append(Problem(line_list[i], column, text, raw_rows[i]))
    problems.sort(key=lambda p: (p.line, p.column))
    return problems
