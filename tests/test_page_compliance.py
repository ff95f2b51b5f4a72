"""The Compliance page (lifecycle.md) as a director, a head and a planner see it, in both
languages, on the life-cycle golden data set (tests/lifecycle_data.py): every count is held
against the independent plain-Python reference (tests/lifecycle_reference.py), not against the
metrics layer the page calls."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from data.settings import defaults
from metrics.core.catalogue import BY_ID
from metrics.measures.sources.lifecycle import RULES
from tests import lifecycle_data
from tests.lifecycle_app import PERIOD, build_lifecycle_db
from tests.lifecycle_reference import ref_compliance, ref_exceptions
from tests.ui_support import DIRECTOR, HEAD, PLANNER, errors, goto, signed_in
from ui.i18n import has

SETTINGS = defaults()
REGISTER = ref_exceptions(lifecycle_data.TABLES, PERIOD, SETTINGS)
SB1_STAFF = {s["staff_id"] for s in lifecycle_data.staff if s["org_id"] == "SB1"}


def reference(level: str) -> dict[str, dict[str, Any]]:
    return {
        r["entity_id"]: r for r in ref_compliance(lifecycle_data.TABLES, PERIOD, level, SETTINGS)
    }


def rule_name(rule: str, lang: str) -> str:
    metric = BY_ID[f"exc_{rule}"]
    return metric.name_zh if lang == "zh" else metric.name_en


@pytest.fixture(scope="module")
def lifecycle_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_lifecycle_db(tmp_path_factory.mktemp("lifecycle_app"))


@pytest.fixture
def lifecycle_db(
    lifecycle_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    import streamlit as st

    path = tmp_path / "app.duckdb"
    shutil.copyfile(lifecycle_template, path)
    url = f"duckdb:///{path}"
    monkeypatch.setenv("WEALTH_DB_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    # Close the cached engine (and the spare connection its keeper holds open for a few seconds)
    # before forgetting it: left to a daemon timer, that connection could be closed while the
    # interpreter exits, and DuckDB then aborts the process after every test has passed.
    from ui.state import get_engine

    get_engine().dispose()
    st.cache_resource.clear()
    st.cache_data.clear()


def open_page(user: str, lang: str) -> Any:
    at = goto(signed_in(user, lang=lang, period_kind="month", period=PERIOD), "compliance")
    assert not errors(at), errors(at)
    return at


def register_rows(at: Any) -> Any:
    return at.dataframe(key="compliance_register").value


def shown_register(rows: list[dict[str, Any]], lang: str) -> list[tuple[str, str, str]]:
    """(rule name, client, day) of reference rows, in the register's order."""
    return [(rule_name(r["rule"], lang), r["client_id"], str(r["day"])) for r in rows]


def as_shown(frame: Any) -> list[tuple[str, str, str]]:
    return [
        (r, c, str(d))
        for r, c, d in zip(frame["rule"], frame["client_id"], frame["day"], strict=True)
    ]


def drill(at: Any, metric_id: str, who: str) -> tuple[int, Any]:
    """Choose a count and whose in the drill-through panel: (n in the caption, rows shown)."""
    at.selectbox(key="compliance_drill_metric").set_value(metric_id).run()
    at.selectbox(key="compliance_drill_who").set_value(who).run()
    assert not errors(at), errors(at)
    caption = next(c.value for c in at.caption if re.search(r"(row\(s\)|行)$", c.value))
    n = int(re.search(r"(\d+)\D*$", caption).group(1))  # type: ignore[union-attr]
    rows = [d.value for d in at.dataframe if d.key is None and "rule" in d.value.columns]
    return n, rows[0] if rows else None


