#include "bench/analysis/power_spectrum.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <stdexcept>
#include <vector>

#include "bench/dsp/fft.hpp"
#include "bench/dsp/window.hpp"

namespace bench::analysis {

PowerSpectrum::PowerSpectrum(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz) {
  const auto n = static_cast<std::size_t>(x.size());
  if (n < 16) throw std::invalid_argument("PowerSpectrum: record too short");
  const std::shared_ptr<const dsp::Signal> window = dsp::shared_blackman_harris7(n);
  const dsp::Signal& w = *window;
  const std::size_t m = dsp::good_fft_size(n);
  // Windowed straight into the cached FFT buffer and read from it: no copies of the window, the
  // product or the spectrum.
  dsp::FftWorkspace ws(m);
  double* real = ws.real();
  for (std::size_t i = 0; i < n; ++i)
    real[i] = x[static_cast<Eigen::Index>(i)] * w[static_cast<Eigen::Index>(i)];
  std::fill(real + n, real + m, 0.0);
  ws.forward();
  // Parseval: sum over all m bins of |X|^2 = m * sum (w x)^2, and E[sum (w x)^2] = ms * sum w^2.
  const double scale = 1.0 / (static_cast<double>(m) * w.squaredNorm());
  const std::complex<double>* spec = ws.bins();
  power_.resize(static_cast<Eigen::Index>(m / 2 + 1));
  for (std::size_t k = 0; k <= m / 2; ++k)
    power_[static_cast<Eigen::Index>(k)] = std::norm(spec[k]) * (2.0 * scale);
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
  } else if (begin <= last) {
    // The bins each skip range covers, found with the same test (f >= lo && f <= hi) bin by bin would
    // give, then one pass in bin order: the same sum, without testing every range at every bin.
    std::vector<char> skipped(static_cast<std::size_t>(last - begin + 1), 0);
    for (const auto& r : skip) {
      // f = k * bin_hz_ grows with k, so a range covers the run of bins from the first with f >= lo.
      const auto f_of = [&](Eigen::Index k) { return static_cast<double>(k) * bin_hz_; };
      const double guess =
          std::clamp(std::ceil(r.first / bin_hz_), static_cast<double>(begin), static_cast<double>(last + 1));
      auto k = std::isnan(guess) ? last + 1 : static_cast<Eigen::Index>(guess);
      while (k > begin && f_of(k - 1) >= r.first) --k;
      while (k <= last && !(f_of(k) >= r.first)) ++k;
      for (; k <= last && f_of(k) <= r.second; ++k) skipped[static_cast<std::size_t>(k - begin)] = 1;
    }
    for (Eigen::Index k = begin; k <= last; ++k) {
      ++total;
      if (skipped[static_cast<std::size_t>(k - begin)] != 0) continue;
      ++kept;
      if (weighting == dsp::Weighting::kNone) {
        sum += power_[k];  // times a gain of exactly 1
      } else {
        sum += power_[k] * dsp::weighting_power_gain(weighting, static_cast<double>(k) * bin_hz_);
      }
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
