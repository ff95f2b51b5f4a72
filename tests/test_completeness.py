"""Incomplete periods (issue 13, item 2), on DuckDB and PostgreSQL: a period whose month-end AUM
is not imported is incomplete; it is never scored, ranked or frozen, and the command line
refuses it with exit 2 and one line. The golden data hold AUM for May to October 2025."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from metrics.appraisal.schemes import from_dict
from metrics.appraisal.scoring import AppraisalError, appraise
from metrics.appraisal.snapshots import take_appraisal, take_table
from metrics.cli.main import main
from metrics.core.completeness import Coverage, IncompletePeriodError, coverage
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.browse import complete_periods
from tests.golden_data import insert_golden

P = Period.parse


def quarter_scheme() -> object:
    return from_dict(
        {
            "name": "q",
            "org_id": "BR",
            "role": "planner",
            "cycle": "quarter",
            "items": [{"kpi": "aum_increment", "weight": 100, "target": 1000000}],
        }
    )


def test_coverage_rule_without_a_database() -> None:
    cov = Coverage(dt.date(2024, 11, 1), dt.date(2026, 10, 31))
    assert [cov.complete(P(p)) for p in ("2026-10", "2026-11", "2026Q3", "2026Q4", "2025")] == [
        True,
        False,
        True,
        False,
        True,
    ]
    assert not cov.complete(P("2026"))
    assert [str(cov.latest(k)) for k in ("month", "quarter", "year")] == [
        "2026-10",
        "2026Q3",
        "2025",
    ]
    assert cov.partial_at_start(P("2024")) and not cov.partial_at_start(P("2025"))
    to_date = cov.to_date(P("2026"))
    assert to_date == Period("year", dt.date(2026, 1, 1), dt.date(2026, 10, 31))
    assert cov.to_date(P("2027Q1")) is None
    with pytest.raises(IncompletePeriodError) as caught:
        cov.require_complete(P("2026Q4"))
    assert str(caught.value) == (
        "period 2026Q4 is incomplete: month-end AUM has been imported up to 2026-10-31; "
        "the latest complete quarter is 2026Q3"
    )
    with pytest.raises(IncompletePeriodError, match="no AUM has been imported"):
        Coverage(None, None).require_complete(P("2026Q3"))


def test_coverage_read_from_the_aum_table(engine: Engine) -> None:
    with engine.begin() as conn:
        assert coverage(conn) == Coverage(None, None)
        insert_golden(conn)
        assert coverage(conn) == Coverage(dt.date(2025, 5, 1), dt.date(2025, 10, 31))
        assert [str(p) for p in complete_periods(conn, "quarter")] == ["2025Q3"]
        assert [str(p) for p in complete_periods(conn, "month")] == [
            "2025-10",
            "2025-09",
            "2025-08",
            "2025-07",
            "2025-06",
            "2025-05",
        ]
        # October's AUM removed: the data now end on 30 September.
        conn.execute(text("DELETE FROM aum_monthly WHERE month >= :m"), {"m": dt.date(2025, 10, 1)})
        assert coverage(conn).last == dt.date(2025, 9, 30)


def test_an_incomplete_period_is_never_scored_ranked_or_frozen(engine: Engine) -> None:
    scheme = quarter_scheme()
    everything = Scope.everything()
    with engine.begin() as conn:
        insert_golden(conn)
        assert not appraise(conn, scheme, P("2025Q3"), everything).empty  # complete: scored
        for period in ("2025Q4", "2026Q1"):
            with pytest.raises(AppraisalError, match=f"period {period} is incomplete"):
                appraise(conn, scheme, P(period), everything)
            with pytest.raises(AppraisalError, match="imported up to 2025-10-31"):
                take_appraisal(conn, scheme, P(period), everything, "d")
        with pytest.raises(IncompletePeriodError, match="latest complete month is 2025-10"):
            take_table(conn, "scorecard", P("2025-11"), "staff", everything, "d")


def test_the_command_line_refuses_an_incomplete_period(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str], tmp_path: object
) -> None:
    with engine.begin() as conn:
        insert_golden(conn)
    assert main(["scorecard", "--period", "2025Q4", "--db", db_url]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "error: period 2025Q4 is incomplete: month-end AUM has been imported up to 2025-10-31; "
        "the latest complete quarter is 2025Q3\n"
    )
    assert main(["scorecard", "--period", "2025Q3", "--db", db_url]) == 0
    capsys.readouterr()
    scheme_file = tmp_path / "s.yaml"  # type: ignore[operator]
    scheme_file.write_text(
        "name: q\norg_id: BR\nrole: planner\ncycle: quarter\n"
        "items:\n  - {kpi: aum_increment, weight: 100, target: 1000000}\n",
        encoding="utf-8",
    )
    for command in ("appraise", "snapshot"):
        code = main([command, "--scheme", str(scheme_file), "--period", "2025Q4", "--db", db_url])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "")
        assert err.startswith("error: period 2025Q4 is incomplete") and err.count("\n") == 1
