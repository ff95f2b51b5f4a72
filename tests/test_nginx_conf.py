"""docs/nginx.conf (issue 14, item 8) says what it promises, read without nginx: it parses as
nginx's syntax, serves HTTPS only (plain HTTP redirected), tells the dashboard the scheme (so the
session cookie gets Secure), upgrades Streamlit's WebSocket, accepts the dashboard's own upload
limit, passes the dashboard's security headers on rather than setting its own, and makes no
request to another host. tests/test_e2e_proxy.py runs the file in nginx where it is installed."""

from __future__ import annotations

import tomllib

import pytest

from tests.nginx_support import CONF, Directive, parse
from tests.ui_support import ROOT
from ui.headers import security_headers

TREE = parse(CONF.read_text(encoding="utf-8"))


def http() -> Directive:
    (block,) = [d for d in TREE if d.name == "http"]
    return block


def servers() -> list[Directive]:
    """The `server` blocks (not the `server` lines of the upstream)."""
    return [d for d in http().block or [] if d.name == "server"]


def proxy_headers(location: Directive) -> dict[str, str]:
    return {name: value for name, value in location.values("proxy_set_header")}


def test_the_file_is_nginx_syntax() -> None:
    assert [d.name for d in TREE] == ["worker_processes", "events", "http"]
    # The reader refuses what nginx refuses, so the file passing it means something.
    for broken in ("http {", "http { }}", "listen 80", "server { listen 80 }", "; x;"):
        with pytest.raises(ValueError):
            parse(broken)


def test_https_only_with_a_redirect_from_plain_http() -> None:
    plain, tls = servers()
    assert plain.values("listen") == [["80"]]
    assert plain.one("return").args == ["301", "https://$host$request_uri"]
    assert not plain.all("location") and not plain.all("proxy_pass")  # nothing served in clear
    assert tls.values("listen") == [["443", "ssl"]]
    # The TLS placeholders, for the bank's certificate and key.
    assert tls.one("ssl_certificate").args == ["/etc/ssl/certs/wealth-dashboard.pem"]
    assert tls.one("ssl_certificate_key").args == ["/etc/ssl/private/wealth-dashboard.key"]
    assert tls.one("ssl_protocols").args == ["TLSv1.2", "TLSv1.3"]


def test_every_location_tells_the_dashboard_the_scheme_and_host() -> None:
    locations = http().all("location")
    assert [loc.args for loc in locations] == [["/"], ["/_stcore/stream"]]
    for location in locations:
        headers = proxy_headers(location)
        # ui/auth_cookie.py adds Secure to the session cookie when this says https.
        assert headers["X-Forwarded-Proto"] == "$scheme"
        # With its port: Streamlit checks a WebSocket's Origin against it.
        assert headers["Host"] == "$http_host"
        assert location.one("proxy_pass").args == ["http://wealth_dashboard"]
        assert location.one("proxy_http_version").args == ["1.1"]


def test_the_stream_is_upgraded_to_a_websocket() -> None:
    (stream,) = [loc for loc in http().all("location") if loc.args == ["/_stcore/stream"]]
    headers = proxy_headers(stream)
    assert headers["Upgrade"] == "$http_upgrade"
    assert headers["Connection"] == "$connection_upgrade"
    (upgrade,) = http().all("map")
    assert upgrade.args == ["$http_upgrade", "$connection_upgrade"]
    assert upgrade.values("default") == [["upgrade"]] and upgrade.values("") == [["close"]]
    # Other requests ask for no upgrade (a plain request keeps its upstream connection simple).
    (root,) = [loc for loc in http().all("location") if loc.args == ["/"]]
    assert proxy_headers(root)["Upgrade"] == "" and proxy_headers(root)["Connection"] == ""


def test_the_upload_limit_is_the_dashboards_own() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    megabytes = config["server"]["maxUploadSize"]
    (limit,) = http().all("client_max_body_size")
    assert limit.args == [f"{megabytes}m"]


def test_security_headers_come_from_the_dashboard_and_nothing_from_elsewhere() -> None:
    # The dashboard sets them on every response (ui/headers.py); nginx passes them on as they
    # are: it neither sets a second copy nor hides one.
    ours = {name.lower() for name in security_headers()}
    added = [d.args[0].lower() for d in http().all("add_header")]
    assert added == ["strict-transport-security"]
    hidden = {d.args[0].lower() for d in http().all("proxy_hide_header")}
    assert not hidden & ours
    assert http().one("server_tokens").args == ["off"]
    # No request of nginx's own to another host: the one upstream is on loopback, nothing
    # resolves names or fetches OCSP answers.
    (upstream,) = http().all("upstream")
    assert upstream.args == ["wealth_dashboard"]
    assert [s.args for s in upstream.all("server")] == [["127.0.0.1:8501"]]
    assert not http().all("resolver")
    (tls,) = [s for s in servers() if ["443", "ssl"] in s.values("listen")]
    assert tls.one("ssl_stapling").args == ["off"]
    assert {d.args[0] for d in http().all("proxy_pass")} == {"http://wealth_dashboard"}
