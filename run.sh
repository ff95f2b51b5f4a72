#!/usr/bin/env bash
# Set everything up (virtual environment, requirements) and start the dashboard on the embedded
# DuckDB file. An empty database is filled with the `demo` data set on first start.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# Install the requirements only when requirements.txt changed since the last install (its hash is
# kept next to the environment it describes): a restart does not spend half a minute in pip.
STAMP=.venv/.requirements.sha256
WANT=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$WANT" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  echo "$WANT" >"$STAMP"
fi
# PDF meeting packs embed a CJK font (Debian's fonts-noto-cjk); install it when we may.
if ! ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk) >/dev/null || true
fi
.venv/bin/python -m data first-start
# `streamlit run app.py`, with the modules the pages use loaded before the first visitor (ui/serve.py).
exec .venv/bin/python -m ui.serve --server.headless true "$@"
