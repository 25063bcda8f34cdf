#!/usr/bin/env bash
# The sanitizer build and its test suite (docs/Testing.md "Sanitizers"):
# installs what the normal build needs plus clang 22 and its sanitizer
# runtimes (Debian's clang-22, libclang-rt-22-dev: clang 14's
# LeakSanitizer dies scanning the dynamic TLS of OpenMP threads under
# glibc 2.36), builds LP with -DLP_SANITIZE=ON (AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer coverage on LP's own code) into
# build-sanitize/, and runs the whole test suite there through ctest with
# the sanitizers set to stop at the first report. Ends with ctest's
# summary. Not part of .ci/run (it takes longer than CI allows: a second
# full build); scripts/fuzz.sh fuzzes this build.
#
# Usage: scripts/sanitize.sh [--build-only] [ctest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_only=0
if [ "${1:-}" = --build-only ]; then
  build_only=1
  shift
fi
bash scripts/setup.sh >/dev/null
for p in clang-22 libclang-rt-22-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || {
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$p" >/dev/null
  }
done
if [ ! -f build-sanitize/build.ninja ]; then
  CC=clang-22 CXX=clang++-22 cmake -G Ninja -B build-sanitize \
    -DCMAKE_BUILD_TYPE=Release -DLP_SANITIZE=ON \
    -DPython3_EXECUTABLE="$(command -v "${PYTHON:-python3}")" >/dev/null
fi
ninja -C build-sanitize
[ "$build_only" = 1 ] && exit 0

# Every report counts, also from a process a test expects to fail: the
# sanitizers write their reports to files under build-sanitize/reports/
# (not to the process's stderr, where a test checking for an error message
# could take them for one), exit with code 86, and LeakSanitizer runs at
# exit. The suite fails when any report was written. The suppressions name
# only code LP does not own, each with its reason (scripts/lsan.supp).
reports=$PWD/build-sanitize/reports
rm -rf "$reports"
mkdir -p "$reports"
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons its slabs when its
# header is compiled with ASan (LP's code) but not when the same allocator
# runs inside Debian's uninstrumented libMLIR.so, which then writes into a
# slab LP's inlined copy poisoned: a false use-after-poison in
# StorageUniquer, not a bug of either (docs/Testing.md "Sanitizers").
export ASAN_OPTIONS=halt_on_error=1:exitcode=86:detect_leaks=1:allow_user_poisoning=0:log_path=$reports/asan
export UBSAN_OPTIONS=halt_on_error=1:exitcode=86:print_stacktrace=1:log_path=$reports/ubsan
export LSAN_OPTIONS=suppressions=$PWD/scripts/lsan.supp:print_suppressions=0
# Python loads the runtime library through ctypes (test_aot.py): it needs
# the shared ASan runtime loaded first, which that test preloads in a child.
LP_ASAN_RUNTIME=$(clang-22 -print-file-name=libclang_rt.asan-x86_64.so)
export LP_ASAN_RUNTIME
status=0
(cd build-sanitize && ctest --output-on-failure "$@") || status=$?
n=$(find "$reports" -type f | wc -l)
for r in $(find "$reports" -type f | sort); do
  echo "=== sanitizer report $r"
  head -40 "$r"
done
echo "sanitize.sh: $n sanitizer report(s)"
[ "$n" = 0 ] || status=1
exit $status
