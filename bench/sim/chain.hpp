#pragma once

// The whole simulated signal path of one cable configuration: interface output port -> cable -> amplifier
// input -> amplifier -> load -> reference ADC. Used by the in-process Sim endpoint and by the JACK DUT
// simulator, so process() is real-time safe.

#include <complex>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench/dsp/types.hpp"
#include "bench/plan/model.hpp"
#include "bench/sim/adc.hpp"
#include "bench/sim/amp.hpp"
#include "bench/sim/cable.hpp"
#include "bench/sim/load.hpp"
#include "bench/sim/source.hpp"

namespace bench::sim {

/// Everything the chain model needs: the gear's profiles, the cable configuration and the load.
struct ChainConfig {
  plan::SourcePort source;   ///< the interface port that plays (its channels are the input columns)
  plan::AmpInput amp_input;  ///< the amplifier input the cable plugs into
  plan::AmpProfile amp;      ///< the amplifier (gain, corners, output impedance, rail, noise, distortion)
  plan::AdcProfile adc;      ///< the reference ADC (full scale, input impedance, noise, clock offset)
  plan::Fixture fixture;     ///< wiring (one entry per destination channel; empty: straight through),
                             ///< source_gain_db, hum (reaches every destination channel)
  plan::Load load;           ///< what the amplifier drives (in parallel with the ADC input)
  double sample_rate_hz = 48000;
  std::uint64_t seed = 1;                 ///< noise seed: the same seed gives the same output bit for bit
  std::size_t clock_slip_samples = 1024;  ///< drift wrap of a non-zero ADC clock offset (see ClockResampler)
  /// The source port's output straight into the load and the ADC (no cable, amplifier or hum): how the
  /// port's own output impedance is measured. Destination channel d is port channel d; the load model
  /// uses the port's output_impedance_ohm in place of the amplifier's.
  bool source_direct = false;
};

/// The chain for two destination channels (left, right): per channel d with wiring w = fixture.wiring[d],
/// SourceChannel -> CableChannel (+ hum) -> AmpChannel -> LoadFilter -> Adc. Processing a signal in blocks
/// of any size gives bit-identical output to processing it whole.
class Chain {
 public:
  /// Destination (amplifier and ADC) channels.
  static constexpr int kChannels = 2;
  /// Largest number of source port channels.
  static constexpr int kMaxSourceChannels = 8;

  /// Builds every stage and allocates all buffers. [main thread] Throws bench::ConfigError naming the
  /// offending value (sample rate, full scales, impedances, wiring, corners, load).
  explicit Chain(const ChainConfig& config);

  /// Runs the chain on in (frames x source channels, full-scale units) into out (frames x ADC channels,
  /// full-scale units). Frames: min(in.rows(), out.rows()); a missing input column plays silence; output
  /// columns beyond kChannels are zeroed. in and out may alias. [audio thread, real-time safe: no
  /// allocation, locks, I/O or exceptions]
  void process(const Eigen::Ref<const dsp::Frames>& in, Eigen::Ref<dsp::Frames> out) noexcept;

  /// Back to the state after construction (filters, FIR, clock, hum phase and noise streams).
  /// [any thread, not concurrently with process()]
  void reset() noexcept;

  /// Number of source channels the input should have (the port's channels). [any thread]
  [[nodiscard]] int source_channels() const noexcept { return static_cast<int>(sources_.size()); }

  /// Small-signal transfer at frequency_hz from the source port's full-scale volts (x * fullscale_vrms *
  /// sqrt(2), before volume and gain settings) to v_load of destination channel 0 or 1: volume and
  /// source gain, cable (sign, balanced into unbalanced), input loading, amplifier gain and filters, and
  /// the ideal Zl/(Zl+Zout) of the load (which the FIR approximates). Excludes noise, hum, distortion
  /// and clipping. 0 for a channel that receives nothing. [any thread]
  [[nodiscard]] std::complex<double> expected_response(double frequency_hz, int channel) const;
  /// 20*log10 |expected_response|, dB (-inf for a channel that receives nothing). [any thread]
  [[nodiscard]] double expected_gain_db(double frequency_hz, int channel) const;
  /// Expected capture level change, dBFS out re dBFS in: expected_gain_db plus the ratio of the port's to
  /// the ADC's full scale. [any thread]
  [[nodiscard]] double expected_capture_gain_db(double frequency_hz, int channel) const;
  /// Source channel that feeds destination channel (-1: none), after the wiring. [any thread]
  [[nodiscard]] int source_of(int channel) const;
  /// Delay of the ADC's clock resampling at sample 0, samples (0 when the clock offset is 0). [any thread]
  [[nodiscard]] double clock_latency_samples() const noexcept { return adc_.clock().latency_samples(); }
  /// The configuration the chain was built from. [any thread]
  [[nodiscard]] const ChainConfig& config() const noexcept { return config_; }
  /// The load model (impedances, ideal response, FIR taps). [any thread]
  [[nodiscard]] const LoadModel& load() const noexcept { return load_model_; }

 private:
  static constexpr std::size_t kBlock = 256;  // internal processing block, frames

  ChainConfig config_;
  std::vector<SourceChannel> sources_;
  std::vector<CableChannel> cables_;
  std::vector<AmpChannel> amps_;
  LoadModel load_model_;
  std::vector<LoadFilter> loads_;
  Adc adc_;
  bool hum_on_ = false;
  HumGenerator hum_;
  std::vector<double> scratch_;  // (source channels + kChannels + 2) x kBlock
};

}  // namespace bench::sim
