// report.json (bench.report/2) and its schema: every document the writer makes validates; the schema pins
// every key the writer writes (a renamed key anywhere is refused, and a deleted one is refused unless the
// record really has no such field); a record comes back field by field, numbers bit for bit; the schema's
// names are the catalogue's; bench.report/1 is refused with the way to convert it, and read_prior_run
// still reads what `bench reanalyze` needs of it; read_record names the file and the fix in one line.
#include "bench/report/record_json.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/core/version.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/plan/steps.hpp"
#include "bench/report/schema.hpp"
#include "report_test_support.hpp"

namespace bench::report::test {
namespace {

// ---- field-by-field equality of two records (doubles bit for bit, NaN equal to NaN) ----

struct Same {
  std::vector<std::string>* differences;
  std::string at;

  Same operator[](const std::string& field) const { return {differences, at + "." + field}; }
  Same operator[](std::size_t i) const { return {differences, at + "[" + std::to_string(i) + "]"}; }
  void differ(const std::string& what) const { differences->push_back(at + ": " + what); }

  void operator()(double a, double b) const {
    if (std::isnan(a) && std::isnan(b)) return;
    if (std::bit_cast<std::uint64_t>(a) != std::bit_cast<std::uint64_t>(b)) differ(std::to_string(a) + " vs " + std::to_string(b) + " (bits differ)");
  }
  template <class T>
    requires(std::is_integral_v<T> || std::is_enum_v<T>)
  void operator()(T a, T b) const {
    if (a != b) differ(std::to_string(static_cast<long long>(a)) + " vs " + std::to_string(static_cast<long long>(b)));
  }
  void operator()(const std::string& a, const std::string& b) const {
    if (a != b) differ("\"" + a + "\" vs \"" + b + "\"");
  }
  template <class T>
  void operator()(const std::optional<T>& a, const std::optional<T>& b) const {
    if (a.has_value() != b.has_value()) return differ(a ? "present vs absent" : "absent vs present");
    if (a) (*this)(*a, *b);
  }
  template <class T>
  void operator()(const std::vector<T>& a, const std::vector<T>& b) const {
    if (a.size() != b.size()) return differ(std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements");
    for (std::size_t i = 0; i < a.size(); ++i) (*this)[i](a[i], b[i]);
  }
  template <class T, std::size_t N>
  void operator()(const std::array<T, N>& a, const std::array<T, N>& b) const {
    for (std::size_t i = 0; i < N; ++i) (*this)[i](a[i], b[i]);
  }
  template <class A, class B>
  void operator()(const std::pair<A, B>& a, const std::pair<A, B>& b) const {
    (*this)["first"](a.first, b.first), (*this)["second"](a.second, b.second);
  }
  template <class... T>
  void operator()(const std::variant<T...>& a, const std::variant<T...>& b) const {
    if (a.index() != b.index()) return differ("alternative " + std::to_string(a.index()) + " vs " + std::to_string(b.index()));
    std::visit(
        [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (!std::is_same_v<X, std::monostate>) (*this)(x, std::get<X>(b));
        },
        a);
  }

  void operator()(const record::LimitRecord& a, const record::LimitRecord& b) const {
    (*this)["min"](a.min, b.min), (*this)["max"](a.max, b.max), (*this)["tolerance"](a.tolerance, b.tolerance);
    (*this)["expected"](a.expected, b.expected);
  }
  void operator()(const record::Check& a, const record::Check& b) const {
    (*this)["name"](a.name, b.name), (*this)["step"](a.step, b.step), (*this)["value"](a.value, b.value), (*this)["unit"](a.unit, b.unit);
    (*this)["limit"](a.limit, b.limit), (*this)["outcome"](a.outcome, b.outcome), (*this)["explanation"](a.explanation, b.explanation);
    (*this)["channel"](a.channel, b.channel), (*this)["load"](a.load, b.load), (*this)["level_dbfs"](a.level_dbfs, b.level_dbfs);
  }
  void operator()(const record::ClockResult& a, const record::ClockResult& b) const {
    (*this)["tone_hz"](a.tone_hz, b.tone_hz), (*this)["tolerance_ppm"](a.tolerance_ppm, b.tolerance_ppm);
    (*this)["correction_threshold_ppm"](a.correction_threshold_ppm, b.correction_threshold_ppm), (*this)["drift_ppm"](a.drift_ppm, b.drift_ppm);
    (*this)["measured_hz"](a.measured_hz, b.measured_hz), (*this)["channel"](a.channel, b.channel), (*this)["corrected"](a.corrected, b.corrected);
    (*this)["explanation"](a.explanation, b.explanation);
  }
  void operator()(const record::HarmonicCurve& a, const record::HarmonicCurve& b) const {
    (*this)["order"](a.order, b.order), (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz), (*this)["level_db"](a.level_db, b.level_db);
  }
  void operator()(const record::SweepChannel& a, const record::SweepChannel& b) const {
    (*this)["arrived_on"](a.arrived_on, b.arrived_on), (*this)["latency_samples"](a.latency_samples, b.latency_samples);
    (*this)["inverted"](a.inverted, b.inverted), (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz);
    (*this)["magnitude_db"](a.magnitude_db, b.magnitude_db), (*this)["phase_deg"](a.phase_deg, b.phase_deg);
    (*this)["crosstalk_db"](a.crosstalk_db, b.crosstalk_db), (*this)["harmonics"](a.harmonics, b.harmonics);
  }
  void operator()(const record::SweepsResult& a, const record::SweepsResult& b) const { (*this)["channels"](a.channels, b.channels); }
  void operator()(const record::CrosstalkPoint& a, const record::CrosstalkPoint& b) const {
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz), (*this)["crosstalk_db"](a.crosstalk_db, b.crosstalk_db);
  }
  void operator()(const record::CrosstalkResult& a, const record::CrosstalkResult& b) const { (*this)["from"](a.from, b.from); }
  void operator()(const record::LevelResult& a, const record::LevelResult& b) const {
    (*this)["stimulus_dbfs"](a.stimulus_dbfs, b.stimulus_dbfs), (*this)["source_dbv"](a.source_dbv, b.source_dbv);
    (*this)["expected_dbv"](a.expected_dbv, b.expected_dbv), (*this)["expected_chain_gain_db"](a.expected_chain_gain_db, b.expected_chain_gain_db);
    (*this)["source_loading_db"](a.source_loading_db, b.source_loading_db), (*this)["cable_db"](a.cable_db, b.cable_db);
    (*this)["amp_gain_db"](a.amp_gain_db, b.amp_gain_db), (*this)["output_loading_db"](a.output_loading_db, b.output_loading_db);
    (*this)["level_dbv"](a.level_dbv, b.level_dbv);
  }
  void operator()(const record::ThdPoint& a, const record::ThdPoint& b) const {
    (*this)["channel"](a.channel, b.channel), (*this)["stimulus_dbfs"](a.stimulus_dbfs, b.stimulus_dbfs);
    (*this)["output_dbv"](a.output_dbv, b.output_dbv), (*this)["thd_db"](a.thd_db, b.thd_db), (*this)["thd_n_db"](a.thd_n_db, b.thd_n_db);
  }
  void operator()(const record::DistortionResult& a, const record::DistortionResult& b) const { (*this)["points"](a.points, b.points); }
  void operator()(const record::MaxOutputStep& a, const record::MaxOutputStep& b) const {
    (*this)["channel"](a.channel, b.channel), (*this)["stimulus_dbfs"](a.stimulus_dbfs, b.stimulus_dbfs);
    (*this)["output_dbv"](a.output_dbv, b.output_dbv), (*this)["thd_n_db"](a.thd_n_db, b.thd_n_db);
  }
  void operator()(const record::MaxOutputLoad& a, const record::MaxOutputLoad& b) const {
    (*this)["load"](a.load, b.load), (*this)["nominal_ohm"](a.nominal_ohm, b.nominal_ohm), (*this)["steps"](a.steps, b.steps);
    (*this)["max_output_vrms"](a.max_output_vrms, b.max_output_vrms), (*this)["at_full_scale"](a.at_full_scale, b.at_full_scale);
  }
  void operator()(const record::MaxOutputResult& a, const record::MaxOutputResult& b) const { (*this)["loads"](a.loads, b.loads); }
  void operator()(const record::HumLine& a, const record::HumLine& b) const {
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz), (*this)["level_dbv"](a.level_dbv, b.level_dbv);
  }
  void operator()(const record::NoiseChannel& a, const record::NoiseChannel& b) const {
    (*this)["noise_dbv"](a.noise_dbv, b.noise_dbv), (*this)["noise_dbv_a"](a.noise_dbv_a, b.noise_dbv_a), (*this)["mains_hz"](a.mains_hz, b.mains_hz);
    (*this)["hum"](a.hum, b.hum);
  }
  void operator()(const record::NoiseResult& a, const record::NoiseResult& b) const { (*this)["channels"](a.channels, b.channels); }
  void operator()(const record::ImpedanceCurve& a, const record::ImpedanceCurve& b) const {
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz), (*this)["impedance_ohm"](a.impedance_ohm, b.impedance_ohm);
    (*this)["phase_deg"](a.phase_deg, b.phase_deg), (*this)["uncertainty_ohm"](a.uncertainty_ohm, b.uncertainty_ohm);
    (*this)["at_1khz_ohm"](a.at_1khz_ohm, b.at_1khz_ohm), (*this)["at_1khz_phase_deg"](a.at_1khz_phase_deg, b.at_1khz_phase_deg);
    (*this)["at_1khz_uncertainty_ohm"](a.at_1khz_uncertainty_ohm, b.at_1khz_uncertainty_ohm);
    (*this)["band_min_ohm"](a.band_min_ohm, b.band_min_ohm), (*this)["band_max_ohm"](a.band_max_ohm, b.band_max_ohm);
  }
  void operator()(const record::ImpedanceLoad& a, const record::ImpedanceLoad& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["kind"](a.kind, b.kind), (*this)["impedance_ohm"](a.impedance_ohm, b.impedance_ohm);
    (*this)["tolerance_percent"](a.tolerance_percent, b.tolerance_percent);
    (*this)["with_adc_input_impedance_ohm"](a.with_adc_input_impedance_ohm, b.with_adc_input_impedance_ohm);
  }
  void operator()(const record::HeadphoneChannel& a, const record::HeadphoneChannel& b) const {
    (*this)["predicted_change_db"](a.predicted_change_db, b.predicted_change_db);
    (*this)["predicted_phase_deg"](a.predicted_phase_deg, b.predicted_phase_deg);
    (*this)["measured_change_db"](a.measured_change_db, b.measured_change_db);
    (*this)["predicted_as_connected_change_db"](a.predicted_as_connected_change_db, b.predicted_as_connected_change_db);
    (*this)["deviation_db"](a.deviation_db, b.deviation_db), (*this)["measured_deviation_db"](a.measured_deviation_db, b.measured_deviation_db);
    (*this)["agreement_db"](a.agreement_db, b.agreement_db), (*this)["damping_factor_1khz"](a.damping_factor_1khz, b.damping_factor_1khz);
    (*this)["damping_factor_min"](a.damping_factor_min, b.damping_factor_min);
    (*this)["damping_factor_min_frequency_hz"](a.damping_factor_min_frequency_hz, b.damping_factor_min_frequency_hz);
    (*this)["rule_of_eighths"](a.rule_of_eighths, b.rule_of_eighths);
  }
  void operator()(const record::HeadphoneLoading& a, const record::HeadphoneLoading& b) const {
    (*this)["load"](a.load, b.load), (*this)["name"](a.name, b.name), (*this)["nominal_ohm"](a.nominal_ohm, b.nominal_ohm);
    (*this)["channels"](a.channels, b.channels);
  }
  void operator()(const record::PortImpedance& a, const record::PortImpedance& b) const {
    (*this)["port"](a.port, b.port), (*this)["channels"](a.channels, b.channels);
    (*this)["profile_impedance_ohm"](a.profile_impedance_ohm, b.profile_impedance_ohm);
  }
  void operator()(const record::SourceLoading& a, const record::SourceLoading& b) const {
    (*this)["source_port"](a.source_port, b.source_port), (*this)["destination_input"](a.destination_input, b.destination_input);
    (*this)["source_impedance_ohm"](a.source_impedance_ohm, b.source_impedance_ohm), (*this)["measured"](a.measured, b.measured);
    (*this)["input_impedance_ohm"](a.input_impedance_ohm, b.input_impedance_ohm), (*this)["parallel_inputs"](a.parallel_inputs, b.parallel_inputs);
    (*this)["level_change_db"](a.level_change_db, b.level_change_db);
  }
  void operator()(const record::ImpedanceResult& a, const record::ImpedanceResult& b) const {
    (*this)["method"](a.method, b.method), (*this)["sweep_f1_hz"](a.sweep_f1_hz, b.sweep_f1_hz), (*this)["sweep_f2_hz"](a.sweep_f2_hz, b.sweep_f2_hz);
    (*this)["sweep_duration_s"](a.sweep_duration_s, b.sweep_duration_s), (*this)["sweep_level_dbfs"](a.sweep_level_dbfs, b.sweep_level_dbfs);
    (*this)["adc_input_impedance_ohm"](a.adc_input_impedance_ohm, b.adc_input_impedance_ohm), (*this)["loads"](a.loads, b.loads);
    (*this)["channels"](a.channels, b.channels), (*this)["headphones"](a.headphones, b.headphones), (*this)["ports"](a.ports, b.ports);
    (*this)["source_loading"](a.source_loading, b.source_loading);
  }
  void operator()(const record::StepRecord& a, const record::StepRecord& b) const {
    (*this)["id"](a.id, b.id), (*this)["kind"](a.kind, b.kind), (*this)["audio_s"](a.audio_s, b.audio_s), (*this)["takes"](a.takes, b.takes);
    (*this)["error"](a.error, b.error), (*this)["result"](a.result, b.result);
  }
  void operator()(const record::RetriedTake& a, const record::RetriedTake& b) const {
    (*this)["take"](a.take, b.take), (*this)["attempts"](a.attempts, b.attempts), (*this)["retried_because"](a.retried_because, b.retried_because);
  }
  void operator()(const record::RelaySwitch& a, const record::RelaySwitch& b) const {
    (*this)["purpose"](a.purpose, b.purpose), (*this)["relays_on"](a.relays_on, b.relays_on), (*this)["state"](a.state, b.state);
    (*this)["board"](a.board, b.board), (*this)["settling_s"](a.settling_s, b.settling_s);
  }
  void operator()(const plan::ChannelWiring& a, const plan::ChannelWiring& b) const {
    (*this)["source_channel"](a.source_channel, b.source_channel), (*this)["inverted"](a.inverted, b.inverted), (*this)["shorted"](a.shorted, b.shorted);
  }
  void operator()(const record::FixtureRecord& a, const record::FixtureRecord& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["file"](a.file, b.file), (*this)["cable"](a.cable, b.cable);
    (*this)["source_port"](a.source_port, b.source_port), (*this)["destination_input"](a.destination_input, b.destination_input);
    (*this)["instruction"](a.instruction, b.instruction), (*this)["source_connector"](a.source_connector, b.source_connector);
    (*this)["destination_connector"](a.destination_connector, b.destination_connector), (*this)["balanced"](a.balanced, b.balanced);
    (*this)["expected_level_change_db"](a.expected_level_change_db, b.expected_level_change_db), (*this)["wiring"](a.wiring, b.wiring);
    (*this)["conductors"](a.conductors, b.conductors);
  }
  void operator()(const record::ConfigurationRecord& a, const record::ConfigurationRecord& b) const {
    (*this)["fixture"](a.fixture, b.fixture), (*this)["outcome"](a.outcome, b.outcome), (*this)["errors"](a.errors, b.errors);
    (*this)["checks"](a.checks, b.checks), (*this)["steps"](a.steps, b.steps), (*this)["captures"](a.captures, b.captures);
    (*this)["retried_takes"](a.retried_takes, b.retried_takes), (*this)["relays"](a.relays, b.relays);
  }
  void operator()(const record::ProfileRef& a, const record::ProfileRef& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["file"](a.file, b.file);
  }
  void operator()(const record::LoadRef& a, const record::LoadRef& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["file"](a.file, b.file), (*this)["kind"](a.kind, b.kind);
    (*this)["nominal_ohm"](a.nominal_ohm, b.nominal_ohm), (*this)["tolerance_percent"](a.tolerance_percent, b.tolerance_percent);
  }
  void operator()(const plan::MeasurementSettings& a, const plan::MeasurementSettings& b) const {
    // Every setting of the catalogue, by its member.
    for (const auto& spec : plan::settings())
      std::visit([&](auto field) { (*this)[std::string(spec.name)](a.*field, b.*field); }, spec.field);
  }
  void operator()(const record::PlannedStep& a, const record::PlannedStep& b) const {
    (*this)["id"](a.id, b.id), (*this)["kind"](a.kind, b.kind), (*this)["overridden"](a.overridden, b.overridden);
    (*this)["limits_overridden"](a.limits_overridden, b.limits_overridden), (*this)["settings"](a.settings, b.settings);
  }
  void operator()(const record::ReanalysisOf& a, const record::ReanalysisOf& b) const {
    (*this)["run_dir"](a.run_dir, b.run_dir), (*this)["checks"](a.checks, b.checks), (*this)["identical_checks"](a.identical_checks, b.identical_checks);
  }
  void operator()(const record::RunRecord& a, const record::RunRecord& b) const {
    (*this)["bench_version"](a.bench_version, b.bench_version), (*this)["created_utc"](a.created_utc, b.created_utc);
    (*this)["backend"](a.backend, b.backend), (*this)["seed"](a.seed, b.seed), (*this)["plan"](a.plan, b.plan);
    (*this)["interface"](a.interface, b.interface), (*this)["amp"](a.amp, b.amp), (*this)["adc"](a.adc, b.adc), (*this)["limits"](a.limits, b.limits);
    (*this)["loads"](a.loads, b.loads), (*this)["impedance_loads"](a.impedance_loads, b.impedance_loads), (*this)["settings"](a.settings, b.settings);
    (*this)["adc_fullscale_vrms"](a.adc_fullscale_vrms, b.adc_fullscale_vrms), (*this)["default_steps"](a.default_steps, b.default_steps);
    (*this)["steps"](a.steps, b.steps), (*this)["definitions"](a.definitions, b.definitions);
    (*this)["configurations"](a.configurations, b.configurations), (*this)["outcome"](a.outcome, b.outcome);
    (*this)["aborted"](a.aborted, b.aborted), (*this)["reanalysis_of"](a.reanalysis_of, b.reanalysis_of);
  }
};

