"""Signed-in browser sessions kept by the server: what the HTTP-only session cookie stands for.

A sign-in opens a row of `web_sessions`; the browser then fetches its cookie once, with a
one-time claim token (ui/auth_cookie.py), and a reload or a bookmark presents that cookie to
`resume`. The cookie holds the session id signed with itsdangerous (HMAC-SHA256 with the key
kept in `server_secrets`, and a timestamp): a cookie not made by this server, or older than
`LIFETIME`, is refused before the database is asked. The row holds only the id's SHA-256.

Ending is for good: `end` (sign-out, idle time-out) and `end_all` (password change, account
disabled) stamp `ended_at`, and `resume` refuses an ended, expired or idle row whatever cookie is
replayed. No Streamlit here: the dashboard, the cookie endpoint and the command line share it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.postgresql import insert as upsert
from sqlalchemy.exc import DBAPIError

from data.tables import server_secrets, web_sessions

COOKIE = "wealth_session"
KEY_NAME = "session_signing_key"
# The longest a session lives, however active (a working day); the idle time-out ends it sooner.
LIFETIME = dt.timedelta(hours=float(os.environ.get("WEALTH_SESSION_HOURS", "12")))
# How long the browser has, after sign-in, to fetch its cookie with the one-time token.
CLAIM_WINDOW = dt.timedelta(minutes=2)
# `last_seen` is written at most this often (not at every click); the idle time-out measured
# from the database may therefore be up to this much early for a session resumed from a cookie.
TOUCH_EVERY = dt.timedelta(minutes=1)

_COOKIE_SALT = "wealth-session-cookie"
_CLAIM_SALT = "wealth-session-claim"

# Why a session ended (web_sessions.ended_why), also shown to the person signed out.
SIGNOUT, IDLE, PASSWORD, DISABLED, EXPIRED = "signout", "idle", "password", "disabled", "expired"


@dataclass(frozen=True)
class Opened:
    session_hash: str
    claim: str  # the one-time token (signed) the browser exchanges for its cookie


@dataclass(frozen=True)
class Resumed:
    username: str
    session_hash: str


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _read_key(conn: Connection) -> str | None:
    found = conn.execute(
        select(server_secrets.c.value).where(server_secrets.c.name == KEY_NAME)
    ).scalar()
    return str(found) if found else None


def signing_key(conn: Connection) -> str:
    """The key, generated on first use in a transaction of its own (committed at once, so a
    sign-in's longer transaction never holds a key another process cannot see); two processes
    racing both end up with the one that was committed first."""
    found = _read_key(conn)
    if found:
        return found
    for attempt in range(2):
        try:
            with conn.engine.begin() as own:
                own.execute(
                    upsert(server_secrets)
                    .values(
                        name=KEY_NAME, value=secrets.token_hex(32), created_at=dt.datetime.now()
                    )
                    .on_conflict_do_nothing()
                )
                made = _read_key(own)
        except DBAPIError:
            if attempt:
                raise
            continue  # DuckDB: another writer committed the key first; read theirs
        if made:
            return made
    raise RuntimeError("the session signing key could not be stored")


def _serializer(key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(key, salt=salt, signer_kwargs={"digest_method": hashlib.sha256})


def open_session(conn: Connection, username: str, now: dt.datetime) -> Opened:
    """A new session for `username` and the one-time token its browser claims the cookie with."""
    session_id = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(16)
    conn.execute(
        insert(web_sessions).values(
            session_hash=_sha(session_id),
            username=username,
            created_at=now,
            last_seen=now,
            expires_at=now + LIFETIME,
            claim_hash=_sha(nonce),
            claim_until=now + CLAIM_WINDOW,
            ended_at=None,
            ended_why=None,
        )
    )
    claim = _serializer(signing_key(conn), _CLAIM_SALT).dumps([session_id, nonce])
    return Opened(_sha(session_id), claim)


def claim_cookie(conn: Connection, claim: str, now: dt.datetime) -> str | None:
    """The cookie's value for a valid, unused claim token (used up here); None otherwise."""
    key = signing_key(conn)
    try:
        session_id, nonce = _serializer(key, _CLAIM_SALT).loads(
            claim, max_age=int(CLAIM_WINDOW.total_seconds())
        )
    except (BadData, TypeError, ValueError):
        return None
    if not isinstance(session_id, str) or not isinstance(nonce, str):
        return None
    row = conn.execute(
        select(web_sessions.c.claim_hash, web_sessions.c.claim_until).where(
            web_sessions.c.session_hash == _sha(session_id), web_sessions.c.ended_at.is_(None)
        )
    ).first()
    if row is None or row.claim_hash is None or row.claim_until is None:
        return None
    if not hmac.compare_digest(row.claim_hash, _sha(nonce)) or now > row.claim_until:
        return None
    # Used up in the same statement that checks it is still unused: a parallel replay of the
    # same token updates no row.
    used = conn.execute(
        update(web_sessions)
        .where(
            web_sessions.c.session_hash == _sha(session_id),
            web_sessions.c.claim_hash == _sha(nonce),
        )
        .values(claim_hash=None, claim_until=None)
        .returning(web_sessions.c.session_hash)  # DuckDB reports no row count
    ).first()
    if used is None:
        return None
    return _serializer(key, _COOKIE_SALT).dumps(session_id)


def session_of_cookie(conn: Connection, cookie: str) -> str | None:
    """The session hash a cookie names, if this server signed it within `LIFETIME`."""
    try:
        session_id = _serializer(signing_key(conn), _COOKIE_SALT).loads(
            cookie, max_age=int(LIFETIME.total_seconds())
        )
    except (BadData, TypeError, ValueError):
        return None
    return _sha(session_id) if isinstance(session_id, str) else None


def ended(conn: Connection, session_hash: str, now: dt.datetime, idle: dt.timedelta) -> str | None:
    """Why the session is over (ended before, expired, idle too long), or None if it is live.
    An expired or idle session is ended here, so that it stays over."""
    row = conn.execute(
        select(web_sessions.c.ended_why, web_sessions.c.expires_at, web_sessions.c.last_seen).where(
            web_sessions.c.session_hash == session_hash
        )
    ).first()
    if row is None:
        return SIGNOUT
    if row.ended_why is not None:
        return str(row.ended_why)
    why = EXPIRED if now >= row.expires_at else IDLE if now - row.last_seen > idle else None
    if why is not None:
        end(conn, session_hash, why, now)
    return why


def resume(
    conn: Connection, cookie: str, now: dt.datetime, idle: dt.timedelta
) -> Resumed | str | None:
    """The live session a cookie names; else why it is over (a string), or None when the cookie
    is not one of ours at all."""
    session_hash = session_of_cookie(conn, cookie)
    if session_hash is None:
        return None
    why = ended(conn, session_hash, now, idle)
    if why is not None:
        return why
    username = conn.execute(
        select(web_sessions.c.username).where(web_sessions.c.session_hash == session_hash)
    ).scalar_one()
    touch(conn, session_hash, now)
    return Resumed(str(username), session_hash)


def touch(conn: Connection, session_hash: str, now: dt.datetime) -> None:
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.session_hash == session_hash, web_sessions.c.ended_at.is_(None))
        .values(last_seen=now)
    )


def end(conn: Connection, session_hash: str, why: str, now: dt.datetime) -> None:
    conn.execute(
        update(web_sessions)
        .where(web_sessions.c.session_hash == session_hash, web_sessions.c.ended_at.is_(None))
        .values(ended_at=now, ended_why=why, claim_hash=None, claim_until=None)
    )


def end_all(conn: Connection, username: str, why: str, now: dt.datetime | None = None) -> int:
    """End every live session of `username` (password changed, account disabled)."""
    done = conn.execute(
        update(web_sessions)
        .where(web_sessions.c.username == username, web_sessions.c.ended_at.is_(None))
        .values(ended_at=now or dt.datetime.now(), ended_why=why, claim_hash=None, claim_until=None)
        .returning(web_sessions.c.session_hash)
    ).all()
    return len(done)


def claim_pending(conn: Connection, session_hash: str) -> bool:
    """Whether the session's browser has yet to fetch its cookie."""
    return (
        conn.execute(
            select(web_sessions.c.claim_hash).where(
                web_sessions.c.session_hash == session_hash, web_sessions.c.ended_at.is_(None)
            )
        ).scalar()
        is not None
    )
