// Soak: many simulated bench sessions in one process, as a bench controller runs unit after unit all
// day, with resident memory watched. Each session is what `bench run` does: the plan's sequence through
// the Sim endpoint with every capture written, the run record made, report.json, index.html, junit.xml
// and the exports written, and report.json read back and checked against its schema.
//
//   soak_sessions [SESSIONS [PLAN]]   default 200 sessions of profiles/plans/quick.toml
//
// After every session it samples the heap in use (glibc's mallinfo2: bytes in allocated blocks) and the
// resident memory (VmRSS, /proc/self/statm); the baselines are the ones after session 10 (FFTW plans, the
// schema and the allocator's arenas are made by then). It fails (exit 1) when the heap in use lies more
// than 1 MiB above its baseline after any later session (a leak of 6 kB per session, or a few bytes per
// take, shows within 200 sessions), or the resident memory more than 16 MiB above its own (the heap
// fragmenting without bound). The heap in use is the leak test because the resident memory moves without
// one: bench::tune_heap_for_large_buffers keeps freed blocks in the process and backs the heap with 2 MiB
// huge pages, so it rose and fell by 1 to 5 MiB from session to session (5.36 MiB above session 10 at
// session 141, 1.2 MiB above it at session 180, in one CI run). ctest runs it as soak.sessions (label
// bench).
#include <malloc.h>
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
constexpr double kHeapLimitMib = 1.0;
constexpr double kResidentLimitMib = 16.0;

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// Bytes in allocated heap blocks, main arena and others, mmapped blocks included.
double heap_in_use_mib() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
}

struct Watch {
  const char* what;
  double limit_mib;
  double baseline = 0, peak_above = 0;
  int peak_session = 0;
  void sample(int session, double now) {
    if (session == kBaselineSession) baseline = now;
    if (session >= kBaselineSession && now - baseline > peak_above) {
      peak_above = now - baseline;
      peak_session = session;
    }
  }
};

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
  const double start_mib = resident_mib();
  Watch heap{"heap in use", kHeapLimitMib}, resident{"resident memory", kResidentLimitMib};
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
    const double heap_now = heap_in_use_mib(), resident_now = resident_mib();
    heap.sample(i, heap_now);
    resident.sample(i, resident_now);
    if (i % 20 == 0 || i == kBaselineSession) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const auto above = [&](const Watch& w, double now) {
        // Signed: the resident memory falls below its baseline as often as it rises above it.
        const double d = now - w.baseline;
        return i >= kBaselineSession ? " (" + std::string(d < 0 ? "" : "+") + bench::fixed(d, 3) +
                                           " MiB against session " + std::to_string(kBaselineSession) + ")"
                                     : std::string();
      };
      std::printf("soak: session %d/%d: heap in use %s MiB%s, resident %s MiB%s, %s s elapsed\n", i, sessions,
                  bench::fixed(heap_now, 2).c_str(), above(heap, heap_now).c_str(),
                  bench::fixed(resident_now, 1).c_str(), above(resident, resident_now).c_str(),
                  bench::fixed(elapsed, 1).c_str());
      std::fflush(stdout);
    }
  }
  fs::remove_all(scratch);
  int status = 0;
  for (const Watch* w : {&heap, &resident}) {
    std::printf(
        "soak: %d sessions: %s %s MiB after session %d, at most %s MiB above it (session %d); "
        "limit %s MiB\n",
        sessions, w->what, bench::fixed(w->baseline, 2).c_str(), kBaselineSession,
        bench::fixed(w->peak_above, 3).c_str(), w->peak_session, bench::fixed(w->limit_mib, 1).c_str());
    if (w->peak_above > w->limit_mib) {
      std::fprintf(stderr, "soak: %s grew %s MiB over %d sessions (limit %s MiB): %s\n", w->what,
                   bench::fixed(w->peak_above, 2).c_str(), sessions - kBaselineSession,
                   bench::fixed(w->limit_mib, 1).c_str(),
                   w == &heap ? "something leaks" : "the heap fragments without bound");
      status = 1;
    }
  }
  return status;
}
