// index.html from a report.json alone: one section per configuration with its five plots, the summary
// says who failed and why, every text escaped, nothing referenced outside the file.
#include "bench/report/html.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

TEST(HtmlReport, OneSectionPerConfigurationWithFivePlotsEach) {
  const json report = sample_report();
  const std::string html = html_report(report);
  const std::size_t n = report["configurations"].size();
  EXPECT_EQ(count(html, "<section class=\"configuration "), n);
  EXPECT_EQ(count(html, "<svg id=\"plot-"), 5 * n);
  for (const char* kind : kPlotKinds) EXPECT_EQ(count(html, std::string("class=\"plot plot-") + kind + "\""), n) << kind;
  // Ids are unique, so anchors and tests find each plot.
  const std::regex id_re("id=\"([^\"]+)\"");
  std::set<std::string> ids;
  std::size_t total = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_re); it != std::sregex_iterator(); ++it, ++total) ids.insert((*it)[1]);
  EXPECT_EQ(ids.size(), total);
}

TEST(HtmlReport, TheSummaryShowsOutcomesAndWhy) {
  const std::string html = html_report(sample_report());
  const std::size_t summary = html.find("<table class=\"summary\">");
  ASSERT_NE(summary, std::string::npos);
  const std::string table = html.substr(summary, html.find("</table>", summary) - summary);
  EXPECT_NE(table.find("<tr class=\"outcome-pass\"><td><a href=\"#cfg1-good\">good</a>"), std::string::npos) << table;
  EXPECT_NE(table.find("<span class=\"badge fail\">FAIL</span>"), std::string::npos);
  EXPECT_NE(table.find("<span class=\"badge error\">ERROR</span>"), std::string::npos);
  EXPECT_NE(table.find("left &amp; right are &lt;swapped&gt;"), std::string::npos);
  EXPECT_NE(table.find("the bench could not measure: noise: the reference ADC clipped"), std::string::npos);
  EXPECT_NE(table.find("all 5 checks pass (1 recorded without a limit)"), std::string::npos);
  // The passed THD check of the failing configuration is not among its reasons.
  EXPECT_EQ(table.find("THD 0.001 %"), std::string::npos);
}

TEST(HtmlReport, EscapesEveryText) {
  const std::string html = html_report(sample_report());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Sample &lt;plan&gt; &amp; co"), std::string::npos);
  EXPECT_NE(html.find("connect &lt;A&gt; to B &amp; C"), std::string::npos);
  EXPECT_EQ(html.find("<swapped>"), std::string::npos);
  EXPECT_EQ(html.find("<L/R>"), std::string::npos);
}

TEST(HtmlReport, IsSelfContained) {
  const std::string html = html_report(sample_report());
  for (const char* forbidden : {"http://", "https://", "src=", "<link", "<script", "<img", "<iframe", "<object", "<embed", "@import", "@font-face"})
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  const std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), href); it != std::sregex_iterator(); ++it)
    EXPECT_EQ((*it)[1].str().rfind("#", 0), 0u) << (*it)[0];
  const std::regex url("url\\(([^)]*)\\)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator(); ++it)
    EXPECT_EQ((*it)[1].str().rfind("#", 0), 0u) << (*it)[0];
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(HtmlReport, DrawsTheLimitMaskOnlyWhereTheLimitExists) {
  json report = sample_report();
  const std::string html = html_report(report);
  const std::size_t good = html.find("id=\"plot-cfg1-good-fr\""), odd = html.find("id=\"plot-cfg2-odd-swapped-fr\"");
  ASSERT_NE(good, std::string::npos);
  ASSERT_NE(odd, std::string::npos);
  const std::string good_plot = html.substr(good, html.find("</svg>", good) - good);
  const std::string odd_plot = html.substr(odd, html.find("</svg>", odd) - odd);
  EXPECT_EQ(count(good_plot, "<path class=\"band\""), 2u);  // one per channel, around each one's 1 kHz level
  EXPECT_NE(good_plot.find("±0.50 dB re 1 kHz"), std::string::npos);
  EXPECT_EQ(count(odd_plot, "<path class=\"band\""), 0u);   // that configuration has no frequency-response check
  EXPECT_NE(odd_plot.find("left (arrives on right)"), std::string::npos);
}

TEST(HtmlReport, ListsEveryCheckWithItsLimit) {
  const json report = sample_report();
  const std::string html = html_report(report);
  std::size_t rows = 0;
  for (const auto& c : report["configurations"]) rows += c["checks"].size();
  EXPECT_EQ(count(html, "<table class=\"checks\">"), report["configurations"].size());
  std::size_t found = 0;
  for (std::size_t p = html.find("<table class=\"checks\">"); p != std::string::npos; p = html.find("<table class=\"checks\">", p + 1)) {
    const std::string table = html.substr(p, html.find("</table>", p) - p);
    found += count(table, "<tr class=\"outcome-");
  }
  EXPECT_EQ(found, rows);
  EXPECT_NE(html.find("<td class=\"nowrap\">9.56 +- 1.00</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"nowrap\">&gt;= 1.00</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"nowrap\">&lt;= -100.00</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>left, r300</td>"), std::string::npos);
}

TEST(HtmlReport, SurvivesAReportWithPiecesMissing) {
  json report = sample_report();
  report["configurations"][0]["measurements"] = nullptr;
  report["configurations"][1]["measurements"]["sweep"]["left"]["magnitude_db"] = "garbage";
  report["configurations"][1]["checks"][0]["limit"] = 5;
  report.erase("settings");
  report.erase("plan");
  std::string html;
  ASSERT_NO_THROW(html = html_report(report));
  EXPECT_EQ(count(html, "<svg id=\"plot-"), 15u);
  EXPECT_NE(html.find("no frequency response"), std::string::npos);
}

TEST(HtmlReport, ImpedanceAndHeadphoneChangePlotsOnlyWhereMeasured) {
  json report = sample_report();
  report["configurations"][0]["measurements"]["impedance"] = impedance_measurement();
  report["configurations"][0]["checks"].push_back(
      check("output_impedance_ohm", 2.5, "ohm", {{"max", 5.0}}, "pass", "|Z_out| 2.50 ohm at 1 kHz", "left"));
  const std::string html = html_report(report);
  const std::size_t n = report["configurations"].size();
  EXPECT_EQ(count(html, "<svg id=\"plot-"), 5 * n + 2);
  EXPECT_EQ(count(html, "class=\"plot plot-impedance\""), 1u);
  EXPECT_EQ(count(html, "class=\"plot plot-loading\""), 1u);
  // In the first configuration's section, with its data drawn and the limit as a line.
  const std::size_t second = html.find("<section class=\"configuration", html.find("<section class=\"configuration") + 1);
  EXPECT_LT(html.find("plot-impedance"), second);
  EXPECT_EQ(html.find("no output impedance measured"), std::string::npos);
  EXPECT_EQ(html.find("no headphone in the plan"), std::string::npos);
  EXPECT_NE(html.find("left (2.500 ohm at 1 kHz)"), std::string::npos);
  EXPECT_NE(html.find("output_impedance_ohm limit"), std::string::npos);
  EXPECT_NE(html.find("hp_a predicted"), std::string::npos);
  EXPECT_NE(html.find("hp_a measured"), std::string::npos);
  EXPECT_NE(html.find("|Z_out| (ohm)"), std::string::npos);
}

}  // namespace
}  // namespace bench::report::test
