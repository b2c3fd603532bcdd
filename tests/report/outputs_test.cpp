// write_all: every file derived from a record written atomically, an unwritable place named in one line
// with what was already written kept. (`bench report` itself: report_cli_test.cpp.)
#include "bench/report/outputs.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "bench/core/error.hpp"
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
  const auto written = write_all(dir, through_report_json(sample_record()));
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
    (void)write_all(dir, through_report_json(sample_record()));
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
    (void)write_all(dir2, through_report_json(sample_record()));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir2 / "exports").string()), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::is_regular_file(dir2 / "index.html"));
  EXPECT_TRUE(fs::is_regular_file(dir2 / "junit.xml"));

  // The run directory itself is a file.
  spit(dir / "plain", "x");
  try {
    (void)write_all(dir / "plain", through_report_json(sample_record()));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "plain" / "index.html").string()), std::string::npos)
        << e.what();
  }
}

TEST(WriteAll, RewritingReplacesFilesWhole) {
  const fs::path dir = scratch();
  (void)write_all(dir, through_report_json(sample_record()));
  const std::string first = slurp(dir / "junit.xml");
  spit(dir / "junit.xml", "stale");
  (void)write_all(dir, through_report_json(sample_record()));
  EXPECT_EQ(slurp(dir / "junit.xml"), first);
}

TEST(WriteAll, IsFastForABenchSizedReport) {
  // Six configurations of 480-point curves, as in profiles/plans/faults.toml (the browser test times the
  // real one).
  record::RunRecord report = through_report_json(sample_record());
  const record::ConfigurationRecord one = report.configurations[0];
  report.configurations.clear();
  for (const char* id : {"c1", "c2", "c3", "c4", "c5", "c6"}) {
    report.configurations.push_back(one);
    report.configurations.back().fixture.id = id;
  }
  const fs::path dir = scratch();
  const auto t0 = std::chrono::steady_clock::now();
  (void)write_all(dir, report);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s, 1.0);
}

}  // namespace
}  // namespace bench::report::test
