"""End to end in a real Chromium (Debian's, through Playwright's Python package) against
`python -m ui.serve` (`streamlit run app.py`, as `./run.sh` starts it) on a free port and a
DuckDB file with the tiny demo data: the test session's shared server and browser
(tests/e2e_support.py, fixtures in tests/conftest.py).

Walks what a director does: sign in, choose a quarter, drill branch -> sub-branch -> planner ->
one KPI's rows, switch to Chinese, upload a file with one bad row and see it rejected, download
the rejected rows as CSV. A screenshot of every page goes to tests/screenshots/ (git-ignored):
look at them, a page that looks broken to a person is a failed page.

It runs with the whole suite (`pytest -m browser` runs it alone); with CI=true a missing chromium
fails the run instead of skipping it. Synchronisation is by Playwright's expectations, never by
sleeping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e_support import (
    TIMEOUT_MS,
    cut_texts,
    expect,
    finished,
    new_page,
    open_page,
    settle,
    shoot,
    sign_in,
    uploader_words,
)
from tests.screen_text import english_words
from tests.ui_support import DIRECTOR, HEAD, PLANNER, copy_db

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tiny_server: str) -> Iterator[str]:
    """The session's server on the tiny demo data (tests/e2e_support.py)."""
    yield tiny_server


def click_row(page: Any, grid_key: str, row: int) -> None:
    """Select a row of an st.dataframe through its row-marker checkbox (left edge of the grid)."""
    grid = page.locator(f".st-key-{grid_key}").get_by_test_id("stDataFrame")
    expect(grid).to_be_visible(timeout=TIMEOUT_MS)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    assert box is not None
    # Glide's default geometry: a 35 px header, then 35 px rows; the marker column is ~30 px.
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 35 * row + 17)


