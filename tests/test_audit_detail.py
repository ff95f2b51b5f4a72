"""The Audit page's detail column in the reader's language (it showed the stored JSON: English
keys, `true` and role codes on a Chinese screen)."""

from __future__ import annotations

import json

import pytest

from data import accounts, audit
from data.engine import make_engine
from tests.ui_support import PASSWORD, errors, goto, signed_in
from ui import audit_detail, i18n


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: "zh")
    monkeypatch.setattr(audit_detail, "lang", lambda: "zh")


@pytest.fixture
def en(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "lang", lambda: "en")
    monkeypatch.setattr(audit_detail, "lang", lambda: "en")


def _stored(detail: dict[str, object]) -> str:
    # As data.audit.record stores it.
    return json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)


def test_a_new_account_in_chinese(zh: None) -> None:
    stored = _stored({"role": "planner", "org_id": "B01S01", "staff_id": None, "may_unmask": False})
    assert audit_detail.detail_text(stored, audit.USER_ADD) == (
        "可查看完整个人信息：否；机构：B01S01；岗位：理财经理；员工：—"
    )


def test_a_change_of_role_names_both_roles_but_a_setting_keeps_its_values(zh: None) -> None:
    role = _stored({"from": "planner", "role": "head", "org_id": "B01S01", "staff_id": None})
    assert audit_detail.detail_text(role, audit.USER_ROLE) == (
        "原为：理财经理；机构：B01S01；岗位：支行主管；员工：—"
    )
    setting = _stored({"from": "planner", "to": "5"})  # a setting's old value stays as typed
    assert audit_detail.detail_text(setting, audit.SETTINGS) == "原为：planner；改为：5"


def test_an_import_lists_its_files(zh: None) -> None:
    stored = _stored(
        {
            "committed": True,
            "files": [
                {"file": "staff.csv", "table": "staff", "read": 3, "inserted": 2, "rejected": 1}
            ],
        }
    )
    assert audit_detail.detail_text(stored, audit.IMPORT) == (
        "已提交：是；文件：（文件：staff.csv，新增：2，读取：3，拒绝：1，数据表：staff）"
    )


def test_an_export_names_what_it_exported(en: None) -> None:
    stored = _stored({"what": "drill contacts", "rows": 11, "unmasked": True})
    assert audit_detail.detail_text(stored, audit.EXPORT) == (
        "rows: 11; unmasked: yes; what: drill-through of Contacts"
    )


def test_an_export_in_chinese(zh: None) -> None:
    stored = _stored({"what": "exceptions register", "rows": 2})
    assert audit_detail.detail_text(stored, audit.EXPORT) == "行数：2；内容：例外清单"


def test_unknown_keys_and_other_text_are_kept(zh: None) -> None:
    assert audit_detail.detail_text(_stored({"new_key": 1}), "x") == "new_key：1"
    assert audit_detail.detail_text("not json {", "x") == "not json {"
    assert audit_detail.detail_text("[1, 2]", "x") == "[1, 2]"
    assert audit_detail.detail_text(None, "x") is None
    assert audit_detail.detail_text(float("nan"), "x") is None  # no detail, read into a frame


def test_every_key_has_both_languages() -> None:
    for key, (en_text, zh_text) in i18n.STRINGS.items():
        if key.startswith(("audit.key.", "audit.what.")):
            assert en_text and zh_text, key


def test_the_chinese_audit_page_shows_no_stored_key(app_db: str) -> None:
    engine = make_engine(app_db)
    with engine.begin() as conn:
        accounts.create_user(
            conn, "head9", "head", org_id="B01S01", password=PASSWORD, by="director"
        )
    engine.dispose()
    at = goto(signed_in(lang="zh"), "audit")
    assert not errors(at)
    events = at.dataframe[0].value
    added = events[events["target"] == "head9"]
    assert list(added["detail"]) == [
        "可查看完整个人信息：否；机构：B01S01；岗位：支行主管；员工：—"
    ]
    shown = " ".join(str(d) for d in events["detail"] if d is not None)
    for code in ("may_unmask", "org_id", "staff_id", "true", "false", "head"):
        assert code not in shown, code
