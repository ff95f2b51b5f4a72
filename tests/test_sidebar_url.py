"""The sidebar's choices live in the page's address (issue 13, item 9): `?lang=zh&period=2026Q3
&unit=B01S02` opens the view it names after a reload or from a bookmark, a choice made in the
sidebar rewrites the address (tests/test_e2e_sidebar_url.py), and the address never widens what the signed-in identity may see
nor breaks the page (a period not offered or not a period at all gives the default).

On the tiny demo data: AUM from November 2024 to October 2026; the branch 杭州分行 (B01) with
上城支行 (B01S01, head1's) and 拱墅支行 (B01S02, planner1's). The browser side (a real reload, a
bookmark through the sign-in) is in tests/test_e2e_sidebar_url.py."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui_support import APP, DIRECTOR, HEAD, PASSWORD, PLANNER, TIMEOUT, errors

HEAD_STAFF = {"崔俊博", "王欣", "陈佳倩"}  # 上城支行, B01S01


def opened(address: dict[str, str], username: str = DIRECTOR) -> AppTest:
    """app.py opened at `?<address>` (a reload or a bookmark: a new session), then signed in
    through the form."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params.update(address)
    at.run()
    assert not at.exception, at.exception
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert not errors(at), errors(at)
    assert "_context" in at.session_state, f"{username} could not sign in"
    return at


def sidebar(at: AppTest) -> tuple[str, str, str]:
    """(period type, period, org unit) as the sidebar's widgets hold them."""
    return (
        at.button_group(key="period_kind").value,
        at.selectbox(key="period").value,
        at.selectbox(key="scope_org").value,
    )


def staff_names(at: AppTest) -> set[str]:
    return set(at.dataframe(key="overview_staff").value["name"])


def test_the_address_opens_the_language_period_and_unit_it_names(app_db: str) -> None:
    at = opened({"lang": "zh", "period": "2026Q3", "unit": "B01S02"})
    assert at.title[0].value == "总览"  # the Overview, in Chinese
    assert sidebar(at) == ("quarter", "2026Q3", "B01S02")
    assert "拱墅支行 · 2026年第3季度" in [c.value for c in at.caption]
    assert at.query_params == {"lang": "zh", "period": "2026Q3", "unit": "B01S02"}


def test_a_period_to_date_in_the_address_is_kept(app_db: str) -> None:
    at = opened({"period": "2026~2026-10"})
    assert sidebar(at) == ("year", "2026~2026-10", "B01")


def test_the_defaults_are_written_into_the_address(app_db: str) -> None:
    # With nothing asked, the defaults are written: a reload keeps even those. (A choice made
    # later rewrites it: AppTest reruns the page without app.py, so that is the browser test's.)
    at = opened({})
    assert sidebar(at) == ("month", "2026-10", "B01")
    assert at.query_params == {"lang": "en", "period": "2026-10", "unit": "B01"}


@pytest.mark.parametrize("unit", ["B01", "B01S02", "B99", "B01S01' OR 1=1", "x" * 500])
def test_a_unit_outside_a_heads_scope_gives_their_own(app_db: str, unit: str) -> None:
    at = opened({"unit": unit, "period": "2026Q3"}, HEAD)
    assert sidebar(at)[2] == "B01S01"
    assert at.selectbox(key="scope_org").options == ["上城支行"]  # nothing wider offered
    assert staff_names(at) == HEAD_STAFF
    assert at.query_params["unit"] == "B01S01"
    assert at.query_params["period"] == "2026Q3"  # the rest of the address still applies


def test_a_planner_has_no_unit_in_the_address(app_db: str) -> None:
    at = opened({"unit": "B01", "lang": "zh"}, PLANNER)
    assert at.title[0].value == "理财经理"
    assert at.session_state["_context"].unit.level == "staff"
    assert at.session_state["_context"].unit.entity_id == "029504"
    assert "unit" not in at.query_params


@pytest.mark.parametrize(
    ("asked", "kind", "period"),
    [
        ("2026Q4", "quarter", "2026Q3"),  # incomplete: the latest complete quarter
        ("2027Q1", "quarter", "2026Q3"),  # beyond the data
        ("2024Q4", "quarter", "2026Q3"),  # partial: the data begin in November 2024
        ("2031", "year", "2025"),
        ("2026Q9", "month", "2026-10"),  # not a period: the default type and period
        ("2026-13", "month", "2026-10"),
        ("0000", "month", "2026-10"),
        ("2026~2027-01", "month", "2026-10"),
        ("garbage", "month", "2026-10"),
        ("", "month", "2026-10"),
        ("2026Q3" * 20, "month", "2026-10"),
    ],
)
def test_a_period_not_offered_gives_the_default(
    app_db: str, asked: str, kind: str, period: str
) -> None:
    at = opened({"period": asked, "lang": "klingon"})
    assert sidebar(at) == (kind, period, "B01")
    assert at.title[0].value == "Overview"  # an unknown language: the default one
    assert at.query_params == {"lang": "en", "period": period, "unit": "B01"}
