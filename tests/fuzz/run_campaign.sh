#!/usr/bin/env bash
# A bounded fuzz campaign (docs/fuzzing.md): builds build-fuzz with clang, then runs each target
# for SECONDS (default 300) from its seed corpus and prints executions, coverage and crashes.
#
#   tests/fuzz/run_campaign.sh [SECONDS] [TARGET...]    # targets: fuzz_config fuzz_ms fuzz_ms_raw
#
# Not part of CI: a campaign takes minutes. Findings land in build-fuzz/fuzz-out/<target>/ as crash-*,
# timeout-* or oom-* files; replay one with build-fuzz/tests/fuzz/<target> FILE.
set -euo pipefail
seconds=${1:-300}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(fuzz_config fuzz_ms)
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
out=$build/fuzz-out

if [[ ! -f $build/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -G Ninja -S "$root" -B "$build" -DPTCLEAN_FUZZ=ON -DPTCLEAN_BUILD_TESTS=OFF \
    -DPTCLEAN_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g"
fi
ninja -C "$build" -j2 "${targets[@]}"

# A target that crashed left its tmpfs files behind: remove those of processes that are gone.
for stale in /dev/shm/ptclean-fuzz-*; do
  [[ -e $stale ]] || continue
  pid=${stale##*-}
  kill -0 "${pid%.toml}" 2>/dev/null || rm -rf "$stale"
done

# Leaks are not findings here (casacore keeps caches for the life of the process); a smaller
# malloc context and quarantine keep ASan's bookkeeping from dominating the run time.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:malloc_context_size=8:quarantine_size_mb=64}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for target in "${targets[@]}"; do
  case $target in
    fuzz_config) seeds=config; extra=(-dict="$root/tests/fuzz/config.dict") ;;
    fuzz_ms | fuzz_ms_raw) seeds=ms; extra=(-timeout=10) ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
  work=$out/$target
  mkdir -p "$work/corpus"
  log=$work/campaign.log
  echo "== $target: ${seconds}s from tests/fuzz/corpus/$seeds (log: $log)"
  set +e
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$work/" \
    "${extra[@]}" "$work/corpus" "$root/tests/fuzz/corpus/$seeds" > "$log" 2>&1
  status=$?
  set -e
  grep -E '^#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb' "$log" || true
  findings=$(find "$work" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
  echo "$target: exit status $status, findings in $work: $findings"
done
