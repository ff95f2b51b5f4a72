"""Sign-in for the dashboard: the form, the session, the idle timeout, sign-out, optional SSO.

`require_identity(engine)` is the only way a page learns who is looking. On every rerun it
re-reads the account from the database, so disabling an account or changing its role takes effect
at that user's next click; the scope comes from that row alone. The session holds nothing but a
username signed with a per-process secret: values typed into `st.session_state` by any other path
(a widget key, a forged entry) cannot name another user, and no query parameter is read at all.

A reload or a bookmark starts a new Streamlit session; the browser's HTTP-only session cookie
carries the sign-in over (data/sessions.py keeps the server side, ui/auth_cookie.py sets and
clears the cookie). Right after sign-in the page asks the server, once, for the cookie with a
one-time token; a new Streamlit session resumes from the cookie while the server-side session is
live. Sign-out, the idle time-out, a password change and a disabled account end that session for
good, so a replayed cookie only shows the sign-in. A page asked for while signed out (a bookmark)
is opened after the sign-in (`requested_page`).

Single sign-on: when `.streamlit/secrets.toml` has an `[auth]` section (see Streamlit's `st.login`
docs), the form also offers "Sign in with single sign-on"; the identity provider's email is mapped
to the one active account with that email. The provider only proves who someone is; their role
and scope still come from the account.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.util import calc_hash

from data import accounts, audit, sessions
from metrics.core.access import UnknownUserError, scope_of
from metrics.core.scope import Scope
from ui.i18n import t

SESSION_KEY = "_wealth_session"
_NOTICE_KEY = "_wealth_signin_notice"
_CLAIM_KEY = "_wealth_cookie_claim"  # (one-time token, deadline) until the browser has its cookie
_COOKIE_TRIED = "_wealth_cookie_tried"  # a Streamlit session resumes from the cookie once at most
_END_NONCE = "_wealth_end_nonce"
RETURN_KEY = "_wealth_return_to"  # (url path, page hash) of the page asked for before sign-in
# The cookie endpoints (ui/auth_cookie.py), relative to the page so a base URL path is kept.
CLAIM_URL = "./_wealth/session/claim"
END_URL = "./_wealth/session/end"
IDLE_TIMEOUT_SECONDS = float(os.environ.get("WEALTH_IDLE_MINUTES", "30")) * 60
# The wait after a failed sign-in is shown to the person at the form; longer waits are enforced
# by `authenticate` refusing early attempts, so this session need not block that long.
MAX_UI_WAIT_SECONDS = 5.0

# Injected so tests can drive the idle timeout and the failure delay without sleeping.
clock: Callable[[], float] = time.time
sleep: Callable[[float], None] = time.sleep


def browser_cookie() -> str | None:
    """The session cookie the browser sent when this Streamlit session connected (a function so
    that AppTest, which has no browser, can hand one in)."""
    try:
        value = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # noqa: BLE001 - no client (a bare script run): no cookie
        return None
    return value if isinstance(value, str) and value else None


def _now() -> dt.datetime:
    return dt.datetime.fromtimestamp(clock())


def _idle() -> dt.timedelta:
    return dt.timedelta(seconds=IDLE_TIMEOUT_SECONDS)


_engine_for_signout: Engine | None = None


@dataclass(frozen=True)
class Identity:
    username: str
    role: str
    org_id: str | None
    staff_id: str | None
    display_name: str
    may_unmask: bool

    @property
    def scope(self) -> Scope:
        return scope_of(self.role, self.org_id, self.staff_id, self.may_unmask)

    @property
    def is_director(self) -> bool:
        return self.role == "director"

    def cache_key(self) -> str:
        """For `st.cache_data` keys: the scope plus whether clear text may be shown."""
        return self.scope.cache_key()


def identity_of(account: accounts.Account) -> Identity:
    return Identity(
        username=account.username,
        role=account.role,
        org_id=account.org_id,
        staff_id=account.staff_id,
        display_name=account.display_name,
        may_unmask=account.may_unmask,
    )


# --- the signed session token ----------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _session_secret() -> bytes:
    # One per server process (cached as a resource so a module reload keeps sessions valid);
    # sessions live in that process's memory anyway.
    return secrets.token_bytes(32)


def _signature(username: str, issued: float, session_hash: str) -> str:
    message = f"{username}\n{issued!r}\n{session_hash}".encode()
    return hmac.new(_session_secret(), message, hashlib.sha256).hexdigest()


def _adopt_session(username: str, session_hash: str) -> None:
    """This Streamlit session speaks for `username`'s server-side session `session_hash`."""
    issued = clock()
    st.session_state[SESSION_KEY] = {
        "username": username,
        "issued": issued,
        "session": session_hash,
        "sig": _signature(username, issued, session_hash),
        "last_seen": issued,
        "touched": issued,
    }


