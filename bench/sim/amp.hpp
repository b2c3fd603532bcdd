#pragma once

// The headphone amplifier: voltage gain, 2nd-order Butterworth band limits, static nonlinearity, soft
// clipping against the rails, output noise. Its output impedance lives in load.hpp.

#include <complex>
#include <cstddef>
#include <cstdint>

#include "bench/dsp/biquad.hpp"
#include "bench/plan/model.hpp"
#include "bench/sim/noise.hpp"

namespace bench::sim {

/// A biquad with its state, one sample at a time (transposed direct form II, as dsp::Biquad::filter).
struct BiquadState {
  dsp::Biquad coefficients;  ///< identity by default
  double s1 = 0;             ///< state
  double s2 = 0;             ///< state

  /// Filters one sample. [audio thread, real-time safe]
  [[nodiscard]] double step(double x) noexcept {
    const double y = coefficients.b0 * x + s1;
    s1 = coefficients.b1 * x - coefficients.a1 * y + s2;
    s2 = coefficients.b2 * x - coefficients.a2 * y;
    return y;
  }
};

/// Fraction of the rail up to which the amplifier's output stage is linear.
inline constexpr double kClipKnee = 0.9;

/// The output stage's transfer on u = v / rail: linear up to the knee, then a tanh-shaped approach to
/// the rail (slope 1 at the knee, never beyond +-1). A real amplifier is clean until near its rails; a
/// plain tanh would already give 1 % third harmonic at a third of the rail. [any thread]
[[nodiscard]] double soft_clip(double u) noexcept;

/// One channel of the amplifier, input volts to open-circuit output volts:
/// v1 = 10^(gain_db/20) v; v2 = LP(HP(v1)) (Butterworth, q = 1/sqrt(2), RBJ cookbook);
/// v_out = rail * soft_clip(p(v2 / rail)) + noise, p being the distortion polynomial normalised to the rail.
/// A high-pass corner of 0 and a low-pass corner at or above fs/2 (not realisable digitally) leave that
/// filter out.
class AmpChannel {
 public:
  /// [main thread] Throws bench::ConfigError for a rail that is not positive, a negative or too high
  /// high-pass corner, or a low-pass corner that is not positive.
  AmpChannel(const plan::AmpProfile& amp, double sample_rate_hz, std::uint64_t seed);

  /// Small-signal transfer at frequency_hz: gain and both filters (exact response of the digital filters).
  /// [any thread]
  [[nodiscard]] std::complex<double> response(double frequency_hz) const;
  /// Output volts from input volts, in place, n samples. [audio thread, real-time safe]
  void process(double* v, std::size_t n) noexcept;
  /// Clears the filters and restarts the noise. [any thread, not concurrently with process()]
  void reset() noexcept;

 private:
  double sample_rate_hz_ = 0;
  double gain_ = 1;
  double rail_vpeak_ = 1;
  bool highpass_on_ = false;
  bool lowpass_on_ = false;
  BiquadState highpass_;
  BiquadState lowpass_;
  Polynomial distortion_;
  GaussianNoise noise_;
};

}  // namespace bench::sim
