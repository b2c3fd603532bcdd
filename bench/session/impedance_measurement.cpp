#include "bench/session/impedance_measurement.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "bench/analysis/impedance.hpp"
#include "bench/analysis/sweep_analysis.hpp"
#include "bench/core/error.hpp"
#include "bench/io/sidecar.hpp"
#include "bench/session/checks.hpp"
#include "bench/signal/sweep.hpp"

namespace bench::session {
namespace {

using nlohmann::json;
using analysis::Complex;
using analysis::ComplexVector;

constexpr std::array<const char*, 2> kChannelName = {"left", "right"};
constexpr double kBandLowHz = 20, kBandHighHz = 20000, kReferenceHz = 1000;

std::string text(double v, int digits) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", digits, v);
  return b;
}

// Ohms for a technician: "47.0 ohm", "0.100 ohm", "10 kohm".
std::string ohm_text(double ohm) {
  if (!std::isfinite(ohm)) return "open";
  if (ohm >= 1000) return text(ohm / 1000, ohm >= 10000 ? 0 : 1) + " kohm";
  return text(ohm, ohm < 1 ? 3 : ohm < 10 ? 2 : 1) + " ohm";
}

Complex parallel(Complex a, Complex b) {
  if (!std::isfinite(std::abs(a))) return b;
  if (!std::isfinite(std::abs(b))) return a;
  return a * b / (a + b);
}

double degrees(Complex z) { return std::arg(z) * 180 / 3.14159265358979323846; }

ComplexVector to_complex(const analysis::FrequencyResponse& r) {
  ComplexVector v(static_cast<Eigen::Index>(r.frequency_hz.size()));
  for (std::size_t i = 0; i < r.frequency_hz.size(); ++i)
    v[static_cast<Eigen::Index>(i)] =
        std::polar(std::pow(10.0, r.magnitude_db[i] / 20), r.phase_deg[i] * 3.14159265358979323846 / 180);
  return v;
}

bool in_band(double f) { return f >= kBandLowHz && f <= kBandHighHz; }

}  // namespace

int parallel_inputs(const plan::Fixture& fixture) {
  int most = 0;
  for (const auto& w : fixture.wiring) {
    if (w.source_channel < 0 || w.shorted) continue;
    const auto n = std::count_if(fixture.wiring.begin(), fixture.wiring.end(), [&](const plan::ChannelWiring& o) {
      return o.source_channel == w.source_channel && !o.shorted;
    });
    most = std::max(most, static_cast<int>(n));
  }
  return fixture.wiring.empty() ? 1 : most;
}

