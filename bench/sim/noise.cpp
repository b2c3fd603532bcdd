#include "bench/sim/noise.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

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

namespace {

// The ziggurat tables are computed by the compiler (constant initialisation: they sit in read-only data,
// ready before any code runs, with no guard). std::exp and std::log are not constexpr in C++20, so
// these few lines stand in for them; they are used only here, for arguments in the ranges the tables
// need, and agree with std::exp/std::log to a few ulp (tests/sim/noise_test.cpp checks the tables).
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // ln 2 split so that k * kLn2Hi is exact (fdlibm)
constexpr double kLn2Lo = 1.90821492927058770002e-10;

constexpr double const_exp(double x) {  // x in about [-700, 700]
  const double kd = x / (kLn2Hi + kLn2Lo);
  const auto k = static_cast<long long>(kd < 0 ? kd - 0.5 : kd + 0.5);  // nearest integer
  const double rem =
      (x - static_cast<double>(k) * kLn2Hi) - static_cast<double>(k) * kLn2Lo;  // |rem| <= 0.35
  double sum = 1, term = 1;
  for (int n = 1; n < 30; ++n) {
    term *= rem / n;
    sum += term;
  }
  for (long long i = 0; i < k; ++i) sum *= 2;  // exact scaling by 2^k
  for (long long i = 0; i > k; --i) sum /= 2;
  return sum;
}

constexpr double const_log(double y) {  // y > 0 and finite
  long long e = 0;
  while (y > 1.4142135623730951) {  // exact: y = m 2^e with m in [1/sqrt 2, sqrt 2]
    y /= 2;
    ++e;
  }
  while (y < 0.7071067811865476) {
    y *= 2;
    --e;
  }
  const double s = (y - 1) / (y + 1), s2 = s * s;  // log m = 2 atanh s, |s| <= 0.172
  double sum = 0, power = s;
  for (int n = 1; n < 60; n += 2) {
    sum += power / n;
    power *= s2;
  }
  return 2 * sum + static_cast<double>(e) * kLn2Lo + static_cast<double>(e) * kLn2Hi;
}

constexpr double const_sqrt(double y) {  // y >= 0 and finite
  if (!(y > 0)) return 0;
  double g = y > 1 ? y : 1;
  for (int n = 0; n < 200; ++n) {  // Newton from above: decreases monotonically to sqrt(y)
    const double next = (g + y / g) / 2;
    if (!(next < g)) break;
    g = next;
  }
  return g;
}

// The unnormalised density f(x) = exp(-x^2 / 2).
constexpr double gauss(double x) {
  return const_exp(-x * x / 2);
}

struct ZigguratTables {
  std::array<double, ziggurat::kLayers + 1> x{};  // x[i]: edge of layer i; x[kLayers] = 0
  std::array<double, ziggurat::kLayers + 1> f{};  // f[i] = f(x[i]); f[0] = 0, f[kLayers] = 1
};

// Layer i >= 1 spans heights f(x_i) to f(x_{i+1}) with width x_i, so equal areas v give
// f(x_{i+1}) = f(x_i) + v / x_i. The base layer (rectangle r x f(r) plus the tail, area v) is drawn
// as if it were a box of width x_0 = v / f(r): a point beyond r in it stands for the tail. r and v
// (noise.hpp) make the top layer end at f = 1; f[kLayers] = 1 and x[kLayers] = 0 are set exactly.
constexpr ZigguratTables make_tables() {
  ZigguratTables t;
  const double v = ziggurat::kArea;
  t.x[0] = v / gauss(ziggurat::kR);
  t.f[0] = 0;
  t.x[1] = ziggurat::kR;
  t.f[1] = gauss(ziggurat::kR);
  for (int i = 1; i < ziggurat::kLayers - 1; ++i) {
    const auto k = static_cast<std::size_t>(i);
    t.f[k + 1] = t.f[k] + v / t.x[k];
    t.x[k + 1] = const_sqrt(-2 * const_log(t.f[k + 1]));
  }
  t.x[ziggurat::kLayers] = 0;
  t.f[ziggurat::kLayers] = 1;
  return t;
}

constexpr ZigguratTables kTables = make_tables();
// The top layer [0, x_255] x [f(x_255), 1] has the area v too when r and v are right (to 1.4e-13).
constexpr double kTopLayerArea = kTables.x[ziggurat::kLayers - 1] * (1 - kTables.f[ziggurat::kLayers - 1]);
static_assert(kTopLayerArea > ziggurat::kArea * (1 - 1e-12) && kTopLayerArea < ziggurat::kArea * (1 + 1e-12),
              "r and v (noise.hpp) must make the layers close at the peak");

// Uniforms from the top 53 bits of one output: on [0, 1), and on (0, 1] (for a logarithm: never 0).
constexpr double kTwoPowMinus53 = 0x1.0p-53;
double uniform_from_zero(std::uint64_t bits) noexcept {
  return static_cast<double>(bits >> 11) * kTwoPowMinus53;
}
double uniform_above_zero(std::uint64_t bits) noexcept {
  return static_cast<double>((bits >> 11) + 1) * kTwoPowMinus53;
}

}  // namespace

