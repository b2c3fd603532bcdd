#pragma once

// Shared helpers of the report tests: a small bench.report/1 document built here with known values
// (one passing, one failing and one errored configuration, text that needs escaping, a check without a
// limit), scratch directories, files and processes.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace bench::report::test {

namespace fs = std::filesystem;
using nlohmann::json;

/// The repository root: this file is tests/report/report_test_support.hpp.
inline fs::path repo_root() { return fs::path(__FILE__).parent_path().parent_path().parent_path(); }

inline fs::path junit_xsd() { return repo_root() / "tests" / "report" / "junit.xsd"; }

/// A fresh directory under BENCH_TEST_TMP/report named after the running test, unique per process.
inline fs::path scratch() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_') c = '_';
  const fs::path dir = fs::path(BENCH_TEST_TMP) / "report" / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

inline std::string quote(const std::string& s) {
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

/// Runs a shell command with stdout and stderr into files of `dir`.
inline Proc shell(const std::string& cmd, const fs::path& dir, const std::string& tag = "cmd") {
  const fs::path out = dir / (tag + ".stdout"), err = dir / (tag + ".stderr");
  const std::string full = cmd + " >" + quote(out.string()) + " 2>" + quote(err.string()) + " </dev/null";
  const int status = std::system(full.c_str());
  Proc p;
  p.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  p.out = slurp(out);
  p.err = slurp(err);
  return p;
}

/// Whether a program is on PATH.
inline bool have(const std::string& program) {
  return std::system(("command -v " + quote(program) + " >/dev/null 2>&1").c_str()) == 0;
}

/// Number of non-overlapping occurrences of `needle` in `hay`.
inline std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

/// A log-spaced axis, 24 points per octave from 20 Hz to 20 kHz.
inline std::vector<double> log_axis() {
  std::vector<double> f;
  for (double v = 20; v <= 20000 * 1.0001; v *= std::pow(2.0, 1.0 / 24)) f.push_back(v);
  return f;
}

/// A sweep result for one driven channel: gain -6 dB + 0.1*sin(index), phase -index degrees, harmonics
/// H2..H5 at -(80 + 10*(n-2)) dB listed up to 20 kHz / n.
inline json sweep_side(const std::string& arrived_on, double gain_db = -6) {
  const auto f = log_axis();
  std::vector<double> mag, phase, xt;
  for (std::size_t i = 0; i < f.size(); ++i) {
    mag.push_back(gain_db + 0.1 * std::sin(static_cast<double>(i)));
    phase.push_back(-static_cast<double>(i) - 0.1234567);
    xt.push_back(-120 + 10 * std::log10(f[i] / 20));
  }
  json harmonics = json::array();
  for (int n = 2; n <= 5; ++n) {
    std::vector<double> hf, hl;
    for (double v : f)
      if (v * n < 20000) hf.push_back(v), hl.push_back(-(80.0 + 10 * (n - 2)));
    harmonics.push_back({{"order", n}, {"frequency_hz", hf}, {"level_db", hl}});
  }
  return {{"arrived_on", arrived_on}, {"latency_samples", 12.5}, {"polarity", "normal"}, {"frequency_hz", f},
          {"magnitude_db", mag},      {"phase_deg", phase},       {"crosstalk_db", xt},    {"harmonics", harmonics}};
}

inline json check(const std::string& name, json value, const std::string& unit, json limit, const std::string& outcome,
                  const std::string& explanation, const std::string& channel = "", const std::string& load = "", double level_dbfs = NAN) {
  json k = {{"name", name}, {"value", value}, {"unit", unit}, {"limit", limit}, {"outcome", outcome}, {"explanation", explanation}};
  if (!channel.empty()) k["channel"] = channel;
  if (!load.empty()) k["load"] = load;
  if (!std::isnan(level_dbfs)) k["level_dbfs"] = level_dbfs;
  return k;
}

inline json measurements() {
  json steps = json::array();
  for (int i = 0; i < 10; ++i)
    for (const char* ch : {"left", "right"})
      steps.push_back({{"channel", ch}, {"stimulus_dbfs", -40 + 4 * i}, {"output_dbv", -30 + 4 * i}, {"thd_n_db", -70 - 2 * i + (i > 7 ? 40 : 0)}});
  json hum = json::array();
  for (int k = 1; k <= 5; ++k) hum.push_back({{"frequency_hz", 50.0 * k}, {"level_dbv", -120.0 - k}});
  return {{"sweep", {{"left", sweep_side("left")}, {"right", sweep_side("right")}}},
          {"crosstalk",
           {{"left", json::array({{{"frequency_hz", 85}, {"crosstalk_db", -110}}, {{"frequency_hz", 1035}, {"crosstalk_db", -105}}})},
            {"right", json::array({{{"frequency_hz", 85}, {"crosstalk_db", -111}}})}}},
          {"level", {{"stimulus_dbfs", -10}, {"source_dbv", 3.8}, {"expected_dbv", 9.56}, {"level_dbv", {9.5, 9.6}}}},
          {"thd",
           json::array({{{"channel", "left"}, {"stimulus_dbfs", -6}, {"output_dbv", 13.5}, {"thd_db", -99}, {"thd_n_db", -98}},
                        {{"channel", "right"}, {"stimulus_dbfs", -6}, {"output_dbv", 13.5}, {"thd_db", -97}, {"thd_n_db", -96}}})},
          {"max_output", {{"r300", {{"nominal_ohm", 300}, {"steps", steps}, {"max_output_vrms", {7.9, 7.9}}}}}},
          {"noise",
           {{"left", {{"noise_dbv", -95}, {"noise_dbv_a", -97}, {"mains_hz", 50}, {"hum", hum}}},
            {"right", {{"noise_dbv", -95}, {"noise_dbv_a", -97.5}, {"mains_hz", 50}, {"hum", hum}}}}}};
}

/// measurements.impedance as the sequencer writes it: |Z| = 2 + 0.01*i ohm at point i of log_axis(),
/// phase 0.5 - 0.01*i degrees, one headphone "hp_a" with a predicted change of 0.001*i dB.
inline json impedance_measurement() {
  const auto f = log_axis();
  std::vector<double> z, phase, change;
  for (std::size_t i = 0; i < f.size(); ++i) {
    z.push_back(2 + 0.01 * static_cast<double>(i));
    phase.push_back(0.5 - 0.01 * static_cast<double>(i));
    change.push_back(0.001 * static_cast<double>(i));
  }
  json channels = json::object(), hp = json::object();
  for (const char* side : {"left", "right"}) {
    channels[side] = {{"frequency_hz", f}, {"impedance_ohm", z}, {"phase_deg", phase}, {"uncertainty_ohm", std::vector<double>(f.size(), 0.02)},
                      {"at_1khz", {{"impedance_ohm", 2.5}, {"phase_deg", 0.1}, {"uncertainty_ohm", 0.02}}}};
    hp[side] = {{"predicted_change_db", change}, {"measured_change_db", change}, {"deviation_db", change.back()}};
  }
  return {{"channels", channels}, {"headphones", {{"hp_a", {{"name", "Headphone A"}, {"nominal_ohm", 32}, {"channels", hp}}}}}};
}

/// Three configurations: "good" passes (one check without a limit), "odd/<fault>" fails with text that
/// needs escaping, "broken" could not be measured (an "errors" entry, an errored check, no measurements).
inline json sample_report() {
  json good_checks = json::array({
      check("channel_map", "L->L, R->R", "", {{"expected", "L->L, R->R"}}, "pass", "each output arrives on its own channel"),
      check("frequency_response_deviation_db", 0.2, "dB", {{"max", 0.5}}, "pass", "largest deviation 0.2 dB", "left"),
      check("frequency_response_deviation_db", 0.2, "dB", {{"max", 0.5}}, "pass", "largest deviation 0.2 dB", "right"),
      check("level_dbv", 9.5, "dBV", {{"expected", 9.56}, {"tolerance", 1.0}}, "pass", "as expected", "left", "", -10),
      check("max_output_vrms", 7.9, "Vrms", {{"min", 1.0}}, "pass", "7.9 Vrms into 300 ohm", "left", "r300"),
      check("crosstalk_db", nullptr, "dB", nullptr, "info", "not measured: no limit", "right->left"),
  });
  json odd_checks = json::array({
      check("channel_map", "L->R, R->L", "", {{"expected", "L->L, R->R"}}, "fail", "left & right are <swapped>: check the \"plug\" order"),
      check("hum_dbv", -54.06, "dBV", {{"max", -100}}, "fail", "strongest mains line -54.1 dBV at 50 Hz: <script>alert('x')</script>", "left"),
      check("thd_db", -99, "dB", {{"max", -70}}, "pass", "THD 0.001 %", "left", "", -6),
      check("thd_db", -26, "dB", {{"max", -70}}, "fail", "near the output limit", "left", "", -20),
  });
  json broken_checks = json::array({
      check("noise_dbv_a", nullptr, "dBV(A)", nullptr, "error", "not measured: the reference ADC clipped"),
      check("level_dbv", 9.5, "dBV", {{"expected", 9.56}, {"tolerance", 1.0}}, "pass", "as expected", "left", "", -10),
  });
  json odd_measurements = measurements();
  odd_measurements["sweep"]["left"]["arrived_on"] = "right";
  odd_measurements["sweep"]["right"]["arrived_on"] = "left";
  auto fixture = [](const std::string& id, const std::string& name) {
    return json{{"id", id}, {"name", name}, {"source_port", "line_out"}, {"source_connector", "trs"}, {"destination_input", "balanced_in"},
                {"destination_connector", "trs"}, {"balanced", true}, {"expected_level_change_db", 0.0}, {"cable", "2x TRS"},
                {"instruction", "connect <A> to B & C"}};
  };
  return {{"schema", "bench.report/1"},
          {"bench_version", "0.1.0"},
          {"created_utc", "2025-01-01T00:00:00Z"},
          {"backend", "sim"},
          {"seed", 1},
          {"plan", {{"id", "sample"}, {"name", "Sample <plan> & co"}, {"file", "profiles/plans/sample.toml"}}},
          {"settings",
           {{"reference_load", "r300"},
            {"sample_rate_hz", 48000},
            {"test_level_dbfs", -10},
            {"tone", {{"frequency_hz", 997}, {"duration_s", 1}}},
            {"max_output", {{"thd_n_percent", 1.0}, {"start_dbfs", -40}, {"step_db", 1}}},
            {"definitions", {{"levels", "AES17 <dBFS>"}}}}},
          {"outcome", "error"},
          {"summary", {{"configurations", 3}, {"pass", 1}, {"fail", 1}, {"error", 1}}},
          {"configurations",
           json::array({{{"fixture", fixture("good", "Good cable")}, {"outcome", "pass"}, {"errors", json::array()}, {"checks", good_checks},
                         {"measurements", measurements()}, {"captures", json::array({"captures/good/noise.wav"})}},
                        {{"fixture", fixture("odd/swapped", "FAULT: swapped <L/R>")}, {"outcome", "fail"}, {"errors", json::array()},
                         {"checks", odd_checks}, {"measurements", odd_measurements}, {"captures", json::array()}},
                        {{"fixture", "broken"}, {"outcome", "error"},
                         {"errors", json::array({"noise: the reference ADC clipped on its left channel: lower the level"})},
                         {"checks", broken_checks}, {"measurements", json::object()}, {"captures", json::array()}}})}};
}

}  // namespace bench::report::test

