// Tier 2, a plan's own sequence: quick.toml's [[steps]] run in its order with their own settings and
// limits, steps read only the earlier results their kind declares, a step that needs a result an earlier
// step could not make is ERROR with that step's reason, and a configuration error inside one
// configuration makes that configuration ERROR while the others are measured.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"
#include "bench/session/steps/step.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

const BenchRun& quick_run() {
  return cached_run("sequence.quick", [] { return base_plan("quick"); });
}

TEST(PlanSequence, QuickRunsItsOwnStepsInOrder) {
  const BenchRun& run = quick_run();
  std::vector<std::string> ids;
  for (const auto& s : run.plan.steps) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"clock", "sweeps", "thd_n", "noise"}));
  for (const auto& f : run.plan.fixtures) {
    const auto& c = run.config(f.id);
    std::vector<std::string> ran;
    for (const auto& s : c.steps) ran.push_back(s.id);
    EXPECT_EQ(ran, ids) << describe(c);
    EXPECT_EQ(c.outcome, Outcome::kPass) << describe(c);
    // Only the checks of the four kinds, each made by its step.
    for (const auto& k : c.checks) {
      const plan::Step* step = nullptr;
      for (const auto& s : run.plan.steps)
        if (s.id == k.step) step = &s;
      ASSERT_NE(step, nullptr) << describe(k);
      const auto& made = plan::step_kind(step->kind).checks;
      EXPECT_NE(std::find(made.begin(), made.end(), k.name), made.end()) << describe(k);
    }
    EXPECT_TRUE(checks_named(c, "level_dbv").empty());
    EXPECT_TRUE(checks_named(c, "max_output_vrms").empty());
    // Noise without a level step makes no SNR (it needs the output level).
    EXPECT_TRUE(checks_named(c, "snr_db").empty());
    EXPECT_EQ(checks_named(c, "noise_dbv_a").size(), 2u);
  }
}

TEST(PlanSequence, AStepsOwnSettingsAndLimitsApplyToItAlone) {
  const BenchRun& run = quick_run();
  const auto& c = run.config("line_trs_to_amp_trs");
  // thd_n: one level (-6 dBFS), its own THD+N limit (-80 dB) instead of the limit file's (-65 dB).
  const auto thd_n = checks_named(c, "thd_n_db");
  ASSERT_EQ(thd_n.size(), 2u) << describe(c);
  for (const Check* k : thd_n) {
    EXPECT_EQ(k->level_dbfs, -6.0) << describe(*k);
    ASSERT_TRUE(k->limit.max.has_value()) << describe(*k);
    EXPECT_EQ(*k->limit.max, -80.0) << describe(*k);
  }
  // The limit file's THD limit stays for THD, which the step did not override.
  for (const Check* k : checks_named(c, "thd_db"))
    EXPECT_EQ(k->limit.max, run.plan.limits.limits.at("thd_db").max) << describe(*k);
  // Audio: the clock tone of 0.3 s (its own), the sweeps of 1 s (the plan's), a 0.5 s tone, 0.5 s of silence,
  // each take with the plan's 0.1 s pre-roll and 0.25 s post-roll.
  const double roll = run.plan.settings.preroll_s + run.plan.settings.postroll_s;
  const auto audio = [&](const std::string& id) {
    const record::StepRecord* s = c.step(id);
    return s ? s->audio_s : -1.0;
  };
  EXPECT_NEAR(audio("clock"), 0.3 + roll, 1e-3);
  EXPECT_NEAR(audio("thd_n"), 0.5 + roll, 1e-3);
  EXPECT_NEAR(audio("noise"), 0.5 + roll, 1e-3);
  // A synchronized sweep lasts L*ln(f2/f1) with L = round(f1*T/ln(f2/f1))/f1 (Novak): from 10 Hz to
  // 24 kHz in T = 1 s that is 0.1 s * ln(2400) = 0.778 s, one take per channel.
  ASSERT_NE(c.step("sweeps"), nullptr);
  EXPECT_EQ(c.step("sweeps")->takes, 2u);
  const double rate_l_s = std::round(10 * 1.0 / std::log(2400.0)) / 10;
  EXPECT_NEAR(audio("sweeps"), 2 * (rate_l_s * std::log(2400.0) + roll),
              2.0 / run.plan.settings.sample_rate_hz);
}

