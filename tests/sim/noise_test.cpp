#include "bench/sim/noise.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

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
  GaussianNoise off(0, 1);
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.next(), 0.0);
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
