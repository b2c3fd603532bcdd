// Tier 2, the whole bench in process: the shipped plans through session::SimEndpoint and
// session::Sequencer, each cable fault caught by the right check with the right explanation, the bench
// saying ERROR (not FAIL) when it cannot measure, and the reported numbers against hand calculations
// from the profiles' numbers.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bench/io/wav.hpp"
#include "bench/report/record_json.hpp"
#include "bench/report/schema.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

// ---------------------------------------------------------------------------------------------------
// The profiles' numbers the hand calculations use (profiles/interfaces/scarlett_2i2.toml,
// profiles/amps/desktop_amp.toml, profiles/adcs/reference_adc.toml, profiles/plans/*.toml). The first
// test checks that the shipped profiles still hold them.

constexpr double kLineFullscaleVrms = 4.9;
constexpr double kLineOutputOhm = 430;
constexpr double kAmpBalancedInputOhm = 20000;
constexpr double kAmpRcaInputOhm = 10000;
constexpr double kAmpGainDb = 6;
constexpr double kAmpOutputOhm = 2;
constexpr double kAmpRailVpeak = 12;
constexpr double kAdcInputOhm = 100000;
constexpr double kTestLevelDbfs = -10;

const std::vector<std::string> kSides = {"left", "right"};

// Balanced source into a balanced input: the whole source impedance.
double balanced_source_loading_db() {
  return divider_db(kLineOutputOhm, kAmpBalancedInputOhm);
}
// Balanced source into an unbalanced input: the cold leg is grounded, the hot leg drives it from half the
// source impedance.
double rca_source_loading_db() {
  return divider_db(kLineOutputOhm / 2, kAmpRcaInputOhm);
}
// The amplifier's output impedance against the load in parallel with the ADC's input.
double output_loading_db(double load_ohm) {
  return divider_db(kAmpOutputOhm, parallel_ohm(load_ohm, kAdcInputOhm));
}

TEST(Profiles, HoldTheNumbersTheHandCalculationsUse) {
  for (const char* name : {"demo", "faults"}) {
    const plan::Plan& p = base_plan(name);
    SCOPED_TRACE(name);
    ASSERT_TRUE(p.interface.ports.count("line_out"));
    EXPECT_DOUBLE_EQ(p.interface.ports.at("line_out").fullscale_vrms, kLineFullscaleVrms);
    EXPECT_DOUBLE_EQ(p.interface.ports.at("line_out").output_impedance_ohm, kLineOutputOhm);
    EXPECT_DOUBLE_EQ(p.interface.ports.at("line_out").volume_db, 0);
    EXPECT_TRUE(p.interface.ports.at("line_out").balanced);
    ASSERT_TRUE(p.amp.inputs.count("balanced_trs") && p.amp.inputs.count("rca"));
    EXPECT_DOUBLE_EQ(p.amp.inputs.at("balanced_trs").input_impedance_ohm, kAmpBalancedInputOhm);
    EXPECT_DOUBLE_EQ(p.amp.inputs.at("rca").input_impedance_ohm, kAmpRcaInputOhm);
    EXPECT_FALSE(p.amp.inputs.at("rca").balanced);
    EXPECT_DOUBLE_EQ(p.amp.gain_db, kAmpGainDb);
    EXPECT_DOUBLE_EQ(p.amp.output_impedance_ohm, kAmpOutputOhm);
    EXPECT_DOUBLE_EQ(p.amp.rail_vpeak, kAmpRailVpeak);
    EXPECT_DOUBLE_EQ(p.adc.input_impedance_ohm, kAdcInputOhm);
    EXPECT_DOUBLE_EQ(p.settings.test_level_dbfs, kTestLevelDbfs);
    EXPECT_EQ(p.settings.reference_load, "r300");
  }
}

// ---------------------------------------------------------------------------------------------------
// 1. The demo plan: every normal cable configuration passes; the unbalanced one costs 6 dB by design
//    and picks up hum, and says so.

