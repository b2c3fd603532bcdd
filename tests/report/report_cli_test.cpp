// The report commands of the real binary (BENCH_BIN): `bench report` rebuilds the outputs from report.json
// alone and refuses a missing, malformed or bench.report/1 file with exit 2 in one line; `bench compare`
// of the demo run against itself finds no difference, its line-out against its headphone-out chain shows
// what the profiles imply; exit codes, files written and nothing external in compare.html.
//
// Built as report_cli_tests (tests/CMakeLists.txt), apart from report_tests, since it needs bench itself.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/report/compare.hpp"
#include "bench/report/html.hpp"
#include "bench/report/junit.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

/// The demo run, made once per test process with the real binary.
const fs::path& demo_run() {
  static const fs::path dir = [] {
    const fs::path base =
        fs::path(BENCH_TEST_TMP) / "report" / ("compare-demo-" + std::to_string(::getpid()));
    fs::remove_all(base);
    fs::create_directories(base);
    const fs::path run = base / "run";
    const Proc p = shell(quote(BENCH_BIN) + " -q run " +
                             quote((repo_root() / "profiles" / "plans" / "demo.toml").string()) + " --out " +
                             quote(run.string()),
                         base, "demo");
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return run;
  }();
  return dir;
}

const json* find_compared_check(const json& configuration, const std::string& name,
                                const std::string& channel, const std::string& load = "") {
  for (const auto& c : configuration["checks"])
    if (c["name"] == name && c.value("channel", "") == channel && c.value("load", "") == load) return &c;
  return nullptr;
}

TEST(BenchReportCli, RebuildsFromReportJsonAlone) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  write_report(run, sample_record());
  const Proc p = shell(quote(BENCH_BIN) + " report " + quote(run.string()), dir);
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(fs::is_regular_file(run / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(run / "junit.xml"));
  EXPECT_TRUE(fs::is_regular_file(run / "exports" / "good" / "right_harmonics.csv"));
  // The same bytes as the library makes from the record: the CLI only reads and writes.
  const record::RunRecord r = read_record(run);
  EXPECT_EQ(slurp(run / "index.html"), html_report(r));
  EXPECT_EQ(slurp(run / "junit.xml"), junit_xml(r));
}

TEST(BenchReportCli, MissingMalformedOrFirstLayoutReportExitsTwoWithOneLine) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  fs::create_directories(run);
  Proc p = shell(quote(BENCH_BIN) + " report " + quote(run.string()), dir);
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_EQ(p.err, "bench: error: " + (run / "report.json").string() +
                       ": no such file: give the run directory of a `bench run` (it holds report.json)\n");
  spit(run / "report.json", "not json");
  p = shell(quote(BENCH_BIN) + " report " + quote(run.string()), dir);
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_EQ(count(p.err, "\n"), 1u) << p.err;
  EXPECT_EQ(p.err.rfind("bench: error: " + (run / "report.json").string() + ": not valid JSON", 0), 0u)
      << p.err;
  spit(run / "report.json",
       R"({"schema": "bench.report/1", "plan": {"file": "x.toml"}, "configurations": []})");
  p = shell(quote(BENCH_BIN) + " report " + quote(run.string()), dir);
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_NE(p.err.find("convert it with `bench reanalyze RUN_DIR`"), std::string::npos) << p.err;
  EXPECT_EQ(count(p.err, "\n"), 1u) << p.err;
  EXPECT_FALSE(fs::exists(run / "index.html"));
}

