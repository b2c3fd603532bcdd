#include "bench/analysis/drift.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bench/core/error.hpp"

namespace bench::analysis {
namespace {

// A 997 Hz tone recorded by a clock drift_ppm off, with the reference ADC's noise floor (-120 dBFS) on
// both channels: the drift is the known parameter of the synthetic recording.
dsp::Frames recording(double drift_ppm, double level_dbfs, double noise_dbfs, bool right_only = false) {
  const double fs = 48000, f = 997 * (1 + drift_ppm * 1e-6), a = std::pow(10.0, level_dbfs / 20);
  const double sigma = std::pow(10.0, noise_dbfs / 20) / std::sqrt(2.0);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0, sigma);
  dsp::Frames y(48000 + 4800, 2);
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    const double s = a * std::sin(2 * dsp::kPi * f * static_cast<double>(i) / fs + 0.7);
    y(i, 0) = (right_only ? 0 : s) + noise(rng);
    y(i, 1) = 0.5 * s + noise(rng);
  }
  return y;
}

TEST(ClockDrift, FoundWithinATenthOfAPpmAcrossPlusMinus1000Ppm) {
  for (double ppm : {-1000.0, -250.0, -1.0, 0.0, 0.5, 37.0, 200.0, 1000.0}) {
    const auto y = recording(ppm, -10, -120);
    const auto d = estimate_clock_drift(y, 2400, 48000, 48000, 997);
    EXPECT_NEAR(d.drift_ppm, ppm, 0.1) << ppm;  // issue target: 1 ppm
    EXPECT_EQ(d.channel, 0);
    EXPECT_DOUBLE_EQ(d.played_hz, 997);
  }
}

TEST(ClockDrift, UsesTheChannelThatCarriesTheTone) {
  const auto d = estimate_clock_drift(recording(100, -20, -120, true), 0, 48000, 48000, 997);
  EXPECT_EQ(d.channel, 1);
  EXPECT_NEAR(d.drift_ppm, 100, 0.1);
}

TEST(ClockDrift, NoToneIsAMeasurementError) {
  dsp::Frames silence = dsp::Frames::Zero(48000, 2);
  EXPECT_THROW((void)estimate_clock_drift(silence, 0, 48000, 48000, 997), MeasurementError);
  EXPECT_THROW((void)estimate_clock_drift(silence, 40000, 48000, 48000, 997), MeasurementError);
}

}  // namespace
}  // namespace bench::analysis