const BenchRun& demo(const std::string& fixture) {
  return single_fixture_run("demo", fixture, {"r32", "r300"});
}

class DemoConfiguration : public ::testing::TestWithParam<const char*> {};

TEST_P(DemoConfiguration, Passes) {
  const auto& c = demo(GetParam()).config(GetParam());
  EXPECT_TRUE(c.all_errors().empty()) << describe(c);
  EXPECT_EQ(c.outcome, Outcome::kPass) << describe(c);
  for (const auto& k : c.checks) EXPECT_NE(k.outcome, Outcome::kFail) << describe(k);
  // Every measurement group made its checks.
  for (const char* name :
       {"channel_map", "polarity", "frequency_response_deviation_db", "crosstalk_db", "level_dbv", "gain_db",
        "channel_balance_db", "thd_db", "thd_n_db", "max_output_vrms", "noise_dbv_a", "hum_dbv", "snr_db"})
    EXPECT_FALSE(checks_named(c, name).empty()) << "no " << name << " check\n" << describe(c);
}

INSTANTIATE_TEST_SUITE_P(Demo, DemoConfiguration,
                         ::testing::Values("line_trs_to_amp_trs", "line_trs_to_amp_xlr",
                                           "line_trs_to_amp_rca"));

TEST(DemoUnbalanced, LevelAndGainExplanationSaysTheCablingCosts6dB) {
  const auto& c = demo("line_trs_to_amp_rca").config("line_trs_to_amp_rca");
  for (const char* name : {"level_dbv", "gain_db"})
    for (const auto& side : kSides) {
      const Check* k = one_check(c, name, side);
      ASSERT_NE(k, nullptr);
      EXPECT_EQ(k->outcome, Outcome::kPass) << describe(*k);
      EXPECT_TRUE(contains(k->explanation, "this cabling costs 6.0 dB")) << describe(*k);
    }
  // The balanced run says nothing of the kind.
  const auto& b = demo("line_trs_to_amp_trs").config("line_trs_to_amp_trs");
  for (const auto& k : checks_named(b, "level_dbv"))
    EXPECT_FALSE(contains(k->explanation, "cabling costs")) << describe(*k);
}

TEST(DemoUnbalanced, Level6dBBelowBalancedAfterCorrectingForInputLoading) {
  const auto& trs = demo("line_trs_to_amp_trs").config("line_trs_to_amp_trs");
  const auto& rca = demo("line_trs_to_amp_rca").config("line_trs_to_amp_rca");
  // The two inputs load the source differently: 20 kohm against 430 ohm, 10 kohm against 215 ohm.
  const double loading_difference_db = balanced_source_loading_db() - rca_source_loading_db();
  for (const auto& side : kSides) {
    const Check* a = one_check(trs, "level_dbv", side);
    const Check* b = one_check(rca, "level_dbv", side);
    ASSERT_TRUE(a && b);
    const double drop_db = value_of(*a) - value_of(*b) - loading_difference_db;
    EXPECT_NEAR(drop_db, 6.02, 0.1) << side << ": " << describe(*a) << "\n" << describe(*b);
  }
}

TEST(DemoUnbalanced, HumExplanationSaysAnUnbalancedRunPicksUpHum) {
  const auto& c = demo("line_trs_to_amp_rca").config("line_trs_to_amp_rca");
  for (const auto& side : kSides) {
    const Check* k = one_check(c, "hum_dbv", side);
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->outcome, Outcome::kPass) << describe(*k);
    EXPECT_TRUE(contains(k->explanation, "an unbalanced run picks up hum")) << describe(*k);
  }
}

