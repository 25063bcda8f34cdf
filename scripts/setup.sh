#!/usr/bin/env bash
# Installs everything LP needs (Debian packages, PyPI packages) and builds it.
# Idempotent: when everything is present it only runs an incremental build.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
              cmake ninja-build g++ zlib1g-dev libgtest-dev libopenblas-dev libomp5 libdnnl-dev
              python3 python3-pip)
PIP_PACKAGES=(numpy ml_dtypes scikit-learn pytest lit nanobind)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import numpy, ml_dtypes, sklearn, pytest, lit, nanobind" 2>/dev/null; then
  echo "setup: installing Python packages: ${PIP_PACKAGES[*]}"
  "$PYTHON" -m pip install -q "${PIP_PACKAGES[@]}" 2>&1 | grep -v "WARNING: Running pip as" || true
fi

# Configured again when the build predates the Python package (nanobind).
if [ ! -f build/build.ninja ] || ! grep -q "lp-python" build/build.ninja; then
  cmake -G Ninja -B build -DCMAKE_BUILD_TYPE=Release \
    -DPython3_EXECUTABLE="$(command -v "$PYTHON")" >/dev/null
fi
ninja -C build
