#include "bench/sim/amp.hpp"

#include <gtest/gtest.h>

#include "bench/core/error.hpp"
#include "sim/sim_test_support.hpp"

namespace bench::sim {
namespace {

using testing::quiet_config;

// The output stage as specified: linear to 0.9 of the rail, then 0.9 + 0.1 tanh((|u| - 0.9) / 0.1).
double knee_curve(double u) {
  const double a = std::abs(u);
  const double v = a <= 0.9 ? a : 0.9 + 0.1 * std::tanh((a - 0.9) / 0.1);
  return u < 0 ? -v : v;
}

TEST(Amp, ButterworthCornersAreThreeDecibelsDown) {
  ChainConfig c = quiet_config();
  c.amp.highpass_hz = 100;
  c.amp.lowpass_hz = 10000;
  struct Row {
    double frequency_hz, expected_db, tolerance_db;
  };
  for (const Row r : {Row{100, -3.0103, 0.05}, Row{10000, -3.0103, 0.05}, Row{1000, 0.0, 0.01}}) {
    const double measured_db = testing::measured_gain_db(c, r.frequency_hz) - testing::full_scale_ratio_db(c);
    EXPECT_NEAR(measured_db, r.expected_db, r.tolerance_db) << r.frequency_hz << " Hz";
  }
}

TEST(Amp, SoftClippingNeverExceedsTheRail) {
  ChainConfig c = quiet_config();
  c.amp.rail_vpeak = 10;
  c.amp.gain_db = 30;
  c.amp.highpass_hz = 0;       // no start-up transient: the peaks are those of the steady sine
  c.adc.fullscale_vrms = 100;  // the ADC sees the amplifier output unclipped
  for (double level_dbfs : {-20.0, -10.0, 0.0}) {
    const dsp::Frames y = testing::run(c, testing::sines(9600, level_dbfs, 1000, 250));
    const double peak_v = y.cwiseAbs().maxCoeff() * 100 * std::sqrt(2.0);
    EXPECT_LE(peak_v, 10.0 * (1 + 1e-12)) << level_dbfs;  // the ADC scaling may round the last bit up
    // The input peak is gain * sqrt(2) * 10^(level/20) volts; the clipper takes it to the rail times the
    // knee curve of its ratio.
    const double drive = std::pow(10.0, 1.5) * std::sqrt(2.0) * std::pow(10.0, level_dbfs / 20.0) / 10;
    EXPECT_NEAR(peak_v, 10 * knee_curve(drive), 10 * 2e-3) << level_dbfs;
  }
}

// Fourier sine coefficient k of knee_curve(A sin t), by a fine midpoint sum over one period;
// independent of the model's arithmetic.
double knee_harmonic(double a, int k) {
  const int n = 1 << 16;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double t = 2 * dsp::kPi * (i + 0.5) / n;
    sum += knee_curve(a * std::sin(t)) * std::sin(k * t);
  }
  return 2 * sum / n;
}

TEST(Amp, CleanBelowTheKneeAndThirdHarmonicFollowsTheKneeCurveAbove) {
  struct Row {
    double a;  // peak / rail
  };
  for (const Row r : {Row{0.5}, Row{0.89}, Row{0.95}, Row{1.2}, Row{2.0}}) {
    ChainConfig c = quiet_config();
    const double level_dbfs = -20;
    const double input_peak_v = std::sqrt(2.0) * 0.1;
    c.amp.rail_vpeak = input_peak_v / r.a;
    const dsp::Frames y = testing::run(c, testing::sines(96000, level_dbfs, 1000, 1000));
    const double h1 = testing::tone_amplitude(y.col(0), 1000, 48000, 48000);
    const double h3 = testing::tone_amplitude(y.col(0), 3000, 48000, 48000);
    const double measured_db = 20 * std::log10(h3 / h1);
    if (r.a < 0.9) {
      EXPECT_LT(measured_db, -200) << "A=" << r.a << ": below the knee the stage is linear";
    } else {
      const double series_db = 20 * std::log10(std::abs(knee_harmonic(r.a, 3) / knee_harmonic(r.a, 1)));
      EXPECT_NEAR(measured_db, series_db, 0.05) << "A=" << r.a;
    }
  }
}

TEST(Amp, DistortionPolynomialIsNormalisedToTheRail) {
  // For A sin (A = peak / rail, below the clipping knee): the polynomial gives H2 = a2 A / 2 and
  // H3 = a3 A^2 / 4 of the fundamental, to leading order in A.
  struct Row {
    double h2_db, h3_db, a;
  };
  for (const Row r : {Row{-20, -30, 0.05}, Row{-30, -20, 0.03}}) {
    plan::AmpProfile amp;
    amp.highpass_hz = 0;
    amp.lowpass_hz = 1e6;
    amp.rail_vpeak = 4;
    amp.noise_dbv = -400;
    amp.distortion = {r.h2_db, r.h3_db};
    AmpChannel channel(amp, 48000, 1);
    dsp::Signal v(48000);
    for (Eigen::Index i = 0; i < v.size(); ++i)
      v[i] = r.a * amp.rail_vpeak * std::sin(2 * dsp::kPi * 1000 * static_cast<double>(i) / 48000);
    channel.process(v.data(), static_cast<std::size_t>(v.size()));
    const double h1 = testing::tone_amplitude(v, 1000, 0, 48000);
    const double a2 = 2 * std::pow(10.0, r.h2_db / 20), a3 = 4 * std::pow(10.0, r.h3_db / 20);
    const double h2_expected = a2 * r.a / 2;
    const double h3_expected = a3 * r.a * r.a / 4;
    EXPECT_NEAR(testing::tone_amplitude(v, 2000, 0, 48000) / h1, h2_expected, h2_expected * 0.01) << r.h2_db;
    EXPECT_NEAR(testing::tone_amplitude(v, 3000, 0, 48000) / h1, h3_expected, h3_expected * 0.03) << r.h3_db;
  }
}

TEST(Amp, BadCornersOrRailAreConfigErrors) {
  plan::AmpProfile amp;
  amp.rail_vpeak = 0;
  EXPECT_THROW(AmpChannel(amp, 48000, 1), ConfigError);
  amp.rail_vpeak = 10;
  amp.highpass_hz = 30000;
  EXPECT_THROW(AmpChannel(amp, 48000, 1), ConfigError);
  amp.highpass_hz = 5;
  amp.lowpass_hz = 0;
  EXPECT_THROW(AmpChannel(amp, 48000, 1), ConfigError);
}

}  // namespace
}  // namespace bench::sim
