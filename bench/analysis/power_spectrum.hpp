#pragma once

#include <utility>
#include <vector>

#include "bench/dsp/types.hpp"
#include "bench/dsp/weighting.hpp"

namespace bench::analysis {

/// One-sided mean-square spectrum of a record under the 7-term Blackman-Harris window, corrected for
/// the window's power gain: summing bins over a band gives the mean-square power in that band (V^2 or
/// FS^2), for noise and for tones alike. Bin k is at k * bin_hz.
class PowerSpectrum {
 public:
  /// Windows x, zero-pads to a fast FFT size and computes the bins. Throws on an empty record.
  PowerSpectrum(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz);

  [[nodiscard]] double bin_hz() const { return bin_hz_; }
  [[nodiscard]] const dsp::Signal& bins() const { return power_; }

  /// Half-width in bins of a tone's main lobe under this window.
  [[nodiscard]] static constexpr double tone_half_width_bins() { return 8.0; }

  /// Mean-square power of everything in [lo_hz, hi_hz], weighted, skipping the given frequency ranges.
  /// Returns {power, fraction of the band's bins that were kept}.
  [[nodiscard]] std::pair<double, double> band_power(
      double lo_hz, double hi_hz, dsp::Weighting weighting,
      const std::vector<std::pair<double, double>>& skip = {}) const;

  /// Mean-square power of a tone at frequency_hz: the bins within its main lobe.
  [[nodiscard]] double tone_power(double frequency_hz) const;

 private:
  double bin_hz_ = 0;
  dsp::Signal power_;
};

}  // namespace bench::analysis
