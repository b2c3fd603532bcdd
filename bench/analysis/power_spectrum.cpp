#include "bench/analysis/power_spectrum.hpp"

#include <algorithm>
#include <array>
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

LineReader::LineReader(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz)
    : x_(x),
      fs_(sample_rate_hz),
      window_(dsp::shared_blackman_harris7(static_cast<std::size_t>(x.size()))),
      window_sum_(window_->sum()) {}

double LineReader::amplitude(double frequency_hz) const {
  return amplitudes({frequency_hz}).front();
}

namespace {

// Goertzel's recurrence s[n] = w[n] x[n] + 2 cos(omega) s[n-1] - s[n-2] for M lines side by side in one
// pass (real arithmetic, M independent chains; (v - s2) + c s1 keeps each sample's dependent path to one
// multiply and one add); at the end |sum w x e^(-j omega n)|^2 = s1^2 + s2^2 - 2 cos(omega) s1 s2.
template <std::size_t M>
void goertzel(const Eigen::Ref<const dsp::Signal>& x, const dsp::Signal& w, const double* frequencies_hz,
              double fs, double window_sum, double* out) {
  std::array<double, M> c{}, s1{}, s2{};
  for (std::size_t k = 0; k < M; ++k) c[k] = 2 * std::cos(2 * dsp::kPi * frequencies_hz[k] / fs);
  for (Eigen::Index n = 0; n < x.size(); ++n) {
    const double v = w[n] * x[n];
    for (std::size_t k = 0; k < M; ++k) {
      const double s0 = (v - s2[k]) + c[k] * s1[k];
      s2[k] = s1[k], s1[k] = s0;
    }
  }
  for (std::size_t k = 0; k < M; ++k)
    out[k] = 2 * std::sqrt(std::max(0.0, s1[k] * s1[k] + s2[k] * s2[k] - c[k] * s1[k] * s2[k])) / window_sum;
}

}  // namespace

std::vector<double> LineReader::amplitudes(const std::vector<double>& frequencies_hz) const {
  std::vector<double> out(frequencies_hz.size());
  const dsp::Signal& w = *window_;
  for (std::size_t first = 0; first < frequencies_hz.size();) {
    const double* f = frequencies_hz.data() + first;
    double* o = out.data() + first;
    switch (std::min<std::size_t>(frequencies_hz.size() - first, 6)) {
      case 1:
        goertzel<1>(x_, w, f, fs_, window_sum_, o), first += 1;
        break;
      case 2:
        goertzel<2>(x_, w, f, fs_, window_sum_, o), first += 2;
        break;
      case 3:
        goertzel<3>(x_, w, f, fs_, window_sum_, o), first += 3;
        break;
      case 4:
        goertzel<4>(x_, w, f, fs_, window_sum_, o), first += 4;
        break;
      case 5:
        goertzel<5>(x_, w, f, fs_, window_sum_, o), first += 5;
        break;
      default:
        goertzel<6>(x_, w, f, fs_, window_sum_, o), first += 6;
        break;
    }
  }
  return out;
}

}  // namespace bench::analysis
