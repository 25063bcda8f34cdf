#!/usr/bin/env bash
# Install, build and run the whole test suite (lit, GoogleTest, numerics and
# examples) through ctest; ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# PyTorch for the importer's tests only (python/tests/test_from_torch.py;
# lp itself does not need it): about 3 minutes from PyPI when missing
# (docs/Python.md); LP_TEST_NO_TORCH=1 skips the install, and those tests
# then report themselves skipped.
PYTHON=${PYTHON:-python3}
if [ "${LP_TEST_NO_TORCH:-0}" != 1 ] && ! "$PYTHON" -c "import torch" 2>/dev/null; then
  echo "run-tests: installing PyTorch (for the importer's tests)"
  "$PYTHON" -m pip install -q torch 2>&1 | grep -v "WARNING: Running pip as" || true
fi
cd build
ctest --output-on-failure "$@"
