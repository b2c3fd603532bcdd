// The step results of report.json (bench.report/2): one writer and one reader per step kind, keyed by the
// record's field names. See record_json.hpp.
#include <stdexcept>
#include <type_traits>
#include <variant>

#include "bench/report/record_json_detail.hpp"

namespace bench::report::detail {
namespace {

using record::ClockResult, record::SweepChannel, record::SweepsResult, record::CrosstalkResult,
    record::LevelResult;
using record::DistortionResult, record::MaxOutputLoad, record::MaxOutputResult, record::NoiseChannel,
    record::NoiseResult;
using record::DynamicRangeChannel, record::DynamicRangeResult, record::PhaseResult;
using record::ImdChannel, record::ImdResult, record::ImdTake;
using record::ImpedanceCurve, record::HeadphoneChannel, record::ImpedanceResult, record::SourceLoading,
    record::HeadphoneLoading;
using record::StepResult, record::kChannelNames, record::kind_of;

template <class T, std::size_t N>
json pair_json(const std::array<T, N>& a) {
  json j = json::array();
  for (const T& v : a) {
    if constexpr (std::is_same_v<T, double>)
      j.push_back(number(v));
    else
      j.push_back(v);
  }
  return j;
}

// ---- writers ----

json to_object(const ClockResult& r) {
  json j = {{"tone_hz", number(r.tone_hz)},
            {"tolerance_ppm", number(r.tolerance_ppm)},
            {"correction_threshold_ppm", number(r.correction_threshold_ppm)},
            {"drift_ppm", number(r.drift_ppm)},
            {"measured_hz", number(r.measured_hz)},
            {"channel", r.channel ? channel_json(*r.channel) : json(nullptr)},
            {"corrected", r.corrected}};
  if (r.explanation) j["explanation"] = *r.explanation;
  return j;
}

json sweep_channel_json(const SweepChannel& c) {
  json harmonics = json::array();
  for (const auto& h : c.harmonics)
    harmonics.push_back(
        {{"order", h.order}, {"frequency_hz", numbers(h.frequency_hz)}, {"level_db", numbers(h.level_db)}});
  return {{"arrived_on", channel_json(c.arrived_on)},       {"latency_samples", number(c.latency_samples)},
          {"polarity", c.inverted ? "inverted" : "normal"}, {"frequency_hz", numbers(c.frequency_hz)},
          {"magnitude_db", numbers(c.magnitude_db)},        {"phase_deg", numbers(c.phase_deg)},
          {"crosstalk_db", numbers(c.crosstalk_db)},        {"harmonics", harmonics}};
}

json to_object(const SweepsResult& r) {
  json j = json::object();
  for (std::size_t ch = 0; ch < 2; ++ch)
    if (r.channels[ch]) j[kChannelNames[ch]] = sweep_channel_json(*r.channels[ch]);
  return j;
}

json to_object(const CrosstalkResult& r) {
  json j = json::object();
  for (std::size_t ch = 0; ch < 2; ++ch) {
    if (r.from[ch].empty()) continue;
    json points = json::array();
    for (const auto& p : r.from[ch])
      points.push_back({{"frequency_hz", number(p.frequency_hz)}, {"crosstalk_db", number(p.crosstalk_db)}});
    j[kChannelNames[ch]] = points;
  }
  return j;
}

json to_object(const LevelResult& r) {
  return {{"stimulus_dbfs", number(r.stimulus_dbfs)},
          {"source_dbv", number(r.source_dbv)},
          {"expected_dbv", number(r.expected_dbv)},
          {"expected_chain_gain_db", number(r.expected_chain_gain_db)},
          {"expected_terms_db",
           {{"source_loading", number(r.source_loading_db)},
            {"cable", number(r.cable_db)},
            {"amp_gain", number(r.amp_gain_db)},
            {"output_loading", number(r.output_loading_db)}}},
          {"level_dbv", pair_json(r.level_dbv)}};
}

json to_object(const DistortionResult& r) {
  json points = json::array();
  for (const auto& p : r.points)
    points.push_back({{"channel", channel_json(p.channel)},
                      {"stimulus_dbfs", number(p.stimulus_dbfs)},
                      {"output_dbv", number(p.output_dbv)},
                      {"thd_db", number(p.thd_db)},
                      {"thd_n_db", number(p.thd_n_db)}});
  return {{"points", points}, {"bandwidth_hz", number(r.bandwidth_hz)}, {"weighting", r.weighting}};
}

json to_object(const MaxOutputResult& r) {
  json loads = json::array();
  for (const auto& l : r.loads) {
    json steps = json::array();
    for (const auto& s : l.steps)
      steps.push_back({{"channel", channel_json(s.channel)},
                       {"stimulus_dbfs", number(s.stimulus_dbfs)},
                       {"output_dbv", number(s.output_dbv)},
                       {"thd_n_db", number(s.thd_n_db)}});
    loads.push_back({{"load", l.load},
                     {"nominal_ohm", number(l.nominal_ohm)},
                     {"steps", steps},
                     {"max_output_vrms", pair_json(l.max_output_vrms)},
                     {"at_full_scale", pair_json(l.at_full_scale)}});
  }
  return {{"loads", loads}};
}

json to_object(const NoiseResult& r) {
  json j = json::object();
  for (std::size_t ch = 0; ch < 2; ++ch) {
    if (!r.channels[ch]) continue;
    const NoiseChannel& n = *r.channels[ch];
    json hum = json::array();
    for (const auto& h : n.hum)
      hum.push_back({{"frequency_hz", number(h.frequency_hz)}, {"level_dbv", number(h.level_dbv)}});
    j[kChannelNames[ch]] = {{"noise_dbv", number(n.noise_dbv)},
                            {"noise_dbv_a", number(n.noise_dbv_a)},
                            {"noise_dbv_ccir_rms", number(n.noise_dbv_ccir_rms)},
                            {"mains_hz", number(n.mains_hz)},
                            {"hum", hum}};
  }
  j["bandwidth_hz"] = number(r.bandwidth_hz);
  return j;
}

json optional_number(const std::optional<double>& v) {
  return v ? number(*v) : json(nullptr);
}

json to_object(const ImdResult& r) {
  json takes = json::array();
  for (const ImdTake& t : r.takes) {
    json channels = json::array();
    for (const ImdChannel& c : t.channels) {
      json products = json::array();
      for (const auto& p : c.products)
        products.push_back({{"name", p.name},
                            {"order", p.order},
                            {"frequency_hz", number(p.frequency_hz)},
                            {"level_dbfs", number(p.level_dbfs)},
                            {"relative_db", number(p.relative_db)}});
      channels.push_back({{"channel", channel_json(c.channel)},
                          {"f1_hz", number(c.f1_hz)},
                          {"f2_hz", number(c.f2_hz)},
                          {"f1_dbfs", number(c.f1_dbfs)},
                          {"f2_dbfs", number(c.f2_dbfs)},
                          {"ratio", number(c.ratio)},
                          {"output_dbv", number(c.output_dbv)},
                          {"imd_db", number(c.imd_db)},
                          {"imd_percent", number(c.imd_percent)},
                          {"dfd2_db", optional_number(c.dfd2_db)},
                          {"dfd3_db", optional_number(c.dfd3_db)},
                          {"products", products}});
    }
    takes.push_back({{"standard", t.standard},
                     {"f1_hz", number(t.f1_hz)},
                     {"f2_hz", number(t.f2_hz)},
                     {"ratio", number(t.ratio)},
                     {"level_dbfs", number(t.level_dbfs)},
                     {"analysed_s", number(t.analysed_s)},
                     {"channels", channels}});
  }
  return {{"takes", takes}};
}

json to_object(const PhaseResult& r) {
  return {
      {"frequency_hz", numbers(r.frequency_hz)},
      {"interchannel_phase_deg", numbers(r.interchannel_phase_deg)},
      {"group_delay_ms", {{"left", numbers(r.group_delay_ms[0])}, {"right", numbers(r.group_delay_ms[1])}}},
      {"latency_samples", pair_json(r.latency_samples)}};
}

json to_object(const DynamicRangeResult& r) {
  json channels = json::array();
  for (const DynamicRangeChannel& c : r.channels)
    channels.push_back({{"channel", channel_json(c.channel)},
                        {"tone_hz", number(c.tone_hz)},
                        {"tone_dbv", number(c.tone_dbv)},
                        {"full_scale_dbv", number(c.full_scale_dbv)},
                        {"residual_dbv", number(c.residual_dbv)},
                        {"residual_dbv_a", number(c.residual_dbv_a)},
                        {"residual_dbv_ccir_rms", number(c.residual_dbv_ccir_rms)},
                        {"dynamic_range_db", number(c.dynamic_range_db)},
                        {"dynamic_range_db_a", number(c.dynamic_range_db_a)},
                        {"dynamic_range_db_ccir_rms", number(c.dynamic_range_db_ccir_rms)}});
  return {{"tone_hz", number(r.tone_hz)},
          {"stimulus_dbfs", number(r.stimulus_dbfs)},
          {"bandwidth_hz", number(r.bandwidth_hz)},
          {"analysed_s", number(r.analysed_s)},
          {"channels", channels}};
}

json curve_json(const ImpedanceCurve& c) {
  return {{"frequency_hz", numbers(c.frequency_hz)},
          {"impedance_ohm", numbers(c.impedance_ohm)},
          {"phase_deg", numbers(c.phase_deg)},
          {"uncertainty_ohm", numbers(c.uncertainty_ohm)},
          {"at_1khz",
           {{"impedance_ohm", number(c.at_1khz_ohm)},
            {"phase_deg", number(c.at_1khz_phase_deg)},
            {"uncertainty_ohm", number(c.at_1khz_uncertainty_ohm)}}},
          {"band_impedance_ohm", {{"min", number(c.band_min_ohm)}, {"max", number(c.band_max_ohm)}}}};
}

json curves_json(const std::array<ImpedanceCurve, 2>& channels) {
  return {{kChannelNames[0], curve_json(channels[0])}, {kChannelNames[1], curve_json(channels[1])}};
}

json headphone_channel_json(const HeadphoneChannel& c) {
  return {{"predicted_change_db", numbers(c.predicted_change_db)},
          {"predicted_phase_deg", numbers(c.predicted_phase_deg)},
          {"measured_change_db", numbers(c.measured_change_db)},
          {"predicted_as_connected_change_db", numbers(c.predicted_as_connected_change_db)},
          {"deviation_db", number(c.deviation_db)},
          {"measured_deviation_db", number(c.measured_deviation_db)},
          {"agreement_db", number(c.agreement_db)},
          {"damping_factor_1khz", number(c.damping_factor_1khz)},
          {"damping_factor_min", number(c.damping_factor_min)},
          {"damping_factor_min_frequency_hz", number(c.damping_factor_min_frequency_hz)},
          {"rule_of_eighths", c.rule_of_eighths}};
}

json to_object(const ImpedanceResult& r) {
  json loads = json::array();
  for (const auto& l : r.loads)
    loads.push_back({{"id", l.id},
                     {"name", l.name},
                     {"kind", plan::to_string(l.kind)},
                     {"impedance_ohm", number(l.impedance_ohm)},
                     {"tolerance_percent", number(l.tolerance_percent)},
                     {"with_adc_input_impedance_ohm", number(l.with_adc_input_impedance_ohm)}});
  json headphones = json::array();
  for (const auto& h : r.headphones)
    headphones.push_back({{"load", h.load},
                          {"name", h.name},
                          {"nominal_ohm", number(h.nominal_ohm)},
                          {"channels",
                           {{kChannelNames[0], headphone_channel_json(h.channels[0])},
                            {kChannelNames[1], headphone_channel_json(h.channels[1])}}}});
  json ports = json::array();
  for (const auto& p : r.ports)
    ports.push_back({{"port", p.port},
                     {"channels", curves_json(p.channels)},
                     {"profile_impedance_ohm", number(p.profile_impedance_ohm)}});
  const SourceLoading& s = r.source_loading;
  return {{"method", r.method},
          {"sweep",
           {{"f1_hz", number(r.sweep_f1_hz)},
            {"f2_hz", number(r.sweep_f2_hz)},
            {"duration_s", number(r.sweep_duration_s)},
            {"level_dbfs", number(r.sweep_level_dbfs)}}},
          {"adc_input_impedance_ohm", number(r.adc_input_impedance_ohm)},
          {"loads", loads},
          {"output", "amp"},
          {"channels", curves_json(r.channels)},
          {"headphones", headphones},
          {"ports", ports},
          {"source_loading",
           {{"source_port", s.source_port},
            {"source_impedance_ohm", number(s.source_impedance_ohm)},
            {"source_impedance_from", s.measured ? "measured" : "profile"},
            {"destination_input", s.destination_input},
            {"input_impedance_ohm", number(s.input_impedance_ohm)},
            {"parallel_inputs", s.parallel_inputs},
            {"level_change_db", number(s.level_change_db)}}}};
}

// ---- readers ----

template <class T, std::size_t N>
void pair_from(const json& j, std::array<T, N>& a) {
  for (std::size_t i = 0; i < N && i < j.size(); ++i) {
    if constexpr (std::is_same_v<T, double>)
      a[i] = number_from(j[i]);
    else
      a[i] = j[i].get<T>();
  }
}

void read_result(const json& j, ClockResult& r) {
  r.tone_hz = number_from(j.at("tone_hz"));
  r.tolerance_ppm = number_from(j.at("tolerance_ppm"));
  r.correction_threshold_ppm = number_from(j.at("correction_threshold_ppm"));
  r.drift_ppm = optional_from(j.at("drift_ppm"));
  r.measured_hz = optional_from(j.at("measured_hz"));
  if (!j.at("channel").is_null()) r.channel = channel_from(j.at("channel"));
  r.corrected = j.at("corrected").get<bool>();
  if (j.contains("explanation")) r.explanation = j.at("explanation").get<std::string>();
}

SweepChannel sweep_channel_from(const json& j) {
  SweepChannel c;
  c.arrived_on = channel_from(j.at("arrived_on"));
  c.latency_samples = number_from(j.at("latency_samples"));
  c.inverted = j.at("polarity").get<std::string>() == "inverted";
  c.frequency_hz = numbers_from(j.at("frequency_hz"));
  c.magnitude_db = numbers_from(j.at("magnitude_db"));
  c.phase_deg = numbers_from(j.at("phase_deg"));
  c.crosstalk_db = numbers_from(j.at("crosstalk_db"));
  for (const auto& h : j.at("harmonics"))
    c.harmonics.push_back(
        {h.at("order").get<int>(), numbers_from(h.at("frequency_hz")), numbers_from(h.at("level_db"))});
  return c;
}

void read_result(const json& j, SweepsResult& r) {
  for (std::size_t ch = 0; ch < 2; ++ch)
    if (j.contains(kChannelNames[ch])) r.channels[ch] = sweep_channel_from(j.at(kChannelNames[ch]));
}

void read_result(const json& j, CrosstalkResult& r) {
  for (std::size_t ch = 0; ch < 2; ++ch)
    if (j.contains(kChannelNames[ch]))
      for (const auto& p : j.at(kChannelNames[ch]))
        r.from[ch].push_back({number_from(p.at("frequency_hz")), number_from(p.at("crosstalk_db"))});
}

void read_result(const json& j, LevelResult& r) {
  r.stimulus_dbfs = number_from(j.at("stimulus_dbfs"));
  r.source_dbv = number_from(j.at("source_dbv"));
  r.expected_dbv = number_from(j.at("expected_dbv"));
  r.expected_chain_gain_db = number_from(j.at("expected_chain_gain_db"));
  const json& terms = j.at("expected_terms_db");
  r.source_loading_db = number_from(terms.at("source_loading"));
  r.cable_db = number_from(terms.at("cable"));
  r.amp_gain_db = number_from(terms.at("amp_gain"));
  r.output_loading_db = number_from(terms.at("output_loading"));
  pair_from(j.at("level_dbv"), r.level_dbv);
}

void read_result(const json& j, DistortionResult& r) {
  for (const auto& p : j.at("points"))
    r.points.push_back({channel_from(p.at("channel")), number_from(p.at("stimulus_dbfs")),
                        number_from(p.at("output_dbv")), number_from(p.at("thd_db")),
                        number_from(p.at("thd_n_db"))});
  r.bandwidth_hz = number_from(j.at("bandwidth_hz"));
  r.weighting = j.at("weighting").get<std::string>();
}

void read_result(const json& j, MaxOutputResult& r) {
  for (const auto& l : j.at("loads")) {
    MaxOutputLoad load;
    load.load = l.at("load").get<std::string>();
    load.nominal_ohm = number_from(l.at("nominal_ohm"));
    for (const auto& s : l.at("steps"))
      load.steps.push_back({channel_from(s.at("channel")), number_from(s.at("stimulus_dbfs")),
                            number_from(s.at("output_dbv")), number_from(s.at("thd_n_db"))});
    pair_from(l.at("max_output_vrms"), load.max_output_vrms);
    pair_from(l.at("at_full_scale"), load.at_full_scale);
    r.loads.push_back(std::move(load));
  }
}

void read_result(const json& j, NoiseResult& r) {
  for (std::size_t ch = 0; ch < 2; ++ch) {
    if (!j.contains(kChannelNames[ch])) continue;
    const json& c = j.at(kChannelNames[ch]);
    NoiseChannel n;
    n.noise_dbv = number_from(c.at("noise_dbv"));
    n.noise_dbv_a = number_from(c.at("noise_dbv_a"));
    n.noise_dbv_ccir_rms = number_from(c.at("noise_dbv_ccir_rms"));
    n.mains_hz = number_from(c.at("mains_hz"));
    for (const auto& h : c.at("hum"))
      n.hum.push_back({number_from(h.at("frequency_hz")), number_from(h.at("level_dbv"))});
    r.channels[ch] = std::move(n);
  }
  r.bandwidth_hz = number_from(j.at("bandwidth_hz"));
}

std::optional<double> optional_number_from(const json& j) {
  if (j.is_null()) return std::nullopt;
  return number_from(j);
}

void read_result(const json& j, ImdResult& r) {
  for (const json& t : j.at("takes")) {
    ImdTake take;
    take.standard = t.at("standard").get<std::string>();
    take.f1_hz = number_from(t.at("f1_hz"));
    take.f2_hz = number_from(t.at("f2_hz"));
    take.ratio = number_from(t.at("ratio"));
    take.level_dbfs = number_from(t.at("level_dbfs"));
    take.analysed_s = number_from(t.at("analysed_s"));
    for (const json& c : t.at("channels")) {
      ImdChannel ch;
      ch.channel = channel_from(c.at("channel"));
      ch.f1_hz = number_from(c.at("f1_hz"));
      ch.f2_hz = number_from(c.at("f2_hz"));
      ch.f1_dbfs = number_from(c.at("f1_dbfs"));
      ch.f2_dbfs = number_from(c.at("f2_dbfs"));
      ch.ratio = number_from(c.at("ratio"));
      ch.output_dbv = number_from(c.at("output_dbv"));
      ch.imd_db = number_from(c.at("imd_db"));
      ch.imd_percent = number_from(c.at("imd_percent"));
      ch.dfd2_db = optional_number_from(c.at("dfd2_db"));
      ch.dfd3_db = optional_number_from(c.at("dfd3_db"));
      for (const json& p : c.at("products"))
        ch.products.push_back({p.at("name").get<std::string>(), p.at("order").get<int>(),
                               number_from(p.at("frequency_hz")), number_from(p.at("level_dbfs")),
                               number_from(p.at("relative_db"))});
      take.channels.push_back(std::move(ch));
    }
    r.takes.push_back(std::move(take));
  }
}

void read_result(const json& j, PhaseResult& r) {
  r.frequency_hz = numbers_from(j.at("frequency_hz"));
  r.interchannel_phase_deg = numbers_from(j.at("interchannel_phase_deg"));
  r.group_delay_ms[0] = numbers_from(j.at("group_delay_ms").at("left"));
  r.group_delay_ms[1] = numbers_from(j.at("group_delay_ms").at("right"));
  pair_from(j.at("latency_samples"), r.latency_samples);
}

void read_result(const json& j, DynamicRangeResult& r) {
  r.tone_hz = number_from(j.at("tone_hz"));
  r.stimulus_dbfs = number_from(j.at("stimulus_dbfs"));
  r.bandwidth_hz = number_from(j.at("bandwidth_hz"));
  r.analysed_s = number_from(j.at("analysed_s"));
  for (const json& c : j.at("channels")) {
    DynamicRangeChannel ch;
    ch.channel = channel_from(c.at("channel"));
    ch.tone_hz = number_from(c.at("tone_hz"));
    ch.tone_dbv = number_from(c.at("tone_dbv"));
    ch.full_scale_dbv = number_from(c.at("full_scale_dbv"));
    ch.residual_dbv = number_from(c.at("residual_dbv"));
    ch.residual_dbv_a = number_from(c.at("residual_dbv_a"));
    ch.residual_dbv_ccir_rms = number_from(c.at("residual_dbv_ccir_rms"));
    ch.dynamic_range_db = number_from(c.at("dynamic_range_db"));
    ch.dynamic_range_db_a = number_from(c.at("dynamic_range_db_a"));
    ch.dynamic_range_db_ccir_rms = number_from(c.at("dynamic_range_db_ccir_rms"));
    r.channels.push_back(ch);
  }
}

ImpedanceCurve curve_from(const json& j) {
  ImpedanceCurve c;
  c.frequency_hz = numbers_from(j.at("frequency_hz"));
  c.impedance_ohm = numbers_from(j.at("impedance_ohm"));
  c.phase_deg = numbers_from(j.at("phase_deg"));
  c.uncertainty_ohm = numbers_from(j.at("uncertainty_ohm"));
  const json& at = j.at("at_1khz");
  c.at_1khz_ohm = number_from(at.at("impedance_ohm"));
  c.at_1khz_phase_deg = number_from(at.at("phase_deg"));
  c.at_1khz_uncertainty_ohm = number_from(at.at("uncertainty_ohm"));
  const json& band = j.at("band_impedance_ohm");
  c.band_min_ohm = number_from(band.at("min"));
  c.band_max_ohm = number_from(band.at("max"));
  return c;
}

std::array<ImpedanceCurve, 2> curves_from(const json& j) {
  return {curve_from(j.at(kChannelNames[0])), curve_from(j.at(kChannelNames[1]))};
}

HeadphoneChannel headphone_channel_from(const json& j) {
  HeadphoneChannel c;
  c.predicted_change_db = numbers_from(j.at("predicted_change_db"));
  c.predicted_phase_deg = numbers_from(j.at("predicted_phase_deg"));
  c.measured_change_db = numbers_from(j.at("measured_change_db"));
  c.predicted_as_connected_change_db = numbers_from(j.at("predicted_as_connected_change_db"));
  c.deviation_db = number_from(j.at("deviation_db"));
  c.measured_deviation_db = number_from(j.at("measured_deviation_db"));
  c.agreement_db = number_from(j.at("agreement_db"));
  c.damping_factor_1khz = number_from(j.at("damping_factor_1khz"));
  c.damping_factor_min = number_from(j.at("damping_factor_min"));
  c.damping_factor_min_frequency_hz = number_from(j.at("damping_factor_min_frequency_hz"));
  c.rule_of_eighths = j.at("rule_of_eighths").get<bool>();
  return c;
}

void read_result(const json& j, ImpedanceResult& r) {
  r.method = j.at("method").get<std::string>();
  const json& sweep = j.at("sweep");
  r.sweep_f1_hz = number_from(sweep.at("f1_hz"));
  r.sweep_f2_hz = number_from(sweep.at("f2_hz"));
  r.sweep_duration_s = number_from(sweep.at("duration_s"));
  r.sweep_level_dbfs = number_from(sweep.at("level_dbfs"));
  r.adc_input_impedance_ohm = number_from(j.at("adc_input_impedance_ohm"));
  for (const auto& l : j.at("loads"))
    r.loads.push_back({l.at("id").get<std::string>(), l.at("name").get<std::string>(),
                       load_kind_from(l.at("kind")), optional_from(l.at("impedance_ohm")),
                       number_from(l.at("tolerance_percent")),
                       number_from(l.at("with_adc_input_impedance_ohm"))});
  r.channels = curves_from(j.at("channels"));
  for (const auto& h : j.at("headphones")) {
    HeadphoneLoading hp;
    hp.load = h.at("load").get<std::string>();
    hp.name = h.at("name").get<std::string>();
    hp.nominal_ohm = number_from(h.at("nominal_ohm"));
    hp.channels = {headphone_channel_from(h.at("channels").at(kChannelNames[0])),
                   headphone_channel_from(h.at("channels").at(kChannelNames[1]))};
    r.headphones.push_back(std::move(hp));
  }
  for (const auto& p : j.at("ports"))
    r.ports.push_back({p.at("port").get<std::string>(), curves_from(p.at("channels")),
                       number_from(p.at("profile_impedance_ohm"))});
  const json& s = j.at("source_loading");
  SourceLoading& out = r.source_loading;
  out.source_port = s.at("source_port").get<std::string>();
  out.destination_input = s.at("destination_input").get<std::string>();
  out.source_impedance_ohm = number_from(s.at("source_impedance_ohm"));
  out.measured = s.at("source_impedance_from").get<std::string>() == "measured";
  out.input_impedance_ohm = number_from(s.at("input_impedance_ohm"));
  out.parallel_inputs = s.at("parallel_inputs").get<int>();
  out.level_change_db = number_from(s.at("level_change_db"));
}

// The alternative of StepResult whose kind_of() is `kind`: the kinds are spelled once, in record.cpp.
template <std::size_t I = 0>
StepResult result_of_kind(const std::string& kind, const json& j) {
  if constexpr (I == std::variant_size_v<StepResult>) {
    throw std::invalid_argument("no step result of kind '" + kind + "'");
  } else {
    using R = std::variant_alternative_t<I, StepResult>;
    if (kind != kind_of(StepResult(std::in_place_index<I>))) return result_of_kind<I + 1>(kind, j);
    R r;
    read_result(j, r);
    return StepResult(std::in_place_index<I>, std::move(r));
  }
}

}  // namespace

json step_result_json(const StepResult& result) {
  return std::visit([](const auto& r) { return to_object(r); }, result);
}

StepResult step_result_from(const std::string& kind, const json& j) {
  return result_of_kind(kind, j);
}

}  // namespace bench::report::detail
