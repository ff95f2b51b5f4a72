"""Appraisal schemes page: every role renders; the editor saves a draft, publishes it (version 1)
and an edit of the published version becomes version 2; weights off 100 are said as you type."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data.engine import make_engine
from metrics.appraisal import schemes
from tests.ui_support import DIRECTOR, HEAD, PLANNER, errors, goto, signed_in


def stored(url: str) -> list[schemes.Scheme]:
    """The head's sub-branch's versions, in the order the editor lists them."""
    engine = make_engine(url)
    with engine.connect() as conn:
        found = schemes.list_schemes(conn, {"B01S01"})
    engine.dispose()
    return found


def choose(scheme: schemes.Scheme) -> AppTest:
    """The head's editor opened afresh on a stored version."""
    at = goto(signed_in(HEAD), "schemes")
    next(s for s in at.selectbox if s.label == "Scheme version").set_value(scheme.ref).run()
    assert not errors(at), errors(at)
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not errors(at), errors(at)
    return at


@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_renders_for_every_role(app_db: str, user: str) -> None:
    at = goto(signed_in(user), "schemes")
    assert not errors(at)
    assert at.title[0].value == "Appraisal schemes"
    if user == PLANNER:
        assert at.info  # no published scheme covers the planner yet: a sentence, not an editor


def test_draft_publish_then_edit_makes_version_two(app_db: str) -> None:
    at = goto(signed_in(HEAD), "schemes")
    at.text_input[0].input("上城支行季度考核").run()
    click(at, "Save draft")
    (first,) = stored(app_db)
    assert (first.version, first.status) == (1, "draft")

    at = choose(first)
    click(at, "Publish")
    (published,) = stored(app_db)
    assert (published.version, published.status) == (1, "published")

    at = choose(published)
    assert any("never changes" in c.value for c in at.caption)
    next(t for t in at.text_input if t.label == "Name").input("上城支行季度考核（修订）").run()
    click(at, "Save draft")
    versions = sorted((s.version, s.status) for s in stored(app_db))
    assert versions == [(1, "published"), (2, "draft")]


def test_weights_off_one_hundred_are_said(app_db: str) -> None:
    at = goto(signed_in(HEAD, lang="zh"), "schemes")
    # The new scheme's single item weighs 100; the data editor's edit state changes it to 60.
    at.session_state["items_new"] = {
        "edited_rows": {0: {"weight": 60}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert any("权重合计 60，应为 100" in e.value for e in at.error), [e.value for e in at.error]
    # Said once: not again among the validation warnings.
    assert not [w.value for w in at.warning if "add up to" in w.value]
