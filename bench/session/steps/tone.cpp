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

void fade_ends(dsp::Signal& t, double sample_rate_hz) {
  const auto ramp =
      std::min<Eigen::Index>(t.size() / 4, static_cast<Eigen::Index>(Limits::kToneRampS * sample_rate_hz));
  for (Eigen::Index i = 0; i < ramp; ++i) {
    const double g = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(ramp));
    t[i] *= g, t[t.size() - 1 - i] *= g;
  }
}

ToneWindow tone_window(const StepContext& cx, Eigen::Index rows) {
  const double fs = cx.fs();
  const auto ramp = std::min<Eigen::Index>(rows / 4, static_cast<Eigen::Index>(Limits::kToneRampS * fs));
  const auto settle = static_cast<Eigen::Index>(Limits::kToneSettleS * fs);
  return {cx.takes.preroll_frames() + static_cast<Eigen::Index>(std::llround(cx.latency_samples())) + settle,
          rows - settle - 2 * ramp};
}

dsp::Frames faded_tone(const stimulus::ToneSpec& spec) {
  dsp::Signal t = stimulus::generate_tone(spec);
  fade_ends(t, spec.sample_rate_hz);
  dsp::Frames body(t.size(), 2);
  body.col(0) = t, body.col(1) = t;
  return body;
}

namespace {

// Per ADC channel, the sine analysis of cap's rows [start, start + len), or the level at the tone's
// frequency where no tone is there to analyse.
std::array<ToneChannel, 2> analyse_stretch(const StepContext& cx, const dsp::Frames& cap, Eigen::Index start,
                                           Eigen::Index len, double frequency_hz, const ToneBand& band = {}) {
  const double fs = cx.fs();
  if (start + len > cap.rows())
    throw MeasurementError("the tone's end came back after the capture ended: the chain's latency (" +
                           fixed(cx.latency_samples() / fs * 1000, 1) +
                           " ms) is longer than the step's postroll_s (" +
                           fixed(static_cast<double>(cx.takes.postroll_frames()) / fs * 1000, 1) +
                           " ms) allows; raise postroll_s above the latency");
  std::array<ToneChannel, 2> result;
  analysis::SineAnalysisOptions o;
  o.frequency_hz = frequency_hz;
  o.mains_hz = cx.fixture.mains_hz;
  o.band_hi_hz = band.hi_hz;
  o.weighting = band.weighting;
  for (int c = 0; c < 2; ++c) {
    auto& r = result[static_cast<std::size_t>(c)];
    const dsp::Signal x = cap.col(c).segment(start, len);
    try {
      r.sine = analysis::analyze_sine(x, fs, o);
      r.level_dbfs = r.sine->fundamental_dbfs;
    } catch (const MeasurementError&) {
      r.level_dbfs = dsp::power_to_dbfs(analysis::PowerSpectrum(x, fs).tone_power(frequency_hz));
    }
  }
  return result;
}

}  // namespace

std::array<ToneChannel, 2> play_tone(const StepContext& cx, double level_dbfs, double duration_s,
                                     const std::string& name, const ToneBand& band) {
  const double fs = cx.fs();
  const auto spec = stimulus::make_tone_spec(cx.settings.tone_frequency_hz, level_dbfs, duration_s, fs, true);
  const dsp::Frames body = faded_tone(spec);
  const dsp::Frames cap = cx.takes.record(body, name, io::tone_sidecar(spec, 2));
  const auto [start, len] = tone_window(cx, body.rows());
  if (len < static_cast<Eigen::Index>(Limits::kMinToneAnalysisS * fs))
    throw ConfigError(cx.step.file.string() + ": step '" + cx.step.id + "': a tone of " +
                      fixed(duration_s, 3) + " s is too short to analyse: tones must last at least " +
                      fixed(Limits::min_tone_s(), 2) + " s");
  return analyse_stretch(cx, cap, start, len, spec.actual_frequency_hz, band);
}

double Ladder::body_s(std::size_t n) {
  return 2 * Limits::kToneRampS + static_cast<double>(n) * kSegmentS;
}

std::vector<std::array<ToneChannel, 2>> play_ladder(const StepContext& cx,
                                                    const std::vector<double>& levels_dbfs,
                                                    const std::string& name) {
  const double fs = cx.fs();
  const auto frames = [&](double s) { return static_cast<Eigen::Index>(std::llround(s * fs)); };
  const Eigen::Index fade = frames(Limits::kToneRampS), seg = frames(Ladder::kSegmentS);
  const Eigen::Index settle = frames(Ladder::kSettleS), change = frames(Ladder::kChangeS);
  const auto n = static_cast<Eigen::Index>(levels_dbfs.size());
  const Eigen::Index total = 2 * fade + n * seg;
  // One continuous tone, coherent with the take, whose amplitude steps from level to level.
  const auto spec =
      stimulus::make_tone_spec(cx.settings.tone_frequency_hz, 0, static_cast<double>(total) / fs, fs, true);
  dsp::Signal t = stimulus::generate_tone(spec);
  const auto amplitude = [&](Eigen::Index k) {
    return std::pow(10.0, levels_dbfs[static_cast<std::size_t>(k)] / 20);
  };
  dsp::Signal g = dsp::Signal::Zero(total);
  for (Eigen::Index k = 0; k < n; ++k) {
    const double a = amplitude(k), before = k == 0 ? 0.0 : amplitude(k - 1);
    const Eigen::Index at = fade + k * seg;
    for (Eigen::Index i = 0; i < seg; ++i) {
      const double w =
          i < change ? 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(change))
                     : 1.0;
      g[at + i] = k == 0 ? a : before + (a - before) * w;
    }
  }
  const double first = amplitude(0), last = amplitude(n - 1);
  for (Eigen::Index i = 0; i < fade; ++i) {
    const double w = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(fade));
    g[i] = first * w;
    g[total - 1 - i] = last * w;
  }
  t.array() *= g.array();
  dsp::Frames body(total, 2);
  body.col(0) = t, body.col(1) = t;
  nlohmann::json sidecar = io::tone_sidecar(spec, 2);
  sidecar["kind"] = "sine_ladder";
  sidecar["level_dbfs"] = nullptr;
  sidecar["levels_dbfs"] = levels_dbfs;
  sidecar["segment_s"] = Ladder::kSegmentS;
  sidecar["analysed_from_s"] = Ladder::kSettleS;
  const dsp::Frames cap = cx.takes.record(body, name, std::move(sidecar));
  const Eigen::Index origin =
      cx.takes.preroll_frames() + static_cast<Eigen::Index>(std::llround(cx.latency_samples()));
  std::vector<std::array<ToneChannel, 2>> out;
  out.reserve(levels_dbfs.size());
  for (Eigen::Index k = 0; k < n; ++k)
    out.push_back(
        analyse_stretch(cx, cap, origin + fade + k * seg + settle, seg - settle, spec.actual_frequency_hz));
  return out;
}

}  // namespace bench::session::steps
