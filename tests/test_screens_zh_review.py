"""What a look at the Chinese screenshots of every page found (issue 13, "Checks"), each fixed
and held here: the Planner page's recent activity showed its codes in English (`wechat`,
`activity`, `quarterly_report`) under 内容, a column the Chinese-everywhere test leaves out as
free text; the Users page listed a head's unit by its id (B01S01). (The Health page's tiles cut their names at five a row: the browser test's
`cut_texts` check; the file uploader's "Upload" and "200MB per file" stayed English:
`uploader_words`, both in tests/test_e2e_browser.py.)"""

from __future__ import annotations

import re

from tests.ui_support import DIRECTOR, errors, goto, signed_in

CODE = re.compile(r"^[a-z][a-z_]*$")


def test_recent_activity_says_its_channels_and_kinds_in_chinese(app_db: str) -> None:
    at = goto(signed_in(DIRECTOR, lang="zh", scope_org="B01S01"), "planner")
    assert not errors(at), errors(at)
    # The activity table: the one with a kind and a detail per row (a table without selection
    # has no key AppTest finds it by).
    (shown,) = [d.value for d in at.dataframe if {"kind", "detail"} <= set(d.value.columns)]
    assert len(shown) > 0
    codes = sorted({v for v in shown["detail"] if isinstance(v, str) and CODE.match(v)})
    assert codes == []
    assert {"微信", "活动"} & set(shown["detail"])  # a contact's channel, a work item's kind


def test_the_users_list_names_a_heads_unit(app_db: str) -> None:
    at = goto(signed_in(DIRECTOR, lang="zh"), "users")
    assert not errors(at), errors(at)
    (listed,) = [d.value for d in at.dataframe if "username" in d.value.columns]
    units = dict(zip(listed["username"], listed["org_id"], strict=True))
    assert units["head1"] == "上城支行"  # not B01S01
