"""Who the scheme editor lists for per-person targets, and the targets CSV out and back in
(issue 15.1), on DuckDB and PostgreSQL with the golden data set:
BR > SB1 (P1, P2, advisor A2), SB2 (P3, P4 who left on 2025-07-15), advisor A1 at BR."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from sqlalchemy import Engine

from metrics.appraisal import schemes, targets
from metrics.core.scope import Scope
from tests.golden_data import insert_golden


def scheme(org_id: str | None, role: str = "planner", period: str | None = None) -> schemes.Scheme:
    return schemes.from_dict(
        {"name": "t", "org_id": org_id, "role": role, "cycle": "quarter", "period": period,
         "items": [{"kpi": "aum_increment", "weight": 60, "target": 5000000},
                   {"kpi": "training_completion", "weight": 40, "rule": "rank"}]}
    )  # fmt: skip


def test_the_staff_listed_follow_the_schemes_unit_role_period_and_the_callers_scope(
    engine: Engine,
) -> None:
    with engine.begin() as conn:
        insert_golden(conn)
    everything = Scope.everything()
    today = dt.date(2026, 1, 1)
    with engine.connect() as conn:

        def listed(s: schemes.Scheme, scope: Scope = everything) -> list[tuple[str, str]]:
            frame = targets.covered_staff(conn, s, scope, today)
            return list(zip(frame["staff_id"], frame["name"], strict=True))

        assert listed(scheme("SB1")) == [("P1", "经理一"), ("P2", "经理二")]
        # P4 left in 2025Q3: listed for a scheme starting that quarter, not for one without a
        # period (held to today) nor for the next quarter.
        assert listed(scheme("SB2", period="2025Q3")) == [("P3", "经理三"), ("P4", "经理四")]
        assert listed(scheme("SB2")) == [("P3", "经理三")]
        assert listed(scheme("SB2", period="2025Q4")) == [("P3", "经理三")]
        assert listed(scheme(None, "advisor")) == [("A1", "理财师甲"), ("A2", "理财师乙")]
        assert listed(scheme("BR", period="2025Q3")) == [
            ("P1", "经理一"), ("P2", "经理二"), ("P3", "经理三"), ("P4", "经理四"),
        ]  # fmt: skip
        # Inside the caller's scope only.
        assert listed(scheme("BR"), Scope.org("SB1")) == [("P1", "经理一"), ("P2", "经理二")]


def test_the_download_reads_back_unchanged_and_an_empty_target_returns_to_the_default() -> None:
    held = schemes.from_dict(
        {**scheme("SB1").to_dict(),
         "items": [{"kpi": "aum_increment", "weight": 60, "target": 5000000,
                    "targets": {"00101": 6000000, "00102": "0.95", "00103": "1234567.89"}},
                   {"kpi": "training_completion", "weight": 40, "rule": "rank"}]}
    )  # fmt: skip
    data = targets.targets_csv(held)
    assert data.decode("utf-8-sig").splitlines() == [
        "staff_id,kpi,target",
        "00101,aum_increment,6000000",
        "00102,aum_increment,0.95",
        "00103,aum_increment,1234567.89",
    ]
    back = schemes.parse_targets(scheme("SB1"), data.decode("utf-8"))
    assert back["aum_increment"] == dict(held.items[0].targets)
    after = schemes.parse_targets(held, "staff_id,kpi,target\n00102,aum_increment,\n")
    assert after["aum_increment"] == {"00101": D(6000000), "00103": D("1234567.89")}
    assert schemes.with_targets(held, "staff_id,kpi,target\n00102,aum_increment,\n").items[
        0
    ].target_for("00102") == D(5000000)


def test_a_rank_item_row_is_refused_by_line() -> None:
    with pytest.raises(schemes.SchemeError) as caught:
        schemes.parse_targets(
            scheme("SB1"), "staff_id,kpi,target\nP1,training_completion,3\nP1,aum_increment,-1\n"
        )
    assert caught.value.messages == [
        "targets.csv line 2: training_completion is scored by rank and takes no target",
        "targets.csv line 3: a linear item's target must be above 0",
    ]
