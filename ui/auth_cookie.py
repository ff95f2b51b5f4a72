"""The HTTP side of the session cookie: two small endpoints on the dashboard's own Starlette app.

The page talks to the server over a WebSocket, which cannot set a cookie, so right after sign-in
the page loads `_wealth/session/claim?t=<one-time token>` (an invisible image, ui/auth.py), and
the answer sets the cookie:

    wealth_session=<signed session id>; HttpOnly; SameSite=Strict; Path=/; Max-Age=<lifetime>
    (plus Secure when the page is served over HTTPS, directly or behind a proxy saying so)

The token is signed, expires after two minutes and is used up by its first use (data/sessions.py),
so a token seen twice sets nothing. A request another site made (the browser's Sec-Fetch-Site is
not same-origin) is refused outright: no other site can sign a browser in or out (login CSRF);
SameSite=Strict keeps the cookie off every request another site starts.

`_wealth/session/end` deletes the cookie when the session it names is over (signed out, timed
out, ended by a password change). It never ends a live session, so loading it from anywhere signs
nobody out; the sign-in form loads it so that a browser does not keep a dead cookie.

`install()` (called by `python -m ui.serve`) puts `SessionCookieRoutes` in Streamlit's middleware;
`ui.headers.install()` goes in front of it, so these answers carry the security headers too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from urllib.parse import parse_qs

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from data import sessions
from ui.headers import ASGIApp, Receive, Scope, Send

CLAIM_PATH = "/_wealth/session/claim"
END_PATH = "/_wealth/session/end"
# A transparent 1x1 GIF: the endpoints answer an <img>, which then shows nothing.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)


def _now() -> dt.datetime:
    return dt.datetime.now()


def _default_engine() -> Engine:
    # The dashboard's own engine (one per process: one DuckDB file holder, not two).
    from ui.state import get_engine

    return get_engine()


def _base_path() -> str:
    from streamlit import config

    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def is_https(request: Request) -> bool:
    """Served over HTTPS: directly, or behind a reverse proxy that says so (docs/nginx.conf).
    Trusting the proxy's header can only add the Secure flag, never remove it."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _pixel(status: int = 200) -> Response:
    return Response(
        PIXEL,
        status_code=status,
        media_type="image/gif",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


class SessionCookieRoutes:
    """ASGI middleware answering the two endpoints; every other request passes through."""

    def __init__(self, app: ASGIApp, engine: Callable[[], Engine] | None = None) -> None:
        self.app = app
        self.engine = engine or _default_engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        base = _base_path()
        path = scope.get("path", "")
        if path not in (base + CLAIM_PATH, base + END_PATH):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        response = await self.answer(request, claim=path == base + CLAIM_PATH)
        await response(scope, receive, send)

    async def answer(self, request: Request, *, claim: bool) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response("Method not allowed", status_code=405, media_type="text/plain")
        # Browsers say where a request comes from; only the dashboard's own pages may ask.
        if request.headers.get("sec-fetch-site", "same-origin") != "same-origin":
            return Response("Forbidden", status_code=403, media_type="text/plain")
        if claim:
            token = parse_qs(request.url.query).get("t", [""])[0]
            value = await run_in_threadpool(self._claim, token) if token else None
            if value is None:
                return _pixel(403)
            response = _pixel()
            response.set_cookie(
                sessions.COOKIE,
                value,
                max_age=int(sessions.LIFETIME.total_seconds()),
                path="/",
                secure=is_https(request),
                httponly=True,
                samesite="strict",
            )
            return response
        cookie = request.cookies.get(sessions.COOKIE)
        response = _pixel()
        dead = bool(cookie) and await run_in_threadpool(self._dead, cookie or "")
        if dead:
            response.delete_cookie(
                sessions.COOKIE,
                path="/",
                secure=is_https(request),
                httponly=True,
                samesite="strict",
            )
        return response

    def _claim(self, token: str) -> str | None:
        with self.engine().begin() as conn:
            return sessions.claim_cookie(conn, token, _now())

    def _dead(self, cookie: str) -> bool:
        with self.engine().begin() as conn:
            session_hash = sessions.session_of_cookie(conn, cookie)
            return (
                session_hash is None
                or sessions.ended(conn, session_hash, _now(), dt.timedelta(seconds=_idle_seconds()))
                is not None
            )


def _idle_seconds() -> float:
    from ui.auth import IDLE_TIMEOUT_SECONDS

    return IDLE_TIMEOUT_SECONDS


def install() -> None:
    """Put `SessionCookieRoutes` first in the middleware of every Streamlit app this process
    makes (call before `ui.headers.install`, which then goes in front of it)."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    global _installed
    if _installed:
        return
    original = starlette_app.create_streamlit_middleware

    def create_streamlit_middleware() -> list[Middleware]:
        return [Middleware(SessionCookieRoutes), *original()]

    starlette_app.create_streamlit_middleware = create_streamlit_middleware
    _installed = True


_installed = False
