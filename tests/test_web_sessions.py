"""The server side of the session cookie (data/sessions.py) and its HTTP endpoints
(ui/auth_cookie.py), on DuckDB and PostgreSQL: a claim token works once, a cookie resumes a live
session only, and sign-out, the idle time-out, a password change and a disabled account end it
for good, whatever cookie is replayed. The upgrade from the schema before sessions (0012) is run
on both backends."""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, inspect, select, text

from data import accounts, sessions
from data.db import alembic_config, upgrade
from data.engine import make_engine
from data.schema import ServerSecret, WebSession
from tests.conftest import IN_CI, PG_SERVER
from tests.golden_data import insert_golden
from ui.auth_cookie import CLAIM_PATH, END_PATH, PIXEL, SessionCookieRoutes

T0 = dt.datetime(2026, 12, 7, 9, 0, 0)
IDLE = dt.timedelta(minutes=30)
PASSWORD = "correct horse battery staple"


@pytest.fixture
def golden(engine: Engine) -> Engine:
    with engine.begin() as conn:
        insert_golden(conn)
        accounts.create_user(conn, "boss", "director", password=PASSWORD)
        accounts.create_user(conn, "other", "director", password=PASSWORD)
    return engine


def signed_in(engine: Engine, username: str = "boss", now: dt.datetime = T0) -> tuple[str, str]:
    """(session hash, cookie value): a sign-in whose browser claimed its cookie."""
    with engine.begin() as conn:
        opened = sessions.open_session(conn, username, now)
        cookie = sessions.claim_cookie(conn, opened.claim, now)
    assert cookie is not None
    return opened.session_hash, cookie


def resume(engine: Engine, cookie: str, now: dt.datetime) -> Any:
    with engine.begin() as conn:
        return sessions.resume(conn, cookie, now, IDLE)


def test_a_claim_token_sets_the_cookie_once(golden: Engine) -> None:
    with golden.begin() as conn:
        opened = sessions.open_session(conn, "boss", T0)
        assert sessions.claim_pending(conn, opened.session_hash)
        first = sessions.claim_cookie(conn, opened.claim, T0)
        again = sessions.claim_cookie(conn, opened.claim, T0)
        assert not sessions.claim_pending(conn, opened.session_hash)
    assert first is not None and again is None
    # The cookie names the session; the database holds only the id's hash, never the cookie.
    with golden.connect() as conn:
        stored = conn.execute(select(WebSession.session_hash, WebSession.username)).all()
        assert [tuple(r) for r in stored] == [(opened.session_hash, "boss")]
        assert first not in {v for row in stored for v in row}
    assert resume(golden, first, T0 + dt.timedelta(minutes=1)) == sessions.Resumed(
        "boss", opened.session_hash
    )


def test_a_late_tampered_or_foreign_claim_sets_nothing(golden: Engine) -> None:
    with golden.begin() as conn:
        late = sessions.open_session(conn, "boss", T0)
        assert sessions.claim_cookie(conn, late.claim, T0 + sessions.CLAIM_WINDOW * 2) is None
        opened = sessions.open_session(conn, "boss", T0)
        assert sessions.claim_cookie(conn, opened.claim[:-2] + "xx", T0) is None
        assert sessions.claim_cookie(conn, "not-a-token", T0) is None
        # A cookie of this server is not a claim token (another salt).
        _, cookie = signed_in(golden)
        assert sessions.claim_cookie(conn, cookie, T0) is None


def test_forged_and_foreign_cookies_resume_nothing(golden: Engine) -> None:
    _, cookie = signed_in(golden)
    assert resume(golden, cookie[:-3] + "abc", T0) is None
    assert resume(golden, "boss", T0) is None
    # Signed with another key: a cookie of another installation.
    from itsdangerous import URLSafeTimedSerializer

    foreign = URLSafeTimedSerializer("k" * 64, salt="wealth-session-cookie").dumps("x" * 43)
    assert resume(golden, foreign, T0) is None


def test_the_signing_key_is_made_once_and_kept(golden: Engine) -> None:
    with golden.begin() as conn:
        first = sessions.signing_key(conn)
    with golden.begin() as conn:
        assert sessions.signing_key(conn) == first
        assert len(first) == 64
        assert conn.execute(select(ServerSecret.name)).scalars().all() == [sessions.KEY_NAME]


