#pragma once

// Field-by-field equality of two run records for the report tests: every field of bench/record/record.hpp
// by name, doubles bit for bit (NaN equal to NaN), so a round trip through report.json is checked without
// the code's own reader or writer. And small helpers the record tests share.

#include <bit>
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "bench/core/error.hpp"
#include "bench/plan/catalogue.hpp"
#include "bench/record/record.hpp"

namespace bench::report::test {

/// Collects the differences between two values, each named by its path ("record.configurations[0]...").
struct Same {
  std::vector<std::string>* differences;
  std::string at;

  Same operator[](const std::string& field) const { return {differences, at + "." + field}; }
  Same operator[](std::size_t i) const { return {differences, at + "[" + std::to_string(i) + "]"}; }
  void differ(const std::string& what) const { differences->push_back(at + ": " + what); }

  void operator()(double a, double b) const {
    if (std::isnan(a) && std::isnan(b)) return;
    if (std::bit_cast<std::uint64_t>(a) != std::bit_cast<std::uint64_t>(b))
      differ(std::to_string(a) + " vs " + std::to_string(b) + " (bits differ)");
  }
  template <class T>
  requires(std::is_integral_v<T> || std::is_enum_v<T>) void operator()(T a, T b) const {
    if (a != b)
      differ(std::to_string(static_cast<long long>(a)) + " vs " + std::to_string(static_cast<long long>(b)));
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
    if (a.size() != b.size())
      return differ(std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements");
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
    if (a.index() != b.index())
      return differ("alternative " + std::to_string(a.index()) + " vs " + std::to_string(b.index()));
    std::visit(
        [&](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (!std::is_same_v<X, std::monostate>) (*this)(x, std::get<X>(b));
        },
        a);
  }

  void operator()(const record::LimitRecord& a, const record::LimitRecord& b) const {
    (*this)["min"](a.min, b.min), (*this)["max"](a.max, b.max),
        (*this)["tolerance"](a.tolerance, b.tolerance);
    (*this)["expected"](a.expected, b.expected);
  }
  void operator()(const record::Check& a, const record::Check& b) const {
    (*this)["name"](a.name, b.name), (*this)["step"](a.step, b.step), (*this)["value"](a.value, b.value),
        (*this)["unit"](a.unit, b.unit);
    (*this)["limit"](a.limit, b.limit), (*this)["outcome"](a.outcome, b.outcome),
        (*this)["explanation"](a.explanation, b.explanation);
    (*this)["channel"](a.channel, b.channel), (*this)["load"](a.load, b.load),
        (*this)["level_dbfs"](a.level_dbfs, b.level_dbfs);
  }
  void operator()(const record::ClockResult& a, const record::ClockResult& b) const {
    (*this)["tone_hz"](a.tone_hz, b.tone_hz), (*this)["tolerance_ppm"](a.tolerance_ppm, b.tolerance_ppm);
    (*this)["correction_threshold_ppm"](a.correction_threshold_ppm, b.correction_threshold_ppm),
        (*this)["drift_ppm"](a.drift_ppm, b.drift_ppm);
    (*this)["measured_hz"](a.measured_hz, b.measured_hz), (*this)["channel"](a.channel, b.channel),
        (*this)["corrected"](a.corrected, b.corrected);
    (*this)["explanation"](a.explanation, b.explanation);
  }
  void operator()(const record::HarmonicCurve& a, const record::HarmonicCurve& b) const {
    (*this)["order"](a.order, b.order), (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz),
        (*this)["level_db"](a.level_db, b.level_db);
  }
  void operator()(const record::SweepChannel& a, const record::SweepChannel& b) const {
    (*this)["arrived_on"](a.arrived_on, b.arrived_on),
        (*this)["latency_samples"](a.latency_samples, b.latency_samples);
    (*this)["inverted"](a.inverted, b.inverted), (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz);
    (*this)["magnitude_db"](a.magnitude_db, b.magnitude_db), (*this)["phase_deg"](a.phase_deg, b.phase_deg);
    (*this)["crosstalk_db"](a.crosstalk_db, b.crosstalk_db), (*this)["harmonics"](a.harmonics, b.harmonics);
  }
  void operator()(const record::SweepsResult& a, const record::SweepsResult& b) const {
    (*this)["channels"](a.channels, b.channels);
  }
  void operator()(const record::CrosstalkPoint& a, const record::CrosstalkPoint& b) const {
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz),
        (*this)["crosstalk_db"](a.crosstalk_db, b.crosstalk_db);
  }
  void operator()(const record::CrosstalkResult& a, const record::CrosstalkResult& b) const {
    (*this)["from"](a.from, b.from);
  }
  void operator()(const record::LevelResult& a, const record::LevelResult& b) const {
    (*this)["stimulus_dbfs"](a.stimulus_dbfs, b.stimulus_dbfs),
        (*this)["source_dbv"](a.source_dbv, b.source_dbv);
    (*this)["expected_dbv"](a.expected_dbv, b.expected_dbv),
        (*this)["expected_chain_gain_db"](a.expected_chain_gain_db, b.expected_chain_gain_db);
    (*this)["source_loading_db"](a.source_loading_db, b.source_loading_db),
        (*this)["cable_db"](a.cable_db, b.cable_db);
    (*this)["amp_gain_db"](a.amp_gain_db, b.amp_gain_db),
        (*this)["output_loading_db"](a.output_loading_db, b.output_loading_db);
    (*this)["level_dbv"](a.level_dbv, b.level_dbv);
  }
  void operator()(const record::ThdPoint& a, const record::ThdPoint& b) const {
    (*this)["channel"](a.channel, b.channel), (*this)["stimulus_dbfs"](a.stimulus_dbfs, b.stimulus_dbfs);
    (*this)["output_dbv"](a.output_dbv, b.output_dbv), (*this)["thd_db"](a.thd_db, b.thd_db),
        (*this)["thd_n_db"](a.thd_n_db, b.thd_n_db);
  }
  void operator()(const record::DistortionResult& a, const record::DistortionResult& b) const {
    (*this)["points"](a.points, b.points);
    (*this)["bandwidth_hz"](a.bandwidth_hz, b.bandwidth_hz), (*this)["weighting"](a.weighting, b.weighting);
  }
  void operator()(const record::MaxOutputStep& a, const record::MaxOutputStep& b) const {
    (*this)["channel"](a.channel, b.channel), (*this)["stimulus_dbfs"](a.stimulus_dbfs, b.stimulus_dbfs);
    (*this)["output_dbv"](a.output_dbv, b.output_dbv), (*this)["thd_n_db"](a.thd_n_db, b.thd_n_db);
  }
  void operator()(const record::MaxOutputLoad& a, const record::MaxOutputLoad& b) const {
    (*this)["load"](a.load, b.load), (*this)["nominal_ohm"](a.nominal_ohm, b.nominal_ohm),
        (*this)["steps"](a.steps, b.steps);
    (*this)["max_output_vrms"](a.max_output_vrms, b.max_output_vrms),
        (*this)["at_full_scale"](a.at_full_scale, b.at_full_scale);
  }
  void operator()(const record::MaxOutputResult& a, const record::MaxOutputResult& b) const {
    (*this)["loads"](a.loads, b.loads);
  }
  void operator()(const record::HumLine& a, const record::HumLine& b) const {
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz), (*this)["level_dbv"](a.level_dbv, b.level_dbv);
  }
  void operator()(const record::NoiseChannel& a, const record::NoiseChannel& b) const {
    (*this)["noise_dbv"](a.noise_dbv, b.noise_dbv), (*this)["noise_dbv_a"](a.noise_dbv_a, b.noise_dbv_a),
        (*this)["mains_hz"](a.mains_hz, b.mains_hz);
    (*this)["hum"](a.hum, b.hum), (*this)["noise_dbv_ccir_rms"](a.noise_dbv_ccir_rms, b.noise_dbv_ccir_rms);
  }
  void operator()(const record::NoiseResult& a, const record::NoiseResult& b) const {
    (*this)["channels"](a.channels, b.channels), (*this)["bandwidth_hz"](a.bandwidth_hz, b.bandwidth_hz);
  }
  void operator()(const record::ImdLine& a, const record::ImdLine& b) const {
    (*this)["name"](a.name, b.name), (*this)["order"](a.order, b.order);
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz),
        (*this)["level_dbfs"](a.level_dbfs, b.level_dbfs),
        (*this)["relative_db"](a.relative_db, b.relative_db);
  }
  void operator()(const record::ImdChannel& a, const record::ImdChannel& b) const {
    (*this)["channel"](a.channel, b.channel), (*this)["f1_hz"](a.f1_hz, b.f1_hz),
        (*this)["f2_hz"](a.f2_hz, b.f2_hz);
    (*this)["f1_dbfs"](a.f1_dbfs, b.f1_dbfs), (*this)["f2_dbfs"](a.f2_dbfs, b.f2_dbfs),
        (*this)["ratio"](a.ratio, b.ratio), (*this)["output_dbv"](a.output_dbv, b.output_dbv);
    (*this)["imd_db"](a.imd_db, b.imd_db), (*this)["imd_percent"](a.imd_percent, b.imd_percent);
    (*this)["dfd2_db"](a.dfd2_db, b.dfd2_db), (*this)["dfd3_db"](a.dfd3_db, b.dfd3_db);
    (*this)["products"](a.products, b.products);
  }
  void operator()(const record::ImdTake& a, const record::ImdTake& b) const {
    (*this)["standard"](a.standard, b.standard), (*this)["f1_hz"](a.f1_hz, b.f1_hz),
        (*this)["f2_hz"](a.f2_hz, b.f2_hz), (*this)["ratio"](a.ratio, b.ratio);
    (*this)["level_dbfs"](a.level_dbfs, b.level_dbfs), (*this)["analysed_s"](a.analysed_s, b.analysed_s);
    (*this)["channels"](a.channels, b.channels);
  }
  void operator()(const record::ImdResult& a, const record::ImdResult& b) const {
    (*this)["takes"](a.takes, b.takes);
  }
  void operator()(const record::PhaseResult& a, const record::PhaseResult& b) const {
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz),
        (*this)["interchannel_phase_deg"](a.interchannel_phase_deg, b.interchannel_phase_deg);
    (*this)["group_delay_ms"](a.group_delay_ms, b.group_delay_ms),
        (*this)["latency_samples"](a.latency_samples, b.latency_samples);
  }
  void operator()(const record::DynamicRangeChannel& a, const record::DynamicRangeChannel& b) const {
    (*this)["channel"](a.channel, b.channel), (*this)["tone_hz"](a.tone_hz, b.tone_hz),
        (*this)["tone_dbv"](a.tone_dbv, b.tone_dbv),
        (*this)["full_scale_dbv"](a.full_scale_dbv, b.full_scale_dbv);
    (*this)["residual_dbv"](a.residual_dbv, b.residual_dbv),
        (*this)["residual_dbv_a"](a.residual_dbv_a, b.residual_dbv_a),
        (*this)["residual_dbv_ccir_rms"](a.residual_dbv_ccir_rms, b.residual_dbv_ccir_rms);
    (*this)["dynamic_range_db"](a.dynamic_range_db, b.dynamic_range_db),
        (*this)["dynamic_range_db_a"](a.dynamic_range_db_a, b.dynamic_range_db_a),
        (*this)["dynamic_range_db_ccir_rms"](a.dynamic_range_db_ccir_rms, b.dynamic_range_db_ccir_rms);
  }
  void operator()(const record::DynamicRangeResult& a, const record::DynamicRangeResult& b) const {
    (*this)["tone_hz"](a.tone_hz, b.tone_hz), (*this)["stimulus_dbfs"](a.stimulus_dbfs, b.stimulus_dbfs),
        (*this)["bandwidth_hz"](a.bandwidth_hz, b.bandwidth_hz),
        (*this)["analysed_s"](a.analysed_s, b.analysed_s);
    (*this)["channels"](a.channels, b.channels);
  }
  void operator()(const record::ImpedanceCurve& a, const record::ImpedanceCurve& b) const {
    (*this)["frequency_hz"](a.frequency_hz, b.frequency_hz),
        (*this)["impedance_ohm"](a.impedance_ohm, b.impedance_ohm);
    (*this)["phase_deg"](a.phase_deg, b.phase_deg),
        (*this)["uncertainty_ohm"](a.uncertainty_ohm, b.uncertainty_ohm);
    (*this)["at_1khz_ohm"](a.at_1khz_ohm, b.at_1khz_ohm),
        (*this)["at_1khz_phase_deg"](a.at_1khz_phase_deg, b.at_1khz_phase_deg);
    (*this)["at_1khz_uncertainty_ohm"](a.at_1khz_uncertainty_ohm, b.at_1khz_uncertainty_ohm);
    (*this)["band_min_ohm"](a.band_min_ohm, b.band_min_ohm),
        (*this)["band_max_ohm"](a.band_max_ohm, b.band_max_ohm);
  }
  void operator()(const record::ImpedanceLoad& a, const record::ImpedanceLoad& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["kind"](a.kind, b.kind),
        (*this)["impedance_ohm"](a.impedance_ohm, b.impedance_ohm);
    (*this)["tolerance_percent"](a.tolerance_percent, b.tolerance_percent);
    (*this)["with_adc_input_impedance_ohm"](a.with_adc_input_impedance_ohm, b.with_adc_input_impedance_ohm);
  }
  void operator()(const record::HeadphoneChannel& a, const record::HeadphoneChannel& b) const {
    (*this)["predicted_change_db"](a.predicted_change_db, b.predicted_change_db);
    (*this)["predicted_phase_deg"](a.predicted_phase_deg, b.predicted_phase_deg);
    (*this)["measured_change_db"](a.measured_change_db, b.measured_change_db);
    (*this)["predicted_as_connected_change_db"](a.predicted_as_connected_change_db,
                                                b.predicted_as_connected_change_db);
    (*this)["deviation_db"](a.deviation_db, b.deviation_db),
        (*this)["measured_deviation_db"](a.measured_deviation_db, b.measured_deviation_db);
    (*this)["agreement_db"](a.agreement_db, b.agreement_db),
        (*this)["damping_factor_1khz"](a.damping_factor_1khz, b.damping_factor_1khz);
    (*this)["damping_factor_min"](a.damping_factor_min, b.damping_factor_min);
    (*this)["damping_factor_min_frequency_hz"](a.damping_factor_min_frequency_hz,
                                               b.damping_factor_min_frequency_hz);
    (*this)["rule_of_eighths"](a.rule_of_eighths, b.rule_of_eighths);
  }
  void operator()(const record::HeadphoneLoading& a, const record::HeadphoneLoading& b) const {
    (*this)["load"](a.load, b.load), (*this)["name"](a.name, b.name),
        (*this)["nominal_ohm"](a.nominal_ohm, b.nominal_ohm);
    (*this)["channels"](a.channels, b.channels);
  }
  void operator()(const record::PortImpedance& a, const record::PortImpedance& b) const {
    (*this)["port"](a.port, b.port), (*this)["channels"](a.channels, b.channels);
    (*this)["profile_impedance_ohm"](a.profile_impedance_ohm, b.profile_impedance_ohm);
  }
  void operator()(const record::SourceLoading& a, const record::SourceLoading& b) const {
    (*this)["source_port"](a.source_port, b.source_port),
        (*this)["destination_input"](a.destination_input, b.destination_input);
    (*this)["source_impedance_ohm"](a.source_impedance_ohm, b.source_impedance_ohm),
        (*this)["measured"](a.measured, b.measured);
    (*this)["input_impedance_ohm"](a.input_impedance_ohm, b.input_impedance_ohm),
        (*this)["parallel_inputs"](a.parallel_inputs, b.parallel_inputs);
    (*this)["level_change_db"](a.level_change_db, b.level_change_db);
  }
  void operator()(const record::ImpedanceResult& a, const record::ImpedanceResult& b) const {
    (*this)["method"](a.method, b.method), (*this)["sweep_f1_hz"](a.sweep_f1_hz, b.sweep_f1_hz),
        (*this)["sweep_f2_hz"](a.sweep_f2_hz, b.sweep_f2_hz);
    (*this)["sweep_duration_s"](a.sweep_duration_s, b.sweep_duration_s),
        (*this)["sweep_level_dbfs"](a.sweep_level_dbfs, b.sweep_level_dbfs);
    (*this)["adc_input_impedance_ohm"](a.adc_input_impedance_ohm, b.adc_input_impedance_ohm),
        (*this)["loads"](a.loads, b.loads);
    (*this)["channels"](a.channels, b.channels), (*this)["headphones"](a.headphones, b.headphones),
        (*this)["ports"](a.ports, b.ports);
    (*this)["source_loading"](a.source_loading, b.source_loading);
  }
  void operator()(const record::StepRecord& a, const record::StepRecord& b) const {
    (*this)["id"](a.id, b.id), (*this)["kind"](a.kind, b.kind), (*this)["audio_s"](a.audio_s, b.audio_s),
        (*this)["takes"](a.takes, b.takes);
    (*this)["error"](a.error, b.error), (*this)["result"](a.result, b.result);
  }
  void operator()(const record::RetriedTake& a, const record::RetriedTake& b) const {
    (*this)["take"](a.take, b.take), (*this)["attempts"](a.attempts, b.attempts),
        (*this)["retried_because"](a.retried_because, b.retried_because);
  }
  void operator()(const record::RelaySwitch& a, const record::RelaySwitch& b) const {
    (*this)["purpose"](a.purpose, b.purpose), (*this)["relays_on"](a.relays_on, b.relays_on),
        (*this)["state"](a.state, b.state);
    (*this)["board"](a.board, b.board), (*this)["settling_s"](a.settling_s, b.settling_s);
  }
  void operator()(const plan::ChannelWiring& a, const plan::ChannelWiring& b) const {
    (*this)["source_channel"](a.source_channel, b.source_channel),
        (*this)["inverted"](a.inverted, b.inverted), (*this)["shorted"](a.shorted, b.shorted);
  }
  void operator()(const record::FixtureRecord& a, const record::FixtureRecord& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["file"](a.file, b.file),
        (*this)["cable"](a.cable, b.cable);
    (*this)["source_port"](a.source_port, b.source_port),
        (*this)["destination_input"](a.destination_input, b.destination_input);
    (*this)["instruction"](a.instruction, b.instruction),
        (*this)["source_connector"](a.source_connector, b.source_connector);
    (*this)["destination_connector"](a.destination_connector, b.destination_connector),
        (*this)["balanced"](a.balanced, b.balanced);
    (*this)["expected_level_change_db"](a.expected_level_change_db, b.expected_level_change_db),
        (*this)["wiring"](a.wiring, b.wiring);
    (*this)["conductors"](a.conductors, b.conductors);
  }
  void operator()(const record::ConfigurationRecord& a, const record::ConfigurationRecord& b) const {
    (*this)["fixture"](a.fixture, b.fixture), (*this)["outcome"](a.outcome, b.outcome),
        (*this)["errors"](a.errors, b.errors);
    (*this)["checks"](a.checks, b.checks), (*this)["steps"](a.steps, b.steps),
        (*this)["captures"](a.captures, b.captures);
    (*this)["retried_takes"](a.retried_takes, b.retried_takes), (*this)["relays"](a.relays, b.relays);
  }
  void operator()(const record::ProfileRef& a, const record::ProfileRef& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["file"](a.file, b.file);
  }
  void operator()(const record::LoadRef& a, const record::LoadRef& b) const {
    (*this)["id"](a.id, b.id), (*this)["name"](a.name, b.name), (*this)["file"](a.file, b.file),
        (*this)["kind"](a.kind, b.kind);
    (*this)["nominal_ohm"](a.nominal_ohm, b.nominal_ohm),
        (*this)["tolerance_percent"](a.tolerance_percent, b.tolerance_percent);
  }
  void operator()(const plan::MeasurementSettings& a, const plan::MeasurementSettings& b) const {
    // Every setting of the catalogue, by its member.
    for (const auto& spec : plan::settings())
      std::visit([&](auto field) { (*this)[std::string(spec.name)](a.*field, b.*field); }, spec.field);
  }
  void operator()(const record::PlannedStep& a, const record::PlannedStep& b) const {
    (*this)["id"](a.id, b.id), (*this)["kind"](a.kind, b.kind),
        (*this)["overridden"](a.overridden, b.overridden);
    (*this)["limits_overridden"](a.limits_overridden, b.limits_overridden),
        (*this)["settings"](a.settings, b.settings);
  }
  void operator()(const record::ReanalysisOf& a, const record::ReanalysisOf& b) const {
    (*this)["run_dir"](a.run_dir, b.run_dir), (*this)["checks"](a.checks, b.checks),
        (*this)["identical_checks"](a.identical_checks, b.identical_checks);
  }
  void operator()(const record::InProgress& a, const record::InProgress& b) const {
    (*this)["configurations_planned"](a.configurations_planned, b.configurations_planned);
  }
  void operator()(const record::RunRecord& a, const record::RunRecord& b) const {
    (*this)["bench_version"](a.bench_version, b.bench_version),
        (*this)["created_utc"](a.created_utc, b.created_utc);
    (*this)["backend"](a.backend, b.backend), (*this)["seed"](a.seed, b.seed),
        (*this)["plan"](a.plan, b.plan);
    (*this)["interface"](a.interface, b.interface), (*this)["amp"](a.amp, b.amp),
        (*this)["adc"](a.adc, b.adc), (*this)["limits"](a.limits, b.limits);
    (*this)["loads"](a.loads, b.loads), (*this)["impedance_loads"](a.impedance_loads, b.impedance_loads),
        (*this)["settings"](a.settings, b.settings);
    (*this)["adc_fullscale_vrms"](a.adc_fullscale_vrms, b.adc_fullscale_vrms),
        (*this)["default_steps"](a.default_steps, b.default_steps);
    (*this)["steps"](a.steps, b.steps), (*this)["definitions"](a.definitions, b.definitions);
    (*this)["configurations"](a.configurations, b.configurations), (*this)["outcome"](a.outcome, b.outcome);
    (*this)["aborted"](a.aborted, b.aborted), (*this)["reanalysis_of"](a.reanalysis_of, b.reanalysis_of);
    (*this)["in_progress"](a.in_progress, b.in_progress);
  }
};

/// Every difference between two records, one line each ("" when equal).
inline std::vector<std::string> differences(const record::RunRecord& a, const record::RunRecord& b) {
  std::vector<std::string> d;
  Same{&d, "record"}(a, b);
  return d;
}

/// The first `most` lines, one per line.
inline std::string joined(const std::vector<std::string>& lines, std::size_t most = 20) {
  std::string s;
  for (std::size_t i = 0; i < lines.size() && i < most; ++i) s += lines[i] + "\n";
  return s;
}

/// The message of the InputError `f` throws, or "no error".
inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace bench::report::test
