"""Supervision page: diligence table, login calendar, idle staff, requests, raw rows."""

from __future__ import annotations

from tests.ui_support import errors, frame, goto, signed_in


def test_supervision_page(app_db: str) -> None:
    at = goto(signed_in(period_kind="quarter"), "supervision")
    assert not errors(at)
    table = at.dataframe(key="supervision_table").value
    assert len(table) == 6
    assert "王欣" in set(frame(at, "idle_days").query("idle_days > 10")["name"])
    assert "Select a staff member above" in " ".join(c.value for c in at.caption)


def test_chinese_labels(app_db: str) -> None:
    at = goto(signed_in(lang="zh"), "supervision")
    assert at.title[0].value == "履职督导"
    assert not errors(at)
