// A plan's [[steps]]: a valid sequence loads with each step's kind, id, settings over the plan's, impedance
// loads and limits over the plan's limit set; every mistake is a ConfigError naming file:line, the key and
// the fix. Each error row starts from kStepsPlan (which loads) or the base plan and changes one thing.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "bench/plan/load.hpp"
#include "plan/test_support.hpp"

namespace fs = std::filesystem;
using namespace bench::plan;
namespace t = bench::plan::test;

namespace {

// Lines: [settings] 11, tone_duration_s 13, impedance_loads 14; [[steps]] at 16 (clock), 19 (sweeps: f1 21,
// duration 22, its limit table 24, max 25), 27 (thd_low: id 29, levels 30, tone 31), 33 (thd_high: id 35,
// limit table 37), 40 (impedance: loads 42).
const char* const kStepsPlan = R"(
[plan]
name = "Steps plan"
interface = "scarlett_2i2"
amp = "desktop_amp"
adc = "reference_adc"
limits = "qa_default"
loads = ["r32", "r300"]
fixtures = ["line_trs_to_amp_trs"]

[settings]
reference_load = "r300"
tone_duration_s = 0.5
impedance_loads = ["open", "r33", "r300"]

[[steps]]
kind = "clock"

[[steps]]
kind = "sweeps"
sweep_f1_hz = 10
sweep_duration_s = 4

[steps.limits.frequency_response_deviation_db]
max = 1.5

[[steps]]
kind = "distortion"
id = "thd_low"
thd_levels_dbfs = [-40]
tone_duration_s = 2

[[steps]]
kind = "distortion"
id = "thd_high"

[steps.limits.thd_n_db]
max = -60

[[steps]]
kind = "impedance"
impedance_loads = ["open", "r32"]
)";

std::vector<std::string> step_ids(const Plan& plan) {
  std::vector<std::string> ids;
  for (const Step& s : plan.steps) ids.push_back(s.id);
  return ids;
}

std::vector<std::string> load_ids(const std::vector<Load>& loads) {
  std::vector<std::string> ids;
  for (const Load& l : loads) ids.push_back(l.id);
  return ids;
}

TEST(PlanStepsRead, ValidSequenceLoadsWithItsOverrides) {
  const Plan plan = load_plan(t::write_plan(t::scratch_dir(), "steps", kStepsPlan));
  EXPECT_FALSE(plan.default_steps);
  ASSERT_EQ(plan.steps.size(), 5u);
  EXPECT_EQ(step_ids(plan),
            (std::vector<std::string>{"clock", "sweeps", "thd_low", "thd_high", "impedance"}));
  std::vector<std::string> kinds;
  std::vector<std::uint32_t> lines;
  for (const Step& s : plan.steps) {
    kinds.push_back(s.kind);
    lines.push_back(s.line);
    EXPECT_EQ(s.file, plan.file);
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"clock", "sweeps", "distortion", "distortion", "impedance"}));
  EXPECT_EQ(lines, (std::vector<std::uint32_t>{16, 19, 27, 33, 40}));

  // The plan's own settings are untouched by the steps.
  EXPECT_EQ(plan.settings.tone_duration_s, 0.5);
  EXPECT_EQ(plan.settings.sweep_f1_hz, 20);
  EXPECT_EQ(plan.settings.thd_levels_dbfs, (std::vector<double>{-1, -20}));

  const Step& clock = plan.steps[0];
  EXPECT_TRUE(clock.overridden.empty());
  EXPECT_EQ(clock.settings.tone_duration_s, 0.5);
  EXPECT_TRUE(clock.limits_overridden.empty());

  // A step's settings override the plan's (in file order); the others are the plan's.
  const Step& sweeps = plan.steps[1];
  EXPECT_EQ(sweeps.overridden, (std::vector<std::string>{"sweep_f1_hz", "sweep_duration_s"}));
  EXPECT_EQ(sweeps.settings.sweep_f1_hz, 10);
  EXPECT_EQ(sweeps.settings.sweep_duration_s, 4);
  EXPECT_EQ(sweeps.settings.sweep_f2_hz, 20000);
  EXPECT_EQ(sweeps.settings.tone_duration_s, 0.5);
  EXPECT_EQ(sweeps.settings.reference_load, "r300");

  const Step& low = plan.steps[2];
  EXPECT_EQ(low.overridden, (std::vector<std::string>{"thd_levels_dbfs", "tone_duration_s"}));
  EXPECT_EQ(low.settings.thd_levels_dbfs, (std::vector<double>{-40}));
  EXPECT_EQ(low.settings.tone_duration_s, 2);
  const Step& high = plan.steps[3];
  EXPECT_TRUE(high.overridden.empty());
  EXPECT_EQ(high.settings.thd_levels_dbfs, (std::vector<double>{-1, -20}));
  EXPECT_EQ(high.settings.tone_duration_s, 0.5);

  // A step's limit replaces the limit set's for that check only (qa_default: deviation max 0.5, THD+N
  // max -65, THD max -70).
  EXPECT_EQ(sweeps.limits_overridden, (std::vector<std::string>{"frequency_response_deviation_db"}));
  EXPECT_EQ(sweeps.limits.limits.at("frequency_response_deviation_db").max, 1.5);
  EXPECT_EQ(sweeps.limits.limits.at("thd_db").max, -70);
  EXPECT_EQ(high.limits_overridden, (std::vector<std::string>{"thd_n_db"}));
  EXPECT_EQ(high.limits.limits.at("thd_n_db").max, -60);
  EXPECT_EQ(high.limits.limits.at("thd_db").max, -70);
  EXPECT_EQ(low.limits.limits.at("thd_n_db").max, -65);
  EXPECT_EQ(high.limits.id, "qa_default");
  EXPECT_EQ(plan.limits.limits.at("thd_n_db").max, -65);

  // The impedance step measures into its own loads; the others carry the plan's.
  const Step& impedance = plan.steps[4];
  EXPECT_EQ(load_ids(impedance.impedance_loads), (std::vector<std::string>{"open", "r32"}));
  EXPECT_EQ(impedance.settings.impedance_loads, (std::vector<std::string>{"open", "r32"}));
  EXPECT_EQ(impedance.impedance_loads[1].resistance_ohm, 32);
  EXPECT_EQ(load_ids(high.impedance_loads), (std::vector<std::string>{"open", "r33", "r300"}));
  EXPECT_EQ(plan.settings.impedance_loads, (std::vector<std::string>{"open", "r33", "r300"}));
}

