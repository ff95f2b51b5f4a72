"""Meeting packs read back: no formula cells in Excel whatever the names hold, Chinese names and
the checksum in the PDF's text, a BOM on the CSV, masking unless the viewer may unmask."""

from __future__ import annotations

import csv
import io

import openpyxl
import pypdf
import pytest
from sqlalchemy import Engine, select, update

from data.schema import AuditEvent, Staff
from metrics.appraisal.schemes import publish, save_draft
from metrics.appraisal.snapshots import read, take_appraisal, take_table
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.exports.formats import export_snapshot
from tests.golden_data import insert_golden
from tests.test_appraisal import golden_scheme

PAYLOADS = {
    "P1": '=HYPERLINK("http://evil.example","点我")',
    "P2": "+1",
    "P3": "-1",
    "P4": "@SUM(A1:A9)",
    "A1": "\t=1+1",
    "A2": "\r=1+1",
}


@pytest.fixture
def snapshot_ids(engine: Engine) -> tuple[Engine, str, str]:
    with engine.begin() as conn:
        insert_golden(conn)
        scheme = publish(conn, save_draft(conn, golden_scheme(), "d").scheme_id, 1, "d")
        appraisal = take_appraisal(conn, scheme, Period.parse("2025Q3"), Scope.everything(), "d")
        for staff_id, payload in PAYLOADS.items():
            conn.execute(update(Staff).where(Staff.staff_id == staff_id).values(name=payload))
        hostile = take_table(
            conn, "scorecard", Period.parse("2025-09"), "staff", Scope.everything(), "d"
        )
    return engine, appraisal.snapshot_id, hostile.snapshot_id


def test_excel_has_no_formula_cells(snapshot_ids: tuple[Engine, str, str]) -> None:
    engine, _, hostile = snapshot_ids
    with engine.begin() as conn:
        data = export_snapshot(conn, hostile, "xlsx", "director", Scope.everything(unmask=True))
        assert conn.execute(select(AuditEvent.action)).scalars().all().count("export") == 1
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames[:2] == ["汇总 Summary", "指标 Table"]
    # summary, table, four appraisal families, the trend over the last periods
    assert len(book.sheetnames) == 7 and book.sheetnames[-1] == "趋势 Trend"
    formulas = [
        f"{ws.title}!{cell.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    table = book["指标 Table"]
    assert table.freeze_panes == "A2"
    names = {table.cell(r, 1).value: table.cell(r, 2).value for r in range(2, table.max_row + 1)}
    assert names["P1"] == PAYLOADS["P1"] and names["P2"] == "+1" and names["P4"] == "@SUM(A1:A9)"
    # Money in 万元: P1's AUM stock 5,999,999.99 yuan is 599.999999 万元, shown as #,##0.00.
    header = [c.value for c in table[1]]
    col = header.index("金融资产存量 (万元)") + 1
    row = [r for r in range(2, table.max_row + 1) if table.cell(r, 1).value == "P1"][0]
    assert table.cell(row, col).value == pytest.approx(599.999999)
    assert table.cell(row, col).number_format == "#,##0.00"


def test_pdf_text_holds_chinese_names_and_checksum(snapshot_ids: tuple[Engine, str, str]) -> None:
    engine, appraisal, _ = snapshot_ids
    with engine.begin() as conn:
        record = read(conn, appraisal, Scope.everything())
        clear = export_snapshot(conn, appraisal, "pdf", "主任", Scope.everything(unmask=True))
        masked = export_snapshot(conn, appraisal, "pdf", "主任", Scope.everything())
    pages = pypdf.PdfReader(io.BytesIO(clear)).pages
    text = "\n".join(page.extract_text() for page in pages)
    for name in ("经理一", "经理二", "经理三", "经理四"):
        assert name in text
    assert record.sha256 in text and appraisal in text
    # Page numbers (title, ranking, trend tables, chart) and the watermark.
    assert f"第 1 页 / 共 {len(pages)} 页" in text and len(pages) >= 4 and "主任 " in text
    assert "趋势 Trend · 总分" in text
    assert "/Image" in str(pages[2]["/Resources"])  # the chart page
    masked_text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(masked)).pages)
    # Staff names are the bank's own, not client personal data: never masked.
    assert "经理一" in masked_text and "经**" not in masked_text


def test_csv_has_a_bom_and_neutralised_text(snapshot_ids: tuple[Engine, str, str]) -> None:
    engine, appraisal, hostile = snapshot_ids
    with engine.begin() as conn:
        ranking = export_snapshot(conn, appraisal, "csv", "d", Scope.everything())
        table = export_snapshot(conn, hostile, "csv", "d", Scope.everything(unmask=True))
        mine = export_snapshot(conn, appraisal, "csv", "p1", Scope.staff("P1"))
    assert ranking.startswith(b"\xef\xbb\xbf")
    lines = ranking.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("entity_id,total,rank,grade,score_aum_increment")
    assert "经理" in lines[1] and "**" not in lines[1]  # a staff name: not personal data
    rows = {r["entity_id"]: r for r in csv.DictReader(io.StringIO(table.decode("utf-8-sig")))}
    assert {k: rows[k]["name"] for k in PAYLOADS} == {k: "'" + v for k, v in PAYLOADS.items()}
    assert rows["P1"]["aum_stock"] == "5999999.99"  # numbers stay numbers
    assert len(mine.decode("utf-8-sig").splitlines()) == 2  # the planner's own row only
