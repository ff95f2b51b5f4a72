"""Target attainment on the Scorecards (issue 13): read against a published scheme's targets, each
covered planner's actual / target per item; nothing offered when no scheme is published."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from data.engine import make_engine
from metrics.appraisal import schemes
from tests.test_page_snapshots import take
from tests.ui_support import DIRECTOR, errors, frame, goto, signed_in


def test_attainment_against_the_published_targets(app_db: str) -> None:
    at = goto(signed_in(DIRECTOR, period_kind="quarter"), "scorecards")
    assert "scorecards_targets" not in [s.key for s in at.selectbox]  # nothing published yet
    take(app_db)  # publishes a bank-wide planner scheme: aum_increment, target 1,000,000 yuan
    engine = make_engine(app_db)
    with engine.connect() as conn:
        scheme_id = conn.execute(text("SELECT scheme_id FROM schemes")).scalar_one()
    engine.dispose()
    at = goto(signed_in(DIRECTOR, period_kind="quarter"), "scorecards")
    at.selectbox(key="scorecards_targets").set_value(f"{scheme_id}@1").run()
    assert not errors(at)
    table = frame(at, "attain_aum_increment")
    planners = table[table["role"] == "planner"]
    assert len(planners) > 0
    for _, row in planners.iterrows():
        # The table shows AUM increment in millions of yuan; the target is one million.
        assert row["attain_aum_increment"] == pytest.approx(row["aum_increment"])
    advisors = table[table["role"] != "planner"]
    assert advisors["attain_aum_increment"].isna().all()  # the scheme does not cover them


def test_a_branch_scheme_covers_the_planners_of_its_sub_branches(app_db: str) -> None:
    """A scheme set on a branch covers every planner below it (its sub-branches' staff), as
    the Overview and the targets grid read it, not only staff filed on the branch itself."""
    engine = make_engine(app_db)
    with engine.begin() as conn:
        branch = conn.execute(
            text("SELECT org_id FROM org_units WHERE kind = 'branch' ORDER BY org_id LIMIT 1")
        ).scalar_one()
        # The table shows each unit by its name.
        below = {
            r[0]
            for r in conn.execute(
                text("SELECT name FROM org_units WHERE org_id = :b OR parent_id = :b"),
                {"b": branch},
            )
        }
        branch_name = conn.execute(
            text("SELECT name FROM org_units WHERE org_id = :b"), {"b": branch}
        ).scalar_one()
        draft = schemes.Scheme(
            name="分行季度考核",
            org_id=branch,
            role="planner",
            cycle="quarter",
            items=(schemes.Item("aum_increment", Decimal(100), Decimal(1000000)),),
        )
        saved = schemes.save_draft(conn, draft, "director")
        assert saved.scheme_id is not None
        schemes.publish(conn, saved.scheme_id, 1, "director")
    engine.dispose()
    at = goto(signed_in(DIRECTOR, period_kind="quarter"), "scorecards")
    at.selectbox(key="scorecards_targets").set_value(f"{saved.scheme_id}@1").run()
    assert not errors(at)
    table = frame(at, "attain_aum_increment")
    covered = table[(table["role"] == "planner") & table["org_id"].isin(below)]
    # Its sub-branches' planners, not only staff filed on the branch itself.
    assert len(covered) > 0 and not (covered["org_id"] == branch_name).all()
    for _, row in covered.iterrows():
        assert row["attain_aum_increment"] == pytest.approx(row["aum_increment"])
    outside = table[~((table["role"] == "planner") & table["org_id"].isin(below))]
    assert outside["attain_aum_increment"].isna().all()
