#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "bench/cli/app.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/atomic_file.hpp"
#include "bench/io/usb/hid_relay_board.hpp"
#include "bench/plan/load.hpp"
#include "bench/record/record.hpp"
#include "bench/report/outputs.hpp"
#include "bench/report/record_json.hpp"
#include "bench/session/live/live_endpoint.hpp"
#include "bench/session/replay_endpoint.hpp"
#include "bench/session/sequencer.hpp"
#include "bench/session/sim_endpoint.hpp"

namespace bench::cli {
namespace {

// Set by the SIGINT/SIGTERM handler to the signal's number; the sequencer sees it through
// RunOptions::stop_signal, never as a global of its own.
std::atomic<int> stop_signal_number{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler stores into it");

void on_stop_signal(int sig) {
  stop_signal_number.store(sig);
  static constexpr char kNote[] =
      "\nbench: stopping after the take that is playing; the report is written (press Ctrl-C again to stop "
      "at once)\n";
  const ssize_t ignored = ::write(STDERR_FILENO, kNote, sizeof kNote - 1);
  (void)ignored;
}

// The first SIGINT or SIGTERM asks the run to stop after its current take; the handler then goes back to
// the default (SA_RESETHAND), so a second one stops the bench at once.
void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

// The lock file of a run directory: a run holds an exclusive flock on it from before its first take to
// its exit (the kernel releases it, also after a kill), so two runs never write one directory.
constexpr const char* kLockFile = ".bench.lock";

class RunDirLock {
 public:
  explicit RunDirLock(const std::filesystem::path& dir) {
    const std::filesystem::path path = dir / kLockFile;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0)
      throw InputError(dir.string() + ": cannot create its lock file " + kLockFile + " (" +
                       std::strerror(errno) + "): give --out a directory that can be written");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      ::close(fd_);
      fd_ = -1;
      if (e == EWOULDBLOCK)
        throw InputError(dir.string() + ": another bench run is writing it (it holds " + path.string() +
                         "): wait for that run to end or give another --out");
      throw InputError(dir.string() + ": cannot lock " + path.string() + " (" + std::strerror(e) +
                       "): give --out a directory on a local disk");
    }
  }
  ~RunDirLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  RunDirLock(const RunDirLock&) = delete;
  RunDirLock& operator=(const RunDirLock&) = delete;

 private:
  int fd_ = -1;
};

// Whether `dir` holds anything but its lock file.
bool holds_files(const std::filesystem::path& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().filename() != kLockFile) return true;
  return false;
}

// A run directory, empty but for its lock, which this process holds.
struct RunDir {
  std::filesystem::path path;
  std::unique_ptr<RunDirLock> lock;
};

struct RunArgs {
  std::string plan, out, backend = "sim";
  std::uint64_t seed = 1;
  bool yes = false;
  std::string relay_board;  ///< "" none, "any" the first board, else its 5-character id
  std::string api, interface_device, adc_device;
  bool separate_streams = false;
  unsigned period_frames = 256;
  int attempts = 3;
  std::string keep_captures = "all";
  std::vector<std::string> fixtures;
  std::vector<std::string> steps;
};

// Keeps only the named configurations of a plan, in the plan's order. An id the plan does not list is a
// usage error naming the ones it does.
void select_fixtures(plan::Plan& plan, const std::vector<std::string>& ids) {
  if (ids.empty()) return;
  std::string listed;
  for (const auto& f : plan.fixtures) listed += (listed.empty() ? "" : ", ") + f.id;
  for (const auto& id : ids)
    if (std::none_of(plan.fixtures.begin(), plan.fixtures.end(),
                     [&](const plan::Fixture& f) { return f.id == id; }))
      throw InputError("--fixture " + id + ": the plan " + plan.file.string() +
                       " has no such cable configuration: use one of " + listed);
  std::erase_if(plan.fixtures,
                [&](const plan::Fixture& f) { return std::find(ids.begin(), ids.end(), f.id) == ids.end(); });
}

// Shows the operator what to set up and waits for Enter; "q" (or the end of input) stops the run.
bool ask_operator(const std::string& instruction) {
  std::fprintf(stderr, "\n%s\nPress Enter when ready (q and Enter to stop): ", instruction.c_str());
  std::fflush(stderr);
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  return line != "q" && line != "Q";
}

