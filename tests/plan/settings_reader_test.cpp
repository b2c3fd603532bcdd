// [settings] read through the catalogue: every numeric setting's range, written out here by hand from
// what the loader allowed before the catalogue existed, so a catalogue range that drifts fails a row; the
// bounds themselves load.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/plan/load.hpp"
#include "plan/test_support.hpp"

namespace fs = std::filesystem;
using namespace bench::plan;
namespace t = bench::plan::test;

namespace {

struct SettingRangeCase {
  std::string name;     ///< test name
  std::string setting;  ///< line added to [settings]
  std::string key;      ///< settings.<key> the message names
  std::string value;    ///< the value as the message prints it
  std::string range;    ///< "allowed range is ..."
};

std::vector<SettingRangeCase> setting_range_cases() {
  return {
      {"sample_rate_below", "sample_rate_hz = 7999", "sample_rate_hz", "7999",
       "8000 <= sample_rate_hz <= 768000"},
      {"sample_rate_above", "sample_rate_hz = 768001", "sample_rate_hz", "768001",
       "8000 <= sample_rate_hz <= 768000"},
      {"test_level_above", "test_level_dbfs = 0.1", "test_level_dbfs", "0.1", "-150 <= test_level_dbfs <= 0"},
      {"thd_level_below", "thd_levels_dbfs = [-151]", "thd_levels_dbfs[0]", "-151",
       "-150 <= thd_levels_dbfs[0] <= 0"},
      {"sweep_f1_zero", "sweep_f1_hz = 0", "sweep_f1_hz", "0", "0 < sweep_f1_hz <= 384000"},
      {"sweep_f2_above", "sweep_f2_hz = 384001", "sweep_f2_hz", "384001", "0 < sweep_f2_hz <= 384000"},
      {"sweep_duration_zero", "sweep_duration_s = 0", "sweep_duration_s", "0", "0 < sweep_duration_s <= 600"},
      {"sweep_duration_above", "sweep_duration_s = 601", "sweep_duration_s", "601",
       "0 < sweep_duration_s <= 600"},
      {"sweep_level_below", "sweep_level_dbfs = -151", "sweep_level_dbfs", "-151",
       "-150 <= sweep_level_dbfs <= 0"},
      {"tone_frequency_zero", "tone_frequency_hz = 0", "tone_frequency_hz", "0",
       "0 < tone_frequency_hz <= 384000"},
      {"tone_duration_above", "tone_duration_s = 601", "tone_duration_s", "601",
       "0 < tone_duration_s <= 600"},
      {"noise_duration_zero", "noise_duration_s = 0", "noise_duration_s", "0", "0 < noise_duration_s <= 600"},
      {"max_output_thd_n_zero", "max_output_thd_n_percent = 0", "max_output_thd_n_percent", "0",
       "0 < max_output_thd_n_percent <= 100"},
      {"max_output_thd_n_above", "max_output_thd_n_percent = 101", "max_output_thd_n_percent", "101",
       "0 < max_output_thd_n_percent <= 100"},
      {"max_output_start_above", "max_output_start_dbfs = 1", "max_output_start_dbfs", "1",
       "-150 <= max_output_start_dbfs <= 0"},
      {"max_output_step_zero", "max_output_step_db = 0", "max_output_step_db", "0",
       "0 < max_output_step_db <= 20"},
      {"max_output_step_above", "max_output_step_db = 21", "max_output_step_db", "21",
       "0 < max_output_step_db <= 20"},
      {"preroll_negative", "preroll_s = -0.1", "preroll_s", "-0.1", "0 <= preroll_s <= 10"},
      {"postroll_above", "postroll_s = 10.5", "postroll_s", "10.5", "0 <= postroll_s <= 10"},
      {"drift_tolerance_zero", "drift_tolerance_ppm = 0", "drift_tolerance_ppm", "0",
       "0 < drift_tolerance_ppm <= 10000"},
      {"drift_tolerance_above", "drift_tolerance_ppm = 10001", "drift_tolerance_ppm", "10001",
       "0 < drift_tolerance_ppm <= 10000"},
      {"impedance_sweep_below", "impedance_sweep_duration_s = 0.09", "impedance_sweep_duration_s", "0.09",
       "0.1 <= impedance_sweep_duration_s <= 60"},
      {"impedance_sweep_above", "impedance_sweep_duration_s = 61", "impedance_sweep_duration_s", "61",
       "0.1 <= impedance_sweep_duration_s <= 60"},
  };
}

class PlanSettingRanges : public ::testing::TestWithParam<SettingRangeCase> {};

TEST_P(PlanSettingRanges, OutOfRangeNamesLineKeyAndRange) {
  const SettingRangeCase& c = GetParam();
  const std::string text = t::edit(t::kBasePlan, "[settings]\n", "[settings]\n" + c.setting + "\n");
  const fs::path file = t::write_plan(t::scratch_dir(), c.name, text);
  // The added line is the one after [settings] (line 11 of the base).
  t::expect_config_error([&] { static_cast<void>(load_plan(file)); },
                         {c.name + ".toml:12: settings." + c.key + ": " + c.value + " is out of range",
                          "allowed range is " + c.range});
}

INSTANTIATE_TEST_SUITE_P(Table, PlanSettingRanges, ::testing::ValuesIn(setting_range_cases()),
                         [](const ::testing::TestParamInfo<SettingRangeCase>& row) {
                           return row.param.name;
                         });

// The closed ends of those ranges are allowed (the open ones are the rows above).
TEST(PlanSettingRangeBounds, ClosedEndsLoad) {
  const fs::path dir = t::scratch_dir();
  const std::string text =
      t::edit(t::kBasePlan, "[settings]\n",
              "[settings]\ntest_level_dbfs = 0\nthd_levels_dbfs = [-150, 0]\npreroll_s = 0\n"
              "postroll_s = 10\nmax_output_step_db = 20\nmax_output_thd_n_percent = 100\n"
              "impedance_sweep_duration_s = 60\n");
  const Plan plan = load_plan(t::write_plan(dir, "bounds", text));
  EXPECT_EQ(plan.settings.test_level_dbfs, 0);
  EXPECT_EQ(plan.settings.thd_levels_dbfs, (std::vector<double>{-150, 0}));
  EXPECT_EQ(plan.settings.preroll_s, 0);
  EXPECT_EQ(plan.settings.postroll_s, 10);
  EXPECT_EQ(plan.settings.max_output_step_db, 20);
  EXPECT_EQ(plan.settings.max_output_thd_n_percent, 100);
  EXPECT_EQ(plan.settings.impedance_sweep_duration_s, 60);
  // The ones it leaves out keep MeasurementSettings' defaults (model.hpp).
  EXPECT_EQ(plan.settings.sample_rate_hz, 48000);
  EXPECT_EQ(plan.settings.tone_frequency_hz, 997);
}

TEST(PlanSettingTypes, WrongTypesAreNamed) {
  const fs::path dir = t::scratch_dir();
  t::expect_config_error(
      [&] {
        static_cast<void>(load_plan(t::write_plan(
            dir, "ref_number", t::edit(t::kBasePlan, "reference_load = \"r300\"", "reference_load = 300"))));
      },
      {"ref_number.toml:12: settings.reference_load: expected a string, found an integer"});
  t::expect_config_error(
      [&] {
        static_cast<void>(load_plan(
            t::write_plan(dir, "levels_number",
                          t::edit(t::kBasePlan, "[settings]\n", "[settings]\nthd_levels_dbfs = -6\n"))));
      },
      {"levels_number.toml:12: settings.thd_levels_dbfs: expected an array, found an integer",
       "write an array such as [-1, -20]"});
  t::expect_config_error(
      [&] {
        static_cast<void>(load_plan(
            t::write_plan(dir, "rate_text",
                          t::edit(t::kBasePlan, "[settings]\n", "[settings]\nsample_rate_hz = \"48k\"\n"))));
      },
      {"rate_text.toml:12: settings.sample_rate_hz: expected a number, found a string"});
}

// Every setting of the catalogue is a key of [settings]; nothing else is.
TEST(PlanSettingKeys, EveryCatalogueSettingIsAKey) {
  const fs::path dir = t::scratch_dir();
  for (const SettingSpec& spec : settings()) {
    SCOPED_TRACE(std::string(spec.name));
    if (spec.name == "reference_load" || spec.name == "impedance_loads" || spec.name == "impedance_ports")
      continue;
    const std::string text =
        t::edit(t::kBasePlan, "[settings]\n",
                "[settings]\n" + std::string(spec.name) + " = " + default_text(spec) + "\n");
    EXPECT_NO_THROW(static_cast<void>(load_plan(t::write_plan(dir, std::string(spec.name), text))));
  }
}

}  // namespace

