#!/usr/bin/env bash
# One command on a fresh machine: set up, then run the main job on the bundled data (embedded default):
# value every sample engagement and the 1,000-asset sample batch, writing results to out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
for case in data/examples/*.json; do
  name=$(basename "$case" .json)
  .venv/bin/dataval value "$case" -o "out/$name.result.json"
done
.venv/bin/dataval value data/examples/batch_1000.csv -o out/batch_1000.results.csv --progress
echo "results in $(pwd)/out"
