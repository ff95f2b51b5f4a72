"""Periods on screen (issue 13, items 2 and 8), on the tiny demo data (AUM from November 2024 to
October 2026): the pickers default to the latest complete period; a planner's own appraisal of
an incomplete quarter is said, not scored or ranked; the year picker offers 2026 to date, and a
comparison says when the earlier period is partial, or compares the same months."""

from __future__ import annotations

from decimal import Decimal

from data.engine import make_engine
from metrics.appraisal import schemes
from tests.ui_support import DIRECTOR, PLANNER, errors, frame, goto, signed_in


def publish_for_planners(url: str, period: str) -> None:
    draft = schemes.Scheme(
        name="全行季度",
        org_id=None,
        role="planner",
        cycle="quarter",
        period=period,
        items=(schemes.Item("aum_increment", Decimal(100), Decimal(1000000)),),
    )
    engine = make_engine(url)
    with engine.begin() as conn:
        saved = schemes.save_draft(conn, draft, "director")
        assert saved.scheme_id is not None
        schemes.publish(conn, saved.scheme_id, 1, "director")
    engine.dispose()


def delta_descriptions(at: object) -> set[str]:
    return {m.proto.delta_description for m in at.metric}  # type: ignore[attr-defined]


def test_planner_appraisal_defaults_to_the_latest_complete_quarter(app_db: str) -> None:
    publish_for_planners(app_db, "2026Q4")  # the scheme's first period lies beyond the data
    at = goto(signed_in(PLANNER), "schemes")
    assert not errors(at), errors(at)
    period = next(x for x in at.text_input if x.label == "Period")
    assert period.value == "2026Q3"
    assert [m.label for m in at.metric] == ["Total", "Rank", "Grade"]
    assert not at.warning

    for incomplete in ("2026Q4", "2027Q1"):
        period.input(incomplete).run()
        assert not errors(at), errors(at)
        assert [w.value for w in at.warning] == [
            f"{incomplete} is incomplete: month-end AUM has been imported up to 2026-10-31. "
            "It is not scored or ranked; the latest complete period is 2026Q3."
        ]
        assert not at.metric  # no total, no rank


def test_planner_appraisal_incomplete_in_chinese(app_db: str) -> None:
    publish_for_planners(app_db, "2026Q4")
    at = goto(signed_in(PLANNER, lang="zh"), "schemes")
    next(x for x in at.text_input if x.label == "期间").input("2026Q4").run()
    assert [w.value for w in at.warning] == [
        "2026年第4季度数据不完整：月末金融资产仅导入至2026-10-31，不予评分或排名；"
        "最近的完整期间为2026年第3季度。"
    ]


def test_year_picker_offers_the_year_to_date_and_defaults_to_the_last_complete_year(
    app_db: str,
) -> None:
    at = signed_in(DIRECTOR, period_kind="year")  # lands on the Overview
    assert not errors(at), errors(at)
    picker = at.selectbox(key="period")
    assert picker.options == ["2026 to date (through 2026-10)", "2025"]
    assert picker.value == "2025"
    # 2024 holds only November and December: the change against it says so.
    assert delta_descriptions(at) == {"vs 2024 (partial: data from 2024-11 only)"}
    assert not any("to date" in i.value for i in at.info)


def test_year_to_date_compares_the_same_months_of_the_year_before(app_db: str) -> None:
    at = signed_in(DIRECTOR, period_kind="year", period="2026~2026-10")
    assert not errors(at), errors(at)
    assert at.selectbox(key="period").value == "2026~2026-10"
    assert [i.value for i in at.info] == [
        "2026 to date (through 2026-10): stocks at the last imported month end (2026-10-31); "
        "compared with the same months a year earlier."
    ]
    assert delta_descriptions(at) == {"vs 2025 to date (through 2025-10)"}


def test_quarter_to_date_offered_month_not(app_db: str) -> None:
    at = signed_in(DIRECTOR, period_kind="quarter")
    picker = at.selectbox(key="period")
    assert picker.options[:2] == ["2026Q4 to date (through 2026-10)", "2026Q3"]
    assert picker.value == "2026Q3"
    assert delta_descriptions(at) == {"vs 2026Q2"}
    at = signed_in(DIRECTOR, period_kind="month")
    picker = at.selectbox(key="period")
    assert picker.options[0] == "2026-10" and picker.value == "2026-10"


def expected_side_by_side(url: str, a: str, b: str, lang: str = "en") -> list[list[str]]:
    """The branch B01's appraisal KPIs in periods a and b, read from the metrics layer."""
    from metrics.core.catalogue import BY_ID, appraisal_ids
    from metrics.core.periods import Period
    from metrics.core.scope import Scope
    from metrics.measures.tables import scorecard
    from ui.format import delta, metric_value

    engine = make_engine(url)
    with engine.connect() as conn:
        rows = {
            p: scorecard(conn, Period.parse(p), "branch", Scope.everything())
            .set_index("entity_id")
            .loc["B01"]
            for p in (a, b)
        }
    engine.dispose()
    return [
        [
            BY_ID[m].name_en,
            metric_value(m, rows[a][m], lang),
            metric_value(m, rows[b][m], lang),
            delta(m, rows[a][m], rows[b][m], lang) or "—",
        ]
        for m in appraisal_ids()
    ]


def test_scorecards_show_two_periods_side_by_side(app_db: str) -> None:
    """The unit's KPIs this quarter and the same quarter a year earlier (the default), or any
    other complete quarter chosen; figures from the metrics layer."""
    at = goto(signed_in(DIRECTOR, period_kind="quarter"), "scorecards")
    assert not errors(at), errors(at)
    picker = at.selectbox(key="compare_with")
    assert picker.value == "2025Q3"
    shown = frame(at, "Change")
    assert list(shown.columns) == ["KPI", "2026Q3", "2025Q3", "Change"]
    assert shown.values.tolist() == expected_side_by_side(app_db, "2026Q3", "2025Q3")
    assert sum(change != "—" for change in shown["Change"]) >= 5  # figures in both periods
    picker.set_value("2026Q1").run()
    shown = frame(at, "Change")
    assert list(shown.columns) == ["KPI", "2026Q3", "2026Q1", "Change"]
    assert shown.values.tolist() == expected_side_by_side(app_db, "2026Q3", "2026Q1")