def page_text(at: Any) -> str:
    """Every string a person reads on the page: headings, captions, messages, tiles, widget
    options and every table cell."""
    parts = [
        e.value for kind in ("title", "subheader", "caption", "markdown") for e in at.get(kind)
    ]
    parts += [e.value for kind in ("info", "success", "warning") for e in at.get(kind)]
    parts += [m.label for m in at.metric]
    for box in at.selectbox:
        parts += [box.label, *box.options]
    for table in at.dataframe:
        parts += [str(v) for v in table.value.astype(str).to_numpy().ravel()]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_director_sees_the_branch(lifecycle_db: str, lang: str) -> None:
    at = open_page(DIRECTOR, lang)
    branch = reference("branch")["BR"]
    # Counts per rule: the branch's exc_ figures, in lifecycle.md's order, under their names.
    per_rule = at.dataframe(key="compliance_rules").value
    assert list(per_rule["rule"]) == [rule_name(r, lang) for r in RULES]
    assert list(per_rule["exceptions_count"]) == [branch[f"exc_{r}"] for r in RULES]
    # Per unit: the branch, then its sub-branches, each with its exceptions.
    subs = reference("sub_branch")
    per_unit = at.dataframe(key="compliance_units").value
    assert list(per_unit["name"]) == ["Wealth centre", "East", "West", "Empty"]
    assert list(per_unit["exceptions"]) == [branch["exceptions"]] + [
        subs[s]["exceptions"] for s in ("SB1", "SB2", "SB3")
    ]
    assert next(m for m in at.metric if m.label == rule_name_of("exceptions", lang)).value == str(
        branch["exceptions"]
    )
    # The register: every row of the reference, in its order.
    assert branch["exceptions"] == len(REGISTER) == 28
    assert as_shown(register_rows(at)) == shown_register(REGISTER, lang)
    # Filtered by a rule, the register has as many rows as the rule's figure.
    for rule in ("opening_risk_missing", "client_unmaintained", "loss_archive_open"):
        at.selectbox(key="compliance_rule_filter").set_value(rule).run()
        rows = register_rows(at)
        assert len(rows) == branch[f"exc_{rule}"] > 0
        assert set(rows["rule"]) == {rule_name(rule, lang)}
    # ... and by a unit: West's rows only.
    at.selectbox(key="compliance_rule_filter").set_value("*").run()
    at.selectbox(key="compliance_unit_filter").set_value("SB2").run()
    west = [r for r in REGISTER if r["org_id"] == "SB2"]
    assert as_shown(register_rows(at)) == shown_register(west, lang)
    assert len(west) == subs["SB2"]["exceptions"]


def rule_name_of(metric_id: str, lang: str) -> str:
    metric = BY_ID[metric_id]
    return metric.name_zh if lang == "zh" else metric.name_en


def test_drill_count_equals_the_figure(lifecycle_db: str) -> None:
    at = open_page(DIRECTOR, "en")
    subs, branch = reference("sub_branch"), reference("branch")["BR"]
    for metric_id, who, want in (
        ("exceptions", "branch:BR", branch["exceptions"]),
        (
            "exc_opening_not_wealth_manager",
            "sub_branch:SB2",
            subs["SB2"]["exc_opening_not_wealth_manager"],
        ),
        ("exc_client_unmaintained", "branch:BR", branch["exc_client_unmaintained"]),
        ("exceptions", "sub_branch:SB1", subs["SB1"]["exceptions"]),
        ("exceptions", "sub_branch:SB3", 0),
    ):
        n, rows = drill(at, metric_id, who)
        assert n == want, (metric_id, who)
        assert (0 if rows is None else len(rows)) == want, (metric_id, who)
    # The rows of West's unqualified openings are the reference's, by client.
    n, rows = drill(at, "exc_opening_not_wealth_manager", "sub_branch:SB2")
    assert sorted(rows["client_id"]) == sorted(
        r["client_id"]
        for r in REGISTER
        if r["rule"] == "opening_not_wealth_manager" and r["org_id"] == "SB2"
    )


