"""Streamlit-only helpers shared by `app.py` and the pages: cached access to the metrics layer
(`state`), the English / Chinese strings (`i18n`), number formats (`format`) and the Altair chart
builders (`charts`). Nothing in `metrics/` or `data/` imports from here."""