std::vector<std::string> differences(const record::RunRecord& a, const record::RunRecord& b) {
  std::vector<std::string> d;
  Same{&d, "record"}(a, b);
  return d;
}

std::string joined(const std::vector<std::string>& lines, std::size_t most = 20) {
  std::string s;
  for (std::size_t i = 0; i < lines.size() && i < most; ++i) s += lines[i] + "\n";
  return s;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

// ---- round trip ----

TEST(RecordJson, TheFullRecordComesBackFieldByField) {
  const record::RunRecord r = full_record();
  const std::string text = document_of(r).dump(2);
  const record::RunRecord back = record_from_json(json::parse(text), "report.json");
  const auto d = differences(r, back);
  EXPECT_TRUE(d.empty()) << d.size() << " differences:\n" << joined(d);
  // The equality above sees a difference where there is one.
  record::RunRecord changed = back;
  std::get<record::SweepsResult>(*changed.configurations[0].steps[1].result).channels[0]->phase_deg[2] = 0.0;  // was -0.0
  changed.configurations[1].checks[2].value = std::nextafter(-99.0, 0.0);
  EXPECT_EQ(differences(r, changed).size(), 2u) << joined(differences(r, changed));
}

TEST(RecordJson, TheSampleRecordComesBackAndAnEmptyOneToo) {
  for (const record::RunRecord& r : {sample_record(), record::RunRecord{}}) {
    const auto d = differences(r, through_report_json(r));
    EXPECT_TRUE(d.empty()) << joined(d);
  }
}

TEST(RecordJson, NonFiniteNumbersAreNullAndReadBackAsNaN) {
  record::RunRecord r = sample_record();
  auto& sweep = *std::get<record::SweepsResult>(*r.configurations[0].steps[1].result).channels[0];
  sweep.magnitude_db[0] = std::numeric_limits<double>::infinity();
  sweep.magnitude_db[1] = -std::numeric_limits<double>::infinity();
  sweep.magnitude_db[2] = record::kNaN;
  std::get<record::MaxOutputResult>(*r.configurations[0].steps[5].result).loads[0].max_output_vrms[1] = record::kNaN;
  r.loads.push_back({"open", "Open", "profiles/loads/open.toml", plan::Load::Kind::kOpen, std::nullopt, 0});
  const json doc = document_of(r);
  const json& magnitude = doc["configurations"][0]["steps"][1]["result"]["left"]["magnitude_db"];
  EXPECT_TRUE(magnitude[0].is_null() && magnitude[1].is_null() && magnitude[2].is_null()) << magnitude.dump().substr(0, 80);
  EXPECT_TRUE(doc["profiles"]["loads"][1]["nominal_ohm"].is_null());
  EXPECT_TRUE(doc["configurations"][0]["checks"][5]["value"].is_null());  // crosstalk_db: NaN
  const record::RunRecord back = through_report_json(r);
  const auto& read = std::get<record::SweepsResult>(*back.configurations[0].steps[1].result).channels[0]->magnitude_db;
  EXPECT_TRUE(std::isnan(read[0]) && std::isnan(read[1]) && std::isnan(read[2]));
  EXPECT_FALSE(back.loads[1].nominal_ohm.has_value());
  EXPECT_TRUE(std::isnan(std::get<double>(back.configurations[0].checks[5].value)));
  // A word check without a word reads back as no value, not as a number.
  record::RunRecord words = sample_record();
  words.configurations[0].checks[0].value = std::monostate{};
  EXPECT_TRUE(std::holds_alternative<std::monostate>(through_report_json(words).configurations[0].checks[0].value));
}

// ---- the schema ----

TEST(ReportSchema, EveryRecordTheTestsWriteIsValid) {
  for (const record::RunRecord& r : {sample_record(), full_record(), record::RunRecord{}}) {
    const auto errors = schema_errors(to_json(r));
    EXPECT_TRUE(errors.empty()) << joined(errors);
  }
  // A record as record::make_run_record makes it from a plan (its definitions, its default sequence).
  plan::Plan p;
  p.id = "p";
  p.settings.reference_load = "r300";
  p.settings.impedance_loads = {"open", "r33"};
  p.impedance_loads.resize(2);
  p.impedance_loads[0].kind = plan::Load::Kind::kOpen;
  p.impedance_loads[0].nominal_ohm = std::numeric_limits<double>::infinity();
  p.steps = plan::default_sequence(p);
  const record::RunRecord made = record::make_run_record(p, {}, std::string("stopped"), "sim", 7, "2025-01-01T00:00:00Z");
  EXPECT_EQ(made.steps.size(), plan::step_kinds().size());
  const auto errors = schema_errors(to_json(made));
  EXPECT_TRUE(errors.empty()) << joined(errors);
  EXPECT_TRUE(differences(made, through_report_json(made)).empty()) << joined(differences(made, through_report_json(made)));
}

TEST(ReportSchema, IsTheShippedFile) {
  EXPECT_EQ(std::string(schema_text()), slurp(repo_root() / "bench" / "report" / "schema" / "bench.report.schema.json"));
  const json schema = json::parse(schema_text());
  EXPECT_EQ(schema["$schema"], "http://json-schema.org/draft-07/schema#");
  EXPECT_EQ(schema["properties"]["schema"]["const"], kReportSchema);
}

std::set<std::string> strings_of(const json& a) {
  std::set<std::string> s;
  for (const auto& x : a) s.insert(x.get<std::string>());
  return s;
}

TEST(ReportSchema, NamesEveryCheckKindAndSettingOfTheCatalogue) {
  const json defs = json::parse(schema_text())["definitions"];
  std::set<std::string> checks, kinds, settings;
  for (const auto& c : plan::checks()) checks.insert(std::string(c.name));
  for (const auto& k : plan::step_kinds()) kinds.insert(std::string(k.kind));
  for (const auto& s : plan::settings()) settings.insert(std::string(s.name));
  EXPECT_EQ(strings_of(defs["check_name"]["enum"]), checks);
  EXPECT_EQ(strings_of(defs["step_kind"]["enum"]), kinds);
  EXPECT_EQ(strings_of(defs["setting_name"]["enum"]), settings);
  std::set<std::string> run_settings = settings;
  run_settings.insert("adc_fullscale_vrms");
  EXPECT_EQ(strings_of(defs["run_settings"]["required"]), run_settings);
  // Each setting's type is its member's in MeasurementSettings.
  for (const auto& s : plan::settings()) {
    const std::string type = std::visit(
        [](auto field) -> std::string {
          using F = decltype(field);
          if constexpr (std::is_same_v<F, double plan::MeasurementSettings::*>) return "setting_number";
          else if constexpr (std::is_same_v<F, std::vector<double> plan::MeasurementSettings::*>) return "setting_numbers";
          else if constexpr (std::is_same_v<F, std::string plan::MeasurementSettings::*>) return "setting_string";
          else return "setting_strings";
        },
        s.field);
    EXPECT_EQ(defs["run_settings"]["properties"][std::string(s.name)]["$ref"], "#/definitions/" + type) << s.name;
  }
  // A step's settings are those its kind reads, and its result is checked by its kind's schema.
  std::set<std::string> planned, results;
  for (const auto& branch : defs["planned_step"]["allOf"]) planned.insert(branch["if"]["properties"]["kind"]["const"].get<std::string>());
  for (const auto& branch : defs["step"]["allOf"]) {
    const std::string kind = branch["if"]["properties"]["kind"]["const"];
    results.insert(kind);
    EXPECT_EQ(branch["then"]["properties"]["result"]["then"]["$ref"], "#/definitions/" + kind + "_result");
  }
  EXPECT_EQ(planned, kinds);
  EXPECT_EQ(results, kinds);
  for (const auto& k : plan::step_kinds()) {
    std::set<std::string> reads;
    for (const auto name : k.settings) reads.insert(std::string(name));
    EXPECT_EQ(strings_of(defs["settings_" + std::string(k.kind)]["required"]), reads) << k.kind;
  }
}

// Every place of a document that holds a key: the object's pointer, the key, and the place's shape (array
// indices as "*", with the element's "kind" where it has one, so each step kind's result counts apart).
struct Place {
  std::string object, key, shape;
};

std::string pointer_token(const std::string& key) {
  std::string t;
  for (const char c : key) t += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  return t;
}

void places(const json& j, const std::string& pointer, const std::string& shape, std::set<std::string>& seen, std::vector<Place>& out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      const std::string here = shape + "/" + key;
      if (seen.insert(here).second) out.push_back({pointer, key, here});
      places(value, pointer + "/" + pointer_token(key), here, seen, out);
    }
  } else if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) {
      std::string element = shape + "/*";
      if (j[i].is_object() && j[i].contains("kind") && j[i]["kind"].is_string()) element += "[" + j[i]["kind"].get<std::string>() + "]";
      places(j[i], pointer + "/" + std::to_string(i), element, seen, out);
    }
  }
}

