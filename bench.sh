#!/usr/bin/env bash
# One entry point for people and CI. Subcommands:
#   ./bench.sh demo   install missing Debian packages, build Release, run the main job: the simulated
#                     bench session of profiles/plans/demo.toml (extra arguments go to bench run)
#   ./bench.sh test   same set-up, then the whole ctest suite and a sanitizer (ASan+UBSan) build of the unit tests
#   ./bench.sh bench  same set-up, then the Google Benchmark programs and the numpy/scipy comparison
#   ./bench.sh build  set-up and Release build only
set -euo pipefail
cd "$(dirname "$0")"
JOBS=$(nproc 2>/dev/null || echo 2)

install_deps() {
  local missing=()
  while read -r pkg; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done < deps.txt
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "bench.sh: installing Debian packages: ${missing[*]}"
  local sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build_release() {
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$JOBS"
}

build_sanitized() {
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBENCH_SANITIZE=ON -DBENCH_BENCHMARKS=OFF >/dev/null
  cmake --build build-asan -j"$JOBS"
}

cmd=${1:-help}
[[ $# -gt 0 ]] && shift
case "$cmd" in
  demo)
    install_deps
    build_release
    exec build/bin/bench run profiles/plans/demo.toml "$@"
    ;;
  test)
    install_deps
    build_release
    echo "bench.sh: ctest (Release)"
    ctest --test-dir build --output-on-failure -j"$JOBS" --timeout 600
    echo "bench.sh: unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
    build_sanitized
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j"$JOBS" -L unit --timeout 900
    ;;
  bench)
    install_deps
    build_release
    for b in build/bin/benchmark_*; do "$b" "$@"; done
    /usr/bin/python3 benchmarks/compare_numpy.py --bench build/bin/bench
    ;;
  build)
    install_deps
    build_release
    ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    [[ "$cmd" == help || "$cmd" == -h || "$cmd" == --help ]] || exit 2
    ;;
esac
