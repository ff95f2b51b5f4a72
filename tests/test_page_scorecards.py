"""Scorecards page: every appraisal KPI per staff member, filters, colours, help, export."""

from __future__ import annotations

import pytest

from metrics.core.catalogue import appraisal_ids
from tests.ui_support import PLANNER, errors, goto, signed_in
from ui.tables import NULL_TEXT


def test_every_kpi_per_staff_member(app_db: str) -> None:
    at = goto(signed_in(), "scorecards")
    assert not errors(at)
    table = at.dataframe(key="scorecards_table").value
    assert len(table) == 6
    assert set(appraisal_ids()) <= set(table.columns)
    assert at.get("download_button")  # the CSV export is offered


def test_filter_by_sub_branch_and_role(app_db: str) -> None:
    at = goto(signed_in(), "scorecards")
    at.selectbox(key="scorecards_unit").set_value("B01S02").run()
    assert set(at.dataframe(key="scorecards_table").value["org_id"]) == {"拱墅支行"}
    at.segmented_control(key="scorecards_role").set_value("advisor").run()
    assert not errors(at)
    assert at.info  # no advisor in that sub-branch: an explanation, not an empty table


def test_planner_sees_only_themself(app_db: str) -> None:
    at = goto(signed_in(PLANNER), "scorecards")
    assert list(at.dataframe(key="scorecards_table").value["name"]) == ["孟鹏"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_null_figure_reads_as_a_dash(app_db: str, lang: str) -> None:
    # The tiny demo has a planner without a satisfaction survey: the cell is missing, and the
    # table must show it as the caption's "—", not Streamlit's default "None".
    at = goto(signed_in(lang=lang, period_kind="quarter"), "scorecards")
    element = at.dataframe(key="scorecards_table")
    assert element.value["satisfaction"].isna().any()
    assert element.proto.placeholder == NULL_TEXT
    assert any(NULL_TEXT in c.value for c in at.caption)