namespace {

// The durations the analyses need (plan/catalogue.hpp DurationLimits), worked out here by hand: a tone
// 0.1 + 2 * 0.01 + 0.05 = 0.17 s, a silence 0.1 + 0.1 = 0.2 s, a sweep from f1 to f2 0.5*ln(f2/f1)/f1:
// 20 Hz to 20 kHz 0.5 * 6.9078 / 20 = 0.17269 s (stated as 0.173), 1 Hz to 20 kHz 0.5 * 9.9035 = 4.9517 s
// (4.96); the impedance sweep runs to max(f2, min(0.95 * fs / 2, 40 kHz)): at 48 kHz to 22.8 kHz, from
// 20 Hz 0.5 * ln(1140) / 20 = 0.17597 s (0.176), from 1 Hz 0.5 * ln(22800) = 5.0173 s (5.02); at 96 kHz to
// 40 kHz, from 20 Hz 0.5 * ln(2000) / 20 = 0.19002 s (0.191).
struct DurationCase {
  std::string name;      ///< test name and file stem
  std::string settings;  ///< lines added after [settings] (line 12 on)
  std::vector<std::string> needles;
};

const std::string kToneWhy = "(0.1 s settling, two 10 ms fades, 0.05 s analysed)";

std::vector<DurationCase> duration_cases() {
  return {
      {"tone_0_15",
       "tone_duration_s = 0.15",
       {".toml:12: settings.tone_duration_s: 0.15 s is shorter than a tone can be analysed: use at least "
        "0.17 s " +
        kToneWhy}},
      {"tone_just_below",
       "tone_duration_s = 0.169",
       {".toml:12: settings.tone_duration_s: 0.169 s is shorter"}},
      {"dynamic_range_0_15",
       "dynamic_range_duration_s = 0.15",
       {".toml:12: settings.dynamic_range_duration_s: 0.15 s is shorter than a tone can be analysed: use at "
        "least 0.17 s " +
        kToneWhy}},
      {"noise_just_below",
       "noise_duration_s = 0.199",
       {".toml:12: settings.noise_duration_s: 0.199 s is shorter than a silence can be analysed: use at "
        "least 0.2 s "
        "(0.1 s settling, 0.1 s analysed)"}},
      {"sweep_just_below",
       "sweep_duration_s = 0.1726",
       {".toml:12: settings.sweep_duration_s: 0.1726 s is shorter than a synchronized sweep from 20 Hz to "
        "20000 Hz can "
        "be: use at least 0.173 s (0.5*ln(f2/f1)/f1"}},
      {"sweep_f1_raises_the_minimum",
       "sweep_f1_hz = 1",
       {".toml:12: settings.sweep_f1_hz: with this sweep_f1_hz, sweep_duration_s = 2 s (the default) is "
        "shorter than "
        "a synchronized sweep from 1 Hz to 20000 Hz can be: set sweep_duration_s to at least 4.96 s"}},
      {"impedance_just_below",
       "impedance_loads = [\"open\", \"r33\"]\nimpedance_sweep_duration_s = 0.175",
       {".toml:13: settings.impedance_sweep_duration_s: 0.175 s is shorter than the impedance sweep from 20 "
        "Hz to "
        "22800 Hz can be",
        "use at least 0.176 s"}},
      {"impedance_at_96k",
       "sample_rate_hz = 96000\nimpedance_loads = [\"open\", \"r33\"]\nimpedance_sweep_duration_s = 0.19",
       {".toml:14: settings.impedance_sweep_duration_s: 0.19 s is shorter than the impedance sweep from 20 "
        "Hz to 40000 "
        "Hz can be",
        "use at least 0.191 s"}},
      {"impedance_f1_raises_the_minimum",
       "sweep_f1_hz = 1\nsweep_duration_s = 5\nimpedance_loads = [\"open\", \"r33\"]",
       {".toml:12: settings.sweep_f1_hz: with this sweep_f1_hz, impedance_sweep_duration_s = 1 s (the "
        "default) is "
        "shorter than the impedance sweep from 1 Hz to 22800 Hz can be",
        "set impedance_sweep_duration_s to at least 5.02 s"}},
  };
}

class PlanDurations : public ::testing::TestWithParam<DurationCase> {};

TEST_P(PlanDurations, ShorterThanTheAnalysisNeedsIsRefused) {
  const DurationCase& c = GetParam();
  const fs::path file = t::write_plan(
      t::scratch_dir(), c.name, t::edit(t::kBasePlan, "[settings]\n", "[settings]\n" + c.settings + "\n"));
  std::vector<std::string> needles;
  for (const auto& n : c.needles) needles.push_back(n.starts_with(".toml:") ? c.name + n : n);
  t::expect_config_error([&] { static_cast<void>(load_plan(file)); }, needles);
}

INSTANTIATE_TEST_SUITE_P(Table, PlanDurations, ::testing::ValuesIn(duration_cases()),
                         [](const ::testing::TestParamInfo<DurationCase>& row) { return row.param.name; });

TEST(PlanDurationMinimums, TheMinimumsThemselvesLoad) {
  const fs::path dir = t::scratch_dir();
  const Plan plan = load_plan(t::write_plan(
      dir, "minimums",
      t::edit(t::kBasePlan, "[settings]\n",
              "[settings]\ntone_duration_s = 0.17\nnoise_duration_s = 0.2\nsweep_duration_s = 0.1727\n"
              "impedance_loads = [\"open\", \"r33\"]\nimpedance_sweep_duration_s = 0.176\n")));
  EXPECT_EQ(plan.settings.tone_duration_s, 0.17);
  EXPECT_EQ(plan.settings.noise_duration_s, 0.2);
  EXPECT_NO_THROW(static_cast<void>(load_plan(
      t::write_plan(dir, "at_96k",
                    t::edit(t::kBasePlan, "[settings]\n",
                            "[settings]\nsample_rate_hz = 96000\nimpedance_loads = [\"open\", \"r33\"]\n"
                            "impedance_sweep_duration_s = 0.191\n")))));
}

// A plan that measures no output impedance does not use its impedance sweep, however short.
TEST(PlanDurationMinimums, UnusedDurationsAreNotJudged) {
  EXPECT_NO_THROW(static_cast<void>(load_plan(t::write_plan(
      t::scratch_dir(), "unused",
      t::edit(t::kBasePlan, "[settings]\n", "[settings]\nsweep_f1_hz = 1\nsweep_duration_s = 5\n")))));
}

// The demo with a 0.15 s tone used to load and stop inside a configuration; now it is exit 2 at load.
TEST(PlanDurationMinimums, DemoWithAShortToneIsAUsageErrorAtLoad) {
  const fs::path dir = t::scratch_dir();
  std::ifstream in(t::repo_root() / "profiles/plans/demo.toml");
  const std::string demo((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto settings_at = demo.find("\n[settings]\n");
  ASSERT_NE(settings_at, std::string::npos);
  // [settings] is on the line after the newline before it; the tone goes on the line after that.
  const auto tone_line =
      std::count(demo.begin(), demo.begin() + static_cast<std::ptrdiff_t>(settings_at) + 1, '\n') + 2;
  const fs::path file =
      t::write_plan(dir, "demo", t::edit(demo, "\n[settings]\n", "\n[settings]\ntone_duration_s = 0.15\n"));
  try {
    static_cast<void>(load_plan(file));
    ADD_FAILURE() << "loaded";
  } catch (const bench::ConfigError& e) {
    EXPECT_EQ(bench::exit_code_for(e), bench::ExitCode::kUsage);
    EXPECT_NE(std::string(e.what()).find(
                  "demo.toml:" + std::to_string(tone_line) +
                  ": settings.tone_duration_s: 0.15 s is shorter than a tone can be analysed: "
                  "use at least 0.17 s " +
                  kToneWhy),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
