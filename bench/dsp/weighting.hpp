#pragma once

#include <string>
#include <string_view>

namespace bench::dsp {

/// Frequency weighting applied to noise and THD+N measurements: none, A (IEC 61672-1), or CCIR-RMS (the
/// ITU-R BS.468-4 curve normalised to 0 dB at 2 kHz, read with an RMS detector, as AES17 uses it).
enum class Weighting { kNone, kA, kCcirRms };

/// "none", "A" or "ccir-rms".
[[nodiscard]] std::string to_string(Weighting w);
/// Parses "none", "A" or "a", "ccir-rms"; throws bench::InputError naming the allowed values otherwise.
[[nodiscard]] Weighting parse_weighting(std::string_view text);

/// A-weighting gain (linear amplitude) at f Hz, IEC 61672-1 analytic form with pole frequencies
/// 20.598997, 107.65265, 737.86223 and 12194.217 Hz, normalised to 0 dB at 1 kHz (+2.000 dB).
[[nodiscard]] double a_weighting_gain(double frequency_hz);

/// The ITU-R BS.468-4 weighting network's gain (linear amplitude) at f Hz, in the Recommendation's
/// analytic form 1.246332637532143e-4 f / |h1(f) + j h2(f)| (its 0 dB is within 0.05 dB of 1 kHz; +12.2 dB
/// at 6.3 kHz).
[[nodiscard]] double bs468_gain(double frequency_hz);

/// CCIR-RMS weighting gain at f Hz: bs468_gain normalised to exactly 0 dB at 2 kHz (about 5.6 dB below
/// the 1 kHz normalisation).
[[nodiscard]] double ccir_rms_weighting_gain(double frequency_hz);

/// Power gain |W(f)|^2 of a weighting at f Hz (1 for kNone).
[[nodiscard]] double weighting_power_gain(Weighting w, double frequency_hz);

}  // namespace bench::dsp
