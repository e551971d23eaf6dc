#!/usr/bin/env bash
# One entry point for a fresh Debian machine (run as root, or with sudo available):
#   bash scripts/setup.sh demo   install what is missing, build, simulate a small MS, image it under mpirun -n 2
#   bash scripts/setup.sh test   install what is missing, build, run the whole test suite
#   bash scripts/setup.sh build  install and build only
#   bash scripts/setup.sh asan   the unit tests under AddressSanitizer + UBSan (also part of `test`)
#   bash scripts/setup.sh tsan   the gridder and minor-cycle tests under ThreadSanitizer
#   bash scripts/setup.sh tidy   clang-tidy over our sources (also part of `test`); docs/sanitizers.md
set -euo pipefail

mode="${1:-demo}"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PTCLEAN_BUILD_DIR:-$repo/build}"
jobs="${PTCLEAN_JOBS:-$(nproc)}"

build_packages=(build-essential cmake ninja-build pkg-config
  casacore-dev casacore-data wcslib-dev libfftw3-dev libopenmpi-dev openmpi-bin libeigen3-dev
  libhdf5-dev libcfitsio-dev libbenchmark-dev libgtest-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev zlib1g-dev)
# Only the tests use these: independent readers of our outputs (python-casacore, astropy, WSClean)
# and a browser that opens the batch weblog (Chromium, headless).
test_packages=(python3-casacore python3-numpy python3-astropy wsclean chromium hdf5-tools)
# The sanitizer builds and static checks (docs/sanitizers.md): GCC's ASan/UBSan come with
# build-essential; TSan uses clang with LLVM's OpenMP runtime and its Archer tool (libomp-dev).
check_packages=(clang clang-tidy libomp-dev)

install_missing() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
}

build_all() {
  echo "== building in $build"
  cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$jobs"
}

# The targets of the tests labelled "unit": tests/<lib>/test_*.cpp -> <lib>_test_*
# (tests/CMakeLists.txt), and the fuzz corpus replays tests/fuzz/fuzz_*.cpp -> fuzz_*_replay.
unit_test_targets() {
  local f lib
  for f in "$repo"/tests/*/test_*.cpp; do
    lib="$(basename "$(dirname "$f")")"
    [ "$lib" = support ] || echo "${lib}_$(basename "$f" .cpp)"
  done
  for f in "$repo"/tests/fuzz/fuzz_*.cpp; do
    if [ -e "$f" ]; then echo "$(basename "$f" .cpp)_replay"; fi
  done
}

# Builds the given targets with a sanitizer preset of CMakePresets.json (build-<preset>/) and runs
# that preset's tests; its sanitizer options make any report fail the test.
sanitized_tests() {
  local preset="$1"
  shift
  echo "== $preset: building $# unit tests in build-$preset"
  (cd "$repo" && cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" -j "$jobs" --target "$@")
  echo "== $preset: running them"
  (cd "$repo" && ctest --preset "$preset" -j "$jobs")
}

mpirun_cmd() {
  local extra=(--oversubscribe)
  [ "$(id -u)" -eq 0 ] && extra+=(--allow-run-as-root)
  mpirun "${extra[@]}" "$@"
}

case "$mode" in
  build)
    install_missing "${build_packages[@]}"
    build_all
    ;;
  demo)
    install_missing "${build_packages[@]}"
    build_all
    out="$repo/out/demo-$(date +%Y%m%d-%H%M%S)"
    mkdir -p "$out"
    echo "== simulating a small VLA observation (configs/simulate_default.toml)"
    "$build/imager/ptclean" simulate "$repo/configs/simulate_default.toml" --set vis="$out/demo.ms"
    echo "== imaging it with 2 MPI ranks (configs/demo_image.toml)"
    OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" mpirun_cmd -n 2 "$build/imager/ptclean" image \
      "$repo/configs/demo_image.toml" --set vis="$out/demo.ms" --set imagename="$out/demo"
    echo "== images (CASA images and FITS) are in $out:"
    ls -d "$out"/demo.*
    ;;
  test)
    install_missing "${build_packages[@]}" "${test_packages[@]}" "${check_packages[@]}"
    build_all
    echo "== running the test suite"
    ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 900
    bash "$repo/scripts/clang_tidy.sh" "$build"
    mapfile -t targets < <(unit_test_targets)
    sanitized_tests asan "${targets[@]}"
    ;;
  asan)
    install_missing "${build_packages[@]}" "${check_packages[@]}"
    mapfile -t targets < <(unit_test_targets)
    sanitized_tests asan "${targets[@]}"
    ;;
  tsan)
    # The OpenMP code: the gridder and the minor cycles (deconvolution).
    install_missing "${build_packages[@]}" "${check_packages[@]}"
    mapfile -t targets < <(unit_test_targets | grep -E '^(gridding|deconvolution)_')
    sanitized_tests tsan "${targets[@]}"
    ;;
  tidy)
    install_missing "${build_packages[@]}" "${check_packages[@]}"
    cmake -S "$repo" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    bash "$repo/scripts/clang_tidy.sh" "$build"
    ;;
  *)
    echo "usage: $0 demo|test|build|asan|tsan|tidy" >&2
    exit 2
    ;;
esac
