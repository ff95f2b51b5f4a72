"""Imported names are text on every page: a Markdown link or image, a bare address or an HTML tag
in an org, staff or client name (or an account's display name) is shown as written, never turned
into a link, an image or markup (issue 14, item 6). Through app.py in AppTest, signed in through
the real form, as a director who may unmask (client names in clear), a head and a planner."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from data.engine import make_engine
from tests.ui_support import DIRECTOR, HEAD, PLANNER, copy_db, errors, signed_in
from ui.plain import plain

HOST = "http://127.0.0.2:9"


def payload(kind: str) -> str:
    """A name a careless CRM (or a hostile clerk) could export."""
    return (
        f"![{kind}]({HOST}/{kind}.png) [{kind}-link]({HOST}/{kind}) "
        f'=HYPERLINK("{HOST}/{kind}-h","x") <img src="{HOST}/{kind}-tag.png">'
    )


ORG, STAFF, CLIENT, ACCOUNT = (payload(k) for k in ("org", "staff", "client", "account"))

# Unescaped Markdown: a link or image `[..](`, an address a renderer would link by itself, a tag.
LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")
# Streamlit links an address in the text after parsing Markdown, escaped or not, unless a WORD
# JOINER follows its `:` (or its `www`).
BARE = re.compile(r"https?\\?:(?!\u2060)|www(?=\\?\.)", re.IGNORECASE)
TAG = re.compile(r"(?<!\\)<img")

PAGES = {
    DIRECTOR: [
        "overview", "scorecards", "planner", "supervision", "health", "metrics", "schemes",
        "snapshots", "data", "settings", "users", "audit",
    ],
    HEAD: ["overview", "scorecards", "planner", "supervision", "health", "schemes", "snapshots"],
    PLANNER: ["planner"],
}  # fmt: skip


def make_hostile_db(tiny_db_template: Path, folder: Path) -> str:
    """A copy of the tiny data set (the session's `tiny_db_template`) with every name replaced by
    a payload; its URL."""
    url = copy_db(tiny_db_template, folder)
    engine = make_engine(url)
    with engine.begin() as conn:
        # The id first keeps names distinct (pickers and drill-downs stay usable).
        conn.execute(text("UPDATE org_units SET name = org_id || ' ' || :p"), {"p": ORG})
        conn.execute(text("UPDATE staff SET name = staff_id || ' ' || :p"), {"p": STAFF})
        conn.execute(text("UPDATE clients SET name = client_id || ' ' || :p"), {"p": CLIENT})
        conn.execute(
            text("UPDATE users SET display_name = :p, may_unmask = (username = :d)"),
            {"p": ACCOUNT, "d": DIRECTOR},
        )
    engine.dispose()
    return url


@pytest.fixture(scope="module")
def hostile_db(tiny_db_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import streamlit as st

    url = make_hostile_db(tiny_db_template, tmp_path_factory.mktemp("hostile_names"))
    # app.py's engine is a process-wide cached resource, whatever WEALTH_DB_URL says: forgotten
    # before and after, so that this module reads its own database, whichever test ran before.
    st.cache_resource.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WEALTH_DB_URL", url)
        yield url
    st.cache_resource.clear()
    st.cache_data.clear()


def markdown_texts(at: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown: text elements, alerts, and the labels and
    tooltips of widgets, tabs, expanders and metrics."""
    texts: list[str] = []
    for kind in (
        "markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
        "success", "toast",
    ):  # fmt: skip
        texts += [str(e.value) for e in at.get(kind)]
    for kind in (
        "button", "checkbox", "color_picker", "date_input", "multiselect", "number_input",
        "radio", "select_slider", "selectbox", "slider", "text_area", "text_input",
        "time_input", "toggle", "tab", "expander", "metric", "download_button",
    ):  # fmt: skip
        for e in at.get(kind):
            texts += [str(getattr(e, a)) for a in ("label", "help") if getattr(e, a, None)]
    return texts


def leaks(texts: list[str]) -> list[str]:
    return [s for s in texts if LINK.search(s) or BARE.search(s) or TAG.search(s)]


def visit(username: str, page: str) -> AppTest:
    import streamlit as st

    st.cache_data.clear()
    at = signed_in(username, period_kind="quarter")
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return at


@pytest.mark.parametrize(
    ("username", "page"), [(u, p) for u, pages in PAGES.items() for p in pages]
)
def test_no_name_becomes_a_link_an_image_or_markup(
    hostile_db: str, username: str, page: str
) -> None:
    at = visit(username, page)
    assert not errors(at), errors(at)
    texts = markdown_texts(at)
    assert texts, "the page showed nothing to check"
    assert leaks(texts) == []


def test_the_names_are_on_the_page_shown_as_written(hostile_db: str) -> None:
    """The check above is not vacuous: the hostile names do reach Markdown places (the heading's
    caption, the sidebar), escaped, so they read exactly as imported."""
    at = visit(DIRECTOR, "overview")
    texts = markdown_texts(at)
    assert any(plain(ORG) in s for s in texts), texts
    assert any(plain(ACCOUNT) in s for s in texts), texts


def test_the_escape_is_exact() -> None:
    """What the escape does to a name, checked against Markdown's own rules by hand."""
    j = "\u2060"  # WORD JOINER
    assert plain("[a](http://x)") == r"\[a\]\(http\:" + j + r"\/\/x\)"
    assert plain("![x](h) :red[y] $z$") == r"\!\[x\]\(h\) \:" + j + r"red\[y\] \$z\$"
    assert plain("www.x.cn a@b.cn") == "www" + j + r"\.x\.cn a\@" + j + r"b\.cn"
    assert plain("王 <b>\nnext") == r"王 \<b\> next"
    assert plain(None) == "" and plain(12.5) == r"12\.5"
    assert leaks([plain(p) for p in (ORG, STAFF, CLIENT, ACCOUNT)]) == []
    assert len(leaks([ORG, STAFF, CLIENT, ACCOUNT])) == 4
