#include "bench/sim/source.hpp"

#include <cmath>
#include <string>

#include "bench/core/error.hpp"

namespace bench::sim {

SourceChannel::SourceChannel(const plan::SourcePort& port, double source_gain_db, double sample_rate_hz,
                             std::uint64_t seed)
    : volts_per_full_scale_(port.fullscale_vrms * std::sqrt(2.0) *
                            std::pow(10.0, (port.volume_db + source_gain_db) / 20.0)),
      distortion_(Polynomial::from(port.distortion)),
      noise_(port.noise_dbv > kOffLevelDb
                 ? white_noise_sigma(std::pow(10.0, port.noise_dbv / 10.0), sample_rate_hz)
                 : 0.0,
             seed) {
  if (!(port.fullscale_vrms > 0) || !std::isfinite(volts_per_full_scale_))
    throw ConfigError("source port '" + port.name + "': fullscale_vrms must be > 0, got " +
                      std::to_string(port.fullscale_vrms));
}

void SourceChannel::process(const double* x, double* v, std::size_t n) noexcept {
  const double k = volts_per_full_scale_;
  if (distortion_.is_linear()) {
    for (std::size_t i = 0; i < n; ++i) v[i] = k * x[i];
  } else {
    for (std::size_t i = 0; i < n; ++i) v[i] = k * distortion_.apply(x[i]);
  }
  if (noise_.enabled())
    for (std::size_t i = 0; i < n; ++i) v[i] += noise_.next();
}

}  // namespace bench::sim
