#pragma once

// Shared helpers of the report tests: run records built here as typed values with known numbers, and
// written with the real writer (record_json.hpp) wherever a test needs report.json; scratch directories,
// files and processes; JUnit counting.
//
// sample_record(): one passing, one failing and one errored configuration, text that needs escaping, a
// check without a limit, a step that could not measure. full_record(): every optional part of the record
// filled in (every step kind's result with every field, an impedance result with a headphone and a port,
// every limit form, retried takes, relays, a run stopped early, a re-analysis), on short curves.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/plan/catalogue.hpp"
#include "bench/record/record.hpp"
#include "bench/report/record_json.hpp"
#include "bench/report/schema.hpp"

namespace bench::report::test {

namespace fs = std::filesystem;
using nlohmann::json;
using record::Outcome;

/// The repository root: this file is tests/report/report_test_support.hpp.
inline fs::path repo_root() {
  return fs::path(__FILE__).parent_path().parent_path().parent_path();
}

inline fs::path junit_xsd() {
  return repo_root() / "tests" / "report" / "junit.xsd";
}

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
    if (c == '\'')
      q.append("'\\''");
    else
      q.push_back(c);
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

/// A log-spaced axis from 20 Hz to 20 kHz, `per_octave` points per octave.
inline std::vector<double> log_axis(int per_octave = 24) {
  std::vector<double> f;
  for (double v = 20; v <= 20000 * 1.0001; v *= std::pow(2.0, 1.0 / per_octave)) f.push_back(v);
  return f;
}

// ---- building records ----

/// A check as the sequencer makes it: the catalogue's unit, made by step `step`.
inline record::Check make_check(const std::string& name, const std::string& step, record::Value value,
                                record::LimitRecord limit, Outcome outcome, const std::string& explanation,
                                const std::string& channel = "", const std::string& load = "",
                                std::optional<double> level_dbfs = std::nullopt) {
  record::Check k;
  k.name = name;
  k.step = step;
  k.value = std::move(value);
  k.unit = std::string(plan::check(name).unit);
  k.limit = std::move(limit);
  k.outcome = outcome;
  k.explanation = explanation;
  if (!channel.empty()) k.channel = channel;
  if (!load.empty()) k.load = load;
  k.level_dbfs = level_dbfs;
  return k;
}

inline record::LimitRecord limit_max(double v) {
  record::LimitRecord l;
  l.max = v;
  return l;
}
inline record::LimitRecord limit_min(double v) {
  record::LimitRecord l;
  l.min = v;
  return l;
}
inline record::LimitRecord limit_tolerance(double expected, double tolerance) {
  record::LimitRecord l;
  l.expected = expected;
  l.tolerance = tolerance;
  return l;
}
inline record::LimitRecord limit_word(const std::string& word) {
  record::LimitRecord l;
  l.expected = word;
  return l;
}

/// A sweep for one driven channel: gain `gain_db` + 0.1*sin(index), phase -index - 0.1234567 degrees, a
/// swept crosstalk curve, harmonics H2..H9 at -(80 + 10*(n-2)) dB listed up to 20 kHz / n.
inline record::SweepChannel sweep_channel(int arrived_on, const std::vector<double>& f, double gain_db = -6) {
  record::SweepChannel c;
  c.arrived_on = arrived_on;
  c.latency_samples = 12.5;
  c.frequency_hz = f;
  for (std::size_t i = 0; i < f.size(); ++i) {
    c.magnitude_db.push_back(gain_db + 0.1 * std::sin(static_cast<double>(i)));
    c.phase_deg.push_back(-static_cast<double>(i) - 0.1234567);
    c.crosstalk_db.push_back(-120 + 10 * std::log10(f[i] / 20));
  }
  for (int n = 2; n <= 9; ++n) {
    record::HarmonicCurve h;
    h.order = n;
    for (double v : f)
      if (v * n < 20000) h.frequency_hz.push_back(v), h.level_db.push_back(-(80.0 + 10 * (n - 2)));
    c.harmonics.push_back(std::move(h));
  }
  return c;
}

/// An impedance curve on `f`: |Z| = 2 + 0.01*i ohm at point i, phase 0.5 - 0.01*i degrees, 0.02 ohm
/// uncertainty.
inline record::ImpedanceCurve impedance_curve(const std::vector<double>& f, double offset_ohm = 0) {
  record::ImpedanceCurve c;
  c.frequency_hz = f;
  for (std::size_t i = 0; i < f.size(); ++i) {
    c.impedance_ohm.push_back(2 + offset_ohm + 0.01 * static_cast<double>(i));
    c.phase_deg.push_back(0.5 - 0.01 * static_cast<double>(i));
    c.uncertainty_ohm.push_back(0.02);
  }
  c.at_1khz_ohm = 2.5 + offset_ohm, c.at_1khz_phase_deg = 0.1, c.at_1khz_uncertainty_ohm = 0.02;
  c.band_min_ohm = 2 + offset_ohm, c.band_max_ohm = c.impedance_ohm.empty() ? 0 : c.impedance_ohm.back();
  return c;
}

/// The impedance step's result: the curves above, one headphone "hp_a" (predicted change 0.001*i dB) and,
/// with `port`, the interface's line_out measured on its own (430 ohm).
inline record::ImpedanceResult impedance_result(const std::vector<double>& f, bool port = false) {
  record::ImpedanceResult r;
  r.method =
      "sweeps into each load (in parallel with the reference ADC's input), complex least squares per "
      "frequency";
  r.sweep_f1_hz = 10, r.sweep_f2_hz = 22800, r.sweep_duration_s = 1, r.sweep_level_dbfs = -10;
  r.adc_input_impedance_ohm = 100000;
  r.loads = {{"open", "Open circuit (no load)", plan::Load::Kind::kOpen, std::nullopt, 0, 100000},
             {"r33", "33 ohm resistor, 1 %", plan::Load::Kind::kResistor, 33.0, 1, 32.98911359251447}};
  r.channels = {impedance_curve(f), impedance_curve(f)};
  record::HeadphoneLoading hp;
  hp.load = "hp_a", hp.name = "Headphone A", hp.nominal_ohm = 32;
  for (auto& ch : hp.channels) {
    for (std::size_t i = 0; i < f.size(); ++i) {
      ch.predicted_change_db.push_back(0.001 * static_cast<double>(i));
      ch.predicted_phase_deg.push_back(-0.01 * static_cast<double>(i));
      ch.measured_change_db.push_back(0.001 * static_cast<double>(i) + 0.0001);
      ch.predicted_as_connected_change_db.push_back(0.001 * static_cast<double>(i) - 0.0001);
    }
    ch.deviation_db = ch.predicted_change_db.empty() ? 0 : ch.predicted_change_db.back();
    ch.measured_deviation_db = 0.33, ch.agreement_db = 0.003, ch.damping_factor_1khz = 15.06,
    ch.damping_factor_min = 15.0;
    ch.damping_factor_min_frequency_hz = 2313.9, ch.rule_of_eighths = true;
  }
  r.headphones.push_back(hp);
  if (port) r.ports.push_back({"line_out", {impedance_curve(f, 428), impedance_curve(f, 428)}, 430});
  r.source_loading = {"line_out", "balanced_trs", 430.0007506952426, port, 20000, 1, -0.18476773853016534};
  return r;
}

inline record::StepRecord step_record(const std::string& kind, std::optional<record::StepResult> result,
                                      double audio_s, std::size_t takes) {
  record::StepRecord s;
  s.id = s.kind = kind;
  s.audio_s = audio_s;
  s.takes = takes;
  s.result = std::move(result);
  return s;
}

/// The steps of a configuration that measured everything but the impedance: clock, sweeps (the channels
/// arriving swapped with `swapped`), crosstalk, level, distortion, max_output into r300 (ten steps per
/// channel, the last two over the threshold) and noise with five hum lines.
inline std::vector<record::StepRecord> measured_steps(const std::vector<double>& f, bool swapped = false) {
  std::vector<record::StepRecord> steps;
  record::ClockResult clock;
  clock.tone_hz = 997, clock.tolerance_ppm = 1000, clock.correction_threshold_ppm = 0.1,
  clock.drift_ppm = 0.01;
  clock.measured_hz = 997.00000997, clock.channel = 0, clock.corrected = false;
  steps.push_back(step_record("clock", clock, 1.35, 1));
  record::SweepsResult sweeps;
  sweeps.channels = {sweep_channel(swapped ? 1 : 0, f), sweep_channel(swapped ? 0 : 1, f)};
  steps.push_back(step_record("sweeps", sweeps, 4.7, 2));
  record::CrosstalkResult crosstalk;
  crosstalk.from[0] = {{85, -110}, {1035, -105}};
  crosstalk.from[1] = {{85, -111}};
  steps.push_back(step_record("crosstalk", crosstalk, 2.7, 2));
  record::LevelResult level;
  level.stimulus_dbfs = -10, level.source_dbv = 3.8, level.expected_dbv = 9.56,
  level.expected_chain_gain_db = 5.76;
  level.source_loading_db = -0.18, level.cable_db = 0, level.amp_gain_db = 6, level.output_loading_db = -0.06;
  level.level_dbv = {9.5, 9.6};
  steps.push_back(step_record("level", level, 1.35, 1));
  record::DistortionResult distortion;
  distortion.points = {{0, -6, 13.5, -99, -98}, {1, -6, 13.5, -97, -96}};
  steps.push_back(step_record("distortion", distortion, 2.7, 2));
  record::MaxOutputResult max_output;
  record::MaxOutputLoad r300;
  r300.load = "r300", r300.nominal_ohm = 300;
  for (int i = 0; i < 10; ++i)
    for (int ch = 0; ch < 2; ++ch)
      r300.steps.push_back({ch, -40.0 + 4 * i, -30.0 + 4 * i, -70.0 - 2 * i + (i > 7 ? 40 : 0)});
  r300.max_output_vrms = {7.9, 7.9};
  max_output.loads.push_back(r300);
  steps.push_back(step_record("max_output", max_output, 27, 20));
  record::NoiseResult noise;
  for (std::size_t ch = 0; ch < 2; ++ch) {
    record::NoiseChannel n;
    n.noise_dbv = -95, n.noise_dbv_a = ch == 0 ? -97 : -97.5, n.noise_dbv_ccir_rms = -93.5, n.mains_hz = 50;
    for (int k = 1; k <= 5; ++k) n.hum.push_back({50.0 * k, -120.0 - k});
    noise.channels[ch] = n;
  }
  steps.push_back(step_record("noise", noise, 2.35, 1));
  return steps;
}

inline record::FixtureRecord fixture_record(const std::string& id, const std::string& name) {
  record::FixtureRecord f;
  f.id = id, f.name = name, f.file = "fixtures/" + id + ".toml";
  f.cable = "2x TRS", f.source_port = "line_out", f.destination_input = "balanced_in";
  f.instruction = "connect <A> to B & C";
  f.source_connector = plan::Connector::kTrs, f.destination_connector = plan::Connector::kTrs;
  f.balanced = true, f.expected_level_change_db = 0;
  f.wiring = {{0, false, false}, {1, false, false}};
  f.conductors = {"tip = hot", "ring = cold", "sleeve = ground"};
  return f;
}

/// The plan's sequence as the record keeps it: one step per kind, with the run's settings.
inline std::vector<record::PlannedStep> planned_steps(const plan::MeasurementSettings& settings,
                                                      bool impedance) {
  std::vector<record::PlannedStep> steps;
  for (const auto& kind : plan::step_kinds()) {
    if (kind.kind == "impedance" && !impedance) continue;
    steps.push_back({std::string(kind.kind), std::string(kind.kind), {}, {}, settings});
  }
  return steps;
}

/// Three configurations: "good" passes (one check without a limit), "odd/swapped" fails with text that
/// needs escaping, "broken" could not be measured (an "errors" entry, a noise step that could not measure,
/// an errored check, no results but its clock).
inline record::RunRecord sample_record() {
  const auto f = log_axis();
  record::RunRecord r;
  r.bench_version = "0.2.0";
  r.created_utc = "2025-01-01T00:00:00Z";
  r.backend = "sim";
  r.seed = 1;
  r.plan = {"sample", "Sample <plan> & co", "profiles/plans/sample.toml"};
  r.interface = {"scarlett_2i2", "Focusrite Scarlett 2i2 (simulated)",
                 "profiles/interfaces/scarlett_2i2.toml"};
  r.amp = {"desktop_amp", "Desktop amplifier", "profiles/amps/desktop_amp.toml"};
  r.adc = {"reference_adc", "Reference ADC", "profiles/adcs/reference_adc.toml"};
  r.limits = {"qa_default", "QA default", "profiles/limits/qa_default.toml"};
  r.loads = {
      {"r300", "300 ohm resistor, 1 %", "profiles/loads/r300.toml", plan::Load::Kind::kResistor, 300.0, 1}};
  r.settings.reference_load = "r300";
  r.adc_fullscale_vrms = 20;
  r.default_steps = true;
  r.steps = planned_steps(r.settings, false);
  r.definitions = {{"levels", "AES17 <dBFS>"}, {"thd_n_db", std::string(plan::check("thd_n_db").definition)}};

  record::ConfigurationRecord good;
  good.fixture = fixture_record("good", "Good cable");
  good.outcome = Outcome::kPass;
  good.checks = {
      make_check("channel_map", "sweeps", std::string("L->L, R->R"), limit_word("L->L, R->R"), Outcome::kPass,
                 "each output arrives on its own channel"),
      make_check("frequency_response_deviation_db", "sweeps", 0.2, limit_max(0.5), Outcome::kPass,
                 "largest deviation 0.2 dB", "left"),
      make_check("frequency_response_deviation_db", "sweeps", 0.2, limit_max(0.5), Outcome::kPass,
                 "largest deviation 0.2 dB", "right"),
      make_check("level_dbv", "level", 9.5, limit_tolerance(9.56, 1.0), Outcome::kPass, "as expected", "left",
                 "", -10.0),
      make_check("max_output_vrms", "max_output", 7.9, limit_min(1.0), Outcome::kPass,
                 "7.9 Vrms into 300 ohm", "left", "r300"),
      make_check("crosstalk_db", "crosstalk", record::Value{}, {}, Outcome::kInfo, "not measured: no limit",
                 "right->left"),
  };
  good.steps = measured_steps(f);
  good.captures = {"captures/good/noise.wav"};

  record::ConfigurationRecord odd;
  odd.fixture = fixture_record("odd/swapped", "FAULT: swapped <L/R>");
  odd.outcome = Outcome::kFail;
  odd.checks = {
      make_check("channel_map", "sweeps", std::string("L->R, R->L"), limit_word("L->L, R->R"), Outcome::kFail,
                 "left & right are <swapped>: check the \"plug\" order"),
      make_check("hum_dbv", "noise", -54.06, limit_max(-100), Outcome::kFail,
                 "strongest mains line -54.1 dBV at 50 Hz: <script>alert('x')</script>", "left"),
      make_check("thd_db", "distortion", -99.0, limit_max(-70), Outcome::kPass, "THD 0.001 %", "left", "",
                 -6.0),
      make_check("thd_db", "distortion", -26.0, limit_max(-70), Outcome::kFail, "near the output limit",
                 "left", "", -20.0),
  };
  odd.steps = measured_steps(f, true);

  record::ConfigurationRecord broken;
  broken.fixture = fixture_record("broken", "");
  broken.outcome = Outcome::kError;
  broken.errors = {"noise: the reference ADC clipped on its left channel: lower the level"};
  broken.checks = {
      make_check("noise_dbv_a", "noise", record::Value{}, {}, Outcome::kError,
                 "not measured: the reference ADC clipped"),
      make_check("level_dbv", "level", 9.5, limit_tolerance(9.56, 1.0), Outcome::kPass, "as expected", "left",
                 "", -10.0),
  };
  broken.steps = {measured_steps(f).front()};
  record::StepRecord noise = step_record("noise", std::nullopt, 2.35, 1);
  noise.error = "the reference ADC clipped on its left channel";
  broken.steps.push_back(noise);

  r.configurations = {good, odd, broken};
  r.outcome = Outcome::kError;
  return r;
}

/// Every optional part of the record filled in, on short curves (one point per octave).
inline record::RunRecord full_record() {
  record::RunRecord r = sample_record();
  const auto f = log_axis(1);
  r.plan.name = "Full <record> & \"quotes\"";
  r.default_steps = false;
  r.loads.push_back({"hp_a", "Headphone A", "profiles/loads/hp_a.toml", plan::Load::Kind::kHeadphone,
                     30.120429040112818, 0});
  r.impedance_loads = {
      {"open", "Open circuit (no load)", "profiles/loads/open.toml", plan::Load::Kind::kOpen, std::nullopt,
       0},
      {"r33", "33 ohm resistor, 1 %", "profiles/loads/r33.toml", plan::Load::Kind::kResistor, 33.0, 1}};
  r.settings.impedance_loads = {"open", "r33"};
  r.settings.impedance_ports = {"line_out"};
  r.settings.thd_levels_dbfs = {-1, -20, -0.1};
  r.steps = planned_steps(r.settings, true);
  r.steps[1].settings.sweep_duration_s = 3.25;  // the sweeps step gives itself a longer sweep and a limit
  r.steps[1].overridden = {"sweep_duration_s"};
  r.steps[1].limits_overridden = {"frequency_response_deviation_db"};
  r.definitions.insert(r.definitions.begin(),
                       std::pair<std::string, std::string>("audio_s", "seconds of audio a step played"));
  for (auto& c : r.configurations) {
    for (auto& s : c.steps) {
      if (auto* sweeps = s.result ? std::get_if<record::SweepsResult>(&*s.result) : nullptr)
        for (std::size_t ch = 0; ch < 2; ++ch)
          sweeps->channels[ch] = sweep_channel(sweeps->channels[ch]->arrived_on, f);
    }
  }
  record::ConfigurationRecord& good = r.configurations[0];
  auto& clock = std::get<record::ClockResult>(*good.steps[0].result);
  clock.explanation = "the ADC's clock matches the interface's";
  clock.corrected = true;
  // Numbers JSON must carry exactly, and some it cannot (NaN reads back as NaN).
  auto& sweep = *std::get<record::SweepsResult>(*good.steps[1].result).channels[0];
  sweep.inverted = true;
  sweep.magnitude_db[1] = record::kNaN;
  sweep.phase_deg[2] = -0.0;
  sweep.phase_deg[3] = 5e-324;
  sweep.crosstalk_db[1] = 1.0 / 3.0;
  sweep.latency_samples = -0.0006606105418261223;
  std::get<record::MaxOutputResult>(*good.steps[5].result).loads[0].at_full_scale = {true, false};
  good.steps.push_back(step_record("impedance", impedance_result(f, true), 8.5, 8));
  good.checks.push_back(make_check("output_impedance_ohm", "impedance", 2.5, limit_max(5.0), Outcome::kPass,
                                   "|Z_out| 2.50 ohm at 1 kHz", "left"));
  good.checks.push_back(make_check("damping_factor", "impedance", 15.0, limit_min(8.0), Outcome::kPass,
                                   "damping factor 15.0", "left", "hp_a"));
  good.checks.push_back(make_check("clock_drift_ppm", "clock", 0.01, {}, Outcome::kInfo, "0.010 ppm"));
  record::LimitRecord tolerance_only;
  tolerance_only.tolerance = 1.0;
  good.checks.push_back(
      make_check("gain_db", "level", 5.75, tolerance_only, Outcome::kPass, "as expected", "left"));
  record::LimitRecord both;
  both.min = -1, both.max = 1;
  good.checks.push_back(
      make_check("channel_balance_db", "level", 0.1, both, Outcome::kPass, "within 0.1 dB"));
  good.checks.push_back(make_check("polarity", "sweeps", std::monostate{}, limit_word("normal"),
                                   Outcome::kError, "no signal", "right"));
  good.retried_takes = {
      {"sweeps/left", 2, {"input overflow (xrun) at 1.25 s", "frame count 95998 of 96000"}}};
  good.relays = {{"load r33", {1}, 1, "QAAMZ", 0.05}, {"cable path", {}, 0, "QAAMZ", 0.05}};
  good.fixture.wiring = {{0, true, false}, {-1, false, true}};
  good.fixture.source_connector = plan::Connector::kStereoTrs;
  good.fixture.destination_connector = plan::Connector::kRca;
  good.fixture.balanced = false;
  good.fixture.expected_level_change_db = -6.02;
  r.configurations[2].steps.push_back(step_record("impedance", std::nullopt, 0, 0));
  r.configurations[2].steps.back().error = "no signal arrives: the step cannot measure";
  r.aborted = "the interface disappeared: reconnect it and run the plan again";
  r.reanalysis_of = record::ReanalysisOf{"reports/2025-01-01T000000Z_sample", 190, 189};
  r.in_progress = record::InProgress{5};
  r.seed = 18446744073709551615ull;
  return r;
}

/// The record's document as the writer makes it, checked against the schema.
inline json document_of(const record::RunRecord& r) {
  json doc = to_json(r);
  const auto errors = schema_errors(doc);
  EXPECT_TRUE(errors.empty()) << "the writer wrote a document its schema refuses: " << errors.front();
  return doc;
}

/// The record as report.json gives it back: written, dumped as text, parsed and read with the real reader.
/// Every derived output in these tests is made from such a record.
inline record::RunRecord through_report_json(const record::RunRecord& r) {
  return record_from_json(json::parse(document_of(r).dump(2)), "report.json");
}

/// Writes `dir`/report.json with the real writer.
inline void write_report(const fs::path& dir, const record::RunRecord& r) {
  fs::create_directories(dir);
  (void)document_of(r);
  write_record(dir, r);
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

/// What the record says the JUnit counts of a configuration must be: every check, every "errors" entry
/// and every step that could not measure is a test; failed checks are failures; errored checks, "errors"
/// entries and step errors are errors.
inline JunitCounts expected_counts(const record::ConfigurationRecord& configuration) {
  JunitCounts c;
  c.name = configuration.fixture.id;
  for (const auto& k : configuration.checks) {
    ++c.tests;
    c.failures += k.outcome == Outcome::kFail;
    c.errors += k.outcome == Outcome::kError;
  }
  const std::size_t bench_errors = configuration.all_errors().size();
  c.tests += bench_errors;
  c.errors += bench_errors;
  return c;
}

/// Validates `xml_file` against tests/report/junit.xsd with xmllint; "" when valid, else xmllint's words.
inline std::string xmllint_schema_errors(const fs::path& xml_file, const fs::path& scratch_dir) {
  if (!have("xmllint"))
    return "xmllint is not installed: run ./bench.sh test (it installs libxml2-utils from deps.txt)";
  const Proc p =
      shell("xmllint --noout --schema " + quote(junit_xsd().string()) + " " + quote(xml_file.string()),
            scratch_dir, "xmllint");
  return p.exit_code == 0 ? std::string() : "xmllint exit " + std::to_string(p.exit_code) + ": " + p.err;
}

}  // namespace bench::report::test
