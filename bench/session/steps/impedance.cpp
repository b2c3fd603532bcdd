// impedance: the amplifier's output swept into each of the step's impedance loads; its output impedance
// solved per frequency (analysis/impedance.hpp); per headphone of the plan the predicted response change,
// the damping factor and the rule of eighths, with the response measured into the headphone beside the
// prediction; the source port's own output impedance where impedance_ports asks; the port's loading by
// the amplifier's input(s).

#include <algorithm>
#include <cmath>
#include <optional>

#include "bench/core/format.hpp"
#include "bench/session/checks.hpp"
#include "bench/session/expectations.hpp"
#include "bench/session/steps/impedance_parts.hpp"

namespace bench::session::steps {
namespace {

void output_impedance_checks(const StepContext& cx, const SolvedImpedance& amp, std::vector<Check>& checks) {
  for (std::size_t i = 0; i < 2; ++i) {
    const record::ImpedanceCurve& c = amp.curves[i];
    Check k = judge(cx.limits, "output_impedance_ohm", c.at_1khz_ohm);
    k.channel = record::kChannelNames[i];
    k.explanation = "|Z_out| " + ohm_text(c.at_1khz_ohm) + " at 1 kHz (phase " +
                    fixed(c.at_1khz_phase_deg, 1) + " deg, +-" + ohm_text(c.at_1khz_uncertainty_ohm) +
                    " from the loads' tolerances), " + ohm_text(c.band_min_ohm) + " to " +
                    ohm_text(c.band_max_ohm) + " from 20 Hz to 20 kHz; the amp's profile says " +
                    ohm_text(cx.plan.amp.output_impedance_ohm);
    if (k.outcome == Outcome::kFail)
      k.explanation +=
          ": a high output impedance colours headphones whose impedance varies with frequency (see "
          "loading_deviation_db)";
    checks.push_back(std::move(k));
  }
}

void headphone_checks(const StepContext& cx, const plan::Load& hp, std::size_t i, double z_1k_ohm,
                      const HeadphoneView& v, std::vector<Check>& checks) {
  const record::HeadphoneChannel& p = v.channel;
  Check d = judge(cx.limits, "loading_deviation_db", p.deviation_db);
  d.channel = record::kChannelNames[i], d.load = hp.id;
  d.explanation = "Z_out " + ohm_text(z_1k_ohm) + " into " + hp.name + ": the response changes by " +
                  fixed(p.deviation_db, 2) + " dB peak to peak from 20 Hz to 20 kHz (" +
                  (v.worst_change_db >= 0 ? "+" : "") + fixed(v.worst_change_db, 2) + " dB at " +
                  fixed(v.worst_frequency_hz, 0) + " Hz re 1 kHz); measured " +
                  fixed(p.measured_deviation_db, 2) + " dB, within " + fixed(p.agreement_db, 3) +
                  " dB of the prediction";
  if (d.outcome == Outcome::kFail)
    d.explanation +=
        ": the headphone's impedance varies with frequency and the output impedance turns it into a response "
        "change; an output below " +
        ohm_text(hp.nominal_ohm / 8) + " (Z_hp/8) keeps it small";
  checks.push_back(std::move(d));
  // Dimensionless, a ratio of impedances: the unit says so.
  Check df = judge(cx.limits, "damping_factor", p.damping_factor_min);
  df.channel = record::kChannelNames[i], df.load = hp.id;
  const auto df_text = [](double factor) { return fixed(factor, factor < 10 ? 2 : 1); };
  df.explanation = "damping factor " + df_text(p.damping_factor_1khz) + " at 1 kHz, lowest " +
                   df_text(p.damping_factor_min) + " at " + fixed(p.damping_factor_min_frequency_hz, 0) +
                   " Hz; rule of eighths (Z_out <= Z_hp/8 at every frequency) " +
                   (p.rule_of_eighths ? "met" : "not met");
  checks.push_back(std::move(df));
}

}  // namespace

StepOutput<record::ImpedanceResult> measure_impedance(const StepContext& cx) {
  cx.require_signal();
  const plan::Plan& plan = cx.plan;
  const plan::Fixture& fx = cx.fixture;
  const double adc_ohm = plan.adc.input_impedance_ohm;
  const auto& loads = cx.step.impedance_loads;
  ImpedanceSweeps sweeps(cx);
  StepOutput<record::ImpedanceResult> out;
  record::ImpedanceResult& r = out.result;

  // 1. The amplifier's output into the known loads, each in parallel with the ADC's input.
  std::vector<ChannelResponses> responses;
  for (const plan::Load& l : loads) responses.push_back(sweeps.take(l, "output impedance", false));
  const SolvedImpedance amp = solve_impedance(sweeps.axis(), loads, adc_ohm, responses);
  r.channels = amp.curves;
  for (const plan::Load& l : loads)
    r.loads.push_back({l.id, l.name, l.kind,
                       std::isfinite(l.nominal_ohm) ? std::optional<double>(l.nominal_ohm) : std::nullopt,
                       l.tolerance_percent, std::abs(parallel_ohm(l.impedance_at(1000), adc_ohm))});
  output_impedance_checks(cx, amp, out.checks);

  // 2. Each headphone of the plan: the prediction from Z_out, and the response measured into it.
  for (const plan::Load& hp : plan.loads) {
    if (hp.kind != plan::Load::Kind::kHeadphone) continue;
    const ChannelResponses v = sweeps.take(hp, "response into the headphone", false);
    record::HeadphoneLoading h{hp.id, hp.name, hp.nominal_ohm, {}};
    for (std::size_t i = 0; i < 2; ++i) {
      const HeadphoneView view = headphone_view(sweeps.axis(), amp.z[i], hp, adc_ohm, v[i]);
      headphone_checks(cx, hp, i, amp.curves[i].at_1khz_ohm, view, out.checks);
      h.channels[i] = view.channel;
    }
    r.headphones.push_back(std::move(h));
  }

  // 3. The source port itself, where the step asks: straight into the same loads and the ADC.
  const plan::SourcePort& port = plan.interface.ports.at(fx.source_port);
  std::optional<double> port_ohm;
  const auto& ports = cx.settings.impedance_ports;
  if (std::find(ports.begin(), ports.end(), fx.source_port) != ports.end()) {
    std::vector<ChannelResponses> port_responses;
    sweeps.new_path();  // another path, its own delay
    for (const plan::Load& l : loads)
      port_responses.push_back(sweeps.take(l, fx.source_port + " output impedance", true));
    const SolvedImpedance p = solve_impedance(sweeps.axis(), loads, adc_ohm, port_responses);
    // The worse channel loads the source more.
    port_ohm = std::max(p.curves[0].at_1khz_ohm, p.curves[1].at_1khz_ohm);
    r.ports.push_back({fx.source_port, p.curves, port.output_impedance_ohm});
  }

  // 4. The interface port against the amplifier's input(s): its measured impedance, else the profile's.
  const plan::AmpInput& input = plan.amp.inputs.at(fx.destination_input);
  // A balanced output into an unbalanced input drives it from its hot leg alone: half its impedance.
  const bool cold_grounded = port.balanced && !input.balanced;
  const double z_source = port_ohm.value_or(port.output_impedance_ohm) * (cold_grounded ? 0.5 : 1.0);
  const int inputs = std::max(1, parallel_inputs(fx));
  const double loading = analysis::source_loading_db(z_source, input.input_impedance_ohm, inputs);
  Check sl = judge(cx.limits, "source_loading_db", loading);
  sl.explanation =
      "the interface's " + fx.source_port + " (" + ohm_text(z_source) +
      (port_ohm ? " measured" : " from its profile") + (cold_grounded ? " from the hot leg alone" : "") +
      ") into the amp's " + fx.destination_input + " input (" + ohm_text(input.input_impedance_ohm) +
      (inputs > 1 ? ", " + std::to_string(inputs) +
                        " in parallel on a Y-cable: " + ohm_text(input.input_impedance_ohm / inputs)
                  : "") +
      "): " + fixed(loading, 3) + " dB";
  if (sl.outcome == Outcome::kFail)
    sl.explanation += ": the inputs load the source; use a lower-impedance output or fewer inputs on it";
  out.checks.push_back(std::move(sl));

  const auto& spec = sweeps.spec();
  r.method =
      "sweeps into each load (in parallel with the reference ADC's input), complex least squares per "
      "frequency of "
      "V_open - Z_out*V_L/Z_L = V_L; uncertainty: worst case from the resistors' tolerances";
  r.sweep_f1_hz = spec.f1_hz, r.sweep_f2_hz = spec.f2_hz,
  r.sweep_duration_s = cx.settings.impedance_sweep_duration_s, r.sweep_level_dbfs = spec.level_dbfs;
  r.adc_input_impedance_ohm = adc_ohm;
  r.source_loading = {
      fx.source_port, fx.destination_input, z_source, port_ohm.has_value(), input.input_impedance_ohm, inputs,
      loading};
  return out;
}

}  // namespace bench::session::steps
