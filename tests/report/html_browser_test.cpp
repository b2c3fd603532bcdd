// Tier 3: headless Chromium loads the HTML report of a real run (profiles/plans/faults.toml through
// `bench run`): every configuration section and plot is in the DOM, the page renders (a screenshot well
// above a blank page's), no console error, no network request. The same run's junit.xml and exports are
// checked against its record (report.json as read_record reads it), and rebuilding every output is timed.
//
// Label "browser"; one process (not one per test), so the run is made once. Never skips: without
// chromium or xmllint every test fails and says to run ./bench.sh test, which installs them.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/report/exports.hpp"
#include "bench/report/html.hpp"
#include "bench/report/outputs.hpp"
#include "bench/report/record_json.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

class BrowserReport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have("chromium") || !have("timeout")) {
      setup_error_ =
          "chromium is not installed: run ./bench.sh test (it installs chromium and chromium-driver from "
          "deps.txt)";
      return;
    }
    dir_ = fs::path(BENCH_TEST_TMP) / "report-browser" / std::to_string(::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    run_ = dir_ / "run";
    const auto t0 = std::chrono::steady_clock::now();
    const Proc p = shell(quote(BENCH_BIN) + " -q run " +
                             quote((repo_root() / "profiles" / "plans" / "faults.toml").string()) +
                             " --out " + quote(run_.string()),
                         dir_, "bench-run");
    run_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (p.exit_code != 1 || !fs::is_regular_file(run_ / "report.json") ||
        !fs::is_regular_file(run_ / "index.html")) {
      setup_error_ = "bench run profiles/plans/faults.toml: exit " + std::to_string(p.exit_code) +
                     " (1 expected) or files missing: " + p.err;
      return;
    }
    try {
      record_ = read_record(run_);
    } catch (const InputError& e) {
      setup_error_ = std::string("report.json of the run cannot be read: ") + e.what();
    }
  }

  void SetUp() override {
    if (!setup_error_.empty()) FAIL() << setup_error_;
  }

  static std::string file_url(const fs::path& p) { return "file://" + fs::absolute(p).string(); }

  // Runs headless Chromium with a fresh profile, no network (every host name resolves to nothing) and a
  // 60 s limit.
  static Proc chromium(const std::string& args, const std::string& url, const std::string& tag) {
    const fs::path profile = dir_ / ("profile-" + tag);
    fs::remove_all(profile);
    const std::string cmd =
        "timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run "
        "--disable-background-networking "
        "--disable-component-update --disable-sync --host-resolver-rules='MAP * ~NOTFOUND' --user-data-dir=" +
        quote(profile.string()) + " " + args + " " + quote(url);
    Proc p = shell(cmd, dir_, tag);
    if (p.exit_code == 124) ADD_FAILURE() << "chromium did not finish within 60 s: " << cmd;
    return p;
  }

  static std::vector<std::string> fixture_ids() {
    std::vector<std::string> ids;
    for (const auto& c : record_.configurations) ids.push_back(c.fixture.id);
    return ids;
  }

  static inline fs::path dir_, run_;
  static inline record::RunRecord record_;
  static inline std::string setup_error_;
  static inline double run_seconds_ = 0;
};

