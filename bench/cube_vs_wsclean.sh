#!/usr/bin/env bash
# Cube imaging on 2 cores: ptclean specmode='cube' as 2 ranks x 1 thread and as 1 rank x 2
# threads, against `wsclean -channels-out 16 -j 2` on the same MS and channels (TOPO, as WSClean
# images them), both with w-correction (ptclean wproject, WSClean's default w-stacking), alternating, in one run; once for the dirty cube (niter 0) and once with CLEAN
# (500 components per channel at most, stopping at 3 sigma). Prints medians and ratios. At
# niter 0 WSClean makes no PSF unless -make-psf, while ptclean (as tclean) always writes .psf:
# the -make-psf row is the run with the same outputs.
#
#   bash bench/cube_vs_wsclean.sh [--runs 3] [--workdir /tmp/ptclean-cube-bench]
set -euo pipefail

runs=3
workdir=/tmp/ptclean-cube-bench
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --workdir) workdir="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
command -v wsclean >/dev/null || { echo "wsclean is not installed (apt-get install wsclean)" >&2; exit 1; }
mkdir -p "$workdir"
ms="$workdir/cube.ms"
if [ ! -d "$ms" ]; then
  echo "simulating $ms ..." >&2
  "$ptclean" simulate --set vis="$ms" --set nchan=16 --set chanwidth=1MHz --set nintegrations=120 --set noise=0.05 \
    --set 'sources=[{type="point", l=60.0, m=-40.0, flux=1.0, line_freq="1.4075GHz", line_fwhm="3MHz"}, {type="point", l=-150.0, m=90.0, flux=0.5, spix=-0.7, reffreq="1.4GHz"}]' >&2
fi
mpi+=(--bind-to none)

for niter in 0 500; do
  common=(image --set vis="$ms" --set specmode=cube --set outframe=TOPO --set imsize=512 --set cell=4arcsec --set gridder=wproject
          --set datacolumn=data --set niter=$niter --set nsigma=3 --set gain=0.1)
  ws=(wsclean -quiet -j 2 -channels-out 16 -size 512 512 -scale 4asec -data-column DATA -pol I -niter $niter
      -gain 0.1 -mgain 0.8 -auto-threshold 3)
  declare -A times=()
  for run in $(seq "$runs"); do
    rm -rf "$workdir/out"; mkdir -p "$workdir/out"
    times[r2t1]+="$(seconds env OMP_NUM_THREADS=1 "${mpi[@]}" -x OMP_NUM_THREADS -n 2 "$ptclean" "${common[@]}" --set imagename="$workdir/out/a" --set threads=1) "
    times[r1t2]+="$(seconds "$ptclean" "${common[@]}" --set imagename="$workdir/out/b" --set threads=2) "
    times[ws]+="$(seconds bash -c "cd $workdir/out && ${ws[*]} -name ws $ms") "
    times[wspsf]+="$(seconds bash -c "cd $workdir/out && ${ws[*]} -make-psf -name wspsf $ms") "
  done
  ws_median=$(echo "${times[ws]}" | tr ' ' '\n' | grep . | median)
  echo "niter $niter: 16 channels, 512 x 512, $runs runs, $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "| run | median s | min s | max s | / wsclean |"
  echo "|---|---|---|---|---|"
  for key in r2t1 r1t2 ws wspsf; do
    case $key in
      r2t1) label="ptclean cube, 2 ranks x 1 thread" ;;
      r1t2) label="ptclean cube, 1 rank x 2 threads" ;;
      ws) label="wsclean -channels-out 16 -j 2" ;;
      wspsf) label="wsclean -channels-out 16 -j 2 -make-psf" ;;
    esac
    t=$(echo "${times[$key]}" | tr ' ' '\n' | grep .)
    m=$(echo "$t" | median)
    echo "| $label | $m | $(echo "$t" | sort -g | head -1) | $(echo "$t" | sort -g | tail -1) | $(awk -v a="$m" -v b="$ws_median" 'BEGIN {printf "%.2f", a / b}') |"
  done
  echo
  unset times
done
