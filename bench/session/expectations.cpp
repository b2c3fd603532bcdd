#include "bench/session/expectations.hpp"

#include <algorithm>
#include <cmath>
#include <complex>

#include "bench/core/error.hpp"

namespace bench::session {

double divider_db(double z_source_ohm, double z_load_ohm) {
  return 20.0 * std::log10(z_load_ohm / (z_load_ohm + z_source_ohm));
}

int parallel_inputs(const plan::Fixture& fixture) {
  int most = 0;
  for (const auto& w : fixture.wiring) {
    if (w.source_channel < 0 || w.shorted) continue;
    const auto n = std::count_if(
        fixture.wiring.begin(), fixture.wiring.end(),
        [&](const plan::ChannelWiring& o) { return o.source_channel == w.source_channel && !o.shorted; });
    most = std::max(most, static_cast<int>(n));
  }
  return fixture.wiring.empty() ? 1 : most;
}

bool mono_plug_possible(const plan::Plan& plan, const plan::Fixture& fixture) {
  const auto port = plan.interface.ports.find(fixture.source_port);
  return fixture.source_connector == plan::Connector::kTs ||
         fixture.source_connector == plan::Connector::kStereoTrs ||
         (port != plan.interface.ports.end() && port->second.connector == plan::Connector::kStereoTrs);
}

Expectation expect(const plan::Plan& plan, const plan::Fixture& fixture, const plan::Load& load) {
  const auto port = plan.interface.ports.find(fixture.source_port);
  if (port == plan.interface.ports.end())
    throw ConfigError(fixture.file.string() + ": source_port '" + fixture.source_port +
                      "' is not a port of " + plan.interface.file.string());
  const auto input = plan.amp.inputs.find(fixture.destination_input);
  if (input == plan.amp.inputs.end())
    throw ConfigError(fixture.file.string() + ": destination_input '" + fixture.destination_input +
                      "' is not an input of " + plan.amp.file.string());
  Expectation e;
  e.source_dbv_at_0dbfs = 20.0 * std::log10(port->second.fullscale_vrms) + port->second.volume_db;
  // A balanced output whose cold leg is grounded by an unbalanced input drives it from half its
  // impedance (the hot leg alone).
  const bool cold_grounded = port->second.balanced && !input->second.balanced;
  const double z_source = port->second.output_impedance_ohm * (cold_grounded ? 0.5 : 1.0);
  // Inputs sharing one source channel (a Y-cable splitting one output) load it in parallel.
  e.source_loading_db =
      divider_db(z_source, input->second.input_impedance_ohm / std::max(1, parallel_inputs(fixture)));
  e.cable_db = fixture.expected_level_change_db;
  e.amp_gain_db = plan.amp.gain_db;
  const std::complex<double> z_load = load.impedance_at(1000.0);
  const std::complex<double> z_adc(plan.adc.input_impedance_ohm, 0.0);
  const std::complex<double> z_total = z_load * z_adc / (z_load + z_adc);
  e.output_loading_db = 20.0 * std::log10(std::abs(z_total / (z_total + plan.amp.output_impedance_ohm)));
  return e;
}

}  // namespace bench::session