TEST_F(BrowserReport, DomHoldsEveryConfigurationSectionAndPlot) {
  const Proc p = chromium("--dump-dom", file_url(run_ / "index.html"), "dom");
  ASSERT_EQ(p.exit_code, 0) << p.err.substr(0, 2000);
  const std::string& dom = p.out;
  const auto ids = fixture_ids();
  ASSERT_EQ(ids.size(), 6u);
  const std::regex section_re(
      "<section class=\"configuration outcome-([a-z]+)\" id=\"([^\"]+)\" data-fixture=\"([^\"]+)\"");
  std::vector<std::string> sections;
  std::size_t i = 0;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), section_re); it != std::sregex_iterator();
       ++it, ++i) {
    ASSERT_LT(i, ids.size());
    EXPECT_EQ((*it)[3].str(), ids[i]);
    EXPECT_EQ((*it)[1].str(), record::to_string(record_.configurations[i].outcome)) << ids[i];
    sections.push_back((*it)[2]);
  }
  EXPECT_EQ(sections.size(), ids.size());
  const std::regex svg_re("<svg id=\"([^\"]+)\" class=\"plot plot-([a-z-]+)\"");
  std::set<std::string> plots;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), svg_re); it != std::sregex_iterator(); ++it)
    plots.insert((*it)[1]);
  // Every configuration has the five plots; those with an imd result (faults.toml runs the default
  // sequence, so all of them) also the intermodulation products, and those with a phase result the
  // interchannel phase and the group delay.
  std::size_t with_imd = 0, with_phase = 0;
  for (const auto& c : record_.configurations) {
    if (c.result<record::ImdResult>()) ++with_imd;
    if (c.result<record::PhaseResult>()) ++with_phase;
  }
  EXPECT_EQ(with_imd, ids.size());
  EXPECT_EQ(with_phase, ids.size());
  EXPECT_EQ(plots.size(), std::size(kPlotKinds) * ids.size() + with_imd + 2 * with_phase);
  for (const auto& s : sections) {
    for (const char* kind : kPlotKinds)
      EXPECT_TRUE(plots.count("plot-" + s + "-" + kind)) << s << " " << kind;
    for (const char* kind : {"imd", "phase", "group-delay"})
      EXPECT_TRUE(plots.count("plot-" + s + "-" + kind)) << s << " " << kind;
  }
  // The summary and the section headings show each configuration's outcome badge.
  const std::size_t summary = dom.find("<table class=\"summary\">");
  ASSERT_NE(summary, std::string::npos);
  const std::string table = dom.substr(summary, dom.find("</table>", summary) - summary);
  EXPECT_EQ(count(table, "<td><span class=\"badge fail\">FAIL</span></td>"), 5u) << table;
  EXPECT_EQ(count(table, "<td><span class=\"badge pass\">PASS</span></td>"), 1u);
  EXPECT_EQ(count(dom, "<h2><span class=\"badge fail\">FAIL</span>"), 5u);
  EXPECT_EQ(count(dom, "<span class=\"badge fail big\">FAIL</span>"), 1u) << "the page's own outcome";
}

// PNG size and the IHDR's width and height.
struct Png {
  std::uintmax_t bytes = 0;
  unsigned width = 0, height = 0;
};

Png png_info(const fs::path& p) {
  const std::string data = slurp(p);
  Png info;
  info.bytes = data.size();
  if (data.size() < 24 || data.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return info;
  auto be32 = [&](std::size_t at) {
    unsigned v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(data[at + k]);
    return v;
  };
  info.width = be32(16), info.height = be32(20);
  return info;
}

TEST_F(BrowserReport, ScreenshotIsFarFromBlank) {
  spit(
      dir_ / "blank.html",
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>blank</title></head><body></body></html>\n");
  const fs::path shot = dir_ / "report.png", blank = dir_ / "blank.png";
  Proc p = chromium("--screenshot=" + quote(shot.string()) + " --window-size=1280,2000",
                    file_url(run_ / "index.html"), "shot");
  ASSERT_EQ(p.exit_code, 0) << p.err.substr(0, 2000);
  p = chromium("--screenshot=" + quote(blank.string()) + " --window-size=1280,2000",
               file_url(dir_ / "blank.html"), "blank");
  ASSERT_EQ(p.exit_code, 0) << p.err.substr(0, 2000);
  const Png a = png_info(shot), b = png_info(blank);
  EXPECT_EQ(a.width, 1280u);
  EXPECT_EQ(a.height, 2000u);
  EXPECT_EQ(b.width, 1280u);
  // A blank page compresses to a few kB; text, tables and plots to hundreds.
  EXPECT_GT(a.bytes, 10 * b.bytes) << "report " << a.bytes << " bytes, blank page " << b.bytes << " bytes";
  EXPECT_GT(a.bytes, 100000u);
  RecordProperty("screenshot_bytes", std::to_string(a.bytes));
  RecordProperty("blank_screenshot_bytes", std::to_string(b.bytes));
}

// Requests the page itself made (its network isolation key is the file:// page) for anything but files.
std::vector<std::string> page_requests(const fs::path& netlog) {
  std::string text = slurp(netlog);
  json log;
  try {
    log = json::parse(text);
  } catch (const json::exception&) {
    log = json::parse(text + "]}", nullptr, false);  // a log cut short lacks its closing brackets
  }
  std::vector<std::string> urls;
  if (log.is_discarded() || !log.contains("constants")) {
    urls.push_back("<unreadable net log " + netlog.string() + ">");
    return urls;
  }
  const int start_job = log["constants"]["logEventTypes"].value("URL_REQUEST_START_JOB", -1);
  for (const auto& e : log["events"]) {
    if (e.value("type", -2) != start_job || !e.contains("params")) continue;
    const auto& params = e["params"];
    const std::string url = params.value("url", ""), key = params.value("network_isolation_key", "");
    if (key.rfind("file://", 0) == 0 && url.rfind("file:", 0) != 0) urls.push_back(url);
  }
  return urls;
}

std::vector<std::string> console_lines(const std::string& log) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < log.size()) {
    const std::size_t end = std::min(log.find('\n', pos), log.size());
    const std::string line = log.substr(pos, end - pos);
    if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos)
      lines.push_back(line);
    pos = end + 1;
  }
  return lines;
}

