// write_all, read_report and `bench report`: every file written atomically, an unwritable place named in
// one line with what was already written kept, and a missing or malformed report.json refused with exit 2.
#include "bench/report/outputs.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bench/core/error.hpp"
#include "bench/report/html.hpp"
#include "bench/report/junit.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

std::size_t partial_files(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) n += e.path().extension() == ".partial";
  return n;
}

TEST(WriteAll, WritesHtmlJunitAndExports) {
  const fs::path dir = scratch();
  const auto written = write_all(dir, sample_report());
  EXPECT_EQ(written.size(), 14u);
  for (const auto& p : written) EXPECT_TRUE(fs::is_regular_file(p)) << p;
  EXPECT_TRUE(fs::is_regular_file(dir / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(dir / "junit.xml"));
  EXPECT_TRUE(fs::is_regular_file(dir / "exports" / "odd_swapped" / "left.frd"));
  EXPECT_EQ(partial_files(dir), 0u);
}

TEST(WriteAll, AnUnwritablePlaceIsOneLineNamingItAndEarlierFilesStay) {
  const fs::path dir = scratch();
  // A directory where junit.xml should go: the rename fails (permissions would not stop root).
  fs::create_directories(dir / "junit.xml" / "occupied");
  try {
    (void)write_all(dir, sample_report());
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((dir / "junit.xml").string()), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  EXPECT_TRUE(fs::is_regular_file(dir / "index.html"));
  EXPECT_EQ(partial_files(dir), 0u);

  // exports/ taken by a file: the directory is named.
  const fs::path dir2 = dir / "second";
  fs::create_directories(dir2);
  spit(dir2 / "exports", "not a directory");
  try {
    (void)write_all(dir2, sample_report());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir2 / "exports").string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_regular_file(dir2 / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(dir2 / "junit.xml"));

  // The run directory itself is a file.
  spit(dir / "plain", "x");
  try {
    (void)write_all(dir / "plain", sample_report());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "plain" / "index.html").string()), std::string::npos) << e.what();
  }
}

TEST(WriteAll, RewritingReplacesFilesWhole) {
  const fs::path dir = scratch();
  (void)write_all(dir, sample_report());
  const std::string first = slurp(dir / "junit.xml");
  spit(dir / "junit.xml", "stale");
  (void)write_all(dir, sample_report());
  EXPECT_EQ(slurp(dir / "junit.xml"), first);
}

TEST(ReadReport, RefusesMissingAndMalformedFilesNamingThem) {
  const fs::path dir = scratch();
  const std::string file = (dir / "report.json").string();
  auto message = [&] {
    try {
      (void)read_report(dir);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message().rfind(file + ": no such file", 0), 0u) << message();
  spit(dir / "report.json", "{\"schema\": \"bench.report/1\", \"configurations\": [");
  EXPECT_EQ(message().rfind(file + ": not valid JSON", 0), 0u) << message();
  EXPECT_EQ(message().find('\n'), std::string::npos);
  spit(dir / "report.json", "{\"schema\": \"bench.analysis/1\"}");
  EXPECT_EQ(message().rfind(file + ": not a bench report", 0), 0u) << message();
  spit(dir / "report.json", "{\"schema\": \"bench.report/1\", \"configurations\": 3}");
  EXPECT_EQ(message().rfind(file + ": key 'configurations'", 0), 0u) << message();
  spit(dir / "report.json", sample_report().dump());
  EXPECT_NO_THROW((void)read_report(dir));
}

TEST(BenchReportCli, RebuildsFromReportJsonAlone) {
  const fs::path dir = scratch();
  const fs::path run = dir / "run";
  fs::create_directories(run);
  spit(run / "report.json", sample_report().dump(2));
  const Proc p = shell(quote(BENCH_BIN) + " report " + quote(run.string()), dir);
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(fs::is_regular_file(run / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(run / "junit.xml"));
  EXPECT_TRUE(fs::is_regular_file(run / "exports" / "good" / "right_harmonics.csv"));
  // The same bytes as the library makes: the CLI only reads and writes.
  EXPECT_EQ(slurp(run / "index.html"), html_report(sample_report()));
  EXPECT_EQ(slurp(run / "junit.xml"), junit_xml(sample_report()));
}

TEST(BenchReportCli, MissingOrMalformedReportExitsTwoWithOneLine) {
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
  EXPECT_EQ(p.err.rfind("bench: error: " + (run / "report.json").string() + ": not valid JSON", 0), 0u) << p.err;
  EXPECT_FALSE(fs::exists(run / "index.html"));
}

TEST(WriteAll, IsFastForABenchSizedReport) {
  // Six configurations of 480-point curves, as in profiles/plans/faults.toml (the browser test times the
  // real one).
  json report = sample_report();
  json one = report["configurations"][0];
  report["configurations"] = json::array();
  for (const char* id : {"c1", "c2", "c3", "c4", "c5", "c6"}) {
    one["fixture"]["id"] = id;
    report["configurations"].push_back(one);
  }
  const fs::path dir = scratch();
  const auto t0 = std::chrono::steady_clock::now();
  (void)write_all(dir, report);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s, 1.0);
}

}  // namespace
}  // namespace bench::report::test