TEST(PlanStepsRead, AStepAtTheMinimumDurationLoads) {
  const Plan plan = load_plan(t::write_plan(
      t::scratch_dir(), "minimum", t::edit(kStepsPlan, "tone_duration_s = 2", "tone_duration_s = 0.17")));
  EXPECT_EQ(plan.steps[2].settings.tone_duration_s, 0.17);
}

TEST(PlanStepsRead, ImpedanceStepTakesThePlansLoadsAndOptionalNeedsMayBeAbsent) {
  // No clock step (every kind only uses it when there) and no level before noise.
  const std::string text = std::string(kStepsPlan).substr(0, std::string(kStepsPlan).find("[[steps]]")) +
                           "[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"noise\"\n\n[[steps]]\n"
                           "kind = \"impedance\"\nid = \"z_out\"\n";
  const Plan plan = load_plan(t::write_plan(t::scratch_dir(), "plan_loads", text));
  EXPECT_EQ(step_ids(plan), (std::vector<std::string>{"sweeps", "noise", "z_out"}));
  EXPECT_EQ(load_ids(plan.steps[2].impedance_loads), (std::vector<std::string>{"open", "r33", "r300"}));
  EXPECT_TRUE(plan.steps[2].overridden.empty());
}

struct StepErrorCase {
  std::string name;                  ///< test name and file stem
  std::string text;                  ///< the plan
  std::vector<std::string> needles;  ///< a needle starting ".toml:" follows the file's stem
  std::vector<std::pair<std::string, std::string>> extra_files = {};  ///< (path under the root, content)
};

std::string steps_with(const std::string& from, const std::string& to) {
  return t::edit(kStepsPlan, from, to);
}
// The base plan (12 lines) with steps appended: the first [[steps]] is on line 14.
std::string base_with_steps(const std::string& steps) {
  return std::string(t::kBasePlan) + "\n" + steps;
}

const std::string kKinds =
    "use one of clock, sweeps, phase, crosstalk, level, distortion, imd, dynamic_range, max_output, noise, "
    "impedance";

