// crosstalk: steady tones at 85 Hz, 1035 Hz and 10035 Hz on one channel, read narrow-band on the other,
// far below the wide-band noise. The channel map from the sweeps says where the driven output arrives.

#include <array>
#include <cmath>

#include "bench/analysis/power_spectrum.hpp"
#include "bench/core/format.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/steps/step.hpp"

namespace bench::session::steps {

StepOutput<record::CrosstalkResult> measure_crosstalk(const StepContext& cx) {
  cx.require_signal();
  const auto& s = cx.settings;
  const double fs = cx.fs();
  const auto& sweeps = *cx.result<record::SweepsResult>("sweeps");
  cx.takes.use_load(cx.reference_load());
  // At least 15 Hz from every 50 and 60 Hz mains harmonic (each reading spans +-8 bins, about +-9 Hz), so
  // hum on the undriven channel is not read as crosstalk.
  const std::array<double, 3> freqs = {85.0, 1035.0, 10035.0};
  const auto frames = static_cast<Eigen::Index>(std::llround(s.tone_duration_s * fs));
  const double amplitude =
      std::pow(10.0, (s.test_level_dbfs - 20 * std::log10(3.0)) / 20);  // same peak as one tone
  StepOutput<record::CrosstalkResult> out;
  for (std::size_t d = 0; d < 2; ++d) {
    const std::string from = record::kChannelNames[d], to = record::kChannelNames[1 - d];
    cx.takes.progress("crosstalk from the " + from + " channel");
    dsp::Frames body = dsp::Frames::Zero(frames, 2);
    std::array<double, 3> actual{};
    for (std::size_t k = 0; k < freqs.size(); ++k) {
      actual[k] = std::round(freqs[k] * s.tone_duration_s) / s.tone_duration_s;
      for (Eigen::Index i = 0; i < frames; ++i)
        body(i, static_cast<Eigen::Index>(d)) +=
            amplitude *
            std::sin(2 * dsp::kPi * actual[k] * static_cast<double>(i) / fs + static_cast<double>(k));
    }
    const auto ramp = static_cast<Eigen::Index>(plan::DurationLimits::kToneRampS * fs);
    for (Eigen::Index i = 0; i < ramp; ++i) {
      const double g = 0.5 - 0.5 * std::cos(dsp::kPi * static_cast<double>(i) / static_cast<double>(ramp));
      body.row(i) *= g, body.row(frames - 1 - i) *= g;
    }
    const dsp::Frames cap = cx.takes.record(body, "crosstalk_" + from,
                                            {{"kind", "multitone"},
                                             {"frequencies_hz", actual},
                                             {"level_dbfs_each", 20 * std::log10(amplitude)},
                                             {"driven_channel", from}});
    const auto settle = static_cast<Eigen::Index>(plan::DurationLimits::kToneSettleS * fs);
    const auto start =
        cx.takes.preroll_frames() + static_cast<Eigen::Index>(std::llround(cx.latency_samples())) + settle;
    const auto len = frames - settle - 2 * ramp;
    const analysis::PowerSpectrum a(cap.col(0).segment(start, len), fs),
        b(cap.col(1).segment(start, len), fs);
    // The driven output is where the channel map found this channel; no crosstalk without it.
    if (!sweeps.channels[d]) {
      Check c = judge(cx.limits, "crosstalk_db", record::kNaN);
      c.outcome = Outcome::kInfo, c.limit = {}, c.channel = from + "->" + to;
      c.explanation = "not measured: the " + from + " output reaches no input (see channel_map)";
      out.checks.push_back(std::move(c));
      continue;
    }
    const bool on_a = sweeps.channels[d]->arrived_on == 0;
    const analysis::PowerSpectrum& driven = on_a ? a : b;
    const analysis::PowerSpectrum& other = on_a ? b : a;
    double worst = -400, worst_f = 0;
    for (double f : actual) {
      const double x = 10 * std::log10(other.tone_power(f) / driven.tone_power(f));
      out.result.from[d].push_back({f, x});
      if (x > worst) worst = x, worst_f = f;
    }
    Check c = judge(cx.limits, "crosstalk_db", worst);
    c.channel = from + "->" + to;
    c.explanation = c.outcome == Outcome::kFail
                        ? "the " + from + " channel leaks into the " + to + " at " + fixed(worst, 1) +
                              " dB (" + fixed(worst_f, 0) +
                              " Hz): a shared ground return in the cable, or a TRS plug in a mono jack?"
                        : "worst at 85 Hz, 1035 Hz and 10035 Hz: " + fixed(worst, 1) + " dB at " +
                              fixed(worst_f, 0) + " Hz";
    out.checks.push_back(std::move(c));
  }
  return out;
}

}  // namespace bench::session::steps
