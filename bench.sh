#!/usr/bin/env bash
# One entry point for people and CI. Subcommands:
#   ./bench.sh demo   install missing Debian packages, build Release, run the main job: the simulated
#                     bench session of profiles/plans/demo.toml (extra arguments go to bench run)
#   ./bench.sh test   same set-up, then every test: the live, usb, browser and benchmark-smoke tests on the
#                     Release build (live ones in the background), the unit tests on an ASan+UBSan build,
#                     then each fuzz target for 30 s (build-fuzz, clang)
#   ./bench.sh bench  same set-up, then the Google Benchmark programs and the numpy/scipy comparison
#   ./bench.sh build  set-up and Release build only
#   ./bench.sh fuzz [SECONDS]  same set-up, then every libFuzzer target (tests/fuzz, ASan+UBSan, clang) for
#                     SECONDS each (default 60), two at a time; a crash fails it, naming the input
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

# Ninja (it compiles a target's files while the libraries it links are still being built; make waits)
# and unity batches (BENCH_UNITY, see CMakeLists.txt) take a clean build on 2 cores from 11 to 6 min.
configure() {  # configure DIR ARGS...: a tree made by another generator is started afresh
  local dir=$1
  shift
  if [[ -f "$dir/CMakeCache.txt" ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
    echo "bench.sh: $dir/ was configured for another build tool; removing it to configure it for Ninja"
    rm -rf "$dir"
  fi
  cmake -G Ninja -S . -B "$dir" -DBENCH_UNITY=ON "$@" >/dev/null
}

build_release() {
  configure build -DCMAKE_BUILD_TYPE=Release
  cmake --build build -j"$JOBS"
}

# The sanitizer tree builds only what `ctest -L unit` runs, at -Og -g1 with assertions on: -O2 -g made
# this build four times slower than the Release one (130 s against 32 s for one test file here). For
# the unit_tests target on 2 cores, build + ctest: -O1 -g1 9.7 + 5.4 min, -Og -g1 5.7 + 6.7 min.
# -g1 keeps file:line in every sanitizer report.
build_sanitized() {
  configure build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="$SANITIZE_OPT" -DBENCH_SANITIZE=ON \
    -DBENCH_BENCHMARKS=OFF
  cmake --build build-asan -j"$JOBS" --target unit_tests
}
SANITIZE_OPT="-Og -g1"

# Lists the tracked C++ files whose layout differs from .clang-format (clang-format --dry-run): none, or
# each with the fix.
format_check() {
  local files
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
  else
    mapfile -t files < <(find bench tests benchmarks -name '*.cpp' -o -name '*.hpp')
  fi
  local bad
  bad=$(clang-format --dry-run "${files[@]}" 2>&1 | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | sort -u)
  [[ -z "$bad" ]] && return 0
  echo "bench.sh: these files differ from .clang-format; run clang-format -i on them:"
  echo "$bad" | sed 's/^/  /'
  return 1
}

# The fuzz tree: clang, libFuzzer, ASan and UBSan on every library (BENCH_FUZZ, CMakeLists.txt), -O1 -g1
# with assertions on; only the fuzz targets and what they link are built. fuzz_make_seeds writes the seed
# corpora and dictionaries (build-fuzz/fuzz/seeds/<target>/, <target>.dict) from the repository's files.
FUZZ_TARGETS=(plan profile fixture limits zma wav sidecar report dutsim_options)
build_fuzz() {
  configure build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
    -DBENCH_FUZZ=ON -DBENCH_BENCHMARKS=OFF
  cmake --build build-fuzz -j"$JOBS" --target fuzz_targets
  build-fuzz/bin/fuzz_make_seeds build-fuzz/fuzz
}

# fuzz_one TARGET SECONDS: one target from its corpus (build-fuzz/fuzz/corpus/TARGET/, kept between
# runs and grown by them), its seeds and its regression inputs (tests/data/fuzz/TARGET/); log in
# build-fuzz/fuzz/TARGET.log, a crashing input in build-fuzz/fuzz/crashes/TARGET/. Prints libFuzzer's
# last status line; on a crash, the input's path and the log's on stderr, and returns 1.
fuzz_one() {
  local t=$1 seconds=$2 dir=build-fuzz/fuzz
  local inputs=("$dir/corpus/$t" "$dir/seeds/$t")
  if [[ -d tests/data/fuzz/$t ]]; then inputs+=("tests/data/fuzz/$t"); fi
  mkdir -p "$dir/corpus/$t" "$dir/crashes/$t"
  # report.json: inputs up to 64 KB (the full record's seed); the 370 KB sample record runs at 2 per
  # second under ASan, and only its first 64 KB are mutated.
  local extra=()
  if [[ $t == report ]]; then extra=(-max_len=65536); fi
  # -rss_limit_mb: an input that makes a parser allocate more than 2 GB is a crash (a header that claims
  # more than the file holds), not a machine brought to its knees; -timeout: 10 s for one input is a hang.
  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "build-fuzz/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -dict="$dir/$t.dict" -artifact_prefix="$dir/crashes/$t/" "${extra[@]}" "${inputs[@]}" >"$dir/$t.log" 2>&1; then
    echo "bench.sh: fuzz_$t: $(grep -E '^#[0-9]+' "$dir/$t.log" | tail -1 || true)"
    return 0
  fi
  local found
  found=$(sed -n 's/.*Test unit written to \(.*\)$/\1 /p' "$dir/$t.log" | tr -d '\n')
  echo "bench.sh: fuzz_$t failed on ${found:-an input it did not save}(log: $dir/$t.log; add the input to tests/data/fuzz/$t/ once fixed)" >&2
  grep -m3 -E 'ERROR: |^fuzz: |SUMMARY: ' "$dir/$t.log" | sed 's/^/  /' >&2 || true
  return 1
}

# run_fuzz SECONDS: every target for SECONDS, two at a time (one per core); fails if any failed. A
# subshell, so that its jobs and wait see the fuzzers only (./bench.sh test has the live tests running).
run_fuzz() (
  seconds=$1
  failed=()
  rm -f build-fuzz/fuzz/*.failed
  for t in "${FUZZ_TARGETS[@]}"; do
    { fuzz_one "$t" "$seconds" || touch "build-fuzz/fuzz/$t.failed"; } &
    while (($(jobs -rp | wc -l) >= 2)); do wait -n || true; done
  done
  wait
  for t in "${FUZZ_TARGETS[@]}"; do
    if [[ -f build-fuzz/fuzz/$t.failed ]]; then failed+=("$t"); fi
  done
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "bench.sh: fuzz targets that failed: ${failed[*]}" >&2
    exit 1
  fi
)

phase() {  # phase MESSAGE: what runs next, and the time since the start (CI keeps to 20 minutes)
  echo "bench.sh: [$(printf '%d:%02d' $((SECONDS / 60)) $((SECONDS % 60)))] $*"
}

cmd=${1:-help}
[[ $# -gt 0 ]] && shift
case "$cmd" in
  demo)
    install_deps
    configure build -DCMAKE_BUILD_TYPE=Release
    cmake --build build -j"$JOBS" --target bench
    exec build/bin/bench run profiles/plans/demo.toml "$@"
    ;;
  test)
    phase "Debian packages (deps.txt)"
    install_deps
    # One layout for every C++ file (.clang-format); a file that differs fails the run, naming it.
    phase "clang-format (every tracked .cpp and .hpp)"
    format_check || status_format=1
    # Each test runs once, in the build it is for. Release tree: the programs, and the tests that drive
    # them as a user would (live: jackd + bench-dutsim + bench run; usb: umockdev; browser: Chromium;
    # bench: the benchmark smoke run). Sanitizer tree: the unit tests (label "unit"), under ASan+UBSan
    # with assertions on. Compiling the unit tests twice would add about 4 minutes on 2 cores.
    phase "Release build (system_tests)"
    configure build -DCMAKE_BUILD_TYPE=Release
    cmake --build build -j"$JOBS" --target system_tests
    # The live tests spend their time waiting for audio that runs in real time, so they run in the
    # background beside everything else; their jackd runs with real-time scheduling where allowed, which
    # keeps them free of xruns next to the compiler (tests/live/jackbench.py).
    phase "live tests (ctest -L live) in the background, log in build/live-tests.log"
    ctest --test-dir build --output-on-failure -j2 -L live --timeout 600 >build/live-tests.log 2>&1 &
    live_pid=$!
    status=${status_format:-0}
    phase "ctest -L 'usb|browser|bench' (Release)"
    ctest --test-dir build --output-on-failure -j"$JOBS" -L 'usb|browser|bench' --timeout 600 || status=1
    phase "sanitizer build (unit_tests, ASan+UBSan)"
    build_sanitized
    phase "unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      ctest --test-dir build-asan --output-on-failure -j"$JOBS" -L unit --timeout 900 || status=1
    # Every parser under libFuzzer for 30 s (two at a time): an input that crashes one fails the run.
    phase "fuzz tree (build-fuzz, clang, libFuzzer, ASan+UBSan) and every fuzz target for 30 s"
    build_fuzz
    run_fuzz 30 || status=1
    wait "$live_pid" || status=1
    phase "live tests (ctest -L live), their log:"
    cat build/live-tests.log
    # Every test must have run: a label outside the five would be left out by the selections above.
    others=$(ctest --test-dir build-asan -N -LE 'unit|usb|browser|bench|live' | sed -n 's/^Total Tests: //p')
    [[ "$others" == 0 ]] || { echo "bench.sh: $others tests carry none of the labels unit, usb, browser, bench, live"; status=1; }
    [[ $status -eq 0 ]] || { phase "some tests failed (see above)"; exit 1; }
    phase "every test passed"
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
  fuzz)
    seconds=${1:-60}
    [[ "$seconds" =~ ^[1-9][0-9]*$ ]] || { echo "bench: error: fuzz $seconds: not a number of seconds: give a whole number above 0, e.g. ./bench.sh fuzz 600" >&2; exit 2; }
    install_deps
    phase "fuzz tree (build-fuzz)"
    build_fuzz
    phase "every fuzz target for $seconds s, two at a time"
    run_fuzz "$seconds" || { phase "a fuzz target failed (see above)"; exit 1; }
    phase "no fuzz target failed"
    ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    [[ "$cmd" == help || "$cmd" == -h || "$cmd" == --help ]] || exit 2
    ;;
esac
