#pragma once

#include <cstddef>
#include <cstdint>

#include "bench/dsp/types.hpp"

namespace bench::stimulus {

/// A steady sine. With coherent, frequency_hz is moved to the nearest whole number of cycles in the
/// record so that a plain FFT sees it without leakage; actual_frequency_hz holds what was used.
struct ToneSpec {
  double frequency_hz = 997;
  double level_dbfs = -1;  ///< peak level, 0 dBFS = full scale
  double duration_s = 2;
  double sample_rate_hz = 48000;
  bool coherent = false;
  double actual_frequency_hz = 0;
  std::size_t samples = 0;
};

/// Validates and derives the sample count and actual frequency. Throws bench::InputError.
[[nodiscard]] ToneSpec make_tone_spec(double frequency_hz, double level_dbfs, double duration_s,
                                      double sample_rate_hz, bool coherent);

/// The sampled tone, starting at phase 0.
[[nodiscard]] dsp::Signal generate_tone(const ToneSpec& spec);

/// Quantises x to a signed integer grid of `bits` bits (full scale +-1) with triangular (TPDF) dither of
/// +-1 LSB, as a 24-bit PCM converter with dither would. Deterministic for a given seed.
[[nodiscard]] dsp::Signal quantize_tpdf(const Eigen::Ref<const dsp::Signal>& x, int bits, std::uint64_t seed);

}  // namespace bench::stimulus
