#!/usr/bin/env bash
# Check every example model end to end:
#   1. `lp-opt --lp-lower-to-llvm` lowers it, and upstream `mlir-opt` accepts
#      the lowered module unchanged (exit 0); the result holds only llvm ops
#      and, for kernels split over threads, omp ops on LLVM types (both
#      translated to LLVM IR by mlir-translate / lp-translate);
#   2. `lp-run` runs it on its exported batch (seed 0) and the loss is finite
#      and within 0.5 of ln(classes) (the loss of uniform predictions);
#   3. examples/char_lm.mlir is what scripts/gen_char_lm.py generates;
#   4. (unless --no-numpy) scripts/reference_loss.py recomputes every loss in
#      float64 NumPy, with lp-run's own initial weights and with random
#      weights passed through --params, and requires agreement to 1e-5.
#
# Usage: scripts/check_examples.sh [--no-numpy]
# Environment: BUILD (default build), MLIR_OPT (default
# /usr/lib/llvm-22/bin/mlir-opt), PYTHON (default python3).
# Creates examples/data/*.npz with scripts/export_data.py when missing.
# Exits non-zero if any check fails (all checks still run).
set -u
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
LP_OPT=$BUILD/bin/lp-opt
LP_RUN=$BUILD/bin/lp-run
MLIR_OPT=${MLIR_OPT:-/usr/lib/llvm-22/bin/mlir-opt}
PYTHON=${PYTHON:-python3}
NUMPY=1
for arg in "$@"; do
  case $arg in
    --no-numpy) NUMPY=0 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $arg" >&2; exit 2 ;;
  esac
done

# model            batch file              classes
EXAMPLES="digits_mlp digits_batch.npz 10
digits_cnn digits_cnn_batch.npz 10
char_lm chars_batch.npz 96"

status=0
fail() { echo "FAIL: $*"; status=1; }

for f in digits_batch.npz digits_cnn_batch.npz chars_batch.npz; do
  if [ ! -f examples/data/$f ]; then
    "$PYTHON" scripts/export_data.py || { echo "FAIL: export_data.py"; exit 1; }
    break
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

while read -r name batch classes; do
  model=examples/$name.mlir
  echo "== $name"
  # 1. Lowering, accepted by upstream mlir-opt.
  if "$LP_OPT" --lp-lower-to-llvm "$model" > "$tmp/$name.llvm.mlir"; then
    if "$MLIR_OPT" "$tmp/$name.llvm.mlir" > /dev/null; then
      others=$(grep -oE '^\s*(%[^=]*= )?"?[a-z_]+\.[a-z_.]+' "$tmp/$name.llvm.mlir" \
               | sed -E 's/.*= //; s/^\s*"?//' | grep -vE '^(llvm|omp)\.' | sort -u | tr '\n' ' ')
      if [ -n "$others" ]; then
        fail "$name: lowered module still has non-llvm ops: $others"
      else
        echo "lowered: $(wc -l < "$tmp/$name.llvm.mlir") lines, accepted by mlir-opt"
      fi
    else
      fail "$name: mlir-opt rejects the output of lp-opt --lp-lower-to-llvm"
    fi
  else
    fail "$name: lp-opt --lp-lower-to-llvm"
  fi
  # 2. Run on the batch.
  if out=$("$LP_RUN" "$model" --data "examples/data/$batch" 2>&1); then
    echo "$out"
    loss=$(sed -nE 's/^loss: float32 = (.*)$/\1/p' <<< "$out")
    if ! "$PYTHON" -c "import math,sys; l=float('$loss'); e=math.log($classes); \
sys.exit(0 if math.isfinite(l) and abs(l-e) < 0.5 else 1)" 2> /dev/null; then
      fail "$name: loss '$loss' is not finite or not within 0.5 of ln($classes)"
    fi
  else
    echo "$out"
    fail "$name: lp-run"
  fi
done <<< "$EXAMPLES"

# 3. The checked-in generated model is current.
echo "== char_lm generator"
if "$PYTHON" scripts/gen_char_lm.py -o "$tmp/char_lm.mlir" 2> /dev/null &&
   cmp -s "$tmp/char_lm.mlir" examples/char_lm.mlir; then
  echo "examples/char_lm.mlir matches scripts/gen_char_lm.py"
else
  fail "examples/char_lm.mlir differs from scripts/gen_char_lm.py's output"
fi

# 4. Independent NumPy forward passes.
if [ $NUMPY = 1 ]; then
  echo "== numpy reference (float64)"
  "$PYTHON" scripts/reference_loss.py --lp-run "$LP_RUN" ||
    fail "reference_loss.py"
fi

[ $status = 0 ] && echo "all example checks passed" || echo "some example checks FAILED"
exit $status
