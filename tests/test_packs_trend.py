"""The trend and the biggest changes of a meeting pack (issue 13, item 6): the scheme's figures over
the last four complete quarters, frozen where a snapshot of the scheme exists for a quarter (even
when a later version of the scheme would score it differently) and computed for the others; the
three largest rises and falls of the total score against the previous quarter, by name, on the
cover, in the CSV's columns and in the PDF. Every expected figure is computed here, in the test,
from the appraisals of each quarter."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal

import openpyxl
import pandas as pd
import pypdf
import pytest

from data.engine import make_engine
from metrics.appraisal import schemes, snapshots
from metrics.appraisal.scoring import appraise
from metrics.core.access import scope_for_username
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.exports.formats import export_snapshot
from metrics.measures.tables import scorecard
from tests.ui_support import HEAD

QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]


def v1() -> schemes.Scheme:
    return schemes.Scheme(
        name="季度考核",
        org_id=None,
        role="planner",
        cycle="quarter",
        items=(
            schemes.Item("aum_increment", Decimal(60), Decimal(1_000_000)),
            schemes.Item("needs_collected", Decimal(40), Decimal(4)),
        ),
    )


@pytest.fixture
def packs(app_db: str) -> dict:
    """v1 published and frozen for 2026Q2; then v2 (other weights) published and frozen for
    2026Q3, the pack's snapshot. Returns the totals of each quarter as the trend must show them
    (2026Q2 as frozen under v1; 2025Q4 and 2026Q1 computed with v2, the pack's version), the
    totals v2 would give 2026Q2, names, and the snapshot id."""
    engine = make_engine(app_db)
    with engine.begin() as conn:
        first = schemes.save_draft(conn, v1(), "director")
        first = schemes.publish(conn, first.scheme_id, 1, "director")  # type: ignore[arg-type]
        frozen_q2 = snapshots.take_appraisal(
            conn, first, Period.parse("2026Q2"), Scope.everything(), "director"
        )
        items = (
            replace(first.items[0], weight=Decimal(20)),
            replace(first.items[1], weight=Decimal(80)),
        )
        second = schemes.save_draft(conn, replace(first, items=items), "director")
        second = schemes.publish(conn, second.scheme_id, 2, "director")  # type: ignore[arg-type]
        pack = snapshots.take_appraisal(
            conn, second, Period.parse("2026Q3"), Scope.everything(), "director"
        )
        totals = {
            q: dict(zip(f["entity_id"], f["total"], strict=True))
            for q, f in (
                (q, appraise(conn, second, Period.parse(q), Scope.everything()))
                for q in ("2025Q4", "2026Q1", "2026Q3")
            )
        }
        totals["2026Q2"] = dict(
            zip(frozen_q2.frame["entity_id"], frozen_q2.frame["total"], strict=True)
        )
        v2_q2 = appraise(conn, second, Period.parse("2026Q2"), Scope.everything())
        names = dict(zip(pack.frame["entity_id"], pack.frame["name"], strict=True))
    engine.dispose()
    return {
        "url": app_db,
        "id": pack.snapshot_id,
        "frozen_q2": frozen_q2.snapshot_id,
        "totals": totals,
        "v2_q2": dict(zip(v2_q2["entity_id"], v2_q2["total"], strict=True)),
        "names": names,
    }


def biggest(totals: dict, shown: set[str]) -> tuple[list[str], list[str]]:
    """The three largest rises and falls of the total, 2026Q2 -> 2026Q3, among `shown`."""
    deltas = {
        e: Decimal(str(totals["2026Q3"][e])) - Decimal(str(totals["2026Q2"][e]))
        for e in shown
        if e in totals["2026Q2"] and e in totals["2026Q3"]
    }
    rises = sorted((e for e, d in deltas.items() if d > 0), key=lambda e: (-deltas[e], e))
    falls = sorted((e for e, d in deltas.items() if d < 0), key=lambda e: (deltas[e], e))
    return rises[:3], falls[:3]


def export(packs: dict, fmt: str, user: str = "director") -> bytes:
    engine = make_engine(packs["url"])
    with engine.begin() as conn:
        scope = Scope.everything() if user == "director" else scope_for_username(conn, user)
        data = export_snapshot(conn, packs["id"], fmt, user, scope)
    engine.dispose()
    return data


def test_csv_carries_the_trend_and_the_biggest_changes(packs: dict) -> None:
    totals = packs["totals"]
    # The frozen quarter differs from what the pack's version would compute: the test can tell.
    assert any(
        Decimal(str(totals["2026Q2"][e])) != Decimal(str(packs["v2_q2"][e])) for e in packs["v2_q2"]
    )
    rows = list(csv.DictReader(io.StringIO(export(packs, "csv").decode("utf-8-sig"))))
    assert {r["entity_id"] for r in rows} == set(totals["2026Q3"])
    for row in rows:
        entity = row["entity_id"]
        for quarter in QUARTERS:
            cell = row[f"trend_total_{quarter}"]
            wanted = totals[quarter].get(entity)
            assert (Decimal(cell) if cell else None) == (
                None if wanted is None else Decimal(str(wanted))
            ), (entity, quarter)
        change = Decimal(str(totals["2026Q3"][entity])) - Decimal(str(totals["2026Q2"][entity]))
        assert Decimal(row["change_total"]) == change
        assert row["trend_actual_needs_collected_2026Q3"] == row["actual_needs_collected"]
    rises, falls = biggest(totals, set(totals["2026Q3"]))
    assert rises and falls  # the data move both ways: neither check is empty
    marks = {r["entity_id"]: r["biggest_total"] for r in rows if r["biggest_total"]}
    assert marks == {
        **{e: f"↑{n}" for n, e in enumerate(rises, 1)},
        **{e: f"↓{n}" for n, e in enumerate(falls, 1)},
    }


def test_cover_names_the_biggest_changes_and_the_sources(packs: dict) -> None:
    totals, names = packs["totals"], packs["names"]
    book = openpyxl.load_workbook(io.BytesIO(export(packs, "xlsx")))
    cover = {r[0]: r[1] for r in book.worksheets[0].values}
    rises, falls = biggest(totals, set(totals["2026Q3"]))
    for key, wanted in (
        ("升幅最大 Biggest rises · 总分", rises),
        ("降幅最大 Biggest falls · 总分", falls),
    ):
        said = [part.split("（")[0] for part in cover[key].split("、")] if wanted else []
        assert said == [names[e] for e in wanted] or (not wanted and cover[key] == "无")
        for part, entity in zip(cover[key].split("、"), wanted, strict=False):
            change = Decimal(str(totals["2026Q3"][entity])) - Decimal(str(totals["2026Q2"][entity]))
            assert f"（{float(change):+.2f}分）" in part
    sources = cover["趋势 Trend"]
    assert f"2026Q2 快照 {packs['frozen_q2'][:8]}" in sources  # the frozen figures
    assert "2025Q4 按当前数据计算" in sources and "2026Q1 按当前数据计算" in sources
    assert f"2026Q3 快照 {packs['id'][:8]}" in sources
    # The trend sheet: names, then each quarter's total as a number, oldest first.
    sheet = list(book["趋势 Trend"].values)
    header = list(sheet[0])
    assert header[:3] == ["编号", "姓名", "机构"]
    assert [h for h in header if str(h).startswith("总分 ")] == [
        *(f"总分 {q}" for q in QUARTERS),
        "总分 环比变化",
    ]
    for row in sheet[1:]:
        for quarter in QUARTERS:
            value = row[header.index(f"总分 {quarter}")]
            assert value == pytest.approx(float(totals[quarter][row[0]]))


def test_a_head_sees_only_their_planners_changes(packs: dict) -> None:
    engine = make_engine(packs["url"])
    with engine.connect() as conn:
        visible = {
            e
            for e in packs["totals"]["2026Q3"]
            if e
            in snapshots.read(conn, packs["id"], scope_for_username(conn, HEAD))
            .frame["entity_id"]
            .tolist()
        }
    engine.dispose()
    assert 0 < len(visible) < len(packs["totals"]["2026Q3"])
    rows = list(csv.DictReader(io.StringIO(export(packs, "csv", HEAD).decode("utf-8-sig"))))
    assert {r["entity_id"] for r in rows} == visible
    rises, falls = biggest(packs["totals"], visible)  # ranked among their own planners only
    marks = {r["entity_id"]: r["biggest_total"] for r in rows if r["biggest_total"]}
    assert marks == {
        **{e: f"↑{n}" for n, e in enumerate(rises, 1)},
        **{e: f"↓{n}" for n, e in enumerate(falls, 1)},
    }


def test_pdf_shows_the_trend_by_name(packs: dict) -> None:
    pages = pypdf.PdfReader(io.BytesIO(export(packs, "pdf"))).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert "趋势 Trend · 总分" in text and "升幅最大 Biggest rises · 总分" in text
    header = next(line for line in text.splitlines() if line.startswith("编号 姓名 机构 总分"))
    assert header.split()[3:] == [w for q in QUARTERS for w in ("总分", q)] + ["总分", "环比变化"]


def test_a_kpi_table_pack_follows_its_headline_kpis(app_db: str) -> None:
    """A snapshot of the staff scorecard for 2026-09: the headline KPIs (the Overview's tiles of
    that table) over the last four months, computed here month by month from the scorecard, and
    their biggest changes against August."""
    engine = make_engine(app_db)
    with engine.begin() as conn:
        record = snapshots.take_table(
            conn, "scorecard", Period.parse("2026-09"), "staff", Scope.everything(), "director"
        )
        months = ["2026-06", "2026-07", "2026-08", "2026-09"]
        figures = {m: scorecard(conn, Period.parse(m), "staff", Scope.everything()) for m in months}
        data = export_snapshot(conn, record.snapshot_id, "csv", "director", Scope.everything())
    engine.dispose()
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    for kpi in ("aum_stock", "top_clients", "retention_rate", "archive_rate"):
        for month in months:
            wanted = dict(zip(figures[month]["entity_id"], figures[month][kpi], strict=True))
            for row in rows:
                cell, value = row[f"trend_{kpi}_{month}"], wanted.get(row["entity_id"])
                if pd.isna(value):
                    assert cell == "", (kpi, month, row["entity_id"])
                else:
                    assert float(cell) == pytest.approx(float(value)), (kpi, month)
        deltas = {
            r["entity_id"]: Decimal(r[f"trend_{kpi}_2026-09"]) - Decimal(r[f"trend_{kpi}_2026-08"])
            for r in rows
            if r[f"trend_{kpi}_2026-09"] and r[f"trend_{kpi}_2026-08"]
        }
        rises = sorted((e for e, d in deltas.items() if d > 0), key=lambda e: (-deltas[e], e))[:3]
        falls = sorted((e for e, d in deltas.items() if d < 0), key=lambda e: (deltas[e], e))[:3]
        marks = {r["entity_id"]: r[f"biggest_{kpi}"] for r in rows if r[f"biggest_{kpi}"]}
        assert marks == {
            **{e: f"↑{n}" for n, e in enumerate(rises, 1)},
            **{e: f"↓{n}" for n, e in enumerate(falls, 1)},
        }, kpi
