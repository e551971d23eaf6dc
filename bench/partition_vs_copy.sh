#!/usr/bin/env bash
# Partition throughput: `ptclean partition` of the benchmark MS into a Multi-MS (4 Sub-MSs,
# separationaxis auto, flagbackup on), on 1 and 2 MPI ranks, against a plain `cp -r` of the same
# MS, in one run. Prints medians and MB/s (MS size / wall time) as a Markdown table.
#
#   bash bench/partition_vs_copy.sh [--runs 3] [--workdir /tmp/ptclean-bench]
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
if [ ! -d "$ms" ]; then
  echo "simulating $ms ..." >&2
  "$ptclean" simulate "$repo/configs/simulate_bench.toml" --set vis="$ms" >&2
fi
megabytes=$(du -sm "$ms" | cut -f1)


declare -A times
for run in $(seq "$runs"); do
  sync; rm -rf "$workdir/copy.ms"
  times[cp]+="$(seconds cp -r "$ms" "$workdir/copy.ms") "
  for ranks in 1 2; do
    sync; rm -rf "$workdir/part.mms" "$workdir/part.mms.flagversions"
    times[p$ranks]+="$(seconds env OMP_NUM_THREADS=1 "${mpi[@]}" -n "$ranks" "$ptclean" partition --vis "$ms" --outputvis "$workdir/part.mms" --numsubms 4) "
  done
done
rm -rf "$workdir/copy.ms" "$workdir/part.mms" "$workdir/part.mms.flagversions"

echo "MS: $ms, ${megabytes} MB; $runs runs; $(nproc) cores"
echo
echo "| what | median s | MB/s | vs cp -r |"
echo "|---|---|---|---|"
cp_median=$(echo "${times[cp]}" | tr ' ' '\n' | grep . | median)
for key in cp p1 p2; do
  m=$(echo "${times[$key]}" | tr ' ' '\n' | grep . | median)
  case "$key" in cp) what="cp -r" ;; p1) what="ptclean partition, 1 rank" ;; p2) what="ptclean partition, 2 ranks" ;; esac
  awk -v w="$what" -v m="$m" -v mb="$megabytes" -v c="$cp_median" 'BEGIN {printf "| %s | %.2f | %.0f | %.2fx |\n", w, m, mb / m, m / c}'
done
