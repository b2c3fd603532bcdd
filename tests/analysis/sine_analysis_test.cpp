#include "bench/analysis/sine_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bench/core/error.hpp"
#include "bench/dsp/weighting.hpp"
#include "bench/signal/tone.hpp"

namespace bench::analysis {
namespace {

using dsp::Signal;
constexpr double kFs = 48000;

Signal tone(double f, double amplitude, Eigen::Index n, double phase = 0.3) {
  Signal x(n);
  for (Eigen::Index i = 0; i < n; ++i)
    x[i] = amplitude * std::sin(2 * dsp::kPi * f * static_cast<double>(i) / kFs + phase);
  return x;
}

TEST(SineAnalysis, PureDoubleSineAtANonCoherentFrequencyReadsBelowMinus160Decibels) {
  for (double f : {997.0, 1001.37, 6123.456}) {
    const SineResult r = analyze_sine(tone(f, 0.891, 1 << 18), kFs, {});
    EXPECT_LE(r.thd_n_db, -160.0) << f;
    EXPECT_NEAR(r.fundamental_hz, f, 1e-9);
    EXPECT_NEAR(r.fundamental_dbfs, 20 * std::log10(0.891), 1e-9);
  }
}

// THD of a static polynomial: V2 = a2 A^2 / 2, V3 = a3 A^3 / 4, V1 = a1 A + 3 a3 A^3 / 4.
TEST(SineAnalysis, ThdOfAStaticPolynomialWithinATenthOfADecibel) {
  struct Row {
    double amplitude, a2, a3;
  };
  for (const Row r :
       {Row{0.9, 0.01, 0.003}, Row{0.5, 1e-4, 3e-5}, Row{0.1, 1e-3, 0.0}, Row{0.9, 0.0, 1e-5}}) {
    const Signal x = tone(997, r.amplitude, 1 << 17).unaryExpr([&](double v) {
      return v + r.a2 * v * v + r.a3 * v * v * v;
    });
    const SineResult s = analyze_sine(x, kFs, {});
    const double a = r.amplitude;
    const double v1 = a + 0.75 * r.a3 * a * a * a, v2 = r.a2 * a * a / 2, v3 = r.a3 * a * a * a / 4;
    EXPECT_NEAR(s.thd_db, 20 * std::log10(std::hypot(v2, v3) / v1), 0.1) << a << " " << r.a2 << " " << r.a3;
    if (v2 > 0) {
      EXPECT_NEAR(s.harmonics[0].level_db, 20 * std::log10(v2 / v1), 0.1);
    }
    if (v3 > 0) {
      EXPECT_NEAR(s.harmonics[1].level_db, 20 * std::log10(v3 / v1), 0.1);
    }
    EXPECT_NEAR(s.fundamental_dbfs, 20 * std::log10(v1), 1e-4);
  }
}

// THD+N with known components: expected = sqrt(harmonics + in-band noise) / sqrt(everything in band),
// white noise of variance s^2 putting s^2 * (20000 - 20) / (fs / 2) into the AES17 band.
struct ThdNCase {
  const char* name;
  double frequency_hz, amplitude, h2, h3, noise_rms;
  int bits;  // 0: float; else quantised with TPDF dither, which adds LSB^2 / 4 of white noise
};

class KnownThdN : public ::testing::TestWithParam<ThdNCase> {};

TEST_P(KnownThdN, WithinThreeTenthsOfADecibelOfTheComponents) {
  const ThdNCase c = GetParam();
  const Eigen::Index n = 1 << 19;
  std::mt19937_64 rng(42);
  std::normal_distribution<double> gauss(0, c.noise_rms);
  Signal x(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double ph = 2 * dsp::kPi * c.frequency_hz * static_cast<double>(i) / kFs;
    x[i] =
        c.amplitude * std::sin(ph) + c.h2 * std::sin(2 * ph + 1) + c.h3 * std::sin(3 * ph + 2) + gauss(rng);
  }
  double white = c.noise_rms * c.noise_rms;
  if (c.bits > 0) {
    x = stimulus::quantize_tpdf(x, c.bits, 9);
    const double lsb = std::ldexp(1.0, -(c.bits - 1));
    white += lsb * lsb / 4;
  }
  const double band_noise = white * (20000.0 - 20.0) / (kFs / 2);
  const double distortion = (c.h2 * c.h2 + c.h3 * c.h3) / 2;
  const double expected =
      10 * std::log10((distortion + band_noise) / (c.amplitude * c.amplitude / 2 + distortion + band_noise));
  const SineResult r = analyze_sine(x, kFs, {});
  EXPECT_NEAR(r.thd_n_db, expected, 0.3);
  EXPECT_NEAR(r.sinad_db, -expected, 0.3);
  EXPECT_NEAR(r.noise_dbfs, 10 * std::log10(2 * band_noise), 0.3);
}

INSTANTIATE_TEST_SUITE_P(
    Components, KnownThdN,
    ::testing::Values(ThdNCase{"noise_dominated_float", 997, 0.891, 1e-6, 1e-6, 1e-5, 0},
                      ThdNCase{"distortion_dominated_float", 997, 0.891, 3e-4, 2e-4, 1e-6, 0},
                      ThdNCase{"mixed_noncoherent_float", 1234.567, 0.5, 5e-5, 5e-5, 2e-5, 0},
                      ThdNCase{"minus20dbfs_24bit_tpdf", 997, 0.1, 1e-7, 1e-7, 0.0, 24},
                      ThdNCase{"minus1dbfs_24bit_tpdf", 997, 0.891, 2e-6, 1e-6, 0.0, 24},
                      ThdNCase{"minus1dbfs_16bit_tpdf", 997, 0.891, 0.0, 0.0, 0.0, 16}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(SineAnalysis, ResultDoesNotDependOnCoherence) {
  const Eigen::Index n = 1 << 16;
  const double coherent = std::round(997.0 * static_cast<double>(n) / kFs) * kFs / static_cast<double>(n);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> g(0, 3e-6);
  Signal noise(n);
  for (auto& v : noise) v = g(rng);
  const SineResult a = analyze_sine(tone(coherent, 0.5, n) + noise, kFs, {});
  const SineResult b =
      analyze_sine(tone(coherent + 0.37 * kFs / static_cast<double>(n), 0.5, n) + noise, kFs, {});
  EXPECT_NEAR(a.thd_n_db, b.thd_n_db, 0.05);
  EXPECT_NEAR(a.fundamental_dbfs, b.fundamental_dbfs, 1e-6);
}

TEST(SineAnalysis, AWeightedThdNUsesTheIecCurveOnTheNoise) {
  const Eigen::Index n = 1 << 19;
  std::mt19937_64 rng(8);
  const double sigma = 1e-4;
  std::normal_distribution<double> g(0, sigma);
  Signal x = tone(997, 0.5, n);
  for (auto& v : x) v += g(rng);
  // Independent truth: integrate |A(f)|^2 of the white noise density over the band.
  double integral = 0;
  const double df = 1.0;
  for (double f = 20; f <= 20000; f += df) integral += dsp::weighting_power_gain(dsp::Weighting::kA, f) * df;
  const double noise_a = sigma * sigma * integral / (kFs / 2);
  const double fundamental_a = 0.125 * dsp::weighting_power_gain(dsp::Weighting::kA, 997);
  SineAnalysisOptions o;
  o.weighting = dsp::Weighting::kA;
  const SineResult r = analyze_sine(x, kFs, o);
  EXPECT_NEAR(r.thd_n_db, 10 * std::log10(noise_a / (fundamental_a + noise_a)), 0.3);
}

TEST(SineAnalysis, BandwidthOptionsCountTheNoiseOfTheirBand) {
  const double fs = 192000;
  const Eigen::Index n = 1 << 19;
  std::mt19937_64 rng(4);
  const double sigma = 2e-5;
  std::normal_distribution<double> g(0, sigma);
  Signal x(n);
  for (Eigen::Index i = 0; i < n; ++i)
    x[i] = 0.5 * std::sin(2 * dsp::kPi * 997 * static_cast<double>(i) / fs) + g(rng);
  for (double hi : {20000.0, 22400.0, 80000.0}) {
    SineAnalysisOptions o;
    o.band_hi_hz = hi;
    const SineResult r = analyze_sine(x, fs, o);
    EXPECT_NEAR(r.noise_dbfs, 10 * std::log10(2 * sigma * sigma * (hi - 20) / (fs / 2)), 0.3) << hi;
  }
}

TEST(SineAnalysis, HumLinesAreReportedSeparatelyAtTheirLevels) {
  const Eigen::Index n = 1 << 18;
  Signal x = tone(997, 0.5, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / kFs;
    x[i] += 1e-4 * std::sin(2 * dsp::kPi * 50 * t) + 3e-5 * std::sin(2 * dsp::kPi * 150 * t + 1);
  }
  const SineResult r = analyze_sine(x, kFs, {});
  EXPECT_EQ(r.mains_hz, 50);
  ASSERT_GE(r.hum.size(), 3u);
  EXPECT_NEAR(r.hum[0].level_dbfs, 20 * std::log10(1e-4), 0.05);
  EXPECT_NEAR(r.hum[2].level_dbfs, 20 * std::log10(3e-5), 0.05);
  EXPECT_LT(r.hum[1].level_dbfs, -200);
}

TEST(SineAnalysis, NoToneIsAMeasurementErrorNotANumber) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> g(0, 0.01);
  Signal x(48000);
  for (auto& v : x) v = g(rng);
  EXPECT_THROW((void)analyze_sine(x, kFs, {}), MeasurementError);
}

TEST(SineAnalysis, RefusesABandAboveNyquist) {
  SineAnalysisOptions o;
  o.band_hi_hz = 80000;
  EXPECT_THROW((void)analyze_sine(tone(997, 0.5, 48000), kFs, o), InputError);
}

}  // namespace
}  // namespace bench::analysis
