"""Excel (xlsxwriter): a summary sheet, the main table (a ranking for an appraisal), one sheet per
KPI family; money in 万元 (the value divided by 10,000, shown with a number format, the unit in the
header), ratios as percentages, frozen header row, widths fitted to the content. Every text cell is
written with `write_string` and the workbook has `strings_to_formulas` off, so a name such as
`=HYPERLINK(...)` stays text and never becomes a formula."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from metrics.core.values import is_null
from metrics.exports.documents import (
    FAMILY_ZH,
    Column,
    Document,
    facts,
    family_sheets,
    ranking_columns,
    trend_columns,
    trend_head,
)
from metrics.exports.explain_zh import explanation_zh
from metrics.exports.values import WAN, number_or_none, plain_text


def to_xlsx(document: Document, frame: pd.DataFrame, viewer: str, now: dt.datetime) -> bytes:
    """The workbook of `document`, whose rows as the viewer may see them are `frame`."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format({"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True})
    formats = {
        "yuan": book.add_format({"num_format": "#,##0.00"}),
        "ratio": book.add_format({"num_format": "0.0%"}),
        "count": book.add_format({"num_format": "#,##0"}),
        "rank": book.add_format({"num_format": "0"}),
        "days": book.add_format({"num_format": "0"}),
        "points": book.add_format({"num_format": "0.00"}),
        "score": book.add_format({"num_format": "0.00"}),
        "minutes": book.add_format({"num_format": "0.0"}),
        "hours": book.add_format({"num_format": "0.0"}),
    }
    bold = book.add_format({"bold": True})

    summary = book.add_worksheet("汇总 Summary")
    for row, (key, value) in enumerate(facts(document, viewer, now)):
        summary.write_string(row, 0, key, bold)
        summary.write_string(row, 1, value)
    summary.set_column(0, 0, 18)
    summary.set_column(1, 1, 72)

    def table(name: str, columns: list[Column]) -> None:
        sheet = book.add_worksheet(name)
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column.label, header)
        widths = [_width(column.label) for column in columns]
        for r, record in enumerate(frame.to_dict("records"), start=1):
            for c, column in enumerate(columns):
                value = record.get(column.key)
                if column.key.startswith("explain_"):
                    value = explanation_zh(value)  # the pack is Chinese; the snapshot keeps English
                number = number_or_none(value)
                if column.unit == "text" or (
                    number is None and value is not None and not is_null(value)
                ):
                    text = plain_text(value)
                    sheet.write_string(r, c, text)
                    widths[c] = max(widths[c], _width(text))
                elif number is None:
                    sheet.write_blank(r, c, None)
                else:
                    shown = number / WAN if column.unit == "yuan" else number
                    sheet.write_number(r, c, shown, formats.get(column.unit))
                    widths[c] = max(widths[c], len(f"{shown:,.2f}") + 2)
        for c, width in enumerate(widths):
            sheet.set_column(c, c, min(max(width, 8), 60))
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, 30)

    table(
        "排名 Ranking" if document.kind == "appraisal" else "指标 Table",
        ranking_columns(document, frame),
    )
    for family, columns in family_sheets(document, frame):
        table(f"{FAMILY_ZH.get(family, family)} {family}"[:31], columns)
    # The trend over the last periods, every measure side by side (`metrics.exports.trend`).
    trend = [c for _, columns in trend_columns(document, frame) for c in columns]
    if trend:
        table("趋势 Trend", [*trend_head(frame), *trend])
    book.close()
    return buffer.getvalue()


def _width(text: str) -> int:
    # A CJK character takes about two Latin character widths in Excel's default font.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text) + 2