namespace ziggurat {
double edge(int i) noexcept {
  return kTables.x[static_cast<std::size_t>(std::clamp(i, 0, kLayers))];
}
double height(int i) noexcept {
  return kTables.f[static_cast<std::size_t>(std::clamp(i, 0, kLayers))];
}
}  // namespace ziggurat

GaussianNoise::GaussianNoise(double sigma, std::uint64_t seed)
    : sigma_(sigma > 0 && std::isfinite(sigma) ? sigma : 0), seed_(seed), engine_(seed) {}

void GaussianNoise::reset() noexcept {
  engine_ = Xoshiro256pp(seed_);
}

double GaussianNoise::standard_normal() noexcept {
  constexpr double kTwoPowMinus51 = 0x1.0p-51;
  for (;;) {
    // One output: bits 0-7 pick the layer; bits 12-63, read as a signed integer k in [-2^51, 2^51),
    // give u = (k + 1/2) 2^-51, uniform on 2^52 points symmetric about 0 in (-1, 1) (exactly
    // representable: |k| + 1/2 needs at most 53 bits). Bits 8-11 are unused.
    const std::uint64_t bits = engine_();
    const auto i = static_cast<std::size_t>(bits & 0xFFu);  // kLayers = 256
    const double u = (static_cast<double>(static_cast<std::int64_t>(bits) >> 12) + 0.5) * kTwoPowMinus51;
    const double x = u * kTables.x[i];
    // Inside the part of the layer that lies wholly under the curve (|x| < x_{i+1}; for the base layer
    // |x| < r): accepted at once, 98.5 % of candidates.
    if (std::abs(x) < kTables.x[i + 1]) return x;
    if (i == 0) {
      // The tail |x| > r, exactly (Marsaglia 1964): a = -ln(U1) / r is exponential with rate r, and
      // r + a is accepted with probability exp(-a^2 / 2), i.e. when -2 ln(U2) > a^2.
      double a = 0, b = 0;
      do {
        a = -std::log(uniform_above_zero(engine_())) / ziggurat::kR;
        b = -std::log(uniform_above_zero(engine_()));
      } while (b + b < a * a);
      return u < 0 ? -(ziggurat::kR + a) : ziggurat::kR + a;
    }
    // The wedge between x_{i+1} and x_i: a uniform height in the layer, kept if under the curve.
    const double y = kTables.f[i] + uniform_from_zero(engine_()) * (kTables.f[i + 1] - kTables.f[i]);
    if (y < std::exp(-x * x / 2)) return x;
  }
}

Polynomial Polynomial::from(const plan::Distortion& d) {
  Polynomial p;
  if (d.h2_db_at_fs > kOffLevelDb) p.a2 = 2.0 * std::pow(10.0, d.h2_db_at_fs / 20.0);
  if (d.h3_db_at_fs > kOffLevelDb) p.a3 = 4.0 * std::pow(10.0, d.h3_db_at_fs / 20.0);
  return p;
}

}  // namespace bench::sim
