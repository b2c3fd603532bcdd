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

#include "bench/dsp/imd.hpp"

namespace bench::stimulus {

/// Two steady sines for an intermodulation test (dsp/imd.hpp), both coherent with the record (whole
/// numbers of cycles, so an FFT of the whole record sees them without leakage). level_dbfs is the peak of
/// the sum: a1 + a2 = 10^(level_dbfs/20), a1 = ratio * a2, so the twin tone never exceeds it.
struct TwinToneSpec {
  dsp::ImdStandard standard = dsp::ImdStandard::kSmpte;
  dsp::ImdTones tones;  ///< as asked
  double level_dbfs = -6;
  double duration_s = 1;
  double sample_rate_hz = 48000;
  double actual_f1_hz = 0, actual_f2_hz = 0;
  double a1 = 0, a2 = 0;  ///< peak amplitudes, full scale = 1
  std::size_t samples = 0;
};

/// Validates (dsp::validate_imd_tones, the level at most 0 dBFS, the duration 0 to 3600 s and long enough
/// to resolve the products: dsp::imd_min_record_s) and derives the amplitudes and coherent frequencies.
/// Throws bench::InputError naming the option.
[[nodiscard]] TwinToneSpec make_twin_tone_spec(dsp::ImdStandard standard, const dsp::ImdTones& tones,
                                               double level_dbfs, double duration_s, double sample_rate_hz);

/// a1 sin(2 pi f1 n/fs) + a2 sin(2 pi f2 n/fs).
[[nodiscard]] dsp::Signal generate_twin_tone(const TwinToneSpec& spec);

}  // namespace bench::stimulus
