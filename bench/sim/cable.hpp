#pragma once

// The cable between the source port and the amplifier input: which source channel reaches which input,
// inverted, shorted or missing; balanced into unbalanced; the input's loading of the source; ground-loop hum.

#include <cstddef>
#include <span>

#include "bench/plan/model.hpp"

namespace bench::sim {

/// Open-circuit voltage arriving at the input re the port's, by the cable alone: 0.5 (-6.02 dB) for a
/// balanced port into an unbalanced input (the cold leg is grounded), else 1. [any thread]
[[nodiscard]] double cable_level_factor(const plan::SourcePort& port, const plan::AmpInput& input);

/// Source impedance the input sees, ohms: half the port's for a balanced port into an unbalanced input
/// (only the hot leg drives it), else the port's. [any thread]
[[nodiscard]] double cable_source_impedance_ohm(const plan::SourcePort& port, const plan::AmpInput& input);

/// Loading of the source by the input, v_in / v_open = Zin / (Zin + Zsource) (real impedances); with
/// parallel_inputs inputs on one source channel (a Y-cable splitting one output), Zin / n. [any thread]
[[nodiscard]] double input_loading(const plan::SourcePort& port, const plan::AmpInput& input,
                                   int parallel_inputs = 1);

/// One destination channel of the cable: v_in = gain() * v_source[source_channel()] (+ hum).
class CableChannel {
 public:
  /// [main thread] Throws bench::ConfigError if the wiring names a channel the port does not have or the
  /// input impedance is not positive.
  /// parallel_inputs: how many amplifier inputs the wiring puts on this channel's source channel.
  CableChannel(const plan::ChannelWiring& wiring, const plan::SourcePort& port, const plan::AmpInput& input,
               int parallel_inputs = 1);

  /// Source channel whose signal arrives, or -1 if none does (unconnected or shorted to ground). [any thread]
  [[nodiscard]] int source_channel() const noexcept { return source_channel_; }
  /// Signed small-signal transfer from the port's open-circuit voltage to the amplifier input (0 if none).
  /// [any thread]
  [[nodiscard]] double gain() const noexcept { return gain_; }

  /// v_in for n samples from the port's channels (open-circuit volts); hum (n samples, may be nullptr) is
  /// added at the input. [audio thread, real-time safe]
  void process(std::span<const double* const> sources, const double* hum, double* v_in,
               std::size_t n) const noexcept;

 private:
  int source_channel_ = -1;
  double gain_ = 0;
};

/// Ground-loop hum at the amplifier inputs: mains at level_dbv (Vrms) plus its 2nd and 3rd harmonics
/// 6 dB and 10 dB lower, with fixed phases (0, 0.7 and 1.9 rad at sample 0).
class HumGenerator {
 public:
  /// [main thread]
  HumGenerator(double level_dbv, double mains_hz, double sample_rate_hz);
  /// Writes the next n samples of hum, volts. [audio thread, real-time safe]
  void process(double* hum, std::size_t n) noexcept;
  /// Back to sample 0. [any thread, not concurrently with process()]
  void reset() noexcept;

 private:
  double amplitude_[3] = {0, 0, 0};  // peak volts of harmonics 1..3
  double phase_re_[3] = {1, 1, 1};
  double phase_im_[3] = {0, 0, 0};
  double step_re_ = 1, step_im_ = 0;  // exp(j 2 pi mains / fs)
  double z_re_ = 1, z_im_ = 0;        // exp(j 2 pi mains n / fs), renormalised every sample
};

}  // namespace bench::sim
