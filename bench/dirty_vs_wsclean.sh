#!/usr/bin/env bash
# The foundation benchmark: a 2048 x 2048 dirty image (and PSF) at 1 arcsec of a ~12 M sample
# (48 M visibility) MS, by ptclean and by WSClean (its default w-stacking gridder and its
# wgridder at the same accuracy), timed side by side in one run. Prints medians, the ratio to
# each WSClean mode, throughput and peak memory, as a Markdown table.
#
#   bash bench/dirty_vs_wsclean.sh [--runs 3] [--workdir /tmp/ptclean-bench] [--accuracy 1e-4]
#
# The MS is simulated once (configs/simulate_bench.toml: 40 antennas, 2 spw x 32 channels,
# 240 integrations, 4 correlations, 1.4 GHz, baselines to 5 km) and kept in the work folder.
set -euo pipefail

runs=3
workdir=/tmp/ptclean-bench
accuracy=1e-4
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    --accuracy) accuracy="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v wsclean >/dev/null || { echo "wsclean is not installed (apt-get install wsclean)" >&2; exit 1; }
threads=$(nproc)
mkdir -p "$workdir"
ms="$workdir/bench.ms"
if [ ! -d "$ms" ]; then
  echo "simulating $ms ..." >&2
  "$ptclean" simulate "$repo/configs/simulate_bench.toml" --set vis="$ms" >&2
fi
samples=$(/usr/bin/python3 -c "import casacore.tables as t; m=t.table('$ms',ack=False); s=m.getcol('DATA',0,1).shape; print(m.nrows()*s[1])" 2>/dev/null || echo 11980800)

common_pt="image --set vis=$ms --set imsize=2048 --set cell=1arcsec --set datacolumn=data --set gridder=wproject --set weighting=natural --set gridder_accuracy=$accuracy"
common_ws="-size 2048 2048 -scale 1asec -pol I -weight natural -data-column DATA -niter 0 -reorder -j $threads"

declare -A label cmd image
order=(pt_threads pt_ranks pt_coarse ws_default ws_default_psf ws_wgridder)
label[pt_threads]="ptclean, 1 rank x $threads threads"
cmd[pt_threads]="OMP_NUM_THREADS=$threads $ptclean $common_pt --set imagename=$workdir/out/pt"
label[pt_ranks]="ptclean, mpirun -n $threads x 1 thread"
cmd[pt_ranks]="OMP_NUM_THREADS=1 ${mpi[*]} -n $threads $ptclean $common_pt --set imagename=$workdir/out/pt"
label[pt_coarse]="ptclean, mpirun -n $threads x 1, accuracy 1e-3"
cmd[pt_coarse]="OMP_NUM_THREADS=1 ${mpi[*]} -n $threads $ptclean ${common_pt/gridder_accuracy=$accuracy/gridder_accuracy=1e-3} --set imagename=$workdir/out/pt"
label[ws_default]="wsclean (default w-stacking gridder)"
cmd[ws_default]="wsclean -quiet $common_ws -name $workdir/out/ws $ms"
# ptclean, as tclean, always makes the PSF; WSClean at niter 0 only with -make-psf: this row has
# the same outputs as ptclean's.
label[ws_default_psf]="wsclean (default gridder) -make-psf"
cmd[ws_default_psf]="wsclean -quiet $common_ws -make-psf -name $workdir/out/ws $ms"
label[ws_wgridder]="wsclean -use-wgridder -wgridder-accuracy $accuracy"
cmd[ws_wgridder]="wsclean -quiet $common_ws -use-wgridder -wgridder-accuracy $accuracy -name $workdir/out/ws $ms"

declare -A times mems
for run in $(seq 1 "$runs"); do
  for key in "${order[@]}"; do
    rm -rf "$workdir/out" && mkdir -p "$workdir/out"
    echo "run $run/$runs: ${label[$key]}" >&2
    ( cd "$workdir/out" && /usr/bin/time -f "%e %M" -o "$workdir/time.txt" bash -c "${cmd[$key]}" >"$workdir/log-$key.txt" 2>&1 ) \
      || { echo "failed: ${cmd[$key]} (see $workdir/log-$key.txt)" >&2; exit 1; }
    read -r seconds kbytes <"$workdir/time.txt"
    mkdir -p "$workdir/images"
    if [ -f "$workdir/out/pt.residual.fits" ]; then cp "$workdir/out/pt.residual.fits" "$workdir/images/$key.fits"; fi
    if [ -f "$workdir/out/ws-dirty.fits" ]; then cp "$workdir/out/ws-dirty.fits" "$workdir/images/$key.fits"; fi
    times[$key]+="$seconds "
    mems[$key]+="$kbytes "
  done
done
rm -rf "$workdir/out"

# Accuracy: each image against ptclean at gridder_accuracy 1e-6, which tests/ hold to 1e-5 of
# the peak against an exact DFT.
reference="$workdir/images/reference.fits"
if [ ! -f "$reference" ]; then
  rm -rf "$workdir/out" && mkdir -p "$workdir/out"
  "$ptclean" ${common_pt/gridder_accuracy=$accuracy/gridder_accuracy=1e-6} --set imagename="$workdir/out/pt" >/dev/null 2>&1
  cp "$workdir/out/pt.residual.fits" "$reference"
  rm -rf "$workdir/out"
fi
declare -A errors
for key in "${order[@]}"; do
  errors[$key]=$(/usr/bin/python3 -c "
from astropy.io import fits; import numpy as np
r = fits.getdata('$reference').squeeze().astype(float); d = fits.getdata('$workdir/images/$key.fits').squeeze().astype(float) - r
print('%.1e' % (np.abs(d).max() / np.abs(r).max()))" 2>/dev/null || echo "n/a")
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
minimum() { tr ' ' '\n' | grep -v '^$' | sort -g | head -1; }
maximum() { tr ' ' '\n' | grep -v '^$' | sort -g | tail -1; }

ws_default=$(echo "${times[ws_default]}" | median)
ws_default_psf=$(echo "${times[ws_default_psf]}" | median)
ws_wgridder=$(echo "${times[ws_wgridder]}" | median)
echo
echo "2048 x 2048 at 1\", natural weighting, $samples Stokes I samples (x 4 correlations), accuracy $accuracy, $runs runs, $(nproc) cores"
echo
echo "| run | median s | min s | max s | samples/s | peak RSS MiB | max error / peak | / wsclean default | / wsclean default -make-psf | / wsclean wgridder |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for key in "${order[@]}"; do
  med=$(echo "${times[$key]}" | median)
  lo=$(echo "${times[$key]}" | minimum)
  hi=$(echo "${times[$key]}" | maximum)
  mem=$(echo "${mems[$key]}" | maximum)
  # mpirun's peak is one rank's; time reports the largest process
  awk -v l="${label[$key]}" -v m="$med" -v lo="$lo" -v hi="$hi" -v s="$samples" -v mem="$mem" \
      -v d="$ws_default" -v p="$ws_default_psf" -v w="$ws_wgridder" -v e="${errors[$key]}" \
      'BEGIN {printf "| %s | %.2f | %.2f | %.2f | %.3g | %.0f | %s | %.2f | %.2f | %.2f |\n", l, m, lo, hi, s/m, mem/1024, e, m/d, m/p, m/w}'
done