ImpedanceResult measure_impedance(const ImpedanceContext& cx) {
  const plan::Plan& plan = *cx.plan;
  const plan::Fixture& fx = *cx.fixture;
  const plan::MeasurementSettings& s = plan.settings;
  const double fs = s.sample_rate_hz;
  const double adc_ohm = plan.adc.input_impedance_ohm;
  ImpedanceResult out;

  // The sweep runs on to 95 % of Nyquist (at most 40 kHz) with a 5 ms end fade, so no frequency up to
  // 20 kHz lies in the fade: there the sweep's energy falls, and noise in the responses (which enter
  // the least squares on both sides) biases |Z_out| low.
  const double f2_hz = std::max(s.sweep_f2_hz, std::min(0.95 * fs / 2, 40000.0));
  const auto spec = stimulus::make_sweep_spec(s.sweep_f1_hz, f2_hz, s.impedance_sweep_duration_s, fs, s.sweep_level_dbfs, 0.005);
  const dsp::Signal sweep = stimulus::generate_sweep(spec);
  dsp::Frames body(sweep.size(), 2);
  body.col(0) = sweep, body.col(1) = sweep;
  analysis::SweepAnalysisOptions o;
  o.f1_hz = spec.f1_hz, o.f2_hz = spec.f2_hz, o.rate_l_s = spec.rate_l_s, o.fade_s = spec.fade_s;
  std::optional<analysis::SweepAnalyzer> analyzer;
  std::array<std::optional<double>, 2> latency;
  std::vector<double> axis;

  // One sweep on both channels into `load`; per amplifier channel its response on one shared latency
  // (the first take's), so every take's phase refers to the same instant.
  const auto take = [&](const plan::Load& load, const std::string& purpose, bool port) {
    (port ? cx.use_port_load : cx.use_load)(load);
    if (cx.step) cx.step(purpose + ": sweep into " + load.id);
    json info = io::sweep_sidecar(spec, 2);
    info["purpose"] = purpose;
    info["driven_channel"] = "both";
    const dsp::Frames cap = cx.record(body, (port ? "port_impedance_" : "impedance_") + load.id, info);
    if (!analyzer) {
      dsp::Signal played = dsp::Signal::Zero(cap.rows());
      played.segment(cx.preroll_frames, sweep.size()) = sweep;
      analyzer.emplace(played, fs, static_cast<std::size_t>(cap.rows()), o);
    }
    std::array<ComplexVector, 2> v;
    for (int c = 0; c < 2; ++c) {
      const auto i = static_cast<std::size_t>(c);
      analysis::SweepResult r;
      if (!latency[i]) {
        try {
          r = analyzer->analyze(cap.col(c));
        } catch (const MeasurementError& e) {
          throw MeasurementError(purpose + ": no sweep arrived on the " + std::string(kChannelName[i]) +
                                 " channel into " + load.id + " (" + e.what() +
                                 "): check the connections before measuring an output impedance");
        }
        latency[i] = r.latency_samples;
      } else {
        r = analyzer->analyze_at(cap.col(c), *latency[i]);
      }
      if (axis.empty()) axis = r.response.frequency_hz;
      v[i] = to_complex(r.response);
    }
    return v;
  };

  // Z_out per channel from one response per impedance load; the channel's JSON into `channels`.
  struct Solved {
    std::array<analysis::OutputImpedance, 2> z;
    std::array<Complex, 2> z_1k{};
    std::array<double, 2> u_1k{}, lo{}, hi{};
    json channels = json::object();
  };
  const auto solve = [&](const std::vector<std::array<ComplexVector, 2>>& responses) {
    Solved out_z;
    const auto n = static_cast<Eigen::Index>(axis.size());
    for (int c = 0; c < 2; ++c) {
      const auto i = static_cast<std::size_t>(c);
      std::vector<analysis::LoadedResponse> measured;
      for (std::size_t k = 0; k < plan.impedance_loads.size(); ++k) {
        const plan::Load& l = plan.impedance_loads[k];
        analysis::LoadedResponse r;
        r.load_impedance_ohm.resize(n);
        for (Eigen::Index j = 0; j < n; ++j)
          r.load_impedance_ohm[j] = parallel(l.impedance_at(axis[static_cast<std::size_t>(j)]), adc_ohm);
        r.response = responses[k][i];
        r.tolerance = l.kind == plan::Load::Kind::kResistor ? l.tolerance_percent / 100 : 0.0;
        measured.push_back(std::move(r));
      }
      analysis::OutputImpedance& z = out_z.z[i];
      z = analysis::solve_output_impedance(measured);
      out_z.z_1k[i] = analysis::band_mean(axis, z.output_impedance_ohm, kReferenceHz, 3);
      out_z.u_1k[i] = analysis::band_mean(axis, z.uncertainty_ohm.cast<Complex>(), kReferenceHz, 3).real();
      std::vector<double> magnitude(axis.size()), phase(axis.size()), uncertainty(axis.size());
      double lo = std::numeric_limits<double>::infinity(), hi = 0;
      for (std::size_t j = 0; j < axis.size(); ++j) {
        const Complex zj = z.output_impedance_ohm[static_cast<Eigen::Index>(j)];
        magnitude[j] = std::abs(zj), phase[j] = degrees(zj);
        uncertainty[j] = z.uncertainty_ohm[static_cast<Eigen::Index>(j)];
        if (in_band(axis[j])) lo = std::min(lo, magnitude[j]), hi = std::max(hi, magnitude[j]);
      }
      out_z.lo[i] = lo, out_z.hi[i] = hi;
      out_z.channels[kChannelName[i]] = {
          {"frequency_hz", axis},
          {"impedance_ohm", magnitude},
          {"phase_deg", phase},
          {"uncertainty_ohm", uncertainty},
          {"at_1khz", {{"impedance_ohm", std::abs(out_z.z_1k[i])}, {"phase_deg", degrees(out_z.z_1k[i])}, {"uncertainty_ohm", out_z.u_1k[i]}}},
          {"band_impedance_ohm", {{"min", lo}, {"max", hi}}}};
    }
    return out_z;
  };

  // 1. The amplifier's output into the known loads, each in parallel with the ADC's input.
  std::vector<std::array<ComplexVector, 2>> responses;
  for (const plan::Load& l : plan.impedance_loads) responses.push_back(take(l, "output impedance", false));
  const auto n = static_cast<Eigen::Index>(axis.size());
  const Solved amp = solve(responses);
  const auto& z = amp.z;
  const auto& z_1k = amp.z_1k;
  json loads = json::array();
  for (const plan::Load& l : plan.impedance_loads)
    loads.push_back({{"id", l.id},
                     {"name", l.name},
                     {"kind", plan::to_string(l.kind)},
                     {"impedance_ohm", std::isfinite(l.nominal_ohm) ? json(l.nominal_ohm) : json(nullptr)},
                     {"tolerance_percent", l.tolerance_percent},
                     {"with_adc_input_impedance_ohm", std::abs(parallel(l.impedance_at(kReferenceHz), adc_ohm))}});
  for (int c = 0; c < 2; ++c) {
    const auto i = static_cast<std::size_t>(c);
    const double u_1k = amp.u_1k[i], lo = amp.lo[i], hi = amp.hi[i];
    Check k = judge(plan.limits, "output_impedance_ohm", std::abs(z_1k[i]), "ohm");
    k.channel = kChannelName[i];
    k.explanation = "|Z_out| " + ohm_text(std::abs(z_1k[i])) + " at 1 kHz (phase " + text(degrees(z_1k[i]), 1) +
                    " deg, +-" + ohm_text(u_1k) + " from the loads' tolerances), " + ohm_text(lo) + " to " +
                    ohm_text(hi) + " from 20 Hz to 20 kHz; the amp's profile says " +
                    ohm_text(plan.amp.output_impedance_ohm);
    if (k.outcome == Outcome::kFail)
      k.explanation += ": a high output impedance colours headphones whose impedance varies with frequency (see loading_deviation_db)";
    out.checks.push_back(std::move(k));
  }

  // 2. Each headphone of the plan: the prediction from Z_out, and the response measured into it.
  json headphones = json::object();
  for (const plan::Load& hp : plan.loads) {
    if (hp.kind != plan::Load::Kind::kHeadphone) continue;
    const auto v = take(hp, "response into the headphone", false);
    ComplexVector z_hp(n), z_connected(n);
    for (Eigen::Index j = 0; j < n; ++j) {
      z_hp[j] = hp.impedance_at(axis[static_cast<std::size_t>(j)]);
      z_connected[j] = parallel(z_hp[j], adc_ohm);
    }
    json per_channel = json::object();
    for (int c = 0; c < 2; ++c) {
      const auto i = static_cast<std::size_t>(c);
      // The headphone's own view (the ADC is not there when someone listens) for the checks; the load as
      // connected (headphone parallel ADC input) for the comparison with the measured change.
      const analysis::LoadingPrediction p = analysis::predict_loading(axis, z[i].output_impedance_ohm, z_hp);
      const analysis::LoadingPrediction as_connected = analysis::predict_loading(axis, z[i].output_impedance_ohm, z_connected);
      const ComplexVector ratio = v[i].cwiseQuotient(z[i].open_voltage);
      const std::vector<double> measured = analysis::change_db(axis, ratio, kReferenceHz);
      double agreement = 0, worst_change = 0, worst_f = kReferenceHz, lo = 0, hi = 0;
      for (std::size_t j = 0; j < axis.size(); ++j) {
        if (!in_band(axis[j])) continue;
        agreement = std::max(agreement, std::abs(measured[j] - as_connected.change_db[j]));
        lo = std::min(lo, measured[j]), hi = std::max(hi, measured[j]);
        if (std::abs(p.change_db[j]) > std::abs(worst_change)) worst_change = p.change_db[j], worst_f = axis[j];
      }
      per_channel[kChannelName[i]] = {{"predicted_change_db", p.change_db},
                               {"predicted_phase_deg", p.phase_deg},
                               {"measured_change_db", measured},
                               {"predicted_as_connected_change_db", as_connected.change_db},
                               {"deviation_db", p.deviation_db},
                               {"measured_deviation_db", hi - lo},
                               {"agreement_db", agreement},
                               {"damping_factor_1khz", p.damping_factor_at_reference},
                               {"damping_factor_min", p.damping_factor_min},
                               {"damping_factor_min_frequency_hz", p.damping_factor_min_hz},
                               {"rule_of_eighths", p.rule_of_eighths}};
      Check d = judge(plan.limits, "loading_deviation_db", p.deviation_db, "dB");
      d.channel = kChannelName[i], d.load = hp.id;
      d.explanation = "Z_out " + ohm_text(std::abs(z_1k[i])) + " into " + hp.name + ": the response changes by " +
                      text(p.deviation_db, 2) + " dB peak to peak from 20 Hz to 20 kHz (" +
                      (worst_change >= 0 ? "+" : "") + text(worst_change, 2) + " dB at " + text(worst_f, 0) +
                      " Hz re 1 kHz); measured " + text(hi - lo, 2) + " dB, within " + text(agreement, 3) +
                      " dB of the prediction";
      if (d.outcome == Outcome::kFail)
        d.explanation += ": the headphone's impedance varies with frequency and the output impedance turns it into a "
                         "response change; an output below " +
                         ohm_text(hp.nominal_ohm / 8) + " (Z_hp/8) keeps it small";
      out.checks.push_back(std::move(d));
      // Dimensionless, a ratio of impedances: the unit says so.
      Check df = judge(plan.limits, "damping_factor", p.damping_factor_min, "ohm/ohm");
      df.channel = kChannelName[i], df.load = hp.id;
      const auto df_text = [](double factor) { return text(factor, factor < 10 ? 2 : 1); };
      df.explanation = "damping factor " + df_text(p.damping_factor_at_reference) + " at 1 kHz, lowest " +
                       df_text(p.damping_factor_min) + " at " + text(p.damping_factor_min_hz, 0) + " Hz; rule of eighths (Z_out <= Z_hp/8 at every frequency) " +
                       (p.rule_of_eighths ? "met" : "not met");
      out.checks.push_back(std::move(df));
    }
    headphones[hp.id] = {{"name", hp.name}, {"nominal_ohm", hp.nominal_ohm}, {"channels", per_channel}};
  }

  // 3. The source port itself, where the plan asks: straight into the same loads and the ADC.
  const plan::SourcePort& port = plan.interface.ports.at(fx.source_port);
  json ports = json::object();
  std::optional<double> port_ohm;
  if (std::find(s.impedance_ports.begin(), s.impedance_ports.end(), fx.source_port) != s.impedance_ports.end()) {
    std::vector<std::array<ComplexVector, 2>> port_responses;
    latency = {};  // another path, its own delay
    for (const plan::Load& l : plan.impedance_loads) port_responses.push_back(take(l, fx.source_port + " output impedance", true));
    const Solved p = solve(port_responses);
    // The worse channel loads the source more.
    port_ohm = std::max(std::abs(p.z_1k[0]), std::abs(p.z_1k[1]));
    ports[fx.source_port] = {{"channels", p.channels}, {"profile_impedance_ohm", port.output_impedance_ohm}};
  }

  // 4. The interface port against the amplifier's input(s): its measured impedance, else the profile's.
  const plan::AmpInput& input = plan.amp.inputs.at(fx.destination_input);
  // A balanced output into an unbalanced input drives it from its hot leg alone: half its impedance.
  const bool cold_grounded = port.balanced && !input.balanced;
  const double z_source = port_ohm.value_or(port.output_impedance_ohm) * (cold_grounded ? 0.5 : 1.0);
  const int inputs = std::max(1, parallel_inputs(fx));
  const double loading = analysis::source_loading_db(z_source, input.input_impedance_ohm, inputs);
  Check sl = judge(plan.limits, "source_loading_db", loading, "dB");
  sl.explanation = "the interface's " + fx.source_port + " (" + ohm_text(z_source) + (port_ohm ? " measured" : " from its profile") +
                   (cold_grounded ? " from the hot leg alone" : "") + ") into the amp's " + fx.destination_input + " input (" +
                   ohm_text(input.input_impedance_ohm) +
                   (inputs > 1 ? ", " + std::to_string(inputs) + " in parallel on a Y-cable: " + ohm_text(input.input_impedance_ohm / inputs) : "") +
                   "): " + text(loading, 3) + " dB";
  if (sl.outcome == Outcome::kFail)
    sl.explanation += ": the inputs load the source; use a lower-impedance output or fewer inputs on it";
  out.checks.push_back(std::move(sl));

  out.measurement = {
      {"method", "sweeps into each load (in parallel with the reference ADC's input), complex least squares per frequency of "
                 "V_open - Z_out*V_L/Z_L = V_L; uncertainty: worst case from the resistors' tolerances"},
      {"sweep", {{"f1_hz", spec.f1_hz}, {"f2_hz", spec.f2_hz}, {"duration_s", s.impedance_sweep_duration_s}, {"level_dbfs", spec.level_dbfs}}},
      {"adc_input_impedance_ohm", adc_ohm},
      {"loads", loads},
      {"output", "amp"},
      {"channels", amp.channels},
      {"headphones", headphones},
      {"ports", ports},
      {"source_loading",
       {{"source_port", fx.source_port},
        {"source_impedance_ohm", z_source},
        {"source_impedance_from", port_ohm ? "measured" : "profile"},
        {"destination_input", fx.destination_input},
        {"input_impedance_ohm", input.input_impedance_ohm},
        {"parallel_inputs", inputs},
        {"level_change_db", loading}}}};
  return out;
}

}  // namespace bench::session