def _start_session(engine: Engine, username: str) -> None:
    """A fresh sign-in: a new server-side session, whose cookie the browser then claims."""
    with engine.begin() as conn:
        opened = sessions.open_session(conn, username, _now())
    _adopt_session(username, opened.session_hash)
    deadline = clock() + sessions.CLAIM_WINDOW.total_seconds()
    st.session_state[_CLAIM_KEY] = (opened.claim, deadline)


def _session() -> tuple[str, str] | None:
    """(username, server-side session hash) of a genuine session of this server, else None."""
    state = st.session_state.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    username, issued, sig = state.get("username"), state.get("issued"), state.get("sig")
    session_hash = state.get("session")
    if (
        not isinstance(username, str)
        or not isinstance(issued, float)
        or not isinstance(sig, str)
        or not isinstance(session_hash, str)
    ):
        return None
    if not hmac.compare_digest(sig, _signature(username, issued, session_hash)):
        return None
    return username, session_hash


def _end_session(notice: str | None = None) -> None:
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(_CLAIM_KEY, None)
    # A new address for the sign-in form's "drop a dead cookie" image: a browser shows an image
    # it already loaded in this page again without asking the server.
    st.session_state[_END_NONCE] = secrets.token_hex(4)
    if notice:
        st.session_state[_NOTICE_KEY] = notice


def _idle_notice() -> str:
    return f"You were signed out after {IDLE_TIMEOUT_SECONDS / 60:.0f} minutes without activity."


# What the person reads when their server-side session was ended elsewhere.
_ENDED_NOTICES: dict[str, Callable[[], str]] = {
    sessions.SIGNOUT: lambda: t("auth.signed_out"),
    sessions.IDLE: _idle_notice,
    sessions.PASSWORD: lambda: "Your password was changed: sign in with the new one.",
    sessions.DISABLED: lambda: "Your account is no longer active. Ask the director.",
    sessions.EXPIRED: lambda: "Your session has ended after its maximum length: sign in again.",
}


def _ended_notice(why: str) -> str:
    return _ENDED_NOTICES.get(why, _ENDED_NOTICES[sessions.SIGNOUT])()


def _resume_from_cookie(engine: Engine) -> None:
    """A new Streamlit session (a reload, a bookmark, a second tab) takes over the browser's
    live server-side session; once per Streamlit session, so a dead cookie costs one query."""
    if st.session_state.get(_COOKIE_TRIED):
        return
    st.session_state[_COOKIE_TRIED] = True
    cookie = browser_cookie()
    if cookie is None:
        return
    with engine.begin() as conn:
        found = sessions.resume(conn, cookie, _now(), _idle())
    if isinstance(found, sessions.Resumed):
        _adopt_session(found.username, found.session_hash)
    elif found in (sessions.IDLE, sessions.PASSWORD, sessions.DISABLED, sessions.EXPIRED):
        st.session_state[_NOTICE_KEY] = _ended_notice(found)


def _offer_cookie(engine: Engine, session_hash: str) -> None:
    """Until the browser has fetched its cookie, an invisible image asks for it with the one-time
    token (the cookie must come from an HTTP response: the page talks over a WebSocket)."""
    pending = st.session_state.get(_CLAIM_KEY)
    if not isinstance(pending, tuple):
        return
    claim, deadline = pending
    if clock() > deadline:
        st.session_state.pop(_CLAIM_KEY, None)
        return
    with engine.connect() as conn:
        waiting = sessions.claim_pending(conn, session_hash)
    if not waiting:
        st.session_state.pop(_CLAIM_KEY, None)
        return
    st.sidebar.html(_pixel(f"{CLAIM_URL}?t={quote(claim, safe='')}"))