TEST(CompareDemo, ARunAgainstItselfHasNoDifferencesAndNothingUnmatched) {
  const std::vector<CompareRun> runs = {{demo_run(), read_record(demo_run())},
                                        {demo_run(), read_record(demo_run())}};
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
      EXPECT_TRUE(d["verdict"].is_null()) << k.dump();
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

TEST(CompareDemo, LineOutAgainstHeadphoneOutShowsWhatTheProfilesImply) {
  const CompareRun run{demo_run(), read_record(demo_run())};
  const Comparison c = compare_configurations(run, "line_trs_to_amp_trs", "hp_to_amp_stereo");
  ASSERT_EQ(c.doc["configurations"].size(), 1u);
  const json& g = c.doc["configurations"][0];
  // scarlett_2i2.toml: headphone_out 1.7 Vrms full scale, 10 ohm, volume -6 dB; line_out 4.9 Vrms, 430 ohm.
  // desktop_amp.toml: stereo (headphone) input 10 kohm, TRS line input 20 kohm; the amp gain is the same.
  const double expected = (20 * std::log10(1.7) - 6 + 20 * std::log10(10000.0 / (10000 + 10))) -
                          (20 * std::log10(4.9) + 20 * std::log10(20000.0 / (20000 + 430)));
  for (const char* ch : {"left", "right"}) {
    const json* k = find_compared_check(g, "level_dbv", ch);
    ASSERT_NE(k, nullptr) << ch;
    EXPECT_NEAR((*k)["differences"][0]["difference"].get<double>(), expected, 0.1) << k->dump();
    EXPECT_EQ((*k)["differences"][0]["unit"], "dB");
    EXPECT_NE((*k)["differences"][0]["sentence"].get<std::string>().find("lower"), std::string::npos);
    // The maximum output into the reference load is lower: the interface's full scale comes first.
    const json* m = find_compared_check(g, "max_output_vrms", ch, "r300");
    ASSERT_NE(m, nullptr) << ch;
    EXPECT_LT((*m)["differences"][0]["difference"].get<double>(), 0) << m->dump();
    EXPECT_EQ((*m)["differences"][0]["unit"], "Vrms");
    EXPECT_NE((*m)["differences"][0]["sentence"].get<std::string>().find("worse (at least "),
              std::string::npos)
        << (*m)["differences"][0]["sentence"];
  }
  EXPECT_TRUE(c.doc["unmatched"]["configurations"].empty());
  EXPECT_THROW((void)compare_configurations(run, "line_trs_to_amp_trs", "no_such_fixture"), InputError);
}

TEST(CompareCli, ExitCodesFilesAndNothingExternal) {
  const fs::path dir = scratch();
  const std::string bin = quote(BENCH_BIN);
  const std::string run = quote(demo_run().string());

  Proc p = shell(bin + " compare " + run + " --out " + quote((dir / "one").string()), dir, "one");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_EQ(count(p.err, "\n"), 1u) << p.err;

  fs::create_directories(dir / "empty");
  p = shell(bin + " compare " + run + " " + quote((dir / "empty").string()) + " --out " +
                quote((dir / "missing").string()),
            dir, "missing");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_NE(p.err.find((dir / "empty" / "report.json").string()), std::string::npos) << p.err;
  EXPECT_EQ(count(p.err, "\n"), 1u) << p.err;

  fs::create_directories(dir / "bad");
  spit(dir / "bad" / "report.json", "{ not json");
  p = shell(bin + " compare " + run + " " + quote((dir / "bad").string()), dir, "bad");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_NE(p.err.find((dir / "bad" / "report.json").string()), std::string::npos) << p.err;

  for (const auto& [tag, args] : std::vector<std::pair<std::string, std::string>>{
           {"runs", run + " " + run},
           {"configurations", run + " --configurations line_trs_to_amp_trs hp_to_amp_stereo"}}) {
    const fs::path out = dir / tag;
    p = shell(bin + " compare " + args + " --out " + quote(out.string()), dir, tag);
    EXPECT_EQ(p.exit_code, 0) << p.err;
    ASSERT_TRUE(fs::is_regular_file(out / "compare.json")) << tag;
    ASSERT_TRUE(fs::is_regular_file(out / "compare.html")) << tag;
    const json doc = json::parse(slurp(out / "compare.json"));
    EXPECT_EQ(doc["schema"], "bench.compare/1");
    const std::string html = slurp(out / "compare.html");
    for (const char* external : {"http:", "https:", "src=", "href=", "<script", "@import"})
      EXPECT_EQ(html.find(external), std::string::npos) << tag << ": " << external;
    EXPECT_EQ(count(html, "url("), count(html, "url(#")) << tag << ": only references inside the page";
    EXPECT_GE(count(html, "<svg"), 6u) << tag;
    for (const auto& e : fs::directory_iterator(out)) EXPECT_NE(e.path().extension(), ".partial");
  }
  p = shell(bin + " compare " + run + " --configurations line_trs_to_amp_trs nope --out " +
                quote((dir / "nope").string()),
            dir, "nope");
  EXPECT_EQ(p.exit_code, 2) << p.err;
  EXPECT_NE(p.err.find("nope"), std::string::npos) << p.err;
}

}  // namespace
}  // namespace bench::report::test
