#!/usr/bin/env bash
# Data-task throughput: split (datacolumn data), hanningsmooth and flagdata clip on the Multi-MS
# of the benchmark MS (3 Sub-MSs, separationaxis auto), on 1, 2 and 3 MPI ranks, against a plain
# `cp -r` of the same MMS, in one run. flagdata works in place, on a fresh copy each run (the
# copy is not timed). Prints medians and MB/s (MMS size / wall time) as a Markdown table.
#
#   bash bench/data_tasks_vs_copy.sh [--runs 3] [--workdir /tmp/ptclean-bench]
set -euo pipefail

runs=3
workdir=/tmp/ptclean-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mkdir -p "$workdir"
ms="$workdir/bench.ms"
mms="$workdir/bench3.mms"
if [ ! -d "$ms" ]; then
  echo "simulating $ms ..." >&2
  "$ptclean" simulate "$repo/configs/simulate_bench.toml" --set vis="$ms" >&2
fi
if [ ! -d "$mms" ]; then
  "$ptclean" partition --vis "$ms" --outputvis "$mms" --numsubms 3 --flagbackup false >&2
fi
megabytes=$(du -sm "$mms/SUBMSS" | cut -f1)
out="$workdir/task-out"

declare -A times
for run in $(seq "$runs"); do
  sync; rm -rf "$out"
  times[cp]+="$(seconds cp -r "$mms" "$out") "
  for ranks in 1 2 3; do
    launch=(env OMP_NUM_THREADS=1 "${mpi[@]}" -n "$ranks" "$ptclean")
    sync; rm -rf "$out"
    times[split$ranks]+="$(seconds "${launch[@]}" split --vis "$mms" --outputvis "$out" --datacolumn data) "
    sync; rm -rf "$out"
    times[hanning$ranks]+="$(seconds "${launch[@]}" hanningsmooth --vis "$mms" --outputvis "$out") "
    rm -rf "$out"; cp -r "$mms" "$out"; sync
    times[clip$ranks]+="$(seconds "${launch[@]}" flagdata --vis "$out" --mode clip --clipminmax '[0, 50]' --flagbackup false) "
  done
done
rm -rf "$out"

echo "MMS: $mms (3 Sub-MSs), ${megabytes} MB; $runs runs; $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| what | median s | MB/s | vs cp -r |"
echo "|---|---|---|---|"
cp_median=$(echo "${times[cp]}" | tr ' ' '\n' | grep . | median)
row() {
  local m
  m=$(echo "${times[$1]}" | tr ' ' '\n' | grep . | median)
  awk -v w="$2" -v m="$m" -v mb="$megabytes" -v c="$cp_median" 'BEGIN {printf "| %s | %.2f | %.0f | %.2fx |\n", w, m, mb / m, m / c}'
}
row cp "cp -r of the MMS"
for task in split hanning clip; do
  for ranks in 1 2 3; do
    case $task in split) what="split" ;; hanning) what="hanningsmooth" ;; clip) what="flagdata clip" ;; esac
    row "$task$ranks" "$what, $ranks rank$([ "$ranks" -gt 1 ] && echo s)"
  done
done
