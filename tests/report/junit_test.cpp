// junit.xml: valid against our XSD of the common Jenkins/Surefire subset (checked by xmllint), and its
// counts are those of the record (as report.json gives it back).
#include "bench/report/junit.hpp"

#include <gtest/gtest.h>

#include "bench/report/html.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

TEST(JunitXml, ValidatesAgainstTheSchema) {
  const fs::path dir = scratch();
  write_junit(dir, through_report_json(sample_record()));
  EXPECT_EQ(xmllint_schema_errors(dir / "junit.xml", dir), "");
  write_junit(dir, through_report_json(full_record()));
  EXPECT_EQ(xmllint_schema_errors(dir / "junit.xml", dir), "");
}

TEST(JunitXml, TheSchemaRejectsWhatCiToolsWouldNotRead) {
  // The XSD is a real constraint: a testcase without a name, a count that is not a number and an unknown
  // element each fail validation.
  const fs::path dir = scratch();
  const std::string bad[] = {
      R"(<testsuites tests="1" failures="0" errors="0"><testsuite name="a" tests="1" failures="0" errors="0"><testcase classname="x"/></testsuite></testsuites>)",
      R"(<testsuites tests="one" failures="0" errors="0"></testsuites>)",
      R"(<testsuites tests="1" failures="0" errors="0"><testsuite name="a" tests="1" failures="0" errors="0"><testcase name="t"><oops/></testcase></testsuite></testsuites>)",
  };
  if (!have("xmllint"))
    FAIL() << "xmllint is not installed: run ./bench.sh test (it installs libxml2-utils from deps.txt)";
  for (const auto& doc : bad) {
    spit(dir / "bad.xml", doc);
    EXPECT_NE(xmllint_schema_errors(dir / "bad.xml", dir), "") << doc;
  }
}

TEST(JunitXml, CountsEqualThoseOfTheRecord) {
  const record::RunRecord report = through_report_json(sample_record());
  const std::string xml = junit_xml(report);
  const auto counts = junit_counts(xml);
  const auto& configurations = report.configurations;
  ASSERT_EQ(counts.size(), configurations.size() + 1) << xml;
  JunitCounts total;
  std::size_t pass = 0, fail = 0, error = 0;
  for (std::size_t i = 0; i < configurations.size(); ++i) {
    const JunitCounts want = expected_counts(configurations[i]);
    const JunitCounts& got = counts[i + 1];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.tests, want.tests) << want.name;
    EXPECT_EQ(got.failures, want.failures) << want.name;
    EXPECT_EQ(got.errors, want.errors) << want.name;
    EXPECT_EQ(got.testcases, got.tests) << want.name;
    EXPECT_EQ(got.failure_elements, got.failures) << want.name;
    EXPECT_EQ(got.error_elements, got.errors) << want.name;
    total.tests += want.tests, total.failures += want.failures, total.errors += want.errors;
    (got.errors ? error : got.failures ? fail : pass)++;
  }
  EXPECT_EQ(counts[0].tests, total.tests);
  EXPECT_EQ(counts[0].failures, total.failures);
  EXPECT_EQ(counts[0].errors, total.errors);
  // Configuration outcomes: a suite with errors is an ERROR configuration, else with failures a FAIL.
  EXPECT_EQ(pass, report.counts()[0]);
  EXPECT_EQ(fail, report.counts()[1]);
  EXPECT_EQ(error, report.counts()[2]);
}

TEST(JunitXml, NamesCarryQualifiersAndClassnamesThePlanAndFixture) {
  const std::string xml = junit_xml(through_report_json(sample_record()));
  EXPECT_NE(xml.find("<testsuites name=\"sample\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"odd/swapped\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase name=\"level_dbv [left, -10 dBFS]\" classname=\"sample.good\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"max_output_vrms [left, r300]\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase name=\"thd_db [left, -20 dBFS]\" classname=\"sample.odd/swapped\"><failure "
                     "message=\"near the output limit\""),
            std::string::npos)
      << xml;
  // The configuration-level error is a testcase of its own; the errored check has an <error> too.
  EXPECT_NE(xml.find("<testcase name=\"bench error\" classname=\"sample.broken\"><error message=\"noise: the "
                     "reference ADC clipped"),
            std::string::npos)
      << xml;
  EXPECT_NE(
      xml.find("<testcase name=\"noise_dbv_a\" classname=\"sample.broken\"><error message=\"not measured"),
      std::string::npos);
  // A step that could not measure is a testcase of its own, named after the step.
  EXPECT_NE(xml.find("<testcase name=\"step noise\" classname=\"sample.broken\"><error message=\"the "
                     "reference ADC clipped on its left channel\""),
            std::string::npos)
      << xml;
  // A check recorded without a limit passes and says so.
  EXPECT_NE(xml.find("<testcase name=\"crosstalk_db [right-&gt;left]\" "
                     "classname=\"sample.good\"><system-out>recorded without a limit: value n/a; "
                     "limit no limit: not measured: no limit</system-out>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find(">value -26.0000 dB; limit &lt;= -70.00 dB</failure>"), std::string::npos)
      << "a failure's details: value, unit, limit";
}

TEST(JunitXml, EscapesMarkupInMessages) {
  const std::string xml = junit_xml(through_report_json(sample_record()));
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_NE(xml.find("message=\"left &amp; right are &lt;swapped&gt;: check the &quot;plug&quot; order\""),
            std::string::npos)
      << xml;
}

TEST(JunitXml, ARunThatStoppedEarlyIsAnError) {
  record::RunRecord report = sample_record();
  report.aborted = "the interface disappeared";
  report = through_report_json(report);
  const auto counts = junit_counts(junit_xml(report));
  ASSERT_EQ(counts.size(), report.configurations.size() + 2);
  EXPECT_EQ(counts.back().name, "run");
  EXPECT_EQ(counts.back().errors, 1u);
  const fs::path dir = scratch();
  write_junit(dir, report);
  EXPECT_EQ(xmllint_schema_errors(dir / "junit.xml", dir), "");
}

TEST(JunitXml, ARecordWrittenDuringTheRunIsAnErrorSayingItDidNotFinish) {
  // What a killed run leaves: the record of its finished configurations, marked in progress.
  record::RunRecord report = sample_record();
  report.in_progress = record::InProgress{report.configurations.size() + 3};
  report = through_report_json(report);
  const std::string xml = junit_xml(report);
  const auto counts = junit_counts(xml);
  ASSERT_EQ(counts.size(), report.configurations.size() + 2);
  EXPECT_EQ(counts.back().name, "run");
  EXPECT_EQ(counts.back().errors, 1u);
  const std::string finished = std::to_string(report.configurations.size()) + " of " +
                               std::to_string(report.configurations.size() + 3) + " configurations finished";
  EXPECT_NE(xml.find("name=\"run did not finish\""), std::string::npos) << xml;
  EXPECT_NE(xml.find(finished), std::string::npos) << xml;
  EXPECT_NE(
      html_report(report).find("The run did not finish:</b> " + std::to_string(report.configurations.size()) +
                               " of " + std::to_string(report.configurations.size() + 3) + " configurations"),
      std::string::npos);
}

}  // namespace
}  // namespace bench::report::test
