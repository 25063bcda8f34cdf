#!/usr/bin/env bash
# Coverage-guided fuzzing of LP (issue 19, point 14; docs/Testing.md
# "Fuzzing"). Builds the sanitizer build (scripts/sanitize.sh --build-only:
# clang, libFuzzer, AddressSanitizer, UndefinedBehaviorSanitizer) and runs
# each fuzz target of fuzz/ from its committed corpus (fuzz/corpus/<target>)
# in fork mode, going on past crashes, for its share of --minutes N
# (default 10, split evenly between the targets given, default all):
#   npy-npz  the .npy/.npz readers
#   model    parse + verify + every LP pass and pipeline on a model
#   binding  lp-run's data binding (signature document + .npz archive)
# Each crash is classified by its top stack frame in LP's code (lib/,
# runtime/, tools/) or reported as upstream. Never part of the test suite:
# ctest's `fuzz-replay` replays the committed corpora deterministically. A
# crash in LP's code is fixed and its input committed as
# fuzz/corpus/<target>/repro-<what>.
#
# Usage: scripts/fuzz.sh [--minutes N] [--jobs J] [TARGET...]
# Writes build-fuzz/<target>/ (new corpus entries, crashes, fuzz.log); exit
# 0 when no crash in LP's code was found, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=10
jobs=2
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --minutes) minutes=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    npy-npz|model|binding) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown option or target $1" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(npy-npz model binding)
bash scripts/sanitize.sh --build-only >/dev/null
seconds=$((minutes * 60 / ${#targets[@]}))
# Leaks are the sanitizer suite's concern (scripts/sanitize.sh); user
# poisoning is off for the reason given there.
export ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
lp_crashes=0
for t in "${targets[@]}"; do
  fuzzer=build-sanitize/bin/lp-fuzz-$t
  out=build-fuzz/$t
  mkdir -p "$out/corpus" "$out/crashes"
  echo "fuzz.sh: $t for $seconds s with $jobs jobs"
  # Larger inputs for models and archives than libFuzzer's default 4 KiB;
  # stdout (a pass's report) is closed.
  "$fuzzer" "$out/corpus" "fuzz/corpus/$t" -fork="$jobs" -close_fd_mask=1 \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -rss_limit_mb=4096 \
    -max_len=65536 -timeout=30 -max_total_time="$seconds" \
    -artifact_prefix="$out/crashes/" 2>"$out/fuzz.log" || true
  grep -E "^#[0-9]+" "$out/fuzz.log" | tail -1 || true
  for crash in "$out"/crashes/*; do
    [ -f "$crash" ] || continue
    frame=$("$fuzzer" "$crash" 2>&1 |
            grep -m1 -E "#[0-9]+ .* $PWD/(lib|runtime|tools|fuzz)/" |
            sed -E "s|.* in (.*) $PWD/([^ ]*).*|\1 \2|" || true)
    case $frame in
      *ModelFuzzer.cpp*|*BindingFuzzer.cpp*|*NpyNpzFuzzer.cpp*|"")
        echo "crash $t/$(basename "$crash"): upstream (no LP frame below the harness)" ;;
      *)
        lp_crashes=$((lp_crashes + 1))
        echo "crash $t/$(basename "$crash"): LP: $frame" ;;
    esac
  done
done
echo "fuzz.sh: $lp_crashes crash(es) in LP's code; new corpus entries in build-fuzz/<target>/corpus"
[ "$lp_crashes" = 0 ]
