// The dynamic_range step through the whole Sim chain, against the model's parameters: with the
// interface's and the amplifier's noise, hum and every distortion switched off, the residual beside the
// -60 dBFS tone is the reference ADC's own white noise (noise_dbfs, specified in 20 Hz..20 kHz), and
// digital full scale lands where the profiles' nominal gains put it (session/expectations.hpp). The
// weighted readings are that noise integrated through the standards' curves.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/dsp/weighting.hpp"
#include "bench/session/expectations.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

constexpr double kAdcNoiseDbfs = -110;

// 10*log10 of the weighted power of white noise in 20 Hz..20 kHz re its unweighted power there.
double weighted_white_db(dsp::Weighting w) {
  double weighted = 0, flat = 0;
  for (double f = 20; f <= 20000; f += 0.5) weighted += dsp::weighting_power_gain(w, f), flat += 1;
  return 10 * std::log10(weighted / flat);
}

const BenchRun& adc_noise_run() {
  return cached_run("dynamic_range_adc_noise", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    for (auto& [name, port] : p.interface.ports) port.noise_dbv = -400, port.distortion = {};
    p.amp.noise_dbv = -400, p.amp.distortion = {};
    p.adc.noise_dbfs = kAdcNoiseDbfs, p.adc.distortion = {};
    return resequence(p, {"clock", "sweeps", "dynamic_range"});
  });
}

TEST(DynamicRangeStep, TheResidualIsTheAdcsNoiseAndFullScaleWhereTheProfilesPutIt) {
  const BenchRun& run = adc_noise_run();
  const auto& c = run.config("line_trs_to_amp_trs");
  const auto* dr = c.result<record::DynamicRangeResult>();
  ASSERT_NE(dr, nullptr) << describe(c);
  EXPECT_EQ(dr->stimulus_dbfs, -60);
  EXPECT_NEAR(dr->tone_hz, 997, 1);
  ASSERT_EQ(dr->channels.size(), 2U);
  const double volts_db = 20 * std::log10(run.plan.adc.fullscale_vrms);
  const Expectation e = expect(run.plan, run.fixture("line_trs_to_amp_trs"), run.load("r300"));
  const double full_scale_dbv = e.source_dbv_at_0dbfs + e.chain_gain_db();
  const double noise_dbv = kAdcNoiseDbfs + volts_db;
  for (const auto& ch : dr->channels) {
    SCOPED_TRACE("channel " + std::to_string(ch.channel));
    EXPECT_NEAR(ch.full_scale_dbv, full_scale_dbv, 0.1);
    EXPECT_NEAR(ch.tone_dbv, full_scale_dbv - 60, 0.1);
    // 0.88 s analysed: the band power of white noise spreads by about 0.03 dB.
    EXPECT_NEAR(ch.residual_dbv, noise_dbv, 0.15);
    EXPECT_NEAR(ch.residual_dbv_a, noise_dbv + weighted_white_db(dsp::Weighting::kA), 0.15);
    EXPECT_NEAR(ch.residual_dbv_ccir_rms, noise_dbv + weighted_white_db(dsp::Weighting::kCcirRms), 0.15);
    EXPECT_NEAR(ch.dynamic_range_db_a, full_scale_dbv - noise_dbv - weighted_white_db(dsp::Weighting::kA),
                0.2);
    const Check* k = one_check(c, "dynamic_range_db_a", std::string(ch.channel == 0 ? "left" : "right"));
    ASSERT_NE(k, nullptr);
    EXPECT_NEAR(value_of(*k), ch.dynamic_range_db_a, 1e-9);
    EXPECT_TRUE(contains(k->explanation, "dB(A) from ")) << k->explanation;
  }
}

// A mono TS plug shorting the right channel: no tone arrives there, so its dynamic range fails, saying
// why, while the left one passes.
TEST(DynamicRangeStep, AShortedChannelCarriesNoToneAndFails) {
  const BenchRun& run = cached_run("dynamic_range_mono_short", [] {
    plan::Plan p = cut_plan(base_plan("faults"), {"faults/mono_ts_shorted_right"}, {"r300"});
    return resequence(p, {"clock", "sweeps", "dynamic_range"});
  });
  const auto& c = run.config("faults/mono_ts_shorted_right");
  const Check* right = one_check(c, "dynamic_range_db_a", std::string("right"));
  const Check* left = one_check(c, "dynamic_range_db_a", std::string("left"));
  ASSERT_TRUE(right && left) << describe(c);
  EXPECT_EQ(right->outcome, Outcome::kFail) << describe(*right);
  EXPECT_TRUE(contains(right->explanation, "right channel carries no -60 dBFS tone")) << describe(*right);
  EXPECT_EQ(left->outcome, Outcome::kPass) << describe(*left);
}

}  // namespace
}  // namespace bench::session::test
