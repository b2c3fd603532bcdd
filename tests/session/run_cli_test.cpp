// Tier 2, the `bench run` contract as a real process: exit codes, report.json's shape, the captures on
// disk, and the refusals (malformed plan, a run directory that already holds files).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/plan/load.hpp"
#include "session_test_support.hpp"

namespace bench::session::test {
namespace {

using nlohmann::json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q.append("'\\''");
    else q.push_back(c);
  }
  return q + "'";
}

struct Proc {
  int exit_code = -1;
  std::string out, err;
};

// Runs `bench <args>` with stdout and stderr into files of dir.
Proc bench(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt", err = dir / "stderr.txt";
  const std::string cmd = quote(BENCH_BIN) + " " + args + " >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  const int status = std::system(cmd.c_str());
  Proc o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = slurp(out);
  o.err = slurp(err);
  return o;
}

// A fresh scratch directory per test.
fs::path scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return fresh_dir(std::string("cli.") + info->test_suite_name() + "." + info->name());
}

std::size_t lines(const std::string& s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\n';
  return n + (!s.empty() && s.back() != '\n');
}

TEST(BenchRunCli, FaultsPlanExitsOneAndWritesACompleteReport) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o = bench("run " + quote(plan_file("faults").string()) + " --out " + quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 1) << o.err;
  const fs::path report = run / "report.json";
  ASSERT_TRUE(fs::exists(report)) << o.err;
  json doc;
  ASSERT_NO_THROW(doc = json::parse(slurp(report)));
  EXPECT_EQ(doc.value("schema", ""), "bench.report/1");
  EXPECT_EQ(doc.value("outcome", ""), "fail");
  ASSERT_TRUE(doc.contains("configurations") && doc["configurations"].is_array());
  EXPECT_EQ(doc["configurations"].size(), 6u);
  std::size_t captures = 0;
  for (const auto& c : doc["configurations"]) {
    ASSERT_TRUE(c.contains("fixture") && c.contains("outcome") && c.contains("checks")) << c.dump().substr(0, 300);
    const std::string id = c["fixture"].is_object() ? c["fixture"].value("id", "") : c["fixture"].dump();
    SCOPED_TRACE(id);
    EXPECT_EQ(c["outcome"], id == "line_trs_to_amp_trs" ? "pass" : "fail");
    ASSERT_TRUE(c["checks"].is_array());
    EXPECT_FALSE(c["checks"].empty());
    for (const auto& k : c["checks"])
      for (const char* key : {"name", "value", "unit", "limit", "outcome", "explanation"})
        EXPECT_TRUE(k.contains(key)) << "check lacks " << key << ": " << k.dump();
    ASSERT_TRUE(c.contains("captures") && c["captures"].is_array());
    EXPECT_FALSE(c["captures"].empty());
    for (const auto& cap : c["captures"]) {
      const fs::path wav = run / cap.get<std::string>();
      ++captures;
      EXPECT_EQ(wav.extension(), ".wav") << wav;
      EXPECT_TRUE(fs::is_regular_file(wav)) << wav;
      EXPECT_GT(fs::exists(wav) ? fs::file_size(wav) : 0, 44u) << wav;
      const fs::path sidecar = wav.string() + ".json";
      ASSERT_TRUE(fs::is_regular_file(sidecar)) << sidecar;
      json side;
      EXPECT_NO_THROW(side = json::parse(slurp(sidecar))) << sidecar;
    }
  }
  EXPECT_GT(captures, 0u);

  // bench reanalyze recomputes every check from the kept captures: the same checks, bit for bit.
  const Proc re = bench("reanalyze " + quote(run.string()) + " --out " + quote((dir / "re").string()), dir);
  EXPECT_EQ(re.exit_code, 1) << re.err;
  ASSERT_TRUE(fs::exists(dir / "re" / "report.json")) << re.err;
  const json again = json::parse(slurp(dir / "re" / "report.json"));
  ASSERT_EQ(again["configurations"].size(), doc["configurations"].size());
  for (std::size_t i = 0; i < doc["configurations"].size(); ++i)
    EXPECT_EQ(again["configurations"][i]["checks"], doc["configurations"][i]["checks"]) << i;
  EXPECT_EQ(again["reanalysis_of"]["identical_checks"], again["reanalysis_of"]["checks"]);

  // A capture gone: the bench cannot measure (exit 3), says which file, and keeps the partial report.
  const std::string lost = doc["configurations"][2]["captures"][0].get<std::string>();
  fs::remove(run / lost);
  const Proc broken = bench("reanalyze " + quote(run.string()) + " --out " + quote((dir / "re2").string()), dir);
  EXPECT_EQ(broken.exit_code, 3) << broken.err;
  EXPECT_NE(broken.err.find(fs::path(lost).filename().string()), std::string::npos) << broken.err;
  EXPECT_TRUE(fs::exists(dir / "re2" / "report.json"));
  fs::remove_all(dir);
}