TEST(ReportSchema, PinsEveryKeyTheWriterWrites) {
  // One configuration holding every part of the full record (the others' shapes are its own), so each
  // key is mutated once and the test stays quick.
  record::RunRecord r = full_record();
  record::ConfigurationRecord& c = r.configurations[0];
  c.errors = r.configurations[2].errors;
  c.steps.push_back(r.configurations[2].steps.back());  // a step that could not measure: no result, an error
  r.configurations.resize(1);
  const json doc = document_of(r);
  std::set<std::string> seen;
  std::vector<Place> all;
  places(doc, "", "", seen, all);
  ASSERT_GT(all.size(), 300u);
  std::size_t refused_deletions = 0;
  std::vector<std::string> optional;
  for (const Place& p : all) {
    const json::json_pointer object(p.object);
    // Renamed: the schema knows no such key.
    json renamed = doc;
    json& o = renamed.at(object);
    o[p.key + "_x"] = o.at(p.key);
    o.erase(p.key);
    EXPECT_FALSE(schema_errors(renamed).empty()) << "the schema accepts " << p.shape << " renamed to " << p.key << "_x";
    // Deleted: refused, unless a record without that field is written exactly so (an optional key).
    json deleted = doc;
    deleted.at(object).erase(p.key);
    if (!schema_errors(deleted).empty()) {
      ++refused_deletions;
      continue;
    }
    optional.push_back(p.shape);
    try {
      const json again = to_json(record_from_json(deleted, "report.json"));
      EXPECT_EQ(again, deleted) << "the schema accepts a document without " << p.shape << ", but the writer never writes one";
    } catch (const InputError& e) {
      ADD_FAILURE() << "the schema accepts a document without " << p.shape << " that cannot be read: " << e.what();
    }
  }
  EXPECT_GT(refused_deletions, 250u);
  // The optional keys are those the layout marks so: a check's qualifiers, a limit's forms, a step's error,
  // the channels of sweeps, crosstalk and noise, the clock's explanation, aborted and reanalysis_of.
  std::set<std::string> optional_keys;
  for (const auto& shape : optional) optional_keys.insert(shape.substr(shape.rfind('/') + 1));
  EXPECT_EQ(optional_keys, (std::set<std::string>{"aborted", "channel", "error", "expected", "explanation", "left", "level_dbfs", "load", "max",
                                                   "min", "reanalysis_of", "right", "tolerance"}))
      << joined(optional, 100);
}

