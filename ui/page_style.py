"""Style sheets app.py adds to every page, for what Streamlit offers no parameter for: a KPI
tile's name wraps onto a second line instead of being cut ("Needs and suggestions coll…"), and
on a Chinese page the file uploader's own words ("Upload", "200MB per file • CSV") are shown in
Chinese (the size limit read from the server's configuration; the accepted types are left to
the uploader's label, which names them). Style elements only: they take no room on the page."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t

_TILES = """<style>
[data-testid=stMetricLabel], [data-testid=stMetricLabel] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important; }
</style>"""

_UPLOADER = """<style>
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p,
[data-testid=stFileUploaderDropzoneInstructions] span {{ font-size: 0; }}
[data-testid=stFileUploaderDropzone] button [data-testid=stMarkdownContainer] p::after {{
  content: "{button}"; font-size: 0.875rem; }}
[data-testid=stFileUploaderDropzoneInstructions] span::after {{
  content: "{limit}"; font-size: 0.875rem; }}
</style>"""


def apply(lang: str) -> None:
    st.html(_TILES)
    if lang == "zh":
        megabytes = st.config.get_option("server.maxUploadSize")
        st.html(
            _UPLOADER.format(
                button=t("uploader.button"), limit=t("uploader.limit", megabytes=megabytes)
            )
        )
