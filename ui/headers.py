"""Security headers on every HTTP response of the dashboard.

Streamlit (1.67, served by Starlette/uvicorn) has no option for response headers, but builds its
middleware list in one function, `create_streamlit_middleware`; `install()` (called by
`python -m ui.serve` before the server starts) puts `SecurityHeaders` in front of it, so the page,
its scripts and styles, media, uploads, health checks and errors all carry them.

The Content-Security-Policy allows only this server: no CDN, web font or outside image (an
imported name that tried to load one would be blocked even if it were ever rendered), no framing
by another site, no plugins. Streamlit needs inline styles (its CSS-in-JS) and has one inline
script in index.html, allowed by its hash rather than by 'unsafe-inline'. A page served through a
reverse proxy keeps these headers (the proxy passes them on); see docs/nginx.conf.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@cache
def inline_script_hashes() -> tuple[str, ...]:
    """CSP source expressions for the inline scripts of Streamlit's index.html."""
    import streamlit

    index = Path(streamlit.__file__).parent / "static" / "index.html"
    scripts = _INLINE_SCRIPT.findall(index.read_text(encoding="utf-8"))
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    )


def content_security_policy() -> str:
    scripts = " ".join(("'self'", *inline_script_hashes()))
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            "media-src 'self' blob:",
            "connect-src 'self'",
            "worker-src 'self' blob:",
            "frame-src 'self'",
            "frame-ancestors 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        )
    )


def security_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(),
        # Streamlit frames its own components (same origin); no other site may frame it.
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        # Addresses of the dashboard (a planner's page, a snapshot id) never leave with a link.
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }


class SecurityHeaders:
    """ASGI middleware: adds the headers to every HTTP response (not to WebSocket frames)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in security_headers().items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        names = {name for name, _ in self.headers}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, with_headers)


def install() -> None:
    """Put `SecurityHeaders` first in the middleware of every Streamlit app this process makes."""
    from starlette.middleware import Middleware
    from streamlit.web.server.starlette import starlette_app

    original = starlette_app.create_streamlit_middleware
    if getattr(original, "_wealth_headers", False):
        return

    def create_streamlit_middleware() -> list[Middleware]:
        return [Middleware(SecurityHeaders), *original()]

    create_streamlit_middleware._wealth_headers = True  # type: ignore[attr-defined]
    starlette_app.create_streamlit_middleware = create_streamlit_middleware
