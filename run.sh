#!/usr/bin/env bash
# Set everything up (virtual environment, requirements) and start the dashboard on the embedded
# DuckDB file. An empty database is filled with the `demo` data set on first start.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python -m data upgrade
.venv/bin/python -m data first-start
exec .venv/bin/python -m streamlit run app.py --server.headless true "$@"