TEST(DemoUnbalanced, HumIsTheGroundLoopThroughTheAmpAndTheOutputLoading) {
  const BenchRun& run = demo("line_trs_to_amp_rca");
  const auto& fx = run.fixture("line_trs_to_amp_rca");
  ASSERT_TRUE(fx.ground_loop_hum_dbv.has_value());
  EXPECT_DOUBLE_EQ(*fx.ground_loop_hum_dbv, -110);
  // The hum enters at the amp's input: amplified by its gain, divided by its output impedance into the
  // 300 ohm load in parallel with the ADC.
  const double expected_dbv = -110 + kAmpGainDb + output_loading_db(300);
  for (const auto& side : kSides) {
    const Check* k = one_check(run.config("line_trs_to_amp_rca"), "hum_dbv", side);
    ASSERT_NE(k, nullptr);
    EXPECT_NEAR(value_of(*k), expected_dbv, 0.5) << describe(*k);
  }
}

TEST(DemoBalanced, HumAtLeast20dBBelowTheUnbalancedRun) {
  const auto& trs = demo("line_trs_to_amp_trs").config("line_trs_to_amp_trs");
  const auto& rca = demo("line_trs_to_amp_rca").config("line_trs_to_amp_rca");
  for (const auto& side : kSides) {
    const Check* b = one_check(trs, "hum_dbv", side);
    const Check* u = one_check(rca, "hum_dbv", side);
    ASSERT_TRUE(b && u);
    EXPECT_LE(value_of(*b), value_of(*u) - 20) << describe(*b) << "\n" << describe(*u);
    EXPECT_FALSE(contains(b->explanation, "unbalanced")) << describe(*b);
  }
}

// ---------------------------------------------------------------------------------------------------
// 2. The faults plan: each fault fails with the right check and the right explanation.

const BenchRun& fault(const std::string& fixture) {
  return single_fixture_run("faults", fixture);
}

TEST(FaultsPlan, GoodConfigurationPasses) {
  const auto& c = fault("line_trs_to_amp_trs").config("line_trs_to_amp_trs");
  EXPECT_TRUE(c.all_errors().empty()) << describe(c);
  EXPECT_EQ(c.outcome, Outcome::kPass) << describe(c);
}

struct FaultCase {
  const char* fixture;
  const char* check;
  std::optional<std::string> channel;  ///< nullopt: the check has no channel (channel_map)
  std::vector<std::string> needles;    ///< all must be in the explanation
};

void PrintTo(const FaultCase& f, std::ostream* os) {
  *os << f.fixture << ":" << f.check << (f.channel ? ":" + *f.channel : "");
}

class FaultDetected : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultDetected, FailsWithTheRightCheckAndExplanation) {
  const FaultCase& f = GetParam();
  const auto& c = fault(f.fixture).config(f.fixture);
  EXPECT_TRUE(c.all_errors().empty()) << "a cable fault is not a bench error\n" << describe(c);
  EXPECT_EQ(c.outcome, Outcome::kFail) << describe(c);
  const Check* k = one_check(c, f.check, f.channel);
  ASSERT_NE(k, nullptr) << describe(c);
  EXPECT_EQ(k->outcome, Outcome::kFail) << describe(*k);
  for (const auto& n : f.needles)
    EXPECT_TRUE(contains(k->explanation, n)) << "lacks \"" << n << "\": " << describe(*k);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultDetected,
    ::testing::Values(
        FaultCase{"faults/swapped_channels", "channel_map", std::nullopt, {"swapped"}},
        FaultCase{"faults/inverted_right", "polarity", "right", {"inverted", "pins 2 and 3"}},
        FaultCase{"faults/mono_ts_shorted_right", "level_dbv", "right", {"right channel carries no signal"}},
        FaultCase{
            "faults/mono_ts_shorted_right", "channel_map", std::nullopt, {"right output reaches no input"}},
        FaultCase{"faults/gain_not_neutral", "level_dbv", "left", {"6.0 dB high", "not neutral"}},
        FaultCase{"faults/gain_not_neutral", "level_dbv", "right", {"6.0 dB high", "not neutral"}},
        FaultCase{"faults/gain_not_neutral", "gain_db", "left", {"6.0 dB high", "not neutral"}},
        FaultCase{"faults/gain_not_neutral", "gain_db", "right", {"6.0 dB high", "not neutral"}},
        FaultCase{"faults/ground_loop_hum", "hum_dbv", "left", {"ground loop"}},
        FaultCase{"faults/ground_loop_hum", "hum_dbv", "right", {"ground loop"}}),
    [](const ::testing::TestParamInfo<FaultCase>& p) {
      std::string name = std::string(p.param.fixture).substr(std::string("faults/").size()) + "_" +
                         p.param.check + (p.param.channel ? "_" + *p.param.channel : "");
      for (char& ch : name)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return name;
    });

