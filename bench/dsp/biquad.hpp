#pragma once

#include <complex>

#include "bench/dsp/types.hpp"

namespace bench::dsp {

/// Second-order IIR section, H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2).
struct Biquad {
  double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;

  /// RBJ cookbook peaking equaliser: gain_db at centre_hz with quality factor q.
  [[nodiscard]] static Biquad peaking(double sample_rate_hz, double centre_hz, double q, double gain_db);
  /// RBJ cookbook band-pass with 0 dB peak gain at centre_hz.
  [[nodiscard]] static Biquad band_pass(double sample_rate_hz, double centre_hz, double q);
  /// RBJ cookbook low-pass and high-pass (q = 1/sqrt(2) for Butterworth).
  [[nodiscard]] static Biquad low_pass(double sample_rate_hz, double corner_hz, double q);
  [[nodiscard]] static Biquad high_pass(double sample_rate_hz, double corner_hz, double q);

  /// Exact response at frequency_hz, evaluated from the coefficients on the unit circle.
  [[nodiscard]] std::complex<double> response(double sample_rate_hz, double frequency_hz) const;

  /// Filters x (transposed direct form II, zero initial state).
  [[nodiscard]] Signal filter(const Eigen::Ref<const Signal>& x) const;
};

}  // namespace bench::dsp
