"""A snapshot of a KPI table or of the Overview, not only of a published scheme (issue 13): the
button on Scorecards and on the Overview freezes the figures on screen, which the Snapshots page
then lists and verifies; a planner (who has no Snapshots page) gets no button."""

from __future__ import annotations

from sqlalchemy import text

from data.engine import make_engine
from tests.ui_support import DIRECTOR, PLANNER, errors, goto, signed_in


def stored(url: str) -> list[tuple[str, str, str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, level, period FROM snapshots ORDER BY created_at")
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_scorecards_and_overview_snapshots(app_db: str) -> None:
    at = goto(signed_in(DIRECTOR, period_kind="quarter"), "scorecards")
    shown = [t.value for t in at.dataframe][0]
    at.button(key="scorecards_snapshot").click().run()
    assert not errors(at)
    assert any("Snapshot taken" in s.value for s in at.success)
    assert stored(app_db) == [("scorecard", "staff", "2026Q3")]
    goto(at, "overview")
    at.button(key="overview_snapshot").click().run()
    assert stored(app_db)[-1] == ("scorecard", "sub_branch", "2026Q3")
    goto(at, "snapshots")
    assert not errors(at)
    listed = [t.value for t in at.dataframe][0]
    assert len(listed) == 2
    assert any("Checksum verified" in s.value for s in at.success)
    frozen = [t.value for t in at.dataframe][1]  # the newest: the Overview's league table
    assert len(frozen) > 0 and len(shown) > 0


def test_no_button_for_a_planner(app_db: str) -> None:
    at = goto(signed_in(PLANNER, period_kind="quarter"), "scorecards")
    assert "scorecards_snapshot" not in [b.key for b in at.button]
