"""A filter on every raw-row table and a download of what is left (issue 13): the Planner page's
drill-through filtered by text and by a yes/no column, the CSV holding exactly the rows shown."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit as st

from tests.ui_support import DIRECTOR, errors, frame, goto, signed_in


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bytes of every download button drawn (the file a click would save)."""
    seen: list[bytes] = []
    original = st.download_button

    def recording(label: str, data: bytes, *args: object, **kwargs: object) -> object:
        seen.append(data)
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return seen


def test_drill_rows_filtered_and_downloaded(app_db: str, offered: list[bytes]) -> None:
    at = signed_in(DIRECTOR, period_kind="quarter")
    at.session_state["planner_id"] = "029504"
    goto(at, "planner")
    at.selectbox(key="planner_drill_metric").set_value("aum_stock").run()
    everything = frame(at, "is_top")
    assert len(everything) >= 3
    exported = pd.read_csv(io.BytesIO(offered[-1]), encoding="utf-8-sig", dtype=str)
    assert len(exported) == len(everything)

    # Only the top clients (the rows behind the top-client figure).
    at.selectbox(key="planner_drill_rows_only").set_value("is_top=1").run()
    assert not errors(at)
    left = frame(at, "is_top")
    assert list(left["is_top"]) == [True] * len(left)
    assert 0 < len(left) < len(everything)
    assert len(left) == int(everything["is_top"].astype(bool).sum())
    exported = pd.read_csv(io.BytesIO(offered[-1]), encoding="utf-8-sig", dtype=str)
    assert sorted(exported["client_id"]) == sorted(left["client_id"])
    assert set(exported["is_top"]) == {"1"}

    # And by text: one client's id.
    at.selectbox(key="planner_drill_rows_only").set_value("").run()
    one = str(everything["client_id"].iloc[0])
    at.text_input(key="planner_drill_rows_text").input(one).run()
    assert list(frame(at, "is_top")["client_id"]) == [one]
    exported = pd.read_csv(io.BytesIO(offered[-1]), encoding="utf-8-sig", dtype=str)
    assert list(exported["client_id"]) == [one]
    assert any("1 of" in c.value for c in at.caption)
