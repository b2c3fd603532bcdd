// Limit sets through the catalogue: each [checks.<name>] gives its check's limit only in the forms that check
// accepts (plan/catalogue.hpp), and every other form is a ConfigError at its own line saying why and what to
// write instead. Each row starts from kLimitBase (which loads) and changes one thing.
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

// Line numbers: [checks.thd_db] 5, max 6, [checks.level_dbv] 8, tolerance 9, [checks.polarity] 11,
// [checks.channel_map] 13, expected 14.
const char* const kLimitBase = R"(
[limits]
name = "QA"

[checks.thd_db]
max = -70

[checks.level_dbv]
tolerance = 1

[checks.polarity]

[checks.channel_map]
expected = "L->L, R->R"
)";

struct LimitErrorCase {
  std::string name;                  ///< test name and file stem
  std::string text;                  ///< the limits file
  std::vector<std::string> needles;  ///< each in the message, after the file's name
};

std::string base_with(const std::string& from, const std::string& to) {
  return t::edit(kLimitBase, from, to);
}

std::vector<LimitErrorCase> limit_error_cases() {
  const std::string base = kLimitBase;
  return {
      {"tolerance_on_thd",
       base_with("max = -70", "tolerance = 1"),
       {".toml:6: checks.thd_db.tolerance: thd_db takes no tolerance (it has no expectation to be a "
        "tolerance "
        "around): use min or max"}},
      {"tolerance_beside_max",
       base_with("max = -70", "max = -70\ntolerance = 1"),
       {".toml:7: checks.thd_db.tolerance: thd_db takes no tolerance"}},
      {"min_on_level",
       base_with("tolerance = 1", "min = -1"),
       {".toml:9: checks.level_dbv.min: level_dbv takes no min (its limit is a tolerance around the "
        "profiles' "
        "expectation): use tolerance"}},
      {"max_beside_tolerance",
       base_with("tolerance = 1", "tolerance = 1\nmax = 3"),
       {".toml:10: checks.level_dbv.max: level_dbv takes no max", "use tolerance"}},
      {"expected_on_thd",
       base_with("max = -70", "max = -70\nexpected = \"low\""),
       {".toml:7: checks.thd_db.expected: thd_db takes no expected (it is a number, not a word): use min or "
        "max"}},
      {"number_on_polarity",
       base_with("[checks.polarity]\n", "[checks.polarity]\nmin = 0\n"),
       {".toml:12: checks.polarity.min: polarity takes no min (this check takes no numbers: its presence "
        "means it "
        "is checked): leave [checks.polarity] empty, or give expected = "}},
      {"tolerance_on_channel_map",
       base_with("expected = \"L->L, R->R\"", "tolerance = 0"),
       {".toml:14: checks.channel_map.tolerance: channel_map takes no tolerance"}},
      {"expected_not_a_string",
       base_with("expected = \"L->L, R->R\"", "expected = 1"),
       {".toml:14: checks.channel_map.expected: expected a string, found an integer"}},
      {"expected_blank",
       base_with("expected = \"L->L, R->R\"", "expected = \" \""),
       {".toml:14: checks.channel_map.expected: is empty"}},
      {"unknown_key_in_word_check",
       base_with("expected = \"L->L, R->R\"", "expect = \"L->L, R->R\""),
       {".toml:14: checks.channel_map.expect: unknown key in [checks.channel_map]",
        "did you mean \"expected\"?", "allowed keys here: expected"}},
      {"clock_drift_with_max",
       base + "\n[checks.clock_drift_ppm]\nmax = 10\n",
       {".toml:16: checks.clock_drift_ppm: clock_drift_ppm takes no limit (it is recorded only: beyond "
        "settings.drift_tolerance_ppm every check is ERROR): remove [checks.clock_drift_ppm]"}},
      {"clock_drift_empty",
       base + "\n[checks.clock_drift_ppm]\n",
       {".toml:16: checks.clock_drift_ppm: clock_drift_ppm takes no limit"}},
      {"level_without_tolerance",
       base_with("tolerance = 1\n", ""),
       {".toml:8: checks.level_dbv: no limit given: set tolerance, or remove the check"}},
      {"unknown_check_suggests",
       base_with("[checks.thd_db]", "[checks.thd_dB]"),
       {".toml:5: checks.thd_dB: unknown check: did you mean \"thd_db\"? use one of channel_map, polarity"}},
      {"unknown_check_lists_no_recorded_only",
       base_with("[checks.thd_db]", "[checks.drift]"),
       {".toml:5: checks.drift: unknown check: use one of channel_map,"}},
  };
}

class PlanLimitErrors : public ::testing::TestWithParam<LimitErrorCase> {};

TEST_P(PlanLimitErrors, NameLineKeyAndFix) {
  const LimitErrorCase& c = GetParam();
  ASSERT_EQ(c.text.find(t::kEditNotFound), std::string::npos) << c.text;
  const fs::path file = t::write_file(t::scratch_dir(), c.name + ".toml", c.text);
  std::vector<std::string> needles;
  // Needles starting at ".toml:" follow the file's stem.
  for (const auto& n : c.needles) needles.push_back(n.starts_with(".toml:") ? c.name + n : n);
  t::expect_config_error([&] { static_cast<void>(load_limits(file)); }, needles);
}

INSTANTIATE_TEST_SUITE_P(Table, PlanLimitErrors, ::testing::ValuesIn(limit_error_cases()),
                         [](const ::testing::TestParamInfo<LimitErrorCase>& row) { return row.param.name; });

TEST(PlanLimitForms, BaseLoadsWithEachForm) {
  const LimitSet set = load_limits(t::write_file(t::scratch_dir(), "qa.toml", kLimitBase));
  EXPECT_EQ(set.id, "qa");
  EXPECT_EQ(set.name, "QA");
  ASSERT_EQ(set.limits.size(), 4u);
  EXPECT_EQ(set.limits.at("thd_db").max, -70);
  EXPECT_FALSE(set.limits.at("thd_db").min.has_value());
  EXPECT_EQ(set.limits.at("level_dbv").tolerance, 1);
  // A word check with an empty table is made against its natural word; expected names another.
  EXPECT_FALSE(set.limits.at("polarity").expected.has_value());
  EXPECT_EQ(set.limits.at("channel_map").expected, "L->L, R->R");
}

// The recorded-only check is the one check of the catalogue without limit forms; every other check
// takes a table in the forms named here by hand.
TEST(PlanLimitForms, CatalogueFormsAreTheOnesWrittenHere) {
  const auto forms = [](std::string_view name) {
    const CheckSpec& c = check(name);
    std::string f;
    for (LimitForm form : {LimitForm::kMin, LimitForm::kMax, LimitForm::kTolerance, LimitForm::kExpected})
      if (accepts(c, form)) {
        if (!f.empty()) f += ",";
        f += to_string(form);
      }
    return f;
  };
  EXPECT_EQ(forms("clock_drift_ppm"), "");
  EXPECT_EQ(forms("channel_map"), "expected");
  EXPECT_EQ(forms("polarity"), "expected");
  EXPECT_EQ(forms("level_dbv"), "tolerance");
  EXPECT_EQ(forms("gain_db"), "tolerance");
  for (const char* name :
       {"thd_db", "thd_n_db", "snr_db", "crosstalk_db", "max_output_vrms", "damping_factor"})
    EXPECT_EQ(forms(name), "min,max") << name;
}

}  // namespace
