#pragma once

// Steady tones for the tone-based steps: the faded coherent tone every one of them plays, and one take of
// it on both channels analysed per ADC channel (level, distortion, maximum output).

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "bench/analysis/sine_analysis.hpp"
#include "bench/dsp/types.hpp"
#include "bench/session/steps/step.hpp"
#include "bench/signal/tone.hpp"

namespace bench::session::steps {

/// Raised-cosine fades of DurationLimits::kToneRampS (at most a quarter of the signal) at both ends, in
/// place.
void fade_ends(dsp::Signal& x, double sample_rate_hz);

/// Where a faded stimulus of `rows` frames is analysed in its take: from the preroll, the latency and
/// DurationLimits::kToneSettleS (the fade-in and the settling of the chain's high-pass) to before the
/// fade-out.
struct ToneWindow {
  Eigen::Index start = 0, len = 0;
};
[[nodiscard]] ToneWindow tone_window(const StepContext& cx, Eigen::Index rows);

/// A coherent tone with raised-cosine fades of DurationLimits::kToneRampS (at most a quarter of it) at
/// both ends, the same on both source channels (frames x 2).
[[nodiscard]] dsp::Frames faded_tone(const stimulus::ToneSpec& spec);

/// Per ADC channel: the sine analysis, or, where no tone arrived, the level of what did arrive at the
/// tone's frequency.
struct ToneChannel {
  std::optional<analysis::SineResult> sine;
  double level_dbfs = -400;
};

/// The band a tone's THD and THD+N are read in (AES17's 20 Hz to 20 kHz, unweighted, by default).
struct ToneBand {
  double hi_hz = 20000;
  dsp::Weighting weighting = dsp::Weighting::kNone;
};

/// Plays the step's tone (settings.tone_frequency_hz) at `level_dbfs` for `duration_s` on both channels as
/// take `name` and analyses each ADC channel from the latency plus DurationLimits::kToneSettleS to before
/// the fade-out, in `band`. Throws bench::ConfigError for a tone too short to analyse (the loader refuses
/// those), bench::MeasurementError from the take.
[[nodiscard]] std::array<ToneChannel, 2> play_tone(const StepContext& cx, double level_dbfs,
                                                   double duration_s, const std::string& name,
                                                   const ToneBand& band = {});

/// A level ladder: one take of the step's tone on both channels, held at each of `levels_dbfs` in turn for
/// kSegmentS (a 2 ms raised-cosine change of level, then kSettleS of settling, then kWindowS analysed),
/// with 10 ms fades before the first level and after the last.
struct Ladder {
  static constexpr double kSegmentS = 0.06;
  static constexpr double kSettleS = 0.01;
  static constexpr double kChangeS = 0.002;
  static constexpr double kWindowS = kSegmentS - kSettleS;  ///< analysis::analyze_sine needs 0.05 s
  /// The audio seconds of a ladder of n levels without the take's pre- and post-roll.
  [[nodiscard]] static double body_s(std::size_t n);
};

/// Plays the ladder as take `name` and analyses each level's window per ADC channel (from the latency on),
/// one element per level, in the order given.
[[nodiscard]] std::vector<std::array<ToneChannel, 2>> play_ladder(const StepContext& cx,
                                                                  const std::vector<double>& levels_dbfs,
                                                                  const std::string& name);

}  // namespace bench::session::steps
