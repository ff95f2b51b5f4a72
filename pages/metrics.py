"""Metrics: the catalogue — every figure's name, family, unit, direction, roll-up and definition,
in the chosen language. Read from `metrics.catalogue`, so it can never disagree with the queries."""

from __future__ import annotations

import streamlit as st

from metrics.core.catalogue import CATALOGUE
from ui import state
from ui.i18n import metric_description, metric_name, t

ctx = state.context()
st.title(t("page.metrics"))
st.caption(t("metrics.intro"))
query = st.text_input(t("metrics.search"), key="metrics_search").strip().lower()

families = list(dict.fromkeys(m.family for m in CATALOGUE))
tabs = st.tabs([t(f"family.{f}") for f in families])
for tab, family in zip(tabs, families, strict=True):
    with tab:
        for metric in (m for m in CATALOGUE if m.family == family):
            name = metric_name(metric.id)
            text = metric_description(metric.id)
            haystack = f"{metric.id} {metric.name_en} {metric.name_zh} {text}".lower()
            if query and query not in haystack:
                continue
            with st.container(border=True):
                st.markdown(f"**{name}** · `{metric.id}`")
                better = t(f"better.{metric.better}") if metric.better else t("better.none")
                st.caption(
                    f"{t('metrics.unit')}: {t(f'unit.{metric.unit}')} · "
                    f"{t('metrics.better')}: {better} · {t('metrics.rollup')}: {t(f'rollup.{metric.rollup}')}"
                )
                st.markdown(text)
