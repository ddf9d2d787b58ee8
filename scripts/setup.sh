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
# pip's and the build backend's chatter (the editable-install banner) goes to a log, shown only on failure
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { .venv/bin/python -m pip install --quiet --upgrade pip \
       && PYTHONWARNINGS=ignore .venv/bin/python -m pip install --quiet -e ".[dev]"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup failed: pip could not install dataval (its output is above)" >&2
  exit 1
fi
echo "dataval installed in $(pwd)/.venv"
