#include "bench/dsp/interpolate.hpp"

#include <gtest/gtest.h>

namespace bench::dsp {
namespace {

TEST(SincInterpolate, ReproducesABandLimitedSineBetweenSamples) {
  const double f = 0.0731;  // cycles per sample, well inside the band
  Signal x(4096);
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = std::sin(2 * kPi * f * static_cast<double>(i));
  for (double t : {100.25, 1000.5, 2047.875})
    EXPECT_NEAR(sinc_interpolate(x, t), std::sin(2 * kPi * f * t), 1e-4) << t;
}

TEST(RefinePeak, FindsTheCentreOfASymmetricPulseBetweenSamples) {
  for (double centre : {500.0, 500.3, 500.5, 500.9}) {
    Signal x(1024);
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const double d = static_cast<double>(i) - centre;
      x[i] = std::exp(-d * d / 18.0);
    }
    const auto peak = refine_peak(x, static_cast<Eigen::Index>(std::lround(centre)));
    EXPECT_NEAR(peak.position, centre, 0.01);
  }
}

TEST(LogFrequencyGrid, HasTheAskedDensityAndBothEnds) {
  const auto g = log_frequency_grid(20, 20000, 48);
  EXPECT_DOUBLE_EQ(g.front(), 20);
  EXPECT_NEAR(g.back(), 20000, 1e-9);
  EXPECT_GE(static_cast<double>(g.size() - 1), 48 * std::log2(1000.0) - 1);
  for (std::size_t i = 1; i < g.size(); ++i) ASSERT_GT(g[i], g[i - 1]);
}

TEST(SmoothOctave, LeavesAFlatCurveFlatAndAveragesPowerOfAStep) {
  const auto f = log_frequency_grid(20, 20000, 48);
  std::vector<double> flat(f.size(), -3.0), step(f.size());
  for (std::size_t i = 0; i < f.size(); ++i) step[i] = f[i] < 1000 ? 0.0 : -100.0;
  for (double v : smooth_octave_db(f, flat, 3)) EXPECT_NEAR(v, -3.0, 1e-9);
  const auto s = smooth_octave_db(f, step, 1);
  EXPECT_NEAR(s.front(), 0.0, 1e-9);
  EXPECT_NEAR(s.back(), -100.0, 1e-9);
}

}  // namespace
}  // namespace bench::dsp