def test_a_page_address_before_sign_in_shows_only_the_sign_in(server: str, browser: Any) -> None:
    """On a freshly started server (the shared server starts for the first browser test, and
    this module's first test comes first), Streamlit runs a file of `pages/` named by the
    address directly, without app.py, until some run has called st.navigation. Such a run must
    show neither the page, nor a traceback, nor the list of page files; after the sign-in the
    page asked for opens (issue 13, item 9)."""
    page = new_page(browser, 1280, 800)
    page.goto(server + "/audit")
    expect(page.get_by_role("textbox", name="Username")).to_be_visible()
    expect(page.get_by_text("Traceback")).to_have_count(0)
    expect(page.get_by_text("RuntimeError")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_have_count(0)
    sign_in(page, DIRECTOR)
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    page.context.close()


def test_director_walkthrough(server: str, browser: Any, tmp_path: Path) -> None:
    page = new_page(browser, accept_downloads=True)
    context = page.context
    page.goto(server)
    sign_in(page, DIRECTOR)
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    shoot(page, "en_overview")

    # Every page once, in English.
    for title in ("Scorecards", "Planner", "Supervision", "Portfolio health", "Metrics"):
        open_page(page, title)
        shoot(page, "en_" + title.lower().replace(" ", "_"))
    for title in ("Data", "Settings"):
        open_page(page, title)
        shoot(page, "en_" + title.lower())

    # Choose a quarter: the period box follows with the latest complete quarter.
    open_page(page, "Overview")
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("radio", name="Quarter").click()
    expect(sidebar.get_by_role("combobox", name="Period")).to_have_value("2026Q3")
    expect(page.get_by_text("杭州分行 · 2026Q3")).to_be_visible()

    # Drill: branch -> sub-branch (league table) -> planner (staff table) -> one KPI's rows.
    click_row(page, "overview_league", 0)
    expect(page.get_by_text("拱墅支行 · 2026Q3")).to_be_visible()
    expect(page.locator(".st-key-overview_league")).to_have_count(0)
    shoot(page, "en_overview_sub_branch")
    click_row(page, "overview_staff", 0)
    expect(page.get_by_role("heading", name="Planner", level=1)).to_be_visible()
    picker = page.locator(".st-key-planner_pick").get_by_role("combobox")
    expect(picker).to_have_value("孟鹏 · 029504")
    # The sidebar's choices survive the page switch.
    expect(sidebar.get_by_role("combobox", name="Period")).to_have_value("2026Q3")
    expect(sidebar.get_by_role("combobox", name="Org unit")).to_have_value(re.compile("拱墅支行"))
    drill = page.locator(".st-key-planner_drill_metric").get_by_role("combobox")
    drill.click()
    drill.fill("Needs and suggestions")
    page.keyboard.press("Enter")
    expect(
        page.get_by_text(re.compile(r"row\(s\) make up Needs and suggestions collected"))
    ).to_be_visible()
    settle(page)
    shoot(page, "en_planner_drill")

    # Switch to Chinese: labels, messages and money formats follow.
    sidebar.get_by_role("radio", name="简体中文").click()
    expect(page.get_by_role("heading", name="理财经理", level=1)).to_be_visible()
    expect(page.get_by_text("万元").first).to_be_visible()
    shoot(page, "zh_planner")
    for title in ("总览", "考核记分卡", "履职督导", "客户健康度", "指标目录", "参数设置"):
        open_page(page, title)
        shoot(page, f"zh_{title}")

    # Upload a staff file with one bad row: it is rejected with its reason, the rest imported.
    open_page(page, "数据导入")
    bad = (
        "staff_id,name,role,org_id,hired_on,left_on\n"
        "029504,孟鹏,planner,B01S02,2013-06-26,\n"
        "099999,错误行,janitor,B01S02,2020-01-01,\n"
    ).encode()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "staff.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    import_button = page.locator(".st-key-data_import").get_by_role("button")
    expect(import_button).to_be_enabled()
    import_button.click()
    expect(page.get_by_text("staff.csv 被拒绝的行")).to_be_visible()
    # The grid draws on a canvas; its accessible cells carry the text.
    expect(page.get_by_test_id("stDataFrame").filter(has_text="janitor")).to_have_count(1)
    shoot(page, "zh_data_report")

    # Download the rejected rows.
    with page.expect_download() as info:
        page.locator(".st-key-data_quarantine_0").get_by_role("button").click()
    target = tmp_path / "rejected.csv"
    info.value.save_as(target)
    text = target.read_text(encoding="utf-8-sig")
    assert "janitor" in text and text.splitlines()[0].startswith("file,line,column,reason")
    context.close()


def register_clients(template: Path, *rules: str) -> list[list[str]]:
    """Per rule, the clients of the register in the latest complete month, computed on a fresh
    copy of the tiny demo data `template` (the server holds its own copy)."""
    import tempfile

    from data.engine import make_engine
    from data.settings import load_settings
    from metrics.core.completeness import coverage
    from metrics.core.scope import Scope
    from metrics.measures.compliance import exceptions

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(copy_db(template, Path(folder)))
        with engine.connect() as conn:
            period = coverage(conn).latest("month")
            assert period is not None
            settings = load_settings(conn)
            out = [
                list(exceptions(conn, period, Scope.everything(), settings, rule)["client_id"])
                for rule in rules
            ]
        engine.dispose()
    return out


def register_by_unit(template: Path) -> tuple[dict[str, str], dict[str, int]]:
    """(unit names by id, exception rows per unit with the units below it) of the register in
    the latest complete month, computed on a fresh copy of the tiny demo data `template`."""
    import tempfile

    from sqlalchemy import text

    from data.engine import make_engine
    from data.settings import load_settings
    from metrics.core.completeness import coverage
    from metrics.core.scope import Scope
    from metrics.measures.compliance import exceptions

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(copy_db(template, Path(folder)))
        with engine.connect() as conn:
            period = coverage(conn).latest("month")
            assert period is not None
            register = exceptions(conn, period, Scope.everything(), load_settings(conn))
            units = conn.execute(text("SELECT org_id, name, parent_id FROM org_units")).all()
        engine.dispose()
    parent = {o: p for o, _n, p in units}

    def within(org: str | None, top: str) -> bool:
        while org is not None:
            if org == top:
                return True
            org = parent.get(org)
        return False

    rows = {o: sum(within(r, o) for r in register["org_id"]) for o, _n, _p in units}
    return {o: n for o, n, _p in units}, rows


def click_segment(page: Any, label: str) -> None:
    """Click the sunburst's segment labelled `label` (its first line; the second is the count),
    at its label: Plotly draws each segment as a path with its text on top."""
    # The one sunburst of the page (its key changes when "Show all" forgets the click).
    segment = page.locator(".sunburstlayer g.slice").filter(
        has=page.locator("tspan", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    expect(segment).to_have_count(1)
    segment.scroll_into_view_if_needed()
    box = segment.locator("text").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_compliance_drill(server: str, browser: Any, tiny_db_template: Path) -> None:
    """The Compliance page in Chromium: a click on a rule's count lists its exception rows (as
    many as the figure); a click on a sub-branch in the Plotly sunburst filters the register to
    that sub-branch's rows, as many as the segment shows; nothing is fetched from outside the
    server, in English and in Chinese."""
    page = new_page(browser)
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    page.goto(server)
    sign_in(page, DIRECTOR)
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    open_page(page, "Compliance")
    expect(page.get_by_text("Where the exceptions are", exact=False)).to_be_visible()
    # The ninth rule of lifecycle.md (risk assessment due) in the latest complete month of the
    # tiny demo: its clients as the register of a second copy of the same data lists them.
    due, other = register_clients(tiny_db_template, "risk_assessment_due", "client_unmaintained")
    assert due, "the tiny demo has clients due for a risk assessment"
    click_row(page, "compliance_rules", 8)
    n = len(due)
    expect(page.get_by_text(f"杭州分行 · Risk assessment due = {n}: {n} row(s)")).to_be_visible()
    rows = page.locator(".st-key-compliance_drill").get_by_test_id("stDataFrame")
    expect(rows).to_be_visible()
    # The grid draws on a canvas; its accessible cells carry the text: those clients.
    for client in due[:5]:
        expect(rows).to_contain_text(client)
    for client in [c for c in other if c not in due][:3]:  # another rule's clients
        expect(rows).not_to_contain_text(client)
    shoot(page, "en_compliance_drill")

    # The sunburst: the sub-branch with the most exceptions, clicked, filters the register.
    names, per_unit = register_by_unit(tiny_db_template)
    total = per_unit["B01"]
    expect(page.get_by_text(f"{total} exception(s)", exact=False)).to_be_visible()
    sub = max((o for o in names if o != "B01"), key=lambda o: per_unit[o])
    assert 0 < per_unit[sub] < total, per_unit  # the filter is seen to remove rows
    # The segment shows its count under its name: the register's rows of that unit.
    segment_text = page.locator(".sunburstlayer g.slice").filter(
        has=page.locator("tspan", has_text=re.compile(f"^{names[sub]}$"))
    )
    expect(segment_text).to_contain_text(str(per_unit[sub]))
    settle(page)
    click_segment(page, names[sub])
    expect(page.get_by_text(f"Filtered by the chart: {names[sub]}")).to_be_visible()
    expect(page.get_by_text(f"{per_unit[sub]} exception(s)", exact=False)).to_be_visible()
    shoot(page, "en_compliance_sunburst")
    # "Show all" brings the whole register back.
    page.locator(".st-key-compliance_sunburst_clear").get_by_role("button").click()
    expect(page.get_by_text(f"{total} exception(s)", exact=False)).to_be_visible()
    expect(page.get_by_text("Filtered by the chart")).to_have_count(0)

    # In Chinese: the same click, the chart's texts translated (a screenshot to look at).
    page.get_by_test_id("stSidebar").get_by_role("radio", name="简体中文").click()
    expect(page.get_by_role("heading", name="合规检查", level=1)).to_be_visible()
    settle(page)
    click_segment(page, names[sub])
    expect(page.get_by_text(f"已按图表筛选：{names[sub]}")).to_be_visible()
    expect(page.get_by_text(f"共{per_unit[sub]}条例外", exact=False)).to_be_visible()
    shoot(page, "zh_compliance_sunburst")
    assert outside(server, requested) == []
    page.context.close()


def outside(server: str, urls: list[str]) -> list[str]:
    """The requests that left the dashboard's own server (data: and blob: never leave)."""
    return sorted({u for u in urls if not u.startswith((server, "data:", "blob:", "about:"))})


@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_every_page_of_every_role_in_both_languages(server: str, browser: Any, user: str) -> None:
    """Every page a role's navigation offers, in English then in Chinese, photographed to
    tests/screenshots/<user>_<lang>_<n>.png; not one request leaves the dashboard's server (a bank
    intranet blocks outside hosts: the page icon once came from fonts.gstatic.com)."""
    page = new_page(browser, 1440, 1000)
    context = page.context
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page.goto(server)
    sign_in(page, user)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link").first).to_be_visible()
    for lang in ("en", "zh"):
        if lang == "zh":
            page.get_by_test_id("stSidebar").get_by_role("radio", name="简体中文").click()
            expect(nav.get_by_role("link").filter(has_text="考核记分卡")).to_have_count(1)
        links = nav.get_by_role("link")
        # A link's text is its icon's ligature name, then its label.
        titles = [links.nth(i).inner_text().strip().split("\n")[-1] for i in range(links.count())]
        assert len(titles) >= 4, titles
        for n, title in enumerate(titles):
            print(user, lang, title, flush=True)  # noqa: T201 - which page, should one fail
            links.nth(n).click()
            expect(page.get_by_role("heading", level=1).first).to_have_text(title)
            expect(page.get_by_text("Traceback")).to_have_count(0)
            shoot(page, f"{user}_{lang}_{n:02d}_{title}", finished=finished)
            assert cut_texts(page) == [], (user, lang, title)  # a tile's name or figure cut
            if lang == "zh":  # the uploader's "Upload", "200MB per file" (ui/page_style.py)
                shown = uploader_words(page)
                assert [w for w in shown if english_words(w)] == [], (user, title, shown)
    # The favicon is one of the requests: it is the dashboard's own.
    assert any("/media/" in u for u in requested), requested
    assert outside(server, requested) == []
    context.close()
