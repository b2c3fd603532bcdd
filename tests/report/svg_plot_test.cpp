// The SVG plot helper: tick labels, log and linear axes, gaps, bands, escaping, and the empty plot.
#include "bench/report/svg_plot.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

struct TickCase {
  double value, step;
  bool si;
  const char* expected;
};

TEST(SvgPlot, TickLabels) {
  const TickCase cases[] = {
      {20, 20, true, "20"},        {1000, 1000, true, "1k"},   {2500, 2500, true, "2.5k"},
      {20000, 20000, true, "20k"}, {-0.5, 0.5, false, "-0.5"}, {-120, 10, false, "-120"},
      {0, 2.5, false, "0.0"},      {7.5, 2.5, false, "7.5"},   {0.25, 0.25, false, "0.25"},
      {-0.0, 1, false, "0"},
  };
  for (const auto& c : cases) EXPECT_EQ(svg::tick_label(c.value, c.step, c.si), c.expected) << c.value;
}

svg::Plot frequency_plot() {
  svg::Plot p;
  p.id = "p1", p.css_class = "plot-test", p.title = "Response <L&R>";
  p.x.label = "frequency (Hz)", p.x.scale = svg::Scale::kLog, p.x.min = 20, p.x.max = 20000;
  p.y.label = "gain (dB)";
  svg::Series s;
  s.name = "left \"a\"";
  s.x = {20, 100, 1000, 5000, 20000};
  s.y = {-1, -0.5, NAN, 0, -0.2};
  p.series.push_back(s);
  p.bands.push_back({"mask", {20, 20000}, {-1.5, -1.5}, {0.5, 0.5}, "#123456"});
  p.lines.push_back({"limit", -2, "#b91c1c"});
  return p;
}

TEST(SvgPlot, LogAxisHasAudioTicksAndUnits) {
  const std::string svg = svg::render(frequency_plot());
  for (const char* label :
       {">20<", ">50<", ">100<", ">1k<", ">10k<", ">20k<", ">frequency (Hz)<", ">gain (dB)<"})
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  EXPECT_EQ(svg.rfind("<svg id=\"p1\" class=\"plot plot-test\"", 0), 0u) << svg.substr(0, 200);
}

TEST(SvgPlot, NanIsAGapAndTheBandAndLimitAreDrawn) {
  const std::string svg = svg::render(frequency_plot());
  const std::size_t series = svg.find("<path class=\"series\" d=\"");
  ASSERT_NE(series, std::string::npos);
  const std::string d = svg.substr(series, svg.find('"', series + 25) - series);
  EXPECT_EQ(count(d, "M"), 2u) << d;  // the line starts again after the NaN
  EXPECT_NE(svg.find("<path class=\"band\""), std::string::npos);
  EXPECT_NE(svg.find("<line class=\"limit\""), std::string::npos);
  EXPECT_NE(svg.find(">mask<"), std::string::npos);  // legend
}

TEST(SvgPlot, EscapesTextAndReferencesNothingOutside) {
  const std::string svg = svg::render(frequency_plot());
  EXPECT_NE(svg.find("Response &lt;L&amp;R&gt;"), std::string::npos);
  EXPECT_NE(svg.find("left &quot;a&quot;"), std::string::npos);
  EXPECT_EQ(svg.find("<L&R>"), std::string::npos);
  EXPECT_EQ(svg.find("http"), std::string::npos);
  EXPECT_EQ(svg.find("href"), std::string::npos);
  EXPECT_NE(svg.find("clip-path=\"url(#p1-clip)\""), std::string::npos);
}

TEST(SvgPlot, EmptyPlotSaysSo) {
  svg::Plot p;
  p.id = std::string("empty");
  p.title = std::string("nothing");
  p.empty_note = std::string("not measured");
  p.x.label = std::string("x");
  p.y.label = std::string("y");
  svg::Series s;
  s.x = {1, 2}, s.y = {NAN, NAN};
  p.series.push_back(s);
  const std::string svg = svg::render(p);
  EXPECT_NE(svg.find(">not measured<"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(SvgPlot, LinearAxisCoversTheDataWithNiceTicks) {
  svg::Plot p;
  p.id = std::string("lin");
  p.title = std::string("t");
  p.x.label = std::string("output level (dBV)");
  p.y.label = std::string("THD+N (dB)");
  svg::Series s;
  s.mark = svg::Mark::kPoints;
  s.x = {-33, 7}, s.y = {-97, -41};
  p.series.push_back(s);
  const std::string svg = svg::render(p);
  for (const char* label : {">-40<", ">-20<", ">0<", ">-100<", ">-40<"})
    EXPECT_NE(svg.find(label), std::string::npos) << label;
  EXPECT_EQ(count(svg, "<circle "), 2u);
}

}  // namespace
}  // namespace bench::report::test