TEST_F(BrowserReport, NoConsoleErrorAndNoNetworkRequest) {
  // The probe proves the two detectors work: a script error and an image from the network.
  spit(dir_ / "probe.html",
       "<!DOCTYPE html><html><body><p>probe</p><script>console.error('bench-probe'); "
       "undefined_function_of_the_probe();</script>"
       "<img src=\"http://example.invalid/probe.png\" alt=\"\"></body></html>\n");
  const std::string logging = "--enable-logging=stderr --v=0 --dump-dom --log-net-log=";
  Proc probe =
      chromium(logging + quote((dir_ / "probe-net.json").string()), file_url(dir_ / "probe.html"), "probe");
  ASSERT_EQ(probe.exit_code, 0) << probe.err.substr(0, 2000);
  EXPECT_FALSE(console_lines(probe.err).empty())
      << "the console detector no longer sees a script error: " << probe.err.substr(0, 3000);
  const auto probe_urls = page_requests(dir_ / "probe-net.json");
  EXPECT_EQ(probe_urls, std::vector<std::string>{"http://example.invalid/probe.png"});

  const Proc p = chromium(logging + quote((dir_ / "report-net.json").string()), file_url(run_ / "index.html"),
                          "console");
  ASSERT_EQ(p.exit_code, 0) << p.err.substr(0, 2000);
  EXPECT_EQ(console_lines(p.err), std::vector<std::string>{});
  EXPECT_EQ(page_requests(dir_ / "report-net.json"), std::vector<std::string>{});
}

TEST_F(BrowserReport, HtmlReferencesNothingOutsideTheFile) {
  const std::string html = slurp(run_ / "index.html");
  // Inside markup (tags), not in the text people read: no URL, no source, no link but in-page anchors.
  const std::regex tag_re("<[^>]*>");
  std::size_t tags = 0;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag_re); it != std::sregex_iterator();
       ++it, ++tags) {
    const std::string tag = (*it)[0];
    EXPECT_EQ(tag.find("http://"), std::string::npos) << tag;
    EXPECT_EQ(tag.find("https://"), std::string::npos) << tag;
    EXPECT_EQ(tag.find("src="), std::string::npos) << tag;
    const std::size_t href = tag.find("href=\"");
    if (href != std::string::npos) {
      EXPECT_EQ(tag.compare(href + 6, 1, "#"), 0) << tag;
    }
  }
  EXPECT_GT(tags, 1000u);
  for (const char* forbidden : {"<script", "<link", "<img", "<iframe", "@import", "@font-face"})
    EXPECT_EQ(html.find(forbidden), std::string::npos) << forbidden;
  const std::regex url("url\\(([^)]*)\\)");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), url); it != std::sregex_iterator(); ++it)
    EXPECT_EQ((*it)[1].str().rfind("#", 0), 0u) << (*it)[0];
}