TEST(FaultInvertedRight, LeftPolarityPasses) {
  const auto& c = fault("faults/inverted_right").config("faults/inverted_right");
  const Check* k = one_check(c, "polarity", "left");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->outcome, Outcome::kPass) << describe(*k);
  EXPECT_EQ(k->value, record::Value(std::string("normal"))) << describe(*k);
  const Check* map = one_check(c, "channel_map");
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->outcome, Outcome::kPass) << describe(*map);
}

TEST(FaultGainNotNeutral, MeasuredGainIsTheExpectationPlus6dB) {
  const auto& c = fault("faults/gain_not_neutral").config("faults/gain_not_neutral");
  for (const auto& side : kSides) {
    const Check* k = one_check(c, "gain_db", side);
    ASSERT_NE(k, nullptr);
    ASSERT_TRUE(std::holds_alternative<double>(k->limit.expected)) << describe(*k);
    // The expectation itself, by hand: balanced source loading, no cable loss, amp gain, output loading.
    const double expected = balanced_source_loading_db() + kAmpGainDb + output_loading_db(300);
    EXPECT_NEAR(std::get<double>(k->limit.expected), expected, 0.01) << describe(*k);
    EXPECT_NEAR(value_of(*k), expected + 6, 0.1) << describe(*k);
  }
}

TEST(FaultGroundLoopHum, HumIsTheInducedLevelThroughTheAmpAndTheOutputLoading) {
  const BenchRun& run = fault("faults/ground_loop_hum");
  ASSERT_TRUE(run.fixture("faults/ground_loop_hum").ground_loop_hum_dbv.has_value());
  EXPECT_DOUBLE_EQ(*run.fixture("faults/ground_loop_hum").ground_loop_hum_dbv, -60);
  const double expected_dbv = -60 + kAmpGainDb + output_loading_db(300);
  for (const auto& side : kSides) {
    const Check* k = one_check(run.config("faults/ground_loop_hum"), "hum_dbv", side);
    ASSERT_NE(k, nullptr);
    EXPECT_NEAR(value_of(*k), expected_dbv, 0.5) << describe(*k);
  }
}

// ---------------------------------------------------------------------------------------------------
// 3. ERROR, not FAIL, when the bench cannot measure.

// The checks of the measurements whose stimulus clips an ADC with 0.5 Vrms full scale (everything but
// the silence of noise and hum).
const std::vector<std::string> kClippedChecks = {
    "channel_map",    "polarity",           "frequency_response_deviation_db",
    "crosstalk_db",   "level_dbv",          "gain_db",
    "thd_db",         "channel_balance_db", "thd_n_db",
    "max_output_vrms"};

const BenchRun& clipping_run() {
  return cached_run("error.adc_clips", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    p.adc.fullscale_vrms = 0.5;  // the chain delivers about 3 Vrms at the test level
    return p;
  });
}

TEST(BenchCannotMeasure, ClippingAdcIsAnErrorNamingTheClipping) {
  const auto& c = clipping_run().config("line_trs_to_amp_trs");
  EXPECT_EQ(c.outcome, Outcome::kError) << describe(c);
  ASSERT_FALSE(c.all_errors().empty()) << describe(c);
  bool clipped = false;
  for (const auto& e : c.all_errors()) clipped = clipped || contains(e, "clipped");
  EXPECT_TRUE(clipped) << describe(c);
  EXPECT_EQ(clipping_run().result.outcome, Outcome::kError);
}

