#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/cli/app.hpp"
#include "bench/core/error.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/io/usb/relay_board.hpp"
#include "bench/plan/load.hpp"
#include "bench/report/outputs.hpp"
#include "bench/report/report_json.hpp"
#include "bench/session/live_endpoint.hpp"
#include "bench/session/sequencer.hpp"
#include "bench/session/replay_endpoint.hpp"
#include "bench/session/sim_endpoint.hpp"

namespace bench::cli {
namespace {

struct RunArgs {
  std::string plan, out, backend = "sim";
  std::uint64_t seed = 1;
  bool yes = false;
  std::string relay_board;  ///< "" none, "any" the first board, else its 5-character id
  std::string api, interface_device, adc_device;
  bool separate_streams = false;
  unsigned period_frames = 256;
  int attempts = 3;
  std::vector<std::string> fixtures;
};

// Keeps only the named configurations of a plan, in the plan's order. An id the plan does not list is a
// usage error naming the ones it does.
void select_fixtures(plan::Plan& plan, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  std::string listed;
  for (const auto& f : plan.fixtures) listed += (listed.empty() ? "" : ", ") + f.id;
  for (const auto& id : ids)
    if (std::none_of(plan.fixtures.begin(), plan.fixtures.end(), [&](const plan::Fixture& f) { return f.id == id; }))
      throw InputError("--fixture " + id + ": the plan " + plan.file.string() + " has no such cable configuration: use one of " + listed);
  std::erase_if(plan.fixtures, [&](const plan::Fixture& f) { return std::find(ids.begin(), ids.end(), f.id) == ids.end(); });
}

// Shows the operator what to set up and waits for Enter; "q" (or the end of input) stops the run.
bool ask_operator(const std::string& instruction) {
  std::fprintf(stderr, "\n%s\nPress Enter when ready (q and Enter to stop): ", instruction.c_str());
  std::fflush(stderr);
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  return line != "q" && line != "Q";
}

std::string utc_stamp(const char* format) {
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

void print_summary(const nlohmann::json& report, const std::filesystem::path& dir) {
  std::printf("\n%s: %s (%s)\n", report["plan"]["id"].get<std::string>().c_str(), report["plan"]["name"].get<std::string>().c_str(),
              report["backend"].get<std::string>().c_str());
  for (const auto& c : report["configurations"]) {
    const std::string outcome = c["outcome"];
    std::string upper = outcome;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const auto& f = c["fixture"];
    std::printf("  [%-5s] %-28s %s\n", upper.c_str(), f["id"].get<std::string>().c_str(), f["name"].get<std::string>().c_str());
    for (const auto& e : c["errors"]) std::printf("           error: %s\n", e.get<std::string>().c_str());
    for (const auto& k : c["checks"]) {
      if (k["outcome"] != "fail") continue;
      std::string where;
      if (k.contains("channel")) where += " " + k["channel"].get<std::string>();
      if (k.contains("load")) where += " into " + k["load"].get<std::string>();
      if (k.contains("level_dbfs")) {
        char b[32];
        std::snprintf(b, sizeof b, " at %.0f dBFS", k["level_dbfs"].get<double>());
        where += b;
      }
      std::string value = k["value"].is_number() ? [&] {
        char b[48];
        std::snprintf(b, sizeof b, "%.2f %s", k["value"].get<double>(), k["unit"].get<std::string>().c_str());
        return std::string(b);
      }()
                                                 : k["value"].dump();
      std::printf("           fail: %s%s = %s: %s\n", k["name"].get<std::string>().c_str(), where.c_str(), value.c_str(),
                  k["explanation"].get<std::string>().c_str());
    }
  }
  const auto& s = report["summary"];
  std::printf("\n%zu configurations: %zu pass, %zu fail, %zu error. Report: %s\n", s["configurations"].get<std::size_t>(),
              s["pass"].get<std::size_t>(), s["fail"].get<std::size_t>(), s["error"].get<std::size_t>(),
              (dir / "report.json").string().c_str());
}

session::RunOptions progress_options(const std::filesystem::path& dir) {
  session::RunOptions options;
  options.run_dir = dir;
  options.on_progress = [](const session::Progress& p) {
    if (p.remaining_s >= 0)
      spdlog::info("[{}/{}] {}: {} ({:.1f} s elapsed, about {:.1f} s left)", p.configuration, p.configurations, p.fixture_id, p.step,
                   p.elapsed_s, p.remaining_s);
    else
      spdlog::info("[{}/{}] {}: {} ({:.1f} s elapsed)", p.configuration, p.configurations, p.fixture_id, p.step, p.elapsed_s);
  };
  return options;
}

// Writes report.json and what derives from it, prints the summary, maps the outcome to an exit code.
int finish(const std::filesystem::path& dir, const nlohmann::json& report, const session::SessionResult& result) {
  io::write_json(dir / "report.json", report);
  report::write_all(dir, report);
  print_summary(report, dir);
  if (result.aborted) {
    std::fprintf(stderr, "bench: error: %s: the configurations measured so far are in %s\n", result.aborted->c_str(),
                 (dir / "report.json").string().c_str());
    return static_cast<int>(ExitCode::kCannotMeasure);
  }
  switch (result.outcome) {
    case session::Outcome::kFail: return static_cast<int>(ExitCode::kCheckFailed);
    case session::Outcome::kError: return static_cast<int>(ExitCode::kCannotMeasure);
    default: return 0;
  }
}

std::filesystem::path fresh_dir(const std::string& out, const std::filesystem::path& fallback) {
  std::filesystem::path dir = out.empty() ? fallback : std::filesystem::path(out);
  if (std::filesystem::exists(dir) && !std::filesystem::is_empty(dir))
    throw InputError(dir.string() + " already holds files: a run directory is never overwritten; give another --out");
  std::filesystem::create_directories(dir);
  return dir;
}

int run_plan(const RunArgs& a) {
  plan::Plan plan = plan::load_plan(a.plan);
  select_fixtures(plan, a.fixtures);
  if (a.backend != "sim" && a.backend != "rtaudio")
    throw InputError("--backend " + a.backend + " is not a backend: use sim (physical models) or rtaudio (real devices)");
  // Devices are opened before the run directory exists: a device that is not there costs nothing.
  if (!a.relay_board.empty() && a.backend != "rtaudio")
    throw InputError("--relay-board switches real loads: use it with --backend rtaudio (the sim switches its models itself)");
  std::unique_ptr<usb::HidRelayBoard> board;
  if (!a.relay_board.empty()) {
    board = usb::HidRelayBoard::open(a.relay_board == "any" ? std::nullopt : std::optional<std::string>(a.relay_board));
    spdlog::info("relay board: {}", board->describe());
  }
  std::unique_ptr<session::Endpoint> endpoint;
  if (a.backend == "sim") {
    endpoint = std::make_unique<session::SimEndpoint>(plan, a.seed);
  } else {
    session::LiveOptions o;
    o.api = a.api;
    if (!a.interface_device.empty()) o.interface_device = a.interface_device;
    if (!a.adc_device.empty()) o.adc_device = a.adc_device;
    o.separate_streams = a.separate_streams;
    o.period_frames = a.period_frames;
    o.attempts = a.attempts;
    endpoint = std::make_unique<session::LiveEndpoint>(plan, o);
  }
  const std::filesystem::path dir = fresh_dir(a.out, std::filesystem::path("reports") / (utc_stamp("%Y%m%dT%H%M%SZ") + "_" + plan.id));
  spdlog::info("run {}: {} configurations, backend {}, writing {}", plan.id, plan.fixtures.size(), endpoint->describe(), dir.string());
  session::RunOptions options = progress_options(dir);
  // The Sim endpoint sets fixtures up itself; real gear needs the operator unless --yes.
  options.operator_prompts = a.backend != "sim" && !a.yes;
  options.ask_operator = ask_operator;
  options.relay_board = board.get();
  const session::SessionResult result = session::Sequencer(plan, *endpoint, options).run();
  const std::string backend = a.backend == "sim" ? std::string("sim") : endpoint->describe();
  return finish(dir, report::report_json(plan, result, {backend, a.seed, utc_stamp("%Y-%m-%dT%H:%M:%SZ")}), result);
}

struct ReanalyzeArgs {
  std::string run_dir, out, plan;
};

// Same checks, recomputed from the captures a run kept: the sequencer runs again with an endpoint that
// hands back each kept capture instead of playing.
int reanalyze(const ReanalyzeArgs& a) {
  const std::filesystem::path run = a.run_dir;
  const std::filesystem::path original_path = run / "report.json";
  if (!std::filesystem::exists(original_path)) throw InputError(original_path.string() + ": no such file: give a run directory made by bench run");
  nlohmann::json original;
  try {
    std::ifstream in(original_path);
    original = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(original_path.string() + ": not valid JSON (" + e.what() + ")");
  }
  if (!original.is_object() || original.value("schema", "") != "bench.report/1" || !original.contains("plan"))
    throw InputError(original_path.string() + ": not a bench.report/1 document");
  const std::string plan_file = a.plan.empty() ? original["plan"].value("file", "") : a.plan;
  if (plan_file.empty() || !std::filesystem::exists(plan_file))
    throw InputError(original_path.string() + " names the plan '" + plan_file +
                     "', which is not there from here: run from the directory of the original run or give --plan");
  plan::Plan plan = plan::load_plan(plan_file);
  // A run of some configurations only (bench run --fixture) is re-analysed for those.
  std::vector<std::string> measured;
  if (original.contains("configurations") && original["configurations"].is_array())
    for (const auto& c : original["configurations"])
      if (c.contains("fixture") && c["fixture"].is_object()) measured.push_back(c["fixture"].value("id", ""));
  if (measured.size() < plan.fixtures.size()) select_fixtures(plan, measured);
  const std::filesystem::path dir = fresh_dir(a.out, run / ("reanalysis_" + utc_stamp("%Y%m%dT%H%M%SZ")));
  spdlog::info("reanalyze {}: {} configurations from the kept captures, writing {}", run.string(), plan.fixtures.size(), dir.string());
  session::ReplayEndpoint endpoint(run);
  session::RunOptions options = progress_options(dir);
  options.write_captures = false;
  const session::SessionResult result = session::Sequencer(plan, endpoint, options).run();
  const std::uint64_t seed = original.value("seed", std::uint64_t{0});
  nlohmann::json redone = report::report_json(plan, result, {"replay", seed, utc_stamp("%Y-%m-%dT%H:%M:%SZ")});
  // Count the checks that came out identical (value and outcome, bit for bit).
  std::size_t same = 0, total = 0;
  const auto& a_conf = original["configurations"];
  const auto& b_conf = redone["configurations"];
  for (std::size_t i = 0; i < std::min(a_conf.size(), b_conf.size()); ++i) {
    const auto& ca = a_conf[i]["checks"];
    const auto& cb = b_conf[i]["checks"];
    total += std::max(ca.size(), cb.size());
    for (std::size_t k = 0; k < std::min(ca.size(), cb.size()); ++k)
      if (ca[k] == cb[k]) ++same;
  }
  redone["reanalysis_of"] = {{"run_dir", run.generic_string()}, {"checks", total}, {"identical_checks", same}};
  const int code = finish(dir, redone, result);
  std::printf("%zu of %zu checks identical to %s\n", same, total, original_path.string().c_str());
  return code;
}

}  // namespace

void add_reanalyze(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ReanalyzeArgs>();
  auto* r = app.add_subcommand("reanalyze", "recompute every measurement and check of a run from its kept captures");
  r->add_option("run_dir", a->run_dir, "a directory written by bench run")->required();
  r->add_option("--out", a->out, "where to write (default RUN_DIR/reanalysis_<UTC time>)");
  r->add_option("--plan", a->plan, "the plan file, when the one named in report.json is not reachable from here");
  r->callback([a, &exit_code] { exit_code = reanalyze(*a); });
}

void add_run(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<RunArgs>();
  auto* r = app.add_subcommand("run", "run a test plan: every cable configuration measured, judged and reported");
  r->add_option("plan", a->plan, "plan file, e.g. profiles/plans/demo.toml")->required();
  r->add_option("--backend", a->backend, "sim (physical models, no hardware) or rtaudio (the plan's devices)")->capture_default_str();
  r->add_option("--api", a->api, "rtaudio: jack, alsa or pulse (default: the first API that has both devices)");
  r->add_option("--interface-device", a->interface_device, "rtaudio: regex on the playing device's name (default: the interface profile's rtaudio_name_pattern)");
  r->add_option("--adc-device", a->adc_device, "rtaudio: regex on the recording device's name (default: the ADC profile's rtaudio_name_pattern)");
  r->add_flag("--separate-streams", a->separate_streams, "rtaudio: play and record on two streams even when one device does both");
  r->add_option("--period-frames", a->period_frames, "rtaudio: requested period in frames (JACK: the server's period rules)")->capture_default_str();
  r->add_option("--attempts", a->attempts, "rtaudio: tries per take when xruns spoil it")->capture_default_str()->check(CLI::Range(1, 20));
  r->add_option("--fixture", a->fixtures, "measure only this cable configuration of the plan (fixture id; repeat for more)");
  r->add_option("--out", a->out, "run directory (default reports/<UTC time>_<plan>)");
  r->add_option("--seed", a->seed, "seed of the simulated noise: same seed, same report")->capture_default_str();
  r->add_flag("--yes", a->yes, "rtaudio: do not wait for the operator to set up each cable and load (unattended runs)");
  r->add_option("--relay-board", a->relay_board,
                "rtaudio: switch loads and cable paths with a USB relay board as the fixtures' [relays] say: any (the first "
                "board) or its 5-character id");
  r->callback([a, &exit_code] { exit_code = run_plan(*a); });
}

}  // namespace bench::cli
