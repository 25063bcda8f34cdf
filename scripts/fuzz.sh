#!/usr/bin/env bash
# Coverage-guided fuzzing of LP's .npy/.npz readers (issue 19, point 14b):
# builds fuzz/NpyNpzFuzzer.cpp with clang's libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, runs it from the committed corpus
# (fuzz/corpus/npy-npz) in fork mode for --minutes N (default 10), going on
# past crashes, and classifies each crash by its top stack frame in LP's
# code. Never part of the test suite: ctest's `fuzz-replay` replays the
# committed corpus and reproducers deterministically. A crash found here is
# fixed, and its input is committed to fuzz/corpus/npy-npz as a reproducer.
#
# Usage: scripts/fuzz.sh [--minutes N] [--jobs J]
# Needs clang and libclang-rt-14-dev (Debian), installed when missing.
# Writes build-fuzz/ (the binary, new corpus entries, crashes); exit 0 when
# no crash was found, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10
jobs=2
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
for p in clang libclang-rt-14-dev zlib1g-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || {
    SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$p" >/dev/null
  }
done
out=build-fuzz
mkdir -p "$out/corpus" "$out/crashes"
clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -Iruntime/include -Iruntime/lib \
  fuzz/NpyNpzFuzzer.cpp runtime/lib/NpyFile.cpp runtime/lib/NpyHeader.cpp \
  runtime/lib/NpzArchive.cpp -lz -o "$out/npy-npz-fuzzer"
echo "fuzz.sh: fuzzing the .npy/.npz readers for $minutes min with $jobs jobs"
"$out/npy-npz-fuzzer" "$out/corpus" fuzz/corpus/npy-npz -fork="$jobs" \
  -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -rss_limit_mb=2048 \
  -timeout=10 -max_total_time=$((minutes * 60)) \
  -artifact_prefix="$out/crashes/" 2>"$out/fuzz.log" || true
grep -E "^#[0-9]+.*(cov|DONE)" "$out/fuzz.log" | tail -1 || true
crashes=0
for crash in "$out"/crashes/*; do
  [ -f "$crash" ] || continue
  crashes=$((crashes + 1))
  frame=$("$out/npy-npz-fuzzer" "$crash" 2>&1 | grep -m1 -E "#[0-9]+ .* runtime/lib/" |
          sed -E 's/.* in ([^ ]+) .*(runtime\/lib\/[^ ]+).*/\1 \2/' || true)
  echo "crash $(basename "$crash"): ${frame:-no frame in runtime/lib}"
done
echo "fuzz.sh: $crashes crash(es); new corpus entries in $out/corpus"
[ "$crashes" = 0 ]