TEST(ReportSchema, ErrorsNameThePlaceAndTheValue) {
  json doc = document_of(sample_record());
  doc["configurations"][1]["checks"][0]["name"] = "channel_mop";
  doc["configurations"][0]["steps"][3]["result"].erase("level_dbv");
  const auto errors = schema_errors(doc);
  ASSERT_FALSE(errors.empty());
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  EXPECT_NE(all.find("/configurations/1/checks/0/name: "), std::string::npos) << all;
  EXPECT_NE(all.find("\"channel_mop\""), std::string::npos) << all;
  EXPECT_NE(all.find("/configurations/0/steps/3/result: Missing required property 'level_dbv'"), std::string::npos) << all;
  // The most specific errors come first, before the enclosing objects'.
  EXPECT_EQ(errors.front().find("Failed to validate"), std::string::npos) << errors.front();
}

// ---- reading files ----

TEST(ReadRecord, RefusesMissingMalformedAndInvalidFilesInOneLineNamingThem) {
  const fs::path dir = scratch();
  const std::string file = (dir / "report.json").string();
  auto message = [&] { return message_of([&] { (void)read_record(dir); }); };
  EXPECT_EQ(message(), file + ": no such file: give the run directory of a `bench run` (it holds report.json)");
  spit(dir / "report.json", "{\"schema\": \"bench.report/2\", \"configurations\": [");
  EXPECT_EQ(message().rfind(file + ": not valid JSON (", 0), 0u) << message();
  EXPECT_NE(message().find("): restore it from the run or run the plan again"), std::string::npos) << message();
  spit(dir / "report.json", "{\"schema\": \"bench.analysis/1\"}");
  EXPECT_EQ(message(), file + ": not a bench report (\"schema\": \"bench.report/2\" expected, found \"bench.analysis/1\"): give the run "
                              "directory of a `bench run`");
  spit(dir / "report.json", "{\"schema\": \"bench.report/3\"}");
  EXPECT_EQ(message(), file + ": a bench.report/3 record, which bench " + std::string(kVersion) + " (bench.report/2) does not read: use the bench "
                              "that wrote it");
  json doc = document_of(sample_record());
  doc["seed"] = -1;  // the schema cannot bound a uint64; the reader refuses the sign
  spit(dir / "report.json", doc.dump());
  EXPECT_EQ(message(), file + ": /seed: a whole number from 0 to 18446744073709551615 expected (the value is -1) (bench.report/2 schema): restore it "
                              "from the run or run the plan again");
  doc = document_of(sample_record());
  doc["configurations"][2]["outcome"] = "broken";
  spit(dir / "report.json", doc.dump());
  EXPECT_EQ(message(), file + ": /configurations/2/outcome: Failed to match against any enum values (the value is \"broken\") (bench.report/2 "
                              "schema): restore it from the run or run the plan again");
  doc = document_of(sample_record());
  doc.erase("seed");
  spit(dir / "report.json", doc.dump());
  EXPECT_EQ(message().rfind(file + ": the document: Missing required property 'seed'", 0), 0u) << message();
  for (const std::string& m : {message()}) EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  write_report(dir, sample_record());
  EXPECT_NO_THROW((void)read_record(dir));
}

