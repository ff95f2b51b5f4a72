"""Small things a user notices (issue 13, item 12): which SLA leg a breached request failed, alert
reasons as words, no filters for a planner who sees only themself."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import text

from data.demo import DEMO_AS_OF
from data.engine import make_engine
from data.importer import load_dir
from tests.ui_support import DIRECTOR, PLANNER, errors, frame, goto, signed_in
from ui.raw_rows import breach_legs

LEG_TEXT = {
    "ack": "acknowledgement late",
    "result": "result late",
    "both": "acknowledgement and result late",
    "open": "not resolved",
}


def test_breach_legs_name_the_leg_that_failed() -> None:
    t0 = dt.datetime(2026, 9, 1, 10)
    requests = pd.DataFrame(
        {
            "ack_met": [0, 1, 0, 1, None, 1, None],
            "result_met": [1, 0, 0, 0, 0, 1, None],
            "resolved_at": [t0, t0, t0, None, t0, t0, None],
        }
    )
    assert breach_legs(requests) == ["ack", "result", "both", "open", "result", None, None]


def _expected_leg(row: pd.Series) -> str | None:
    """The leg from the timestamps the table shows (not from its flags)."""
    ack_late = pd.notna(row["ack_deadline"]) and (
        pd.isna(row["acknowledged_at"]) or row["acknowledged_at"] > row["ack_deadline"]
    )
    unresolved = pd.isna(row["resolved_at"])
    result_late = unresolved or row["resolved_at"] > row["deadline"]
    if ack_late and result_late:
        return "both"
    if ack_late:
        return "ack"
    if result_late:
        return "open" if unresolved else "result"
    return None


def _import_requests(url: str, folder: Path) -> None:
    """Three requests received in August 2026 by primary managers of a platinum and a black-gold
    client (tier = the AUM of the received month): acknowledged late but resolved in time (the
    issue's RQ...1248), resolved late, and never resolved."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.client_id, a.staff_id, m.avg_daily_aum FROM aum_monthly m "
                "JOIN assignments a ON a.client_id = m.client_id AND a.role = 'primary' "
                "AND a.end_on IS NULL WHERE m.month = DATE '2026-08-01' ORDER BY a.client_id"
            )
        ).all()
    platinum = next(r for r in rows if 600_000 <= r[2] < 2_900_000)
    black_gold = next(r for r in rows if r[2] >= 3_100_000)
    lines = [
        "request_id,client_id,staff_id,received_at,acknowledged_at,resolved_at,summary",
        f"RQ9000000001,{platinum[0]},{platinum[1]},2026-08-03 09:00:00,2026-08-04 12:00:00,"
        "2026-08-04 15:00:00,late acknowledgement",
        f"RQ9000000002,{black_gold[0]},{black_gold[1]},2026-08-05 09:00:00,2026-08-05 09:30:00,"
        "2026-08-07 09:00:00,late result",
        f"RQ9000000003,{platinum[0]},{platinum[1]},2026-08-10 09:00:00,2026-08-10 10:00:00,,"
        "never resolved",
    ]
    (folder / "requests.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load_dir(engine, folder, as_of=DEMO_AS_OF, quarantine_root=folder / "q")
    assert report.committed and not report.rejected
    engine.dispose()


def test_request_table_says_which_leg_failed(app_db: str, tmp_path: Path) -> None:
    _import_requests(app_db, tmp_path)
    at = goto(signed_in(DIRECTOR, period_kind="quarter"), "supervision")
    assert not errors(at)
    shown = frame(at, "breach_leg")
    assert len(shown) > 0
    legs = dict(zip(shown["request_id"], shown["breach_leg"], strict=True))
    assert legs["RQ9000000001"] == "acknowledgement late"
    assert legs["RQ9000000002"] == "result late"
    assert legs["RQ9000000003"] == "not resolved"
    for _, row in shown.iterrows():
        leg = _expected_leg(row)
        assert bool(row["breach"]) == (leg is not None), row.to_dict()
        shown_leg = None if pd.isna(row["breach_leg"]) else row["breach_leg"]
        assert shown_leg == (LEG_TEXT[leg] if leg else None), row.to_dict()


def test_alert_reasons_are_words(app_db: str) -> None:
    for lang, words in (
        ("en", {"AUM fell", "tier fell", "large outflow", "account closed"}),
        ("zh", {"资产下降", "层级下降", "大额转出", "销户"}),
    ):
        at = goto(signed_in(DIRECTOR, lang=lang, period_kind="quarter"), "health")
        alerts = frame(at, "alert_day")
        assert len(alerts) > 0
        assert set(alerts["reason"]) <= words, set(alerts["reason"])


def test_a_planner_gets_no_filters_that_filter_nothing(app_db: str) -> None:
    at = goto(signed_in(PLANNER, period_kind="quarter"), "scorecards")
    assert not errors(at)
    # No filter: the only box is the period to set beside this one (their own figures twice).
    assert [s.key for s in at.selectbox] == ["compare_with"]
    assert len(at.get("button_group")) == 0
    assert len(frame(at, "name")) == 1  # their own row
    goto(at, "planner")
    assert "planner_pick" not in [s.key for s in at.selectbox]
    assert len(at.metric) == 18
    # A director still filters.
    at = goto(signed_in(DIRECTOR, period_kind="quarter"), "scorecards")
    assert "scorecards_unit" in [s.key for s in at.selectbox]
    assert len(at.get("button_group")) == 1
