"""The audit-log and users pages through app.py, signed in through the real form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import accounts
from data.engine import make_engine
from tests.ui_support import PASSWORD, ROOT, copy_db, errors, goto, signed_in


@pytest.fixture(scope="module")
def db(tiny_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # One database for the module: app.py keeps its engine in st.cache_resource for the process,
    # whatever WEALTH_DB_URL says, so it is forgotten before and after (another module's engine
    # would otherwise be used, or left to the next module).
    import streamlit as st

    folder = tmp_path_factory.mktemp("admin_pages")
    url = copy_db(tiny_db_template, folder)
    st.cache_resource.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEALTH_DB_URL", url)
        yield url
    st.cache_resource.clear()
    st.cache_data.clear()


def test_audit_page_searches_the_log(db: str) -> None:
    at = goto(signed_in(), "audit")
    assert not errors(at)
    events = at.dataframe[0].value
    assert "sign-in" in set(events["action"])  # the action's name, not its code `signin`
    at.text_input(key="audit_user").input("' OR 1=1 --").run()
    assert at.dataframe[0].value.empty


def test_users_page_adds_and_disables(db: str) -> None:
    at = goto(signed_in(), "users")
    assert not errors(at)
    assert "head1" in set(at.dataframe[0].value["username"])
    form = [t for t in at.text_input if t.label.startswith("Username")][0]
    form.input("boss2")
    [t for t in at.text_input if t.label.startswith("Password")][0].input("a long password 1")
    [b for b in at.button if b.label.startswith("Add")][0].click().run()
    assert not errors(at)
    assert "boss2" in set(at.dataframe[0].value["username"])
    at.selectbox(key="users_pick").select("head1").run()
    at.button(key="users_toggle").click().run()
    engine = make_engine(db)
    with engine.connect() as conn:
        head = accounts.find_account(conn, "head1")
    engine.dispose()
    assert head is not None and not head.active


def test_a_head_cannot_open_the_admin_pages(db: str) -> None:
    # A head of its own: the users test above disables head1 in this module's database.
    engine = make_engine(db)
    with engine.begin() as conn:
        accounts.create_user(conn, "head9", "head", org_id="B01S01", password=PASSWORD)
    engine.dispose()
    at = signed_in("head9")
    context = at.session_state["_context"]
    assert context.identity.role == "head"
    for page in ("audit", "users"):
        # Not in a head's navigation: there is no way to switch to it.
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(f"pages/{page}.py")
        # And the page itself refuses a head's context, were it ever run with one.
        direct = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
        direct.session_state["_context"] = context
        direct.run()
        assert not direct.exception, direct.exception
        assert not direct.dataframe or "username" not in direct.dataframe[0].value.columns
        assert direct.error  # says why


def test_every_audited_action_has_a_name_in_both_languages() -> None:
    """The Audit page names actions in words: an action added later needs its two names."""
    from data.audit import ACTIONS
    from ui.i18n import STRINGS

    missing = [a for a in ACTIONS if f"val.action.{a}" not in STRINGS]
    assert missing == []
