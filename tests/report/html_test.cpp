// index.html from a run record alone (as report.json gives it back): one section per configuration with
// its five plots drawn from the step results, the summary says who failed and why, the plan's sequence and
// each configuration's steps are shown, every text escaped, nothing referenced outside the file.
#include "bench/report/html.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "bench/report/text.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

std::string html_of(const record::RunRecord& r) {
  return html_report(through_report_json(r));
}

// The part of `html` from the first `start` on, up to the next `end`.
std::string part(const std::string& html, const std::string& start, const std::string& end,
                 std::size_t from = 0) {
  const std::size_t p = html.find(start, from);
  if (p == std::string::npos) return {};
  return html.substr(p, html.find(end, p) - p);
}

TEST(HtmlReport, OneSectionPerConfigurationWithFivePlotsEach) {
  const record::RunRecord r = sample_record();
  const std::string html = html_of(r);
  const std::size_t n = r.configurations.size();
  EXPECT_EQ(count(html, "<section class=\"configuration "), n);
  EXPECT_EQ(count(html, "<svg id=\"plot-"), 5 * n);
  for (const char* kind : kPlotKinds)
    EXPECT_EQ(count(html, std::string("class=\"plot plot-") + kind + "\""), n) << kind;
  // Ids are unique, so anchors and tests find each plot.
  const std::regex id_re("id=\"([^\"]+)\"");
  std::set<std::string> ids;
  std::size_t total = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), id_re); it != std::sregex_iterator();
       ++it, ++total)
    ids.insert((*it)[1]);
  EXPECT_EQ(ids.size(), total);
}

TEST(HtmlReport, TheSummaryShowsOutcomesAndWhy) {
  const std::string html = html_of(sample_record());
  const std::string table = part(html, "<table class=\"summary\">", "</table>");
  ASSERT_FALSE(table.empty());
  EXPECT_NE(table.find("<tr class=\"outcome-pass\"><td><a href=\"#cfg1-good\">good</a>"), std::string::npos)
      << table;
  EXPECT_NE(table.find("<span class=\"badge fail\">FAIL</span>"), std::string::npos);
  EXPECT_NE(table.find("<span class=\"badge error\">ERROR</span>"), std::string::npos);
  EXPECT_NE(table.find("left &amp; right are &lt;swapped&gt;"), std::string::npos);
  EXPECT_NE(table.find("the bench could not measure: noise: the reference ADC clipped"), std::string::npos);
  EXPECT_NE(table.find("step noise could not measure: the reference ADC clipped on its left channel"),
            std::string::npos);
  EXPECT_NE(table.find("all 5 checks pass (1 recorded without a limit)"), std::string::npos);
  // The passed THD check of the failing configuration is not among its reasons.
  EXPECT_EQ(table.find("THD 0.001 %"), std::string::npos);
  // Checks are named in the catalogue's words.
  EXPECT_NE(table.find("<b>channel map</b>"), std::string::npos) << table;
  EXPECT_NE(table.find("<b>hum</b> (left) = -54.06 dBV"), std::string::npos) << table;
}

TEST(HtmlReport, EscapesEveryText) {
  const std::string html = html_of(sample_record());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Sample &lt;plan&gt; &amp; co"), std::string::npos);
  EXPECT_NE(html.find("connect &lt;A&gt; to B &amp; C"), std::string::npos);
  EXPECT_NE(html.find("AES17 &lt;dBFS&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<swapped>"), std::string::npos);
  EXPECT_EQ(html.find("<L/R>"), std::string::npos);
}

TEST(HtmlReport, IsSelfContained) {
  const std::string html = html_of(full_record());
  for (const char* forbidden : {"http://", "https://", "src=", "<link", "<script", "<img", "<iframe",
                                "<object", "<embed", "@import", "@font-face"})
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
  const std::string html = html_of(sample_record());
  const std::string good_plot = part(html, "id=\"plot-cfg1-good-fr\"", "</svg>");
  const std::string odd_plot = part(html, "id=\"plot-cfg2-odd-swapped-fr\"", "</svg>");
  ASSERT_FALSE(good_plot.empty());
  ASSERT_FALSE(odd_plot.empty());
  EXPECT_EQ(count(good_plot, "<path class=\"band\""), 2u);  // one per channel, around each one's 1 kHz level
  EXPECT_NE(good_plot.find("±0.50 dB re 1 kHz"), std::string::npos);
  EXPECT_EQ(count(odd_plot, "<path class=\"band\""),
            0u);  // that configuration has no frequency-response check
  EXPECT_NE(odd_plot.find("left (arrives on right)"), std::string::npos);
}

