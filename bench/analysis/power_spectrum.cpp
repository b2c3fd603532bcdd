#include "bench/analysis/power_spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "bench/dsp/fft.hpp"
#include "bench/dsp/window.hpp"

namespace bench::analysis {

PowerSpectrum::PowerSpectrum(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz) {
  const auto n = static_cast<std::size_t>(x.size());
  if (n < 16) throw std::invalid_argument("PowerSpectrum: record too short");
  const dsp::Signal w = dsp::blackman_harris7(n);
  const std::size_t m = dsp::good_fft_size(n);
  const dsp::Spectrum spec = dsp::rfft(x.cwiseProduct(w), m);
  // Parseval: sum over all m bins of |X|^2 = m * sum (w x)^2, and E[sum (w x)^2] = ms * sum w^2.
  const double scale = 1.0 / (static_cast<double>(m) * w.squaredNorm());
  power_ = spec.cwiseAbs2() * (2.0 * scale);
  power_[0] *= 0.5;
  if (m % 2 == 0) power_[power_.size() - 1] *= 0.5;
  bin_hz_ = sample_rate_hz / static_cast<double>(m);
}

std::pair<double, double> PowerSpectrum::band_power(
    double lo_hz, double hi_hz, dsp::Weighting weighting,
    const std::vector<std::pair<double, double>>& skip) const {
  const auto first = static_cast<Eigen::Index>(std::ceil(lo_hz / bin_hz_));
  const auto last =
      std::min<Eigen::Index>(static_cast<Eigen::Index>(std::floor(hi_hz / bin_hz_)), power_.size() - 1);
  double sum = 0;
  Eigen::Index kept = 0, total = 0;
  const Eigen::Index begin = std::max<Eigen::Index>(first, 0);
  if (weighting == dsp::Weighting::kNone && skip.empty()) {
    total = kept = std::max<Eigen::Index>(0, last - begin + 1);
    if (total > 0) sum = power_.segment(begin, total).sum();
  } else {
    for (Eigen::Index k = begin; k <= last; ++k) {
      ++total;
      const double f = static_cast<double>(k) * bin_hz_;
      const bool skipped =
          std::any_of(skip.begin(), skip.end(), [f](const auto& r) { return f >= r.first && f <= r.second; });
      if (skipped) continue;
      ++kept;
      sum += power_[k] * dsp::weighting_power_gain(weighting, f);
    }
  }
  return {sum, total == 0 ? 0.0 : static_cast<double>(kept) / static_cast<double>(total)};
}

double PowerSpectrum::tone_power(double frequency_hz) const {
  const double centre = frequency_hz / bin_hz_;
  const auto first =
      std::max<Eigen::Index>(0, static_cast<Eigen::Index>(std::ceil(centre - tone_half_width_bins())));
  const auto last = std::min<Eigen::Index>(
      power_.size() - 1, static_cast<Eigen::Index>(std::floor(centre + tone_half_width_bins())));
  return first > last ? 0.0 : power_.segment(first, last - first + 1).sum();
}

}  // namespace bench::analysis