def test_head_sees_only_their_sub_branch(lifecycle_db: str) -> None:
    at = open_page(HEAD, "zh")
    east = [r for r in REGISTER if r["org_id"] == "SB1" or r["staff_id"] in SB1_STAFF]
    assert as_shown(register_rows(at)) == shown_register(east, "zh")
    assert len(east) == reference("sub_branch")["SB1"]["exceptions"] == 15
    assert set(register_rows(at)["org_name"]) == {"East"}
    staff = reference("staff")
    per_staff = at.dataframe(key="compliance_units").value
    assert list(per_staff["name"]) == ["East", "Staff A1", "Staff P1", "Staff P2"]
    assert list(per_staff["exceptions"])[1:] == [staff[s]["exceptions"] for s in ("A1", "P1", "P2")]
    # The drill-through offers only the head's unit and its staff.
    assert at.selectbox(key="compliance_drill_who").options == [
        "East",
        "Staff A1",
        "Staff P1",
        "Staff P2",
    ]


def test_planner_sees_their_own(lifecycle_db: str) -> None:
    at = open_page(PLANNER, "en")
    mine = [r for r in REGISTER if r["staff_id"] == "P1"]
    assert as_shown(register_rows(at)) == shown_register(mine, "en")
    assert len(mine) == reference("staff")["P1"]["exceptions"] == 4
    assert list(at.dataframe(key="compliance_units").value["name"]) == ["Staff P1"]


def test_no_rule_id_on_a_chinese_screen(lifecycle_db: str) -> None:
    at = open_page(DIRECTOR, "zh")
    # The evidence of an opening row too (its enum values are translated).
    at.session_state["compliance_register"] = {"selection": {"rows": [14], "columns": []}}
    at.run()
    assert not errors(at)
    text = page_text(at)
    assert "低于准入标准开户" in text and "财富开户" in text
    ids = [r for r in RULES if r in text] + [f"exc_{r}" for r in RULES if f"exc_{r}" in text]
    assert ids == []
    for word in ("primary", "secondary", "relative_birthday", "anniversary", "comprehensive"):
        assert word not in text, word
    # Every table's headers have a translation (a metric's name or a `col.` string).
    untranslated = {
        column
        for table in at.dataframe
        for column in table.value.columns
        if column not in BY_ID and not has(f"col.{column}")
    }
    assert untranslated == set()


def test_evidence_of_a_row_and_the_chart_filter(lifecycle_db: str) -> None:
    at = open_page(DIRECTOR, "en")
    index = next(i for i, r in enumerate(REGISTER) if r["rule"] == "opening_below_threshold")
    at.session_state["compliance_register"] = {"selection": {"rows": [index], "columns": []}}
    at.run()
    assert not errors(at)
    headings = [m.value for m in at.markdown]
    assert "**Account openings**" in headings and "**Assignments**" in headings
    openings = next(d.value for d in at.dataframe if "opening_id" in d.value.columns)
    assert list(openings["opening_id"]) == [
        o["opening_id"] for o in lifecycle_data.account_openings if o["client_id"] == "C02"
    ]
    client = next(
        d.value
        for d in at.dataframe
        if "client_name" in d.value.columns and "gender" in d.value.columns
    )
    assert client["client_name"].str.contains(r"\*").all()  # masked: this director may not unmask
    # A click on West in the sunburst filters the register to West's rows: as many as the
    # figure the segment shows, and exactly the rows the unit filter gives for West.
    at.session_state["compliance_sunburst"] = click("BR/SB2", "BR")
    at.run()
    assert not errors(at)
    assert any("West" in i.value for i in at.info)
    west = [r for r in REGISTER if r["org_id"] == "SB2"]
    assert as_shown(register_rows(at)) == shown_register(west, "en")
    assert sunburst_values(at)["BR/SB2"] == len(west)
    staff_rows = Counter(r["staff_id"] for r in west)
    at.session_state["compliance_sunburst"] = click("BR/SB2/P3", "BR/SB2")
    at.run()
    assert len(register_rows(at)) == staff_rows["P3"] == 7 == sunburst_values(at)["BR/SB2/P3"]
    # A click on the centre of the drilled chart (West, all of the centre's rows) goes back up:
    # the register follows the branch, whole.
    at.session_state["compliance_sunburst"] = click("BR/SB2", "BR", share=1.0)
    at.run()
    assert len(register_rows(at)) == len(REGISTER) == sunburst_values(at)["BR"]
    # "Show all" forgets the chart's filter.
    at.session_state["compliance_sunburst"] = click("BR/SB1", "BR")
    at.run()
    assert len(register_rows(at)) == len([r for r in REGISTER if r["org_id"] == "SB1"])
    at.button(key="compliance_sunburst_clear").click().run()
    assert not errors(at)
    assert len(register_rows(at)) == len(REGISTER)
    assert not any("Filtered by the chart" in i.value for i in at.info)


