#!/usr/bin/env bash
# Regenerates the TableGen docs (dialect ops, passes) and the table of
# precision classes into docs/generated/.
# With --check, fails if the checked-in copies are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
ninja -C build mlir-doc lp-opt >/dev/null
out=docs/generated
classes() { echo 'module {}' | build/bin/lp-opt --lp-print-precision-classes -o /dev/null; }
if [ "${1:-}" = "--check" ]; then
  diff -u "$out/LPDialect.md" build/docs/Dialects/LPDialect.md
  diff -u "$out/LPCodegenPasses.md" build/docs/LPCodegenPasses.md
  diff -u "$out/LPConversionPasses.md" build/docs/LPConversionPasses.md
  diff -u "$out/LPTransformsPasses.md" build/docs/LPTransformsPasses.md
  classes | diff -u "$out/PrecisionClasses.md" -
  echo "generated docs are up to date"
  exit 0
fi
mkdir -p "$out"
cp build/docs/Dialects/LPDialect.md "$out/LPDialect.md"
cp build/docs/LPCodegenPasses.md "$out/LPCodegenPasses.md"
cp build/docs/LPConversionPasses.md "$out/LPConversionPasses.md"
cp build/docs/LPTransformsPasses.md "$out/LPTransformsPasses.md"
classes > "$out/PrecisionClasses.md"
echo "wrote $out/LPDialect.md $out/LPCodegenPasses.md $out/LPConversionPasses.md $out/LPTransformsPasses.md $out/PrecisionClasses.md"
