#!/usr/bin/env bash
# Issue 21's device run, one script for the GPU machine (it has PyTorch and
# no LLVM/MLIR), after `bash bench/gpu/prepare.sh` here:
#   run(command="bash bench/gpu/device_run.sh", carry=["gpu-check"], timeout_s=420)
# First the correctness check (device_check.sh: losses against the CPU's,
# the digits MLP's held-out accuracy, the tensor-core probe, the runtime's
# GPU unit tests), then the speed run against PyTorch (speed.py run) with
# what is left of 6 minutes, both tables under $OUT. Arguments go to
# speed.py (a dry run elsewhere: --device cpu --steps 3 --no-compile).
set -uo pipefail
cd "$(dirname "$0")/../.."
export OUT=${OUT:-/tmp/gpu-run-out}
mkdir -p "$OUT"
start=$SECONDS
# Hard limits: the check gets at most 150 s, the speed run what is left of
# 355 s (its torch.compile measurements start only with 60 s to spare;
# its table is written row by row, so a cut run keeps what it measured).
timeout 150 bash bench/gpu/device_check.sh || echo "device_check.sh: exit $? (124: cut at 150 s)"
left=$((355 - (SECONDS - start)))
timeout "$left" python3 bench/gpu/speed.py run --out "$OUT" --budget-s "$((left - 15))" "$@" ||
  echo "speed.py: exit $? (124: cut at ${left} s)"
echo "device run: $((SECONDS - start)) s in all (check, then speed with ${left} s left)" | tee "$OUT/wall.txt"
