// The default sequence of plans without [[steps]] (one step per kind, in catalogue order, impedance only
// with impedance loads) and select_steps (bench run --step), against sequences written out by hand.
#include "bench/plan/steps.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/plan/load.hpp"
#include "plan/test_support.hpp"

namespace fs = std::filesystem;
using namespace bench::plan;
namespace t = bench::plan::test;

namespace {

std::vector<std::string> ids_of(const Plan& plan) {
  std::vector<std::string> ids;
  for (const Step& s : plan.steps) ids.push_back(s.id);
  return ids;
}

TEST(PlanDefaultSequence, APlanWithoutStepsRunsEveryKindInCatalogueOrder) {
  // impedance.toml lists no [[steps]] (demo.toml lists the same sequence with take lengths per step).
  const Plan plan = load_plan(t::repo_root() / "profiles/plans/impedance.toml");
  EXPECT_TRUE(plan.default_steps);
  EXPECT_EQ(ids_of(plan),
            (std::vector<std::string>{"clock", "sweeps", "phase", "crosstalk", "level", "distortion", "imd",
                                      "dynamic_range", "max_output", "noise", "impedance"}));
  for (const Step& s : plan.steps) {
    SCOPED_TRACE(s.id);
    EXPECT_EQ(s.kind, s.id);
    EXPECT_EQ(s.line, 0u);
    EXPECT_EQ(s.file, plan.file);
    EXPECT_TRUE(s.overridden.empty());
    EXPECT_TRUE(s.limits_overridden.empty());
    // Every step has the plan's settings (impedance.toml: f1 10 Hz, 4 s sweeps, THD at -6 and -20 dBFS) and
    // limits.
    EXPECT_EQ(s.settings.sweep_f1_hz, 10);
    EXPECT_EQ(s.settings.sweep_duration_s, 4);
    EXPECT_EQ(s.settings.thd_levels_dbfs, (std::vector<double>{-6, -20}));
    EXPECT_EQ(s.settings.reference_load, "r300");
    EXPECT_EQ(s.limits.id, "qa_default");
    EXPECT_EQ(s.limits.limits.at("thd_n_db").max, -65);
    ASSERT_EQ(s.impedance_loads.size(), 3u);
    EXPECT_EQ(s.impedance_loads[1].id, "r33");
  }
}

TEST(PlanDefaultSequence, WithoutImpedanceLoadsThereIsNoImpedanceStep) {
  // faults.toml is the demo's gear without impedance_loads; so is the base plan of the tests.
  for (const fs::path& file : {t::repo_root() / "profiles/plans/faults.toml",
                               t::write_plan(t::scratch_dir(), "base", t::kBasePlan)}) {
    SCOPED_TRACE(file.string());
    const Plan plan = load_plan(file);
    EXPECT_TRUE(plan.default_steps);
    EXPECT_EQ(ids_of(plan),
              (std::vector<std::string>{"clock", "sweeps", "phase", "crosstalk", "level", "distortion", "imd",
                                        "dynamic_range", "max_output", "noise"}));
  }
}

TEST(PlanDefaultSequence, IsBuiltFromThePlanItself) {
  Plan plan;
  plan.file = "p.toml";
  plan.settings.tone_duration_s = 0.5;
  EXPECT_EQ(default_sequence(plan).size(), 10u);
  plan.impedance_loads.resize(2);
  const std::vector<Step> steps = default_sequence(plan);
  ASSERT_EQ(steps.size(), 11u);
  EXPECT_EQ(steps.back().kind, "impedance");
  EXPECT_EQ(steps.back().impedance_loads.size(), 2u);
  EXPECT_EQ(steps.front().settings.tone_duration_s, 0.5);
}

// Runs select_steps and expects an InputError (exit 2, not a ConfigError) containing needle; plan is
// unchanged.
void expect_selection_error(Plan plan, const std::vector<std::string>& ids, const std::string& needle) {
  const std::vector<std::string> before = ids_of(plan);
  try {
    select_steps(plan, ids);
    ADD_FAILURE() << "no exception";
  } catch (const bench::ConfigError& e) {
    ADD_FAILURE() << "a ConfigError: " << e.what();
  } catch (const bench::InputError& e) {
    EXPECT_EQ(bench::exit_code_for(e), bench::ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what() << "\n  lacks: " << needle;
  }
  EXPECT_EQ(ids_of(plan), before);
}

TEST(PlanSelectSteps, KeepsTheNamedStepsInThePlansOrder) {
  const Plan demo = load_plan(t::repo_root() / "profiles/plans/demo.toml");
  Plan plan = demo;
  select_steps(plan, {});
  EXPECT_EQ(ids_of(plan), ids_of(demo));
  plan = demo;
  select_steps(plan, {"noise", "sweeps"});  // noise only uses level and max_output when they run
  EXPECT_EQ(ids_of(plan), (std::vector<std::string>{"sweeps", "noise"}));
  plan = demo;
  select_steps(plan, {"crosstalk", "sweeps", "crosstalk"});
  EXPECT_EQ(ids_of(plan), (std::vector<std::string>{"sweeps", "crosstalk"}));
  EXPECT_EQ(plan.steps[1].settings.sweep_f1_hz, 10);
  plan = demo;
  select_steps(plan, {"impedance"});  // it only uses sweeps, when there
  EXPECT_EQ(ids_of(plan), (std::vector<std::string>{"impedance"}));
}

TEST(PlanSelectSteps, UnknownIdsAndMissingNeedsAreUsageErrors) {
  const Plan demo = load_plan(t::repo_root() / "profiles/plans/demo.toml");
  expect_selection_error(
      demo, {"sweeps", "nope"},
      "--step nope: the plan " + demo.file.string() +
          " has no such step: use one of clock, sweeps, phase, crosstalk, level, distortion, "
          "imd, dynamic_range, max_output, "
          "noise, impedance");
  expect_selection_error(
      demo, {"crosstalk"},
      "--step crosstalk: it needs the channel map (where each output arrives) and the latency from "
      "step 'sweeps': add --step sweeps");
  expect_selection_error(demo, {"clock", "distortion", "level"},
                         "--step level: it needs the latency from step 'sweeps': add --step sweeps");
}

TEST(PlanSelectSteps, NamesTheStepOfThePlanThatProvidesTheNeed) {
  const std::string text = std::string(t::kBasePlan) +
                           "\n[[steps]]\nkind = \"sweeps\"\nid = \"sweeps_wide\"\nsweep_f1_hz = 10\n"
                           "\n[[steps]]\nkind = \"distortion\"\nid = \"thd_low\"\nthd_levels_dbfs = [-40]\n"
                           "\n[[steps]]\nkind = \"distortion\"\nid = \"thd_high\"\n";
  const Plan loaded = load_plan(t::write_plan(t::scratch_dir(), "named", text));
  expect_selection_error(
      loaded, {"thd_high"},
      "--step thd_high: it needs the latency from step 'sweeps_wide': add --step sweeps_wide");
  Plan plan = loaded;
  select_steps(plan, {"thd_high", "sweeps_wide"});
  EXPECT_EQ(ids_of(plan), (std::vector<std::string>{"sweeps_wide", "thd_high"}));
  EXPECT_EQ(plan.steps[1].settings.thd_levels_dbfs, (std::vector<double>{-1, -20}));
}

}  // namespace