def _pixel(url: str) -> str:
    """An image the size of nothing whose only purpose is the request (no data in it: the URL is
    our own endpoint and a token of URL-safe characters)."""
    return f'<img src="{url}" alt="" width="1" height="1" style="display:block;opacity:0">'


def _remember_requested_page() -> None:
    """The page the browser asked for (a bookmark) while signed out, opened after sign-in."""
    if RETURN_KEY in st.session_state:
        return
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    name = ctx.pages_manager.intended_page_name or ""
    page_hash = ctx.pages_manager.intended_page_script_hash or ""
    if name or page_hash:
        st.session_state[RETURN_KEY] = (name, page_hash)


def remember_page(url_path: str) -> None:
    """Ask for `url_path` to be opened once signed in (a page run without app.py's context)."""
    st.session_state.setdefault(RETURN_KEY, (url_path, ""))


def requested_page(pages: Mapping[str, Sequence[Any]]) -> Any | None:
    """The page of `pages` (app.py's navigation) asked for before sign-in, once; None when none
    was, or the role may not open it (then the role's default page opens)."""
    wanted = st.session_state.pop(RETURN_KEY, None)
    if not isinstance(wanted, tuple) or len(wanted) != 2:
        return None
    name, page_hash = wanted
    for listed in pages.values():
        for page in listed:
            path = getattr(page, "url_path", "")
            if (name and path == name) or (page_hash and calc_hash(path) == page_hash):
                return page
    return None


# --- single sign-on --------------------------------------------------------------------------


def _sso_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file, or an unreadable one: no SSO
        return False


def _sso_email() -> str | None:
    if not _sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        email = st.user.get("email")
    except Exception:  # noqa: BLE001 - a misconfigured provider must not break local sign-in
        return None
    return email if isinstance(email, str) and email else None


def _sso_signin(engine: Engine) -> None:
    email = _sso_email()
    if email is None:
        return
    with engine.begin() as conn:
        account = accounts.find_account_by_email(conn, email)
        if account is None:
            audit.record(conn, None, audit.SIGNIN_FAILED, email[:200], {"via": "sso"})
        else:
            audit.record(conn, account.username, audit.SIGNIN, account.username, {"via": "sso"})
    if account is None:
        st.session_state[_NOTICE_KEY] = (
            f"No active account is linked to {email}. Ask the director to add one."
        )
        return
    _start_session(engine, account.username)


# --- the entry points ------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _first_start(url: str, _engine: Engine) -> bool:
    accounts.ensure_first_director(_engine)
    return True


def current_identity(engine: Engine) -> Identity | None:
    """The signed-in identity, re-read from the database, or None (signed out, idle, revoked)."""
    found = _session()
    if found is None:
        return None
    username, session_hash = found
    now = clock()
    state = st.session_state[SESSION_KEY]
    last_seen = state.get("last_seen")
    if not isinstance(last_seen, float) or now - last_seen > IDLE_TIMEOUT_SECONDS:
        with engine.begin() as conn:  # for good: the cookie must not resume it either
            sessions.end(conn, session_hash, sessions.IDLE, _now())
        _end_session(_idle_notice())
        return None
    # The server-side session may have been ended elsewhere (sign-out in another tab, a
    # password change, the account disabled); `last_seen` is written once a minute at most.
    touched = state.get("touched")
    touch = not isinstance(touched, float) or now - touched >= sessions.TOUCH_EVERY.total_seconds()
    with engine.begin() as conn:
        account = accounts.find_account(conn, username)
        why = sessions.ended(conn, session_hash, _now(), _idle())
        if why is None and touch:
            sessions.touch(conn, session_hash, _now())
    if why is not None:
        _end_session(_ended_notice(why))
        return None
    if account is None or not account.active:
        with engine.begin() as conn:
            sessions.end(conn, session_hash, sessions.DISABLED, _now())
        _end_session("Your account is no longer active. Ask the director.")
        return None
    identity = identity_of(account)
    try:
        identity.scope  # noqa: B018 - a role without its org unit / staff id is refused here
    except UnknownUserError:
        _end_session("Your account has no usable scope. Ask the director.")
        return None
    state["last_seen"] = now
    if touch:
        state["touched"] = now
    return identity


