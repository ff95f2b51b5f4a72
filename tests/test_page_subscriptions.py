"""The Subscriptions page through app.py: a director subscribes a head, a planner only themself;
the list and the delivery log speak Chinese on a Chinese screen."""

from __future__ import annotations

from data.engine import make_engine
from metrics.core.catalogue import BY_ID
from metrics.delivery import subscriptions as subs
from tests.ui_support import (
    DIRECTOR,
    HEAD,
    PLANNER,
    errors,
    goto,
    signed_in,
)


def active(url: str, username: str | None) -> list[subs.Sub]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = subs.active(conn, username)
    engine.dispose()
    return found


def test_a_director_subscribes_a_head_to_a_weekly_pack(app_db: str) -> None:
    at = goto(signed_in(DIRECTOR), "subscriptions")
    assert not errors(at)
    assert HEAD in at.selectbox(key="subs_to").options
    at.selectbox(key="subs_to").select(HEAD).run()
    at.selectbox(key="subs_pack").select("supervision").run()
    at.selectbox(key="subs_level").select("sub_branch").run()
    at.selectbox(key="subs_format").select("xlsx").run()
    at.selectbox(key="subs_every").select("weekly").run()
    at.button(key="subs_save").click().run()
    assert not errors(at)
    made = active(app_db, HEAD)
    assert [(s.target, s.format, s.frequency, s.created_by) for s in made] == [
        ({"pack": "supervision", "level": "sub_branch"}, "xlsx", "weekly", DIRECTOR)
    ]


def test_a_planner_may_only_subscribe_themself_and_reads_chinese(app_db: str) -> None:
    at = goto(signed_in(PLANNER, lang="zh"), "subscriptions")
    assert not errors(at)
    box = at.selectbox(key="subs_to")
    assert box.options == [PLANNER] and box.disabled
    at.radio(key="subs_kind").set_value("alert").run()
    at.selectbox(key="subs_alert").select("threshold").run()
    at.selectbox(key="subs_metric").select("retention_rate").run()
    at.text_input(key="subs_value").input("0.9").run()
    at.button(key="subs_save").click().run()
    assert not errors(at)
    made = active(app_db, PLANNER)
    assert [s.target for s in made] == [
        {"alert": "threshold", "metric": "retention_rate", "op": "<", "value": "0.9",
         "level": "staff"}
    ]  # fmt: skip
    listed = at.dataframe[0].value
    assert list(listed.columns) == ["接收人", "内容", "频率"]
    shown = " ".join(str(v) for v in listed.to_numpy().ravel())
    assert BY_ID["retention_rate"].name_zh in shown and "每日" in shown
    assert "threshold" not in shown and "retention_rate" not in shown
    # A planner sees only their own subscriptions, not the head's.
    assert set(listed["接收人"]) == {PLANNER}
