"""docs/nginx.conf for the tests: a small reader of nginx's syntax (directives, arguments and
blocks; enough to check what the file says without nginx) and, where Debian's nginx is
installed, the file itself run in front of a dashboard with its ports, certificate and upstream
substituted (tests/test_e2e_proxy.py)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.ui_support import ROOT

CONF = ROOT / "docs" / "nginx.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
OPENSSL = shutil.which("openssl") or "/usr/bin/openssl"

_TOKEN = re.compile(
    r"""\s*(?:(#[^\n]*)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([{};])|([^\s{};"'#]+))"""
)


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None  # None: a simple directive (ended by ";")
    line: int = 0

    def all(self, name: str) -> list[Directive]:
        """Every directive called `name` in this block, at any depth."""
        return find(self.block or [], name)

    def one(self, name: str) -> Directive:
        """The directive `name` directly in this block (exactly one)."""
        found = [d for d in self.block or [] if d.name == name]
        assert len(found) == 1, f"{self.name} {self.args}: {len(found)} {name!r} directives"
        return found[0]

    def values(self, name: str) -> list[list[str]]:
        return [d.args for d in self.block or [] if d.name == name]


def parse(text: str) -> list[Directive]:
    """nginx's configuration syntax: `name arg ...;` and `name arg ... { ... }`, `#` comments,
    quoted arguments. Raises ValueError on an unbalanced brace or a directive without its `;`."""
    stack: list[tuple[Directive | None, list[Directive]]] = [(None, [])]
    words: list[str] = []
    line_of_words = 0
    position = 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            if text[position:].strip():
                raise ValueError(f"cannot read near line {text.count(chr(10), 0, position) + 1}")
            break
        position = found.end()
        comment, quoted, punct, word = found.groups()
        line = text.count("\n", 0, found.start(found.lastindex or 0)) + 1
        if comment is not None:
            continue
        if quoted is not None or word is not None:
            if not words:
                line_of_words = line
            words.append(quoted[1:-1] if quoted is not None else word)
            continue
        if punct == ";":
            if not words:
                raise ValueError(f"line {line}: an empty directive")
            stack[-1][1].append(Directive(words[0], words[1:], None, line_of_words))
        elif punct == "{":
            if not words:
                raise ValueError(f"line {line}: a block without a name")
            block = Directive(words[0], words[1:], [], line_of_words)
            stack[-1][1].append(block)
            stack.append((block, block.block))  # type: ignore[arg-type]
        else:  # "}"
            if words:
                raise ValueError(f"line {line}: {' '.join(words)!r} is missing its ';'")
            if len(stack) == 1:
                raise ValueError(f"line {line}: a '}}' without its block")
            stack.pop()
        words = []
    if words:
        raise ValueError(f"{' '.join(words)!r} at the end is missing its ';'")
    if len(stack) != 1:
        raise ValueError(f"the block {stack[-1][0].name!r} is never closed")  # type: ignore[union-attr]
    return stack[0][1]


def find(items: list[Directive], name: str) -> list[Directive]:
    out: list[Directive] = []
    for item in items:
        if item.name == name:
            out.append(item)
        if item.block is not None:
            out += find(item.block, name)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def proxied_variant(upstream: str, http_port: int, https_port: int, folder: Path) -> str:
    """docs/nginx.conf as the test runs it: listening on loopback ports, in front of `upstream`
    (host:port), with a self-signed certificate for 127.0.0.1, its logs and temporary files in
    `folder`. Everything else is the file as shipped."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    text = CONF.read_text(encoding="utf-8")
    replaced = {
        "server 127.0.0.1:8501;": f"server {upstream};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "ssl_certificate /etc/ssl/certs/wealth-dashboard.pem;": f"ssl_certificate {cert};",
        "ssl_certificate_key /etc/ssl/private/wealth-dashboard.key;": (
            f"ssl_certificate_key {key};"
        ),
    }
    for old, new in replaced.items():
        assert text.count(old) == 1, f"docs/nginx.conf no longer says {old!r} once"
        text = text.replace(old, new)
    # The test's own logs and temporary files (the packaged paths are under /var).
    local = "".join(
        f"    {name} {folder / name.split('_')[0]};\n"
        for name in ("client_body_temp_path", "proxy_temp_path", "fastcgi_temp_path")
        + ("uwsgi_temp_path", "scgi_temp_path")
    )
    return text.replace("http {\n", f"http {{\n    access_log {folder / 'access.log'};\n{local}", 1)


@contextmanager
def running_nginx(upstream: str, folder: Path) -> Iterator[tuple[str, str]]:
    """nginx on the test variant of docs/nginx.conf: (https base URL, http base URL)."""
    http_port, https_port = free_port(), free_port()
    conf = folder / "nginx.conf"
    conf.write_text(proxied_variant(upstream, http_port, https_port, folder), encoding="utf-8")
    error_log = folder / "error.log"
    globals_ = f"daemon off; pid {folder / 'nginx.pid'};"
    if os.geteuid() == 0:
        # As root nginx would run its workers as "nobody", who may not enter pytest's folders.
        globals_ += " user root;"
    command = [NGINX, "-p", str(folder), "-c", str(conf), "-e", str(error_log), "-g", globals_]
    check = subprocess.run([*command, "-t"], capture_output=True, text=True)  # noqa: S603
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    try:
        deadline = time.monotonic() + 20
        while True:
            # Waiting for nginx to listen: the server, not the test, is waited on.
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {error_log.read_text()}") from None
                time.sleep(0.05)
        yield f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
