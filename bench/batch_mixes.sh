#!/usr/bin/env bash
# Batch imaging on 2 cores: the same batch of 8 small jobs (2 fields x 2 spws x 2 weightings,
# 256 x 256, 500 Hogbom components each) run as 2 servers x 1 thread (mpirun -n 3: the client
# and two servers) against 1 server x 2 threads (mpirun -n 2, OMP_NUM_THREADS=2), alternating,
# in one run. Prints medians of the batch's wall time and of its jobs' own times.
#
#   bash bench/batch_mixes.sh [--runs 3] [--workdir /tmp/ptclean-batch-bench]
set -euo pipefail

runs=3
workdir=/tmp/ptclean-batch-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mkdir -p "$workdir"
ms="$workdir/two_fields.ms"
if [ ! -d "$ms" ]; then
  echo "simulating $ms ..." >&2
  "$ptclean" simulate --set vis="$ms" --set nchan=8 --set nintegrations=40 --set nspw=2 --set nscans=2 \
    --set noise=0.05 --set 'fields=["J2000 09h01m00.0 34d00m00.0"]' \
    --set 'sources=[{type="point", l=60.0, m=-40.0, flux=1.0}, {type="point", l=-200.0, m=100.0, flux=0.5}]' >&2
fi
cat > "$workdir/jobs.toml" <<TOML
[defaults]
vis = "$ms"
datacolumn = "data"
imsize = 256
cell = "4arcsec"
niter = 500
gain = 0.1
[matrix]
field = ["0", "1"]
spw = ["0", "1"]
weighting = ["natural", "briggs"]
TOML
mpi+=(--bind-to none)
job_seconds() {  # the sum of the jobs' own wall times (from their result records)
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(j['ret']['wall'] for j in d['jobs']))" "$1/batch.json"
}

declare -A wall jobs
for run in $(seq "$runs"); do
  for mix in 2x1 1x2; do
    out="$workdir/out-$mix"
    rm -rf "$out"
    if [ "$mix" = 2x1 ]; then ranks=3; threads=1; else ranks=2; threads=2; fi
    start=$(date +%s.%N)
    OMP_NUM_THREADS=$threads "${mpi[@]}" -x OMP_NUM_THREADS -n $ranks "$ptclean" batch "$workdir/jobs.toml" \
      --set outdir="$out" > "$workdir/log-$mix-$run.txt" 2>&1
    end=$(date +%s.%N)
    wall[$mix]+="$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}') "
    jobs[$mix]+="$(job_seconds "$out") "
  done
done

echo "8 jobs (256 x 256, 500 components each) on $(nproc) cores, $runs runs, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| servers x threads | median batch wall s | min s | max s | median sum of job walls s |"
echo "|---|---|---|---|---|"
for mix in 2x1 1x2; do
  label=$([ "$mix" = 2x1 ] && echo "2 servers x 1 thread" || echo "1 server x 2 threads")
  w=$(echo "${wall[$mix]}" | tr ' ' '\n' | grep .)
  echo "| $label | $(echo "$w" | median) | $(echo "$w" | sort -g | head -1) | $(echo "$w" | sort -g | tail -1) | $(echo "${jobs[$mix]}" | tr ' ' '\n' | grep . | median) |"
done
