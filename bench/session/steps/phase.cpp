// phase: one sweep on both channels at once. The two ADC channels' responses, read against the same
// latency, give the interchannel phase; each channel's own phase (its latency removed) gives its group
// delay.

#include <cmath>
#include <optional>

#include "bench/analysis/sweep_analysis.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/signal/sweep.hpp"

namespace bench::session::steps {
namespace {

using record::kChannelNames;

// Degrees wrapped to (-180, 180].
double wrap_deg(double d) {
  d = std::remainder(d, 360.0);
  return d <= -180 ? d + 360 : d;
}

// Group delay in ms from a phase curve in degrees on a rising frequency axis: -(1/360) dphi/df of the
// unwrapped phase, by central differences (one-sided at the ends).
std::vector<double> group_delay_ms(const std::vector<double>& f, const std::vector<double>& phase_deg) {
  const std::size_t n = f.size();
  std::vector<double> unwrapped(phase_deg);
  for (std::size_t i = 1; i < n; ++i)
    unwrapped[i] = unwrapped[i - 1] + wrap_deg(phase_deg[i] - phase_deg[i - 1]);
  std::vector<double> gd(n, 0.0);
  if (n < 2) return gd;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t a = i == 0 ? 0 : i - 1, b = i + 1 == n ? i : i + 1;
    gd[i] = -(unwrapped[b] - unwrapped[a]) / (f[b] - f[a]) / 360 * 1000;
  }
  return gd;
}

}  // namespace

StepOutput<record::PhaseResult> measure_phase(const StepContext& cx) {
  cx.require_signal();
  const auto& s = cx.settings;
  const double fs = cx.fs();
  cx.takes.use_load(cx.reference_load());
  cx.takes.progress("interchannel phase (one sweep on both channels)");
  const auto spec = stimulus::make_sweep_spec(s.sweep_f1_hz, s.sweep_f2_hz, s.sweep_duration_s, fs,
                                              s.sweep_level_dbfs, 0.02);
  const dsp::Signal sweep = stimulus::generate_sweep(spec);
  dsp::Frames body(sweep.size(), 2);
  body.col(0) = sweep, body.col(1) = sweep;
  nlohmann::json info = io::sweep_sidecar(spec, 2);
  info["driven_channel"] = "both";
  const dsp::Frames cap = cx.takes.record(body, "phase_sweep", info);
  dsp::Signal played = dsp::Signal::Zero(cap.rows());
  played.segment(cx.takes.preroll_frames(), sweep.size()) = sweep;
  analysis::SweepAnalysisOptions o;
  o.f1_hz = spec.f1_hz, o.f2_hz = spec.f2_hz, o.rate_l_s = spec.rate_l_s, o.fade_s = spec.fade_s;
  const analysis::SweepAnalyzer analyzer(played, fs, static_cast<std::size_t>(cap.rows()), o);
  std::array<std::optional<analysis::SweepResult>, 2> own;
  std::array<std::string, 2> why;
  for (int c = 0; c < 2; ++c) {
    try {
      own[static_cast<std::size_t>(c)] = analyzer.analyze(cap.col(c));
    } catch (const MeasurementError& e) {
      why[static_cast<std::size_t>(c)] = e.what();
    }
  }
  StepOutput<record::PhaseResult> out;
  for (std::size_t c = 0; c < 2; ++c)
    if (own[c]) {
      out.result.frequency_hz = own[c]->response.frequency_hz;
      out.result.group_delay_ms[c] =
          group_delay_ms(own[c]->response.frequency_hz, own[c]->response.phase_deg);
      out.result.latency_samples[c] = own[c]->latency_samples;
    }
  Check k;
  if (own[0] && own[1]) {
    // Both channels against the left one's latency: their phase difference is the chains' own.
    const auto right = analyzer.analyze_at(cap.col(1), own[0]->latency_samples);
    const auto& left = own[0]->response;
    double worst = 0, worst_f = 0;
    for (std::size_t i = 0; i < left.frequency_hz.size(); ++i) {
      const double d = wrap_deg(left.phase_deg[i] - right.response.phase_deg[i]);
      out.result.interchannel_phase_deg.push_back(d);
      const double f = left.frequency_hz[i];
      if (f >= plan::kBandLowHz && f <= plan::kBandHighHz && std::abs(d) > std::abs(worst))
        worst = d, worst_f = f;
    }
    k = judge(cx.limits, "interchannel_phase_deg", std::abs(worst));
    k.explanation = "left minus right: " + fixed(worst, 3) + " degrees at its largest, at " +
                    fixed(worst_f, 0) + " Hz (20 Hz to 20 kHz)";
    if (k.outcome == Outcome::kFail && std::abs(std::abs(worst) - 180) < 20)
      k.explanation += ": one channel is inverted (hot and cold swapped?)";
    else if (k.outcome == Outcome::kFail)
      k.explanation += ": the two channels' filters differ (a load or a component on one side?)";
  } else {
    k = judge(cx.limits, "interchannel_phase_deg", record::kNaN);
    k.outcome = Outcome::kFail;
    const std::size_t missing = own[0] ? 1 : 0;
    k.explanation = std::string(kChannelNames[missing]) + " channel carries no sweep: " + why[missing];
  }
  out.checks.push_back(std::move(k));
  return out;
}

}  // namespace bench::session::steps
