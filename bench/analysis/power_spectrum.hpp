#pragma once

#include <memory>
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

/// Lines read one at a time by the windowed DFT at exactly their frequency (the same 7-term Blackman-Harris
/// window): 2 |sum w x e^(-j 2 pi f n / fs)| / sum w. For a tone at that frequency this is its peak
/// amplitude, as a lobe sum of PowerSpectrum is, but the noise it reads lies in the window's noise bandwidth
/// (2.63 bins of 1/T) instead of the lobe's 17 bins: about 8 dB less noise in a line near the floor.
class LineReader {
 public:
  /// Keeps a view of x: x must outlive the reader.
  LineReader(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz);
  /// Peak amplitude of the line at frequency_hz.
  [[nodiscard]] double amplitude(double frequency_hz) const;
  /// Peak amplitudes of several lines.
  [[nodiscard]] std::vector<double> amplitudes(const std::vector<double>& frequencies_hz) const;
  /// Its mean-square power (amplitude^2 / 2), in the units of PowerSpectrum's bins.
  [[nodiscard]] double power(double frequency_hz) const {
    const double a = amplitude(frequency_hz);
    return a * a / 2;
  }

 private:
  Eigen::Ref<const dsp::Signal> x_;
  double fs_;
  std::shared_ptr<const dsp::Signal> window_;
  double window_sum_;
};

}  // namespace bench::analysis
