#include "bench/sim/cable.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "bench/core/error.hpp"
#include "bench/dsp/types.hpp"

namespace bench::sim {

double cable_level_factor(const plan::SourcePort& port, const plan::AmpInput& input) {
  return port.balanced && !input.balanced ? 0.5 : 1.0;
}

double cable_source_impedance_ohm(const plan::SourcePort& port, const plan::AmpInput& input) {
  return cable_level_factor(port, input) * port.output_impedance_ohm;
}

double input_loading(const plan::SourcePort& port, const plan::AmpInput& input, int parallel_inputs) {
  const double z_in_ohm = input.input_impedance_ohm / std::max(1, parallel_inputs);
  return z_in_ohm / (z_in_ohm + cable_source_impedance_ohm(port, input));
}

CableChannel::CableChannel(const plan::ChannelWiring& wiring, const plan::SourcePort& port,
                           const plan::AmpInput& input, int parallel_inputs) {
  if (wiring.source_channel < -1 || wiring.source_channel >= port.channels)
    throw ConfigError("wiring names source channel " + std::to_string(wiring.source_channel) + " but port '" +
                      port.name + "' has " + std::to_string(port.channels) + " channels (use -1 for none)");
  if (!(input.input_impedance_ohm > 0))
    throw ConfigError("amplifier input '" + input.name + "': input_impedance_ohm must be > 0");
  if (!(port.output_impedance_ohm >= 0))
    throw ConfigError("source port '" + port.name + "': output_impedance_ohm must be >= 0");
  if (wiring.source_channel < 0 || wiring.shorted) return;
  source_channel_ = wiring.source_channel;
  gain_ = (wiring.inverted ? -1.0 : 1.0) * cable_level_factor(port, input) *
          input_loading(port, input, parallel_inputs);
}

void CableChannel::process(std::span<const double* const> sources, const double* hum, double* v_in,
                           std::size_t n) const noexcept {
  if (source_channel_ >= 0 && static_cast<std::size_t>(source_channel_) < sources.size()) {
    const double* v = sources[static_cast<std::size_t>(source_channel_)];
    for (std::size_t i = 0; i < n; ++i) v_in[i] = gain_ * v[i];
  } else {
    for (std::size_t i = 0; i < n; ++i) v_in[i] = 0.0;
  }
  if (hum != nullptr)
    for (std::size_t i = 0; i < n; ++i) v_in[i] += hum[i];
}

HumGenerator::HumGenerator(double level_dbv, double mains_hz, double sample_rate_hz) {
  const double peak_v = std::sqrt(2.0) * std::pow(10.0, level_dbv / 20.0);
  const double relative_db[3] = {0, -6, -10};
  const double phase_rad[3] = {0, 0.7, 1.9};
  for (int h = 0; h < 3; ++h) {
    amplitude_[h] = peak_v * std::pow(10.0, relative_db[h] / 20.0);
    phase_re_[h] = std::cos(phase_rad[h]);
    phase_im_[h] = std::sin(phase_rad[h]);
  }
  const double w = 2.0 * dsp::kPi * mains_hz / sample_rate_hz;
  step_re_ = std::cos(w);
  step_im_ = std::sin(w);
}

void HumGenerator::reset() noexcept {
  z_re_ = 1;
  z_im_ = 0;
}

void HumGenerator::process(double* hum, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    // z, z^2, z^3 times each harmonic's phase; the imaginary part is the sine.
    const double z2_re = z_re_ * z_re_ - z_im_ * z_im_;
    const double z2_im = 2.0 * z_re_ * z_im_;
    const double z3_re = z2_re * z_re_ - z2_im * z_im_;
    const double z3_im = z2_re * z_im_ + z2_im * z_re_;
    hum[i] = amplitude_[0] * (z_re_ * phase_im_[0] + z_im_ * phase_re_[0]) +
             amplitude_[1] * (z2_re * phase_im_[1] + z2_im * phase_re_[1]) +
             amplitude_[2] * (z3_re * phase_im_[2] + z3_im * phase_re_[2]);
    const double re = z_re_ * step_re_ - z_im_ * step_im_;
    const double im = z_re_ * step_im_ + z_im_ * step_re_;
    // First-order renormalisation keeps |z| = 1 to rounding over any run length.
    const double g = 1.5 - 0.5 * (re * re + im * im);
    z_re_ = re * g;
    z_im_ = im * g;
  }
}

}  // namespace bench::sim
