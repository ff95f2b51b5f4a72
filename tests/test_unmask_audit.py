"""Viewing client personal data in clear is audited (who, which list on which page, which scope,
how many clients); a masked view is not, and a rerun of the same view is recorded once."""

from __future__ import annotations

import json

from sqlalchemy import select

from data import accounts
from data.engine import make_engine
from data.schema import AuditEvent
from tests.ui_support import PASSWORD, errors, goto, signed_in


def client_book(at: object) -> object:
    """The planner page's client book (plain tables carry no key in AppTest)."""
    found = [d.value for d in at.dataframe if "client_name" in d.value.columns]  # type: ignore[attr-defined]
    assert len(found) == 1
    return found[0]


def unmask_events(url: str) -> list[tuple[str, str, dict]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(AuditEvent.username, AuditEvent.target, AuditEvent.detail).where(
                AuditEvent.action == "unmask"
            )
        ).all()
    engine.dispose()
    return [(u, t, json.loads(d)) for u, t, d in rows]


def test_clear_personal_data_is_audited_once_per_view(app_db: str) -> None:
    engine = make_engine(app_db)
    with engine.begin() as conn:
        accounts.create_user(
            conn, "auditor", "director", password=PASSWORD, display_name="审计", may_unmask=True
        )
    engine.dispose()
    at = goto(signed_in("auditor"), "planner")
    assert not errors(at)
    book = client_book(at)
    assert not book["client_name"].str.contains(r"\*").any()  # in clear
    events = unmask_events(app_db)
    assert len(events) == 1
    user, target, detail = events[0]
    assert (user, target) == ("auditor", "client_book")
    assert detail["clients"] == len(book) and detail["page"] == "planner"
    assert detail["scope"].startswith("orgs=")
    at.run()  # the same view again: nothing new
    assert len(unmask_events(app_db)) == 1


def test_masked_views_are_not_audited(app_db: str) -> None:
    at = goto(signed_in(), "planner")  # the tiny database's director may not unmask
    assert not errors(at)
    book = client_book(at)
    assert book["client_name"].str.contains(r"\*").all()
    assert unmask_events(app_db) == []
