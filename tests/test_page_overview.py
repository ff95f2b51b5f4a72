"""Overview page: tiles with their change, flags, league table, drill to a sub-branch."""

from __future__ import annotations

import re

from tests.ui_support import HEAD, errors, goto, signed_in


def test_overview_tiles_flags_and_tables(app_db: str) -> None:
    at = goto(signed_in(), "overview")
    assert not errors(at)
    labels = [m.label for m in at.metric]
    assert "AUM stock" in labels and "Request SLA compliance" in labels
    aum = next(m for m in at.metric if m.label == "AUM stock")
    # A branch's AUM is shown compactly on the tile (¥28.75 M); tables keep whole yuan.
    assert re.fullmatch(r"¥\d+\.\d{2} (M|bn)", aum.value), aum.value
    assert any("without a login" in w.value for w in at.warning)  # the tiny demo's idle planner
    assert len(at.dataframe(key="overview_league").value) == 2  # a branch shows its sub-branches
    assert len(at.dataframe(key="overview_staff").value) == 6


def test_sub_branch_focus(app_db: str) -> None:
    at = goto(signed_in(scope_org="B01S01"), "overview")
    assert "上城支行" in at.caption[0].value
    assert not [d for d in at.dataframe if d.key == "overview_league"]  # no league below a branch
    assert len(at.dataframe(key="overview_staff").value) == 3


def test_quarter_and_chinese_money(app_db: str) -> None:
    at = signed_in(lang="zh", period_kind="quarter")
    assert at.selectbox(key="period").value == "2026Q3"
    aum = next(m for m in at.metric if m.label == "金融资产存量")
    assert aum.value.endswith("万元")
    assert "2026年第3季度" in at.caption[1].value or "2026年第3季度" in at.caption[0].value


def test_head_sees_only_their_sub_branch(app_db: str) -> None:
    at = signed_in(HEAD)
    assert at.selectbox(key="scope_org").options == ["上城支行"]
    names = set(at.dataframe(key="overview_staff").value["name"])
    assert names == {"崔俊博", "王欣", "陈佳倩"}


def test_the_landing_overview_reads_exactly_what_the_import_stores(app_db: str) -> None:
    """Every frame a page computes is stored; on a fresh database the director's first Overview
    therefore stores exactly the frames it reads, which must be the ones `metrics.landing.warm`
    (run by every import) prepares, so that the first Overview after an import computes nothing."""
    from sqlalchemy import select

    from data.engine import make_engine
    from data.schema import StoredResult
    from metrics.store import landing

    engine = make_engine(app_db)
    at = signed_in()
    assert not errors(at) and len(at.metric) == 9  # eight tiles and the exceptions'
    with engine.connect() as conn:
        read_by_page = {k for (k,) in conn.execute(select(StoredResult.result_key))}
    assert read_by_page == {r.key() for r in landing.landing_requests(engine)}
    engine.dispose()


def test_the_first_pages_after_an_import_compute_nothing(app_db: str) -> None:
    """After the import's warm-up, a director's first Overview, Scorecards (with its comparison
    a year back), Planner and Supervision pages, and the Overview of the latest quarter, read
    stored figures only: they store no frame
    of their own, and the warm-up stored no frame those pages do not read."""
    from sqlalchemy import select

    from data.engine import make_engine
    from data.schema import StoredResult
    from metrics.store import landing

    engine = make_engine(app_db)
    frames, _seconds = landing.warm(engine)
    wanted = {r.key() for r in landing.monday_requests(engine)}
    assert frames == len(wanted) > len(landing.landing_requests(engine))

    def stored() -> set[str]:
        with engine.connect() as conn:
            return {k for (k,) in conn.execute(select(StoredResult.result_key))}

    assert stored() == wanted
    engine.dispose()  # the pages open the file themselves
    at = signed_in()
    for page in ("scorecards", "planner", "supervision"):
        goto(at, page)
        assert not errors(at), (page, errors(at))
    # The director's first switch to the quarter: its Overview is stored too.
    at = signed_in(period_kind="quarter")
    assert not errors(at)
    engine = make_engine(app_db)
    assert stored() == wanted
    engine.dispose()
