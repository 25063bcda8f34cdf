#!/usr/bin/env bash
# Regenerates the TableGen docs (dialect ops, passes) and the table of
# precision classes into docs/generated/.
# With --check, fails if the checked-in copies are stale.
# BUILD: the build directory (default build). --check (the generated-docs
# test, which passes its own build directory) builds nothing: the docs are
# part of the default build.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out=docs/generated
classes() { echo 'module {}' | "$BUILD/bin/lp-opt" --lp-print-precision-classes -o /dev/null; }
if [ "${1:-}" = "--check" ]; then
  diff -u "$out/LPDialect.md" "$BUILD/docs/Dialects/LPDialect.md"
  diff -u "$out/LPCodegenPasses.md" "$BUILD/docs/LPCodegenPasses.md"
  diff -u "$out/LPGPUCodegenPasses.md" "$BUILD/docs/LPGPUCodegenPasses.md"
  diff -u "$out/LPConversionPasses.md" "$BUILD/docs/LPConversionPasses.md"
  diff -u "$out/LPTransformsPasses.md" "$BUILD/docs/LPTransformsPasses.md"
  classes | diff -u "$out/PrecisionClasses.md" -
  echo "generated docs are up to date"
  exit 0
fi
ninja -C "$BUILD" mlir-doc lp-opt >/dev/null
mkdir -p "$out"
cp "$BUILD/docs/Dialects/LPDialect.md" "$out/LPDialect.md"
cp "$BUILD/docs/LPCodegenPasses.md" "$out/LPCodegenPasses.md"
cp "$BUILD/docs/LPGPUCodegenPasses.md" "$out/LPGPUCodegenPasses.md"
cp "$BUILD/docs/LPConversionPasses.md" "$out/LPConversionPasses.md"
cp "$BUILD/docs/LPTransformsPasses.md" "$out/LPTransformsPasses.md"
classes > "$out/PrecisionClasses.md"
echo "wrote $out/LPDialect.md $out/LPCodegenPasses.md $out/LPGPUCodegenPasses.md $out/LPConversionPasses.md $out/LPTransformsPasses.md $out/PrecisionClasses.md"
