"""Per-person targets on the scheme page (issue 15.1): a grid per target item listing the staff the
scheme covers, a CSV upload with the command line's row-level messages (all or nothing), a
download of the targets as they stand, kept through saves and used by the what-if preview.

The head of 上城支行 (B01S01) edits; the tiny data's planners there are 039249 王欣 and
047441 陈佳倩 (029504 is a planner of another sub-branch)."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data.engine import make_engine
from data.schema import AuditEvent
from metrics.appraisal import schemes
from metrics.core.periods import Period
from metrics.core.scope import Scope
from metrics.measures.tables import scorecard
from tests.ui_support import HEAD, PLANNER, errors, frame, goto, signed_in

GRID = "person_targets_new_aum_increment_"
DOWNLOAD = "Download targets (CSV)"


def stored(url: str) -> list[schemes.Scheme]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return schemes.list_schemes(conn, {"B01S01"})
    finally:
        engine.dispose()


def grid_key(at: AppTest, prefix: str = GRID) -> str:
    """The key of the grid whose key starts with `prefix` (an upload starts the grids afresh
    under a new key)."""
    return next(str(d.key) for d in at.dataframe if str(d.key).startswith(prefix))


def grid(at: AppTest, prefix: str = GRID) -> Any:
    """The grid's rows as sent to the browser (AppTest shows them without the edits)."""
    return next(d for d in at.dataframe if d.key == grid_key(at, prefix)).value


