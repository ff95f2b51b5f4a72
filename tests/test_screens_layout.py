"""Layout as a reader meets it (issue 13, item 10): money in millions in English and 万元 in
Chinese on every table and tile, the org-unit column headed as such, headline figures short
enough for their tile."""

from __future__ import annotations

import json

import pytest

from tests.ui_support import DIRECTOR, errors, goto, signed_in


def headers(at, key_column: str) -> dict[str, str]:  # noqa: ANN001 - AppTest
    """column -> header of the first table holding `key_column`."""
    for table in at.dataframe:
        if key_column in table.value.columns:
            config = json.loads(table.proto.columns or "{}")
            return {c: (config.get(c) or {}).get("label", c) for c in table.value.columns}
    raise AssertionError(f"no table with {key_column!r}")


@pytest.mark.parametrize(
    ("lang", "unit_header", "money_header", "money_tile"),
    [("en", "Org unit", "AUM stock (¥ M)", "¥"), ("zh", "机构", "金融资产存量 (万元)", "万元")],
)
def test_org_unit_column_and_money_units(
    app_db: str, lang: str, unit_header: str, money_header: str, money_tile: str
) -> None:
    at = goto(signed_in(DIRECTOR, lang=lang, period_kind="quarter"), "overview")
    assert not errors(at)
    league = headers(at, "coverage")
    assert league["name"] == unit_header  # each row is a sub-branch, not a person
    assert league["aum_stock"] == money_header
    values = [t.value for t in at.dataframe if "coverage" in t.value.columns][0]["aum_stock"]
    # Millions (English) or 万元 (Chinese): a sub-branch's stock is tens to thousands of them.
    assert values.max() < 100_000, values.tolist()
    goto(at, "scorecards")
    assert headers(at, "aum_stock")["aum_stock"] == money_header
    at.session_state["planner_id"] = "029504"
    goto(at, "planner")
    tile = next(m for m in at.metric if m.label in ("AUM stock", "金融资产存量"))
    assert money_tile in tile.value and len(tile.value) <= 10, tile.value
