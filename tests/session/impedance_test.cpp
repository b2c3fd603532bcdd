// Tier 2, the impedance measurement against the Sim models: the amplifier's output impedance as solved
// from sweeps into open / 33 ohm / 300 ohm (the reference ADC's noise on) against the model's own
// output_impedance_ohm across 0.1..100 ohm; the response change measured into each headphone against
// the change predicted from the solved impedance; the verdicts of the shipped impedance plans.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/plan/load.hpp"
#include "bench/session/expectations.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

// The impedance plan's amplifier with its output impedance set to z_out_ohm; only the given loads, and
// no port measured on its own (PortImpedance asks for that).
plan::Plan impedance_plan(double z_out_ohm, const std::vector<std::string>& loads) {
  plan::Plan p = cut_plan(base_plan("impedance"), {"line_trs_to_amp_trs"}, loads);
  p.amp.output_impedance_ohm = z_out_ohm;
  p.settings.impedance_ports.clear();
  return p;
}

// What the impedance step alone made of a plan's first fixture.
struct Measured {
  record::ImpedanceResult result;
  std::vector<record::Check> checks;
};

// The impedance step alone (a plan whose sequence is only that step) through the Sim endpoint.
Measured measure(plan::Plan p, std::uint64_t seed = 7) {
  resequence(p, {"impedance"});
  const fs::path dir = fresh_dir("impedance-step");
  const SessionResult r = run_session(p, seed, dir);
  fs::remove_all(dir);
  const auto& c = r.configurations.front();
  const auto* z = c.result<record::ImpedanceResult>();
  if (z == nullptr) {
    ADD_FAILURE() << "the impedance step made no result: " << describe(c);
    return {};
  }
  return {*z, c.checks};
}

const Measured& cached_measure(double z_out_ohm, const std::vector<std::string>& loads) {
  static std::map<std::string, std::unique_ptr<Measured>> cache;
  std::string key = std::to_string(z_out_ohm);
  for (const auto& l : loads) key += "." + l;
  auto& slot = cache[key];
  if (!slot) slot = std::make_unique<Measured>(measure(impedance_plan(z_out_ohm, loads)));
  return *slot;
}

const record::HeadphoneLoading& headphone(const Measured& m, const std::string& id) {
  for (const auto& h : m.result.headphones)
    if (h.load == id) return h;
  throw std::runtime_error("no headphone " + id + " in the impedance result");
}

class OutputImpedanceAccuracy : public ::testing::TestWithParam<double> {};

// The target: within 2 % of the model's parameter from 0.1 ohm to 100 ohm, ADC noise on, at
// 1 kHz (third-octave mean) and at every point from 20 Hz to 20 kHz.
TEST_P(OutputImpedanceAccuracy, WithinTwoPercentOfTheModelAt1kHz) {
  const double z = GetParam();
  const Measured& m = cached_measure(z, {"r300"});
  for (std::size_t ch = 0; ch < 2; ++ch) {
    const char* side = record::kChannelNames[ch];
    const record::ImpedanceCurve& c = m.result.channels[ch];
    const double at_1k = c.at_1khz_ohm;
    std::printf("Z_out %g ohm, %s: %.5f ohm at 1 kHz (%+.3f %%), band %.5f..%.5f ohm\n", z, side, at_1k,
                100 * (at_1k / z - 1), c.band_min_ohm, c.band_max_ohm);
    EXPECT_NEAR(at_1k, z, 0.02 * z) << side;
    EXPECT_NEAR(c.at_1khz_phase_deg, 0.0, z < 0.5 ? 10.0 : 1.0) << side;
    const auto& f = c.frequency_hz;
    const auto& mag = c.impedance_ohm;
    ASSERT_EQ(f.size(), mag.size());
    for (std::size_t i = 0; i < f.size(); ++i)
      if (f[i] >= 20 && f[i] <= 20000) {
        EXPECT_NEAR(mag[i], z, 0.02 * z) << side << " at " << f[i] << " Hz";
      }
  }
}

INSTANTIATE_TEST_SUITE_P(Range, OutputImpedanceAccuracy,
                         ::testing::Values(0.1, 0.33, 1.0, 3.3, 10.0, 33.0, 100.0));

