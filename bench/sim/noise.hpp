#pragma once

// Building blocks shared by every stage of the physical model: the "off" convention, white Gaussian
// noise with its level given in the audio band, and the static polynomial nonlinearity.

#include <cstdint>
#include <random>

#include "bench/plan/model.hpp"

namespace bench::sim {

/// Levels (noise in dBV or dBFS, harmonic levels in dB) at or below this value switch the effect off
/// entirely, so tests can run a noiseless, perfectly linear chain (-400 is the usual spelling).
inline constexpr double kOffLevelDb = -300;

/// Stage numbers for stream_seed(): every stage and channel draws from its own stream.
inline constexpr int kSourceNoiseStage = 1;
inline constexpr int kAmpNoiseStage = 2;
inline constexpr int kAdcNoiseStage = 3;

/// Lower and upper edge of the band in which noise levels are specified (AES17 unweighted), Hz.
inline constexpr double kNoiseBandLowHz = 20;
inline constexpr double kNoiseBandHighHz = 20000;

/// Standard deviation of white noise whose power between 20 Hz and 20 kHz is band_power (units^2):
/// sigma^2 = band_power * (fs/2) / (20000 - 20). If fs/2 is below 20 kHz the band ends at fs/2.
/// [any thread]
[[nodiscard]] double white_noise_sigma(double band_power, double sample_rate_hz);

/// Seed of the independent noise stream of one stage and channel, derived from the chain's seed by
/// SplitMix64 mixing (so neighbouring seeds give unrelated streams). [any thread]
[[nodiscard]] std::uint64_t stream_seed(std::uint64_t chain_seed, int stage, int channel);

/// White Gaussian noise from its own std::mt19937_64; the same seed gives the same samples bit for bit.
/// The normal deviates come from Marsaglia's polar method on 53-bit uniforms taken from the engine,
/// written out here rather than std::normal_distribution, whose algorithm differs between standard
/// libraries (and which is slower). A sigma of 0 makes next() return exactly 0 without drawing.
class GaussianNoise {
 public:
  /// sigma in the caller's units; seed from stream_seed(). [any thread]
  GaussianNoise(double sigma, std::uint64_t seed);

  /// True when sigma > 0. [any thread, real-time safe]
  [[nodiscard]] bool enabled() const noexcept { return sigma_ > 0; }
  /// Standard deviation of the samples. [any thread]
  [[nodiscard]] double sigma() const noexcept { return sigma_; }
  /// Next sample. [audio thread, real-time safe]
  [[nodiscard]] double next() noexcept {
    if (!(sigma_ > 0)) return 0.0;
    if (has_spare_) {
      has_spare_ = false;
      return sigma_ * spare_;
    }
    return sigma_ * draw_pair();
  }
  /// Restarts the stream from its seed. [any thread, not concurrently with next()]
  void reset() noexcept;

 private:
  double draw_pair() noexcept;  // returns one standard normal deviate and keeps the other in spare_

  double sigma_ = 0;
  std::uint64_t seed_ = 0;
  std::mt19937_64 engine_;
  double spare_ = 0;
  bool has_spare_ = false;
};

/// Static nonlinearity y = x + a2 x^2 + a3 x^3 (x normalised to the stage's full scale); a2 = 2*10^(h2/20),
/// a3 = 4*10^(h3/20) so a full-scale sine shows the profile's harmonic levels (to first order).
/// Harmonic levels at or below kOffLevelDb give a coefficient of exactly 0.
struct Polynomial {
  double a2 = 0;  ///< coefficient of x^2
  double a3 = 0;  ///< coefficient of x^3

  /// Coefficients from a profile's harmonic levels. [any thread]
  [[nodiscard]] static Polynomial from(const plan::Distortion& d);
  /// True if both coefficients are 0 (then apply() is the identity). [any thread, real-time safe]
  [[nodiscard]] bool is_linear() const noexcept { return a2 == 0 && a3 == 0; }
  /// y = x + a2 x^2 + a3 x^3. [any thread, real-time safe]
  [[nodiscard]] double apply(double x) const noexcept { return x + x * x * (a2 + a3 * x); }
};

}  // namespace bench::sim
