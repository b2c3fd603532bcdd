// The imd step through the whole Sim chain, against the amplifier model's static polynomial
// (sim/noise.hpp Polynomial: y = u + a2 u^2 + a3 u^3 with u = v / rail, a2 = 2*10^(h2/20), a3 =
// 4*10^(h3/20)). The interface's and the ADC's distortion are switched off so the amplifier's products are
// the only ones; the tones' amplitudes at the polynomial are read back from the capture through the known ADC
// full scale and output divider, and the products then follow in closed form.
#include <gtest/gtest.h>

#include <cmath>

#include "bench/dsp/imd.hpp"
#include "bench/plan/catalogue.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

constexpr double kH2Db = -50, kH3Db = -55;

const BenchRun& polynomial_run() {
  return cached_run("imd_polynomial", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    p.amp.distortion = {kH2Db, kH3Db};
    for (auto& [name, port] : p.interface.ports) port.distortion = {};
    p.adc.distortion = {};
    return resequence(p, {"clock", "sweeps", "imd"});
  });
}

// A tone's amplitude at the amplifier's polynomial, normalised to the rail, from its level in the capture.
double at_polynomial(const plan::Plan& p, double dbfs) {
  const double r = parallel_ohm(300, p.adc.input_impedance_ohm);
  const double divider = r / (r + p.amp.output_impedance_ohm);
  return std::pow(10.0, dbfs / 20) * p.adc.fullscale_vrms * std::sqrt(2.0) / divider / p.amp.rail_vpeak;
}

TEST(ImdStep, SmpteAndCcifAreTheAmplifierPolynomialsProducts) {
  const BenchRun& run = polynomial_run();
  const auto& c = run.config("line_trs_to_amp_trs");
  const auto* imd = c.result<record::ImdResult>();
  ASSERT_NE(imd, nullptr) << describe(c);
  ASSERT_EQ(imd->takes.size(), 2U);
  const double a2 = 2 * std::pow(10.0, kH2Db / 20), a3 = 4 * std::pow(10.0, kH3Db / 20);
  for (const auto& take : imd->takes) {
    ASSERT_EQ(take.channels.size(), 2U) << take.standard;
    for (const auto& ch : take.channels) {
      SCOPED_TRACE(take.standard + " channel " + std::to_string(ch.channel));
      const double A1 = at_polynomial(run.plan, ch.f1_dbfs), A2 = at_polynomial(run.plan, ch.f2_dbfs);
      double expected = 0;
      if (take.standard == "smpte") {
        const double s1 = a2 * A1 * A2, s2 = 0.75 * a3 * A1 * A1 * A2;
        expected = std::sqrt(2 * s1 * s1 + 2 * s2 * s2) / A2;
        EXPECT_NEAR(ch.ratio, 4, 0.05);
      } else {
        const double d2 = a2 * A1 * A2, d3 = 0.75 * a3 * A1 * A2 * (A1 + A2);
        expected = std::hypot(d2, d3) / (A1 + A2);
        ASSERT_TRUE(ch.dfd2_db && ch.dfd3_db);
        EXPECT_NEAR(*ch.dfd2_db, 20 * std::log10(d2 / (A1 + A2)), 0.1);
        EXPECT_NEAR(*ch.dfd3_db, 20 * std::log10(d3 / (A1 + A2)), 0.1);
      }
      EXPECT_NEAR(ch.imd_db, 20 * std::log10(expected), 0.1);
      const Check* k = one_check(c, "imd_" + take.standard + "_db",
                                 record::kChannelNames[static_cast<std::size_t>(ch.channel)]);
      ASSERT_NE(k, nullptr);
      EXPECT_DOUBLE_EQ(value_of(*k), ch.imd_db);
      EXPECT_EQ(k->unit, "dB");
    }
  }
}

// The record states what was played: the standard's tones, coherent with the take, at imd_level_dbfs.
TEST(ImdStep, TakesRecordTheStandardsTonesAndLevel) {
  const auto& c = polynomial_run().config("line_trs_to_amp_trs");
  const auto* imd = c.result<record::ImdResult>();
  ASSERT_NE(imd, nullptr);
  EXPECT_EQ(imd->takes[0].standard, "smpte");
  EXPECT_NEAR(imd->takes[0].f1_hz, 60, 0.5);
  EXPECT_NEAR(imd->takes[0].f2_hz, 7000, 1);
  EXPECT_EQ(imd->takes[1].standard, "ccif");
  EXPECT_NEAR(imd->takes[1].f2_hz - imd->takes[1].f1_hz, 1000, 1);
  EXPECT_DOUBLE_EQ(imd->takes[0].level_dbfs, polynomial_run().plan.settings.imd_level_dbfs);
}

// The plan loader cannot see the dsp area, so it states the records the analysis needs as constants; they
// are the analysis's own rule for the standards' tones, and the loader's minimum follows from them.
TEST(ImdStep, TheLoadersMinimumRecordsAreTheAnalysissRule) {
  using dsp::ImdStandard;
  EXPECT_DOUBLE_EQ(plan::DurationLimits::kImdSmpteRecordS,
                   dsp::imd_min_record_s(ImdStandard::kSmpte, 60, 7000));
  EXPECT_DOUBLE_EQ(plan::DurationLimits::kImdCcifRecordS,
                   dsp::imd_min_record_s(ImdStandard::kCcif, 19000, 20000));
  EXPECT_DOUBLE_EQ(plan::DurationLimits::min_imd_s({"ccif"}), 0.1 + 2 * 0.01 + 17.0 / 1000);
  EXPECT_DOUBLE_EQ(plan::DurationLimits::min_imd_s({"smpte", "ccif"}), 0.1 + 2 * 0.01 + 17.0 / 60);
}

}  // namespace
}  // namespace bench::session::test