def test_chart_filter_in_chinese(lifecycle_db: str) -> None:
    """The same click on a Chinese screen: the filter named in Chinese, the register as many rows
    as the segment, the chart's hover texts in Chinese."""
    import json

    at = open_page(DIRECTOR, "zh")
    (chart,) = [e for e in at.get("plotly_chart") if "sunburst" in e.proto.spec]
    (trace,) = json.loads(chart.proto.spec)["data"]
    assert trace["hovertemplate"] == "%{label}<br>例外总数: %{value:,d}<extra></extra>"
    alone = [lb for lb in trace["labels"] if lb.endswith("（未落实到人员）")]
    assert alone, trace["labels"]  # rows charged to a unit alone, labelled in Chinese
    at.session_state["compliance_sunburst"] = click("BR/SB2", "BR")
    at.run()
    assert not errors(at)
    assert any(i.value == "已按图表筛选：West" for i in at.info)
    west = [r for r in REGISTER if r["org_id"] == "SB2"]
    assert as_shown(register_rows(at)) == shown_register(west, "zh")
    assert sunburst_values(at)["BR/SB2"] == len(west)
    assert at.button(key="compliance_sunburst_clear").label == "显示全部"


def click(node: str, parent: str, share: float = 0.5) -> dict[str, Any]:
    """The selection Streamlit's front end sends for a click on a sunburst segment: the point's
    id and parent (its share of the centre segment, `percentEntry`, is 1 for the centre)."""
    point = {"id": node, "parent": parent, "label": node, "percentEntry": share}
    return {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}


def sunburst_values(at: Any) -> dict[str, int]:
    """The figure the sunburst draws, as sent to the browser: each segment's value by its id."""
    import json

    charts = [e for e in at.get("plotly_chart") if "sunburst" in e.proto.spec]
    (chart,) = charts
    (trace,) = json.loads(chart.proto.spec)["data"]
    return dict(zip(trace["ids"], trace["values"], strict=True))


def test_overview_tile_and_flag(lifecycle_db: str) -> None:
    at = goto(signed_in(DIRECTOR, period_kind="month", period=PERIOD), "overview")
    assert not errors(at), errors(at)
    now = reference("branch")["BR"]["exceptions"]
    before = {
        r["entity_id"]: r
        for r in ref_compliance(lifecycle_data.TABLES, "2025-08", "branch", SETTINGS)
    }["BR"]["exceptions"]
    tile = next(m for m in at.metric if m.label == "Exceptions")
    assert tile.value == str(now) == "28"
    flag = next(w.value for w in at.warning if "compliance exception" in w.value)
    assert flag == (
        f"{now} compliance exception(s) in this period ({now - before:+d} against the previous "
        "period)"
    )
    # Whom it concerns: the planners and advisors charged, most first (heads and units are in
    # the count, under no name).
    staff = reference("staff")
    charged = sorted(
        ((r["exceptions"], e) for e, r in staff.items() if r["exceptions"]),
        key=lambda x: (-x[0], x[1]),
    )
    listed = next(d.value for d in at.dataframe if d.key and d.key.startswith("flag_exceptions"))
    assert list(listed.iloc[:, 0]) == [f"Staff {e}" for _, e in charged]
    assert [int(v) for v in listed.iloc[:, 1]] == [n for n, _ in charged]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_planner_page_lists_their_exceptions(lifecycle_db: str, lang: str) -> None:
    at = signed_in(DIRECTOR, lang=lang, period_kind="month", period=PERIOD)
    at.session_state["planner_id"] = "P2"
    goto(at, "planner")
    assert not errors(at), errors(at)
    # Display-only tables carry no key in AppTest: the one with a rule column.
    (listed,) = [d.value for d in at.dataframe if "rule" in d.value.columns]
    theirs = [r for r in REGISTER if r["staff_id"] == "P2"]
    assert as_shown(listed) == shown_register(theirs, lang)
    assert len(theirs) == reference("staff")["P2"]["exceptions"] == 9
    # A planner with none says so.
    at.session_state["planner_id"] = "A1"
    goto(at, "planner")
    assert not [d for d in at.dataframe if "rule" in d.value.columns]
    assert any(
        s.value in ("No compliance exception in this period.", "本期没有合规例外。")
        for s in at.success
    )


