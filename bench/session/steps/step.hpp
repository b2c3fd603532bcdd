#pragma once

// A step kind is one function: it takes a StepContext (the plan, the fixture, its own settings and limits,
// the configuration's takes, the earlier results its kind declares in the catalogue) and returns its
// typed result (bench/record/record.hpp) with its checks. One file per kind under bench/session/steps/;
// the sequencer (sequencer.cpp) is the loop over a plan's steps. [main thread]

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/model.hpp"
#include "bench/record/record.hpp"
#include "bench/session/takes.hpp"

namespace bench::session::steps {

/// What a step may read. Earlier results come only through earlier(): the ones its kind declares.
class StepContext {
 public:
  /// `earlier` are the configuration's steps run so far, in order; they must outlive the context.
  StepContext(const plan::Plan& plan, const plan::Fixture& fixture, const plan::Step& step, Takes& takes,
              const std::vector<record::StepRecord>& earlier);

  const plan::Plan& plan;
  const plan::Fixture& fixture;
  const plan::Step& step;
  const plan::MeasurementSettings& settings;  ///< the step's own (the plan's with the step's on top)
  const plan::LimitSet& limits;               ///< the step's own
  Takes& takes;

  [[nodiscard]] double fs() const { return settings.sample_rate_hz; }
  /// dBV of the reference ADC's full scale: dBFS + volts_db() = dBV.
  [[nodiscard]] double volts_db() const;

  /// The latest earlier step of `kind` in this configuration, or nullptr when the plan has none before
  /// this one. `kind` must be a need of this step's kind (catalogue): anything else is a programming
  /// error (std::logic_error), so a step cannot read what it did not declare.
  [[nodiscard]] const record::StepRecord* earlier(std::string_view kind) const;
  /// The result of the latest earlier step of `kind`, when it has one.
  template <class R>
  [[nodiscard]] const R* result(std::string_view kind) const {
    const record::StepRecord* s = earlier(kind);
    return s ? s->get<R>() : nullptr;
  }
  /// The latency (samples) of the earlier sweeps, which tone-based steps align their analysis to.
  [[nodiscard]] double latency_samples() const;
  /// Throws bench::MeasurementError when an earlier sweeps step found no signal at all: without any
  /// signal there is no device to judge, the bench (or the set-up) is at fault.
  void require_signal() const;
  /// The step's settings.reference_load.
  [[nodiscard]] const plan::Load& reference_load() const { return takes.load(settings.reference_load); }

 private:
  const std::vector<record::StepRecord>& earlier_;
};

/// What a step kind's function returns.
template <class R>
struct StepOutput {
  R result;
  std::vector<record::Check> checks;
  /// Set when the bench could not measure part of it (the result is kept for the record; the kind's
  /// checks the step did not make become ERROR with this reason).
  std::optional<std::string> error;
};

/// A step's output with its result type erased, as the sequencer keeps it.
struct StepRun {
  std::optional<record::StepResult> result;
  std::vector<record::Check> checks;
  std::optional<std::string> error;
};

/// Runs the function of the context's step kind. Throws bench::MeasurementError (the step is ERROR),
/// bench::HardwareError (the run stops) and bench::ConfigError (the configuration is ERROR).
[[nodiscard]] StepRun run_step(const StepContext& context);

/// The checks the step makes (the catalogue's, without those that need an earlier step the plan does not
/// have: snr_db without a level step): the checks that become ERROR when it cannot measure.
[[nodiscard]] std::vector<std::string> planned_checks(const StepContext& context);

// One function per kind (steps/<kind>.cpp).
[[nodiscard]] StepOutput<record::ClockResult> measure_clock(const StepContext& cx);
[[nodiscard]] StepOutput<record::SweepsResult> measure_sweeps(const StepContext& cx);
[[nodiscard]] StepOutput<record::CrosstalkResult> measure_crosstalk(const StepContext& cx);
[[nodiscard]] StepOutput<record::LevelResult> measure_level(const StepContext& cx);
[[nodiscard]] StepOutput<record::DistortionResult> measure_distortion(const StepContext& cx);
[[nodiscard]] StepOutput<record::MaxOutputResult> measure_max_output(const StepContext& cx);
[[nodiscard]] StepOutput<record::NoiseResult> measure_noise(const StepContext& cx);
[[nodiscard]] StepOutput<record::ImpedanceResult> measure_impedance(const StepContext& cx);
[[nodiscard]] StepOutput<record::ImdResult> measure_imd(const StepContext& cx);
[[nodiscard]] StepOutput<record::DynamicRangeResult> measure_dynamic_range(const StepContext& cx);
[[nodiscard]] StepOutput<record::PhaseResult> measure_phase(const StepContext& cx);

}  // namespace bench::session::steps
