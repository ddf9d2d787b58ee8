#!/usr/bin/env bash
# One command on a fresh machine: set up, then lint, type-check and run every test.
# With CI=true a test that would skip because a system component is missing fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
