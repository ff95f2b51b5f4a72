"""My appraisal and Published results in the dashboard (issue 15.2-15.3), as a planner and a head
meet them: the planner sees their own published result only, each item with its explanation line
(English and Chinese), raises an inquiry; the sub-branch's head finds it in their queue and answers
it; another sub-branch's head does not see it; the planner then reads the answer.

The tiny demo data: planner1 is 029504 of sub-branch B01S02, with one colleague (033950) covered by
the same scheme; head1 leads B01S01. The test adds head2, the head of B01S02."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
import streamlit as st

from data import accounts
from data.engine import make_engine
from metrics.appraisal import cycle
from metrics.appraisal.cycle import Account, ItemLine
from metrics.appraisal.schemes import from_dict, publish, save_draft
from metrics.appraisal.scoring import appraise
from metrics.core.periods import Period
from metrics.core.scope import Scope
from tests.ui_support import HEAD, PASSWORD, PLANNER, errors, frame, goto, signed_in
from ui.cycle_view import explain

HEAD2 = "head2"
ME, COLLEAGUE = "029504", "033950"
Q3 = Period.parse("2026Q3")
TARGET = Decimal(5_000_000)


def publish_b01s02(url: str) -> pd.DataFrame:
    """head2's scheme for B01S02's planners, published for 2026Q3 by head2; returns the scores
    the scoring module gives (the reference the page is compared with)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        accounts.create_user(conn, HEAD2, "head", org_id="B01S02", password=PASSWORD)
        draft = from_dict(
            {"name": "B01S02 2026Q3", "org_id": "B01S02", "role": "planner", "cycle": "quarter",
             "items": [{"kpi": "aum_stock", "weight": 60, "target": 5000000, "rule": "linear",
                        "cap": 100},
                       {"kpi": "training_completion", "weight": 40, "rule": "rank"}]}
        )  # fmt: skip
        scheme = publish(conn, save_draft(conn, draft, HEAD2).scheme_id or "", 1, HEAD2)
        cycle.publish_results(conn, Account(HEAD2, "head", org_id="B01S02"), scheme, Q3)
        expected = appraise(conn, scheme, Q3, Scope.everything()).set_index("entity_id")
    engine.dispose()
    assert sorted(expected.index) == [ME, COLLEAGUE]
    return expected


def trimmed(value: Decimal, places: int = 2) -> str:
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def page_text(at) -> str:  # noqa: ANN001 - AppTest
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for table in at.dataframe:
        parts += [str(v) for v in table.value.astype(str).to_numpy().ravel()]
        parts += [str(c) for c in table.value.columns]
    return "\n".join(parts)


def test_the_example_line_of_the_issue_in_both_languages() -> None:
    line = ItemLine(kpi="aum_increment", weight=Decimal(40), rule="linear",
                    actual=Decimal("5800000.00"), target=TARGET, score=Decimal("46.4"),
                    how="linear", ratio=Decimal("1.16"), counted=Decimal("1.16"),
                    cap=Decimal("1.2"), gate=None, max_score=None, rank=None, n=10)  # fmt: skip
    st.session_state["_keep_lang"] = "en"
    assert explain(line, "en") == "actual 5.8M / target 5M = 1.16 × weight 40 = 46.4"
    st.session_state["_keep_lang"] = "zh"
    assert explain(line, "zh") == "实际 580万 / 目标 500万 = 1.16 × 权重 40 = 46.4分"
    del st.session_state["_keep_lang"]