// With 1 % resistors and the open load (exact), the worst-case bound is about 1 % of Z_out: the solve
// is then Z = R (V_open / V_L - 1), linear in R (plus the 300 ohm's weight in the least squares).
TEST(OutputImpedanceUncertainty, AboutTheResistorsTolerance) {
  const Measured& m = cached_measure(10.0, {"r300"});
  const double u = m.result.channels[0].at_1khz_uncertainty_ohm;
  EXPECT_GT(u, 0.5 * 0.01 * 10.0);
  EXPECT_LT(u, 1.5 * 0.01 * 10.0);
}

struct HeadphoneCase {
  double z_out_ohm;
  const char* headphone;
};

class HeadphoneChange : public ::testing::TestWithParam<HeadphoneCase> {};

// The response measured into the headphone (re the open-circuit voltage, normalised at 1 kHz) against
// the change predicted from the solved Z_out and the headphone's curve (as connected: in parallel with
// the ADC's input): within 0.1 dB from 20 Hz to 20 kHz.
TEST_P(HeadphoneChange, MeasuredAgreesWithPredictedWithinATenthOfADecibel) {
  const auto c = GetParam();
  const Measured& m = cached_measure(c.z_out_ohm, {"r300", "hp_dynamic_32", "hp_dynamic_300"});
  for (std::size_t ch = 0; ch < 2; ++ch) {
    const char* side = record::kChannelNames[ch];
    const record::HeadphoneChannel& h = headphone(m, c.headphone).channels[ch];
    std::printf(
        "Z_out %g ohm into %s, %s: deviation %.3f dB predicted, %.3f dB measured, agreement %.4f dB\n",
        c.z_out_ohm, c.headphone, side, h.deviation_db, h.measured_deviation_db, h.agreement_db);
    EXPECT_LT(h.agreement_db, 0.1) << side;
    // And point by point from the arrays themselves.
    const auto& f = m.result.channels[ch].frequency_hz;
    const auto& measured = h.measured_change_db;
    const auto& predicted = h.predicted_as_connected_change_db;
    for (std::size_t i = 0; i < f.size(); ++i)
      if (f[i] >= 20 && f[i] <= 20000) {
        EXPECT_NEAR(measured[i], predicted[i], 0.1) << side << " at " << f[i] << " Hz";
      }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, HeadphoneChange,
                         ::testing::Values(HeadphoneCase{2, "hp_dynamic_32"},
                                           HeadphoneCase{2, "hp_dynamic_300"},
                                           HeadphoneCase{47, "hp_dynamic_32"},
                                           HeadphoneCase{47, "hp_dynamic_300"}));

// The predicted deviation against the headphone's curve with the model's exact Z_out, computed here on
// a fine grid of its own: peak to peak of 20 log10 |Z/(Z+R)| re 1 kHz, 20 Hz..20 kHz.
double analytic_deviation_db(const plan::Load& hp, double z_out_ohm) {
  const auto gain_db = [&](double f) {
    const auto z = hp.impedance_at(f);
    return 20 * std::log10(std::abs(z / (z + z_out_ohm)));
  };
  double lo = 1e9, hi = -1e9;
  for (int k = 0; k <= 4000; ++k) {
    const double f = 20 * std::pow(1000.0, k / 4000.0);
    lo = std::min(lo, gain_db(f) - gain_db(1000)), hi = std::max(hi, gain_db(f) - gain_db(1000));
  }
  return hi - lo;
}

TEST_P(HeadphoneChange, PredictedDeviationIsTheCurvesWithTheModelsImpedance) {
  const auto c = GetParam();
  const plan::Plan p = impedance_plan(c.z_out_ohm, {"r300", "hp_dynamic_32", "hp_dynamic_300"});
  const plan::Load* hp = nullptr;
  for (const auto& l : p.loads)
    if (l.id == c.headphone) hp = &l;
  ASSERT_NE(hp, nullptr);
  const double expected = analytic_deviation_db(*hp, c.z_out_ohm);
  const Measured& m = cached_measure(c.z_out_ohm, {"r300", "hp_dynamic_32", "hp_dynamic_300"});
  for (std::size_t ch = 0; ch < 2; ++ch)
    EXPECT_NEAR(headphone(m, c.headphone).channels[ch].deviation_db, expected, 0.02 + 0.01 * expected)
        << record::kChannelNames[ch];
}

struct PortCase {
  const char* fixture;
  double port_ohm;
  double input_ohm;    // the amp input the fixture plugs into
  double drive_share;  // 0.5: a balanced port into an unbalanced input drives it from its hot leg
};

class PortImpedance : public ::testing::TestWithParam<PortCase> {};

// settings.impedance_ports: the port straight into the loads and the ADC; its measured impedance
// (against the model's own output_impedance_ohm) then sets source_loading_db.
TEST_P(PortImpedance, MeasuredWithinTwoPercentAndUsedForTheSourceLoading) {
  const auto c = GetParam();
  plan::Plan p = cut_plan(base_plan("impedance"), {c.fixture}, {"r300"});
  p.settings.impedance_ports = {p.fixtures.front().source_port};
  p.interface.ports.at(p.fixtures.front().source_port).output_impedance_ohm = c.port_ohm;
  const Measured m = measure(p);
  const std::string port = p.fixtures.front().source_port;
  ASSERT_EQ(m.result.ports.size(), 1u);
  EXPECT_EQ(m.result.ports[0].port, port);
  double worst = 0;
  for (std::size_t ch = 0; ch < 2; ++ch) {
    const char* side = record::kChannelNames[ch];
    const double z = m.result.ports[0].channels[ch].at_1khz_ohm;
    std::printf("%s Z_out %g ohm, %s: %.4f ohm at 1 kHz (%+.3f %%)\n", port.c_str(), c.port_ohm, side, z,
                100 * (z / c.port_ohm - 1));
    EXPECT_NEAR(z, c.port_ohm, 0.02 * c.port_ohm) << side;
    worst = std::max(worst, z);
  }
  EXPECT_TRUE(m.result.source_loading.measured);
  EXPECT_NEAR(m.result.source_loading.source_impedance_ohm, c.drive_share * worst, 1e-9);
  EXPECT_NEAR(m.result.source_loading.level_change_db, divider_db(c.drive_share * c.port_ohm, c.input_ohm),
              0.002);
  // The amplifier's own figure is untouched by the port's.
  EXPECT_NEAR(m.result.channels[0].at_1khz_ohm, 2.0, 0.04);
}

INSTANTIATE_TEST_SUITE_P(Table, PortImpedance,
                         ::testing::Values(PortCase{"line_trs_to_amp_trs", 430, 20000, 1.0},
                                           PortCase{"line_trs_to_amp_trs", 47, 20000, 1.0},
                                           PortCase{"hp_to_amp_rca_y", 10, 10000, 1.0},
                                           PortCase{"hp_to_amp_rca_y", 0.5, 10000, 1.0}));

TEST(PortImpedance, WithoutTheKeyTheProfileValueIsUsed) {
  const Measured& m = cached_measure(10.0, {"r300"});
  EXPECT_TRUE(m.result.ports.empty());
  EXPECT_FALSE(m.result.source_loading.measured);
  EXPECT_NEAR(m.result.source_loading.level_change_db, divider_db(430, 20000), 1e-9);
}

// A Y-cable that splits the left line output into both RCA inputs: the source then drives two 10 kohm
// inputs in parallel from its hot leg (215 ohm). The Sim's level, the profiles' expectation and
// source_loading_db all carry the doubled load: 20 log10(5000/5215) instead of 20 log10(10000/10215).
TEST(YCableSplit, TwoInputsOnOneOutputLoadItInParallel) {
  const BenchRun& run = cached_run("y-split", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_rca"}, {"r300"});
    p.fixtures.front().wiring[1].source_channel = 0;  // right input fed from the left output too
    for (const char* id : {"open", "r33"}) {
      p.impedance_loads.push_back(
          plan::load_load(repo_root() / "profiles" / "loads" / (std::string(id) + ".toml")));
      p.settings.impedance_loads.push_back(id);
    }
    return resequence(p);
  });
  const auto& c = run.config("line_trs_to_amp_rca");
  const double z_load = parallel_ohm(300, 100000);
  const double single_db = divider_db(215, 10000), split_db = divider_db(215, 5000);
  const double expected_dbv =
      20 * std::log10(4.9) - 10 + 20 * std::log10(0.5) + split_db + 6 + divider_db(2, z_load);
  for (const char* side : {"left", "right"}) {
    const Check* k = one_check(c, "level_dbv", side);
    ASSERT_NE(k, nullptr);
    EXPECT_NEAR(value_of(*k), expected_dbv, 0.05) << describe(*k);
    EXPECT_GT(std::abs(value_of(*k) - (expected_dbv - split_db + single_db)), 0.1) << describe(*k);
    EXPECT_EQ(k->outcome, Outcome::kPass) << describe(*k);
  }
  const Check* sl = one_check(c, "source_loading_db");
  ASSERT_NE(sl, nullptr);
  EXPECT_NEAR(value_of(*sl), split_db, 1e-9);
  EXPECT_TRUE(contains(sl->explanation, "2 in parallel on a Y-cable")) << sl->explanation;
}

