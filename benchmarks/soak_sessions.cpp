// Soak: many simulated bench sessions in one process, as a bench controller runs unit after unit all
// day, with resident memory watched. Each session is what `bench run` does: the plan's sequence through
// the Sim endpoint with every capture written, the run record made, report.json, index.html, junit.xml
// and the exports written, and report.json read back and checked against its schema.
//
//   soak_sessions [SESSIONS [PLAN]]   default 200 sessions of profiles/plans/quick.toml
//
// Resident memory (VmRSS, /proc/self/statm) is sampled after every session; the baseline is the one
// after session 10 (FFTW plans, the schema and the allocator's arenas are made by then). It fails (exit
// 1) when any later sample lies more than 5 MiB above the baseline: a leak of a few kB per session, or
// per take, shows within 200 sessions. ctest runs it as soak.sessions (label bench).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/core/format.hpp"
#include "bench/plan/load.hpp"
#include "bench/record/record.hpp"
#include "bench/report/outputs.hpp"
#include "bench/report/record_json.hpp"
#include "bench/session/sequencer.hpp"
#include "bench/session/sim_endpoint.hpp"

namespace {

constexpr int kBaselineSession = 10;
constexpr double kLimitMib = 5.0;

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(__FILE__).parent_path().parent_path();
  const int sessions = argc > 1 ? std::atoi(argv[1]) : 200;
  const fs::path plan_file = argc > 2 ? fs::path(argv[2]) : root / "profiles" / "plans" / "quick.toml";
  if (sessions <= kBaselineSession) {
    std::fprintf(stderr,
                 "soak_sessions: give more than %d sessions (the baseline is taken after session %d)\n",
                 kBaselineSession, kBaselineSession);
    return 2;
  }
  const bench::plan::Plan plan = bench::plan::load_plan(plan_file);
  const fs::path scratch = fs::temp_directory_path() / ("bench-soak-" + std::to_string(getpid()));
  double baseline = 0, peak_above = 0, start_mib = resident_mib();
  int peak_session = 0;
  const auto t0 = std::chrono::steady_clock::now();
  std::printf("soak: %d sessions of %s (%zu configurations each), resident %s MiB at start\n", sessions,
              plan_file.filename().string().c_str(), plan.fixtures.size(),
              bench::fixed(start_mib, 1).c_str());
  for (int i = 1; i <= sessions; ++i) {
    fs::remove_all(scratch);
    fs::create_directories(scratch);
    bench::session::SimEndpoint sim(plan, static_cast<std::uint64_t>(i));
    bench::session::RunOptions options;
    options.run_dir = scratch;
    bench::session::SessionResult result = bench::session::Sequencer(plan, sim, options).run();
    const bench::record::RunRecord record =
        bench::record::make_run_record(plan, std::move(result.configurations), result.aborted, "sim",
                                       static_cast<std::uint64_t>(i), bench::utc_now());
    bench::report::write_record(scratch, record);
    static_cast<void>(bench::report::write_all(scratch, record));
    const bench::record::RunRecord back = bench::report::read_record(scratch);
    if (back.configurations.size() != plan.fixtures.size()) {
      std::fprintf(stderr, "soak: session %d: report.json read back %zu configurations, the plan has %zu\n",
                   i, back.configurations.size(), plan.fixtures.size());
      return 1;
    }
    const double now = resident_mib();
    if (i == kBaselineSession) baseline = now;
    if (i >= kBaselineSession && now - baseline > peak_above) {
      peak_above = now - baseline;
      peak_session = i;
    }
    if (i % 20 == 0 || i == kBaselineSession) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("soak: session %d/%d: resident %s MiB%s, %s s elapsed\n", i, sessions,
                  bench::fixed(now, 1).c_str(),
                  i >= kBaselineSession ? (" (" + bench::fixed(now - baseline, 2) + " MiB above session " +
                                           std::to_string(kBaselineSession) + ")")
                                              .c_str()
                                        : "",
                  bench::fixed(elapsed, 1).c_str());
      std::fflush(stdout);
    }
  }
  fs::remove_all(scratch);
  std::printf(
      "soak: %d sessions: resident %s MiB after session %d, at most %s MiB above it (session %d); "
      "limit %s MiB\n",
      sessions, bench::fixed(baseline, 1).c_str(), kBaselineSession, bench::fixed(peak_above, 2).c_str(),
      peak_session, bench::fixed(kLimitMib, 1).c_str());
  if (peak_above > kLimitMib) {
    std::fprintf(
        stderr, "soak: resident memory grew %s MiB over %d sessions (limit %s MiB): something leaks\n",
        bench::fixed(peak_above, 2).c_str(), sessions - kBaselineSession, bench::fixed(kLimitMib, 1).c_str());
    return 1;
  }
  return 0;
}