def test_a_planner_sees_only_their_own_result_explained(app_db: str) -> None:
    expected = publish_b01s02(app_db)
    mine = expected.loc[ME]
    at = goto(signed_in(PLANNER), "my_appraisal")
    assert not errors(at), errors(at)
    assert at.title[0].value == "My appraisal"
    tiles = {m.label: m.value for m in at.metric}
    total = Decimal(str(mine["total"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert tiles == {
        "Total": str(total),
        "Rank": f"{mine['rank']} of 2",
        "Grade": "—",
        "Status": "published",
    }
    items = frame(at, "How the score was reached")
    actual = Decimal(str(mine["actual_aum_stock"]))
    ratio = actual / TARGET
    score = Decimal(str(mine["score_aum_stock"]))
    assert score == 60 * ratio  # cap 100: the ratio is never clamped here
    assert items["How the score was reached"].iloc[0] == (
        f"actual {trimmed(actual / 1_000_000)}M / target 5M = {trimmed(ratio)} × weight 60 = "
        f"{trimmed(score)}"
    )
    rank = int(pd.Series(expected["actual_training_completion"].astype(float)).rank(
        ascending=False, method="min")[ME])  # fmt: skip
    share = Decimal(1) - Decimal(rank - 1)
    assert items["How the score was reached"].iloc[1] == (
        f"rank {rank} of 2: weight 40 × (1 − ({rank} − 1) / (2 − 1)) = {trimmed(40 * share)}"
    )
    assert list(items["KPI"]) == ["AUM stock", "Training completion"]
    # Nothing of the colleague: no id, no name, no score; no staff picker for a planner.
    text = page_text(at)
    assert COLLEAGUE not in text and "高斌建" not in text
    assert str(expected.loc[COLLEAGUE, "total"])[:6] not in text
    assert not [s for s in at.selectbox if s.key == "my_staff"]
    trend = frame(at, "Period")
    assert list(trend["Period"]) == ["2026Q3"] and list(trend["Rank"]) == [f"{mine['rank']} of 2"]


def test_my_appraisal_in_chinese(app_db: str) -> None:
    expected = publish_b01s02(app_db)
    at = goto(signed_in(PLANNER, lang="zh"), "my_appraisal")
    assert not errors(at), errors(at)
    assert at.title[0].value == "我的考核"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["名次"] == f"第 {expected.loc[ME, 'rank']} 名 / 共 2 人"
    assert tiles["状态"] == "已公布"
    items = frame(at, "计分过程")
    actual = Decimal(str(expected.loc[ME, "actual_aum_stock"]))
    assert (
        items["计分过程"]
        .iloc[0]
        .startswith(
            f"实际 {trimmed(actual / 10_000)}万 / 目标 500万 = {trimmed(actual / TARGET)} × 权重 60 = "
        )
    )
    assert list(items["规则"]) == ["线性", "排名"]
    assert any(b.label == "确认考核结果" for b in at.button)
    assert list(frame(at, "期间")["期间"]) == ["2026年第3季度"]
    assert any("2026年第3季度" in c.value and "第 1 版结果" in c.value for c in at.caption)


def test_inquiry_reaches_the_heads_queue_and_the_answer_comes_back(app_db: str) -> None:
    publish_b01s02(app_db)
    at = goto(signed_in(PLANNER), "my_appraisal")
    at.selectbox(key="my_inquiry_kpi").set_value("aum_stock")
    at.text_area(key="my_inquiry_message").input("A deposit of my client is missing")
    next(b for b in at.button if b.label == "Send the inquiry").click().run()
    assert not errors(at), errors(at)
    assert [s.value for s in at.success] == ["Your inquiry was sent to your head."]
    assert {m.label: m.value for m in at.metric}["Status"] == "inquiry open"
    assert not [b for b in at.button if b.label == "Acknowledge my result"]

    other = goto(signed_in(HEAD), "results")  # head1 leads B01S01: not their inquiry
    assert [i.value for i in other.info][:2] == ["No published scheme of yours to publish results of.",
                                                 "No open inquiry."]  # fmt: skip
    assert "A deposit of my client is missing" not in page_text(other)

    head = goto(signed_in(HEAD2), "results")
    assert not errors(head), errors(head)
    (message,) = [t.value for t in head.text]
    assert message == "A deposit of my client is missing"
    status = frame(head, "Status")
    assert dict(zip(status["Staff id"], status["Status"], strict=True)) == {
        ME: "inquiry open",
        COLLEAGUE: "published",
    }
    (answer_box,) = [a for a in head.text_area if a.key and a.key.startswith("answer_")]
    inquiry_id = answer_box.key.removeprefix("answer_")
    answer_box.input("The deposit arrived on 2 October, after the quarter.")
    head.button(key=f"uphold_{inquiry_id}").click().run()
    assert not errors(head), errors(head)
    assert [s.value for s in head.success] == ["Answered."]
    assert "No open inquiry." in [i.value for i in head.info]
    status = frame(head, "Status")
    assert dict(zip(status["Staff id"], status["Status"], strict=True))[ME] == "answered"

    back = goto(signed_in(PLANNER), "my_appraisal")
    responses = frame(back, "Answer")
    assert responses[["Kind", "KPI", "Answer", "Outcome"]].values.tolist() == [
        ["inquiry", "AUM stock", "The deposit arrived on 2 October, after the quarter.", "upheld"]
    ]
    assert {m.label: m.value for m in back.metric}["Status"] == "answered"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sign_off_is_refused_with_an_open_inquiry_on_screen(app_db: str, lang: str) -> None:
    publish_b01s02(app_db)
    at = goto(signed_in(PLANNER), "my_appraisal")
    at.text_area(key="my_inquiry_message").input("Why rank 2?")
    next(b for b in at.button if b.label == "Send the inquiry").click().run()
    director = goto(signed_in("director", lang=lang), "results")
    director.button(key="results_sign_off").click().run()
    assert not director.exception
    said = {"en": "1 inquiry(ies) still open: answer them before signing off.",
            "zh": "仍有 1 项申诉未处理，须先答复才能审批确认。"}[lang]  # fmt: skip
    assert [e.value for e in director.error] == [said]


def test_the_head_publishes_and_corrects_on_the_page(app_db: str) -> None:
    engine = make_engine(app_db)
    with engine.begin() as conn:
        accounts.create_user(conn, HEAD2, "head", org_id="B01S02", password=PASSWORD)
        draft = from_dict(
            {"name": "B01S02 quarterly", "org_id": "B01S02", "role": "planner", "cycle": "quarter",
             "items": [{"kpi": "aum_stock", "weight": 100, "target": 5000000, "rule": "linear"}]}
        )  # fmt: skip
        publish(conn, save_draft(conn, draft, HEAD2).scheme_id or "", 1, HEAD2)
    engine.dispose()
    head = goto(signed_in(HEAD2), "results")
    # No period in the scheme: the latest complete quarter of the data is offered.
    (period,) = [i for i in head.text_input if i.label == "Period"]
    assert period.value == "2026Q3"
    head.button(key="results_publish").click().run()
    assert not errors(head), errors(head)
    assert [s.value for s in head.success] == ["Published B01S02 quarterly for 2026Q3 to 2 staff."]
    status = frame(head, "Status")
    assert sorted(status["Staff id"]) == [ME, COLLEAGUE]
    assert set(status["Status"]) == {"published"}
    # Publishing the same period again is refused, in words.
    head.button(key="results_publish").click().run()
    assert [e.value for e in head.error] == [
        "The results of B01S02 quarterly for 2026Q3 are already published; a change is made by "
        "answering an inquiry with a correction."
    ]

    engine = make_engine(app_db)
    with engine.begin() as conn:
        (publication,) = cycle.publications_for(conn, Account(HEAD2, "head", org_id="B01S02"))
        cycle.inquire(conn, Account("planner1", "planner", staff_id=ME), publication.publication_id,
                      "aum_stock", "My client's transfer is missing")  # fmt: skip
    engine.dispose()
    head = goto(signed_in(HEAD2), "results")
    (answer_box,) = [a for a in head.text_area if a.key and a.key.startswith("answer_")]
    answer_box.input("Re-imported with the transfer")
    head.button(key=answer_box.key.replace("answer_", "correct_")).click().run()
    assert not errors(head), errors(head)
    assert [s.value for s in head.success] == ["Corrected: version 2 of the results."]
    versions = frame(head, "Reason")
    versions = versions.astype(object).where(versions.notna(), None)  # the grid's NaN: no reason
    assert versions[["Version", "Reason", "By"]].values.tolist() == [
        [1, None, HEAD2],
        [2, "Re-imported with the transfer", HEAD2],
    ]
    status = frame(head, "Status")
    assert dict(zip(status["Staff id"], status["Status"], strict=True))[ME] == "corrected"


def test_names_inside_markdown_are_shown_as_typed() -> None:
    from ui.cycle_view import md

    assert md("[win](http://x.cn) **now** a_b") == r"\[win\]\(http\://x\.cn\) \*\*now\*\* a\_b"
    assert md("孟鹏") == "孟鹏"
