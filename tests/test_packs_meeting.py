"""What a meeting reads in a pack (issue 13, item 6): the cover names the scheme's own scope (the
sub-branch, by name), the ranking and the charts name people and units instead of ids, each item
shows actual against target, a written summary names the top and bottom three, and the CSV carries
actuals and targets too."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import text

from data.engine import make_engine
from metrics.appraisal import schemes, snapshots
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.exports.documents import from_snapshot, with_targets
from metrics.exports.formats import export_snapshot
from metrics.exports.pdf import score_chart

ORG = "B01S01"


@pytest.fixture
def taken(app_db: str) -> tuple[str, str, dict[str, str]]:
    """A published scheme of one sub-branch with two targeted items, its 2026Q3 snapshot taken
    by the director (whose own scope is the whole bank); (url, snapshot id, org names)."""
    engine = make_engine(app_db)
    draft = schemes.Scheme(
        name="支行季度考核",
        org_id=ORG,
        role="planner",
        cycle="quarter",
        items=(
            schemes.Item("aum_increment", Decimal(60), Decimal(1_000_000)),
            schemes.Item("needs_collected", Decimal(40), Decimal(4)),
        ),
    )
    with engine.begin() as conn:
        saved = schemes.save_draft(conn, draft, "director")
        published = schemes.publish(conn, saved.scheme_id, 1, "director")  # type: ignore[arg-type]
        record = snapshots.take_appraisal(
            conn, published, Period.parse("2026Q3"), Scope.everything(), "director"
        )
        names = dict(conn.execute(text("SELECT org_id, name FROM org_units")).all())
    engine.dispose()
    return app_db, record.snapshot_id, names


def test_cover_ranking_targets_and_summary(taken: tuple[str, str, dict[str, str]]) -> None:
    url, snapshot_id, names = taken
    engine = make_engine(url)
    with engine.begin() as conn:
        xlsx = export_snapshot(conn, snapshot_id, "xlsx", "director", Scope.everything())
        packed = export_snapshot(conn, snapshot_id, "csv", "director", Scope.everything())
        record = snapshots.read(conn, snapshot_id, Scope.everything())
    engine.dispose()
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    cover = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert cover["范围 Scope"] == f"{names[ORG]} ({ORG})"  # not the taker's "全行"
    assert "-" not in cover["方案 Scheme"].split("·")[0]  # no UUID: a name and a version
    assert cover["方案 Scheme"].startswith("支行季度考核 第1版")

    frame = record.frame.sort_values(["rank", "entity_id"], kind="stable")
    people = list(frame["name"])
    assert cover["前三名 Top three"].split("、")[0].startswith(people[0])
    assert [p.split("（")[0] for p in cover["前三名 Top three"].split("、")] == people[:3]
    if len(people) > 3:
        bottom = [p.split("（")[0] for p in cover["后三名 Bottom three"].split("、")]
        assert bottom == people[::-1][:3]
    else:  # a small sub-branch: the top three are everybody, no separate bottom three
        assert "后三名 Bottom three" not in cover

    ranking = list(book.worksheets[1].iter_rows(values_only=True))
    header = list(ranking[0])
    units = {row[header.index("机构")] for row in ranking[1:]}
    assert units == {names[o] for o in frame["org_id"]}  # names, not B01S01

    family = list(book.worksheets[2].iter_rows(values_only=True))
    header = list(family[0])
    actual = header.index("金融资产增量 (万元)")
    target = header.index("目标 金融资产增量 (万元)")
    attain = header.index("金融资产增量达成率")
    for row in family[1:]:
        assert row[target] == pytest.approx(100.0)  # 1,000,000 yuan in 万元
        assert row[attain] == pytest.approx(row[actual] / row[target])

    rows = list(csv.DictReader(io.StringIO(packed.decode("utf-8-sig"))))
    assert list(rows[0])[:9] == [
        "entity_id", "total", "rank", "grade", "score_aum_increment", "score_needs_collected",
        "name", "org_id", "role",
    ]  # fmt: skip
    for row in rows:
        assert Decimal(row["target_needs_collected"]) == 4
        wanted = Decimal(row["actual_needs_collected"]) / 4
        assert Decimal(row["attain_needs_collected"]) == pytest.approx(wanted)


def test_pdf_chart_names_people(taken: tuple[str, str, dict[str, str]]) -> None:
    url, snapshot_id, _ = taken
    engine = make_engine(url)
    with engine.connect() as conn:
        record = snapshots.read(conn, snapshot_id, Scope.everything())
    engine.dispose()
    document = from_snapshot(record)
    spec = score_chart(with_targets(document, record.frame), document.items).to_dict()
    axis = spec["encoding"]["x"]
    assert axis["sort"] == list(record.frame.sort_values(["rank", "entity_id"])["name"])
    assert axis["title"] == "姓名"


def test_bottom_three_of_a_whole_bank_ranking(app_db: str) -> None:
    from tests.test_page_snapshots import take

    snapshot_id = take(app_db)  # a whole-bank scheme: four planners
    engine = make_engine(app_db)
    with engine.begin() as conn:
        xlsx = export_snapshot(conn, snapshot_id, "xlsx", "director", Scope.everything())
        record = snapshots.read(conn, snapshot_id, Scope.everything())
    engine.dispose()
    cover = {r[0]: r[1] for r in openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0].values}
    people = list(record.frame.sort_values(["rank", "entity_id"])["name"])
    assert len(people) == 4
    assert cover["范围 Scope"] == "全行 (whole bank)"
    assert [p.split("（")[0] for p in cover["前三名 Top three"].split("、")] == people[:3]
    assert [p.split("（")[0] for p in cover["后三名 Bottom three"].split("、")] == people[::-1][:3]
