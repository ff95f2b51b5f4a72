"""One table of pages and roles (`ui.pages_table`): the navigation and every page's guard read it.

Statically, every page file is in the table and its first statement that runs anything is
`state.context()` (the guard), with no role check of its own that could disagree with the table.
On screen, a role opening a page the table does not allow it (by its URL, i.e. the page file run
for that session) is refused before anything of the page shows, and the navigation lists exactly
the table's pages for each role."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_page_smoke import PAGES as SMOKE_PAGES
from tests.ui_support import DIRECTOR, HEAD, PLANNER, TIMEOUT, signed_in
from ui import pages_table
from ui.i18n import t

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if p.stem != "__init__")
ROLE_OF = {DIRECTOR: "director", HEAD: "head", PLANNER: "planner"}


def test_every_page_file_is_in_the_table_and_nothing_else() -> None:
    assert sorted(pages_table.BY_STEM) == PAGE_FILES


def _is_context_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "context"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "state"
    )


@pytest.mark.parametrize("stem", PAGE_FILES)
def test_every_page_is_guarded_first_by_the_table(stem: str) -> None:
    tree = ast.parse((ROOT / "pages" / f"{stem}.py").read_text(encoding="utf-8"))
    runs = [
        node
        for node in tree.body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and any(isinstance(n, ast.Call) for n in ast.walk(node))
        and not (isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.decorator_list)
    ]
    assert runs, stem
    first = runs[0]
    value = first.value if isinstance(first, ast.Assign | ast.Expr) else None
    assert value is not None and _is_context_call(value), (
        f"pages/{stem}.py must start with state.context() (line {first.lineno})"
    )
    source = ast.unparse(tree)
    # A page may still show different things to different roles (the schemes page's editor);
    # whether it opens at all is the table's.
    for own_check in ("require_role(", "require_director("):
        assert own_check not in source, f"pages/{stem}.py checks roles itself: {own_check}"


@pytest.mark.parametrize("user", [DIRECTOR, HEAD, PLANNER])
def test_the_table_agrees_with_what_each_role_visits(user: str) -> None:
    """The pages every role is shown (the smoke test visits them all) are the table's."""
    assert sorted(p.stem for p in pages_table.pages_of(ROLE_OF[user])) == sorted(SMOKE_PAGES[user])


@pytest.mark.parametrize("user", [HEAD, PLANNER])
def test_a_page_opened_by_url_outside_the_role_is_refused(app_db: str, user: str) -> None:
    """The navigation does not offer the page; the page file run for that signed-in session
    anyway (Streamlit's pages-directory mode) stops at its guard, before any query or title."""
    role = ROLE_OF[user]
    forbidden = [s for s in PAGE_FILES if not pages_table.allowed(s, role)]
    assert "audit" in forbidden and "users" in forbidden
    at = signed_in(user)
    context = at.session_state["_context"]
    for stem in forbidden:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(f"pages/{stem}.py")
        page = AppTest.from_file(str(ROOT / "pages" / f"{stem}.py"), default_timeout=TIMEOUT)
        page.session_state["_context"] = context
        page.run()
        assert not page.exception, (stem, page.exception)
        assert [e.value for e in page.error] == [t("error.not_allowed")], stem
        assert not page.title and not page.dataframe, f"{stem} showed something to a {role}"


def test_an_unknown_page_is_refused_to_everyone() -> None:
    assert not pages_table.allowed("not_a_page", "director")
    assert not pages_table.allowed("audit", None)
    assert pages_table.allowed("audit", "director")
