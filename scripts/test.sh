#!/usr/bin/env bash
# One command on a fresh machine: install the system programs the tests use (LibreOffice, PostgreSQL,
# Chromium), set up .venv, then lint, type-check, check the dependency rules (import-linter) and run every test.
# With CI=true a test that would skip because a system component is missing fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system_deps.sh
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest "$@"
