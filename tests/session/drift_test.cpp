// Two clocks: the reference ADC's sample clock runs off the interface's. The Sim ADC resamples its input
// at a known clock_offset_ppm (the truth); the bench must find it from its clock tone, correct every
// capture, and then measure what it measures with one clock.

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

#include "session_test_support.hpp"

namespace bench::session {
namespace {

using namespace test;

const BenchRun& drift_run(double ppm, double tolerance_ppm = 1000) {
  return cached_run("drift." + std::to_string(ppm) + "." + std::to_string(tolerance_ppm), [=] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    p.adc.clock_offset_ppm = ppm;
    p.settings.drift_tolerance_ppm = tolerance_ppm;
    // The harmonics are compared where they stand clear of the noise: a 4 s sweep (3.9 s synchronized)
    // lifts them 7 dB further above it than the demo's 1 s one, enough to compare at 0.05 dB.
    p.settings.sweep_duration_s = 4;
    return resequence(p);
  });
}

const record::ClockResult& clock_of(const BenchRun& r) {
  const auto* clock = r.config("line_trs_to_amp_trs").result<record::ClockResult>();
  if (clock == nullptr) throw std::runtime_error("no clock result");
  return *clock;
}

const record::SweepsResult& sweeps_of(const BenchRun& r) {
  const auto* sweeps = r.config("line_trs_to_amp_trs").result<record::SweepsResult>();
  if (sweeps == nullptr) throw std::runtime_error("no sweeps result");
  return *sweeps;
}

class Drift : public ::testing::TestWithParam<double> {};

TEST_P(Drift, FoundWithinOnePpm) {
  const double ppm = GetParam();
  const auto& j = clock_of(drift_run(ppm));
  ASSERT_TRUE(j.drift_ppm.has_value());
  EXPECT_NEAR(*j.drift_ppm, ppm, 1.0);   // issue target: within 1 ppm
  EXPECT_NEAR(*j.drift_ppm, ppm, 0.01);  // what the tone fit achieves
  EXPECT_EQ(j.corrected, std::abs(ppm) >= 0.1);
  const Check* k = one_check(drift_run(ppm).config("line_trs_to_amp_trs"), "clock_drift_ppm");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->outcome, Outcome::kInfo);
}

TEST_P(Drift, CorrectedResponseAndHarmonicsMatchTheSameClockRunWithin005dB) {
  const double ppm = GetParam();
  const auto& same = sweeps_of(drift_run(0));
  const auto& off = sweeps_of(drift_run(ppm));
  for (std::size_t ch = 0; ch < 2; ++ch) {
    const char* side = record::kChannelNames[ch];
    ASSERT_TRUE(same.channels[ch] && off.channels[ch]) << side;
    const auto& a = *same.channels[ch];
    const auto& b = *off.channels[ch];
    const auto& f = a.frequency_hz;
    const auto& ma = a.magnitude_db;
    const auto& mb = b.magnitude_db;
    ASSERT_EQ(f, b.frequency_hz);
    double worst = 0, worst_f = 0;
    for (std::size_t i = 0; i < f.size(); ++i)
      if (f[i] >= 20 && f[i] <= 20000 && std::abs(ma[i] - mb[i]) > worst)
        worst = std::abs(ma[i] - mb[i]), worst_f = f[i];
    EXPECT_LT(worst, 0.05) << side << ": " << worst << " dB at " << worst_f << " Hz, drift " << ppm << " ppm";
    const auto& ha = a.harmonics;
    const auto& hb = b.harmonics;
    ASSERT_EQ(ha.size(), hb.size()) << side;
    for (std::size_t i = 0; i < ha.size(); ++i) {
      const auto& fa = ha[i].frequency_hz;
      const auto& la = ha[i].level_db;
      const auto& lb = hb[i].level_db;
      ASSERT_EQ(la.size(), lb.size());
      double w = 0, wf = 0, top = -400;
      // The sweep starts at 10 Hz and is accurate from 20 Hz (twice its start), as for the response.
      auto in_band = [&](std::size_t k) { return fa[k] >= 20 && fa[k] <= 20000; };
      for (std::size_t k = 0; k < la.size(); ++k)
        if (in_band(k)) top = std::max(top, la[k]);
      // Where the harmonic stands clear of the noise floor (within 6 dB of its largest value, and that
      // above -95 dB re the fundamental): elsewhere the two runs' different noise decides the curve.
      if (top < -95) continue;
      for (std::size_t k = 0; k < la.size(); ++k)
        if (in_band(k) && la[k] > top - 6 && std::abs(la[k] - lb[k]) > w)
          w = std::abs(la[k] - lb[k]), wf = fa[k];
      EXPECT_LT(w, 0.05) << side << " H" << ha[i].order << ": " << w << " dB at " << wf << " Hz, drift "
                         << ppm << " ppm";
    }
    EXPECT_EQ(a.inverted, b.inverted);
    EXPECT_EQ(a.arrived_on, b.arrived_on);
  }
}

TEST_P(Drift, SameVerdictAsTheSameClockRun) {
  const auto& same = drift_run(0).config("line_trs_to_amp_trs");
  const auto& off = drift_run(GetParam()).config("line_trs_to_amp_trs");
  EXPECT_EQ(off.outcome, same.outcome) << describe(off);
  for (const auto& k : same.checks) {
    if (k.name == "clock_drift_ppm") continue;
    const auto ks = checks_named(off, k.name, k.channel, k.load);
    ASSERT_FALSE(ks.empty()) << describe(k);
    bool found = false;
    for (const Check* o : ks) found = found || (o->outcome == k.outcome && o->level_dbfs == k.level_dbfs);
    EXPECT_TRUE(found) << describe(k);
  }
}

INSTANTIATE_TEST_SUITE_P(Clocks, Drift, ::testing::Values(0.0, 1000.0, -1000.0, 150.0, -37.5));

TEST(DriftBeyondTolerance, EveryMeasurementIsAnErrorNamingTheDrift) {
  const auto& c = drift_run(150, 100).config("line_trs_to_amp_trs");
  EXPECT_EQ(c.outcome, Outcome::kError) << describe(c);
  ASSERT_FALSE(c.checks.empty());
  for (const auto& k : c.checks) {
    EXPECT_EQ(k.outcome, Outcome::kError) << describe(k);
    EXPECT_TRUE(contains(k.explanation, "drift_tolerance_ppm")) << describe(k);
  }
  ASSERT_TRUE(clock_of(drift_run(150, 100)).drift_ppm.has_value());
  EXPECT_NEAR(*clock_of(drift_run(150, 100)).drift_ppm, 150, 1.0);
}

}  // namespace
}  // namespace bench::session
