#!/usr/bin/env bash
# Apache Spark for the metrics (issue 16): installs requirements-spark.txt (pyspark with its Thrift
# Server jars, PyHive) into .venv-spark (a venv of its own: with pyspark in .venv, every run of
# ./test.sh would start Spark) and Java where missing, then
#   ./spark.sh [pytest args]   runs tests/test_spark.py against a local Spark Thrift Server that
#                              the tests start once (local[2], 2 GiB) and stop at the end;
#   ./spark.sh serve           starts one for a first try and prints its URL (Ctrl-C stops it).
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
VENV=${WEALTH_SPARK_VENV:-.venv-spark}
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements-dev.txt -r requirements-spark.txt
if ! command -v java >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless) >/dev/null
  else
    echo "missing Java: sudo apt-get install openjdk-17-jre-headless" >&2
    exit 1
  fi
fi
if [ "${1:-}" = serve ]; then
  exec "$VENV/bin/python" -m tests.spark_server
fi
# WEALTH_TEST_SPARK=1: a Spark that does not start fails the tests instead of skipping them.
WEALTH_TEST_SPARK=1 exec "$VENV/bin/python" -m pytest -p no:cacheprovider tests/test_spark.py "$@"