// A bench.report/1 document as bench 0.1 wrote it (/tmp/base_reports/demo/report.json), cut down to
// what read_prior_run reads and a little more.
json first_layout_document() {
  auto check = [](const std::string& name, json value, const std::string& unit, json limit, const std::string& outcome, const std::string& why) {
    return json{{"name", name}, {"value", value}, {"unit", unit}, {"limit", limit}, {"outcome", outcome}, {"explanation", why}};
  };
  json c1 = check("clock_drift_ppm", 8.97171226199589e-06, "ppm", nullptr, "info", "the ADC's clock matches the interface's");
  json c2 = check("channel_map", "L->L, R->R", "", {{"expected", "L->L, R->R"}}, "pass", "each output arrives on its own channel");
  json c3 = check("level_dbv", 9.561341919594867, "dBV", {{"expected", 9.561267850821604}, {"tolerance", 1.0}}, "pass", "as expected (0.00 dB)");
  c3["channel"] = "left";
  c3["level_dbfs"] = -10.0;
  json c4 = check("max_output_vrms", 7.921812293664309, "Vrms", {{"min", 1.0}}, "pass", "7.92 Vrms");
  c4["channel"] = "right";
  c4["load"] = "r32";
  json c5 = check("noise_dbv_a", nullptr, "dBV(A)", {{"max", -90.0}}, "error", "not measured: the reference ADC clipped");
  return {{"schema", "bench.report/1"},
          {"bench_version", "0.1.0"},
          {"created_utc", "2026-12-02T02:48:51Z"},
          {"backend", "sim"},
          {"seed", 42},
          {"plan", {{"id", "demo"}, {"name", "Demo"}, {"file", "profiles/plans/demo.toml"}}},
          {"settings", {{"sample_rate_hz", 48000.0}, {"sweep", {{"f1_hz", 10.0}}}}},
          {"outcome", "error"},
          {"configurations",
           json::array({{{"fixture", {{"id", "line_trs_to_amp_trs"}, {"name", "Line out TRS"}}},
                         {"outcome", "pass"},
                         {"errors", json::array()},
                         {"checks", json::array({c1, c2, c3, c4})},
                         {"measurements", {{"clock", {{"drift_ppm", 8.97171226199589e-06}}}}},
                         {"captures", json::array()}},
                        {{"fixture", "hp_to_amp_stereo"}, {"outcome", "error"}, {"errors", json::array({"device gone"})}, {"checks", json::array({c5})}}})}};
}

