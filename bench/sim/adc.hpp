#pragma once

// The reference ADC: full scale, sample clock offset, nonlinearity, noise and hard clipping.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bench/dsp/types.hpp"
#include "bench/plan/model.hpp"
#include "bench/sim/noise.hpp"

namespace bench::sim {

/// Samples its input at the ADC's own clock, times t(n) = n*(1 + ppm*1e-6) - latency in input samples,
/// by band-limited interpolation (Blackman-windowed sinc of 2*kHalfTaps taps, normalised to unit DC gain,
/// tabulated at kPhases fractional positions and interpolated linearly between them).
/// Streaming needs bounded memory and no look-ahead, so the accumulated drift wraps every slip_samples:
/// like a FIFO slip in a real asynchronous link, the output then jumps by slip_samples (once every
/// slip_samples / (|ppm|*1e-6) samples: 1024 samples at 100 ppm slip every 10.24 M samples, 213 s at
/// 48 kHz). The latency is kHalfTaps + slip_samples at sample 0 for a positive offset (the ADC falls
/// behind as it runs slow, down to kHalfTaps before the slip), kHalfTaps for a negative one (growing to
/// kHalfTaps + slip_samples). An offset of 0 is no resampler at all: samples pass through bit for bit.
/// All channels share the clock.
class ClockResampler {
 public:
  /// Half the interpolation kernel's length, samples.
  static constexpr int kHalfTaps = 32;
  /// Fractional positions of the tabulated kernel.
  static constexpr int kPhases = 2048;

  /// [main thread] Throws bench::ConfigError for |offset_ppm| >= 1e5 or slip_samples < 1.
  ClockResampler(double offset_ppm, std::size_t channels, std::size_t slip_samples);

  /// False for an offset of 0 (process() then does nothing). [any thread]
  [[nodiscard]] bool active() const noexcept { return offset_ppm_ != 0; }
  /// Delay at sample 0, input samples (0 when inactive). [any thread]
  [[nodiscard]] double latency_samples() const noexcept;
  /// Resamples n samples of every channel in place. [audio thread, real-time safe]
  void process(std::span<double* const> channels, std::size_t n) noexcept;
  /// Back to sample 0 with empty history. [any thread, not concurrently with process()]
  void reset() noexcept;

 private:
  static constexpr int kTaps = 2 * kHalfTaps;
  using Taps = Eigen::Array<double, kTaps, 1>;

  double offset_ppm_ = 0;
  std::size_t channels_ = 0;
  double slip_samples_ = 0;
  std::size_t capacity_ = 0;  // power of two
  std::size_t mask_ = 0;
  std::vector<double> history_;  // channels_ x 2*capacity_: rings of input samples, each written twice
  std::int64_t count_ = 0;       // input samples seen
  std::vector<double> table_;    // (kPhases + 1) x kTaps kernel rows
};

/// The ADC for all its channels: x = v / (fullscale_vrms*sqrt(2)), sampled at the ADC's clock
/// (ClockResampler), distortion polynomial, white noise of 10^(noise_dbfs/10)/2 FS^2 between 20 Hz and
/// 20 kHz (AES17), then hard clipping to [-1, 1] and, with resolution_bits = b, rounding to the nearest
/// of the codes -2^(b-1) .. 2^(b-1) - 1 over 2^(b-1) (+1 becomes the largest code). Resampling comes
/// first because the clock samples the analogue input; noise, clipping and the word length belong to the
/// converter.
class Adc {
 public:
  /// seed: the chain's seed; channel c draws from stream_seed(seed, kAdcNoiseStage, c). [main thread]
  /// Throws bench::ConfigError for a full scale that is not positive or a bad clock offset.
  Adc(const plan::AdcProfile& adc, std::size_t channels, double sample_rate_hz, std::uint64_t seed,
      std::size_t slip_samples);

  /// Peak volts of a 0 dBFS sine. [any thread]
  [[nodiscard]] double fullscale_vpeak() const noexcept { return fullscale_vpeak_; }
  /// The sample clock. [any thread]
  [[nodiscard]] const ClockResampler& clock() const noexcept { return clock_; }
  /// Converts n samples of every channel in place: volts at the ADC input in, full-scale units out.
  /// channels.size() must not exceed the channel count given to the constructor (extra ones are left
  /// unchanged). [audio thread, real-time safe]
  void process(std::span<double* const> channels, std::size_t n) noexcept;
  /// Restarts noise streams and clock. [any thread, not concurrently with process()]
  void reset() noexcept;

 private:
  double fullscale_vpeak_ = 1;
  double codes_ = 0;  // 2^(resolution_bits - 1), or 0 for an unquantised output
  Polynomial distortion_;
  std::vector<GaussianNoise> noise_;
  ClockResampler clock_;
};

}  // namespace bench::sim