TEST(PlanSequence, AStepThatNeedsAResultNoEarlierStepMadeIsAnErrorWithItsReason) {
  // The ADC clips every stimulus but silence: the sweeps step makes no result, so crosstalk (which needs
  // its channel map) is ERROR with the sweeps' reason, and noise (silence) is still measured.
  const BenchRun& run = cached_run("sequence.blocked", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    p.adc.fullscale_vrms = 0.5;
    return resequence(p, {"sweeps", "crosstalk", "noise"});
  });
  const auto& c = run.config("line_trs_to_amp_trs");
  const record::StepRecord* sweeps = c.step("sweeps");
  const record::StepRecord* crosstalk = c.step("crosstalk");
  ASSERT_TRUE(sweeps && crosstalk);
  ASSERT_TRUE(sweeps->error.has_value());
  EXPECT_FALSE(sweeps->result.has_value());
  ASSERT_TRUE(crosstalk->error.has_value());
  EXPECT_EQ(*crosstalk->error, *sweeps->error);
  EXPECT_EQ(crosstalk->takes, 0u) << "a blocked step plays nothing";
  for (const Check* k : checks_named(c, "crosstalk_db"))
    EXPECT_EQ(k->outcome, Outcome::kError) << describe(*k);
  for (const Check* k : checks_named(c, "noise_dbv_a"))
    EXPECT_NE(k->outcome, Outcome::kError) << describe(*k);
}

// A post-roll shorter than the chain's latency loses the end of the sweep: the sweeps step is ERROR naming
// postroll_s, never a short response. The Sim chain delays by nothing, but an ADC clock off the
// interface's slips it by kHalfTaps + clock_slip_samples (1056 frames, 22 ms) at the start; 10 ms is
// less.
TEST(PlanSequence, APostRollShorterThanTheLatencyIsAnErrorNamingPostroll) {
  const BenchRun& run = cached_run("sequence.short_postroll", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
    p.settings.postroll_s = 0.01;
    p.adc.clock_offset_ppm = 2;
    return resequence(p, {"sweeps", "crosstalk"});
  });
  const auto& c = run.config("line_trs_to_amp_trs");
  const record::StepRecord* sweeps = c.step("sweeps");
  ASSERT_NE(sweeps, nullptr);
  ASSERT_TRUE(sweeps->error.has_value()) << describe(c);
  EXPECT_TRUE(contains(*sweeps->error, "postroll_s")) << *sweeps->error;
  EXPECT_TRUE(contains(*sweeps->error, "latency")) << *sweeps->error;
  EXPECT_EQ(c.outcome, Outcome::kError) << describe(c);
}

TEST(PlanSequence, AConfigurationErrorMakesThatConfigurationErrorAndTheOthersAreMeasured) {
  const BenchRun& run = cached_run("sequence.config_error", [] {
    plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs", "line_trs_to_amp_xlr"}, {"r300"});
    p.fixtures.front().source_port = "no_such_port";  // what the loader would refuse, met inside the run
    return resequence(p, {"sweeps"});
  });
  ASSERT_EQ(run.result.configurations.size(), 2u);
  const auto& broken = run.result.configurations[0];
  EXPECT_EQ(broken.outcome, Outcome::kError) << describe(broken);
  ASSERT_FALSE(broken.errors.empty());
  EXPECT_TRUE(contains(broken.errors.front(), "no_such_port") || contains(broken.errors.front(), "port"))
      << broken.errors.front();
  EXPECT_FALSE(run.result.aborted.has_value()) << "a configuration error does not stop the run";
  EXPECT_EQ(run.result.configurations[1].outcome, Outcome::kPass) << describe(run.result.configurations[1]);
}

TEST(StepContext, AStepCannotReadAResultItsKindDoesNotDeclare) {
  plan::Plan p = cut_plan(base_plan("demo"), {"line_trs_to_amp_trs"}, {"r300"});
  resequence(p);
  SimEndpoint endpoint(p, 1);
  RunOptions options;
  options.run_dir = fresh_dir("context");
  options.write_captures = false;
  record::ConfigurationRecord out;
  Takes takes(p, p.fixtures.front(), endpoint, options, out, nullptr);
  const std::vector<record::StepRecord> earlier;
  const plan::Step* level = nullptr;
  for (const auto& s : p.steps)
    if (s.kind == "level") level = &s;
  ASSERT_NE(level, nullptr);
  const steps::StepContext cx(p, p.fixtures.front(), *level, takes, earlier);
  EXPECT_EQ(cx.earlier("sweeps"), nullptr);  // declared, not there
  EXPECT_THROW((void)cx.earlier("noise"), std::logic_error);
  EXPECT_THROW((void)cx.earlier("max_output"), std::logic_error);
}

}  // namespace
}  // namespace bench::session::test