def read(text: str) -> str:
    """A message as the reader sees it (without `ui.plain`'s escapes)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def named(at: AppTest, name: str = "上城支行 Q") -> AppTest:
    next(t for t in at.text_input if t.label == "Name").input(name).run()
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not errors(at), errors(at)
    return at


def type_target(at: AppTest, row: int, value: float | None, prefix: str = GRID) -> AppTest:
    """What the grid sends when a target is typed into a row (the data editor's edit state)."""
    at.session_state[grid_key(at, prefix)] = {
        "edited_rows": {row: {"target": value}},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def upload(at: AppTest, text: str, name: str = "targets.csv") -> AppTest:
    uploader = next(u for u in at.file_uploader if str(u.key).startswith("targets_upload_"))
    uploader.set_value((name, text.encode("utf-8"), "text/csv")).run()
    return at


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The bytes last handed to each download button, by label (what the browser saves)."""
    seen: dict[str, bytes] = {}
    original = st.download_button

    def recording(label: str, data: bytes, *args: Any, **kwargs: Any) -> Any:
        seen[label] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return seen


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # a spreadsheet CSV, like every download
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_grid_lists_the_covered_staff_and_a_typed_target_is_saved(app_db: str) -> None:
    at = named(goto(signed_in(HEAD), "schemes"))
    shown = grid(at)
    assert list(shown["staff_id"]) == ["039249", "047441"]
    assert list(shown["name"]) == ["王欣", "陈佳倩"]
    assert list(shown["default"]) == [1000000.0, 1000000.0]
    assert shown["target"].isna().all()
    # The default follows the item grid as it is typed; the grid keeps its edit.
    type_target(at, 0, 6000000.0)
    at.session_state["items_new"] = {
        "edited_rows": {0: {"target": 1500000.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert list(grid(at)["default"]) == [1500000.0, 1500000.0]
    click(at, "Save draft")
    (saved,) = stored(app_db)
    assert saved.items[0].target == Decimal(1500000)
    assert saved.items[0].targets == (("039249", Decimal(6000000)),)
    # Reopened, the saved target is in the grid, with the new version's key.
    assert grid(at, f"person_targets_{saved.ref}_aum_increment_")["target"].tolist()[0] == 6e6
    # An edit elsewhere (the item grid, the name) saved again keeps them.
    at.session_state[f"items_{saved.ref}"] = {
        "edited_rows": {0: {"weight": 100.0, "cap": 1.5}},
        "added_rows": [],
        "deleted_rows": [],
    }
    named(at, "上城支行 Q（修订）")
    click(at, "Save draft")
    (again,) = stored(app_db)
    assert (again.name, again.items[0].cap) == ("上城支行 Q（修订）", Decimal("1.5"))
    assert again.items[0].targets == (("039249", Decimal(6000000)),)


def test_an_emptied_cell_puts_the_person_back_on_the_default(app_db: str) -> None:
    at = named(goto(signed_in(HEAD), "schemes"))
    type_target(at, 1, 0.95)
    click(at, "Save draft")
    (saved,) = stored(app_db)
    assert saved.items[0].targets == (("047441", Decimal("0.95")),)
    type_target(at, 1, None, f"person_targets_{saved.ref}_")
    click(at, "Save draft")
    (again,) = stored(app_db)
    assert again.items[0].targets == ()


def test_a_valid_file_is_applied_shown_and_saved(app_db: str) -> None:
    at = named(goto(signed_in(HEAD), "schemes"))
    upload(
        at,
        "\ufeffstaff_id,kpi,target\r\n047441,aum_increment,2500000\r\n039249,aum_increment,0.95\r\n",
        "目标 [v2](http://x).csv",
    )
    assert not errors(at), errors(at)
    # The file's name is data: shown as typed, never as Markdown (a link here).
    (applied,) = [s.value for s in at.success if "Targets of" in s.value]
    assert "[v2](http" not in applied
    assert (
        read(applied) == "Targets of 目标 [v2](http://x).csv applied (save the draft to keep them)"
    )
    assert grid_key(at).endswith("_1")  # the grids start afresh, from the file's targets
    shown = grid(at)
    assert shown["target"].tolist() == [0.95, 2500000.0]
    click(at, "Save draft")
    (saved,) = stored(app_db)
    assert saved.items[0].targets == (("039249", Decimal("0.95")), ("047441", Decimal(2500000)))


BAD = (
    "staff_id,kpi,target\n"
    "039249,aum_increment,3000000\n"  # good, but not applied: the file has bad rows
    "039249,satisfaction,1\n"  # line 3: not an item
    "047441,aum_increment,lots\n"  # line 4: not a number
    "029504,aum_increment,5\n"  # line 5: another sub-branch's planner
    "047441,aum_increment,0\n"  # line 6: a linear target of 0
    ",aum_increment,5\n"  # line 7: no staff id
    "047441,aum_increment\n"  # line 8: two fields
)


def test_a_file_with_bad_rows_is_refused_whole_with_every_line_said(app_db: str) -> None:
    at = named(goto(signed_in(HEAD), "schemes"))
    upload(at, BAD)
    said = [read(e.value) for e in at.error]
    assert said[0] == "File refused, nothing applied: 6 bad row(s)"
    assert said[1:] == [
        "targets.csv line 3: 'satisfaction' is not an item of the scheme",
        "targets.csv line 4: target must be a number, not 'lots'",
        "targets.csv line 5: 029504 is not among the staff listed",
        "targets.csv line 6: a linear item's target must be above 0",
        "targets.csv line 7: staff_id is empty",
        "targets.csv line 8: expected 3 fields, found 2",
    ]
    assert grid(at)["target"].isna().all()
    assert not at.exception
    click_save = next(b for b in at.button if b.label == "Save draft")
    click_save.click().run()
    (saved,) = stored(app_db)
    assert saved.items[0].targets == ()


def test_the_refusal_is_said_in_chinese(app_db: str) -> None:
    at = goto(signed_in(HEAD, lang="zh"), "schemes")
    upload(at, BAD.replace("staff_id,kpi,target", "staff,kpi,target"), "目标.csv")
    assert [read(e.value) for e in at.error][1:] == ["目标.csv：表头必须为 staff_id, kpi, target"]
    upload(at, BAD, "目标.csv")
    said = [read(e.value) for e in at.error]
    assert said[0] == "文件未采用，未作任何更改：6 处错误"
    assert said[1:] == [
        "目标.csv 第3行：客户满意度 不是本方案的考核项",  # the KPI by its name
        "目标.csv 第4行：目标 必须是数字，而不是 'lots'",
        "目标.csv 第5行：029504 不在本方案考核人员之中",
        "目标.csv 第6行：线性计分项的目标必须大于 0",
        "目标.csv 第7行：工号为空",
        "目标.csv 第8行：应有 3 列，实有 2 列",
    ]


def test_the_download_holds_the_targets_as_they_stand(
    app_db: str, offered: dict[str, bytes]
) -> None:
    at = named(goto(signed_in(HEAD), "schemes"))
    type_target(at, 0, 6000000.0)
    rows = rows_of(offered[DOWNLOAD])
    assert rows == [["staff_id", "kpi", "target"], ["039249", "aum_increment", "6000000"]]
    click(at, "Save draft")
    (saved,) = stored(app_db)
    type_target(at, 1, 0.95, f"person_targets_{saved.ref}_")
    assert rows_of(offered[DOWNLOAD]) == [
        ["staff_id", "kpi", "target"],
        ["039249", "aum_increment", "6000000"],
        ["047441", "aum_increment", "0.95"],
    ]
    # The download is an export like any other: in the audit log, by whom.
    next(b for b in at.download_button if b.key == f"targets_download_{saved.ref}").click().run()
    engine = make_engine(app_db)
    with engine.connect() as conn:
        exports = conn.execute(
            select(AuditEvent.username).where(
                AuditEvent.action == "export", AuditEvent.target == "targets.csv"
            )
        ).all()
    engine.dispose()
    assert [e[0] for e in exports] == [HEAD]
    # What was downloaded uploads again unchanged.
    text = "\n".join(",".join(r) for r in rows_of(offered[DOWNLOAD]))
    assert schemes.parse_targets(saved, text)["aum_increment"] == {
        "039249": Decimal(6000000),
        "047441": Decimal("0.95"),
    }


def test_the_what_if_preview_scores_each_person_against_their_own_target(app_db: str) -> None:
    at = named(goto(signed_in(HEAD), "schemes"))
    period = next(t for t in at.text_input if t.label == "Past period").value
    type_target(at, 0, 3000000.0)
    assert not errors(at), errors(at)
    preview = next(d.value for d in at.dataframe if "total_draft" in d.value.columns)
    totals = dict(zip(preview["entity_id"], preview["total_draft"], strict=True))
    engine = make_engine(app_db)
    with engine.connect() as conn:
        actuals = scorecard(conn, Period.parse(period), "staff", Scope.org("B01S01"))
    engine.dispose()
    actual = dict(zip(actuals["entity_id"], actuals["aum_increment"], strict=False))

    def by_hand(value: object, target: int) -> Fraction:
        ratio = Fraction(str(value)) / target
        return 100 * min(max(ratio, Fraction(0)), Fraction(6, 5))

    assert any("hold 1 person(s) to their own targets" in c.value for c in at.caption)
    assert Fraction(str(totals["039249"])) == by_hand(actual["039249"], 3000000)
    assert Fraction(str(totals["047441"])) == by_hand(actual["047441"], 1000000)


def test_a_planner_sees_their_own_target_and_the_points_it_gave(app_db: str) -> None:
    """The planner's own appraisal on the scheme page names the target they are held to (their
    own, not the item's default) and scores against it."""
    engine = make_engine(app_db)
    with engine.begin() as conn:
        draft = schemes.from_dict(
            {"name": "拱墅 个人目标", "org_id": "B01S02", "role": "planner", "cycle": "quarter",
             "items": [{"kpi": "aum_increment", "weight": 100, "target": 1000000,
                        "targets": {"029504": 4000000}}]}
        )  # fmt: skip
        saved = schemes.save_draft(conn, draft, "director")
        schemes.publish(conn, saved.scheme_id or "", 1, "director")
    at = goto(signed_in(PLANNER), "schemes")
    assert not errors(at), errors(at)
    period = at.text_input(key=f"own_period_{saved.scheme_id}@1").value
    with engine.connect() as conn:
        card = scorecard(conn, Period.parse(period), "staff", Scope.org("B01S02"))
    engine.dispose()
    actual = card.set_index("entity_id").at["029504", "aum_increment"]
    (row,) = frame(at, "Target").to_dict("records")  # type: ignore[attr-defined]
    assert row["Target"] == 4000000.0
    expected = 100 * min(max(Fraction(str(actual)) / 4000000, Fraction(0)), Fraction(6, 5))
    assert abs(Fraction(row["Points"]) - expected) < Fraction(1, 10**9)