// The console summary: the plan's sequence, then each configuration's outcome, audio time and every error
// and failed check with its explanation.
void print_summary(const record::RunRecord& r, const std::filesystem::path& dir) {
  std::string sequence;
  for (const auto& s : r.steps)
    sequence += (sequence.empty() ? "" : ", ") + (s.id == s.kind ? s.id : s.id + " (" + s.kind + ")");
  std::printf("\n%s: %s (%s)\n  sequence: %s%s\n", r.plan.id.c_str(), r.plan.name.c_str(), r.backend.c_str(),
              sequence.c_str(), r.default_steps ? " (the default sequence)" : "");
  for (const auto& c : r.configurations) {
    std::string upper = record::to_string(c.outcome);
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::printf("  [%-5s] %-28s %s (%s s of audio)\n", upper.c_str(), c.fixture.id.c_str(),
                c.fixture.name.c_str(), fixed(c.audio_s(), 1).c_str());
    for (const auto& e : c.errors) std::printf("           error: %s\n", e.c_str());
    for (const auto& s : c.steps)
      if (s.error) std::printf("           error in step %s: %s\n", s.id.c_str(), s.error->c_str());
    for (const auto& k : c.checks) {
      if (k.outcome != record::Outcome::kFail) continue;
      std::string where;
      if (k.channel) where += " " + *k.channel;
      if (k.load) where += " into " + *k.load;
      if (k.level_dbfs) where += " at " + fixed(*k.level_dbfs, 0) + " dBFS";
      const std::string value =
          std::holds_alternative<double>(k.value)        ? fixed(std::get<double>(k.value), 2) + " " + k.unit
          : std::holds_alternative<std::string>(k.value) ? std::get<std::string>(k.value)
                                                         : std::string("n/a");
      std::printf("           fail: %s%s = %s: %s\n", k.name.c_str(), where.c_str(), value.c_str(),
                  k.explanation.c_str());
    }
  }
  const auto n = r.counts();
  std::printf("\n%zu configurations: %zu pass, %zu fail, %zu error. Report: %s\n", r.configurations.size(),
              n[0], n[1], n[2], (dir / "report.json").string().c_str());
}

session::RunOptions progress_options(const std::filesystem::path& dir) {
  session::RunOptions options;
  options.run_dir = dir;
  options.on_progress = [](const session::Progress& p) {
    const std::string left =
        p.remaining_s >= 0 ? ", about " + fixed(p.remaining_s, 1) + " s left" : std::string();
    spdlog::info("[{}/{}] {}: step {}/{} {}: {} ({} s elapsed{})", p.configuration, p.configurations,
                 p.fixture_id, p.step, p.steps, p.step_id, p.what, fixed(p.elapsed_s, 1), left);
  };
  return options;
}

// Writes report.json (durably, after the captures it names) and what derives from it, prints the summary,
// maps the outcome to an exit code: 4 when the run stopped because a file could not be written.
int finish(const std::filesystem::path& dir, const record::RunRecord& record, bool output_failed) {
  try {
    io::sync_file_system(dir);
    report::write_record(dir, record, true);
    report::write_all(dir, record);
  } catch (const OutputError&) {
    // What stopped the run first, then (from the caller) the write that failed now.
    if (record.aborted) std::fprintf(stderr, "bench: error: %s\n", record.aborted->c_str());
    throw;
  }
  print_summary(record, dir);
  if (record.aborted) {
    std::fprintf(stderr, "bench: error: %s: the configurations measured so far are in %s\n",
                 record.aborted->c_str(), (dir / "report.json").string().c_str());
    return static_cast<int>(output_failed ? ExitCode::kCannotWrite : ExitCode::kCannotMeasure);
  }
  switch (record.outcome) {
    case record::Outcome::kFail:
      return static_cast<int>(ExitCode::kCheckFailed);
    case record::Outcome::kError:
      return static_cast<int>(ExitCode::kCannotMeasure);
    default:
      return 0;
  }
}

RunDir fresh_dir(const std::string& out, const std::filesystem::path& fallback) {
  RunDir d{out.empty() ? fallback : std::filesystem::path(out), nullptr};
  auto refuse = [&] {
    return InputError(d.path.string() +
                      " already holds files: a run directory is never overwritten; give another --out");
  };
  // A directory of another kind is refused untouched; one with a lock file is a run's, maybe running.
  std::error_code ec;
  if (std::filesystem::is_directory(d.path, ec) && holds_files(d.path) &&
      !std::filesystem::exists(d.path / kLockFile, ec))
    throw refuse();
  create_output_dir(d.path, "--out");
  d.lock = std::make_unique<RunDirLock>(d.path);
  if (holds_files(d.path)) throw refuse();
  return d;
}

// Brings report.json up to date after a configuration: the configurations so far, marked in progress,
// written durably after the captures they name, so that a kill or a power cut leaves a record that
// `bench report` and `bench reanalyze` read.
void write_progress(report::ProgressWriter& writer, const std::filesystem::path& dir, const plan::Plan& plan,
                    const std::vector<record::ConfigurationRecord>& done, const std::string& backend,
                    std::uint64_t seed) {
  record::RunRecord r = record::make_run_record(plan, done, std::nullopt, backend, seed, utc_now());
  r.in_progress = record::InProgress{plan.fixtures.size()};
  r.outcome = record::Outcome::kError;
  io::sync_file_system(dir);
  writer.write(r);
}

