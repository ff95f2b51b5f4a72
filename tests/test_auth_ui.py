"""The sign-in form of `ui.auth`, on a tiny script that only signs in and shows the identity."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from streamlit.testing.v1 import AppTest

import data.accounts as accounts_module
import ui.auth as auth
from data import accounts, audit, sessions
from data.db import upgrade
from data.engine import make_engine
from tests.golden_data import insert_golden
from ui.i18n import t

PASSWORD = "correct horse battery staple"


def signin_script(url: str) -> None:
    import streamlit as st

    from data.engine import make_engine
    from ui.auth import require_identity, sign_out_button

    identity = require_identity(make_engine(url))
    st.write(f"user={identity.username} role={identity.role} scope={identity.scope.cache_key()}")
    sign_out_button()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth_ui") / "template.duckdb"
    engine = make_engine(f"duckdb:///{path}")
    upgrade(engine)
    with engine.begin() as conn:
        insert_golden(conn)
        accounts.create_user(conn, "boss", "director", password=PASSWORD)
        accounts.create_user(conn, "head1", "head", org_id="SB1", password=PASSWORD)
    engine.dispose()
    return path


@pytest.fixture
def url(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    path = tmp_path / "auth.duckdb"
    path.write_bytes(template.read_bytes())
    # No sleeping in tests: the clock moves instead, and the failure delay is only recorded.
    waits: list[float] = []
    monkeypatch.setattr(auth, "sleep", waits.append)
    yield f"duckdb:///{path}"


def app(url: str) -> AppTest:
    at = AppTest.from_function(signin_script, args=(url,), default_timeout=30).run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="signin_username").input(username)
    at.text_input(key="signin_password").input(password)
    return at.button[0].click().run()


def shown(at: AppTest) -> str:
    return " ".join(str(m.value) for m in at.markdown)


def test_wrong_password_then_success(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = app(url)
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert at.button[0].label == "Sign in"
    sign_in(at, "boss", "not the password")
    assert [e.value for e in at.error] == [accounts.BAD_CREDENTIALS]
    assert "user=" not in shown(at)
    sign_in(at, "nobody", "not the password")
    assert [e.value for e in at.error] == [accounts.BAD_CREDENTIALS]
    # Past the 1-second delay the failure imposed.
    later = dt.datetime.now() + dt.timedelta(seconds=5)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    sign_in(at, "boss", PASSWORD)
    assert not at.error
    assert "user=boss role=director scope=orgs=*;staff=" in shown(at)
    engine = make_engine(url)
    with engine.connect() as conn:
        actions = list(audit.search(conn, username="boss")["action"])
    engine.dispose()
    assert sorted(actions) == [audit.SIGNIN, audit.SIGNIN_FAILED]


def test_revoked_account_is_signed_out_at_the_next_rerun(url: str) -> None:
    at = sign_in(app(url), "head1", PASSWORD)
    assert "scope=orgs=SB1;staff=" in shown(at)
    engine = make_engine(url)
    with engine.begin() as conn:
        accounts.set_role(conn, "head1", "planner", staff_id="P1", by="boss")
    at.run()
    assert "role=planner scope=orgs=;staff=P1" in shown(at)  # narrowed at once, not at sign-in
    with engine.begin() as conn:
        accounts.set_active(conn, "head1", False, by="boss")
    engine.dispose()
    at.run()
    assert "user=" not in shown(at)
    assert at.button[0].label == "Sign in"
    assert any("no longer active" in i.value for i in at.info)


def test_forged_session_state_does_not_widen_the_scope(url: str) -> None:
    at = sign_in(app(url), "head1", PASSWORD)
    # Everything a forger might write into the session: a role, an org, a whole identity, and a
    # session token naming the director without the server's signature.
    at.session_state["role"] = "director"
    at.session_state["org_id"] = "BR"
    at.session_state["scope"] = "orgs=*;staff="
    at.session_state["identity"] = auth.Identity("boss", "director", None, None, "x", True)
    token = dict(at.session_state[auth.SESSION_KEY])
    at.session_state[auth.SESSION_KEY] = {**token, "username": "boss"}
    at.run()
    assert "user=boss" not in shown(at) and "scope=orgs=*" not in shown(at)
    assert at.button[0].label == "Sign in"  # the tampered token is simply not a session

    fresh = app(url)
    fresh.session_state[auth.SESSION_KEY] = {
        "username": "boss",
        "issued": 1.0,
        "sig": "0" * 64,
        "last_seen": 1e18,
    }
    fresh.run()
    assert "user=" not in shown(fresh)


def test_idle_timeout_and_sign_out(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = sign_in(app(url), "boss", PASSWORD)
    assert "user=boss" in shown(at)
    start = auth.clock()
    monkeypatch.setattr(auth, "clock", lambda: start + auth.IDLE_TIMEOUT_SECONDS - 5)
    at.run()
    assert "user=boss" in shown(at)  # activity within the timeout keeps the session
    monkeypatch.setattr(auth, "clock", lambda: start + 2 * auth.IDLE_TIMEOUT_SECONDS)
    at.run()
    assert "user=" not in shown(at)
    assert any("without activity" in i.value for i in at.info)

    monkeypatch.setattr(auth, "clock", lambda: start + 3 * auth.IDLE_TIMEOUT_SECONDS)
    later = dt.datetime.now() + dt.timedelta(minutes=1)
    monkeypatch.setattr(accounts_module, "_now", lambda: later)
    at = sign_in(at, "boss", PASSWORD)
    assert "user=boss" in shown(at)
    at.sidebar.button[0].click().run()
    assert "user=" not in shown(at)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert not audit.search(conn, username="boss", action=audit.SIGNOUT).empty
    engine.dispose()


# --- the session cookie: a new Streamlit session (a reload, a bookmark) resumes from it --------


def html_of(at: AppTest) -> str:
    return " ".join(str(e.proto.body) for e in at.get("html"))


def claimed_cookie(at: AppTest, url: str) -> str:
    """What the browser does after sign-in: load the claim address the page shows, through the
    cookie endpoint (ui/auth_cookie.py); the cookie it sets."""
    from tests.test_web_sessions import call, set_cookie

    found = re.search(r'src="\./(_wealth/session/claim\?t=[^"]+)"', html_of(at))
    assert found, html_of(at)
    engine = make_engine(url)
    status, headers, _ = call(engine, "/" + unquote(found.group(1)), sec_fetch_site="same-origin")
    engine.dispose()
    assert status == 200
    return set_cookie(headers)[sessions.COOKIE].value


def with_cookie(monkeypatch: pytest.MonkeyPatch, cookie: str | None) -> None:
    monkeypatch.setattr(auth, "browser_cookie", lambda: cookie)


def test_a_reload_resumes_from_the_cookie_until_sign_out(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = sign_in(app(url), "boss", PASSWORD)
    cookie = claimed_cookie(first, url)
    first.run()
    assert "_wealth/session/claim" not in html_of(first)  # claimed: asked for once only

    with_cookie(monkeypatch, cookie)
    reloaded = app(url)  # a new Streamlit session with the browser's cookie: no form
    assert "user=boss role=director" in shown(reloaded)
    assert not reloaded.text_input

    first.sidebar.button[0].click().run()  # sign out in the first tab
    assert "user=" not in shown(first)
    reloaded.run()  # the other tab shares the session: over at its next click
    assert "user=" not in shown(reloaded)
    assert any(i.value == t("auth.signed_out") for i in reloaded.info)
    replayed = app(url)  # the cookie kept and replayed
    assert "user=" not in shown(replayed) and replayed.button[0].label == "Sign in"
    # The sign-in form asks the server to drop the dead cookie.
    assert "_wealth/session/end?n=" in html_of(replayed)


def test_an_idle_cookie_stays_dead(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = sign_in(app(url), "boss", PASSWORD)
    cookie = claimed_cookie(at, url)
    start = auth.clock()
    monkeypatch.setattr(auth, "clock", lambda: start + auth.IDLE_TIMEOUT_SECONDS + 60)
    with_cookie(monkeypatch, cookie)
    late = app(url)
    assert "user=" not in shown(late)
    assert any("without activity" in i.value for i in late.info)
    # Back within the idle time of the replay: still over (ended for good, not recomputed).
    monkeypatch.setattr(auth, "clock", lambda: start + 1)
    assert "user=" not in shown(app(url))
    at.run()  # the original tab too
    assert "user=" not in shown(at)


def test_a_password_change_ends_the_signed_in_sessions(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = sign_in(app(url), "head1", PASSWORD)
    cookie = claimed_cookie(at, url)
    engine = make_engine(url)
    with engine.begin() as conn:
        accounts.set_password(conn, "head1", "another long password", by="boss")
    engine.dispose()
    at.run()
    assert "user=" not in shown(at)
    assert any("password was changed" in i.value for i in at.info)
    with_cookie(monkeypatch, cookie)
    assert "user=" not in shown(app(url))


def test_a_forged_cookie_is_no_session(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = sign_in(app(url), "head1", PASSWORD)
    cookie = claimed_cookie(at, url)
    with_cookie(monkeypatch, cookie[:-4] + "AAAA")
    forged = app(url)
    assert "user=" not in shown(forged) and forged.button[0].label == "Sign in"
    assert not forged.info  # nothing to say about a cookie that is not ours
