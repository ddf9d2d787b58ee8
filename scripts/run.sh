#!/usr/bin/env bash
# One command on a fresh machine: set up, then start the dashboard on the embedded SQLite register
# (~/.local/share/dataval/dataval.db, or $DATAVAL_DB_URL), loaded with the sample data on first start.
# On first start the first admin is created with `dataval user add` and its password printed once.
#
#   bash scripts/run.sh            # the dashboard on http://localhost:8501 ($DATAVAL_PORT to change)
#   bash scripts/run.sh --batch    # instead: value every sample engagement and the 1,000-asset batch → out/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

if [ "${1:-}" = "--batch" ]; then
  mkdir -p out
  for case in data/examples/*.json; do
    name=$(basename "$case" .json)
    .venv/bin/dataval value "$case" -o "out/$name.result.json"
  done
  .venv/bin/dataval value data/examples/batch_1000.csv -o out/batch_1000.results.csv --progress
  echo "results in $(pwd)/out"
  exit 0
fi

.venv/bin/dataval db init
.venv/bin/python -m app.first_start          # samples into an empty register (nothing if it holds data)
if [ "$(.venv/bin/dataval user list --json)" = "[]" ]; then
  password=${DATAVAL_ADMIN_PASSWORD:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')}
  printf '%s\n' "$password" | .venv/bin/dataval user add admin --role admin --name "管理员 Administrator" \
    --password-stdin --actor first-start
  echo "首个管理员 first admin: admin / $password  (其他用户在“用户”页添加 add the other users on the Users page)"
fi
exec .venv/bin/python -m streamlit run app/main.py --server.port "${DATAVAL_PORT:-8501}" \
  --server.address "${DATAVAL_ADDRESS:-localhost}"