TEST(HtmlReport, ListsEveryCheckWithItsLimit) {
  const record::RunRecord r = sample_record();
  const std::string html = html_of(r);
  std::size_t rows = 0;
  for (const auto& c : r.configurations) rows += c.checks.size();
  EXPECT_EQ(count(html, "<table class=\"checks\">"), r.configurations.size());
  std::size_t found = 0;
  for (std::size_t p = html.find("<table class=\"checks\">"); p != std::string::npos;
       p = html.find("<table class=\"checks\">", p + 1))
    found += count(part(html, "<table class=\"checks\">", "</table>", p), "<tr class=\"outcome-");
  EXPECT_EQ(found, rows);
  EXPECT_NE(html.find("<td class=\"nowrap\">9.56 +- 1.00</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"nowrap\">&gt;= 1.00</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"nowrap\">&lt;= -100.00</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"nowrap\">no limit</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>left, r300</td>"), std::string::npos);
  // The catalogue's words, its name beneath, its definition as the cell's title, and its unit.
  EXPECT_NE(html.find(">maximum output<div class=\"sub\">max_output_vrms</div>"), std::string::npos);
  EXPECT_NE(html.find("title=\"" + escape_markup(plan::check("thd_db").definition) + "\""),
            std::string::npos);
  EXPECT_NE(html.find("<td>dBV(A)</td>"), std::string::npos);
}

TEST(HtmlReport, ShowsThePlansSequenceAndEachConfigurationsSteps) {
  const record::RunRecord r = sample_record();
  const std::string html = html_of(r);
  double audio_s = 0;
  for (const auto& c : r.configurations) audio_s += c.audio_s();
  EXPECT_NE(html.find("Sequence (the default): clock → sweeps → phase → crosstalk → level → distortion → imd "
                      "→ dynamic_range → "
                      "max_output → noise; " +
                      fixed(audio_s, 1) + " s of audio in all."),
            std::string::npos);
  EXPECT_EQ(count(html, "<table class=\"sequence\">"), r.configurations.size());
  // "good": every step, its audio seconds and takes, the outcome the worst of its checks.
  const std::string good = part(html, "<table class=\"sequence\">", "</table>");
  EXPECT_EQ(count(good, "<tr class=\"outcome-"), r.configurations[0].steps.size());
  EXPECT_NE(good.find("<td class=\"nowrap\">max_output</td><td>max_output</td><td class=\"num\">27.0</td><td "
                      "class=\"num\">20</td><td><span class=\"badge "
                      "pass\">PASS</span></td>"),
            std::string::npos)
      << good;
  EXPECT_NE(good.find("<td class=\"nowrap\">clock</td><td>clock</td><td class=\"num\">1.4</td><td "
                      "class=\"num\">1</td><td><span class=\"badge "
                      "info\">INFO</span>"),
            std::string::npos)
      << "no judged check: INFO";
  EXPECT_NE(good.find("<td>total</td><td></td><td class=\"num\">" + fixed(r.configurations[0].audio_s(), 1)),
            std::string::npos);
  // "odd/swapped": its sweeps step fails (the channel map), its distortion step too.
  const std::size_t second =
      html.find("<table class=\"sequence\">", html.find("<table class=\"sequence\">") + 1);
  const std::string odd = part(html, "<table class=\"sequence\">", "</table>", second);
  EXPECT_NE(odd.find("<td class=\"nowrap\">sweeps</td><td>sweeps</td><td class=\"num\">4.7</td><td "
                     "class=\"num\">2</td><td><span class=\"badge fail\">"),
            std::string::npos)
      << odd;
  // "broken": the step that could not measure is ERROR with its error.
  EXPECT_NE(html.find("<td class=\"nowrap\">noise</td><td>noise</td><td class=\"num\">2.4</td><td "
                      "class=\"num\">1</td><td><span class=\"badge "
                      "error\">ERROR</span> the reference ADC clipped on its left channel</td>"),
            std::string::npos);
  // A plan's own sequence says so.
  record::RunRecord own = r;
  own.default_steps = false;
  own.steps.resize(2);
  own.steps[1].id = "sweeps_long";
  EXPECT_NE(html_of(own).find("Sequence (the plan's [[steps]]): clock → sweeps_long; "), std::string::npos);
}

