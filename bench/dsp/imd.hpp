#pragma once

// Intermodulation test signals and the products they are read at: the one definition the generator
// (signal/twin_tone.hpp), the analysis (analysis/imd_analysis.hpp) and the imd step share.
//   SMPTE (SMPTE RP120, DIN 45403): a low tone f1 (60 Hz) and a high tone f2 (7 kHz), f1 four times f2 in
//     amplitude; the products are the sidebands f2 +- n*f1, n = 1..5, read against the f2 tone.
//   CCIF twin tone (IEC 60268-3, 14.12.8, difference-frequency distortion): 19 kHz and 20 kHz at 1:1; the
//     products are the second-order difference f2 - f1 and the third-order 2f1 - f2 and 2f2 - f1, read
//     against the sum of the two tones' amplitudes.

#include <string>
#include <string_view>
#include <vector>

namespace bench::dsp {

enum class ImdStandard { kSmpte, kCcif };

/// "smpte" or "ccif".
[[nodiscard]] std::string_view to_string(ImdStandard standard);
/// Parses "smpte" or "ccif"; throws bench::InputError naming the word and the choices.
[[nodiscard]] ImdStandard parse_imd_standard(std::string_view text);

/// A standard's tones: f1 the lower, f2 the upper; ratio = amplitude of f1 / amplitude of f2.
struct ImdTones {
  double f1_hz = 0, f2_hz = 0, ratio = 1;
};
/// SMPTE: 60 Hz, 7000 Hz, 4; CCIF: 19000 Hz, 20000 Hz, 1.
[[nodiscard]] ImdTones imd_defaults(ImdStandard standard);

/// One product a standard reads: its name ("f2-1f1", "f2+1f1", ..., "f2-f1", "2f1-f2", "2f2-f1"), its
/// frequency and its order (2 for f2 +- f1 and f2 - f1, n + 1 for f2 +- n*f1, 3 for the CCIF third order).
struct ImdProductFrequency {
  std::string name;
  double frequency_hz = 0;
  int order = 2;
};
/// The products of `standard` for tones f1 < f2, in the order the record lists them.
[[nodiscard]] std::vector<ImdProductFrequency> imd_product_frequencies(ImdStandard standard, double f1_hz,
                                                                       double f2_hz);

/// The smallest spacing between any two of the tones and products: what the analysis must resolve.
[[nodiscard]] double imd_min_spacing_hz(ImdStandard standard, double f1_hz, double f2_hz);

/// The shortest record that resolves them: kImdResolutionBins / imd_min_spacing_hz. The analysis window's
/// main lobe (7-term Blackman-Harris) is 7 bins of 1/T either side of a tone and each line is read over
/// +-8 bins (PowerSpectrum::tone_half_width_bins, at most 8/T), so lines 15/T apart keep their lobes out of
/// each other's readings; 17 leave 2 bins for a tone off its bin.
inline constexpr double kImdResolutionBins = 17;
[[nodiscard]] double imd_min_record_s(ImdStandard standard, double f1_hz, double f2_hz);

/// Checks tones against a sample rate: 0 < f1 < f2, every product above 0 Hz and below 0.98 * fs/2, a
/// ratio from 0.01 to 100. Throws bench::InputError naming the option ("--f1", "--f2", "--ratio") and the
/// limit.
void validate_imd_tones(ImdStandard standard, const ImdTones& tones, double sample_rate_hz);

}  // namespace bench::dsp
