#pragma once

#include <string>
#include <string_view>

namespace bench::dsp {

/// Frequency weighting applied to noise and THD+N measurements.
enum class Weighting { kNone, kA };

/// "none" or "A".
[[nodiscard]] std::string to_string(Weighting w);
/// Parses "none", "A" or "a"; throws bench::InputError naming the allowed values otherwise.
[[nodiscard]] Weighting parse_weighting(std::string_view text);

/// A-weighting gain (linear amplitude) at f Hz, IEC 61672-1 analytic form with pole frequencies
/// 20.598997, 107.65265, 737.86223 and 12194.217 Hz, normalised to 0 dB at 1 kHz (+2.000 dB).
[[nodiscard]] double a_weighting_gain(double frequency_hz);

/// Power gain |W(f)|^2 of a weighting at f Hz (1 for kNone).
[[nodiscard]] double weighting_power_gain(Weighting w, double frequency_hz);

}  // namespace bench::dsp