def test_sign_out_ends_the_session_and_the_cookie_replayed_is_refused(golden: Engine) -> None:
    session_hash, cookie = signed_in(golden)
    assert isinstance(resume(golden, cookie, T0 + dt.timedelta(minutes=5)), sessions.Resumed)
    with golden.begin() as conn:
        sessions.end(conn, session_hash, sessions.SIGNOUT, T0 + dt.timedelta(minutes=6))
    assert resume(golden, cookie, T0 + dt.timedelta(minutes=7)) == sessions.SIGNOUT


def test_idle_time_out_is_for_good(golden: Engine) -> None:
    session_hash, cookie = signed_in(golden)
    # Activity keeps it: each resume (and each touch of a live session) moves last_seen.
    assert isinstance(resume(golden, cookie, T0 + dt.timedelta(minutes=25)), sessions.Resumed)
    with golden.begin() as conn:
        sessions.touch(conn, session_hash, T0 + dt.timedelta(minutes=50))
    assert isinstance(resume(golden, cookie, T0 + dt.timedelta(minutes=75)), sessions.Resumed)
    # 31 minutes without activity: over, and still over when replayed a minute later.
    assert resume(golden, cookie, T0 + dt.timedelta(minutes=106)) == sessions.IDLE
    assert resume(golden, cookie, T0 + dt.timedelta(minutes=107)) == sessions.IDLE
    with golden.begin() as conn:  # a touch does not revive an ended session
        sessions.touch(conn, session_hash, T0 + dt.timedelta(minutes=108))
    assert resume(golden, cookie, T0 + dt.timedelta(minutes=108)) == sessions.IDLE


def test_a_session_expires_after_its_lifetime_however_active(golden: Engine) -> None:
    session_hash, cookie = signed_in(golden)
    step = dt.timedelta(minutes=20)
    now = T0
    while now + step < T0 + sessions.LIFETIME:
        now += step
        with golden.begin() as conn:
            sessions.touch(conn, session_hash, now)
    assert resume(golden, cookie, T0 + sessions.LIFETIME) == sessions.EXPIRED


def test_password_change_and_disabled_account_end_every_session(golden: Engine) -> None:
    first_hash, first = signed_in(golden)
    _, second = signed_in(golden)
    _, others = signed_in(golden, "other")
    with golden.begin() as conn:
        accounts.set_password(conn, "boss", "a new long password", by="other")
    assert resume(golden, first, T0) == sessions.PASSWORD
    assert resume(golden, second, T0) == sessions.PASSWORD
    assert isinstance(resume(golden, others, T0), sessions.Resumed)  # not another user's
    with golden.connect() as conn:
        assert not sessions.claim_pending(conn, first_hash)

    _, fresh = signed_in(golden)
    with golden.begin() as conn:
        accounts.set_active(conn, "boss", False, by="other")
    assert resume(golden, fresh, T0) == sessions.DISABLED
    with golden.begin() as conn:  # enabled again: a new sign-in is needed, no old cookie works
        accounts.set_active(conn, "boss", True, by="other")
    assert resume(golden, fresh, T0) == sessions.DISABLED


# --- the HTTP endpoints ------------------------------------------------------------------------


def call(
    engine: Engine, path: str, *, cookie: str | None = None, **headers: str
) -> tuple[int, dict[str, list[str]], bytes]:
    """One request through the middleware (an ASGI call, no server): status, headers, body.
    A path not of the middleware reaches the app behind it, which answers 418."""
    target, _, query = path.partition("?")
    raw = [(k.replace("_", "-").lower().encode(), v.encode()) for k, v in headers.items()]
    if cookie is not None:
        raw.append((b"cookie", f"{sessions.COOKIE}={cookie}".encode()))
    scope = {
        "type": "http",
        "method": "GET",
        "path": target,
        "query_string": query.encode(),
        "headers": raw,
        "scheme": "http",
        "server": ("127.0.0.1", 8501),
        "root_path": "",
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    async def behind(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b"app"})

    app = SessionCookieRoutes(behind, engine=lambda: engine)
    # In a thread of its own: a browser test's sync Playwright may hold this thread's event loop
    # (the session's shared Chromium, on the same xdist worker), where asyncio.run refuses.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    out: dict[str, list[str]] = {}
    for name, value in sent[0].get("headers", []):
        out.setdefault(name.decode().lower(), []).append(value.decode())
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return sent[0]["status"], out, body


def set_cookie(headers: dict[str, list[str]]) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for line in headers.get("set-cookie", []):
        jar.load(line)
    return jar


