"""Sign-off and reopening on the Published results page (issue 15.4), as the director meets them:
the results are signed off; the planner then sees them signed off and can no longer inquire; a
reopening without a reason is refused in words; with a reason it reopens, the planner may inquire
again, and the audit log holds the reason. (Refused sign-off with an inquiry open is tested in
tests/test_page_my_appraisal.py.)"""

from __future__ import annotations

import json

from sqlalchemy import select

from data.engine import make_engine
from data.schema import AuditEvent
from tests.test_page_my_appraisal import publish_b01s02
from tests.ui_support import DIRECTOR, PLANNER, errors, goto, signed_in


def test_the_director_signs_off_then_reopens_with_a_reason(app_db: str) -> None:
    publish_b01s02(app_db)
    director = goto(signed_in(DIRECTOR), "results")
    director.button(key="results_sign_off").click().run()
    assert not errors(director), errors(director)
    assert [s.value for s in director.success] == ["Signed off."]
    assert not [b for b in director.button if b.key == "results_sign_off"]

    planner = goto(signed_in(PLANNER), "my_appraisal")
    assert any("signed off" in i.value.lower() for i in planner.info), [
        i.value for i in planner.info
    ]
    assert not [a for a in planner.text_area if a.key == "my_inquiry_message"]

    director.button(key="results_reopen").click().run()
    assert [e.value for e in director.error] == ["A reason is required."]
    director.text_input(key="results_reopen_reason").input("A course certificate was missed")
    director.button(key="results_reopen").click().run()
    assert not errors(director), errors(director)
    assert [s.value for s in director.success] == ["Reopened."]
    assert [b for b in director.button if b.key == "results_sign_off"]

    planner = goto(signed_in(PLANNER), "my_appraisal")
    assert [a for a in planner.text_area if a.key == "my_inquiry_message"]
    engine = make_engine(app_db)
    with engine.connect() as conn:
        events = conn.execute(
            select(AuditEvent.username, AuditEvent.action, AuditEvent.detail).where(
                AuditEvent.action.in_(["results_sign_off", "results_reopen"])
            )
        ).all()
    engine.dispose()
    assert sorted((u, a) for u, a, _ in events) == [
        (DIRECTOR, "results_reopen"),
        (DIRECTOR, "results_sign_off"),
    ]
    (reopened,) = [d for _, a, d in events if a == "results_reopen"]
    assert json.loads(reopened)["reason"] == "A course certificate was missed"
