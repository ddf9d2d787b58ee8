#!/usr/bin/env bash
# Set up dataval on a fresh machine: a virtual environment in .venv with the package and its dev tools.
# Idempotent: re-running only installs what is missing. System packages the tests need are installed by
# scripts/test.sh (they are not needed to run the engine).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
echo "dataval installed in $(pwd)/.venv"