TEST(BenchRunCli, DemoPlanExitsZero) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o = bench("run " + quote(plan_file("demo").string()) + " --out " + quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  ASSERT_TRUE(fs::exists(run / "report.json"));
  const json doc = json::parse(slurp(run / "report.json"));
  EXPECT_EQ(doc.value("outcome", ""), "pass");
  EXPECT_EQ(doc["summary"].value("pass", 0), 5);
  fs::remove_all(dir);
}

// The 47 ohm amplifier end to end: exit 1 for the loading FAIL, the impedance in report.json, the
// .zma exports that the bench's own reader takes back.
TEST(BenchRunCli, HighImpedancePlanFailsAndExportsTheImpedance) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  const Proc o = bench("run " + quote(plan_file("impedance_high_z").string()) + " --out " + quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.out.find("fail: loading_deviation_db left into hp_dynamic_32"), std::string::npos) << o.out;
  const json doc = json::parse(slurp(run / "report.json"));
  const json& m = doc["configurations"][0]["measurements"]["impedance"];
  EXPECT_NEAR(m["channels"]["left"]["at_1khz"]["impedance_ohm"].get<double>(), 47.0, 0.02 * 47);
  const auto points = plan::read_zma(run / "exports" / "line_trs_to_amp_trs" / "left_output_impedance.zma");
  EXPECT_EQ(points.size(), m["channels"]["left"]["frequency_hz"].size());
  EXPECT_TRUE(fs::exists(run / "captures" / "line_trs_to_amp_trs" / "impedance_r33.wav"));
  // The impedance takes are kept like every other: bench reanalyze gives the same checks, bit for bit.
  const Proc re = bench("reanalyze " + quote(run.string()) + " --out " + quote((dir / "re").string()), dir);
  EXPECT_EQ(re.exit_code, 1) << re.err;
  const json again = json::parse(slurp(dir / "re" / "report.json"));
  EXPECT_EQ(again["configurations"][0]["checks"], doc["configurations"][0]["checks"]);
  EXPECT_EQ(again["reanalysis_of"]["identical_checks"], again["reanalysis_of"]["checks"]);
  fs::remove_all(dir);
}

TEST(BenchRunCli, RelayBoardOnlyWithRealDevicesAndMissingBoardIsExitThree) {
  const fs::path dir = scratch();
  const Proc sim = bench("run " + quote(plan_file("impedance").string()) + " --relay-board any --out " + quote((dir / "a").string()), dir);
  EXPECT_EQ(sim.exit_code, 2) << sim.err;
  EXPECT_EQ(lines(sim.err), 1u) << sim.err;
  EXPECT_NE(sim.err.find("--backend rtaudio"), std::string::npos) << sim.err;
  // No board on this machine: the documented one-line HardwareError, before any run directory exists.
  const Proc live = bench("run " + quote(plan_file("impedance").string()) + " --backend rtaudio --relay-board any --out " +
                              quote((dir / "b").string()),
                          dir);
  EXPECT_EQ(live.exit_code, 3) << live.err;
  EXPECT_EQ(lines(live.err), 1u) << live.err;
  EXPECT_NE(live.err.find("no USB relay board"), std::string::npos) << live.err;
  EXPECT_FALSE(fs::exists(dir / "b"));
  fs::remove_all(dir);
}