TEST(ParallelInputs, CountsDestinationChannelsSharingOneSourceChannel) {
  plan::Fixture f;
  f.wiring = {{0, false, false}, {1, false, false}};
  EXPECT_EQ(parallel_inputs(f), 1);
  f.wiring = {{0, false, false}, {0, false, false}};  // one output into both inputs
  EXPECT_EQ(parallel_inputs(f), 2);
  f.wiring = {{0, false, false}, {0, false, true}};  // shorted: not an input load
  EXPECT_EQ(parallel_inputs(f), 1);
}

// ---------------------------------------------------------------------------------------------------
// The shipped plans through the whole sequencer: a 2 ohm output passes into both dynamic headphones, a
// 47 ohm output fails loading_deviation_db into both, and says why.

const BenchRun& plan_run(const std::string& name) {
  return cached_run("impedance-plan-" + name, [&] {
    return cut_plan(base_plan(name), {"line_trs_to_amp_trs"}, {"r300", "hp_dynamic_32", "hp_dynamic_300"});
  });
}

TEST(ImpedancePlan, LowImpedanceOutputPassesEveryImpedanceCheck) {
  const auto& c = plan_run("impedance").config("line_trs_to_amp_trs");
  EXPECT_EQ(c.outcome, Outcome::kPass) << describe(c);
  for (const char* name :
       {"output_impedance_ohm", "loading_deviation_db", "damping_factor", "source_loading_db"}) {
    const auto all = checks_named(c, name);
    EXPECT_FALSE(all.empty()) << name;
    for (const Check* k : all) EXPECT_EQ(k->outcome, Outcome::kPass) << describe(*k);
  }
  EXPECT_EQ(checks_named(c, "loading_deviation_db").size(), 4u);  // 2 headphones x 2 channels
  for (const char* side : {"left", "right"})
    if (const Check* k = one_check(c, "output_impedance_ohm", side)) {
      EXPECT_NEAR(value_of(*k), 2.0, 0.04);
    }
}

