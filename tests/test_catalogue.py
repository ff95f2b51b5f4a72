"""The KPI catalogue covers the spec exactly, and the documentation is generated from it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from metrics.core.catalogue import (
    APPRAISAL_FAMILIES,
    BY_ID,
    CATALOGUE,
    appraisal_ids,
    health_ids,
    kind_ids,
    markdown_table,
    supervision_ids,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec"
DOCS = ROOT / "docs" / "metrics.md"
# kpis.md groups the work-item figures under one row; the CLI spells out its columns.
SPEC_GROUPS = {"work_items"}


def kpi_table_ids(section: str) -> list[str]:
    """The `id` column of the table under a `## section` heading of kpis.md."""
    text = (SPEC / "kpis.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.M)


def cli_columns(label: str) -> list[str]:
    text = (SPEC / "cli.md").read_text(encoding="utf-8")
    match = re.search(rf"- {label} columns: (.*?)\.\n", text, flags=re.S)
    assert match, label
    return re.findall(r"[a-z_]+", match.group(1).replace("\n", " "))


def test_ids_unique_and_indexed() -> None:
    ids = [m.id for m in CATALOGUE]
    assert len(ids) == len(set(ids)) == len(BY_ID)


def test_appraisal_ids_follow_kpis_md() -> None:
    assert appraisal_ids() == kpi_table_ids("Appraisal KPIs")
    assert {BY_ID[i].family for i in appraisal_ids()} == set(APPRAISAL_FAMILIES)


def test_supervision_and_health_follow_cli_md() -> None:
    """cli.md's columns first, in its order; metrics beyond the spec may follow them."""
    spec = cli_columns("Supervision")
    assert supervision_ids()[: len(spec)] == spec
    assert health_ids() == cli_columns("Health")


def test_every_spec_id_is_catalogued() -> None:
    spec_ids = set(kpi_table_ids("Appraisal KPIs"))
    spec_ids |= set(kpi_table_ids("Supervision metrics")) - SPEC_GROUPS
    # care_due is a reminder list, not a figure of the health table.
    spec_ids |= set(kpi_table_ids("Portfolio health")) - {"care_due"}
    assert spec_ids <= set(BY_ID), spec_ids - set(BY_ID)
    compliance = set(kind_ids("compliance"))
    assert set(BY_ID) == (
        set(appraisal_ids()) | set(supervision_ids()) | set(health_ids()) | compliance
    )


def lifecycle_columns() -> list[str]:
    """The figure columns of `python -m metrics compliance` named in lifecycle.md."""
    text = (SPEC / "lifecycle.md").read_text(encoding="utf-8")
    match = re.search(r"columns `entity_id, (.*?)`", text, flags=re.S)
    assert match
    return [c.strip() for c in match.group(1).replace("\n", " ").split(",")]


def lifecycle_rules() -> list[str]:
    """The rule ids of lifecycle.md's rule tables (first column, in backticks)."""
    text = (SPEC / "lifecycle.md").read_text(encoding="utf-8")
    body = text.split("## Rules and their exceptions", 1)[1].split("\n## What must be shown", 1)[0]
    return re.findall(r"^\| `([a-z_]+)` \|", body, flags=re.M)


def test_compliance_follows_lifecycle_md() -> None:
    """The figures of lifecycle.md first, then one `exc_<rule>` count per rule of its tables."""
    figures = lifecycle_columns()
    rules = lifecycle_rules()
    assert len(rules) == 17, rules
    assert kind_ids("compliance") == figures + [f"exc_{r}" for r in rules]


def test_records_are_complete() -> None:
    for m in CATALOGUE:
        assert m.description.strip() and m.name_en.strip() and m.name_zh.strip(), m.id
        assert re.search(r"[\u4e00-\u9fff]", m.name_zh), m.id
        if m.kind == "appraisal":
            assert m.family in APPRAISAL_FAMILIES and m.better is not None
        else:
            assert m.family == m.kind
        assert m.unit in ("yuan", "count", "ratio", "score", "points", "days", "minutes", "hours")
        assert m.rollup in ("sum", "ratio", "mean", "stock", "max", "distinct")
        if m.unit == "ratio":
            assert m.rollup == "ratio", m.id


def test_docs_metrics_md_is_generated_from_the_catalogue() -> None:
    assert DOCS.read_text(encoding="utf-8") == markdown_table(), (
        "docs/metrics.md is stale: run `python -m metrics catalogue --markdown > docs/metrics.md`"
    )
    for m in CATALOGUE:
        assert f"| `{m.id}` |" in markdown_table()


def test_catalogue_command_prints_the_table() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "catalogue", "--markdown"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert out == markdown_table()


def test_readme_metric_table_is_generated_from_the_catalogue() -> None:
    from metrics.core.catalogue import CATALOGUE, readme_table

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, (
        "README's metric table is stale: `python -m metrics catalogue --readme`"
    )
    for metric in CATALOGUE:
        assert f"| `{metric.id}` |" in readme, metric.id


def test_every_metrics_query_goes_through_the_sql_gateway() -> None:
    """metrics/core/sql.py is the one place a metrics module runs SQL (timing and tracing)."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent / "metrics"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "sql.py" and ".execute(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
