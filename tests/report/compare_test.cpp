// `bench compare` and bench/report/compare: a run against itself (no differences, nothing unmatched), the
// demo run's line-out against its headphone-out chain (the level difference the profiles imply, the lower
// maximum output of the headphone-out chain), a made-up pair with a known difference and one-sided
// items, and the command line (exit codes, files written, nothing external in compare.html).
#include "bench/report/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/report/outputs.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

/// The demo run, made once per test process with the real binary.
const fs::path& demo_run() {
  static const fs::path dir = [] {
    const fs::path base = fs::path(BENCH_TEST_TMP) / "report" / ("compare-demo-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    const fs::path run = base / "run";
    const Proc p = shell(quote(BENCH_BIN) + " -q run " + quote((repo_root() / "profiles" / "plans" / "demo.toml").string()) + " --out " +
                             quote(run.string()),
                         base, "demo");
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return run;
  }();
  return dir;
}

const json* find_check(const json& configuration, const std::string& name, const std::string& channel, const std::string& load = "") {
  for (const auto& c : configuration["checks"])
    if (c["name"] == name && c.value("channel", "") == channel && c.value("load", "") == load) return &c;
  return nullptr;
}

TEST(Compare, ARunAgainstItselfHasNoDifferencesAndNothingUnmatched) {
  const std::vector<CompareRun> runs = {{demo_run(), read_report(demo_run())}, {demo_run(), read_report(demo_run())}};
  const Comparison c = compare_runs(runs);
  EXPECT_EQ(c.doc["schema"], "bench.compare/1");
  ASSERT_EQ(c.doc["configurations"].size(), 5u);
  EXPECT_TRUE(c.doc["unmatched"]["configurations"].empty());
  EXPECT_TRUE(c.doc["unmatched"]["checks"].empty());
  std::size_t numeric = 0;
  for (const auto& g : c.doc["configurations"]) {
    ASSERT_FALSE(g["checks"].empty());
    for (const auto& k : g["checks"]) {
      ASSERT_EQ(k["differences"].size(), 1u);
      const json& d = k["differences"][0];
      if (d["difference"].is_number()) {
        ++numeric;
        EXPECT_EQ(d["difference"].get<double>(), 0.0) << k.dump();
        EXPECT_NE(d["sentence"].get<std::string>().find("the same"), std::string::npos) << d["sentence"];
      } else if (k["values"][0].is_null()) {
        EXPECT_TRUE(k["values"][1].is_null());
      } else {
        EXPECT_TRUE(d["same"].get<bool>()) << k.dump();
      }
    }
  }
  EXPECT_GT(numeric, 50u);
  EXPECT_EQ(c.doc["runs"].size(), 2u);
  EXPECT_EQ(c.doc["runs"][0]["plan_id"], "demo");
}

TEST(Compare, LineOutAgainstHeadphoneOutShowsWhatTheProfilesImply) {
  const CompareRun run{demo_run(), read_report(demo_run())};
  const Comparison c = compare_configurations(run, "line_trs_to_amp_trs", "hp_to_amp_stereo");
  ASSERT_EQ(c.doc["configurations"].size(), 1u);
  const json& g = c.doc["configurations"][0];
  // scarlett_2i2.toml: headphone_out 1.7 Vrms full scale, 10 ohm, volume -6 dB; line_out 4.9 Vrms, 430 ohm.
  // desktop_amp.toml: stereo (headphone) input 10 kohm, TRS line input 20 kohm; the amp gain is the same.
  const double expected = (20 * std::log10(1.7) - 6 + 20 * std::log10(10000.0 / (10000 + 10))) -
                          (20 * std::log10(4.9) + 20 * std::log10(20000.0 / (20000 + 430)));
  for (const char* ch : {"left", "right"}) {
    const json* k = find_check(g, "level_dbv", ch);
    ASSERT_NE(k, nullptr) << ch;
    EXPECT_NEAR((*k)["differences"][0]["difference"].get<double>(), expected, 0.1) << k->dump();
    EXPECT_EQ((*k)["differences"][0]["unit"], "dB");
    EXPECT_NE((*k)["differences"][0]["sentence"].get<std::string>().find("lower"), std::string::npos);
    // The maximum output into the reference load is lower: the interface's full scale comes first.
    const json* m = find_check(g, "max_output_vrms", ch, "r300");
    ASSERT_NE(m, nullptr) << ch;
    EXPECT_LT((*m)["differences"][0]["difference"].get<double>(), 0) << m->dump();
    EXPECT_EQ((*m)["differences"][0]["unit"], "Vrms");
    EXPECT_NE((*m)["differences"][0]["sentence"].get<std::string>().find("worse"), std::string::npos);
  }
  EXPECT_TRUE(c.doc["unmatched"]["configurations"].empty());
  EXPECT_THROW((void)compare_configurations(run, "line_trs_to_amp_trs", "no_such_fixture"), InputError);
}

json made_up(double thd_n, bool with_level, bool with_snr, bool with_extra_fixture) {
  json checks = json::array({{{"name", "thd_n_db"}, {"channel", "left"}, {"level_dbfs", -6}, {"value", thd_n}, {"unit", "dB"}, {"outcome", "pass"}}});
  if (with_level) checks.push_back({{"name", "level_dbv"}, {"channel", "left"}, {"value", 1.0}, {"unit", "dBV"}, {"outcome", "pass"}});
  if (with_snr) checks.push_back({{"name", "snr_db"}, {"channel", "left"}, {"value", 100.0}, {"unit", "dB"}, {"outcome", "pass"}});
  json cfgs = json::array({{{"fixture", {{"id", "shared"}}}, {"outcome", "pass"}, {"checks", checks}, {"measurements", json::object()}}});
  if (with_extra_fixture) cfgs.push_back({{"fixture", {{"id", "only_here"}}}, {"outcome", "pass"}, {"checks", json::array()}});
  return {{"schema", "bench.report/1"}, {"created_utc", "2024-01-01T00:00:00Z"}, {"plan", {{"id", "made_up"}}}, {"configurations", cfgs}};
}

TEST(Compare, AKnownDifferenceAndOneSidedItems) {
  const fs::path dir = scratch();
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  spit(dir / "a" / "report.json", made_up(-80.0, true, false, true).dump());
  spit(dir / "b" / "report.json", made_up(-71.5, false, true, false).dump());
  const std::vector<CompareRun> runs = {{dir / "a", read_report(dir / "a")}, {dir / "b", read_report(dir / "b")}};
  const Comparison c = compare_runs(runs);
  ASSERT_EQ(c.doc["configurations"].size(), 1u);
  const json* k = find_check(c.doc["configurations"][0], "thd_n_db", "left");
  ASSERT_NE(k, nullptr);
  EXPECT_DOUBLE_EQ((*k)["differences"][0]["difference"].get<double>(), 8.5);
  EXPECT_NE((*k)["differences"][0]["sentence"].get<std::string>().find("8.50 dB higher, worse"), std::string::npos) << (*k)["differences"][0]["sentence"];
  const json& uc = c.doc["unmatched"]["configurations"];
  ASSERT_EQ(uc.size(), 1u);
  EXPECT_EQ(uc[0]["fixture"], "only_here");
  EXPECT_EQ(uc[0]["present_in"], json::array({0}));
  const json& uk = c.doc["unmatched"]["checks"];
  ASSERT_EQ(uk.size(), 2u);
  EXPECT_EQ(uk[0]["name"], "level_dbv");
  EXPECT_EQ(uk[0]["present_in"], json::array({0}));
  EXPECT_EQ(uk[1]["name"], "snr_db");
  EXPECT_EQ(uk[1]["present_in"], json::array({1}));
  const std::string html = compare_html(c, runs);
  EXPECT_NE(html.find("only_here"), std::string::npos);
  EXPECT_NE(html.find("8.50 dB higher, worse"), std::string::npos);
}

// The impedance overlays join compare.html only where a side measured the output impedance.
TEST(Compare, ImpedanceOverlaysOnlyWhereMeasured) {
  const fs::path dir = scratch();
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  json a = made_up(-80.0, true, false, false), b = made_up(-75.0, true, false, false);
  a["configurations"][0]["measurements"]["impedance"] = impedance_measurement();
  spit(dir / "a" / "report.json", a.dump());
  spit(dir / "b" / "report.json", b.dump());
  std::vector<CompareRun> runs = {{dir / "a", read_report(dir / "a")}, {dir / "b", read_report(dir / "b")}};
  const std::string with = compare_html(compare_runs(runs), runs);
  EXPECT_EQ(count(with, "class=\"plot plot-impedance\""), 1u);
  EXPECT_EQ(count(with, "class=\"plot plot-loading\""), 1u);
  EXPECT_NE(with.find("|Z_out| (ohm)"), std::string::npos);
  EXPECT_NE(with.find(" hp_a"), std::string::npos);  // the headphone's predicted change, labelled by side
  spit(dir / "a" / "report.json", made_up(-80.0, true, false, false).dump());
  runs = {{dir / "a", read_report(dir / "a")}, {dir / "b", read_report(dir / "b")}};
  EXPECT_EQ(compare_html(compare_runs(runs), runs).find("plot-impedance"), std::string::npos);
}

TEST(CompareCli, ExitCodesFilesAndNothingExternal) {
  const fs::path dir = scratch();
  const std::string bin = quote(BENCH_BIN);
  const std::string run = quote(demo_run().string());

  Proc p = shell(bin + " compare " + run + " --out " + quote((dir / "one").string()), dir, "one");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_EQ(count(p.err, "\n"), 1u) << p.err;

  fs::create_directories(dir / "empty");
  p = shell(bin + " compare " + run + " " + quote((dir / "empty").string()) + " --out " + quote((dir / "missing").string()), dir, "missing");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_NE(p.err.find((dir / "empty" / "report.json").string()), std::string::npos) << p.err;
  EXPECT_EQ(count(p.err, "\n"), 1u) << p.err;

  fs::create_directories(dir / "bad");
  spit(dir / "bad" / "report.json", "{ not json");
  p = shell(bin + " compare " + run + " " + quote((dir / "bad").string()), dir, "bad");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_NE(p.err.find((dir / "bad" / "report.json").string()), std::string::npos) << p.err;

  for (const auto& [tag, args] : std::vector<std::pair<std::string, std::string>>{
           {"runs", run + " " + run}, {"configurations", run + " --configurations line_trs_to_amp_trs hp_to_amp_stereo"}}) {
    const fs::path out = dir / tag;
    p = shell(bin + " compare " + args + " --out " + quote(out.string()), dir, tag);
    EXPECT_EQ(p.exit_code, 0) << p.err;
    ASSERT_TRUE(fs::is_regular_file(out / "compare.json")) << tag;
    ASSERT_TRUE(fs::is_regular_file(out / "compare.html")) << tag;
    const json doc = json::parse(slurp(out / "compare.json"));
    EXPECT_EQ(doc["schema"], "bench.compare/1");
    const std::string html = slurp(out / "compare.html");
    for (const char* external : {"http:", "https:", "src=", "href=", "<script", "@import"}) EXPECT_EQ(html.find(external), std::string::npos) << tag << ": " << external;
    EXPECT_EQ(count(html, "url("), count(html, "url(#")) << tag << ": only references inside the page";
    EXPECT_GE(count(html, "<svg"), 6u) << tag;
    for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().extension(), ".partial");
  }
  p = shell(bin + " compare " + run + " --configurations line_trs_to_amp_trs nope --out " + quote((dir / "nope").string()), dir, "nope");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_NE(p.err.find("nope"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace bench::report::test