TEST(ImpedancePlan, HighImpedanceOutputFailsLoadingDeviationIntoTheDynamicHeadphones) {
  const auto& run = plan_run("impedance_high_z");
  const auto& c = run.config("line_trs_to_amp_trs");
  EXPECT_EQ(c.outcome, Outcome::kFail) << describe(c);
  for (const char* hp : {"hp_dynamic_32", "hp_dynamic_300"})
    for (const char* side : {"left", "right"}) {
      const Check* k = one_check(c, "loading_deviation_db", side, hp);
      ASSERT_NE(k, nullptr);
      EXPECT_EQ(k->outcome, Outcome::kFail) << describe(*k);
      EXPECT_NEAR(value_of(*k), analytic_deviation_db(run.load(hp), 47.0), 0.05) << describe(*k);
      EXPECT_TRUE(contains(k->explanation, "Z_hp/8")) << k->explanation;
      EXPECT_TRUE(contains(k->explanation, "peak to peak")) << k->explanation;
    }
  // 47 ohm against a 30 ohm minimum: damping factor below 1 and the rule of eighths broken.
  const Check* df = one_check(c, "damping_factor", "left", "hp_dynamic_32");
  ASSERT_NE(df, nullptr);
  EXPECT_EQ(df->outcome, Outcome::kFail);
  EXPECT_LT(value_of(*df), 1.0);
  EXPECT_TRUE(contains(df->explanation, "not met")) << df->explanation;
  const Check* z = one_check(c, "output_impedance_ohm", "left");
  ASSERT_NE(z, nullptr);
  EXPECT_EQ(z->outcome, Outcome::kFail);
  EXPECT_NEAR(value_of(*z), 47.0, 0.02 * 47);
  // The interface's side is not at fault: the source loading still passes.
  const Check* sl = one_check(c, "source_loading_db");
  ASSERT_NE(sl, nullptr);
  EXPECT_EQ(sl->outcome, Outcome::kPass) << describe(*sl);
  EXPECT_NEAR(value_of(*sl), divider_db(430, 20000), 1e-6);
}

}  // namespace
}  // namespace bench::session::test
