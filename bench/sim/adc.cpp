#include "bench/sim/adc.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "bench/core/error.hpp"
#include "bench/dsp/types.hpp"

namespace bench::sim {

ClockResampler::ClockResampler(double offset_ppm, std::size_t channels, std::size_t slip_samples)
    : offset_ppm_(offset_ppm), channels_(channels), slip_samples_(static_cast<double>(slip_samples)) {
  if (!(std::abs(offset_ppm) < 1e5))
    throw ConfigError("ADC clock_offset_ppm must be within +-1e5, got " + std::to_string(offset_ppm));
  if (slip_samples < 1) throw ConfigError("clock slip must be at least 1 sample");
  if (!active()) return;
  capacity_ = 1;
  while (capacity_ < 2 * kHalfTaps + slip_samples + 4) capacity_ *= 2;
  mask_ = capacity_ - 1;
  history_.assign(channels_ * 2 * capacity_, 0.0);
  // Kernel rows for frac = p / kPhases, p = 0..kPhases: sinc(u) * Blackman(u / L) at u = k - frac, each
  // row normalised to unit DC gain.
  table_.assign(static_cast<std::size_t>((kPhases + 1) * kTaps), 0.0);
  for (int p = 0; p <= kPhases; ++p) {
    const double frac = static_cast<double>(p) / kPhases;
    double* row = table_.data() + static_cast<std::size_t>(p * kTaps);
    double sum = 0;
    for (int j = 0; j < kTaps; ++j) {
      const double u = static_cast<double>(j + 1 - kHalfTaps) - frac;
      const double x = dsp::kPi * u;
      const double sinc = u == 0 ? 1.0 : std::sin(x) / x;
      const double window = 0.42 + 0.5 * std::cos(x / kHalfTaps) + 0.08 * std::cos(2 * x / kHalfTaps);
      row[j] = sinc * std::max(window, 0.0);
      sum += row[j];
    }
    for (int j = 0; j < kTaps; ++j) row[j] /= sum;
  }
}

double ClockResampler::latency_samples() const noexcept {
  if (!active()) return 0;
  return offset_ppm_ > 0 ? kHalfTaps + slip_samples_ : kHalfTaps;
}

void ClockResampler::reset() noexcept {
  std::fill(history_.begin(), history_.end(), 0.0);
  count_ = 0;
}

void ClockResampler::process(std::span<double* const> channels, std::size_t n) noexcept {
  if (!active()) return;
  const std::size_t used = std::min(channels.size(), channels_);
  const double rate = std::abs(offset_ppm_) * 1e-6;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t now = count_++;
    // Every sample is stored twice, capacity_ apart, so any window of the last capacity_ samples is
    // contiguous.
    const std::size_t slot = static_cast<std::size_t>(now) & mask_;
    for (std::size_t c = 0; c < used; ++c) {
      double* ring = history_.data() + c * 2 * capacity_;
      ring[slot] = ring[slot + capacity_] = channels[c][i];
    }
    // Drift so far, wrapped into [0, slip); computed from the sample count alone so that block sizes
    // cannot change it.
    const double drift = rate * static_cast<double>(now);
    const double wrapped = drift - slip_samples_ * std::floor(drift / slip_samples_);
    std::int64_t whole = 0;  // floor of the sampling time
    double frac = 0;         // its fractional part, [0, 1)
    if (offset_ppm_ > 0) {
      const double w = std::floor(wrapped);
      whole = now - kHalfTaps - static_cast<std::int64_t>(slip_samples_) + static_cast<std::int64_t>(w);
      frac = wrapped - w;
    } else {
      const double w = std::ceil(wrapped);
      whole = now - kHalfTaps - static_cast<std::int64_t>(w);
      frac = w - wrapped;
    }
    if (frac == 0) {
      for (std::size_t c = 0; c < used; ++c)
        channels[c][i] = history_[c * 2 * capacity_ + (static_cast<std::size_t>(whole) & mask_)];
      continue;
    }
    // Kernel at frac: linear interpolation between the two nearest of kPhases + 1 precomputed rows
    // (error below 1e-7 of full scale; the rows stay in cache because frac drifts by only ppm*1e-6 per
    // sample).
    const double position = frac * kPhases;
    const double row_index = std::floor(position);
    const double weight = position - row_index;
    const auto row = static_cast<std::size_t>(row_index) * kTaps;
    const Eigen::Map<const Taps> lower(table_.data() + row);
    const Eigen::Map<const Taps> upper(table_.data() + row + kTaps);
    const Taps kernel = lower + weight * (upper - lower);
    const std::size_t first = static_cast<std::size_t>(whole + 1 - kHalfTaps) & mask_;
    for (std::size_t c = 0; c < used; ++c) {
      const Eigen::Map<const Taps> window_samples(history_.data() + c * 2 * capacity_ + first);
      channels[c][i] = (kernel * window_samples).sum();
    }
  }
}