int run_plan(const RunArgs& a) {
  plan::Plan plan = plan::load_plan(a.plan);
  select_fixtures(plan, a.fixtures);
  plan::select_steps(plan, a.steps);
  if (a.backend != "sim" && a.backend != "rtaudio")
    throw InputError("--backend " + a.backend +
                     " is not a backend: use sim (physical models) or rtaudio (real devices)");
  // Devices are opened before the run directory exists: a device that is not there costs nothing.
  if (!a.relay_board.empty() && a.backend != "rtaudio")
    throw InputError(
        "--relay-board switches real loads: use it with --backend rtaudio (the sim switches its models "
        "itself)");
  std::unique_ptr<usb::HidRelayBoard> board;
  if (!a.relay_board.empty()) {
    board = usb::HidRelayBoard::open(a.relay_board == "any" ? std::nullopt
                                                            : std::optional<std::string>(a.relay_board));
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
  const RunDir run_dir =
      fresh_dir(a.out, std::filesystem::path("reports") / (utc_now("%Y%m%dT%H%M%SZ") + "_" + plan.id));
  const std::filesystem::path& dir = run_dir.path;
  spdlog::info("run {}: {} configurations of {} steps each, backend {}, writing {}", plan.id,
               plan.fixtures.size(), plan.steps.size(), endpoint->describe(), dir.string());
  const std::string backend = a.backend == "sim" ? std::string("sim") : endpoint->describe();
  session::RunOptions options = progress_options(dir);
  // The Sim endpoint sets fixtures up itself; real gear needs the operator unless --yes.
  options.operator_prompts = a.backend != "sim" && !a.yes;
  options.ask_operator = ask_operator;
  options.relay_board = board.get();
  options.stop_signal = &stop_signal_number;
  if (a.keep_captures == "none") {
    options.keep_captures = session::RunOptions::KeepCaptures::kNone;
    options.write_captures = false;
  } else if (a.keep_captures == "failed") {
    options.keep_captures = session::RunOptions::KeepCaptures::kFailed;
  }
  report::ProgressWriter progress(dir);
  options.on_configuration = [&](const std::vector<record::ConfigurationRecord>& done) {
    write_progress(progress, dir, plan, done, backend, a.seed);
  };
  install_stop_handlers();
  session::SessionResult result = session::Sequencer(plan, *endpoint, options).run();
  return finish(dir,
                record::make_run_record(plan, std::move(result.configurations), result.aborted, backend,
                                        a.seed, utc_now()),
                result.output_failed);
}

struct ReanalyzeArgs {
  std::string run_dir, out, plan;
};

// Same checks, recomputed from the captures a run kept: the sequencer runs again with an endpoint that
// hands back each kept capture instead of playing.
int reanalyze(const ReanalyzeArgs& a) {
  const std::filesystem::path run = a.run_dir;
  const report::PriorRun prior = report::read_prior_run(run);
  const std::string plan_file = a.plan.empty() ? prior.plan_file : a.plan;
  if (plan_file.empty() || !std::filesystem::exists(plan_file))
    throw InputError(
        (run / "report.json").string() + " names the plan '" + plan_file +
        "', which is not there from here: run from the directory of the original run or give --plan");
  plan::Plan plan = plan::load_plan(plan_file);
  // Only the configurations that kept captures (bench run --keep-captures failed|none) can be replayed.
  std::vector<std::string> replayable;
  std::vector<std::vector<record::Check>> prior_checks;
  for (std::size_t i = 0; i < prior.fixture_ids.size(); ++i)
    if (prior.kept_captures[i])
      replayable.push_back(prior.fixture_ids[i]), prior_checks.push_back(prior.checks[i]);
  if (replayable.empty())
    throw InputError(
        run.string() +
        ": nothing to re-analyse: the run kept no captures (bench run "
        "--keep-captures failed keeps only those of configurations that did not pass, none keeps "
        "none); run the plan again with --keep-captures all");
  if (replayable.size() < prior.fixture_ids.size())
    spdlog::info("reanalyze {}: {} of {} configurations kept their captures; re-analysing those",
                 run.string(), replayable.size(), prior.fixture_ids.size());
  // A run of some configurations or steps only (bench run --fixture, --step) is re-analysed for those.
  if (replayable.size() < plan.fixtures.size()) select_fixtures(plan, replayable);
  if (!prior.step_ids.empty() && prior.step_ids.size() < plan.steps.size())
    plan::select_steps(plan, prior.step_ids);
  const RunDir run_dir = fresh_dir(a.out, run / ("reanalysis_" + utc_now("%Y%m%dT%H%M%SZ")));
  const std::filesystem::path& dir = run_dir.path;
  spdlog::info("reanalyze {}: {} configurations from the kept captures, writing {}", run.string(),
               plan.fixtures.size(), dir.string());
  session::ReplayEndpoint endpoint(run, plan.settings.sample_rate_hz, plan.adc.channels);
  session::RunOptions options = progress_options(dir);
  options.write_captures = false;
  options.stop_signal = &stop_signal_number;
  report::ProgressWriter progress(dir);
  options.on_configuration = [&](const std::vector<record::ConfigurationRecord>& done) {
    write_progress(progress, dir, plan, done, "replay", prior.seed);
  };
  install_stop_handlers();
  session::SessionResult result = session::Sequencer(plan, endpoint, options).run();
  record::RunRecord redone = record::make_run_record(plan, std::move(result.configurations), result.aborted,
                                                     "replay", prior.seed, utc_now());
  // Count the checks that came out identical (value and outcome, bit for bit).
  std::size_t same = 0, total = 0;
  for (std::size_t i = 0; i < std::min(prior_checks.size(), redone.configurations.size()); ++i) {
    const auto& ca = prior_checks[i];
    const auto& cb = redone.configurations[i].checks;
    total += std::max(ca.size(), cb.size());
    for (std::size_t k = 0; k < std::min(ca.size(), cb.size()); ++k)
      if (report::same_check(ca[k], cb[k])) ++same;
  }
  redone.reanalysis_of = record::ReanalysisOf{run.generic_string(), total, same};
  const int code = finish(dir, redone, result.output_failed);
  std::printf("%zu of %zu checks identical to %s\n", same, total, (run / "report.json").string().c_str());
  return code;
}

}  // namespace

