"""Target attainment on the Scorecards (issue 13): read against a published scheme's targets, each
covered planner's actual / target per item; nothing offered when no scheme is published."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from data.engine import make_engine
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
