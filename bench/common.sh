# Shared by the bench/*.sh scripts (sourced after their own option parsing): the ptclean binary,
# mpirun's flags, and the timing helpers.
#   source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ptclean="${PTCLEAN_BUILD_DIR:-$repo/build}/imager/ptclean"
[ -x "$ptclean" ] || { echo "build ptclean first: bash scripts/setup.sh build" >&2; exit 1; }
mpi=(mpirun --oversubscribe)
[ "$(id -u)" -eq 0 ] && mpi+=(--allow-run-as-root)
# The median of the numbers on standard input, one per line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# Seconds a command takes (its output discarded).
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN {print b - a}'; }