TEST(BenchCannotMeasure, ClippedMeasurementsAreErrorAndNothingFailsBecauseOfClipping) {
  const auto& c = clipping_run().config("line_trs_to_amp_trs");
  for (const auto& name : kClippedChecks) {
    const auto ks = checks_named(c, name);
    EXPECT_FALSE(ks.empty()) << "no " << name << " check\n" << describe(c);
    for (const Check* k : ks) {
      EXPECT_EQ(k->outcome, Outcome::kError) << describe(*k);
      EXPECT_TRUE(contains(k->explanation, "clipped")) << describe(*k);
    }
  }
  // The ADC clipped: that says nothing about the device, so no check may FAIL (what could not be
  // measured, or depends on what could not be measured, is ERROR or not judged).
  for (const auto& k : c.checks)
    EXPECT_NE(k.outcome, Outcome::kFail) << "FAIL on a run whose ADC clipped: " << describe(k);
}

const BenchRun& no_signal_run() {
  return cached_run("error.no_signal", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    for (auto& w : p.fixtures.front().wiring) w.source_channel = -1;  // the cable carries nothing
    return p;
  });
}

TEST(BenchCannotMeasure, NoSignalAtAllIsAnError) {
  const BenchRun& run = no_signal_run();
  const auto& c = run.config("line_trs_to_amp_trs");
  EXPECT_EQ(c.outcome, Outcome::kError) << describe(c);
  EXPECT_EQ(run.result.outcome, Outcome::kError);
  ASSERT_FALSE(c.all_errors().empty()) << describe(c);
  bool no_signal = false;
  for (const auto& e : c.all_errors()) no_signal = no_signal || contains(e, "no signal");
  EXPECT_TRUE(no_signal) << describe(c);
  for (const char* name : {"channel_map", "level_dbv", "gain_db"})
    for (const Check* k : checks_named(c, name)) EXPECT_EQ(k->outcome, Outcome::kError) << describe(*k);
}

// DESIGN.md: "Never report a broken bench as a failed device"; sequencer.hpp: "A measurement the bench
// cannot make (clipping, no signal) makes its checks ERROR". With no signal on either channel nothing
// about the device is known, so no check may FAIL.
TEST(BenchCannotMeasure, NoSignalAtAllFailsNothing) {
  const auto& c = no_signal_run().config("line_trs_to_amp_trs");
  for (const auto& k : c.checks)
    EXPECT_NE(k.outcome, Outcome::kFail) << "FAIL on a run with no signal at all: " << describe(k);
}

// ---------------------------------------------------------------------------------------------------
// 4. Hand calculations through the whole session.

TEST(HandCalculation, LevelOnBalancedTrsRun) {
  const auto& c = demo("line_trs_to_amp_trs").config("line_trs_to_amp_trs");
  const double expected_dbv =
      20 * std::log10(kLineFullscaleVrms) + kTestLevelDbfs + 20 * std::log10(20000.0 / 20430.0) + kAmpGainDb +
      20 * std::log10(parallel_ohm(300, kAdcInputOhm) / (parallel_ohm(300, kAdcInputOhm) + 2));
  for (const auto& side : kSides) {
    const Check* k = one_check(c, "level_dbv", side);
    ASSERT_NE(k, nullptr);
    EXPECT_NEAR(value_of(*k), expected_dbv, 0.05) << describe(*k);
  }
}

TEST(HandCalculation, MaxOutputIntoR300FollowsTheRail) {
  const auto& c = demo("line_trs_to_amp_trs").config("line_trs_to_amp_trs");
  const double r = parallel_ohm(300, kAdcInputOhm);
  const double divider = r / (r + kAmpOutputOhm);
  // Linear up to 0.9 of the rail, then bending softly towards it: 1 % THD+N lies in between.
  const double low = 0.9 * kAmpRailVpeak / std::sqrt(2.0) * divider;
  const double high = kAmpRailVpeak / std::sqrt(2.0) * divider;
  for (const auto& side : kSides) {
    const Check* k = one_check(c, "max_output_vrms", side, "r300");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->outcome, Outcome::kPass) << describe(*k);
    const double v = value_of(*k);
    EXPECT_GT(v, low) << describe(*k);
    EXPECT_LT(v, high) << describe(*k);
  }
}

