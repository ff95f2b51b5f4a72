"""The access matrix on screen: a head and a planner visit every page open to them, and no table
on any page shows a staff member or an org unit outside their scope (the metrics layer applies
the scope; this proves no page widens it)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data.engine import make_engine
from data.schema import OrgUnit, Staff
from tests.test_page_smoke import PAGES
from tests.ui_support import HEAD, PLANNER, signed_in

HEAD_ORG = "B01S01"
PLANNER_ID = "029504"


def _cells(at) -> set[str]:  # noqa: ANN001 - AppTest
    text: set[str] = set()
    for table in at.dataframe:
        frame = table.value
        for column in frame.columns:
            text.update(str(v) for v in frame[column].tolist())
    return text


@pytest.mark.parametrize("user", [HEAD, PLANNER])
def test_no_page_shows_anyone_outside_the_scope(app_db: str, user: str) -> None:
    with make_engine(app_db).connect() as conn:
        staff = conn.execute(select(Staff.staff_id, Staff.name, Staff.org_id)).all()
        orgs = conn.execute(select(OrgUnit.org_id, OrgUnit.name, OrgUnit.parent_id)).all()
    if user == HEAD:
        inside_orgs = {HEAD_ORG} | {o.org_id for o in orgs if o.parent_id == HEAD_ORG}
        outside = {s for s in staff if s.org_id not in inside_orgs}
        hidden_units = {o.name for o in orgs if o.org_id not in inside_orgs and o.parent_id}
    else:
        outside = {s for s in staff if s.staff_id != PLANNER_ID}
        hidden_units = set()
    assert outside, "the fixture must have someone out of scope"
    forbidden = {s.staff_id for s in outside} | {s.name for s in outside} | hidden_units
    at = signed_in(user, period_kind="quarter")
    shown_rows = 0
    for page in PAGES[user]:
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        cells = _cells(at)
        shown_rows += sum(len(t.value) for t in at.dataframe)
        leaked = cells & forbidden
        assert not leaked, (user, page, leaked)
    assert shown_rows > 0  # the pages did show their own data
