#include "bench/session/sequencer.hpp"

#include <chrono>
#include <csignal>

#include "bench/core/error.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/takes.hpp"

namespace bench::session {
namespace {

using record::Outcome;
using record::StepRecord;

// Why a step cannot run for lack of what it needs, or nothing. The clock step's error (the ADC's clock
// beyond tolerance) stops every later step that declares it: no capture can be put on the interface's
// clock. A required result that an earlier step could not produce stops the steps that need it.
std::optional<std::string> blocked(const steps::StepContext& cx) {
  for (const auto& need : plan::step_kind(cx.step.kind).needs) {
    const StepRecord* earlier = cx.earlier(need.kind);
    if (earlier == nullptr) {
      if (need.required)
        return "it needs " + std::string(need.what) + " from a step of kind '" + std::string(need.kind) +
               "' before it, which the plan does not have";
      continue;
    }
    if (earlier->error && (need.kind == "clock" || (need.required && !earlier->result)))
      return *earlier->error;
  }
  return std::nullopt;
}

// The step's checks that were not made become ERROR with the reason.
void add_errors(const steps::StepContext& cx, const std::string& why, std::vector<record::Check>& checks) {
  for (const auto& name : steps::planned_checks(cx)) {
    const bool made =
        std::any_of(checks.begin(), checks.end(), [&](const record::Check& c) { return c.name == name; });
    if (!made) checks.push_back(not_measured(name, why));
  }
}

// Runs one step into `record` (its result, error, audio) and its checks into `checks`.
void run_one(const steps::StepContext& cx, StepRecord& rec, std::vector<record::Check>& checks) {
  std::vector<record::Check> made;
  if (auto why = blocked(cx)) {
    rec.error = *why;
    add_errors(cx, *why, made);
  } else {
    std::optional<double> drift;
    if (cx.step.kind != "clock")
      if (const auto* clock = cx.result<record::ClockResult>("clock"); clock && clock->corrected)
        drift = clock->drift_ppm;
    cx.takes.begin_step(cx.step, drift);
    try {
      steps::StepRun run = steps::run_step(cx);
      rec.result = std::move(run.result);
      made = std::move(run.checks);
      if (run.error) rec.error = *run.error, add_errors(cx, *run.error, made);
    } catch (const MeasurementError& e) {
      rec.error = e.what();
      add_errors(cx, e.what(), made);
    }
    rec.audio_s = cx.takes.step_audio_s();
    rec.takes = cx.takes.step_takes();
  }
  for (auto& c : made) {
    c.step = cx.step.id;
    checks.push_back(std::move(c));
  }
}

}  // namespace

std::optional<std::string> stop_requested(const RunOptions& options) {
  if (options.stop_signal == nullptr) return std::nullopt;
  const int sig = options.stop_signal->load();
  if (sig == 0) return std::nullopt;
  const std::string name = sig == SIGINT    ? std::string("SIGINT (Ctrl-C)")
                           : sig == SIGTERM ? std::string("SIGTERM")
                                            : "signal " + std::to_string(sig);
  return "run stopped by " + name;
}

Sequencer::Sequencer(const plan::Plan& plan, Endpoint& endpoint, RunOptions options)
    : plan_(plan), endpoint_(endpoint), options_(std::move(options)) {}

SessionResult Sequencer::run() {
  SessionResult result;
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  const std::size_t n = plan_.fixtures.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto& fx = plan_.fixtures[i];
    if (auto why = stop_requested(options_)) {
      result.aborted = *why + " before the configuration " + fx.id;
      result.outcome = Outcome::kError;
      return result;
    }
    record::ConfigurationRecord cr;
    cr.fixture = record::fixture_record(fx);
    std::size_t step_index = 0;
    auto progress = [&](const std::string& what) {
      if (!options_.on_progress) return;
      const double t = elapsed();
      options_.on_progress({i + 1, n, fx.id, step_index + 1, plan_.steps.size(), plan_.steps[step_index].id,
                            what, t,
                            i == 0 ? -1.0 : t / static_cast<double>(i) * static_cast<double>(n - i)});
    };
    // A relay board that sets the fixture's cable path replaces the operator's set-up.
    const bool relays_set_up = options_.relay_board != nullptr && fx.relays && !fx.relays->path.empty();
    if (options_.operator_prompts && options_.ask_operator && !relays_set_up &&
        !options_.ask_operator(fx.instruction)) {
      result.aborted = "run stopped by the operator before " + fx.id;
      result.outcome = Outcome::kError;
      return result;
    }
    try {
      Takes takes(plan_, fx, endpoint_, options_, cr, progress);
      for (step_index = 0; step_index < plan_.steps.size(); ++step_index) {
        const plan::Step& step = plan_.steps[step_index];
        if (auto why = stop_requested(options_)) throw OperatorStop(*why + " before the step " + step.id);
        const steps::StepContext cx(plan_, fx, step, takes, cr.steps);
        StepRecord rec{step.id, step.kind, 0, 0, std::nullopt, std::nullopt};
        try {
          run_one(cx, rec, cr.checks);
        } catch (const Error& e) {
          if (!dynamic_cast<const HardwareError*>(&e) && !dynamic_cast<const OutputError*>(&e)) throw;
          rec.error = "the run stopped during this step (see the configuration's errors)";
          rec.audio_s = takes.step_audio_s(), rec.takes = takes.step_takes();
          cr.steps.push_back(std::move(rec));
          throw;
        }
        cr.steps.push_back(std::move(rec));
      }
    } catch (const Error& e) {
      const bool output = dynamic_cast<const OutputError*>(&e) != nullptr;
      if (output || dynamic_cast<const HardwareError*>(&e) != nullptr) {
        // The device is gone, a stop was asked for, or the disk is full: keep what was measured, stop,
        // and let the caller write the report.
        cr.errors.push_back(e.what());
        cr.outcome = Outcome::kError;
        if (options_.keep_captures == RunOptions::KeepCaptures::kNone) cr.captures.clear();
        result.configurations.push_back(std::move(cr));
        result.outcome = Outcome::kError;
        result.aborted = e.what();
        result.output_failed = output;
        return result;
      }
      // A configuration mistake only this configuration meets: it is ERROR, the others are measured.
      cr.errors.push_back(e.what());
    }
    cr.outcome = cr.errors.empty() ? Outcome::kPass : Outcome::kError;
    for (const auto& s : cr.steps)
      if (s.error) cr.outcome = Outcome::kError;
    for (const auto& c : cr.checks) cr.outcome = record::worst(cr.outcome, c.outcome);
    result.outcome = record::worst(result.outcome, cr.outcome);
    if (options_.keep_captures == RunOptions::KeepCaptures::kNone ||
        (options_.keep_captures == RunOptions::KeepCaptures::kFailed && cr.outcome == Outcome::kPass)) {
      std::error_code ec;
      if (options_.write_captures)
        std::filesystem::remove_all(options_.run_dir / "captures" / cr.fixture.id, ec);
      cr.captures.clear();
    }
    result.configurations.push_back(std::move(cr));
    if (options_.on_configuration) {
      try {
        options_.on_configuration(result.configurations);
      } catch (const OutputError& e) {
        result.outcome = Outcome::kError;
        result.aborted = e.what();
        result.output_failed = true;
        return result;
      }
    }
  }
  return result;
}

}  // namespace bench::session
