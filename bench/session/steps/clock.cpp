// clock: a steady tone on both channels; its frequency as recorded gives the reference ADC's clock against
// the interface's (two devices, two clocks). Later steps' captures are resampled by it (Takes).

#include <cmath>

#include "bench/analysis/drift.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/session/steps/tone.hpp"

namespace bench::session::steps {

StepOutput<record::ClockResult> measure_clock(const StepContext& cx) {
  const auto& s = cx.settings;
  const double fs = cx.fs();
  cx.takes.use_load(cx.reference_load());
  cx.takes.progress("clock drift (steady tone)");
  const auto spec =
      stimulus::make_tone_spec(s.tone_frequency_hz, s.test_level_dbfs, s.tone_duration_s, fs, true);
  const dsp::Frames body = faded_tone(spec);
  nlohmann::json info = io::tone_sidecar(spec, 2);
  info["purpose"] = "clock drift";
  const dsp::Frames cap = cx.takes.record(body, "clock", info);
  // The latency is not known yet: skip 0.1 s (more than any interface's round trip) and the fades.
  const auto ramp = std::min<Eigen::Index>(body.rows() / 4,
                                           static_cast<Eigen::Index>(plan::DurationLimits::kToneRampS * fs));
  const auto skip = static_cast<Eigen::Index>(plan::DurationLimits::kToneSettleS * fs);
  const auto len = body.rows() - skip - 2 * ramp;
  StepOutput<record::ClockResult> out;
  record::ClockResult& r = out.result;
  r.tone_hz = spec.actual_frequency_hz;
  r.tolerance_ppm = s.drift_tolerance_ppm;
  r.correction_threshold_ppm = kDriftCorrectionPpm;
  analysis::DriftEstimate d;
  try {
    d = analysis::estimate_clock_drift(cap, cx.takes.preroll_frames() + skip + ramp, len, fs,
                                       spec.actual_frequency_hz);
  } catch (const MeasurementError& e) {
    // No tone came back: nothing to correct, and the sweeps say what is wrong with the chain.
    r.explanation = std::string("not measured: ") + e.what();
    return out;
  }
  r.drift_ppm = d.drift_ppm;
  r.measured_hz = d.measured_hz;
  r.channel = d.channel;
  // The tone fit resolves far better than 0.01 ppm; the tolerance is compared at that resolution.
  const bool within = std::abs(d.drift_ppm) <= s.drift_tolerance_ppm + 0.01;
  r.corrected = std::abs(d.drift_ppm) >= kDriftCorrectionPpm && within;
  if (!within) {
    out.error = "the reference ADC's clock is " + fixed(d.drift_ppm, 1) +
                " ppm off the interface's, beyond the plan's drift_tolerance_ppm (" +
                fixed(s.drift_tolerance_ppm, 0) + "): check that both devices run at " + fixed(fs, 0) +
                " Hz, or lock them to one clock";
    return out;
  }
  Check k = judge(cx.limits, "clock_drift_ppm", d.drift_ppm);
  k.explanation = std::abs(d.drift_ppm) < kDriftCorrectionPpm
                      ? "the ADC's clock matches the interface's (" + fixed(d.drift_ppm, 3) +
                            " ppm): captures analysed as recorded"
                      : "the ADC's clock runs " + fixed(d.drift_ppm, 2) +
                            " ppm off the interface's: every capture is resampled onto the interface's clock "
                            "before analysis";
  out.checks.push_back(std::move(k));
  return out;
}

}  // namespace bench::session::steps
