#!/usr/bin/env bash
# The main job: install, build, export the data, and run the digits MLP on a
# real batch with lp-run (its loss is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 scripts/export_data.py
echo "== digits MLP (64-128-128-10), one real batch of 64, seed 0"
./build/bin/lp-run examples/digits_mlp.mlir --data examples/data/digits_batch.npz --seed 0
