// AES17 dynamic range against independent truth: white noise of known power integrated through the
// standards' weighting curves, single lines read through the IEC 61672-1 and ITU-R BS.468-4 tables, and
// the 1 dB rule on the tone's level.
#include "bench/analysis/dynamic_range.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "bench/core/error.hpp"
#include "bench/dsp/weighting.hpp"

namespace bench::analysis {
namespace {

dsp::Signal dr_tone(double fs, double seconds, double level_dbfs, double f_hz = 997) {
  dsp::Signal x(static_cast<Eigen::Index>(seconds * fs));
  const double a = std::pow(10.0, level_dbfs / 20);
  for (Eigen::Index i = 0; i < x.size(); ++i)
    x[i] = a * std::sin(2 * dsp::kPi * f_hz * static_cast<double>(i) / fs + 0.3);
  return x;
}

// 10*log10 of the weighted power of white noise of variance sigma^2 in 20 Hz..20 kHz, as AES17 dBFS
// (twice the mean square), by summing the weighting over 0.25 Hz steps.
double dr_white_noise_dbfs(double sigma, double fs, dsp::Weighting w) {
  double integral = 0;
  for (double f = 20; f <= 20000; f += 0.25) integral += dsp::weighting_power_gain(w, f) * 0.25;
  return 10 * std::log10(2 * sigma * sigma * integral / (fs / 2));
}

TEST(DynamicRange, WhiteNoiseBesideTheToneReadsTheWeightingIntegralAtEveryRate) {
  struct Row {
    double fs, sigma, level_dbfs;
  };
  for (const Row row : {Row{44100, 1e-5, -60}, Row{48000, 3e-6, -60.8}, Row{96000, 2e-5, -59.3}}) {
    SCOPED_TRACE(row.fs);
    dsp::Signal x = dr_tone(row.fs, 2, row.level_dbfs);
    std::mt19937_64 rng(static_cast<unsigned>(row.fs));
    std::normal_distribution<double> g(0, row.sigma);
    for (auto& v : x) v += g(rng);
    const DynamicRangeResult r = analyze_dynamic_range(x, row.fs, {});
    EXPECT_NEAR(r.tone_dbfs, row.level_dbfs, 0.01);
    EXPECT_NEAR(r.tone_hz, 997, 0.01);
    EXPECT_EQ(r.reference_dbfs, 0);
    // 2 s of white noise: the band power's own spread is about 0.02 dB.
    EXPECT_NEAR(r.dynamic_range_db, -dr_white_noise_dbfs(row.sigma, row.fs, dsp::Weighting::kNone), 0.1);
    EXPECT_NEAR(r.dynamic_range_db_a, -dr_white_noise_dbfs(row.sigma, row.fs, dsp::Weighting::kA), 0.1);
    EXPECT_NEAR(r.dynamic_range_db_ccir_rms,
                -dr_white_noise_dbfs(row.sigma, row.fs, dsp::Weighting::kCcirRms), 0.1);
  }
}

// One spurious line beside the tone: the residual is that line, weighted as the standards' tables give it
// (A: IEC 61672-1; CCIR-RMS: BS.468-4 re 1 kHz minus 5.63 dB), within the tables' 0.05 dB rounding.
TEST(DynamicRange, ASpuriousLineIsWeightedAsTheStandardsTablesSay) {
  struct Row {
    double f_hz, a_db, bs468_db;
  };
  const double fs = 48000;
  for (const Row row :
       {Row{100, -19.1, -19.8}, Row{2000, 1.2, 5.6}, Row{6300, -0.1, 12.2}, Row{10000, -2.5, 8.1}}) {
    SCOPED_TRACE(row.f_hz);
    const dsp::Signal x = dr_tone(fs, 1, -60) + dr_tone(fs, 1, -110, row.f_hz);
    const DynamicRangeResult r = analyze_dynamic_range(x, fs, {});
    EXPECT_NEAR(r.residual_dbfs, -110, 0.02);
    EXPECT_NEAR(r.dynamic_range_db, 110, 0.02);
    EXPECT_NEAR(r.residual_dbfs_a, -110 + row.a_db, 0.07);
    EXPECT_NEAR(r.residual_dbfs_ccir_rms, -110 + row.bs468_db - 5.63, 0.07);
  }
}

TEST(DynamicRange, ThroughAChainTheReferenceIsWhereTheSourcesFullScaleLands) {
  const double fs = 48000;
  const dsp::Signal x = dr_tone(fs, 1, -34) + dr_tone(fs, 1, -140, 5000);
  DynamicRangeOptions o;
  o.stimulus_dbfs = -60;  // played at -60 dBFS, arrived at -34: the chain gains 26 dB
  const DynamicRangeResult r = analyze_dynamic_range(x, fs, o);
  EXPECT_NEAR(r.reference_dbfs, 26, 0.01);
  EXPECT_NEAR(r.dynamic_range_db, 26 + 140, 0.02);
}

TEST(DynamicRange, ATonePastOneDecibelFromMinusSixtyIsRefusedNamingItsLevel) {
  const double fs = 48000;
  EXPECT_NO_THROW((void)analyze_dynamic_range(dr_tone(fs, 0.5, -60.9), fs, {}));
  try {
    (void)analyze_dynamic_range(dr_tone(fs, 0.5, -58.7), fs, {});
    ADD_FAILURE() << "a tone at -58.7 dBFS was accepted";
  } catch (const MeasurementError& e) {
    EXPECT_NE(std::string(e.what()).find("-58.7 dBFS, 1.3 dB from the -60 dBFS"), std::string::npos)
        << e.what();
  }
}

TEST(DynamicRange, NoToneOrTheWrongOneIsAMeasurementError) {
  const double fs = 48000;
  EXPECT_THROW((void)analyze_dynamic_range(dsp::Signal::Zero(48000), fs, {}), MeasurementError);
  EXPECT_THROW((void)analyze_dynamic_range(dr_tone(fs, 0.5, -60, 3000), fs, {}), MeasurementError);
  DynamicRangeOptions wide;
  wide.band_hi_hz = 30000;  // above Nyquist
  EXPECT_THROW((void)analyze_dynamic_range(dr_tone(fs, 0.5, -60), fs, wide), InputError);
}

}  // namespace
}  // namespace bench::analysis