void add_reanalyze(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ReanalyzeArgs>();
  auto* r = app.add_subcommand("reanalyze",
                               "recompute every measurement and check of a run from its kept captures");
  r->add_option("run_dir", a->run_dir, "a directory written by bench run")->required();
  r->add_option("--out", a->out, "where to write (default RUN_DIR/reanalysis_<UTC time>)");
  r->add_option("--plan", a->plan,
                "the plan file, when the one named in report.json is not reachable from here");
  r->callback([a, &exit_code] { exit_code = reanalyze(*a); });
}

void add_run(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<RunArgs>();
  auto* r =
      app.add_subcommand("run", "run a test plan: every cable configuration measured, judged and reported");
  r->add_option("plan", a->plan, "plan file, e.g. profiles/plans/demo.toml")->required();
  r->add_option("--backend", a->backend, "sim (physical models, no hardware) or rtaudio (the plan's devices)")
      ->capture_default_str();
  r->add_option("--api", a->api,
                "rtaudio: jack, alsa or pulse (default: the first API that has both devices)");
  r->add_option(
      "--interface-device", a->interface_device,
      "rtaudio: regex on the playing device's name (default: the interface profile's rtaudio_name_pattern)");
  r->add_option(
      "--adc-device", a->adc_device,
      "rtaudio: regex on the recording device's name (default: the ADC profile's rtaudio_name_pattern)");
  r->add_flag("--separate-streams", a->separate_streams,
              "rtaudio: play and record on two streams even when one device does both");
  r->add_option("--period-frames", a->period_frames,
                "rtaudio: requested period in frames (JACK: the server's period rules)")
      ->capture_default_str()
      ->check(in_range(16, 8192, "frames"));
  r->add_option("--attempts", a->attempts, "rtaudio: tries per take when xruns spoil it")
      ->capture_default_str()
      ->check(in_range(1, 20, "attempts"));
  r->add_option("--keep-captures", a->keep_captures,
                "which configurations keep their captures (for bench reanalyze): all, failed (those that did "
                "not pass) or none")
      ->capture_default_str()
      ->check(CLI::IsMember({"all", "failed", "none"}));
  r->add_option("--fixture", a->fixtures,
                "measure only this cable configuration of the plan (fixture id; repeat for more)");
  r->add_option("--step", a->steps,
                "run only this step of the plan's sequence (step id; repeat for more; a step's needs must be "
                "among them)");
  r->add_option("--out", a->out, "run directory (default reports/<UTC time>_<plan>)");
  r->add_option("--seed", a->seed, "seed of the simulated noise: same seed, same report")
      ->capture_default_str()
      ->check(whole_number(std::numeric_limits<std::uint64_t>::max()));
  r->add_flag("--yes", a->yes,
              "rtaudio: do not wait for the operator to set up each cable and load (unattended runs)");
  r->add_option("--relay-board", a->relay_board,
                "rtaudio: switch loads and cable paths with a USB relay board as the fixtures' [relays] say: "
                "any (the first "
                "board) or its 5-character id");
  r->callback([a, &exit_code] { exit_code = run_plan(*a); });
}

}  // namespace bench::cli
