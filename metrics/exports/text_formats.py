"""CSV and JSON: the command line's output tables and the spreadsheet CSV of a download or pack.

Both CSV flavours write the same cells: figures as exact text (`values.machine_text`), nulls as
empty cells, and every text cell that a spreadsheet would run as a formula neutralised with a
leading `'`. The spreadsheet flavour adds a UTF-8 BOM (Excel then reads Chinese text correctly)
and CRLF line ends; the command line's is plain UTF-8 with LF, for scripts.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from metrics.exports.values import machine_text, neutralise

if TYPE_CHECKING:
    import pandas as pd

Row = list[str | None]


def text_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[Row]:
    """The frame's cells as text: exact figures, None for null, neutralised text."""
    return text_of(frame[list(columns)].itertuples(index=False, name=None), columns)


def text_of(records: Iterable[Sequence[Any]], columns: Sequence[str]) -> list[Row]:
    """Rows of values (in `columns` order) as text, as `text_rows` writes a frame's."""
    return [
        [
            neutralise(value) if isinstance(value, str) else machine_text(column, value)
            for column, value in zip(columns, record, strict=True)
        ]
        for record in records
    ]


def write_csv(
    columns: Sequence[str], rows: Iterable[Row], out: Any, *, spreadsheet: bool = False
) -> None:
    if spreadsheet:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n" if spreadsheet else "\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])


def csv_bytes(columns: Sequence[str], rows: Iterable[Row]) -> bytes:
    """A spreadsheet CSV (BOM, CRLF) as bytes."""
    out = io.StringIO()
    write_csv(columns, rows, out, spreadsheet=True)
    return out.getvalue().encode("utf-8")


def write_json(
    columns: Sequence[str], rows: Iterable[Row], out: Any, numeric: Iterable[str]
) -> None:
    """An array of objects; `numeric` columns are written as their exact text (exact money),
    the others as JSON strings, nulls as `null`."""
    numbers = set(numeric)

    def value(column: str, text: str | None) -> str:
        if text is None:
            return "null"
        return text if column in numbers else json.dumps(text, ensure_ascii=False)

    out.write("[")
    first = True
    for row in rows:
        fields = ", ".join(
            f"{json.dumps(c)}: {value(c, v)}" for c, v in zip(columns, row, strict=True)
        )
        out.write(("" if first else ",") + "\n  {" + fields + "}")
        first = False
    out.write("]\n" if first else "\n]\n")