TEST(ReadRecord, AFirstLayoutRecordIsRefusedWithHowToConvertIt) {
  const fs::path dir = scratch();
  spit(dir / "report.json", first_layout_document().dump(2));
  const std::string file = (dir / "report.json").string();
  EXPECT_EQ(message_of([&] { (void)read_record(dir); }),
            file + ": a bench.report/1 record (written by bench 0.1): convert it with `bench reanalyze RUN_DIR`, which measures its captures again "
                   "into a bench.report/2 record");
  EXPECT_EQ(message_of([&] { (void)record_from_json(first_layout_document(), "old.json"); }).rfind("old.json: a bench.report/1 record", 0), 0u);
}

TEST(ReadPriorRun, ReadsWhatReanalyzeNeedsOfAFirstLayoutRecord) {
  const fs::path dir = scratch();
  spit(dir / "report.json", first_layout_document().dump(2));
  const PriorRun prior = read_prior_run(dir);
  EXPECT_EQ(prior.schema, "bench.report/1");
  EXPECT_EQ(prior.plan_file, "profiles/plans/demo.toml");
  EXPECT_EQ(prior.seed, 42u);
  EXPECT_EQ(prior.fixture_ids, (std::vector<std::string>{"line_trs_to_amp_trs", "hp_to_amp_stereo"}));
  EXPECT_TRUE(prior.step_ids.empty());
  ASSERT_EQ(prior.checks.size(), 2u);
  ASSERT_EQ(prior.checks[0].size(), 4u);
  const record::Check& drift = prior.checks[0][0];
  EXPECT_EQ(drift.name, "clock_drift_ppm");
  EXPECT_EQ(std::get<double>(drift.value), 8.97171226199589e-06);
  EXPECT_TRUE(drift.limit.empty());
  EXPECT_EQ(drift.outcome, Outcome::kInfo);
  EXPECT_EQ(drift.step, "");
  EXPECT_EQ(std::get<std::string>(prior.checks[0][1].value), "L->L, R->R");
  EXPECT_EQ(std::get<std::string>(prior.checks[0][1].limit.expected), "L->L, R->R");
  const record::Check& level = prior.checks[0][2];
  EXPECT_EQ(std::get<double>(level.limit.expected), 9.561267850821604);
  EXPECT_EQ(level.limit.tolerance, 1.0);
  EXPECT_EQ(level.channel, "left");
  EXPECT_EQ(level.level_dbfs, -10.0);
  EXPECT_EQ(prior.checks[0][3].load, "r32");
  EXPECT_EQ(prior.checks[0][3].limit.min, 1.0);
  const record::Check& noise = prior.checks[1][0];
  EXPECT_TRUE(std::isnan(std::get<double>(noise.value)));
  EXPECT_EQ(noise.outcome, Outcome::kError);
  EXPECT_EQ(noise.unit, "dBV(A)");
  // A check read back from the /1 record is the same as the check a re-analysis makes again.
  record::Check again = level;
  again.step = "level";
  EXPECT_TRUE(same_check(level, again));

  json bad = first_layout_document();
  bad["plan"].erase("file");
  spit(dir / "report.json", bad.dump());
  EXPECT_EQ(message_of([&] { (void)read_prior_run(dir); }),
            (dir / "report.json").string() + ": key 'plan.file' is missing or not a string (a bench.report/1 record): restore it from the run or run "
                                             "the plan again");
  bad = first_layout_document();
  bad["configurations"][1].erase("fixture");
  spit(dir / "report.json", bad.dump());
  EXPECT_NE(message_of([&] { (void)read_prior_run(dir); }).find("configurations[1].fixture.id"), std::string::npos);
}