Adc::Adc(const plan::AdcProfile& adc, std::size_t channels, double sample_rate_hz, std::uint64_t seed,
         std::size_t slip_samples)
    : fullscale_vpeak_(adc.fullscale_vrms * std::sqrt(2.0)),
      codes_(adc.resolution_bits > 0 ? std::ldexp(1.0, adc.resolution_bits - 1) : 0.0),
      distortion_(Polynomial::from(adc.distortion)),
      clock_(adc.clock_offset_ppm, channels, slip_samples) {
  if (adc.resolution_bits != 0 && (adc.resolution_bits < 16 || adc.resolution_bits > 32))
    throw ConfigError("ADC '" + adc.id + "': resolution_bits must be 0 (not quantised) or 16 to 32, got " +
                      std::to_string(adc.resolution_bits));
  if (!(adc.fullscale_vrms > 0) || !std::isfinite(adc.fullscale_vrms))
    throw ConfigError("ADC '" + adc.id + "': fullscale_vrms must be > 0, got " +
                      std::to_string(adc.fullscale_vrms));
  // AES17: 0 dBFS is a sine of mean square 1/2, so the band power is 10^(dBFS/10) / 2.
  const double sigma = adc.noise_dbfs > kOffLevelDb
                           ? white_noise_sigma(std::pow(10.0, adc.noise_dbfs / 10.0) / 2.0, sample_rate_hz)
                           : 0.0;
  noise_.reserve(channels);
  for (std::size_t c = 0; c < channels; ++c)
    noise_.emplace_back(sigma, stream_seed(seed, kAdcNoiseStage, static_cast<int>(c)));
}

void Adc::process(std::span<double* const> channels, std::size_t n) noexcept {
  const std::size_t used = std::min(channels.size(), noise_.size());
  const double scale = 1.0 / fullscale_vpeak_;
  for (std::size_t c = 0; c < used; ++c)
    for (std::size_t i = 0; i < n; ++i) channels[c][i] *= scale;
  clock_.process(channels.first(used), n);
  for (std::size_t c = 0; c < used; ++c) {
    double* x = channels[c];
    if (!distortion_.is_linear())
      for (std::size_t i = 0; i < n; ++i) x[i] = distortion_.apply(x[i]);
    GaussianNoise& noise = noise_[c];
    if (noise.enabled())
      for (std::size_t i = 0; i < n; ++i) x[i] += noise.next();
    for (std::size_t i = 0; i < n; ++i) x[i] = std::clamp(x[i], -1.0, 1.0);
    if (codes_ > 0)
      for (std::size_t i = 0; i < n; ++i) x[i] = std::min(std::nearbyint(x[i] * codes_), codes_ - 1) / codes_;
  }
}

void Adc::reset() noexcept {
  for (GaussianNoise& noise : noise_) noise.reset();
  clock_.reset();
}

}  // namespace bench::sim
