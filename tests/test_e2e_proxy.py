"""The dashboard behind nginx with docs/nginx.conf (issue 14, item 8), for real: the file as
shipped, with its ports, certificate (self-signed for 127.0.0.1) and upstream substituted,
in front of the shared server of the tiny demo data. Through the proxy the health endpoint
answers, every response carries the dashboard's security headers (and HSTS), plain HTTP is
redirected, and in Chromium a page renders over the proxied WebSocket, the session cookie is
Secure, and nothing is fetched from another host.

Skipped where Debian's nginx is not installed (./test.sh installs nginx-light); the file's
directives are checked without it by tests/test_nginx_conf.py."""

from __future__ import annotations

import http.client
import os
import ssl
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e_support import expect, new_page, open_page, settle, sign_in
from tests.nginx_support import NGINX, OPENSSL, running_nginx
from ui.headers import security_headers

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def proxy(tiny_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(https URL, http URL) of nginx in front of the tiny server."""
    for tool, package in ((NGINX, "nginx-light"), (OPENSSL, "openssl")):
        if not Path(tool).exists():
            reason = f"{tool} is not installed (apt-get install {package})"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"Debian's {reason}: the reverse-proxy test needs it in CI")
            pytest.skip(f"{reason}; docs/nginx.conf is only read by tests/test_nginx_conf.py")
    upstream = tiny_server.removeprefix("http://")
    with running_nginx(upstream, tmp_path_factory.mktemp("nginx")) as urls:
        yield urls


def self_signed() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_health_and_headers_through_the_proxy(proxy: tuple[str, str]) -> None:
    https, plain = proxy
    for path, body in (("/_stcore/health", b"ok"), ("/", b'<div id="root">')):
        with urllib.request.urlopen(https + path, context=self_signed(), timeout=30) as answer:
            assert answer.status == 200
            assert body in answer.read()
            headers = answer.headers
        for name, value in security_headers().items():
            assert headers.get_all(name) == [value], name  # passed on once, unchanged
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "nginx/" not in (headers["Server"] or "")
    # Plain HTTP serves nothing: a redirect to the same address over HTTPS.
    host, port = plain.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/scorecards?x=1")
    answer = connection.getresponse()
    assert answer.status == 301
    assert answer.getheader("Location") == "https://127.0.0.1/scorecards?x=1"
    connection.close()


def test_a_page_renders_over_the_proxied_websocket_with_a_secure_cookie(
    proxy: tuple[str, str], browser: Any
) -> None:
    https, _plain = proxy
    page = new_page(browser, ignore_https_errors=True)
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((https, "data:", "blob:")) else elsewhere.append(r.url),
    )
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(https)
    with page.expect_response(lambda r: "/_wealth/session/claim" in r.url) as claimed:
        sign_in(page)
    assert claimed.value.status == 200
    open_page(page, "Scorecards")
    settle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    # The page came over the proxy's WebSocket, and only over it.
    wss = https.replace("https://", "wss://", 1)
    assert sockets and all(url.startswith(wss + "/_stcore/stream") for url in sockets), sockets
    # The proxy said https, so the dashboard's session cookie is Secure.
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "wealth_session"]
    assert cookie["secure"] is True and cookie["httpOnly"] is True
    assert elsewhere == []
    page.context.close()