std::vector<StepErrorCase> step_error_cases() {
  return {
      {"unknown_kind",
       steps_with("kind = \"sweeps\"", "kind = \"sweep\""),
       {".toml:20: steps[1].kind: unknown step kind \"sweep\": did you mean \"sweeps\"? " + kKinds}},
      {"missing_kind",
       steps_with("kind = \"clock\"\n", ""),
       {".toml:16: steps[0].kind: missing required key in [steps[0]]: add kind = \"clock\" (one of clock, "
        "sweeps"}},
      {"kind_not_a_string",
       steps_with("kind = \"clock\"", "kind = 1"),
       {".toml:17: steps[0].kind: expected a string, found an integer"}},
      {"setting_kind_does_not_read",
       steps_with("kind = \"clock\"", "kind = \"clock\"\nsweep_f1_hz = 30"),
       {".toml:18: steps[0].sweep_f1_hz: a step of kind \"clock\" does not read sweep_f1_hz (steps of kind "
        "sweeps, phase, impedance read it): remove it from this step"}},
      {"plan_wide_setting",
       steps_with("kind = \"clock\"", "kind = \"clock\"\nsample_rate_hz = 44100"),
       {".toml:18: steps[0].sample_rate_hz: sample_rate_hz is plan-wide", "set it in [settings]"}},
      {"unknown_key_in_step",
       steps_with("tone_duration_s = 2", "tone_duraton_s = 2"),
       {".toml:31: steps[2].tone_duraton_s: unknown key in [steps[2]]", "did you mean \"tone_duration_s\"?"}},
      {"two_steps_of_a_kind_without_ids",
       t::edit(steps_with("id = \"thd_high\"\n", ""), "id = \"thd_low\"\n", ""),
       {".toml:32: steps[3]: step id \"distortion\" is taken by steps[2] (line 27); a step without an id is "
        "called by "
        "its kind: give each an id = \"...\" to tell them apart"}},
      {"two_steps_with_one_id",
       steps_with("id = \"thd_high\"", "id = \"thd_low\""),
       {".toml:35: steps[3].id: step id \"thd_low\" is taken by steps[2] (line 27): give each an id"}},
      {"invalid_id",
       steps_with("id = \"thd_low\"", "id = \"thd low\""),
       {".toml:29: steps[2].id: invalid id \"thd low\": use letters, digits, '_' and '-' only"}},
      {"required_need_missing",
       base_with_steps("[[steps]]\nkind = \"crosstalk\"\n"),
       {".toml:14: steps[0]: step \"crosstalk\" needs the channel map (where each output arrives) and the "
        "latency "
        "from a step of kind \"sweeps\" before it: add [[steps]] kind = \"sweeps\" above it"}},
      {"required_need_after",
       base_with_steps("[[steps]]\nkind = \"crosstalk\"\n\n[[steps]]\nkind = \"sweeps\"\n"),
       {".toml:14: steps[0]: step \"crosstalk\" needs",
        "but step \"sweeps\" comes after it (line 17): move step "
        "\"sweeps\" above step \"crosstalk\""}},
      {"optional_need_after",
       base_with_steps(
           "[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"noise\"\n\n[[steps]]\nkind = \"level\"\n"),
       {".toml:17: steps[1]: step \"noise\" uses the output level at the test tone (snr_db is made only with "
        "it) from "
        "a step of kind \"level\" before it, but step \"level\" comes after it (line 20): move step "
        "\"level\" above "
        "step \"noise\""}},
      {"optional_clock_after",
       base_with_steps("[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"clock\"\n"),
       {".toml:14: steps[0]: step \"sweeps\" uses the clock drift (to correct its captures",
        "but step \"clock\" comes after it (line 17)"}},
      {"limit_for_a_check_of_another_kind",
       steps_with("[steps.limits.thd_n_db]", "[steps.limits.level_dbv]"),
       {".toml:37: steps[3].limits.level_dbv: a step of kind \"distortion\" does not make level_dbv (it is "
        "made by "
        "steps of kind level): set limits here only for the checks it makes: use one of thd_db, thd_n_db"}},
      {"limit_unknown_check",
       steps_with("[steps.limits.thd_n_db]", "[steps.limits.thd_nd_db]"),
       {".toml:37: steps[3].limits.thd_nd_db: unknown check: did you mean \"thd_n_db\"? use one of thd_db, "
        "thd_n_db"}},
      {"limit_form_refused",
       steps_with("max = 1.5", "tolerance = 1.5"),
       {".toml:25: steps[1].limits.frequency_response_deviation_db.tolerance: "
        "frequency_response_deviation_db takes "
        "no tolerance (it has no expectation to be a tolerance around): use min or max"}},
      {"limit_without_a_form",
       steps_with("max = -60\n", ""),
       {".toml:37: steps[3].limits.thd_n_db: no limit given: set min or max"}},
      {"limit_on_clock_drift",
       steps_with("kind = \"clock\"", "kind = \"clock\"\n\n[steps.limits.clock_drift_ppm]\nmax = 5"),
       {".toml:19: steps[0].limits.clock_drift_ppm: clock_drift_ppm takes no limit (it is recorded only"}},
      {"step_value_out_of_range",
       steps_with("tone_duration_s = 2", "tone_duration_s = 700"),
       {".toml:31: steps[2].tone_duration_s: 700 is out of range: allowed range is 0 < tone_duration_s <= "
        "600"}},
      {"step_value_wrong_type",
       steps_with("thd_levels_dbfs = [-40]", "thd_levels_dbfs = -40"),
       {".toml:30: steps[2].thd_levels_dbfs: expected an array, found an integer"}},
      {"step_f1_not_below_plan_f2",
       steps_with("sweep_f1_hz = 10", "sweep_f1_hz = 20000"),
       {".toml:21: steps[1].sweep_f1_hz: 20000 is not below sweep_f2_hz = 20000 (from [settings]): make "
        "sweep_f1_hz "
        "< sweep_f2_hz"}},
      {"step_f2_not_above_plan_f1",
       steps_with("sweep_f1_hz = 10", "sweep_f2_hz = 15"),
       {".toml:21: steps[1].sweep_f2_hz: 15 is not above sweep_f1_hz = 20 (from [settings]): make "
        "sweep_f1_hz < "
        "sweep_f2_hz"}},
      {"step_f2_above_nyquist",
       steps_with("sweep_f1_hz = 10", "sweep_f1_hz = 10\nsweep_f2_hz = 30000"),
       {".toml:22: steps[1].sweep_f2_hz: 30000 Hz is above half the sample rate (24000 Hz at sample_rate_hz "
        "= 48000)"}},
      {"step_tone_above_nyquist",
       steps_with("tone_duration_s = 2", "tone_duration_s = 2\ntone_frequency_hz = 25000"),
       {".toml:32: steps[2].tone_frequency_hz: 25000 Hz is not below half the sample rate (24000 Hz)"}},
      {"step_reference_load_not_a_plan_load",
       steps_with("tone_duration_s = 2", "tone_duration_s = 2\nreference_load = \"r33\""),
       {".toml:32: steps[2].reference_load: \"r33\" is not one of the plan's loads: use one of r32, r300"}},
      {"step_impedance_one_load",
       steps_with("impedance_loads = [\"open\", \"r32\"]", "impedance_loads = [\"open\"]"),
       {".toml:42: steps[4].impedance_loads: has one load; the output impedance needs two or more"}},
      {"step_impedance_headphone",
       steps_with("impedance_loads = [\"open\", \"r32\"]", "impedance_loads = [\"open\", \"hp_dynamic_32\"]"),
       {".toml:42: steps[4].impedance_loads[1]: \"hp_dynamic_32\" is a headphone"}},
      {"step_impedance_loads_alike",
       steps_with("impedance_loads = [\"open\", \"r32\"]", "impedance_loads = [\"r300\", \"r300_spare\"]"),
       {".toml:42: steps[4].impedance_loads: every load has the same impedance"},
       {{"profiles/loads/r300_spare.toml",
         "[load]\nname = \"spare\"\nkind = \"resistor\"\nresistance_ohm = 300\n"}}},
      {"step_impedance_port_unknown",
       steps_with("impedance_loads = [\"open\", \"r32\"]",
                  "impedance_loads = [\"open\", \"r32\"]\nimpedance_ports = [\"phones\"]"),
       {".toml:43: steps[4].impedance_ports: port \"phones\" is not in interface \"scarlett_2i2\"",
        "use one of headphone_out, line_out"}},
      {"step_impedance_without_loads",
       t::edit(steps_with("impedance_loads = [\"open\", \"r32\"]\n", ""),
               "impedance_loads = [\"open\", \"r33\", \"r300\"]\n", ""),
       {".toml:39: steps[4]: a step of kind \"impedance\" measures into the impedance loads, and neither it "
        "nor "
        "[settings] gives impedance_loads: add impedance_loads = [\"open\", \"r33\", \"r300\"] to the step "
        "or to "
        "[settings]"}},
      {"step_ports_without_loads",
       t::edit(steps_with("impedance_loads = [\"open\", \"r32\"]", "impedance_ports = [\"line_out\"]"),
               "impedance_loads = [\"open\", \"r33\", \"r300\"]\n", ""),
       {".toml:41: steps[4].impedance_ports: ports are measured into impedance_loads, which neither this "
        "step nor "
        "[settings] gives"}},
      // Durations (plan/catalogue.hpp DurationLimits, worked out in settings_reader_test.cpp), judged for the
      // settings the step's kind reads.
      {"step_tone_too_short",
       steps_with("tone_duration_s = 2", "tone_duration_s = 0.15"),
       {".toml:31: steps[2].tone_duration_s: 0.15 s is shorter than a tone can be analysed: use at least "
        "0.17 s (0.1 "
        "s settling, two 10 ms fades, 0.05 s analysed)"}},
      {"step_f1_raises_the_sweep_minimum",
       steps_with("sweep_f1_hz = 10\nsweep_duration_s = 4", "sweep_f1_hz = 1"),
       {".toml:21: steps[1].sweep_f1_hz: with this sweep_f1_hz, sweep_duration_s = 2 s (the plan's) is "
        "shorter than a "
        "synchronized sweep from 1 Hz to 20000 Hz can be: set sweep_duration_s to at least 4.96 s"}},
      // 0.5 * ln(22800 / 2) / 2 = 2.3353 s; the impedance kind reads no sweep_duration_s, which 2 Hz would
      // also make too short (0.5 * ln(10000) / 2 = 2.30 s > 2 s): only the impedance sweep is named.
      {"step_impedance_f1",
       steps_with("impedance_loads = [\"open\", \"r32\"]",
                  "impedance_loads = [\"open\", \"r32\"]\nsweep_f1_hz = 2"),
       {".toml:43: steps[4].sweep_f1_hz: with this sweep_f1_hz, impedance_sweep_duration_s = 1 s (the "
        "plan's) is "
        "shorter than the impedance sweep from 2 Hz to 22800 Hz can be",
        "set impedance_sweep_duration_s to at least 2.34 s"}},
      {"imd_unknown_standard",
       base_with_steps(
           "[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"imd\"\nimd_standards = [\"din\"]\n"),
       {"steps[1].imd_standards: \"din\" is not an intermodulation test",
        "use \"smpte\" (60 Hz and 7 kHz at 4:1) or \"ccif\" (19 kHz and 20 kHz at 1:1)"}},
      {"imd_no_standard",
       base_with_steps("[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"imd\"\nimd_standards = []\n"),
       {"steps[1].imd_standards: is empty: give at least one element, e.g. [\"smpte\", \"ccif\"]"}},
      // SMPTE needs 0.1 s settling, two 10 ms fades and 17 bins of 1/T between lines 60 Hz apart (0.283 s).
      {"imd_too_short_for_smpte",
       base_with_steps("[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"imd\"\nimd_duration_s = 0.4\n"),
       {"steps[1].imd_duration_s: 0.4 s is shorter than a twin tone of these standards can be analysed",
        "use at least 0.404 s"}},
      {"bandwidth_above_nyquist",
       base_with_steps(
           "[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"distortion\"\nbandwidth_hz = 80000\n"),
       {"steps[1].bandwidth_hz: 80000 Hz is above half the sample rate (24000 Hz)",
        "use 20000 (AES17), 22400 or 80000 at most half of sample_rate_hz"}},
      {"unknown_weighting",
       base_with_steps(
           "[[steps]]\nkind = \"sweeps\"\n\n[[steps]]\nkind = \"distortion\"\nthd_n_weighting = \"B\"\n"),
       {"steps[1].thd_n_weighting: \"B\" is not a weighting",
        "use \"none\", \"A\" (IEC 61672-1) or \"ccir-rms\""}},
      {"steps_not_tables",
       "steps = [\"clock\"]\n" + std::string(t::kBasePlan),
       {".toml:1: steps: expected an array of tables, found an array: write one [[steps]] table per entry"}},
  };
}

class PlanStepErrors : public ::testing::TestWithParam<StepErrorCase> {};

TEST_P(PlanStepErrors, NameLineKeyAndFix) {
  const StepErrorCase& c = GetParam();
  ASSERT_EQ(c.text.find(t::kEditNotFound), std::string::npos) << c.text;
  const fs::path dir = t::scratch_dir();
  const fs::path file = t::write_plan(dir, c.name, c.text);
  for (const auto& [path, text] : c.extra_files) t::write_file(dir, path, text);
  std::vector<std::string> needles;
  for (const auto& n : c.needles) needles.push_back(n.starts_with(".toml:") ? c.name + n : n);
  t::expect_config_error([&] { static_cast<void>(load_plan(file)); }, needles);
}

INSTANTIATE_TEST_SUITE_P(Table, PlanStepErrors, ::testing::ValuesIn(step_error_cases()),
                         [](const ::testing::TestParamInfo<StepErrorCase>& row) { return row.param.name; });

}  // namespace