def require_identity(engine: Engine) -> Identity:
    """The signed-in identity; otherwise renders the sign-in form and stops the script."""
    global _engine_for_signout
    _engine_for_signout = engine
    _first_start(engine.url.render_as_string(hide_password=True), engine)
    identity = current_identity(engine)
    if identity is None and SESSION_KEY not in st.session_state:
        _resume_from_cookie(engine)
        identity = current_identity(engine)
    if identity is None and SESSION_KEY not in st.session_state:
        _sso_signin(engine)
        identity = current_identity(engine)
    if identity is not None:
        found = _session()
        if found is not None:
            _offer_cookie(engine, found[1])
        return identity
    _remember_requested_page()
    # The only page while signed out. Declaring it also ends Streamlit's "pages directory" mode
    # for this process (see ui.state.context), so no list of page files shows in the sidebar.
    st.navigation(_sign_in_pages(), position="hidden")
    _signin_form(engine)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises; this keeps type checkers honest


def _sign_in_page() -> None:
    """Declared for the navigation only; the form is drawn by `_signin_form`."""


_URL_PATH = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _sign_in_pages() -> list[st.Page]:
    """The sign-in, also under the address asked for (a bookmark): the browser keeps that
    address, with no "page not found", and after the sign-in the same address is the real page
    (Streamlit names a page by the hash of its address)."""
    pages = [st.Page(_sign_in_page, title="Sign in", default=True)]
    wanted = st.session_state.get(RETURN_KEY)
    name = wanted[0] if isinstance(wanted, tuple) and wanted else ""
    if isinstance(name, str) and _URL_PATH.fullmatch(name):

        def held() -> None:
            """The sign-in, at the address of the page asked for."""

        pages.append(st.Page(held, title="Sign in", url_path=name))
    return pages


def _signin_form(engine: Engine) -> None:
    st.title("财富中心考核与督导 · Sign in")
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice)
    # A cookie the browser still holds for a session that is over is dropped (the endpoint
    # clears only a dead cookie, so this cannot sign anyone out).
    nonce = st.session_state.setdefault(_END_NONCE, secrets.token_hex(4))
    st.html(_pixel(f"{END_URL}?n={nonce}"))
    with st.form("signin", clear_on_submit=True):
        username = st.text_input(
            "Username", key="signin_username", max_chars=64, autocomplete="username"
        )
        password = st.text_input(
            "Password",
            type="password",
            key="signin_password",
            max_chars=accounts.MAX_PASSWORD_LENGTH,
            autocomplete="current-password",
        )
        submitted = st.form_submit_button("Sign in")
    if _sso_configured() and st.button("Sign in with single sign-on"):
        st.login()
    if not submitted:
        return
    result = accounts.sign_in(engine, username or "", password or "")
    if result.ok and result.account is not None:
        _start_session(engine, result.account.username)
        st.rerun()
    if result.delay:
        sleep(min(result.delay, MAX_UI_WAIT_SECONDS))
    st.error(result.message)


def sign_out_button(engine: Engine | None = None) -> None:
    """A sidebar button that ends the session (and the SSO session, if any)."""
    found = _session()
    if found is None:
        return
    username, session_hash = found
    if not st.sidebar.button(t("auth.sign_out"), key="_wealth_sign_out"):
        return
    target = engine or _engine_for_signout
    if target is not None:
        with target.begin() as conn:
            audit.record(conn, username, audit.SIGNOUT, username)
            sessions.end(conn, session_hash, sessions.SIGNOUT, _now())
    _end_session(t("auth.signed_out"))
    if _sso_email() is not None:
        st.logout()
    st.rerun()


def record_action(
    engine: Engine,
    identity: Identity,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Audit one action by the signed-in user in its own short transaction (exports, unmasking);
    work that writes to the database should call `data.audit.record` in its own transaction."""
    with engine.begin() as conn:
        audit.record(conn, identity.username, action, target, detail)
