#!/usr/bin/env bash
# One entry point for people and CI. Subcommands:
#   ./bench.sh demo   install missing Debian packages, build Release, run the main job: the simulated
#                     bench session of profiles/plans/demo.toml (extra arguments go to bench run)
#   ./bench.sh test   same set-up, then the whole ctest suite (live tests in the background) and a sanitizer
#                     (ASan+UBSan) build of the unit tests
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
    # The live tests (label "live": jackd dummy servers, bench-dutsim, bench run --backend rtaudio) spend
    # their time waiting for audio that runs in real time, so they run in the background beside everything
    # else; their jackd runs with real-time scheduling where allowed, which keeps them free of xruns next
    # to the compiler (tests/live/jackbench.py).
    echo "bench.sh: live tests (ctest -L live) in the background, log in build/live-tests.log"
    ctest --test-dir build --output-on-failure -j2 -L live --timeout 600 >build/live-tests.log 2>&1 &
    live_pid=$!
    status=0
    echo "bench.sh: ctest (Release, all but live)"
    ctest --test-dir build --output-on-failure -j"$JOBS" -LE live --timeout 600 || status=1
    echo "bench.sh: unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
    build_sanitized
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j"$JOBS" -L unit --timeout 900 || status=1
    wait "$live_pid" || status=1
    echo "bench.sh: live tests (ctest -L live)"
    cat build/live-tests.log
    [[ $status -eq 0 ]] || { echo "bench.sh: some tests failed (see above)"; exit 1; }
    ;;
  bench)
    install_deps
    build_release
    for b in build/bin/benchmark_*; do "$b" "$@"; done
    /usr/bin/python3 benchmarks/compare_numpy.py --bench build/bin/bench
    /usr/bin/python3 benchmarks/live_period.py --bin build/bin
    ;;
  build)
    install_deps
    build_release
    ;;
  *)
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
    [[ "$cmd" == help || "$cmd" == -h || "$cmd" == --help ]] || exit 2
    ;;
esac
