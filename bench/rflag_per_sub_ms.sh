#!/usr/bin/env bash
# How much rflag's thresholds, computed per Sub-MS as CASA does, differ from the monolithic MS's
# on the real MSs of ../shared/data: `flagdata mode='rflag' action='calculate'` on each MS and on
# its Multi-MS (separationaxis auto and baseline, 3 Sub-MSs), then the flags each applies.
# Prints a Markdown table (not a timing: numbers of the data).
#
#   bash bench/rflag_per_sub_ms.sh [--workdir /tmp/ptclean-rflag]
set -euo pipefail

workdir=/tmp/ptclean-rflag
while [ $# -gt 0 ]; do
  case "$1" in
    --workdir) workdir="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
rm -rf "$workdir"; mkdir -p "$workdir"
echo "| MS | partition | part | spw | timedev | freqdev | newly flagged (apply) |"
echo "|---|---|---|---|---|---|---|"
for tgz in vla_day2_tdem0003.ms.tgz vlba_mojave_m87.ms.tgz; do
  tar -xzf "$repo/../shared/data/$tgz" -C "$workdir"
  ms=$(ls -d "$workdir"/*.ms | grep -v -e '\.mms' | head -1)
  name=$(basename "$ms")
  for axis in none auto baseline; do
    vis="$ms"
    if [ "$axis" != none ]; then
      vis="$workdir/$axis.mms"
      "$ptclean" partition --vis "$ms" --outputvis "$vis" --separationaxis "$axis" --numsubms 3 --flagbackup false 2>/dev/null
    fi
    report=$("${mpi[@]}" -n 3 "$ptclean" flagdata --vis "$vis" --mode rflag --action calculate 2>/dev/null)
    copy="$workdir/apply.ms"; rm -rf "$copy"; cp -r "$vis" "$copy"
    newly=$("${mpi[@]}" -n 3 "$ptclean" flagdata --vis "$copy" --mode rflag --flagbackup false 2>&1 | sed -n 's/.*: \([0-9]*\) of \([0-9]*\) selected samples newly flagged.*/\1 of \2/p')
    echo "$report" | /usr/bin/python3 -c "
import json, sys
report = json.load(sys.stdin)
for i, part in enumerate(report['parts']):
    for t in part.get('rflag', []):
        print(f\"| $name | ${axis/none/monolithic} | {i} | {t['spw']} | {t['timedev']:.4g} | {t['freqdev']:.4g} | $newly |\")
"
    rm -rf "$copy" "$workdir/$axis.mms"
  done
  rm -rf "$ms"
done