def test_the_claim_endpoint_sets_an_http_only_strict_cookie_once(golden: Engine) -> None:
    with golden.begin() as conn:
        opened = sessions.open_session(conn, "boss", dt.datetime.now())
    url = f"{CLAIM_PATH}?t={opened.claim}"
    status, headers, body = call(golden, url, sec_fetch_site="same-origin")
    assert (status, body) == (200, PIXEL)
    morsel = set_cookie(headers)[sessions.COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "strict"
    assert morsel["path"] == "/"
    assert int(morsel["max-age"]) == int(sessions.LIFETIME.total_seconds())
    assert not morsel["secure"]  # plain HTTP here; see the next test for HTTPS
    assert headers["cache-control"] == ["no-store"]
    with golden.begin() as conn:
        assert sessions.resume(conn, morsel.value, dt.datetime.now(), IDLE) == sessions.Resumed(
            "boss", opened.session_hash
        )
    # The same token again: nothing set.
    status, headers, _ = call(golden, url, sec_fetch_site="same-origin")
    assert status == 403 and "set-cookie" not in headers


def test_the_cookie_is_secure_behind_https_and_other_sites_are_refused(golden: Engine) -> None:
    with golden.begin() as conn:
        opened = sessions.open_session(conn, "boss", dt.datetime.now())
    url = f"{CLAIM_PATH}?t={opened.claim}"
    # Another site's page loading the endpoint (login CSRF): refused, token not used up.
    status, headers, _ = call(golden, url, sec_fetch_site="cross-site")
    assert status == 403 and "set-cookie" not in headers
    status, headers, _ = call(golden, url, sec_fetch_site="same-site")
    assert status == 403 and "set-cookie" not in headers
    status, headers, _ = call(golden, url, x_forwarded_proto="https")
    assert status == 200
    assert set_cookie(headers)[sessions.COOKIE]["secure"] is True


def test_the_end_endpoint_clears_only_a_dead_cookie(golden: Engine) -> None:
    now = dt.datetime.now()
    with golden.begin() as conn:
        opened = sessions.open_session(conn, "boss", now)
        cookie = sessions.claim_cookie(conn, opened.claim, now)
    assert cookie is not None
    status, headers, _ = call(golden, END_PATH, cookie=cookie)
    assert status == 200 and "set-cookie" not in headers  # live: kept, nobody signed out
    with golden.begin() as conn:
        assert sessions.ended(conn, opened.session_hash, now, IDLE) is None
        sessions.end(conn, opened.session_hash, sessions.SIGNOUT, now)
    status, headers, _ = call(golden, END_PATH, cookie=cookie)
    morsel = set_cookie(headers)[sessions.COOKIE]
    assert status == 200 and morsel.value == "" and int(morsel["max-age"]) == 0
    status, headers, _ = call(golden, END_PATH, cookie="forged")
    assert set_cookie(headers)[sessions.COOKIE]["max-age"] == "0"


def test_other_paths_pass_through(golden: Engine) -> None:
    status, _, body = call(golden, "/_stcore/health")
    assert (status, body) == (418, b"app")
    status, _, body = call(golden, CLAIM_PATH + "/more")
    assert (status, body) == (418, b"app")


# --- the migration -----------------------------------------------------------------------------


def _from_0012(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0012")  # the schema before this change
    assert "web_sessions" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, role, active, may_unmask, created_at) "
                "VALUES ('boss', 'director', TRUE, FALSE, :at)"
            ),
            {"at": T0},
        )
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"web_sessions", "server_secrets"} <= tables
    with engine.begin() as conn:
        assert conn.execute(text("SELECT username FROM users")).scalar() == "boss"
        opened = sessions.open_session(conn, "boss", T0)
        assert sessions.claim_cookie(conn, opened.claim, T0) is not None


def test_upgrade_from_0012_on_duckdb(tmp_path: Path) -> None:
    engine = make_engine(f"duckdb:///{tmp_path / 'old.duckdb'}")
    try:
        _from_0012(engine)
    finally:
        engine.dispose()


def test_upgrade_from_0012_on_postgresql() -> None:
    name = f"wealth_sessions_{uuid4().hex[:10]}"
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - as tests/conftest.py: no server, no PostgreSQL test
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_SERVER} is required in CI and unreachable: {exc}")
        pytest.skip(f"PostgreSQL at {PG_SERVER} unreachable: {exc}")
    engine = make_engine(f"{PG_SERVER}/{name}")
    try:
        _from_0012(engine)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
