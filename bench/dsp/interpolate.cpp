#include "bench/dsp/interpolate.hpp"

#include <algorithm>
#include <cmath>

namespace bench::dsp {

double sinc_interpolate(const Eigen::Ref<const Signal>& h, double t, int half_taps) {
  const Eigen::Index n = h.size();
  const double base = std::floor(t);
  const double frac = t - base;
  double acc = 0.0;
  for (int k = -half_taps + 1; k <= half_taps; ++k) {
    const double x = static_cast<double>(k) - frac;  // distance of tap from t
    const double sinc = std::abs(x) < 1e-12 ? 1.0 : std::sin(kPi * x) / (kPi * x);
    const double u = (x + half_taps) / (2.0 * half_taps);  // 0..1 across the kernel
    const double blackman = 0.42 - 0.5 * std::cos(2 * kPi * u) + 0.08 * std::cos(4 * kPi * u);
    Eigen::Index idx = (static_cast<Eigen::Index>(base) + k) % n;
    if (idx < 0) idx += n;
    acc += h[idx] * sinc * blackman;
  }
  return acc;
}

Peak refine_peak(const Eigen::Ref<const Signal>& h, Eigen::Index peak) {
  auto mag = [&](double t) { return std::abs(sinc_interpolate(h, t)); };
  double lo = static_cast<double>(peak) - 1.0, hi = static_cast<double>(peak) + 1.0;
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
  double m1 = mag(x1), m2 = mag(x2);
  for (int i = 0; i < 48 && hi - lo > 1e-6; ++i) {
    if (m1 > m2) {
      hi = x2, x2 = x1, m2 = m1;
      x1 = hi - g * (hi - lo), m1 = mag(x1);
    } else {
      lo = x1, x1 = x2, m1 = m2;
      x2 = lo + g * (hi - lo), m2 = mag(x2);
    }
  }
  const double pos = 0.5 * (lo + hi);
  return Peak{pos, sinc_interpolate(h, pos)};
}

std::complex<double> interpolate_bins(const Eigen::Ref<const Spectrum>& bins, double bin_hz,
                                      double frequency_hz) {
  const double x = frequency_hz / bin_hz;
  const auto last = static_cast<double>(bins.size() - 1);
  const double clamped = std::clamp(x, 0.0, last);
  const auto i = std::min(static_cast<Eigen::Index>(clamped), bins.size() - 2);
  const double frac = clamped - static_cast<double>(i);
  return bins[i] * (1.0 - frac) + bins[i + 1] * frac;
}

std::vector<double> log_frequency_grid(double f1_hz, double f2_hz, int points_per_octave) {
  std::vector<double> f;
  const double octaves = std::log2(f2_hz / f1_hz);
  const auto steps = static_cast<int>(std::floor(octaves * points_per_octave + 1e-9));
  f.reserve(static_cast<std::size_t>(steps) + 2);
  for (int k = 0; k <= steps; ++k) f.push_back(f1_hz * std::exp2(static_cast<double>(k) / points_per_octave));
  if (f2_hz / f.back() > 1.0 + 1e-9) f.push_back(f2_hz);
  return f;
}

std::vector<double> smooth_octave_db(const std::vector<double>& frequency_hz,
                                     const std::vector<double>& magnitude_db, double fraction) {
  if (fraction <= 0) return magnitude_db;
  const double half_width = std::exp2(0.5 / fraction);
  std::vector<double> out(magnitude_db.size());
  std::vector<double> power(magnitude_db.size());
  for (std::size_t i = 0; i < power.size(); ++i) power[i] = std::pow(10.0, magnitude_db[i] / 10.0);
  std::size_t lo = 0, hi = 0;
  for (std::size_t i = 0; i < frequency_hz.size(); ++i) {
    const double f_lo = frequency_hz[i] / half_width, f_hi = frequency_hz[i] * half_width;
    while (hi < frequency_hz.size() && frequency_hz[hi] <= f_hi) ++hi;
    while (lo < hi && frequency_hz[lo] < f_lo) ++lo;
    // Summed afresh for every point: a running sum would lose levels far below its largest terms.
    double sum = 0.0;
    for (std::size_t k = lo; k < hi; ++k) sum += power[k];
    out[i] = 10.0 * std::log10(sum / static_cast<double>(hi - lo));
  }
  return out;
}

}  // namespace bench::dsp
