"""Every page of every role in Chinese, as each role meets it: no label, header, option, message or
enum value left in English (issue 13, item 11).

Beyond what a page shows on opening, the test does what a reader does: opens every drill-through
of the Planner page, imports a file with a bad row on the Data page, starts a scheme without a
name, and opens a snapshot and its comparison. Names, ids and free text typed by people are data,
not labels: the columns holding them are left out by their (Chinese) header."""

from __future__ import annotations

import io
import re

import openpyxl
import pypdf
import pytest

from data.engine import make_engine
from metrics.core.access import scope_for_username
from metrics.core.catalogue import CATALOGUE
from metrics.exports.formats import export_snapshot
from tests.screen_text import english_words, texts
from tests.test_page_data import BAD_STAFF
from tests.test_page_smoke import PAGES
from tests.test_page_snapshots import take
from tests.ui_support import DIRECTOR, HEAD, PLANNER, errors, goto, signed_in

# Headers of columns whose cells are data a person typed or a system named (not translatable):
# names, user names, ids, file and course names, the importer's verbatim reasons, JSON details.
DATA_HEADERS = {
    "姓名", "用户名", "对象", "内容", "标题", "创建人", "课程", "诉求摘要", "显示名", "邮箱",
    "原因（导入程序原文）", "原始值", "列", "数据表", "文件", "客户", "代理人", "被代理人",
}  # fmt: skip
# The accounts of the test database show their user names where they have no display name.
USERNAMES = {DIRECTOR, HEAD, PLANNER}


def english_on(at, where: str) -> list[str]:  # noqa: ANN001 - AppTest
    assert not errors(at) or where.startswith(("schemes", "settings")), (where, errors(at))
    found = []
    for kind, text in texts(at, skip_headers=DATA_HEADERS):
        words = [w for w in english_words(text) if w not in USERNAMES]
        if words:
            found.append(f"{where} · {kind} · {text[:100]!r} · {words}")
    return found


def visit(at, page: str) -> list[str]:  # noqa: ANN001 - AppTest
    found = english_on(goto(at, page), page)
    if page == "planner":
        names = {m.name_zh: m.id for m in CATALOGUE}
        for option in at.selectbox(key="planner_drill_metric").options:
            at.selectbox(key="planner_drill_metric").set_value(names[option]).run()
            found += english_on(at, f"planner drill {names[option]}")
    elif page == "data":
        at.file_uploader(key="data_upload").set_value(("staff.csv", BAD_STAFF, "text/csv")).run()
        at.button(key="data_import").click().run()
        found += english_on(at, "data after an import")
    elif page == "settings":
        at.text_input(key="setting_tier.platinum").input("-5")
        at.button(key="settings_save").click().run()
        # As read: the message is Markdown source with the data's punctuation escaped.
        shown = [re.sub(r"\\(.)", r"\1", e.value) for e in at.error]
        assert shown == ["白金客户门槛（元）：不能为负数，而不是 -5"]
        found += english_on(at, "settings refused")
    elif page == "snapshots" and at.button:
        at.button[0].click().run()  # compare with today
        found += english_on(at, "snapshots compared")
    return found


@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_every_page_in_chinese(app_db: str, user: str) -> None:
    take(app_db)
    at = signed_in(user, lang="zh", period_kind="quarter")
    if user == DIRECTOR:
        at.session_state["planner_id"] = "029504"  # a planner with rows behind every drill
    found: list[str] = []
    for page in PAGES[user]:
        found += visit(at, page)
    assert not found, "\n".join(found)


def test_scheme_messages_in_chinese(app_db: str) -> None:
    """A scheme typed without a name and with weights that do not add up: the editor's checks."""
    at = goto(signed_in(HEAD, lang="zh", period_kind="quarter"), "schemes")
    at.text_input[0].input("").run()
    warnings = [w.value for w in at.warning]
    assert "方案需要名称" in warnings, warnings
    assert english_on(at, "schemes with no name") == []


# --- the meeting packs --------------------------------------------------------------------------

HEX = re.compile(r"\b[0-9a-f]{8}-[0-9a-f-]{27}\b|\b[0-9a-f]{64}\b")  # snapshot ids and checksums


def english_only(text: str) -> list[str]:
    """English words in `text` when it has no Chinese at all (a bilingual label such as
    "标题 Title" is Chinese with an English gloss; "actual 63,540.79, linear" is English)."""
    text = HEX.sub(" ", text)
    if CJK.search(text):
        return []
    return [w for w in english_words(text) if w not in USERNAMES]


CJK = re.compile(r"[\u4e00-\u9fff]")


def pack_texts(fmt: str, data: bytes) -> list[str]:
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        return [
            str(v)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str)
        ] + [sheet.title for sheet in book]
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return [line for page in pages for line in page.extract_text().splitlines()]


@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_every_pack_in_chinese(app_db: str, user: str) -> None:
    """The Excel and PDF packs of an appraisal snapshot, as each role may export them: every
    label, header and explanation is Chinese (with an English gloss at most)."""
    snapshot_id = take(app_db)
    engine = make_engine(app_db)
    with engine.begin() as conn:
        scope = scope_for_username(conn, user)
        for fmt in ("xlsx", "pdf"):
            data = export_snapshot(conn, snapshot_id, fmt, user, scope)
            texts_ = pack_texts(fmt, data)
            assert any("实际值" in text for text in texts_) or fmt == "pdf", fmt
            found = [f"{fmt}: {text!r} {words}" for text in texts_ if (words := english_only(text))]
            assert not found, "\n".join(found)
    engine.dispose()
