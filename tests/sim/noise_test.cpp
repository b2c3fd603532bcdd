#include "bench/sim/noise.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <set>
#include <vector>

namespace bench::sim {
namespace {

TEST(WhiteNoiseSigma, PutsTheBandPowerIntoTwentyHertzToTwentyKilohertz) {
  struct Row {
    double band_power, fs_hz, expected_sigma;
  };
  for (const Row r :
       {Row{1.0, 48000, std::sqrt(24000.0 / 19980.0)}, Row{1e-10, 96000, std::sqrt(1e-10 * 48000 / 19980.0)},
        Row{2.0, 44100, std::sqrt(2.0 * 22050 / 19980.0)}, Row{1.0, 32000, std::sqrt(16000.0 / 15980.0)},
        Row{0.0, 48000, 0.0}})
    EXPECT_NEAR(white_noise_sigma(r.band_power, r.fs_hz), r.expected_sigma, 1e-15) << r.fs_hz;
}

TEST(Polynomial, CoefficientsFollowTheHarmonicLevelsAndSwitchOff) {
  struct Row {
    double h2_db, h3_db, a2, a3;
  };
  for (const Row r :
       {Row{-40, -60, 0.02, 0.004}, Row{0, 0, 2, 4}, Row{-300, -301, 0, 0}, Row{-400, -80, 0, 4e-4}}) {
    const Polynomial p = Polynomial::from({r.h2_db, r.h3_db});
    EXPECT_NEAR(p.a2, r.a2, 1e-15);
    EXPECT_NEAR(p.a3, r.a3, 1e-15);
    EXPECT_EQ(p.is_linear(), r.a2 == 0 && r.a3 == 0);
  }
  // For A sin: H2 = a2 A / 2, H3 = a3 A^2 / 4, so a full-scale sine shows the profile's levels.
  const Polynomial p = Polynomial::from({-40, -60});
  EXPECT_NEAR(p.a2 * 1.0 / 2, 0.01, 1e-15);
  EXPECT_NEAR(p.a3 * 1.0 / 4, 0.001, 1e-15);
  EXPECT_EQ(p.apply(0.5), 0.5 + 0.02 * 0.25 + 0.004 * 0.125);
}

TEST(GaussianNoise, SameSeedSameSamplesAndResetRestarts) {
  GaussianNoise a(0.5, 42), b(0.5, 42), c(0.5, 43);
  bool differs = false;
  double first[8];
  for (double& f : first) {
    f = a.next();
    EXPECT_EQ(f, b.next());
    differs = differs || f != c.next();
  }
  EXPECT_TRUE(differs);
  a.reset();
  for (double f : first) EXPECT_EQ(a.next(), f);
  // Also after enough draws to have passed through the tail and the wedges many times.
  std::vector<double> longer(100000);
  for (double& x : longer) x = a.next();
  a.reset();
  for (double f : first) EXPECT_EQ(a.next(), f);
  for (const double x : longer) ASSERT_EQ(a.next(), x);
  GaussianNoise off(0, 1);
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.next(), 0.0);
}

// Published outputs of the reference implementations (Vigna's splitmix64.c with seed 1234567, and
// xoshiro256plusplus.c from the state {1, 2, 3, 4}, as in rand_xoshiro's reference test).
TEST(Xoshiro256pp, MatchesTheReferenceOutputs) {
  std::uint64_t state = 1234567;
  for (const std::uint64_t expected : {6457827717110365317ULL, 3203168211198807973ULL, 9817491932198370423ULL,
                                       4593380528125082431ULL, 16408922859458223821ULL})
    EXPECT_EQ(splitmix64_next(state), expected);

  Xoshiro256pp g = Xoshiro256pp::from_state({1, 2, 3, 4});
  for (const std::uint64_t expected :
       {41943041ULL, 58720359ULL, 3588806011781223ULL, 3591011842654386ULL, 9228616714210784205ULL,
        9973669472204895162ULL, 14011001112246962877ULL, 12406186145184390807ULL, 15849039046786891736ULL,
        10450023813501588000ULL})
    EXPECT_EQ(g(), expected);

  // A 64-bit seed fills the state with its first four SplitMix64 outputs.
  std::uint64_t s = 42;
  const Xoshiro256pp::State words{splitmix64_next(s), splitmix64_next(s), splitmix64_next(s),
                                  splitmix64_next(s)};
  Xoshiro256pp seeded(42), explicit_state = Xoshiro256pp::from_state(words);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(seeded(), explicit_state());
}

// The tables against the definition, with the standard library's exp and erfc: every layer has the same
// area v, the base layer's v is the rectangle r f(r) plus the tail integral sqrt(pi/2) erfc(r/sqrt 2),
// and the top layer closes at the peak.
TEST(Ziggurat, LayersHaveEqualAreasAndTheBaseHoldsTheTail) {
  using namespace ziggurat;
  const auto f = [](double x) { return std::exp(-x * x / 2); };
  const double tail = std::sqrt(std::numbers::pi / 2) * std::erfc(kR / std::numbers::sqrt2);
  EXPECT_NEAR(kR * f(kR) + tail, kArea, 1e-15 * kArea);
  EXPECT_EQ(edge(1), kR);
  EXPECT_NEAR(edge(0) * f(kR), kArea, 1e-15 * kArea);
  EXPECT_EQ(height(0), 0.0);
  EXPECT_EQ(edge(kLayers), 0.0);
  EXPECT_EQ(height(kLayers), 1.0);
  for (int i = 1; i < kLayers; ++i) {
    EXPECT_LT(edge(i + 1), edge(i)) << i;
    // A relative error e in x_i is one of x_i^2 e (up to 13 e) in f(x_i): 4e-15 is about 18 ulp (the
    // largest seen is 1.4e-15, at x = 2.9).
    EXPECT_NEAR(height(i), f(edge(i)), 4e-15 * f(edge(i))) << i;
    // Layer i is the box [0, x_i] x [f(x_i), f(x_{i+1})]. The recursion that builds the edges amplifies
    // rounding towards the top (the largest error, 1.4e-13, is the top layer's): 1e-12 relative, a
    // probability error of 4e-15 per layer.
    EXPECT_NEAR(edge(i) * (f(edge(i + 1)) - f(edge(i))), kArea, 1e-12 * kArea) << i;
  }
}

// 2^22 samples against the normal distribution (truth: its moments and erfc), each within 4 standard
// errors of the expected value: a correct generator fails one of these 10 checks (6e-5 each) with a
// probability below 1e-3 for a given seed, and the fixed seed makes the outcome the same on every run.
TEST(GaussianNoise, SamplesFollowTheNormalDistribution) {
  constexpr double kSigma = 0.5;
  constexpr std::size_t kN = std::size_t{1} << 22;
  const double n = static_cast<double>(kN);
  GaussianNoise noise(kSigma, stream_seed(7, kAdcNoiseStage, 1));
  std::vector<double> x(kN);
  for (double& v : x) v = noise.next();

  double sum = 0;
  for (const double v : x) sum += v;
  const double mean = sum / n;
  double m2 = 0, m4 = 0, lag1 = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    const double d = x[i] - mean, d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
    if (i > 0) lag1 += d * (x[i - 1] - mean);
  }
  const double variance = m2 / (n - 1);
  const double kurtosis = (m4 / n) / ((m2 / n) * (m2 / n));
  // Standard errors for normal samples: sigma / sqrt(N), sigma^2 sqrt(2 / (N - 1)), sqrt(24 / N) for the
  // kurtosis (3 for a normal), 1 / sqrt(N) for the lag-1 autocorrelation of white noise.
  EXPECT_NEAR(mean, 0.0, 4 * kSigma / std::sqrt(n));
  EXPECT_NEAR(variance, kSigma * kSigma, 4 * kSigma * kSigma * std::sqrt(2 / (n - 1)));
  EXPECT_NEAR(kurtosis, 3.0, 4 * std::sqrt(24 / n));
  EXPECT_NEAR(lag1 / m2, 0.0, 4 / std::sqrt(n));

