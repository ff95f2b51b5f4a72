"""Planner page: tiles, 12-period trend, masked book, migration, activity, drill-through."""

from __future__ import annotations

from tests.ui_support import errors, frame, goto, signed_in


def test_planner_page_with_drill(app_db: str) -> None:
    at = signed_in()
    at.session_state["planner_id"] = "029504"
    goto(at, "planner")
    assert not errors(at)
    assert at.selectbox(key="planner_pick").value == "029504"
    assert len(at.metric) == 18
    book = frame(at, "client_name")
    assert all("*" in name for name in book["client_name"])  # masked: the director may not unmask
    at.selectbox(key="planner_drill_metric").set_value("aum_stock").run()
    rows = frame(at, "is_top")
    assert len(rows) == len(book)  # the drilled rows are the book behind aum_stock
    assert any("row(s) make up AUM stock" in c.value for c in at.caption)


def test_null_metric_is_explained(app_db: str) -> None:
    at = signed_in(lang="zh")
    at.session_state["planner_id"] = "021898"  # an advisor without surveys: satisfaction is null
    goto(at, "planner")
    satisfaction = next(m for m in at.metric if m.label == "客户满意度")
    assert satisfaction.value == "—"
    assert any("并非零" in c.value for c in at.caption)
