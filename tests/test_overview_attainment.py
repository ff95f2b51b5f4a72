"""Target attainment on the Overview (issue 13, "What they expected"): for the published scheme in
force for the quarter, the director reads it per sub-branch, a head per planner of their
sub-branch, in English and in Chinese; a planner's own target (指标分解) replaces the scheme's.
The expected figures are computed here from the staff scorecard: the sum of actuals against the
sum of targets for an amount, the mean of the planners' own attainments for a rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from data.engine import make_engine
from metrics.appraisal import schemes
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.tables import scorecard
from tests.ui_support import DIRECTOR, HEAD, errors, frame, goto, signed_in

QUARTER = Period.parse("2026Q3")
RETENTION = Decimal("0.9")


@pytest.fixture
def expected(app_db: str) -> dict:
    """Publishes the scheme (the first planner of the bank held to 2,000,000 yuan instead of
    1,000,000) and returns each covered planner's attainments and each sub-branch's."""
    engine = make_engine(app_db)
    with engine.begin() as conn:
        card = scorecard(conn, QUARTER, "staff", Scope.everything())
        left = dict(conn.execute(text("SELECT staff_id, left_on FROM staff")).all())
        planners = card[
            (card["role"] == "planner")
            & card["entity_id"].map(lambda e: left[e] is None or left[e] >= dt.date(2026, 7, 1))
        ].sort_values("entity_id")
        own = str(planners["entity_id"].iloc[0])
        draft = schemes.Scheme(
            name="全行季度考核",
            org_id=None,
            role="planner",
            cycle="quarter",
            items=(
                schemes.Item(
                    "aum_increment",
                    Decimal(50),
                    Decimal(1_000_000),
                    targets=((own, Decimal(2_000_000)),),
                ),
                schemes.Item("retention_rate", Decimal(50), RETENTION),
            ),
        )
        saved = schemes.save_draft(conn, draft, "director")
        schemes.publish(conn, saved.scheme_id, 1, "director")  # type: ignore[arg-type]
    engine.dispose()
    target = {e: 2_000_000.0 if e == own else 1_000_000.0 for e in planners["entity_id"]}
    person = {
        e: {
            "aum": float(a) / target[e],
            "retention": None if pd_null(r) else float(r) / float(RETENTION),
        }
        for e, a, r in zip(
            planners["entity_id"],
            planners["aum_increment"],
            planners["retention_rate"],
            strict=True,
        )
    }
    units = {}
    for org_id, group in planners.groupby("org_id"):
        rates = [person[e]["retention"] for e in group["entity_id"]]
        rates = [r for r in rates if r is not None]
        units[org_id] = {
            "planners": len(group),
            "aum": sum(float(a) for a in group["aum_increment"])
            / sum(target[e] for e in group["entity_id"]),
            "retention": sum(rates) / len(rates) if rates else None,
        }
    return {
        "person": person,
        "units": units,
        "own": own,
        "org": dict(zip(card["entity_id"], card["org_id"], strict=True)),
    }


def pd_null(value: object) -> bool:
    return value is None or value != value  # NaN is not equal to itself


def close(shown: object, wanted: float | None) -> bool:
    if wanted is None:
        return pd_null(shown)
    return shown == pytest.approx(wanted)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_director_reads_attainment_per_sub_branch(expected: dict, lang: str) -> None:
    at = goto(signed_in(DIRECTOR, lang=lang, period_kind="quarter"), "overview")
    assert not errors(at)
    assert ("Target attainment" if lang == "en" else "目标达成") in [s.value for s in at.subheader]
    table = frame(at, "attain_aum_increment")
    assert ("Sub-branch" if lang == "en" else "支行") in table.columns
    assert set(table["org_id"]) == set(expected["units"])
    for _, row in table.iterrows():
        wanted = expected["units"][row["org_id"]]
        assert row["planners"] == wanted["planners"]
        assert close(row["attain_aum_increment"], wanted["aum"]), row["org_id"]
        assert close(row["attain_retention_rate"], wanted["retention"]), row["org_id"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_head_reads_attainment_per_planner(expected: dict, lang: str) -> None:
    at = goto(signed_in(HEAD, lang=lang, period_kind="quarter"), "overview")
    assert not errors(at)
    table = frame(at, "attain_aum_increment")
    assert ("Name" if lang == "en" else "姓名") in table.columns
    mine = {e for e, o in expected["org"].items() if o == "B01S01" and e in expected["person"]}
    assert set(table["entity_id"]) == mine  # their sub-branch's planners only
    for _, row in table.iterrows():
        wanted = expected["person"][row["entity_id"]]
        assert close(row["attain_aum_increment"], wanted["aum"]), row["entity_id"]
        assert close(row["attain_retention_rate"], wanted["retention"]), row["entity_id"]


def test_no_scheme_in_force_for_a_month(expected: dict) -> None:
    at = goto(signed_in(DIRECTOR, period_kind="month"), "overview")
    assert not [d for d in at.dataframe if "attain_aum_increment" in d.value.columns]
    assert any("No published scheme is in force" in c.value for c in at.caption)