TEST(HandCalculation, MaxOutputIntoR32IsLowerByTheOutputDivider) {
  const auto& c = demo("line_trs_to_amp_trs").config("line_trs_to_amp_trs");
  const double expected_db = 20 * std::log10((32.0 / 34.0) / (300.0 / 302.0));
  for (const auto& side : kSides) {
    const Check* a = one_check(c, "max_output_vrms", side, "r32");
    const Check* b = one_check(c, "max_output_vrms", side, "r300");
    ASSERT_TRUE(a && b);
    EXPECT_NEAR(20 * std::log10(value_of(*a) / value_of(*b)), expected_db, 0.3) << describe(*a) << "\n"
                                                                                << describe(*b);
  }
}

// ---------------------------------------------------------------------------------------------------
// 5. Determinism: same seed, same report; another seed, other noise.

TEST(Determinism, SameSeedSameReportOtherSeedOtherNoise) {
  const plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
  const fs::path dir_a = fresh_dir("determinism_a"), dir_b = fresh_dir("determinism_b"),
                 dir_c = fresh_dir("determinism_c");
  const SessionResult a = run_session(p, 7, dir_a);
  const SessionResult b = run_session(p, 7, dir_b);
  const SessionResult other = run_session(p, 8, dir_c);
  const auto doc = [&](const SessionResult& r) {
    return report::to_json(
        record::make_run_record(p, r.configurations, r.aborted, "sim", 7, "2024-01-01T00:00:00Z"));
  };
  nlohmann::json ja = doc(a), jb = doc(b);
  for (const auto& e : report::schema_errors(ja))
    ADD_FAILURE() << "the record does not fit bench.report/2: " << e;
  ja.erase("created_utc"), jb.erase("created_utc");
  EXPECT_EQ(ja, jb) << "same plan, same seed, different reports:\n" << nlohmann::json::diff(ja, jb).dump(1);

  // The captures, too, hold the same samples and the same stimulus sidecars. (Not the same bytes: the
  // WAV writer's PEAK chunk carries a wall-clock timestamp.)
  ASSERT_EQ(a.configurations.size(), 1u);
  EXPECT_FALSE(a.configurations[0].captures.empty());
  for (const auto& cap : a.configurations[0].captures) {
    const io::Audio x = io::read_audio(dir_a / cap), y = io::read_audio(dir_b / cap);
    ASSERT_GT(x.frames.rows(), 0) << cap;
    ASSERT_EQ(x.frames.rows(), y.frames.rows()) << cap;
    ASSERT_EQ(x.frames.cols(), y.frames.cols()) << cap;
    EXPECT_TRUE(x.frames == y.frames) << cap << ": the samples differ between two runs with one seed";
    EXPECT_EQ(nlohmann::json::parse(slurp_file(dir_a / (cap + ".json"))),
              nlohmann::json::parse(slurp_file(dir_b / (cap + ".json"))))
        << cap;
  }

  // Another seed draws other noise: at least one noise figure moves.
  ASSERT_EQ(other.configurations.size(), 1u);
  int differing = 0, compared = 0;
  for (const auto& side : kSides) {
    const Check* n1 = one_check(a.configurations[0], "noise_dbv_a", side);
    const Check* n2 = one_check(other.configurations[0], "noise_dbv_a", side);
    ASSERT_TRUE(n1 && n2);
    ++compared;
    if (value_of(*n1) != value_of(*n2)) ++differing;
  }
  EXPECT_EQ(compared, 2);
  EXPECT_GE(differing, 1) << "seeds 7 and 8 gave the same noise figures";
  for (const auto& d : {dir_a, dir_b, dir_c}) fs::remove_all(d);
}

}  // namespace
}  // namespace bench::session::test