TEST(HtmlReport, SurvivesARecordWithPiecesMissing) {
  record::RunRecord r = sample_record();
  r.configurations[0].steps.clear();            // stopped before any step
  r.configurations[1].steps[1].result.reset();  // the sweeps step could not measure
  r.configurations[1].steps[1].error = "no signal";
  r.plan = {};
  r.definitions.clear();
  std::string html;
  ASSERT_NO_THROW(html = html_of(r));
  EXPECT_EQ(count(html, "<svg id=\"plot-"), 15u);
  EXPECT_NE(html.find("no frequency response"), std::string::npos);
  EXPECT_NE(html.find("No step ran."), std::string::npos);
  EXPECT_NE(html.find("<title>ERROR: bench run plan</title>"), std::string::npos);
}

TEST(HtmlReport, ImdProductsArePlottedOnlyWhereMeasured) {
  record::RunRecord r = sample_record();
  record::ImdResult imd;
  record::ImdTake take;
  take.standard = "smpte", take.f1_hz = 60, take.f2_hz = 7000, take.ratio = 4, take.level_dbfs = -6;
  record::ImdChannel ch;
  ch.channel = 1, ch.imd_db = -80, ch.imd_percent = 0.01;
  ch.products = {{"f2-1f1", 2, 6940, -100, -83}, {"f2+1f1", 2, 7060, -101, -84}};
  take.channels.push_back(ch);
  imd.takes.push_back(take);
  r.configurations[0].steps.push_back(step_record("imd", imd, 1.0, 3));
  const std::string html = html_of(r);
  EXPECT_EQ(count(html, "class=\"plot plot-imd\""), 1u);
  EXPECT_EQ(count(html, "<svg id=\"plot-"), 5 * r.configurations.size() + 1);
  EXPECT_NE(html.find("SMPTE right (-80.0 dB, 0.0100 %)"), std::string::npos);
}

TEST(HtmlReport, ImpedanceAndHeadphoneChangePlotsOnlyWhereMeasured) {
  record::RunRecord r = sample_record();
  r.configurations[0].steps.push_back(step_record("impedance", impedance_result(log_axis()), 8.5, 8));
  r.configurations[0].checks.push_back(make_check("output_impedance_ohm", "impedance", 2.5, limit_max(5.0),
                                                  Outcome::kPass, "|Z_out| 2.50 ohm at 1 kHz", "left"));
  const std::string html = html_of(r);
  const std::size_t n = r.configurations.size();
  EXPECT_EQ(count(html, "<svg id=\"plot-"), 5 * n + 2);
  EXPECT_EQ(count(html, "class=\"plot plot-impedance\""), 1u);
  EXPECT_EQ(count(html, "class=\"plot plot-loading\""), 1u);
  // In the first configuration's section, with its data drawn and the limit as a line.
  const std::size_t second =
      html.find("<section class=\"configuration", html.find("<section class=\"configuration") + 1);
  EXPECT_LT(html.find("plot-impedance"), second);
  EXPECT_EQ(html.find("no output impedance measured"), std::string::npos);
  EXPECT_EQ(html.find("no headphone in the plan"), std::string::npos);
  EXPECT_NE(html.find("left (2.500 ohm at 1 kHz)"), std::string::npos);
  EXPECT_NE(html.find("output_impedance_ohm limit"), std::string::npos);
  EXPECT_NE(html.find("hp_a predicted"), std::string::npos);
  EXPECT_NE(html.find("hp_a measured"), std::string::npos);
  EXPECT_NE(html.find("|Z_out| (ohm)"), std::string::npos);
}

TEST(HtmlReport, SaysWhenTheRunStoppedEarlyAndWhatItReanalysed) {
  const std::string html = html_of(full_record());
  EXPECT_NE(html.find("<p class=\"notice\"><b>The run stopped early:</b> the interface disappeared: "
                      "reconnect it and run the plan again."),
            std::string::npos);
  EXPECT_NE(html.find("Re-analysis of reports/2025-01-01T000000Z_sample: 189 of 190 checks identical."),
            std::string::npos);
  EXPECT_NE(html.find("seed 18446744073709551615"), std::string::npos);
}

}  // namespace
}  // namespace bench::report::test