TEST(ReadPriorRun, ReadsASecondLayoutRecordAsReadRecordDoes) {
  const fs::path dir = scratch();
  const record::RunRecord r = full_record();
  write_report(dir, r);
  const PriorRun prior = read_prior_run(dir);
  EXPECT_EQ(prior.schema, "bench.report/2");
  EXPECT_EQ(prior.plan_file, "profiles/plans/sample.toml");
  EXPECT_EQ(prior.seed, r.seed);
  EXPECT_EQ(prior.fixture_ids, (std::vector<std::string>{"good", "odd/swapped", "broken"}));
  ASSERT_EQ(prior.step_ids.size(), r.steps.size());
  EXPECT_EQ(prior.step_ids.front(), "clock");
  ASSERT_EQ(prior.checks.size(), 3u);
  for (std::size_t c = 0; c < 3; ++c) {
    ASSERT_EQ(prior.checks[c].size(), r.configurations[c].checks.size());
    for (std::size_t k = 0; k < prior.checks[c].size(); ++k) EXPECT_TRUE(same_check(prior.checks[c][k], r.configurations[c].checks[k])) << c << " " << k;
  }
  // An invalid /2 record is refused as read_record refuses it.
  json doc = document_of(r);
  doc["configurations"][0]["checks"][0]["step"] = 3;
  spit(dir / "report.json", doc.dump());
  EXPECT_NE(message_of([&] { (void)read_prior_run(dir); }).find("/configurations/0/checks/0/step"), std::string::npos);
}

