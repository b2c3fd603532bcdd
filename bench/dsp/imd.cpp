#include "bench/dsp/imd.hpp"

#include <algorithm>
#include <cmath>

#include "bench/core/error.hpp"
#include "bench/core/format.hpp"

namespace bench::dsp {

std::string_view to_string(ImdStandard standard) {
  return standard == ImdStandard::kSmpte ? "smpte" : "ccif";
}

ImdStandard parse_imd_standard(std::string_view text) {
  if (text == "smpte" || text == "SMPTE") return ImdStandard::kSmpte;
  if (text == "ccif" || text == "CCIF") return ImdStandard::kCcif;
  throw InputError("unknown IMD standard '" + std::string(text) +
                   "': use smpte (60 Hz and 7 kHz at 4:1) or ccif (19 kHz and 20 kHz at 1:1)");
}

ImdTones imd_defaults(ImdStandard standard) {
  return standard == ImdStandard::kSmpte ? ImdTones{60, 7000, 4} : ImdTones{19000, 20000, 1};
}

std::vector<ImdProductFrequency> imd_product_frequencies(ImdStandard standard, double f1_hz, double f2_hz) {
  std::vector<ImdProductFrequency> p;
  if (standard == ImdStandard::kSmpte) {
    for (int n = 1; n <= 5; ++n) {
      const std::string k = std::to_string(n) + "f1";
      p.push_back({"f2-" + k, f2_hz - n * f1_hz, n + 1});
      p.push_back({"f2+" + k, f2_hz + n * f1_hz, n + 1});
    }
  } else {
    p.push_back({"f2-f1", f2_hz - f1_hz, 2});
    p.push_back({"2f1-f2", 2 * f1_hz - f2_hz, 3});
    p.push_back({"2f2-f1", 2 * f2_hz - f1_hz, 3});
  }
  return p;
}

double imd_min_spacing_hz(ImdStandard standard, double f1_hz, double f2_hz) {
  std::vector<double> lines = {f1_hz, f2_hz};
  for (const auto& p : imd_product_frequencies(standard, f1_hz, f2_hz)) lines.push_back(p.frequency_hz);
  std::sort(lines.begin(), lines.end());
  double spacing = lines.front();  // from DC
  for (std::size_t i = 1; i < lines.size(); ++i) spacing = std::min(spacing, lines[i] - lines[i - 1]);
  return spacing;
}

double imd_min_record_s(ImdStandard standard, double f1_hz, double f2_hz) {
  return kImdResolutionBins / imd_min_spacing_hz(standard, f1_hz, f2_hz);
}

void validate_imd_tones(ImdStandard standard, const ImdTones& t, double sample_rate_hz) {
  const double top = 0.98 * sample_rate_hz / 2;
  if (!(t.f1_hz > 0)) throw InputError("--f1 " + number_text(t.f1_hz) + " Hz: give a frequency above 0 Hz");
  if (!(t.f2_hz > t.f1_hz))
    throw InputError("--f2 " + number_text(t.f2_hz) + " Hz: the upper tone must lie above --f1 (" +
                     number_text(t.f1_hz) + " Hz)");
  if (!(t.ratio >= 0.01 && t.ratio <= 100))
    throw InputError("--ratio " + number_text(t.ratio) +
                     ": give the amplitude of f1 over that of f2 from 0.01 to 100 (SMPTE 4, CCIF 1)");
  std::vector<ImdProductFrequency> lines = imd_product_frequencies(standard, t.f1_hz, t.f2_hz);
  lines.push_back({"f2", t.f2_hz, 1});
  for (const auto& p : lines) {
    if (p.frequency_hz <= 0 || p.frequency_hz >= top)
      throw InputError(std::string(to_string(standard)) + " with --f1 " + number_text(t.f1_hz) +
                       " Hz and --f2 " + number_text(t.f2_hz) + " Hz puts " + p.name + " at " +
                       number_text(p.frequency_hz) + " Hz, outside 0 Hz to " + number_text(top) +
                       " Hz (0.98 of Nyquist at " + number_text(sample_rate_hz) +
                       " Hz): choose tones whose products fit, or a higher rate");
  }
}

}  // namespace bench::dsp
