#include "bench/analysis/noise_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "bench/dsp/weighting.hpp"

namespace bench::analysis {
namespace {

TEST(NoiseAnalysis, WhiteNoiseReadsItsInBandPowerUnweightedAndAWeighted) {
  const double fs = 48000, sigma = 3e-5;
  std::mt19937_64 rng(21);
  std::normal_distribution<double> g(0, sigma);
  dsp::Signal x(1 << 19);
  for (auto& v : x) v = g(rng) + 0.001;  // a DC offset must not count
  const NoiseResult r = analyze_noise(x, fs, {});
  EXPECT_NEAR(r.noise_dbfs, 10 * std::log10(2 * sigma * sigma * (20000 - 20) / (fs / 2)), 0.1);
  double integral = 0;
  for (double f = 20; f <= 20000; f += 1) integral += dsp::weighting_power_gain(dsp::Weighting::kA, f);
  EXPECT_NEAR(r.noise_dbfs_a, 10 * std::log10(2 * sigma * sigma * integral / (fs / 2)), 0.1);
  EXPECT_NEAR(r.dc_offset_fs, 0.001, 1e-6);
}

// A tone alone, read through CCIR-RMS: its level plus the BS.468-4 table's weighting re 1 kHz minus
// the 5.63 dB from 1 kHz to 2 kHz (within the table's 0.05 dB rounding and 0.02 dB of the spectrum's
// reading of a tone); A-weighting beside it from IEC 61672-1's table.
TEST(NoiseAnalysis, ATonesCcirRmsAndALevelsAreItsLevelPlusTheStandardsWeights) {
  const double fs = 48000;
  struct Row {
    double f_hz, bs468_db, a_db;
  };
  for (const Row r :
       {Row{100, -19.8, -19.1}, Row{1000, 0.0, 0.0}, Row{6300, 12.2, -0.1}, Row{10000, 8.1, -2.5}}) {
    dsp::Signal x(1 << 18);
    for (Eigen::Index i = 0; i < x.size(); ++i)
      x[i] = 0.01 * std::sin(2 * dsp::kPi * r.f_hz * static_cast<double>(i) / fs);
    const NoiseResult n = analyze_noise(x, fs, {});
    EXPECT_NEAR(n.noise_dbfs, -40.0, 0.02) << r.f_hz;
    EXPECT_NEAR(n.noise_dbfs_ccir_rms, -40.0 + r.bs468_db - 5.63, 0.07) << r.f_hz;
    EXPECT_NEAR(n.noise_dbfs_a, -40.0 + r.a_db, 0.07) << r.f_hz;
  }
}

TEST(NoiseAnalysis, SixtyHertzHumIsFoundAndMeasured) {
  const double fs = 48000;
  dsp::Signal x(1 << 18);
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double t = static_cast<double>(i) / fs;
    x[i] = 2e-4 * std::sin(2 * dsp::kPi * 60 * t) + 5e-5 * std::sin(2 * dsp::kPi * 180 * t);
  }
  const NoiseResult r = analyze_noise(x, fs, {});
  EXPECT_EQ(r.mains_hz, 60);
  EXPECT_NEAR(r.hum[0].level_dbfs, 20 * std::log10(2e-4), 0.05);
  EXPECT_NEAR(r.hum[2].level_dbfs, 20 * std::log10(5e-5), 0.05);
  // The hum is the only signal, so the unweighted noise is the power sum of both lines.
  EXPECT_NEAR(r.noise_dbfs, 10 * std::log10(2e-4 * 2e-4 + 5e-5 * 5e-5), 0.05);
}

// A hum line near the noise floor reads the line plus the noise in the window's noise bandwidth (the
// 7-term Blackman-Harris: 2.63 bins of 1/T), not in its 17-bin main lobe: with the noise in 2.63 Hz of a
// 1 s record 10 dB below the line, the mean reading over 64 records lies 0.41 dB above the line (a lobe
// sum would read 1.8 dB above it).
TEST(NoiseAnalysis, AHumLineNearTheFloorReadsTheNoiseOfTheWindowsNoiseBandwidthOnly) {
  const double fs = 48000, amplitude = 1e-5, enbw_hz = 2.63;
  const double line_power = amplitude * amplitude / 2;
  const double sigma = std::sqrt(line_power / 10 * (fs / 2) / enbw_hz);
  std::mt19937_64 rng(7);
  std::normal_distribution<double> g(0, sigma);
  double mean_power = 0;
  const int records = 64;
  for (int k = 0; k < records; ++k) {
    dsp::Signal x(48000);
    for (Eigen::Index i = 0; i < x.size(); ++i)
      x[i] = amplitude * std::sin(2 * dsp::kPi * 50 * static_cast<double>(i) / fs + k) + g(rng);
    NoiseAnalysisOptions o;
    o.mains_hz = 50;
    const NoiseResult r = analyze_noise(x, fs, o);
    mean_power += std::pow(10.0, r.hum[0].level_dbfs / 10) / 2 / records;
  }
  EXPECT_NEAR(10 * std::log10(mean_power / line_power), 10 * std::log10(1.1), 0.3);
}

TEST(NoiseAnalysis, DigitalSilenceReadsMinusInfinity) {
  const NoiseResult r = analyze_noise(dsp::Signal::Zero(48000), 48000, {});
  EXPECT_TRUE(std::isinf(r.noise_dbfs) && r.noise_dbfs < 0);
}

}  // namespace
}  // namespace bench::analysis
