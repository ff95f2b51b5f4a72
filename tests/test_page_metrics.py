"""Metrics page: the catalogue in both languages; every metric has a Chinese definition."""

from __future__ import annotations

import re

from metrics.core.catalogue import CATALOGUE
from tests.ui_support import goto, signed_in


def test_every_metric_has_a_chinese_definition() -> None:
    for m in CATALOGUE:
        assert re.search(r"[\u4e00-\u9fff]", m.description_zh), m.id


def test_catalogue_page(app_db: str) -> None:
    at = goto(signed_in(lang="zh"), "metrics")
    text = " ".join(m.value for m in at.markdown)
    assert "金融资产存量" in text and "`aum_stock`" in text
    at.text_input(key="metrics_search").input("retention").run()
    shown = " ".join(m.value for m in at.markdown)
    assert "高端客户留存率" in shown and "金融资产存量" not in shown
