#pragma once

// The audio interface's output port: DAC, output gain stage and output noise, as open-circuit volts.

#include <cstddef>
#include <cstdint>

#include "bench/plan/model.hpp"
#include "bench/sim/noise.hpp"

namespace bench::sim {

/// One channel of a source port. v = p(x) * fullscale_vrms * sqrt(2) * 10^((volume_db + source_gain_db)/20)
/// + noise, with x in full-scale units (a 0 dBFS sine has peaks +-1), p the port's distortion polynomial,
/// and white noise whose 20 Hz to 20 kHz power is 10^(noise_dbv/10) V^2.
class SourceChannel {
 public:
  /// source_gain_db: the fixture's interface gain setting. [main thread] Throws bench::ConfigError for a
  /// full scale that is not positive.
  SourceChannel(const plan::SourcePort& port, double source_gain_db, double sample_rate_hz,
                std::uint64_t seed);

  /// Open-circuit peak volts for x = 1 (small signal, noise excluded). [any thread]
  [[nodiscard]] double volts_per_full_scale() const noexcept { return volts_per_full_scale_; }
  /// Open-circuit volts v from n samples x. [audio thread, real-time safe]
  void process(const double* x, double* v, std::size_t n) noexcept;
  /// Restarts the noise stream. [any thread, not concurrently with process()]
  void reset() noexcept { noise_.reset(); }

 private:
  double volts_per_full_scale_ = 0;
  Polynomial distortion_;
  GaussianNoise noise_;
};

}  // namespace bench::sim