TEST(SameCheck, ComparesEveryFieldButTheStepBitForBit) {
  const record::Check a = make_check("level_dbv", "level", 9.5, limit_tolerance(9.56, 1.0), Outcome::kPass, "as expected", "left", "r300", -10.0);
  record::Check b = a;
  b.step = "";
  EXPECT_TRUE(same_check(a, b));
  const std::vector<std::function<void(record::Check&)>> changes = {
      [](record::Check& k) { k.name = "gain_db"; },
      [](record::Check& k) { k.value = std::nextafter(9.5, 10.0); },
      [](record::Check& k) { k.value = std::string("9.5"); },
      [](record::Check& k) { k.value = -0.0; },
      [](record::Check& k) { k.unit = "dB"; },
      [](record::Check& k) { k.limit.tolerance = 1.5; },
      [](record::Check& k) { k.limit.expected = std::nextafter(9.56, 0.0); },
      [](record::Check& k) { k.limit.min = 0.0; },
      [](record::Check& k) { k.limit.max.reset(), k.limit.tolerance.reset(); },
      [](record::Check& k) { k.outcome = Outcome::kFail; },
      [](record::Check& k) { k.explanation += "."; },
      [](record::Check& k) { k.channel = "right"; },
      [](record::Check& k) { k.load.reset(); },
      [](record::Check& k) { k.level_dbfs = -20.0; },
  };
  for (std::size_t i = 0; i < changes.size(); ++i) {
    record::Check c = a;
    changes[i](c);
    EXPECT_FALSE(same_check(a, c)) << "change " << i;
  }
  // What report.json holds as null is the same however it was made: NaN of either sign, infinities.
  record::Check nan1 = a, nan2 = a;
  nan1.value = std::numeric_limits<double>::quiet_NaN();
  nan2.value = -std::numeric_limits<double>::infinity();
  EXPECT_TRUE(same_check(nan1, nan2));
  nan2.value = 0.0;
  EXPECT_FALSE(same_check(nan1, nan2));
}

}  // namespace
}  // namespace bench::report::test
