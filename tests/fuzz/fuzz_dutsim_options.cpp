// Fuzz target: bench-dutsim's command line (bench::dutsim::parse_command_line). The input is the
// arguments after the program name, separated by NUL bytes. A --plan that names one of the repository's
// plans (profiles/plans/<id>.toml, relative to the repository's root: run the target from there) goes on
// to chain_config_for (--fixture, --load, --seed, --clock-offset-ppm), as bench-dutsim does before it
// opens its JACK client; those plans are loaded once. Any other --plan stops after parsing, so the
// fuzzer reads no other file. Options that parse must mean what they say (check_schedule): a number is a
// number, and a fault time that parses falls inside the fault schedule (FaultSchedule), so the fault
// happens at its time.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/dutsim/config.hpp"
#include "bench/dutsim/options.hpp"
#include "bench/dutsim/processor.hpp"
#include "bench/plan/load.hpp"
#include "fuzz_support.hpp"

namespace {

namespace fs = std::filesystem;

// The repository's plans by canonical path, each loaded on first use (or the error it gives).
const bench::plan::Plan* repository_plan(const std::string& given) {
  static std::map<fs::path, std::optional<bench::plan::Plan>> plans;
  std::error_code ec;
  const fs::path path = fs::weakly_canonical(given, ec);
  const fs::path folder = fs::weakly_canonical(bench::fuzz::repo_root() / "profiles" / "plans", ec);
  if (ec || path.parent_path() != folder || path.extension() != ".toml") return nullptr;
  const auto emplaced = plans.try_emplace(path);
  std::optional<bench::plan::Plan>& plan = emplaced.first->second;
  if (emplaced.second)
    (void)bench::fuzz::parses("bench::plan::load_plan", [&] { plan = bench::plan::load_plan(path); });
  return plan ? &*plan : nullptr;
}

// The fault schedule does what the options say. Every number that parsed is one (not NaN), and the clock
// offset lies within its range. A stall of a finite length falls within some interval; a silence starts
// at its time and not before; the exit happens at its time and not at the start; a positive time shorter
// than a frame still happens (at the first frame). Times of more than kLast / 2 frames (about 750 000
// years at 48 kHz) may count as never, but must not happen at the start either.
void check_schedule(const bench::dutsim::Options& o, double sample_rate_hz) {
  const bench::dutsim::FaultOptions& f = o.faults;
  for (const double v : {f.stall_every_s, f.stall_ms, f.silence_after_s, f.exit_after_s})
    if (std::isnan(v)) bench::fuzz::violated("a fault option parsed as NaN");
  if (o.clock_offset_ppm && !(std::abs(*o.clock_offset_ppm) <= bench::dutsim::kMaxClockOffsetPpm))
    bench::fuzz::violated("--clock-offset-ppm parsed as " + std::to_string(*o.clock_offset_ppm));
  const bench::dutsim::FaultSchedule s(f, sample_rate_hz);
  constexpr std::int64_t kLast = std::numeric_limits<std::int64_t>::max() / 4;
  const auto due = [&](double seconds) { return seconds * sample_rate_hz <= static_cast<double>(kLast / 2); };
  const std::string given = std::to_string(f.stall_every_s) + " --stall-ms " + std::to_string(f.stall_ms);
  if (f.stall_every_s > 0 && f.stall_ms > 0) {
    if (!std::isfinite(s.stall_seconds())) bench::fuzz::violated("--stall-ms " + given + " stalls for ever");
    if (due(f.stall_every_s) && !s.stall_in(0, static_cast<std::size_t>(kLast)))
      bench::fuzz::violated("--stall-every-s " + given + " never stalls");
    if (!due(f.stall_every_s) && s.stall_in(0, 1u << 20))
      bench::fuzz::violated("--stall-every-s " + given + " stalls at the start");
  }
  if (f.silence_channel >= 0) {
    const std::string after = "--silence-after-s " + std::to_string(f.silence_after_s);
    if (due(f.silence_after_s) && s.silence_from(kLast, 1) != 0)
      bench::fuzz::violated(after + " never silences");
    if (f.silence_after_s * sample_rate_hz >= 1 && s.silence_from(0, 1) != 1)
      bench::fuzz::violated(after + " silences before its time");
  }
  if (f.exit_after_s > 0) {
    const std::string after = "--exit-after-s " + std::to_string(f.exit_after_s);
    if (s.exit_due(0)) bench::fuzz::violated(after + " exits at the start");
    if (due(f.exit_after_s) && !s.exit_due(kLast)) bench::fuzz::violated(after + " never exits");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args{"bench-dutsim"};
  std::string arg;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\0') {
      args.push_back(arg);
      arg.clear();
    } else {
      arg.push_back(static_cast<char>(data[i]));
    }
  }
  if (!arg.empty()) args.push_back(arg);
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::optional<bench::dutsim::Options> options;
  if (!bench::fuzz::parses("bench::dutsim::parse_command_line", [&] {
        options = bench::dutsim::parse_command_line(static_cast<int>(argv.size()), argv.data()).options;
      }))
    return 0;
  if (!options) return 0;
  const bench::plan::Plan* plan = repository_plan(options->plan);
  check_schedule(*options, plan != nullptr ? plan->settings.sample_rate_hz : 48000);
  if (plan != nullptr)
    (void)bench::fuzz::parses("bench::dutsim::chain_config_for", [&] {
      (void)bench::dutsim::chain_config_for(*plan, options->fixture, options->load, options->seed,
                                            options->clock_offset_ppm);
    });
  return 0;
}
