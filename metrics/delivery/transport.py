"""How a delivery leaves the server: by SMTP (`WEALTH_SMTP_URL`) or into a folder
(`WEALTH_DELIVERY_DIR`) for banks that share files instead of mailing them.

`WEALTH_SMTP_URL` is `smtp://[user:password@]host[:port][?starttls=1]` (port 25 by default) or
`smtps://…` (TLS from the start, port 465); `WEALTH_SMTP_FROM` is the sender address (default
`wealth-dashboard@localhost`). Only the standard library is used (`smtplib`, `email`)."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class TransportError(RuntimeError):
    """A delivery that could not be sent (retried at the next run)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    data: bytes


class Transport:
    channel = "none"

    def send(
        self, to_user: str, to_address: str | None, subject: str, body: str, files: list[Attachment]
    ) -> str:
        """Send; return a short note of where it went; raise TransportError on failure."""
        raise NotImplementedError


class Smtp(Transport):
    channel = "smtp"

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise TransportError(
                "WEALTH_SMTP_URL must be smtp://host[:port] or smtps://host[:port]"
            )
        self.tls = parts.scheme == "smtps"
        self.host = parts.hostname
        self.port = parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.sender = sender

    def send(
        self, to_user: str, to_address: str | None, subject: str, body: str, files: list[Attachment]
    ) -> str:
        if not to_address:
            raise TransportError(f"account {to_user} has no e-mail address")
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to_address
        message["Subject"] = subject
        message.set_content(body)
        for f in files:
            main, _, sub = f.media_type.partition("/")
            message.add_attachment(f.data, maintype=main, subtype=sub, filename=f.filename)
        try:
            if self.tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=30, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=30)
            with client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.user:
                    client.login(self.user, self.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise TransportError(f"SMTP {self.host}:{self.port}: {exc}") from None
        return f"mailed to {to_address}"


class Folder(Transport):
    channel = "folder"

    def __init__(self, root: str) -> None:
        self.root = Path(root)

    def send(
        self, to_user: str, to_address: str | None, subject: str, body: str, files: list[Attachment]
    ) -> str:
        # One folder per recipient; the user name is made safe as a folder name.
        folder = self.root / re.sub(r"[^A-Za-z0-9_.@-]", "_", to_user)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            stem = re.sub(r"[^A-Za-z0-9_.-]", "_", subject)[:80]
            (folder / f"{stem}.txt").write_text(body, encoding="utf-8")
            for f in files:
                (folder / f.filename).write_bytes(f.data)
        except OSError as exc:
            raise TransportError(f"cannot write to {folder}: {exc.strerror or exc}") from None
        return f"written to {folder}"


def from_environment() -> Transport:
    """The transport the environment names (SMTP first), else TransportError."""
    url = os.environ.get("WEALTH_SMTP_URL")
    if url:
        return Smtp(url, os.environ.get("WEALTH_SMTP_FROM", "wealth-dashboard@localhost"))
    folder = os.environ.get("WEALTH_DELIVERY_DIR")
    if folder:
        return Folder(folder)
    raise TransportError("set WEALTH_SMTP_URL or WEALTH_DELIVERY_DIR to deliver")
