#include "bench/session/steps/tone.hpp"

#include <algorithm>
#include <cmath>

#include "bench/analysis/power_spectrum.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/dsp/interpolate.hpp"
#include "bench/io/sidecar.hpp"

namespace bench::session::steps {

using Limits = plan::DurationLimits;

dsp::Frames faded_tone(const stimulus::ToneSpec& spec) {
  dsp::Signal t = stimulus::generate_tone(spec);
  const auto ramp = std::min<Eigen::Index>(
      t.size() / 4, static_cast<Eigen::Index>(Limits::kToneRampS * spec.sample_rate_hz));
  for (Eigen::Index i = 0; i < ramp; ++i) {
    const double g = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(ramp));
    t[i] *= g, t[t.size() - 1 - i] *= g;
  }
  dsp::Frames body(t.size(), 2);
  body.col(0) = t, body.col(1) = t;
  return body;
}

std::array<ToneChannel, 2> play_tone(const StepContext& cx, double level_dbfs, double duration_s,
                                     const std::string& name) {
  const double fs = cx.fs();
  const auto spec = stimulus::make_tone_spec(cx.settings.tone_frequency_hz, level_dbfs, duration_s, fs, true);
  const dsp::Frames body = faded_tone(spec);
  const dsp::Frames cap = cx.takes.record(body, name, io::tone_sidecar(spec, 2));
  // Skip the latency, the fade and the settling of the chain's high-pass; stop before the fade-out.
  const auto ramp =
      std::min<Eigen::Index>(body.rows() / 4, static_cast<Eigen::Index>(Limits::kToneRampS * fs));
  const auto settle = static_cast<Eigen::Index>(Limits::kToneSettleS * fs);
  const auto start =
      cx.takes.preroll_frames() + static_cast<Eigen::Index>(std::llround(cx.latency_samples())) + settle;
  const auto len = body.rows() - settle - 2 * ramp;
  if (len < static_cast<Eigen::Index>(Limits::kMinToneAnalysisS * fs))
    throw ConfigError(cx.step.file.string() + ": step '" + cx.step.id + "': a tone of " +
                      fixed(duration_s, 3) + " s is too short to analyse: tones must last at least " +
                      fixed(Limits::min_tone_s(), 2) + " s");
  std::array<ToneChannel, 2> result;
  analysis::SineAnalysisOptions o;
  o.frequency_hz = spec.actual_frequency_hz;
  o.mains_hz = cx.fixture.mains_hz;
  for (int c = 0; c < 2; ++c) {
    auto& r = result[static_cast<std::size_t>(c)];
    const dsp::Signal x = cap.col(c).segment(start, len);
    try {
      r.sine = analysis::analyze_sine(x, fs, o);
      r.level_dbfs = r.sine->fundamental_dbfs;
    } catch (const MeasurementError&) {
      r.level_dbfs = dsp::power_to_dbfs(analysis::PowerSpectrum(x, fs).tone_power(spec.actual_frequency_hz));
    }
  }
  return result;
}

}  // namespace bench::session::steps