TEST(BenchRunCli, MissingPlanExitsTwoWithOneStderrLine) {
  const fs::path dir = scratch();
  const Proc o = bench("run " + quote((dir / "no_such_plan.toml").string()) + " --out " + quote((dir / "run").string()), dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "no_such_plan.toml")) << o.err;
  EXPECT_FALSE(fs::exists(dir / "run" / "report.json"));
  fs::remove_all(dir);
}

TEST(BenchRunCli, MalformedPlanExitsTwoWithOneStderrLine) {
  const fs::path dir = scratch();
  const fs::path plan = dir / "broken.toml";
  std::ofstream(plan) << "[plan]\nname = \"broken\nfixtures = [\n";
  const Proc o = bench("run " + quote(plan.string()) + " --out " + quote((dir / "run").string()), dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "broken.toml")) << o.err;
  EXPECT_FALSE(fs::exists(dir / "run" / "report.json"));
  fs::remove_all(dir);
}

TEST(BenchRunCli, RunDirectoryThatHoldsFilesIsRefused) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  fs::create_directories(run);
  std::ofstream(run / "earlier.txt") << "an earlier run's file\n";
  const Proc o = bench("run " + quote(plan_file("demo").string()) + " --out " + quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "already holds files")) << o.err;
  EXPECT_FALSE(fs::exists(run / "report.json"));
  EXPECT_FALSE(fs::exists(run / "captures"));
  EXPECT_EQ(slurp(run / "earlier.txt"), "an earlier run's file\n");
  fs::remove_all(dir);
}

TEST(BenchRunCli, FixtureOptionMeasuresOnlyThatConfigurationAndReanalyzeFollows) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  // faults/inverted_right alone: the one configuration, failing on polarity only (the fixture's fault).
  const Proc o = bench("run " + quote(plan_file("live").string()) + " --fixture faults/inverted_right --out " + quote(run.string()), dir);
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  const json doc = json::parse(slurp(run / "report.json"));
  ASSERT_EQ(doc["configurations"].size(), 1u);
  EXPECT_EQ(doc["configurations"][0]["fixture"].value("id", ""), "faults/inverted_right");
  EXPECT_EQ(doc["summary"].value("fail", 0), 1);
  // Re-analysed from its captures: the same one configuration, not every fixture of the plan.
  const Proc r = bench("reanalyze " + quote(run.string()) + " --out " + quote((dir / "again").string()), dir);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "identical")) << r.out;
  const json redone = json::parse(slurp(dir / "again" / "report.json"));
  EXPECT_EQ(redone["configurations"].size(), 1u);
  EXPECT_EQ(redone["reanalysis_of"]["checks"], redone["reanalysis_of"]["identical_checks"]);
  fs::remove_all(dir);
}

TEST(BenchRunCli, UnknownFixtureOptionIsAUsageErrorNamingTheChoices) {
  const fs::path dir = scratch();
  const Proc o = bench("run " + quote(plan_file("live").string()) + " --fixture faults/nope --out " + quote((dir / "run").string()), dir);
  EXPECT_EQ(o.exit_code, 2) << o.err;
  EXPECT_EQ(lines(o.err), 1u) << o.err;
  EXPECT_TRUE(contains(o.err, "--fixture faults/nope")) << o.err;
  EXPECT_TRUE(contains(o.err, "use one of line_trs_to_amp_trs, line_trs_to_amp_xlr")) << o.err;
  EXPECT_FALSE(fs::exists(dir / "run"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace bench::session::test
