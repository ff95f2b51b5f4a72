#!/usr/bin/env bash
# Set up the development requirements (and Debian's chromium when missing), then run every check:
# ruff (lint + format), mypy on metrics/, data/, ui/ and pages/, pip-audit on requirements.txt, and the whole pytest suite on DuckDB and
# PostgreSQL (WEALTH_TEST_PG, default 127.0.0.1:5432 as postgres), then the Spark module on a local
# Apache Spark (./spark.sh: pyspark and Java installed where missing).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Debian packages the tests need: chromium (browser tests), a CJK font (PDF meeting packs), nginx
# and openssl (docs/nginx.conf run in front of the dashboard, with a self-signed certificate).
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
ls /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq "${missing[@]}") >/dev/null
  else
    echo "missing Debian packages: sudo apt-get install ${missing[*]}" >&2
  fi
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy metrics data ui pages
# Known CVEs in the pinned runtime requirements (needs PyPI and the advisory database online).
.venv/bin/pip-audit -r requirements.txt --progress-spinner off
# The Spark module (issue 16) runs after the suite, in a venv of its own (.venv-spark: pyspark is
# ~500 MB, and with it in .venv every test run would start Spark), against one local Spark for the
# whole module, failing rather than skipping when Spark does not start. WEALTH_TEST_SPARK=0 leaves
# it out (the suite alone; without PyHive its module is then skipped, with that reason).
if [ "${WEALTH_TEST_SPARK:-1}" = 0 ]; then
  .venv/bin/python -m pytest -n 2 "$@"
else
  .venv/bin/python -m pytest -n 2 --ignore=tests/test_spark.py "$@"
  ./spark.sh
fi
