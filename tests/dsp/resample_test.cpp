#include "bench/dsp/resample.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "bench/core/error.hpp"
#include "bench/dsp/types.hpp"

namespace bench::dsp {
namespace {

// A sine recorded by a clock drift_ppm fast: y[n] = sin(w * n * (1 + e) + phi). Corrected, it must be
// the sine on the player's clock, sin(w * m + phi), sample for sample (analytic truth).
struct Case {
  double frequency_hz;
  double drift_ppm;
};

class ClockDriftCorrection : public ::testing::TestWithParam<Case> {};

TEST_P(ClockDriftCorrection, RestoresTheSineOnThePlayersClock) {
  const double fs = 48000, f = GetParam().frequency_hz, e = GetParam().drift_ppm * 1e-6, phi = 0.3;
  const Eigen::Index n = 96000;
  Signal y(n), truth(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    y[i] = std::sin(2 * kPi * f / fs * static_cast<double>(i) * (1 + e) + phi);
    truth[i] = std::sin(2 * kPi * f / fs * static_cast<double>(i) + phi);
  }
  const Signal z = correct_clock_drift(y, GetParam().drift_ppm);
  ASSERT_EQ(z.size(), n);
  // Away from the ends (the filter has no data beyond the record), within -100 dB (0.0001 dB of gain error)
  // of the sine's peak.
  const Eigen::Index edge = 2000,
                     usable = static_cast<Eigen::Index>(static_cast<double>(n) / (1 + std::max(0.0, -e))) -
                              2 * edge;
  const double err = (z.segment(edge, usable) - truth.segment(edge, usable)).cwiseAbs().maxCoeff();
  EXPECT_LT(20 * std::log10(err), -100) << "f " << f << " Hz, drift " << GetParam().drift_ppm << " ppm";
}

INSTANTIATE_TEST_SUITE_P(Drifts, ClockDriftCorrection,
                         ::testing::Values(Case{100, 1000}, Case{997, 1000}, Case{997, -1000},
                                           Case{15000, 1000}, Case{15000, -1000}, Case{997, 20},
                                           Case{19000, -250}));

TEST(ClockDriftCorrection, KeepsLengthAndZeroPadsAShorterResult) {
  Signal y = Signal::Ones(48000);
  const Signal z = correct_clock_drift(y, -1000);  // the corrected record is 48 samples shorter
  ASSERT_EQ(z.size(), y.size());
  EXPECT_NEAR(z[24000], 1.0, 1e-6);
  EXPECT_EQ(z.tail(40).cwiseAbs().maxCoeff(), 0.0);
}

TEST(ClockDriftCorrection, RefusesAnAbsurdDrift) {
  EXPECT_THROW((void)correct_clock_drift(Signal::Zero(100), 2e5), InputError);
  EXPECT_THROW((void)correct_clock_drift(Signal::Zero(100), std::nan("")), InputError);
}

}  // namespace
}  // namespace bench::dsp
