#include "bench/sim/noise.hpp"

#include <algorithm>
#include <cmath>

namespace bench::sim {

double white_noise_sigma(double band_power, double sample_rate_hz) {
  if (!(band_power > 0) || !(sample_rate_hz > 0)) return 0;
  const double nyquist_hz = sample_rate_hz / 2;
  const double band_hz = std::min(kNoiseBandHighHz, nyquist_hz) - kNoiseBandLowHz;
  if (!(band_hz > 0)) return 0;
  return std::sqrt(band_power * nyquist_hz / band_hz);
}

std::uint64_t stream_seed(std::uint64_t chain_seed, int stage, int channel) {
  // SplitMix64 finaliser over the chain seed offset by a distinct constant per (stage, channel).
  std::uint64_t z = chain_seed + 0x9E3779B97F4A7C15ULL * (1 + static_cast<std::uint64_t>(stage) * 64 +
                                                          static_cast<std::uint64_t>(channel));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

GaussianNoise::GaussianNoise(double sigma, std::uint64_t seed)
    : sigma_(sigma > 0 && std::isfinite(sigma) ? sigma : 0), seed_(seed), engine_(seed) {}

void GaussianNoise::reset() noexcept {
  engine_.seed(seed_);
  has_spare_ = false;
  spare_ = 0;
}

double GaussianNoise::draw_pair() noexcept {
  constexpr double kScale = 0x1.0p-52;  // 53-bit uniforms on [-1, 1)
  for (;;) {
    const double u = static_cast<double>(engine_() >> 11) * kScale - 1.0;
    const double v = static_cast<double>(engine_() >> 11) * kScale - 1.0;
    const double s = u * u + v * v;
    if (s >= 1.0 || s == 0.0) continue;
    const double f = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * f;
    has_spare_ = true;
    return u * f;
  }
}

Polynomial Polynomial::from(const plan::Distortion& d) {
  Polynomial p;
  if (d.h2_db_at_fs > kOffLevelDb) p.a2 = 2.0 * std::pow(10.0, d.h2_db_at_fs / 20.0);
  if (d.h3_db_at_fs > kOffLevelDb) p.a3 = 4.0 * std::pow(10.0, d.h3_db_at_fs / 20.0);
  return p;
}

}  // namespace bench::sim
