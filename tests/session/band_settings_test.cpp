// bandwidth_hz and thd_n_weighting through the whole Sim chain. The chain's noise at the ADC is white over
// the audio band (the amplifier's, the interface's and the ADC's own, flat to well above 22.4 kHz), so a
// noise-dominated reading scales with the band's width and with the weighting's integral over it: the
// independent truth is that integral of the standards' curves (IEC 61672-1 A, ITU-R BS.468-4), not a
// number the bench printed once.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/dsp/weighting.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

// 10*log10 of the weighted power of white noise in 20 Hz..hi re its unweighted power in 20 Hz..20 kHz.
double white_noise_db(dsp::Weighting w, double hi_hz) {
  double weighted = 0, reference = 0;
  for (double f = 20; f <= 24000; f += 0.5) {
    if (f <= hi_hz) weighted += dsp::weighting_power_gain(w, f);
    if (f <= 20000) reference += 1;
  }
  return 10 * std::log10(weighted / reference);
}

const BenchRun& band_run(const std::string& key, double bandwidth_hz, const std::string& weighting) {
  return cached_run(key, [&] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    p.settings.thd_levels_dbfs = {-50};  // far below the distortion: THD+N is the noise
    p.settings.bandwidth_hz = bandwidth_hz;
    p.settings.thd_n_weighting = weighting;
    return resequence(p, {"clock", "sweeps", "distortion", "noise"});
  });
}

double mean_of(const ConfigurationRecord& c, const std::string& name) {
  double sum = 0;
  for (const Check* k : checks_named(c, name)) sum += value_of(*k);
  return sum / static_cast<double>(checks_named(c, name).size());
}

TEST(BandSettings, ThdNAndNoiseFollowTheBandAndTheWeightingOfWhiteNoise) {
  const auto& base = band_run("band_20k", 20000, "none").config("line_trs_to_amp_trs");
  const auto& wide = band_run("band_22k4", 22400, "none").config("line_trs_to_amp_trs");
  const auto& a = band_run("band_a", 20000, "A").config("line_trs_to_amp_trs");
  const auto& ccir = band_run("band_ccir", 20000, "ccir-rms").config("line_trs_to_amp_trs");
  // Each reading is a different take's noise (about 0.05 dB apart by chance at these lengths).
  EXPECT_NEAR(mean_of(wide, "thd_n_db") - mean_of(base, "thd_n_db"),
              white_noise_db(dsp::Weighting::kNone, 22400), 0.15);
  // THD+N weights the band signal too (AES17), so the tone's own weight at 997 Hz divides out: -5.63 dB
  // for CCIR-RMS, about 0 for A.
  const auto tone_db = [](dsp::Weighting w) { return 10 * std::log10(dsp::weighting_power_gain(w, 997)); };
  EXPECT_NEAR(mean_of(a, "thd_n_db") - mean_of(base, "thd_n_db"),
              white_noise_db(dsp::Weighting::kA, 20000) - tone_db(dsp::Weighting::kA), 0.15);
  EXPECT_NEAR(mean_of(ccir, "thd_n_db") - mean_of(base, "thd_n_db"),
              white_noise_db(dsp::Weighting::kCcirRms, 20000) - tone_db(dsp::Weighting::kCcirRms), 0.15);
  // The noise step: CCIR-RMS against A from one take; A itself from the band.
  EXPECT_NEAR(mean_of(base, "noise_dbv_ccir_rms") - mean_of(base, "noise_dbv_a"),
              white_noise_db(dsp::Weighting::kCcirRms, 20000) - white_noise_db(dsp::Weighting::kA, 20000),
              0.15);
  EXPECT_NEAR(mean_of(wide, "noise_dbv_a") - mean_of(base, "noise_dbv_a"),
              white_noise_db(dsp::Weighting::kA, 22400) - white_noise_db(dsp::Weighting::kA, 20000), 0.15);
  // The record says which band and weighting each reading is in.
  const auto* d = ccir.result<record::DistortionResult>();
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->bandwidth_hz, 20000);
  EXPECT_EQ(d->weighting, "ccir-rms");
  const auto* n = wide.result<record::NoiseResult>();
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->bandwidth_hz, 22400);
  const Check* k = one_check(ccir, "thd_n_db", std::string("left"));
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(contains(k->explanation, "in 20 Hz to 20 kHz, ccir-rms-weighted")) << k->explanation;
}

}  // namespace
}  // namespace bench::session::test
