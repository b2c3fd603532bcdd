#include "bench/dsp/biquad.hpp"

namespace bench::dsp {
namespace {

Biquad normalised(double b0, double b1, double b2, double a0, double a1, double a2) {
  return Biquad{b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
}

}  // namespace

Biquad Biquad::peaking(double sample_rate_hz, double centre_hz, double q, double gain_db) {
  const double a = std::pow(10.0, gain_db / 40.0);
  const double w0 = 2.0 * kPi * centre_hz / sample_rate_hz;
  const double alpha = std::sin(w0) / (2.0 * q);
  const double c = std::cos(w0);
  return normalised(1 + alpha * a, -2 * c, 1 - alpha * a, 1 + alpha / a, -2 * c, 1 - alpha / a);
}

Biquad Biquad::band_pass(double sample_rate_hz, double centre_hz, double q) {
  const double w0 = 2.0 * kPi * centre_hz / sample_rate_hz;
  const double alpha = std::sin(w0) / (2.0 * q);
  const double c = std::cos(w0);
  return normalised(alpha, 0, -alpha, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad Biquad::low_pass(double sample_rate_hz, double corner_hz, double q) {
  const double w0 = 2.0 * kPi * corner_hz / sample_rate_hz;
  const double alpha = std::sin(w0) / (2.0 * q);
  const double c = std::cos(w0);
  return normalised((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad Biquad::high_pass(double sample_rate_hz, double corner_hz, double q) {
  const double w0 = 2.0 * kPi * corner_hz / sample_rate_hz;
  const double alpha = std::sin(w0) / (2.0 * q);
  const double c = std::cos(w0);
  return normalised((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

std::complex<double> Biquad::response(double sample_rate_hz, double frequency_hz) const {
  const std::complex<double> z1 = std::polar(1.0, -2.0 * kPi * frequency_hz / sample_rate_hz);
  const std::complex<double> z2 = z1 * z1;
  return (b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2);
}

Signal Biquad::filter(const Eigen::Ref<const Signal>& x) const {
  Signal y(x.size());
  double s1 = 0, s2 = 0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    const double in = x[i];
    const double out = b0 * in + s1;
    s1 = b1 * in - a1 * out + s2;
    s2 = b2 * in - a2 * out;
    y[i] = out;
  }
  return y;
}

}  // namespace bench::dsp