  // The fraction beyond k sigma (both sides) is erfc(k / sqrt 2); beyond 4 sigma it is drawn only by
  // the tail method, beyond 1-3 sigma by the outer layers' boxes and wedges.
  for (const int k : {1, 2, 3, 4}) {
    std::size_t beyond = 0;
    for (const double v : x) beyond += std::abs(v) > k * kSigma;
    const double p = std::erfc(k / std::numbers::sqrt2);
    EXPECT_NEAR(static_cast<double>(beyond) / n, p, 4 * std::sqrt(p * (1 - p) / n)) << k << " sigma";
  }
  // The tail on each side alone (beyond r = 3.65 sigma, where only the tail method draws).
  const double p_tail = std::erfc(ziggurat::kR / std::numbers::sqrt2) / 2;
  std::size_t below = 0, above = 0;
  for (const double v : x) {
    below += v < -ziggurat::kR * kSigma;
    above += v > ziggurat::kR * kSigma;
  }
  for (const std::size_t count : {below, above})
    EXPECT_NEAR(static_cast<double>(count) / n, p_tail, 4 * std::sqrt(p_tail * (1 - p_tail) / n));
}

// Chi-square of a histogram against the normal CDF: bins 0.1 sigma wide on [-4, 4] (narrower than
// most layers, so a wrong layer edge or height shows) and one bin for each side beyond; each expected
// count is N (Phi(b) - Phi(a)) with Phi from erfc, the smallest about 67.
TEST(GaussianNoise, HistogramMatchesTheNormalCdf) {
  constexpr std::size_t kN = std::size_t{1} << 22;
  constexpr int kInner = 80;  // bins of 0.1 on [-4, 4]
  GaussianNoise noise(1.0, stream_seed(3, kAmpNoiseStage, 0));
  std::array<double, kInner + 2> counts{};
  for (std::size_t i = 0; i < kN; ++i) {
    const double v = noise.next();
    const double pos = std::floor((v + 4.0) * 10.0);
    const std::size_t bin = pos < 0 ? 0 : pos >= kInner ? kInner + 1 : static_cast<std::size_t>(pos) + 1;
    counts[bin] += 1;
  }
  const auto cdf = [](double x) { return std::erfc(-x / std::numbers::sqrt2) / 2; };
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double chi2 = 0;
  for (std::size_t b = 0; b < counts.size(); ++b) {
    const double lo = b == 0 ? -kInf : -4.0 + 0.1 * static_cast<double>(b - 1);
    const double hi = b == kInner + 1 ? kInf : -4.0 + 0.1 * static_cast<double>(b);
    const double expected = static_cast<double>(kN) * (cdf(hi) - cdf(lo));
    chi2 += (counts[b] - expected) * (counts[b] - expected) / expected;
  }
  // Upper 1e-6 quantile of chi-square with 81 degrees of freedom (Wilson-Hilferty, z = 4.75): about 160.
  const double df = kInner + 1;
  const double c = 2 / (9 * df);
  const double limit = df * std::pow(1 - c + 4.75 * std::sqrt(c), 3);
  EXPECT_LT(chi2, limit) << "df " << df;
}

TEST(StreamSeed, EveryStageAndChannelGetsItsOwnStream) {
  std::set<std::uint64_t> seeds;
  for (std::uint64_t chain : {0u, 1u, 2u})
    for (int stage = 1; stage <= 3; ++stage)
      for (int channel = 0; channel < 8; ++channel) seeds.insert(stream_seed(chain, stage, channel));
  EXPECT_EQ(seeds.size(), 3u * 3u * 8u);
}

}  // namespace
}  // namespace bench::sim
