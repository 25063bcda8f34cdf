#!/usr/bin/env bash
# The main job: install, build, export the data, then train the digits MLP
# (64-128-128-10) on the CPU with lp-run and print its held-out accuracy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 scripts/export_data.py
D=examples/data
echo "== digits MLP: loss of one real batch at initialisation (seed 0)"
./build/bin/lp-run examples/digits_mlp.mlir --data $D/digits_batch.npz --seed 0
echo "== digits MLP: 600 steps of SGD (lr 0.1, momentum 0.9), batch 64"
./build/bin/lp-run examples/digits_mlp.mlir --train \
  --data $D/digits_train.npz --eval-data $D/digits_test.npz \
  --steps 600 --log-every 100 --optimizer sgd --lr 0.1 --momentum 0.9 --seed 0
