#!/usr/bin/env bash
# Prepares the GPU run that bench/gpu/device_run.sh runs on the GPU machine
# (it has no LLVM/MLIR): builds here, into gpu-check/ (ignored by git; give
# it to the device tool as a carried path),
#   bin/lp-exec, lib/libLPRuntime.so  the runtime alone (libc, libstdc++, libz)
#   bin/LPUnitTests                     the runtime's unit tests (the GPU ones
#                                       run there: products, epilogues, batches)
#   gpu/<case>.so                       train steps lowered by lp-lower-to-nvvm
#   cpu/<case>.losses                   the same steps' losses on this CPU
#   cpu/mlp_f32.eval                    the digits MLP's held-out accuracy here
#   cases                               one line per case: name model build
#                                       data steps precision (f32 or lowp)
#                                       matmul (generated, cublaslt or mma)
#   speed/                              the speed run's steps (speed.py)
# Run from the repository root after building (BUILD, default build).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
CHIP=${CHIP:-sm_90}
TOOLKIT=${TOOLKIT:-/usr/local/cuda}
OUT=gpu-check
rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/lib" "$OUT/gpu" "$OUT/cpu"
cp "$BUILD/bin/lp-exec" "$OUT/bin/"
cp "$BUILD/test/Unit/LPUnitTests" "$OUT/bin/"
cp -L "$BUILD/lib/libLPRuntime.so" "$OUT/lib/"
D=examples/data
# name | model | build options (commas for spaces) | data | steps |
# precision | GPU matmuls
cat > "$OUT/cases" <<CASES
mlp_f32 digits_mlp --lp-build-train-step $D/digits_train.npz 20 f32 generated
mlp_f32_cublaslt digits_mlp --lp-build-train-step $D/digits_train.npz 20 f32 cublaslt
lm_adamw_cublaslt char_lm --lp-build-train-step=optimizer=adamw $D/chars_train.npz 20 f32 cublaslt
mlp_bf16 digits_mlp --lp-build-train-step=precision=bf16 $D/digits_train.npz 50 lowp generated
mlp_f16_dynamic digits_mlp --lp-build-train-step=precision=f16,loss-scale=dynamic $D/digits_train.npz 50 lowp generated
mlp_bf16_mma digits_mlp --lp-build-train-step=precision=bf16 $D/digits_train.npz 50 lowp mma
mlp_f16_mma digits_mlp --lp-build-train-step=precision=f16,loss-scale=dynamic $D/digits_train.npz 50 lowp mma
lm_bf16_mma char_lm --lp-build-train-step=precision=bf16,optimizer=adamw $D/chars_train.npz 50 lowp mma
cnn_adam digits_cnn --lp-build-train-step=optimizer=adam $D/digits_cnn_train.npz 20 f32 generated
lm_adamw char_lm --lp-build-train-step=optimizer=adamw $D/chars_train.npz 20 f32 generated
CASES
while read -r name model build data steps precision matmul; do
  build=${build//,/ }
  "$BUILD/bin/lp-opt" "examples/$model.mlir" "$build" \
    --lp-lower-to-nvvm="inplace-results chip=$CHIP toolkit=$TOOLKIT matmul=$matmul" |
    "$BUILD/bin/lp-translate" --lp-to-object -o "$OUT/gpu/$name.o"
  cc -shared "$OUT/gpu/$name.o" -o "$OUT/gpu/$name.so"
  rm "$OUT/gpu/$name.o"
  "$BUILD/bin/lp-opt" "examples/$model.mlir" "$build" --lp-lower-to-llvm=inplace-results |
    "$BUILD/bin/lp-translate" --lp-to-object --target-cpu=x86-64-v3 -o "$OUT/cpu/$name.o"
  cc -shared "$OUT/cpu/$name.o" -o "$OUT/cpu/$name.so" -L/usr/lib/llvm-22/lib -l:libomp.so.5 -lmvec
  "$BUILD/bin/lp-exec" "$OUT/cpu/$name.so" --train --data="$data" --steps="$steps" --seed=5 \
    --no-shuffle --loss-log="$OUT/cpu/$name.losses" >/dev/null
  # The digits MLP's held-out accuracy after 500 steps (issue 21, point 5).
  if [ "$name" = mlp_f32 ]; then
    "$BUILD/bin/lp-exec" "$OUT/cpu/$name.so" --train --data="$data" --steps=500 --seed=5 \
      --no-shuffle --log-every=0 --eval-data=$D/digits_test.npz | grep accuracy > "$OUT/cpu/$name.eval"
  fi
  rm "$OUT/cpu/$name.o" "$OUT/cpu/$name.so"
  echo "prepared $name"
done < "$OUT/cases"
# The direct test of the generated tensor-core products (matmul=mma):
# exact small-integer products against numpy (bench/gpu/mma_probe.mlir).
"$BUILD/bin/lp-opt" bench/gpu/mma_probe.mlir \
  --lp-lower-to-nvvm="chip=$CHIP toolkit=$TOOLKIT matmul=mma" |
  "$BUILD/bin/lp-translate" --lp-to-object -o "$OUT/gpu/mma_probe.o"
cc -shared "$OUT/gpu/mma_probe.o" -o "$OUT/gpu/mma_probe.so"
rm "$OUT/gpu/mma_probe.o"
python3 bench/gpu/mma_probe_data.py "$OUT"
echo "prepared mma_probe"
# The speed run's steps (bench/gpu/speed.py prepare: gpu-check/speed/).
python3 bench/gpu/speed.py prepare --build "$BUILD" --chip "$CHIP" --toolkit "$TOOLKIT"
du -sh "$OUT"