namespace bench::report::test {

/// Counts of one JUnit testsuite (or of the root): as written in its attributes, and as found in its body.
struct JunitCounts {
  std::string name;
  std::size_t tests = 0, failures = 0, errors = 0;
  std::size_t testcases = 0, failure_elements = 0, error_elements = 0;
};

/// The value of attribute `attr` in the first start tag `<tag ...>` of `xml`, "" when absent.
inline std::string attribute(const std::string& xml, const std::string& tag, const std::string& attr) {
  const std::size_t start = xml.find("<" + tag + " ");
  if (start == std::string::npos) return "";
  const std::size_t end = xml.find('>', start);
  const std::string head = xml.substr(start, end - start);
  const std::size_t a = head.find(" " + attr + "=\"");
  if (a == std::string::npos) return "";
  const std::size_t v = a + attr.size() + 3;
  return head.substr(v, head.find('"', v) - v);
}

/// The root's counts (first) and each testsuite's, in document order.
inline std::vector<JunitCounts> junit_counts(const std::string& xml) {
  std::vector<JunitCounts> out;
  auto fill = [](const std::string& part, const std::string& tag) {
    JunitCounts c;
    c.name = attribute(part, tag, "name");
    auto number = [&](const char* attr) {
      const std::string v = attribute(part, tag, attr);
      return v.empty() ? std::size_t{0} : static_cast<std::size_t>(std::stoul(v));
    };
    c.tests = number("tests");
    c.failures = number("failures");
    c.errors = number("errors");
    c.testcases = count(part, "<testcase ");
    c.failure_elements = count(part, "<failure ");
    c.error_elements = count(part, "<error ");
    return c;
  };
  out.push_back(fill(xml, "testsuites"));
  for (std::size_t p = xml.find("<testsuite "); p != std::string::npos;) {
    const std::size_t next = xml.find("<testsuite ", p + 1);
    out.push_back(fill(xml.substr(p, next == std::string::npos ? std::string::npos : next - p), "testsuite"));
    p = next;
  }
  return out;
}

/// What report.json says the JUnit counts of a configuration must be: every check and every "errors"
/// entry is a test; failed checks are failures; errored checks and "errors" entries are errors.
inline JunitCounts expected_counts(const json& configuration) {
  JunitCounts c;
  c.name = configuration["fixture"].is_object() ? configuration["fixture"].value("id", "") : configuration["fixture"].get<std::string>();
  for (const auto& k : configuration["checks"]) {
    ++c.tests;
    const std::string o = k.value("outcome", "");
    c.failures += o == "fail";
    c.errors += o == "error";
  }
  c.tests += configuration["errors"].size();
  c.errors += configuration["errors"].size();
  return c;
}

/// Validates `xml_file` against tests/report/junit.xsd with xmllint; "" when valid, else xmllint's words.
inline std::string xmllint_schema_errors(const fs::path& xml_file, const fs::path& scratch_dir) {
  if (!have("xmllint")) return "xmllint is not installed: run ./bench.sh test (it installs libxml2-utils from deps.txt)";
  const Proc p = shell("xmllint --noout --schema " + quote(junit_xsd().string()) + " " + quote(xml_file.string()), scratch_dir, "xmllint");
  return p.exit_code == 0 ? std::string() : "xmllint exit " + std::to_string(p.exit_code) + ": " + p.err;
}

}  // namespace bench::report::test
