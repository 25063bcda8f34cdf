#!/usr/bin/env bash
# Install, build and run the whole test suite (lit, GoogleTest, numerics and
# examples) through ctest; ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure "$@"
