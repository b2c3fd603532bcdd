#include "bench/sim/amp.hpp"

#include <cmath>
#include <numbers>
#include <string>

#include "bench/core/error.hpp"

namespace bench::sim {

double soft_clip(double u) noexcept {
  const double a = std::abs(u);
  if (a <= kClipKnee) return u;
  const double bent = kClipKnee + (1.0 - kClipKnee) * std::tanh((a - kClipKnee) / (1.0 - kClipKnee));
  return u < 0 ? -bent : bent;
}

AmpChannel::AmpChannel(const plan::AmpProfile& amp, double sample_rate_hz, std::uint64_t seed)
    : sample_rate_hz_(sample_rate_hz),
      gain_(std::pow(10.0, amp.gain_db / 20.0)),
      rail_vpeak_(amp.rail_vpeak),
      distortion_(Polynomial::from(amp.distortion)),
      noise_(amp.noise_dbv > kOffLevelDb
                 ? white_noise_sigma(std::pow(10.0, amp.noise_dbv / 10.0), sample_rate_hz)
                 : 0.0,
             seed) {
  const std::string what = "amplifier '" + amp.id + "': ";
  if (!(amp.rail_vpeak > 0) || !std::isfinite(amp.rail_vpeak))
    throw ConfigError(what + "rail_vpeak must be > 0");
  if (!std::isfinite(gain_)) throw ConfigError(what + "gain_db must be finite");
  if (!(amp.highpass_hz >= 0) || !(amp.highpass_hz < sample_rate_hz / 2))
    throw ConfigError(what + "highpass_hz must be >= 0 and below half the sample rate, got " +
                      std::to_string(amp.highpass_hz));
  if (!(amp.lowpass_hz > 0))
    throw ConfigError(what + "lowpass_hz must be > 0, got " + std::to_string(amp.lowpass_hz));
  const double q = 1.0 / std::numbers::sqrt2;
  highpass_on_ = amp.highpass_hz > 0;
  if (highpass_on_) highpass_.coefficients = dsp::Biquad::high_pass(sample_rate_hz, amp.highpass_hz, q);
  lowpass_on_ = amp.lowpass_hz < sample_rate_hz / 2;
  if (lowpass_on_) lowpass_.coefficients = dsp::Biquad::low_pass(sample_rate_hz, amp.lowpass_hz, q);
}

std::complex<double> AmpChannel::response(double frequency_hz) const {
  std::complex<double> h = gain_;
  if (highpass_on_) h *= highpass_.coefficients.response(sample_rate_hz_, frequency_hz);
  if (lowpass_on_) h *= lowpass_.coefficients.response(sample_rate_hz_, frequency_hz);
  return h;
}

void AmpChannel::process(double* v, std::size_t n) noexcept {
  const double inv_rail = 1.0 / rail_vpeak_;
  for (std::size_t i = 0; i < n; ++i) {
    double x = gain_ * v[i];
    if (highpass_on_) x = highpass_.step(x);
    if (lowpass_on_) x = lowpass_.step(x);
    double u = x * inv_rail;
    if (!distortion_.is_linear()) u = distortion_.apply(u);
    v[i] = rail_vpeak_ * soft_clip(u);
  }
  if (noise_.enabled())
    for (std::size_t i = 0; i < n; ++i) v[i] += noise_.next();
}

void AmpChannel::reset() noexcept {
  highpass_.s1 = highpass_.s2 = 0;
  lowpass_.s1 = lowpass_.s2 = 0;
  noise_.reset();
}

}  // namespace bench::sim
