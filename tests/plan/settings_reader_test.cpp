// [settings] read through the catalogue: every numeric setting's range, written out here by hand from
// what the loader allowed before the catalogue existed, so a catalogue range that drifts fails a row; the
// bounds themselves load.
#include <gtest/gtest.h>

#include <filesystem>
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
