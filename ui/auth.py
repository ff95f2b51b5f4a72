"""Sign-in for the dashboard: the form, the session, the idle timeout, sign-out, optional SSO.

`require_identity(engine)` is the only way a page learns who is looking. On every rerun it
re-reads the account from the database, so disabling an account or changing its role takes effect
at that user's next click; the scope comes from that row alone. The session holds nothing but a
username signed with a per-process secret: values typed into `st.session_state` by any other path
(a widget key, a forged entry) cannot name another user, and no query parameter is read at all.

Single sign-on: when `.streamlit/secrets.toml` has an `[auth]` section (see Streamlit's `st.login`
docs), the form also offers "Sign in with single sign-on"; the identity provider's email is mapped
to the one active account with that email. The provider only proves who someone is; their role
and scope still come from the account.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlalchemy import Engine

from data import accounts, audit
from metrics.core.access import UnknownUserError, scope_of
from metrics.core.scope import Scope
from ui.i18n import t

SESSION_KEY = "_wealth_session"
_NOTICE_KEY = "_wealth_signin_notice"
IDLE_TIMEOUT_SECONDS = float(os.environ.get("WEALTH_IDLE_MINUTES", "30")) * 60
# The wait after a failed sign-in is shown to the person at the form; longer waits are enforced
# by `authenticate` refusing early attempts, so this session need not block that long.
MAX_UI_WAIT_SECONDS = 5.0

# Injected so tests can drive the idle timeout and the failure delay without sleeping.
clock: Callable[[], float] = time.time
sleep: Callable[[float], None] = time.sleep

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


def _signature(username: str, issued: float) -> str:
    message = f"{username}\n{issued!r}".encode()
    return hmac.new(_session_secret(), message, hashlib.sha256).hexdigest()


def _start_session(username: str) -> None:
    issued = clock()
    st.session_state[SESSION_KEY] = {
        "username": username,
        "issued": issued,
        "sig": _signature(username, issued),
        "last_seen": issued,
    }


def _session_username() -> str | None:
    state = st.session_state.get(SESSION_KEY)
    if not isinstance(state, dict):
        return None
    username, issued, sig = state.get("username"), state.get("issued"), state.get("sig")
    if not isinstance(username, str) or not isinstance(issued, float) or not isinstance(sig, str):
        return None
    if not hmac.compare_digest(sig, _signature(username, issued)):
        return None
    return username


def _end_session(notice: str | None = None) -> None:
    st.session_state.pop(SESSION_KEY, None)
    if notice:
        st.session_state[_NOTICE_KEY] = notice


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
    _start_session(account.username)


# --- the entry points ------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _first_start(url: str, _engine: Engine) -> bool:
    accounts.ensure_first_director(_engine)
    return True


def current_identity(engine: Engine) -> Identity | None:
    """The signed-in identity, re-read from the database, or None (signed out, idle, revoked)."""
    username = _session_username()
    if username is None:
        return None
    now = clock()
    last_seen = st.session_state[SESSION_KEY].get("last_seen")
    if not isinstance(last_seen, float) or now - last_seen > IDLE_TIMEOUT_SECONDS:
        _end_session(
            f"You were signed out after {IDLE_TIMEOUT_SECONDS / 60:.0f} minutes without activity."
        )
        return None
    with engine.connect() as conn:
        account = accounts.find_account(conn, username)
    if account is None or not account.active:
        _end_session("Your account is no longer active. Ask the director.")
        return None
    identity = identity_of(account)
    try:
        identity.scope  # noqa: B018 - a role without its org unit / staff id is refused here
    except UnknownUserError:
        _end_session("Your account has no usable scope. Ask the director.")
        return None
    st.session_state[SESSION_KEY]["last_seen"] = now
    return identity


def require_identity(engine: Engine) -> Identity:
    """The signed-in identity; otherwise renders the sign-in form and stops the script."""
    global _engine_for_signout
    _engine_for_signout = engine
    _first_start(engine.url.render_as_string(hide_password=True), engine)
    identity = current_identity(engine)
    if identity is None and SESSION_KEY not in st.session_state:
        _sso_signin(engine)
        identity = current_identity(engine)
    if identity is not None:
        return identity
    # The only page while signed out. Declaring it also ends Streamlit's "pages directory" mode
    # for this process (see ui.state.context), so no list of page files shows in the sidebar.
    st.navigation([st.Page(_sign_in_page, title="Sign in", default=True)], position="hidden")
    _signin_form(engine)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises; this keeps type checkers honest


def _sign_in_page() -> None:
    """Declared for the navigation only; the form is drawn by `_signin_form`."""


def _signin_form(engine: Engine) -> None:
    st.title("财富中心考核与督导 · Sign in")
    notice = st.session_state.pop(_NOTICE_KEY, None)
    if notice:
        st.info(notice)
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
        _start_session(result.account.username)
        st.rerun()
    if result.delay:
        sleep(min(result.delay, MAX_UI_WAIT_SECONDS))
    st.error(result.message)


def sign_out_button(engine: Engine | None = None) -> None:
    """A sidebar button that ends the session (and the SSO session, if any)."""
    username = _session_username()
    if username is None:
        return
    if not st.sidebar.button(t("auth.sign_out"), key="_wealth_sign_out"):
        return
    target = engine or _engine_for_signout
    if target is not None:
        with target.begin() as conn:
            audit.record(conn, username, audit.SIGNOUT, username)
    _end_session(t("auth.signed_out"))
    if _sso_email() is not None:
        st.logout()
    st.rerun()


def require_role(identity: Identity, *roles: str) -> None:
    """Stops a page the identity's role may not open (pages call this before any query)."""
    if identity.role not in roles:
        st.error("This page is not available to your role.")
        st.stop()


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
