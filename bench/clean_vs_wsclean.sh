#!/usr/bin/env bash
# The major-cycle benchmark: a full clean of the foundation benchmark's MS (2048 x 2048 at 1",
# briggs 0, niter 5000, stop at 3 sigma) by ptclean and by WSClean, side by side, with the
# residual rms of each and ptclean's per-phase split (--timings).
#
#   bash bench/clean_vs_wsclean.sh [--runs 1] [--workdir /tmp/ptclean-bench]
#
# ptclean runs twice: with tclean's default deconvolver (hogbom: every component subtracts the
# PSF from the whole image) and with clark (a Hogbom loop on the brightest pixels, then one exact
# subtraction per pass), which is the algorithm WSClean's default clean uses.
#
# Cycle control mapping: tclean ends a minor cycle at peak x clamp(sidelobe x cyclefactor,
# 0.05, 0.8); WSClean at peak x (1 - mgain). So -mgain = 1 - clamp(sidelobe x cyclefactor), with
# the PSF sidelobe level that ptclean logs (0.12 for this MS and weighting: -mgain 0.88).
set -euo pipefail

runs=1
workdir=/tmp/ptclean-bench
mgain=0.88
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --mgain) mgain="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v wsclean >/dev/null || { echo "wsclean is not installed" >&2; exit 1; }
threads=$(nproc)
mkdir -p "$workdir"
ms="$workdir/bench.ms"
[ -d "$ms" ] || "$ptclean" simulate "$repo/configs/simulate_bench.toml" --set vis="$ms" >&2

pt_base="OMP_NUM_THREADS=$threads $ptclean image --set vis=$ms --set imsize=2048 --set cell=1arcsec --set datacolumn=data \
  --set gridder=wproject --set weighting=briggs --set robust=0 --set niter=5000 --set nsigma=3 --set gain=0.1 \
  --set imagename=$workdir/out/pt --timings $workdir/timings.json --set deconvolver="
ws="wsclean -quiet -reorder -j $threads -size 2048 2048 -scale 1asec -pol I -weight briggs 0 -data-column DATA \
  -niter 5000 -auto-threshold 3 -gain 0.1 -mgain $mgain -name $workdir/out/ws $ms"

rms() { /usr/bin/python3 -c "
from astropy.io import fits; import numpy as np
d = fits.getdata('$1').squeeze().astype(float); m = np.median(d)
print('%.3e' % (1.4826 * np.median(np.abs(d - m))))"; }

declare -A seconds_of all_seconds all_ratios
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for run in $(seq 1 "$runs"); do
  for tool in wsclean ptclean-hogbom ptclean-clark; do
    rm -rf "$workdir/out" && mkdir -p "$workdir/out"
    cmd=$([ $tool = wsclean ] && echo "$ws" || echo "$pt_base${tool#ptclean-}")
    ( cd "$workdir/out" && /usr/bin/time -f "%e %M" -o "$workdir/time.txt" bash -c "$cmd" >"$workdir/log-$tool.txt" 2>&1 ) \
      || { echo "failed: $cmd (see $workdir/log-$tool.txt)" >&2; exit 1; }
    read -r seconds kbytes <"$workdir/time.txt"
    seconds_of[$tool]=$seconds
    all_seconds[$tool]+="$seconds "
    residual=$([ $tool = wsclean ] && echo "$workdir/out/ws-residual.fits" || echo "$workdir/out/pt.residual.fits")
    ratio=$(awk -v a="$seconds" -v b="${seconds_of[wsclean]}" 'BEGIN { printf "%.2f", a / b }')
    all_ratios[$tool]+="$ratio "
    echo "| $tool | run $run | $seconds s | $ratio of wsclean | $((kbytes / 1024)) MiB | residual robust rms $(rms "$residual") Jy/beam |"
    if [ $tool != wsclean ]; then
      grep -E "stopped after|PSF sidelobe" "$workdir/log-$tool.txt" | cut -c25- >&2
      /usr/bin/python3 -c "
import json; d = json.load(open('$workdir/timings.json')); r = d['per_rank'][0]
print('  ptclean phases (s): ' + ', '.join('%s %.1f' % (p, r[p]) for p in d['phases']) + ', wall %.1f' % d['wall'])"
    else
      grep -E "Cleaning|Stopping|iterations|Reached" "$workdir/log-wsclean.txt" | tail -2 >&2 || true
    fi
  done
done
echo "medians over $runs run(s) (ratio: median of the per-run ratios):"
for tool in wsclean ptclean-hogbom ptclean-clark; do
  echo "| $tool | $(echo "${all_seconds[$tool]}" | median) s | $(echo "${all_ratios[$tool]}" | median) of wsclean |"
done