@pytest.mark.parametrize(
    ("lang", "occasion", "kind", "heading"),
    [
        ("en", "mother's birthday", "relative's birthday", "Care dates in the next 14 days"),
        ("zh", "母亲生日", "亲属生日", "未来14天关怀日"),
    ],
)
def test_health_care_reminders_name_the_occasion(
    app_db: str, lang: str, occasion: str, kind: str, heading: str
) -> None:
    """Once care dates are imported, a reminder says whose day it is, in the screen's language."""
    import datetime as dt

    from sqlalchemy import insert

    from data.engine import make_engine
    from data.schema import CareDate
    from metrics.core.scope import Scope
    from metrics.measures.browse import client_book

    engine = make_engine(app_db)
    soon = dt.date.today() + dt.timedelta(days=3)
    with engine.connect() as conn:
        book = client_book(conn, "029504", dt.date.today(), Scope.everything(), defaults())
    client = str(book["client_id"].iloc[0])
    label = "mother" if lang == "en" else "母亲"
    with engine.begin() as conn:
        conn.execute(
            insert(CareDate),
            [
                {
                    "client_id": client,
                    "kind": "relative_birthday",
                    "month_day": f"{soon:%m-%d}",
                    "label": label,
                }
            ],
        )
    engine.dispose()
    at = goto(signed_in(DIRECTOR, lang=lang), "health")
    assert not errors(at), errors(at)
    assert any(heading in s.value for s in at.subheader)
    (care,) = [d.value for d in at.dataframe if "occasion" in d.value.columns]
    assert care[["client_id", "occasion", "kind", "label"]].values.tolist() == [
        [client, occasion, kind, label]
    ]


def test_the_register_in_clear_is_audited(lifecycle_db: str) -> None:
    """An account that may unmask sees the register's client names in clear, and that view is
    recorded once (which list, on which page, how many clients)."""
    import json

    from sqlalchemy import select

    from data import accounts
    from data.engine import make_engine
    from data.schema import AuditEvent
    from tests.ui_support import PASSWORD

    engine = make_engine(lifecycle_db)
    with engine.begin() as conn:
        accounts.create_user(conn, "auditor", "director", password=PASSWORD, may_unmask=True)
    at = open_page("auditor", "en")
    names = register_rows(at)["client_name"]
    assert not names.str.contains(r"\*").any()
    at.run()  # a rerun shows nothing new
    with engine.connect() as conn:
        events = conn.execute(
            select(AuditEvent.target, AuditEvent.detail).where(AuditEvent.action == "unmask")
        ).all()
    engine.dispose()
    assert [(target, json.loads(d)["page"], json.loads(d)["clients"]) for target, d in events] == [
        ("exceptions", "compliance", len({r["client_id"] for r in REGISTER}))
    ]
