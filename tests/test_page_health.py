"""Portfolio health page: tiles, per-unit table, load, alerts, care reminders."""

from __future__ import annotations

from tests.ui_support import HEAD, errors, frame, goto, signed_in


def test_health_page(app_db: str) -> None:
    at = goto(signed_in(period_kind="quarter"), "health")
    assert not errors(at)
    assert [m.label for m in at.metric][:2] == [
        "Primary-manager coverage",
        "Dual-manager top clients",
    ]
    units = frame(at, "coverage")
    assert list(units["name"]) == ["杭州分行", "上城支行", "拱墅支行"]


def test_head_health(app_db: str) -> None:
    at = goto(signed_in(HEAD, lang="zh"), "health")
    assert not errors(at)
    assert list(frame(at, "coverage")["name"]) == ["上城支行"]
