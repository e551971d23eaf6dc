#!/usr/bin/env bash
# clang-tidy over ptclean's own sources (gridding, deconvolution, partition, imager, bench, tests)
# with the checks in .clang-tidy; any warning is an error, so the script fails on any finding.
#   bash scripts/clang_tidy.sh [build dir with compile_commands.json] [extra run-clang-tidy args]
# The build dir defaults to build/ (the Release build scripts/setup.sh makes); docs/sanitizers.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$repo/build}"
shift || true
jobs="${PTCLEAN_JOBS:-$(nproc)}"

# The database comes from a GCC build: drop the GCC-only flags clang does not know. They change
# code generation only (complex multiplication), nothing clang-tidy looks at.
db="$(mktemp -d)"
trap 'rm -rf "$db"' EXIT
sed -e 's/ -fcx-limited-range//g' "$build/compile_commands.json" >"$db/compile_commands.json"

echo "== clang-tidy ($(clang-tidy --version | grep -o 'version [0-9.]*'), $jobs jobs)"
run-clang-tidy -quiet -p "$db" -j "$jobs" "$@" \
  "^$repo/(gridding|deconvolution|partition|imager|bench|tests)/"