TEST_F(BrowserReport, JunitOfTheRunValidatesAndMatchesTheReport) {
  EXPECT_EQ(xmllint_schema_errors(run_ / "junit.xml", dir_), "");
  const auto counts = junit_counts(slurp(run_ / "junit.xml"));
  const auto& configurations = record_.configurations;
  ASSERT_EQ(counts.size(), configurations.size() + 1);
  std::size_t pass = 0, fail = 0, error = 0, tests = 0, failures = 0, errors = 0;
  for (std::size_t i = 0; i < configurations.size(); ++i) {
    const JunitCounts want = expected_counts(configurations[i]);
    const JunitCounts& got = counts[i + 1];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.tests, want.tests) << want.name;
    EXPECT_EQ(got.failures, want.failures) << want.name;
    EXPECT_EQ(got.errors, want.errors) << want.name;
    EXPECT_EQ(got.testcases, got.tests);
    EXPECT_EQ(got.failure_elements, got.failures);
    EXPECT_EQ(got.error_elements, got.errors);
    tests += want.tests, failures += want.failures, errors += want.errors;
    (got.errors ? error : got.failures ? fail : pass)++;
  }
  EXPECT_EQ(counts[0].tests, tests);
  EXPECT_EQ(counts[0].failures, failures);
  EXPECT_EQ(counts[0].errors, errors);
  EXPECT_EQ(pass, record_.counts()[0]);
  EXPECT_EQ(fail, record_.counts()[1]);
  EXPECT_EQ(error, record_.counts()[2]);
}

TEST_F(BrowserReport, ExportsOfTheRunReadBackToTheReportCurves) {
  std::size_t curves = 0;
  for (const auto& c : record_.configurations) {
    const fs::path dir = run_ / "exports" / export_directory_name(c.fixture.id);
    const record::SweepsResult* sweeps = c.result<record::SweepsResult>();
    ASSERT_NE(sweeps, nullptr) << c.fixture.id;
    for (std::size_t ch = 0; ch < 2; ++ch) {
      if (!sweeps->channels[ch]) continue;
      const record::SweepChannel& data = *sweeps->channels[ch];
      const std::string side = record::kChannelNames[ch];
      const FrdCurve frd = parse_frd(slurp(dir / (side + ".frd")), (dir / (side + ".frd")).string());
      ASSERT_EQ(frd.frequency_hz.size(), data.frequency_hz.size()) << dir << " " << side;
      for (std::size_t i = 0; i < frd.frequency_hz.size(); ++i) {
        EXPECT_NEAR(frd.frequency_hz[i], data.frequency_hz[i], 1e-6);
        EXPECT_NEAR(frd.magnitude_db[i], data.magnitude_db[i], 1e-6);
        EXPECT_NEAR(frd.phase_deg[i], data.phase_deg[i], 1e-6);
      }
      EXPECT_TRUE(fs::is_regular_file(dir / (side + ".csv")));
      EXPECT_TRUE(fs::is_regular_file(dir / (side + "_harmonics.csv")));
      ++curves;
    }
  }
  EXPECT_EQ(curves,
            11u);  // six configurations, two channels each, but the shorted right channel never arrives
}

TEST_F(BrowserReport, RebuildingEveryOutputIsFastAndGivesTheSameFiles) {
  const auto t0 = std::chrono::steady_clock::now();
  const record::RunRecord report = read_record(run_);
  const fs::path again = dir_ / "rebuilt";
  fs::create_directories(again);
  (void)write_all(again, report);
  const double in_process_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(in_process_s, 1.0) << "reading report.json and writing index.html, junit.xml and exports";
  EXPECT_EQ(slurp(again / "index.html"), slurp(run_ / "index.html"));
  EXPECT_EQ(slurp(again / "junit.xml"), slurp(run_ / "junit.xml"));

  const auto t1 = std::chrono::steady_clock::now();
  const Proc p = shell(quote(BENCH_BIN) + " report " + quote(run_.string()), dir_, "bench-report");
  const double cli_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_LT(cli_s, 1.0);
  EXPECT_EQ(slurp(again / "index.html"), slurp(run_ / "index.html"));
  std::printf("bench run faults.toml %.1f s; report rebuild %.3f s in process, %.3f s as `bench report`\n",
              run_seconds_, in_process_s, cli_s);
  RecordProperty("rebuild_seconds", std::to_string(in_process_s));
}

}  // namespace
}  // namespace bench::report::test
